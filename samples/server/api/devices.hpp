// Device views for agents (protocol.md 14.5): the device list with health, one device's diagnostics, and its
// health timeline.
#pragma once
#include "api/router.hpp"

namespace helpline::server {

class DeviceViewHandlers {
 public:
  void add_routes(Router &r);

 private:
  Reply agent_devices_list(Call &c);
  Reply agent_device_get(Call &c);
  Reply agent_device_diagnostics(Call &c);
  Reply agent_device_timeline(Call &c);
};

}  // namespace helpline::server
