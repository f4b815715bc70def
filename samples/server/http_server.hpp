// HTTP/1.1 transport (Boost.Beast): keep-alive sessions, long-poll parking, fault injection, access log,
// graceful shutdown. The only translation unit that includes Beast/Asio. Hardened against its peers: strict
// message framing (RFC 9112 6.3), connection caps and accept back-off at the descriptor limit, the route and
// app key checked before a body is read, uploads spooled to disk, a global budget for in-memory bodies.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

namespace helpline::server {

class Api;
class AccessLog;
class ChangeNotifier;
class FaultInjector;

struct ListenOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8787;
  int threads = 2;
  bool faults_enabled = false;
  size_t largest_body = 1 << 20;
  size_t max_connections = 10000;                 // open connections in all; more are closed on accept
  size_t max_connections_per_address = 256;       // of one peer IP
  int64_t max_inflight_body_bytes = 256LL << 20;  // all in-memory bodies being read (spooled uploads aside)
};

class HttpServer {
 public:
  HttpServer(Api &api, FaultInjector &faults, AccessLog &log, ChangeNotifier &notifier,
             const ListenOptions &opts);
  ~HttpServer();
  // Binds and listens (throws on failure); returns the bound port.
  uint16_t listen();
  // Serves until SIGINT/SIGTERM, then drains in-flight requests (bounded) and returns.
  void run();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace helpline::server
