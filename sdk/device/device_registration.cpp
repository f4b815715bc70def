#include "device/device_registration.hpp"

#include "base/clock.hpp"
#include "protocol/wire.hpp"

namespace helpline::detail {
namespace {

constexpr const char *kDeviceAttributesKey = "device_attributes";
constexpr const char *kDeviceSentKey = "device_context_sent";

}  // namespace

DeviceRegistration::DeviceRegistration(DeviceContext &device, Meta &meta, Transport &transport,
                                       RequestBuilder &requests, WritesInFlight &writes,
                                       const SyncStats &stats, const Logger &logger, Instance &instance,
                                       Wiring wiring)
    : device_(device),
      meta_(meta),
      transport_(transport),
      requests_(requests),
      writes_(writes),
      stats_(stats),
      logger_(logger),
      instance_(instance),
      wiring_(std::move(wiring)) {
  device_.restore(meta_.get(kDeviceAttributesKey).value_or("{}"));
}

void DeviceRegistration::set_attribute(const std::string &key, const std::optional<std::string> &value) {
  device_.set(key, value);
  wiring_.attributes_changed();
  instance_.post(
      [this] {
        if (save_pending_) return;
        save_pending_ = true;
        instance_.worker().post_at(Worker::Clock::now() + std::chrono::milliseconds(kDebounceMs),
                                   [this] { save(); });
      },
      "helpline_set_device_attribute");
}

void DeviceRegistration::save() {
  save_pending_ = false;
  meta_.set(kDeviceAttributesKey, device_.attributes_json());
  register_now();
}

void DeviceRegistration::flush() {
  if (save_pending_) save();  // the debounce timer's later save() finds nothing new to send
}

void DeviceRegistration::register_now() {
  // While an erase waits for the writes on the wire, none starts: the last to finish calls this again.
  if (in_flight_ || writes_.barrier_waiting || !stats_.online.load() || !requests_.configured()) return;
  std::string context = device_.json();
  if (meta_.get(kDeviceSentKey).value_or("") == context) return;
  in_flight_ = true;
  HttpRequest r = requests_.post_json(wire::path::kDevice, context, 30000, instance_.token());
  r.method = "PUT";
  const uint64_t ticket = writes_.started();
  transport_.start(std::move(r),
                   [this, context, ticket, sent_as = requests_.device_id()](HttpResponse response) {
                     in_flight_ = false;
                     // Answered first: the next PUT it may start is on the wire before flushes are released.
                     try {
                       handle_response(response, context, sent_as);
                     } catch (...) {
                       writes_.finished(ticket);
                       throw;
                     }
                     writes_.finished(ticket);
                   });
}

void DeviceRegistration::handle_response(const HttpResponse &response, const std::string &context,
                                         const std::string &sent_as) {
  if (sent_as != requests_.device_id()) {  // sent as a device id an erase retired meanwhile
    register_now();
    return;
  }
  if (response.status == 200) {
    meta_.set(kDeviceSentKey, context);
    // Notices are targeted when they are published: ones that match this device only now (new model,
    // firmware updated into a range) come from the authoritative list, not from /v1/sync.
    fetch_notices();
    register_now();  // changed again meanwhile?
  } else {
    logger_.info(std::string("PUT ") + wire::path::kDevice + ": " +
                 (response.status == 0 ? response.error : "HTTP " + std::to_string(response.status)) +
                 "; sent again with the next sync");
  }
}

void DeviceRegistration::fetch_notices() {
  if (!stats_.online.load() || !requests_.configured()) return;
  const int64_t asked_at = now_ms();
  transport_.start(requests_.get(wire::path::kNotices, 30000, instance_.token()),
                   [this, asked_at](HttpResponse response) {
                     if (response.status != 200) return;
                     rapidjson::Document d;
                     d.Parse(response.body.data(), response.body.size());
                     if (d.HasParseError() || !d.IsObject() || !d.HasMember("items")) return;
                     wiring_.notices_listed(d["items"], asked_at);
                   });
}

}  // namespace helpline::detail
