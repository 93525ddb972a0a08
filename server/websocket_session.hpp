#pragma once
// GET /ws: a WebSocket on which a client follows jobs (by id or by queue) and submits them. Each
// status change of a followed job arrives as the job record GET /jobs/<id> returns. Included by
// http_session.cpp only: Beast stays out of widely included headers.

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "core/queue/broker.hpp"
#include "core/support/awaitable.hpp"
#include "server/api.hpp"
#include "server/http_settings.hpp"

namespace coqueue::server {

// Takes over `stream` after the upgrade request was read; returns when the socket is done.
awaitable<void> run_websocket_session(
    boost::beast::tcp_stream& stream,
    boost::beast::http::request<boost::beast::http::string_body> upgrade, Api& api, Broker& broker,
    WebSocketLimits limits = {});

}  // namespace coqueue::server
