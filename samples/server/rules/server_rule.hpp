// Server-side rules (protocol.md 14.3): what a rule matches in incoming diagnostics and what it does.
// Pure: validation and matching only; the rule engine (api/rule_engine.*) keeps windows and runs actions.
#pragma once
#include "json_fields.hpp"
#include "store/store.hpp"

#include <optional>
#include <string>
#include <vector>

namespace helpline::server {

struct ServerRule {
  std::string id;
  std::string name;
  bool enabled = true;
  // match
  std::optional<std::string> kind;
  std::optional<std::string> item_name;
  std::vector<std::string> levels;  // any of (case-insensitive); empty = any level
  std::string metric;               // "" = no metric condition
  std::string attribute;            // "" = no attribute condition (dotted path)
  std::string op;
  std::optional<double> number;     // threshold for a numeric comparison
  std::optional<std::string> text;  // value for == / != on strings
  int64_t count = 1;                // matches within window_ms (per device) needed to fire
  int64_t window_ms = 3600000;
  int64_t cooldown_ms = 0;  // per device, after a firing
  std::string target_json;  // device targeting (section 12); "" = every device
  // action
  struct Action {
    std::string type;                         // ticket | notice
    std::string subject, body;                // ticket (body also for the notice)
    std::string title, severity = "warning";  // notice
    std::optional<std::string> url, faq_article_id;
    std::string target_json;                      // notice target; "" = built from the device
    std::vector<std::string> target_from_device;  // device attribute keys copied into the notice target
    std::optional<int64_t> duration_ms;           // notice ends_at = firing time + duration
  } action;
};

// Validates a rule body ({"name", "enabled"?, "match", "action"}) and returns it parsed; throws a 400
// ApiError naming the field (e.g. "match.op: unknown operator \"~\" (use <, <=, >, >=, ==, !=)").
ServerRule parse_server_rule(const JsonValue &body);
// The stored definition: {"name", "match", "action"} as sent (validated).
std::string server_rule_definition(const JsonValue &body);

bool known_op(const std::string &op);
bool compare_numbers(const std::string &op, double a, double b);

// Whether `d` satisfies the rule's kind/name/level/value conditions (not targeting or counting).
// `attrs` are the item's parsed attributes (may be nullptr); `value` receives the compared number, if any.
bool rule_matches_item(const ServerRule &r, const DiagnosticRecord &d, const rapidjson::Value *attrs,
                       std::optional<double> &value);

}  // namespace helpline::server
