#include "sync/host_transport.hpp"

#include <chrono>

namespace helpline::detail {

void HostTransport::wait(int timeout_ms) {
  if (!queue_.empty()) {
    auto [request, done] = std::move(queue_.front());
    queue_.pop_front();
    done(perform(request));
    return;
  }
  std::unique_lock<std::mutex> lock(mu_);
  if (timeout_ms < 0) {
    cv_.wait(lock, [this] { return woken_; });
  } else {
    cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [this] { return woken_; });
  }
  woken_ = false;
}

void HostTransport::wakeup() {
  std::lock_guard<std::mutex> lock(mu_);
  woken_ = true;
  cv_.notify_one();
}

void HostTransport::abort_all() {
  queue_.clear();
}

HttpResponse HostTransport::perform(const HttpRequest &request) {
  std::vector<const char *> headers;
  headers.reserve(request.headers.size());
  for (const auto &h : request.headers) headers.push_back(h.c_str());
  helpline_http_request_t req{};
  req.size = sizeof req;
  req.method = request.method.c_str();
  req.url = request.url.c_str();
  req.headers = headers.data();
  req.header_count = headers.size();
  req.body = request.body.empty() ? nullptr : request.body.data();
  req.body_len = request.body.size();
  req.timeout_ms = static_cast<uint32_t>(request.timeout_ms);
  helpline_http_response_s out;
  helpline_status_t s = fn_(user_, &req, &out);
  if (s != HELPLINE_OK || out.response.status < 100) {
    HttpResponse failed;
    failed.error = "host transport failed: " + std::string(helpline_status_str(s));
    return failed;
  }
  return std::move(out.response);
}

}  // namespace helpline::detail
