// Who is on the other end of a request: the client's IP address as the server may trust it (the connection's
// peer, or behind a configured trusted proxy the address that proxy reports), and whether it came over HTTPS.
#pragma once
#include "config.hpp"
#include "http_types.hpp"

#include <optional>
#include <string>

namespace helpline::server {

// The canonical text of an IPv4 or IPv6 literal (an IPv4-mapped IPv6 address as IPv4); nullopt otherwise.
std::optional<std::string> normalize_ip(const std::string &text);
// The IP of the connection's peer ("ip:port" in HttpRequest::remote); "" when unknown.
std::string peer_ip(const HttpRequest &req);
bool is_loopback_ip(const std::string &ip);
bool is_trusted_proxy(const ServerConfig &config, const std::string &ip);
// The client's address: the peer, or when the peer is a trusted proxy, the nearest address of X-Forwarded-For
// that is not itself a trusted proxy (the peer when the header is absent or unreadable).
std::string client_ip(const ServerConfig &config, const HttpRequest &req);
// The unit a throttle counts: an IPv4 address, or the /64 network of an IPv6 address (one subscriber's).
std::string address_key(const std::string &ip);
// Whether the browser reached us over HTTPS as far as the server can tell: behind a trusted proxy, its
// X-Forwarded-Proto (absent = https); otherwise plain HTTP only for a loopback peer that shows no sign of
// being an unconfigured proxy (no forwarding headers, a Host of 127.x.x.x, [::1] or localhost). Everything
// else is treated as HTTPS (Secure cookies).
bool browser_uses_https(const ServerConfig &config, const HttpRequest &req);

}  // namespace helpline::server
