// /v1/_test/*: runtime fault injection, pause, rate limits, JWT minting and the test clock. Registered only
// with --test-mode.
#pragma once
#include "api/context.hpp"
#include "api/router.hpp"

namespace helpline::server {

class TestControlHandlers {
 public:
  explicit TestControlHandlers(ApiContext &ctx);
  void add_routes(Router &r);

 private:
  Reply test_faults_get(Call &c);
  Reply test_faults_post(Call &c);
  Reply test_pause(Call &c);
  Reply test_limits(Call &c);
  Reply test_token(Call &c);
  Reply test_clock(Call &c);

  ApiContext &ctx_;
};

}  // namespace helpline::server
