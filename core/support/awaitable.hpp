#pragma once
// Short names for the coroutine types used across coqueue.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

namespace coqueue {

namespace asio = boost::asio;

template <class T = void>
using awaitable = asio::awaitable<T>;

using executor = asio::any_io_executor;

}  // namespace coqueue
