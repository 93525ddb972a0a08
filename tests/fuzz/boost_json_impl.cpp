// The one translation unit that compiles Boost.JSON for the fuzz targets. CMake builds link
// Debian's libboost_json instead; compiled here, the parser and serializer are instrumented
// too, so libFuzzer sees their branches and the sanitizers check them.
#include <boost/json/src.hpp>
