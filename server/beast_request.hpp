#pragma once
// A request read by Beast, turned into the API's plain Request (server/http_message.hpp). Only
// the HTTP session (and the HTTP fuzz target, which must build requests the same way) include
// this, so Beast stays out of the headers the handlers see.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "server/http_message.hpp"

namespace coqueue::server {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;

// A browser says where the page that sent a request came from: a page of another site must not
// change anything here (pause a queue, purge dead letters...) on behalf of whoever views it,
// tokens or not. Clients that are not browsers send neither header.
bool is_cross_site(const BeastRequest& message);

// Moves the body out of `message`.
Request to_request(BeastRequest& message);

}  // namespace coqueue::server
