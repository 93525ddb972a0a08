// The one translation unit that compiles Boost.URL for the fuzz targets (the Api parses every
// request target with it). CMake builds link Debian's libboost_url instead; compiled here, it
// is instrumented like the rest.
#include <boost/url/src.hpp>
