// The diagnostics the instance produces and schedules around the Diagnostics recorder: consent
// (kept in the store; nothing recorded without it, revoking drops what is queued), the host's
// diagnostics, breadcrumbs and metrics calls, heartbeats, on-device rules (loaded, saved, their
// "for" deadlines, firings), the rule sets the server pushes, and the server's diagnostics requests
// (answered with a snapshot, or held until consent arrives). Host calls run on host threads and
// hand timed work to the worker; everything else runs on the worker.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "base/logger.hpp"
#include "base/options.hpp"
#include "base/stats.hpp"
#include "base/worker.hpp"
#include "device/device_context.hpp"
#include "diagnostics/diagnostics.hpp"
#include "items/instance.hpp"
#include "items/item.hpp"
#include "items/registry.hpp"
#include "store/meta.hpp"
#include "store/outbox.hpp"

namespace helpline::detail {

class DiagnosticsScheduler {
 public:
  // At open, on the opening thread: consent and the saved rule sets are read from the store.
  DiagnosticsScheduler(const Options &options, Diagnostics &diagnostics, DeviceContext &device, Meta &meta,
                       Outbox &outbox, sqlite3 *db, SyncStats &stats, const Logger &logger,
                       Instance &instance);

  bool consent() const noexcept { return consent_.load() || !options_.diagnostics_consent_required; }
  // Host threads. Throw Error (HELPLINE_E_NO_CONSENT without consent).
  void set_consent(bool granted);
  void send(const std::string &name, std::string_view attributes_json);
  void breadcrumb(int level, std::string_view category, std::string_view message);
  void metric(const std::string &name, double value, bool counter);
  void load_rules(const std::string &json);
  // What the next ticket carries: recent diagnostics and breadcrumbs within `max_bytes` (consent only).
  std::string take_for_ticket(std::size_t max_bytes);

  // Worker: the erase wiped the store; recorded and held diagnostics go too.
  void clear();
  // The diagnostic kind and the rules / diagnostics_request sync items.
  void register_items(ItemRegistry &registry);

 private:
  void require_consent(const char *function) const;
  void enqueue_diagnostic(const DiagnosticSpec &spec);
  void on_heartbeat();
  void on_rules_due();
  void fire(const std::vector<Firing> &firings);
  bool on_rules(const rapidjson::Value &item);
  bool on_request(const rapidjson::Value &item);
  void answer_request(const std::string &id, const std::string &request_json);
  void apply_consent(bool granted);

  const Options &options_;
  Diagnostics &diagnostics_;
  DeviceContext &device_;
  Meta &meta_;
  Outbox &outbox_;
  sqlite3 *db_;
  SyncStats &stats_;
  const Logger &logger_;
  Instance &instance_;
  std::atomic<bool> consent_{false};
  std::atomic<int64_t> rules_due_at_{-1};      // the "for" deadline a timer is armed for
  std::vector<std::string> pending_requests_;  // worker: diagnostics requests waiting for consent
};

}  // namespace helpline::detail
