// GET /v1/sync: everything new for this device since its cursor, with long-poll.
#pragma once
#include "api/context.hpp"
#include "api/router.hpp"

#include <chrono>
#include <cstdint>

namespace helpline::server {

class SyncHandlers {
 public:
  explicit SyncHandlers(ApiContext &ctx);
  void add_routes(Router &r);

 private:
  Reply sync(Call &c);
  // One look at the feed: a page, or (nothing new, not final) a long-poll whose retry looks again.
  HandleResult sync_round(const AppConfig *app, Principal p, int64_t cursor, int limit,
                          std::chrono::steady_clock::time_point deadline, bool final);

  ApiContext &ctx_;
};

}  // namespace helpline::server
