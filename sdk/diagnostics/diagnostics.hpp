// Everything diagnostic on the device: redaction, breadcrumbs, metrics (heartbeats), rules, the
// cached device facts, the host's before_send and log provider, and what the next ticket takes
// along. Builds the protocol items (docs/protocol.md section 10) the outbox sends.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/options.hpp"
#include "diagnostics/breadcrumbs.hpp"
#include "diagnostics/metrics.hpp"
#include "diagnostics/redaction.hpp"
#include "diagnostics/rules.hpp"
#include "items/item.hpp"
#include "protocol/wire.hpp"

namespace helpline::detail {

// Largest attributes_json helpline_diagnostics_send takes (the server's cap on an item's attributes).
constexpr std::size_t kMaxDiagnosticAttributesBytes = wire::limit::kDiagnosticAttributesBytes;

// Diagnostics go on their own channel and are the first to be evicted (and dropped without consent).
inline constexpr ItemKind kDiagnosticKind{wire::kind::kDiagnostic, Channel::kDiagnostics,
                                          kPriorityDiagnostics};

struct DiagnosticSpec {
  const char *kind = "event";  // event | metric | snapshot | log
  std::string name;
  std::string level;
  std::string message;
  std::string attributes_json;  // a redacted JSON object, or empty
  std::string request_id;
  std::string ticket_id;
  std::string extra_key;  // one more attribute written as is (heartbeat "metrics", request "logs")
  std::string extra_json;
};

class Diagnostics {
 public:
  // Attributes over this size lose their breadcrumbs, then the device facts (the server's cap is
  // 64 KiB).
  static constexpr std::size_t kMaxAttributesBytes = 60 * 1024;
  static constexpr std::size_t kTicketBreadcrumbs = 30;
  static constexpr std::size_t kMaxLogBytes = 64 * 1024;
  // The logs as sent (a JSON string, escaped) stay under this, so a snapshot with the device context fits the
  // server's 64 KiB attributes cap; the newest lines are kept.
  static constexpr std::size_t kMaxLogJsonBytes = 48 * 1024;
  // The server's cap on an item's serialised attributes (docs/protocol.md section 10).
  static constexpr std::size_t kServerAttributesCap = 64 * 1024;

  explicit Diagnostics(const Options &options);

  Breadcrumbs &breadcrumbs() noexcept { return crumbs_; }
  Metrics &metrics() noexcept { return metrics_; }
  Rules &rules() noexcept { return rules_; }
  std::string redact(std::string_view text) const { return redactor_.apply(text); }
  // Parses, checks (a JSON object) and redacts host attributes. Throws Error(HELPLINE_E_INVALID_JSON).
  std::string redact_attributes(std::string_view json) const;

  // Any thread. The item with device context, facts and recent breadcrumbs attached, after
  // before_send; nothing when before_send dropped it.
  std::optional<NewItem> make_item(const DiagnosticSpec &spec, const std::string &device_json);

  // Worker: re-reads the device facts (files); any thread reads the cached copy.
  void refresh_facts(const std::string &data_dir);
  std::string facts_json() const;
  // Worker: the host's recent logs (log provider), redacted and capped; empty without a provider.
  std::string host_logs() const;

  // What the next ticket takes along: {"diagnostics": [{"id", "name", "ts"}], "breadcrumbs": [...]},
  // at most `max_bytes` (the oldest breadcrumbs are left out first), or empty when nothing happened since
  // the last ticket. Resets.
  std::string take_for_ticket(std::size_t max_bytes = SIZE_MAX);
  // Consent revoked: forget breadcrumbs, metrics and what the next ticket would take.
  void clear();

 private:
  Redactor redactor_;
  Breadcrumbs crumbs_;
  Metrics metrics_;
  Rules rules_;
  helpline_before_send_fn before_send_;
  void *before_send_user_;
  helpline_log_provider_fn log_provider_;
  void *log_provider_user_;

  mutable std::mutex mu_;
  std::string facts_;
  struct Sent {
    std::string id, name;
    int64_t ts;
  };
  std::vector<Sent> since_ticket_;  // the last 5
};

}  // namespace helpline::detail
