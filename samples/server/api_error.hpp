// The single error type handlers throw; the API layer turns it into {"error":{"code","message"}}.
#pragma once
#include <stdexcept>
#include <string>

namespace helpline::server {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, const std::string &message, int retry_after = 0)
      : std::runtime_error(message), status_(status), code_(std::move(code)), retry_after_(retry_after) {}
  int status() const { return status_; }
  const std::string &code() const { return code_; }
  int retry_after() const { return retry_after_; }

 private:
  int status_;
  std::string code_;
  int retry_after_;
};

inline ApiError bad_request(const std::string &msg) {
  return ApiError(400, "invalid_request", msg);
}
inline ApiError not_found(const std::string &what) {
  return ApiError(404, "not_found", what + " not found");
}

}  // namespace helpline::server
