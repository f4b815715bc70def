#pragma once
// The ratio anchor: nginx `location / { return 204; }` on a free 127.0.0.1 port, as a non-daemon in a temp
// prefix.

#include <sys/types.h>
#include <filesystem>
#include <string>

namespace helpline::bench {

/// nginx's absolute path, or empty when it is not installed.
std::string find_nginx();

class NginxAnchor {
 public:
  /// Writes the config under `prefix`, starts nginx and waits until it answers. Throws std::runtime_error.
  NginxAnchor(const std::string &nginx, const std::filesystem::path &prefix);
  ~NginxAnchor();  ///< SIGTERM (then SIGKILL) and reap
  NginxAnchor(const NginxAnchor &) = delete;
  NginxAnchor &operator=(const NginxAnchor &) = delete;

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace helpline::bench
