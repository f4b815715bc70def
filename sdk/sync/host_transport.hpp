// A host-supplied HTTP function (helpline_options_set_transport) behind the Transport
// interface. The function is synchronous, so requests run one at a time on the worker.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <utility>

#include "base/transport.hpp"
#include "helpline/helpline.h"

// What helpline_http_response_* fill in.
struct helpline_http_response_s {
  helpline::detail::HttpResponse response;
};

namespace helpline::detail {

class HostTransport : public Transport {
 public:
  HostTransport(helpline_transport_fn fn, void *user) : fn_(fn), user_(user) {}

  void start(HttpRequest request, HttpDone done) override {
    queue_.emplace_back(std::move(request), std::move(done));
  }
  void wait(int timeout_ms) override;
  void wakeup() override;
  std::size_t active() const override { return queue_.size(); }
  void abort_all() override;

 private:
  HttpResponse perform(const HttpRequest &request);

  helpline_transport_fn fn_;
  void *user_;
  std::deque<std::pair<HttpRequest, HttpDone>> queue_;  // worker thread only
  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;
};

}  // namespace helpline::detail
