// HTTP/1.1 transport (Boost.Beast): keep-alive sessions, long-poll parking, fault injection, access log,
// graceful shutdown. The only translation unit that includes Beast/Asio.
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
