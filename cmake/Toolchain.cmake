# Compiler launcher, warnings and sanitizers shared by every target.

find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()

add_library(coqueue_options INTERFACE)
target_compile_options(coqueue_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual
  -Wimplicit-fallthrough)
if(COQUEUE_WERROR)
  target_compile_options(coqueue_options INTERFACE -Werror)
endif()
if(COQUEUE_SANITIZE)
  # Two GCC 12 warnings are false positives under ASan, both inside Boost headers:
  # mismatched-new-delete on Asio's coroutine-frame allocator (aligned_alloc freed by its own
  # sized operator delete) and maybe-uninitialized in Beast's parser. The ci preset, built
  # without sanitizers, keeps them and every other warning fatal.
  target_compile_options(coqueue_options INTERFACE -fsanitize=address,undefined
    -fno-omit-frame-pointer -fno-sanitize-recover=undefined
    -Wno-mismatched-new-delete -Wno-maybe-uninitialized)
  target_link_options(coqueue_options INTERFACE -fsanitize=address,undefined)
endif()

if(COQUEUE_TSAN)
  # Data races between the I/O thread and the threads of CpuPool and the load generator. GCC
  # 12's TSan has no coroutine-specific false positives here, so there is no suppression file.
  target_compile_options(coqueue_options INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(coqueue_options INTERFACE -fsanitize=thread)
endif()

# Asio and Beast are compiled once, in their own translation units (core/support/asio_impl.cpp,
# server/http/beast_impl.cpp), instead of in every file that includes them.
add_compile_definitions(BOOST_ASIO_SEPARATE_COMPILATION BOOST_BEAST_SEPARATE_COMPILATION
  BOOST_ASIO_NO_DEPRECATED BOOST_JSON_NO_LIB BOOST_URL_NO_LIB)

# The programs' allocator: tcmalloc (gperftools' minimal build) when it is installed. Measured
# end to end, it costs the server and the worker 13-20% less CPU per job than glibc's malloc
# (docs/performance.md). Not under the sanitizers, which bring their own allocator. Linked by
# name even though nothing calls it by name, hence --no-as-needed.
option(COQUEUE_TCMALLOC "Link the programs with tcmalloc_minimal when it is installed" ON)
add_library(coqueue_allocator INTERFACE)
if(COQUEUE_TCMALLOC AND NOT COQUEUE_SANITIZE AND NOT COQUEUE_TSAN)
  find_library(COQUEUE_TCMALLOC_LIBRARY NAMES tcmalloc_minimal libtcmalloc_minimal.so.4)
  if(COQUEUE_TCMALLOC_LIBRARY)
    target_link_libraries(coqueue_allocator INTERFACE
      "-Wl,--push-state,--no-as-needed" ${COQUEUE_TCMALLOC_LIBRARY} "-Wl,--pop-state")
    message(STATUS "coqueue: programs use ${COQUEUE_TCMALLOC_LIBRARY}")
  else()
    message(STATUS "coqueue: tcmalloc_minimal not found, programs use glibc's malloc")
  endif()
endif()
