// Diagnostics: batch ingest with per-item results (device API), a ticket's diagnostics and diagnostics
// requests (agent API).
#pragma once
#include "api/context.hpp"
#include "api/router.hpp"

namespace helpline::server {

class DiagnosticsHandlers {
 public:
  explicit DiagnosticsHandlers(ApiContext &ctx);
  void add_routes(Router &r);

 private:
  Reply diagnostics_batch(Call &c);
  Reply agent_ticket_diagnostics(Call &c);
  Reply agent_diag_request_create(Call &c);
  Reply agent_diag_requests_list(Call &c);

  ApiContext &ctx_;
};

}  // namespace helpline::server
