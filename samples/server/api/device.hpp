// Device attributes (PUT/GET /v1/device), the push token, surveys and notices (device API), and the agent
// view of a ticket's device.
#pragma once
#include "api/router.hpp"

namespace helpline::server {

class DeviceHandlers {
 public:
  void add_routes(Router &r);

 private:
  Reply device_put(Call &c);
  Reply device_get(Call &c);
  Reply push_token_put(Call &c);
  Reply push_token_delete(Call &c);
  Reply surveys_create(Call &c);
  Reply notices_list(Call &c);
  Reply notice_ack(Call &c);
  Reply agent_ticket_device(Call &c);
};

}  // namespace helpline::server
