// Rules: server-side rules (docs/protocol.md 14.3) with their firings, and the device rule set pushed to
// devices as `rules` sync items (14.4).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace helpline::server {

// A server-side rule; `definition_json` is the validated rule object.
struct ServerRuleRecord {
  std::string id;
  std::string definition_json;
  bool enabled = true;
  std::string agent_id;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct RuleFiringRecord {
  int64_t seq = 0;
  std::string rule_id;
  std::string device_id;
  std::string action;  // ticket | notice | none (de-duplicated)
  std::optional<std::string> ticket_id;
  std::optional<std::string> notice_id;
  int64_t diagnostic_seq = 0;
  std::optional<double> value;
  int64_t at = 0;
};

// The app's device rule set, versioned.
struct DeviceRuleSetRecord {
  int64_t version = 0;
  std::string rules_json;  // array
  std::optional<std::string> agent_id;
  int64_t updated_at = 0;
};

class RuleRepo {
 public:
  virtual ~RuleRepo() = default;
  virtual std::vector<ServerRuleRecord> list(const std::string &app) = 0;
  virtual std::optional<ServerRuleRecord> find(const std::string &app, const std::string &id) = 0;
  virtual void upsert(const std::string &app, const ServerRuleRecord &r) = 0;
  virtual bool remove(const std::string &app, const std::string &id) = 0;  // false: no such rule

  virtual void insert_firing(const std::string &app, const RuleFiringRecord &f) = 0;
  virtual int64_t firing_count(const std::string &app, const std::string &rule_id) = 0;
  // The device's firings in [from, to), oldest first (the health timeline).
  virtual std::vector<RuleFiringRecord> device_firings(const std::string &app, const std::string &device_id,
                                                       int64_t from, int64_t to, int limit) = 0;

  virtual std::optional<DeviceRuleSetRecord> find_device_rule_set(const std::string &app) = 0;
  virtual void save_device_rule_set(const std::string &app, const DeviceRuleSetRecord &r) = 0;
};

}  // namespace helpline::server
