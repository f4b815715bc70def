#include "rules/device_rule_set.hpp"

#include "api_error.hpp"
#include "rules/server_rule.hpp"

#include <cmath>
#include <set>

namespace helpline::server {

namespace {

void check_seconds(const JsonValue &r, const char *key, const std::string &ctx) {
  auto it = r.FindMember(key);
  if (it == r.MemberEnd()) return;
  if (!it->value.IsNumber() || it->value.GetDouble() < 0 || it->value.GetDouble() > 31536000)
    throw bad_request(ctx + key + ": must be a number of seconds in 0..31536000");
}

void check_string(const JsonValue &r, const char *key, const std::string &ctx, bool required) {
  auto it = r.FindMember(key);
  if (it == r.MemberEnd()) {
    if (required) throw bad_request(ctx + key + ": required non-empty string");
    return;
  }
  if (!it->value.IsString() || it->value.GetStringLength() == 0 || utf8_length(it->value.GetString()) > 200)
    throw bad_request(ctx + key + ": must be a string of 1..200 characters");
}

}  // namespace

std::string validate_device_rules(const JsonValue *rules) {
  if (!rules || !rules->IsArray()) throw bad_request("rules: must be an array of rule objects");
  if (rules->Size() > kMaxDeviceRules)
    throw bad_request("rules: at most " + std::to_string(kMaxDeviceRules) + " rules (the SDK's limit)");
  std::set<std::string> ids;
  size_t i = 0;
  for (const auto &r : rules->GetArray()) {
    std::string ctx = "rules[" + std::to_string(i++) + "].";
    if (!r.IsObject()) throw bad_request(ctx.substr(0, ctx.size() - 1) + ": must be an object");
    check_string(r, "id", ctx, true);
    check_string(r, "metric", ctx, true);
    check_string(r, "kind", ctx, false);
    if (!ids.insert(r["id"].GetString()).second)
      throw bad_request(ctx + "id: duplicate \"" + std::string(r["id"].GetString()) + "\"");
    auto op = r.FindMember("op");
    if (op == r.MemberEnd() || !op->value.IsString())
      throw bad_request(ctx + "op: required string (use <, <=, >, >=, ==, !=)");
    if (!known_op(op->value.GetString()))
      throw bad_request(ctx + "op: unknown operator \"" + std::string(op->value.GetString()) +
                        "\" (use <, <=, >, >=, ==, !=)");
    auto v = r.FindMember("value");
    if (v == r.MemberEnd() || !v->value.IsNumber() || !std::isfinite(v->value.GetDouble()))
      throw bad_request(ctx + "value: must be a finite number");
    check_seconds(r, "for_s", ctx);
    check_seconds(r, "window_s", ctx);
    check_seconds(r, "cooldown_s", ctx);
    auto when = r.FindMember("when");
    if (when != r.MemberEnd()) {
      if (!when->value.IsObject()) throw bad_request(ctx + "when: must be an object of strings");
      for (const auto &m : when->value.GetObject())
        if (!m.value.IsString())
          throw bad_request(ctx + "when." + std::string(m.name.GetString()) + ": must be a string");
    }
  }
  return to_json(*rules);
}

}  // namespace helpline::server
