// Server rules at work (protocol.md 14.3): a DiagnosticsSink that matches every committed group of
// diagnostics against the app's enabled rules and runs the actions of those that fire (open a proactive
// ticket, publish a targeted notice) in one write transaction per group commit. It runs on the ingest
// thread after the requests were answered, so ingest latency does not include it.
#pragma once
#include "api/diagnostics_ingest.hpp"
#include "change_notifier.hpp"
#include "rules/server_rule.hpp"
#include "store/store.hpp"

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace helpline::server {

class RuleEngine : public DiagnosticsSink {
 public:
  RuleEngine(Store &store, ChangeNotifier &notifier) : store_(store), notifier_(notifier) {}
  void committed(const std::vector<CommittedDiagnostics> &groups) override;
  // Forgets the windows and cooldowns of a changed or deleted rule (any thread).
  void forget(const std::string &app, const std::string &rule_id);

 private:
  struct Firing {
    const ServerRule *rule;
    const CommittedDiagnostics *group;
    const DiagnosticRecord *item;
    std::optional<double> value;
    std::string device_attrs;
  };
  struct Window {  // per (rule, device): timestamps of recent matches, and the last firing
    std::deque<int64_t> hits;
    int64_t last_fired = -1;
  };
  const std::vector<std::shared_ptr<ServerRule>> &rules_for(StoreTx &tx, const std::string &app);
  bool counts(const ServerRule &r, const std::string &app, const std::string &device, int64_t ts,
              int64_t now);
  void fire(StoreTx &tx, const Firing &f, int64_t now, std::vector<WakeTarget> &wake, int64_t &max_seq);

  Store &store_;
  ChangeNotifier &notifier_;
  struct Cached {
    std::string key;  // ids, enabled flags and updated_at of the rules it was parsed from
    std::vector<std::shared_ptr<ServerRule>> rules;
  };
  std::unordered_map<std::string, Cached> cache_;  // by app (ingest thread only)
  std::mutex windows_mutex_;
  std::map<std::string, Window> windows_;  // "app\nrule\ndevice"
};

}  // namespace helpline::server
