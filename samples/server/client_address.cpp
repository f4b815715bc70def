#include "client_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <vector>

namespace helpline::server {

namespace {

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> comma_list(const std::string &v) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= v.size()) {
    size_t end = v.find(',', i);
    if (end == std::string::npos) end = v.size();
    out.push_back(trim(v.substr(i, end - i)));
    i = end + 1;
  }
  return out;
}

// "1.2.3.4", "1.2.3.4:80", "[::1]", "[::1]:80", "::1" -> the address part.
std::string strip_port(const std::string &s) {
  if (!s.empty() && s.front() == '[') {
    size_t close = s.find(']');
    return close == std::string::npos ? std::string() : s.substr(1, close - 1);
  }
  size_t colon = s.find(':');
  if (colon != std::string::npos && s.find(':', colon + 1) == std::string::npos) return s.substr(0, colon);
  return s;
}

}  // namespace

std::optional<std::string> normalize_ip(const std::string &text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  unsigned char buf[16];
  char out[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET, text.c_str(), buf) == 1) {
    if (!inet_ntop(AF_INET, buf, out, sizeof out)) return std::nullopt;
    return std::string(out);
  }
  if (inet_pton(AF_INET6, text.c_str(), buf) != 1) return std::nullopt;
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(buf, kMapped, sizeof kMapped) == 0) {
    if (!inet_ntop(AF_INET, buf + 12, out, sizeof out)) return std::nullopt;
    return std::string(out);
  }
  if (!inet_ntop(AF_INET6, buf, out, sizeof out)) return std::nullopt;
  return std::string(out);
}

std::string peer_ip(const HttpRequest &req) {
  size_t colon = req.remote.rfind(':');
  if (colon == std::string::npos) return normalize_ip(req.remote).value_or(std::string());
  return normalize_ip(req.remote.substr(0, colon)).value_or(std::string());
}

bool is_loopback_ip(const std::string &ip) {
  return ip == "::1" || ip.rfind("127.", 0) == 0;
}

bool is_trusted_proxy(const ServerConfig &config, const std::string &ip) {
  return !ip.empty() && std::find(config.trusted_proxies.begin(), config.trusted_proxies.end(), ip) !=
                            config.trusted_proxies.end();
}

std::string client_ip(const ServerConfig &config, const HttpRequest &req) {
  std::string peer = peer_ip(req);
  if (!is_trusted_proxy(config, peer)) return peer;
  std::vector<std::string> hops;
  for (const auto &h : req.headers)
    if (h.first == "x-forwarded-for")
      for (auto &hop : comma_list(h.second)) hops.push_back(std::move(hop));
  // Right to left: each trusted proxy appended the address it saw; the first untrusted one is the client.
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    std::optional<std::string> ip = normalize_ip(strip_port(*it));
    if (!ip) return peer;  // unreadable: do not guess further left (that part is client-controlled)
    if (!is_trusted_proxy(config, *ip)) return *ip;
  }
  return peer;
}

std::string address_key(const std::string &ip) {
  unsigned char buf[16];
  if (ip.find(':') == std::string::npos || inet_pton(AF_INET6, ip.c_str(), buf) != 1) return ip;
  std::memset(buf + 8, 0, 8);
  char out[INET6_ADDRSTRLEN];
  if (!inet_ntop(AF_INET6, buf, out, sizeof out)) return ip;
  return std::string(out) + "/64";
}

bool browser_uses_https(const ServerConfig &config, const HttpRequest &req) {
  std::string peer = peer_ip(req);
  if (is_trusted_proxy(config, peer)) {
    const std::string *proto = req.header("x-forwarded-proto");
    if (!proto) return true;
    // The proxy nearest to the client is listed first.
    std::string first = comma_list(*proto).front();
    std::transform(first.begin(), first.end(), first.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return first != "http";
  }
  if (!is_loopback_ip(peer)) return true;
  // A loopback peer that forwards for someone is a reverse proxy nobody configured: assume TLS in front of
  // it.
  for (const char *h : {"x-forwarded-proto", "x-forwarded-for", "x-forwarded-host", "forwarded", "x-real-ip"})
    if (req.header(h)) return true;
  // So is one that was asked for another host name than this machine's (the Host header can only add Secure).
  const std::string *host = req.header("host");
  if (!host) return false;
  std::string name = *host;
  if (!name.empty() && name.front() == '[')
    name = name.substr(1, name.find(']') == std::string::npos ? std::string::npos : name.find(']') - 1);
  else
    name = name.substr(0, name.find(':'));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (name == "localhost") return false;
  std::optional<std::string> ip = normalize_ip(name);
  return !(ip && is_loopback_ip(*ip));
}

}  // namespace helpline::server
