// Server rules (protocol.md 14.3), the device rule set pushed through sync (14.4), and the OTLP export's
// counters (18.2).
#pragma once
#include "api/context.hpp"
#include "api/router.hpp"

namespace helpline::server {

class RuleHandlers {
 public:
  explicit RuleHandlers(ApiContext &ctx);
  void add_routes(Router &r);

 private:
  Reply rules_list(Call &c);
  Reply rule_get(Call &c);
  Reply rule_create(Call &c);
  Reply rule_patch(Call &c);
  Reply rule_delete(Call &c);
  Reply device_rules_get(Call &c);
  Reply device_rules_put(Call &c);
  Reply otlp_stats(Call &c);

  ApiContext &ctx_;
};

}  // namespace helpline::server
