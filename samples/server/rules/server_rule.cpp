#include "rules/server_rule.hpp"

#include "api_error.hpp"
#include "notice_targeting.hpp"
#include "rules/diagnostic_values.hpp"

#include <cctype>
#include <cmath>

namespace helpline::server {

namespace {

const char *const kOps = "use <, <=, >, >=, ==, !=";

bool known_kind(const std::string &k) {
  return k == "event" || k == "breadcrumb" || k == "metric" || k == "snapshot" || k == "log";
}

std::string lower(std::string s) {
  for (auto &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

const JsonValue &req_object(const JsonValue &o, const char *name, const std::string &ctx) {
  auto it = o.FindMember(name);
  if (it == o.MemberEnd() || !it->value.IsObject()) throw bad_request(ctx + name + ": must be an object");
  return it->value;
}

std::string in_string(const JsonValue &o, const char *name, const std::string &ctx, size_t min, size_t max) {
  try {
    return req_string(o, name, min, max);
  } catch (const ApiError &e) {
    throw bad_request(ctx + e.what());
  }
}

std::optional<std::string> in_opt_string(const JsonValue &o, const char *name, const std::string &ctx,
                                         size_t max) {
  try {
    return opt_string(o, name, max);
  } catch (const ApiError &e) {
    throw bad_request(ctx + e.what());
  }
}

int64_t seconds(const JsonValue &o, const char *name, const std::string &ctx, int64_t def, int64_t min) {
  const JsonValue *v = field(o, name);
  if (!v) return def;
  if (!v->IsInt64() || v->GetInt64() < min || v->GetInt64() > 31536000)
    throw bad_request(ctx + name + ": must be an integer number of seconds in " + std::to_string(min) +
                      "..31536000");
  return v->GetInt64() * 1000;
}

std::string target_of(const JsonValue &o, const char *name, const std::string &ctx) {
  const JsonValue *t = field(o, name);
  if (!t) return "";
  if (!t->IsObject()) throw bad_request(ctx + name + ": must be an object (section 12 targeting)");
  std::string json = to_json(*t);
  try {
    validate_target(json);
  } catch (const ApiError &e) {
    throw bad_request(ctx + e.what());
  }
  return json;
}

void parse_match(const JsonValue &m, ServerRule &r) {
  const std::string ctx = "match.";
  r.kind = in_opt_string(m, "kind", ctx, 16);
  if (r.kind && !known_kind(*r.kind))
    throw bad_request("match.kind: one of event, breadcrumb, metric, snapshot, log");
  r.item_name = in_opt_string(m, "name", ctx, 200);
  if (const JsonValue *l = field(m, "level")) {
    if (l->IsString()) {
      r.levels.push_back(lower(l->GetString()));
    } else if (l->IsArray() && !l->Empty() && l->Size() <= 16) {
      for (const auto &e : l->GetArray()) {
        if (!e.IsString()) throw bad_request("match.level: must be a string or an array of strings");
        r.levels.push_back(lower(e.GetString()));
      }
    } else {
      throw bad_request("match.level: must be a string or an array of 1..16 strings");
    }
  }
  auto metric = in_opt_string(m, "metric", ctx, 200);
  auto attribute = in_opt_string(m, "attribute", ctx, 200);
  if (metric && attribute) throw bad_request("match: give either metric or attribute, not both");
  if (metric) r.metric = *metric;
  if (attribute) r.attribute = *attribute;
  if ((metric && metric->empty()) || (attribute && attribute->empty()))
    throw bad_request("match.metric/attribute: must not be empty");
  bool has_op = has_key(m, "op");
  if (metric || attribute) {
    if (!has_op) throw bad_request("match.op: required with metric or attribute (" + std::string(kOps) + ")");
    r.op = in_string(m, "op", ctx, 1, 4);
    if (!known_op(r.op)) throw bad_request("match.op: unknown operator \"" + r.op + "\" (" + kOps + ")");
    const JsonValue *v = field(m, "value");
    if (!v) throw bad_request("match.value: required with op");
    if (v->IsNumber()) {
      if (!std::isfinite(v->GetDouble())) throw bad_request("match.value: must be a finite number");
      r.number = v->GetDouble();
    } else if (v->IsString() && attribute && (r.op == "==" || r.op == "!=")) {
      r.text = v->GetString();
    } else {
      throw bad_request(
          "match.value: must be a number (a string is allowed only with == or != on an attribute)");
    }
  } else if (has_op || has_key(m, "value")) {
    throw bad_request("match.op/value: need a metric or an attribute to compare");
  }
  const JsonValue *count = field(m, "count");
  if (count) {
    if (!count->IsInt64() || count->GetInt64() < 1 || count->GetInt64() > 1000)
      throw bad_request("match.count: must be an integer in 1..1000");
    r.count = count->GetInt64();
  }
  r.window_ms = seconds(m, "window_s", ctx, 3600 * 1000, 1);
  r.cooldown_ms = seconds(m, "cooldown_s", ctx, 0, 0);
  r.target_json = target_of(m, "target", ctx);
  if (!r.kind && !r.item_name && r.levels.empty() && r.metric.empty() && r.attribute.empty())
    throw bad_request("match: needs at least one of kind, name, level, metric, attribute");
}

void parse_action(const JsonValue &a, ServerRule &r) {
  const std::string ctx = "action.";
  auto &act = r.action;
  act.type = in_string(a, "type", ctx, 1, 16);
  if (act.type == "ticket") {
    act.subject = in_string(a, "subject", ctx, 1, 200);
    act.body = in_string(a, "body", ctx, 1, 20000);
  } else if (act.type == "notice") {
    act.title = in_string(a, "title", ctx, 1, 200);
    act.body = in_string(a, "body", ctx, 1, 4000);
    if (auto s = in_opt_string(a, "severity", ctx, 16)) {
      if (*s != "info" && *s != "warning" && *s != "critical")
        throw bad_request("action.severity: one of info, warning, critical");
      act.severity = *s;
    }
    act.url = in_opt_string(a, "url", ctx, 2000);
    act.faq_article_id = in_opt_string(a, "faq_article_id", ctx, 64);
    if (act.faq_article_id && !is_valid_id(*act.faq_article_id))
      throw bad_request("action.faq_article_id: must match [A-Za-z0-9_-]{1,64}");
    act.target_json = target_of(a, "target", ctx);
    try {
      act.target_from_device = opt_string_array(a, "target_from_device", 16, 64);
    } catch (const ApiError &e) {
      throw bad_request(ctx + e.what());
    }
    if (act.target_json.empty() && act.target_from_device.empty())
      throw bad_request("action: a notice needs target or target_from_device (which devices to tell)");
    if (has_key(a, "duration_s")) act.duration_ms = seconds(a, "duration_s", ctx, 0, 60);
  } else {
    throw bad_request("action.type: one of ticket, notice");
  }
}

bool level_ok(const ServerRule &r, const std::optional<std::string> &level) {
  if (r.levels.empty()) return true;
  if (!level) return false;
  std::string l = lower(*level);
  for (const auto &want : r.levels)
    if (want == l) return true;
  return false;
}

}  // namespace

bool known_op(const std::string &op) {
  return op == "<" || op == "<=" || op == ">" || op == ">=" || op == "==" || op == "!=";
}

bool compare_numbers(const std::string &op, double a, double b) {
  if (op == "<") return a < b;
  if (op == "<=") return a <= b;
  if (op == ">") return a > b;
  if (op == ">=") return a >= b;
  if (op == "==") return a == b;
  return a != b;
}

ServerRule parse_server_rule(const JsonValue &body) {
  ServerRule r;
  r.name = req_string(body, "name", 1, 200);
  if (auto e = opt_bool(body, "enabled")) r.enabled = *e;
  parse_match(req_object(body, "match", ""), r);
  parse_action(req_object(body, "action", ""), r);
  return r;
}

std::string server_rule_definition(const JsonValue &body) {
  rapidjson::Document d;
  d.SetObject();
  auto &al = d.GetAllocator();
  for (const char *k : {"name", "match", "action"}) {
    auto it = body.FindMember(k);
    if (it != body.MemberEnd()) d.AddMember(rapidjson::StringRef(k), rapidjson::Value(it->value, al), al);
  }
  return to_json(d);
}

bool rule_matches_item(const ServerRule &r, const DiagnosticRecord &d, const rapidjson::Value *attrs,
                       std::optional<double> &value) {
  value.reset();
  if (r.kind && *r.kind != d.kind) return false;
  if (r.item_name && *r.item_name != d.name) return false;
  if (!level_ok(r, d.level)) return false;
  if (!r.metric.empty()) {
    auto v = metric_value(d, attrs, r.metric);
    if (!v || !r.number) return false;
    value = v;
    return compare_numbers(r.op, *v, *r.number);
  }
  if (!r.attribute.empty()) {
    const rapidjson::Value *v = attribute_at(attrs, r.attribute);
    if (!v) return false;
    if (r.number && v->IsNumber()) {
      value = v->GetDouble();
      return compare_numbers(r.op, v->GetDouble(), *r.number);
    }
    if (r.text && v->IsString()) return (r.text == std::string(v->GetString())) == (r.op == "==");
    if (r.text && v->IsBool()) return (*r.text == (v->GetBool() ? "true" : "false")) == (r.op == "==");
    return false;
  }
  if (d.value) value = d.value;
  return true;
}

}  // namespace helpline::server
