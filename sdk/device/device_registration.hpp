// Device registration: the device context (device/device_context.hpp) is state, not an event, so
// the newest one replaces the last with PUT /v1/device whenever it differs from what the server
// last acknowledged; it is sent directly, not queued. Attribute changes within a short window go as
// one request. After the server took new attributes, the notices that now apply are listed again
// (GET /v1/notices): targeting happens when a notice is published. Host threads set attributes;
// the rest runs on the worker.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <rapidjson/document.h>

#include "base/logger.hpp"
#include "base/stats.hpp"
#include "base/transport.hpp"
#include "device/device_context.hpp"
#include "items/instance.hpp"
#include "store/meta.hpp"
#include "sync/request_builder.hpp"
#include "sync/writes_in_flight.hpp"

namespace helpline::detail {

class DeviceRegistration {
 public:
  // Attribute changes within this window go to the server as one PUT /v1/device.
  static constexpr int64_t kDebounceMs = 200;

  struct Wiring {
    std::function<void()> attributes_changed;  // host thread: the context changed (rules re-read it)
    // Worker: the notices GET /v1/notices listed (`items`), asked for at `asked_at`.
    std::function<void(const rapidjson::Value &items, int64_t asked_at)> notices_listed;
  };

  // Its PUT is counted in `writes` (an erase waits for it; helpline_flush() too).
  DeviceRegistration(DeviceContext &device, Meta &meta, Transport &transport, RequestBuilder &requests,
                     WritesInFlight &writes, const SyncStats &stats, const Logger &logger, Instance &instance,
                     Wiring wiring);

  // Host threads. Throws Error (HELPLINE_E_TOO_LARGE past the attribute limit, _CLOSED, _BUSY).
  void set_attribute(const std::string &key, const std::optional<std::string> &value);
  // Worker: sends the context unless the server already has it, a request is in flight or the
  // device is offline (then the next sync or network change calls this again).
  void register_now();
  // Worker (helpline_flush): an attribute change still in its debounce window is sent now.
  void flush();
  // Worker: a PUT is on the wire.
  bool busy() const noexcept { return in_flight_; }

 private:
  void save();
  void handle_response(const HttpResponse &response, const std::string &context, const std::string &sent_as);
  void fetch_notices();

  DeviceContext &device_;
  Meta &meta_;
  Transport &transport_;
  RequestBuilder &requests_;
  WritesInFlight &writes_;
  const SyncStats &stats_;
  const Logger &logger_;
  Instance &instance_;
  Wiring wiring_;
  bool save_pending_ = false;  // worker thread only
  bool in_flight_ = false;     // worker thread only
};

}  // namespace helpline::detail
