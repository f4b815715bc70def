#include "rules/diagnostic_values.hpp"

#include <cctype>

namespace helpline::server {

namespace {

const rapidjson::Value *member(const rapidjson::Value *o, const char *name) {
  if (!o || !o->IsObject()) return nullptr;
  auto it = o->FindMember(name);
  return it == o->MemberEnd() ? nullptr : &it->value;
}

std::string lower(const std::string &s) {
  std::string out = s;
  for (auto &c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

bool is_heartbeat(const DiagnosticRecord &d) {
  return d.kind == "metric" && d.name == "heartbeat";
}

bool is_rule_firing(const DiagnosticRecord &d, const rapidjson::Value *attrs) {
  const rapidjson::Value *rule = member(attrs, "rule");
  return d.kind == "event" && rule && rule->IsObject();
}

std::optional<double> metric_value(const DiagnosticRecord &d, const rapidjson::Value *attrs,
                                   const std::string &metric) {
  if (d.kind == "metric" && d.name == metric && d.value) return d.value;
  if (is_heartbeat(d)) {
    const rapidjson::Value *m = member(attrs, "metrics");
    if (const rapidjson::Value *g = member(member(m, "gauges"), metric.c_str())) {
      const rapidjson::Value *last = member(g, "last");
      if (last && last->IsNumber()) return last->GetDouble();
    }
    const rapidjson::Value *c = member(member(m, "counters"), metric.c_str());
    if (c && c->IsNumber()) return c->GetDouble();
    return std::nullopt;
  }
  if (is_rule_firing(d, attrs)) {
    const rapidjson::Value *rule = member(attrs, "rule");
    const rapidjson::Value *name = member(rule, "metric");
    const rapidjson::Value *value = member(rule, "value");
    if (name && name->IsString() && metric == name->GetString() && value && value->IsNumber())
      return value->GetDouble();
  }
  return std::nullopt;
}

const rapidjson::Value *attribute_at(const rapidjson::Value *attrs, const std::string &dotted) {
  const rapidjson::Value *cur = attrs;
  size_t i = 0;
  while (cur && i <= dotted.size()) {
    size_t j = dotted.find('.', i);
    if (j == std::string::npos) j = dotted.size();
    std::string part = dotted.substr(i, j - i);
    cur = member(cur, part.c_str());
    i = j + 1;
  }
  return cur;
}

int level_rank(const std::optional<std::string> &level) {
  if (!level) return 0;
  std::string l = lower(*level);
  if (l == "trace" || l == "debug") return 1;
  if (l == "info" || l == "notice") return 2;
  if (l == "warn" || l == "warning") return 3;
  if (l == "error" || l == "err") return 4;
  if (l == "fatal" || l == "critical" || l == "crit" || l == "emergency" || l == "alert") return 5;
  return 0;
}

const char *level_bucket(int rank) {
  static const char *const names[] = {"other", "debug", "info", "warning", "error", "fatal"};
  return rank >= 0 && rank <= 5 ? names[rank] : "other";
}

const rapidjson::Value *ParsedAttributes::get() {
  if (!parsed_) {
    parsed_ = true;
    if (!json_.empty()) doc_.Parse(json_.data(), json_.size());
  }
  if (json_.empty() || doc_.HasParseError() || !doc_.IsObject()) return nullptr;
  return &doc_;
}

}  // namespace helpline::server
