// GET /v1/agent/metrics (JSON) and /v1/agent/metrics.csv: the support metrics of docs/metrics.md.
#pragma once
#include "api/router.hpp"

namespace helpline::server {

class MetricsHandlers {
 public:
  void add_routes(Router &r);

 private:
  Reply agent_metrics(Call &c);
  Reply agent_metrics_csv(Call &c);
};

}  // namespace helpline::server
