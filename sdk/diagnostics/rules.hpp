// On-device rules over metrics: when one fires, the device raises a proactive diagnostic before
// the user notices anything. A rule set is JSON (docs/diagnostics.md):
//   {"rules": [{"id": "low_disk", "metric": "disk_free_pct", "op": "<", "value": 5, "for_s": 600,
//               "cooldown_s": 3600, "kind": "low_disk", "when": {"model": "X100"}},
//              {"id": "wifi_flaps", "metric": "wifi_disconnects", "op": ">", "value": 3,
//               "window_s": 3600}]}
// Gauges (helpline_metric_set) compare their latest value, optionally only after the condition
// held continuously for `for_s`; counters (helpline_metric_add) compare the sum of the increments
// within the last `window_s` (default 3600). A rule fires once when its condition becomes true,
// not again until the condition was false in between AND `cooldown_s` (default 3600) passed —
// so noise around a threshold does not produce a stream of diagnostics. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace helpline::detail {

struct Firing {
  std::string rule_id;
  std::string kind;
  std::string metric;
  std::string op;
  double threshold;
  double value;
};

class Rules {
 public:
  static constexpr std::size_t kMaxRules = 64;
  static constexpr std::size_t kMaxWindowSamples = 4096;

  // Replaces one source's rule set ("host" or "server"); the other is kept. Throws Error
  // (HELPLINE_E_INVALID_JSON for malformed JSON or wrong types, HELPLINE_E_INVALID_ARGUMENT for an
  // unknown operator or bad numbers, HELPLINE_E_TOO_LARGE past kMaxRules): then nothing changes.
  void load(const std::string &source, const std::string &json);
  // Device attributes the rules' "when" filters compare against.
  void set_attributes(std::map<std::string, std::string> attributes);

  // A sample: returns the rules that fire now. `counter`: a delta, else a gauge value.
  std::vector<Firing> sample(const std::string &metric, double v, bool counter, int64_t now_ms);
  // Re-checks "for" conditions whose time has come (no new sample needed). Returns firings.
  std::vector<Firing> tick(int64_t now_ms);
  // Earliest time a "for" condition can complete, or -1.
  int64_t next_deadline() const;
  std::size_t size() const;

 private:
  struct Rule {
    std::string id, kind, metric, op;
    double value = 0;
    int64_t for_ms = 0, window_ms = 3600000, cooldown_ms = 3600000;
    std::map<std::string, std::string> when;
    // State.
    bool active = false;      // the condition holds (or held for long enough)
    bool fired = false;       // fired during the current active period
    int64_t true_since = -1;  // gauges with for_s: when the condition became true
    int64_t last_fired = -1;
    double last_value = 0;
    std::vector<std::pair<int64_t, double>> window;  // counters, oldest first
  };
  static std::vector<Rule> parse(const std::string &json);
  bool applies(const Rule &r) const;
  bool maybe_fire(Rule &r, bool condition, double value, int64_t now, std::vector<Firing> &out);

  mutable std::mutex mu_;
  std::map<std::string, std::vector<Rule>> sets_;  // by source
  std::map<std::string, std::string> attributes_;
};

}  // namespace helpline::detail
