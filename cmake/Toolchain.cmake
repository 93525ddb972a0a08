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
