#include "nginx_anchor.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "helpline/testing/http_client.hpp"
#include "helpline/testing/temp_dir.hpp"

namespace helpline::bench {
namespace {

/// A port the kernel considers free on 127.0.0.1 right now (bind to 0, read it back, release it).
int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("bind to 127.0.0.1:0 failed");
  }
  const int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

}  // namespace

std::string find_nginx() {
  for (const char *p : {"/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"}) {
    if (::access(p, X_OK) == 0) return p;
  }
  return {};
}

NginxAnchor::NginxAnchor(const std::string &nginx, const std::filesystem::path &prefix) {
  std::filesystem::create_directories(prefix / "body");
  port_ = free_loopback_port();
  const std::string p = prefix.string();
  testing::write_file(prefix / "nginx.conf",
                      "worker_processes auto;\n"
                      "daemon off;\n"
                      "pid " +
                          p +
                          "/nginx.pid;\n"
                          "error_log " +
                          p +
                          "/error.log warn;\n"
                          "events { worker_connections 4096; }\n"
                          "http {\n"
                          "  access_log off;\n"
                          "  client_body_temp_path " +
                          p +
                          "/body;\n"
                          "  client_max_body_size 64m;\n"
                          "  keepalive_requests 1000000;\n"
                          "  server {\n"
                          "    listen 127.0.0.1:" +
                          std::to_string(port_) +
                          ";\n"
                          "    location / { return 204; }\n"
                          "  }\n"
                          "}\n");
  const std::string conf = p + "/nginx.conf";
  const std::string error_log = p + "/error.log";
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::execl(nginx.c_str(), nginx.c_str(), "-e", error_log.c_str(), "-p", p.c_str(), "-c", conf.c_str(),
            static_cast<char *>(nullptr));
    ::_exit(127);
  }
  testing::HttpClient http(base_url());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    testing::Request req;
    req.path = "/";
    req.timeout_ms = 1000;
    if (http.send(req).status == 204) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  throw std::runtime_error("nginx did not start: " + testing::read_file_if_exists(prefix / "error.log"));
}

NginxAnchor::~NginxAnchor() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 500; ++i) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
}

}  // namespace helpline::bench
