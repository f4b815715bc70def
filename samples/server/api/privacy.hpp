// Privacy: erase and export a user's data (docs/protocol.md section 20), for the caller (device API) and by
// agents (agent API), with the audit of every erasure and export.
#pragma once
#include "api/router.hpp"

namespace helpline::server {

class PrivacyHandlers {
 public:
  void add_routes(Router &r);

 private:
  Reply me_erase(Call &c);
  Reply me_export(Call &c);
  Reply agent_principal_export(Call &c);
  Reply agent_principal_erase(Call &c);
  Reply agent_erasures_list(Call &c);
};

}  // namespace helpline::server
