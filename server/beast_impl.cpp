// The one translation unit that compiles Beast (BOOST_BEAST_SEPARATE_COMPILATION is set for all).
#include <boost/beast/src.hpp>
