// POST /v1/batch: many device writes in one request, each with its own idempotency key and result.
#pragma once
#include "api/router.hpp"

namespace helpline::server {

class BatchHandlers {
 public:
  // Items are routed through `router` (the whole table: only batchable writes are accepted).
  explicit BatchHandlers(const Router &router);
  void add_routes(Router &r);

 private:
  Reply batch(Call &c);

  const Router &router_;
};

}  // namespace helpline::server
