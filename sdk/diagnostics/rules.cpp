#include "diagnostics/rules.hpp"

#include <algorithm>
#include <cmath>

#include <rapidjson/document.h>

#include "base/error.hpp"

namespace helpline::detail {
namespace {

bool compare(const std::string &op, double a, double b) {
  if (op == "<") return a < b;
  if (op == "<=") return a <= b;
  if (op == ">") return a > b;
  if (op == ">=") return a >= b;
  if (op == "==") return a == b;
  return a != b;  // "!="
}

bool known_op(const std::string &op) {
  return op == "<" || op == "<=" || op == ">" || op == ">=" || op == "==" || op == "!=";
}

[[noreturn]] void bad(const std::string &what) {
  throw Error(HELPLINE_E_INVALID_JSON, "rules: " + what);
}

int64_t seconds_ms(const rapidjson::Value &r, const char *key, int64_t fallback, const std::string &id) {
  if (!r.HasMember(key)) return fallback;
  if (!r[key].IsNumber() || r[key].GetDouble() < 0 || r[key].GetDouble() > 31536000) {
    throw Error(HELPLINE_E_INVALID_ARGUMENT,
                "rules: rule \"" + id + "\": " + key + " must be 0..31536000 seconds");
  }
  return static_cast<int64_t>(r[key].GetDouble() * 1000);
}

}  // namespace

std::vector<Rules::Rule> Rules::parse(const std::string &json) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError()) bad("not JSON");
  if (!d.IsObject() || !d.HasMember("rules") || !d["rules"].IsArray()) bad("expected {\"rules\": [...]}");
  if (d["rules"].Size() > kMaxRules) {
    throw Error(HELPLINE_E_TOO_LARGE, "rules: at most " + std::to_string(kMaxRules) + " rules");
  }
  std::vector<Rule> rules;
  for (const auto &r : d["rules"].GetArray()) {
    if (!r.IsObject()) bad("each rule must be an object");
    for (const char *key : {"id", "metric", "op"}) {
      if (!r.HasMember(key) || !r[key].IsString() || r[key].GetStringLength() == 0) {
        bad(std::string("each rule needs a non-empty string \"") + key + "\"");
      }
    }
    Rule rule;
    rule.id = r["id"].GetString();
    rule.metric = r["metric"].GetString();
    rule.op = r["op"].GetString();
    if (!known_op(rule.op)) {
      throw Error(HELPLINE_E_INVALID_ARGUMENT, "rules: rule \"" + rule.id + "\": unknown operator \"" +
                                                   rule.op + "\" (use <, <=, >, >=, ==, !=)");
    }
    if (!r.HasMember("value") || !r["value"].IsNumber() || !std::isfinite(r["value"].GetDouble())) {
      bad("rule \"" + rule.id + "\": \"value\" must be a number");
    }
    rule.value = r["value"].GetDouble();
    rule.kind = r.HasMember("kind") && r["kind"].IsString() ? r["kind"].GetString() : rule.id;
    rule.for_ms = seconds_ms(r, "for_s", 0, rule.id);
    rule.window_ms = seconds_ms(r, "window_s", 3600000, rule.id);
    rule.cooldown_ms = seconds_ms(r, "cooldown_s", 3600000, rule.id);
    if (r.HasMember("when")) {
      if (!r["when"].IsObject()) bad("rule \"" + rule.id + "\": \"when\" must be an object of strings");
      for (const auto &m : r["when"].GetObject()) {
        if (!m.value.IsString()) bad("rule \"" + rule.id + "\": \"when\" values must be strings");
        rule.when[m.name.GetString()] = m.value.GetString();
      }
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

void Rules::load(const std::string &source, const std::string &json) {
  std::vector<Rule> rules = parse(json);  // throws before anything changes
  std::lock_guard<std::mutex> lock(mu_);
  sets_[source] = std::move(rules);
}

void Rules::set_attributes(std::map<std::string, std::string> attributes) {
  std::lock_guard<std::mutex> lock(mu_);
  attributes_ = std::move(attributes);
}

bool Rules::applies(const Rule &r) const {
  for (const auto &[key, value] : r.when) {
    auto it = attributes_.find(key);
    if (it == attributes_.end() || it->second != value) return false;
  }
  return true;
}

bool Rules::maybe_fire(Rule &r, bool condition, double value, int64_t now, std::vector<Firing> &out) {
  r.last_value = value;
  if (!condition) {
    r.active = false;
    r.fired = false;
    r.true_since = -1;
    return false;
  }
  if (r.for_ms > 0) {
    if (r.true_since < 0) r.true_since = now;
    if (now - r.true_since < r.for_ms) return false;
  }
  r.active = true;
  if (r.fired || (r.last_fired >= 0 && now - r.last_fired < r.cooldown_ms)) return false;
  r.fired = true;
  r.last_fired = now;
  out.push_back(Firing{r.id, r.kind, r.metric, r.op, r.value, value});
  return true;
}

std::vector<Firing> Rules::sample(const std::string &metric, double v, bool counter, int64_t now) {
  std::vector<Firing> out;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto &[source, rules] : sets_) {
    for (auto &r : rules) {
      if (r.metric != metric || !applies(r)) continue;
      double value = v;
      if (counter) {
        r.window.emplace_back(now, v);
        size_t drop = 0;  // the samples out of the window, and the oldest past kMaxWindowSamples: one erase
        while (drop < r.window.size() &&
               (now - r.window[drop].first > r.window_ms || r.window.size() - drop > kMaxWindowSamples))
          ++drop;
        r.window.erase(r.window.begin(), r.window.begin() + static_cast<std::ptrdiff_t>(drop));
        value = 0;
        for (const auto &s : r.window) value += s.second;
      }
      maybe_fire(r, compare(r.op, value, r.value), value, now, out);
    }
  }
  return out;
}

std::vector<Firing> Rules::tick(int64_t now) {
  std::vector<Firing> out;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto &[source, rules] : sets_) {
    for (auto &r : rules) {
      if (r.true_since >= 0 && !r.fired && applies(r)) maybe_fire(r, true, r.last_value, now, out);
    }
  }
  return out;
}

int64_t Rules::next_deadline() const {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t next = -1;
  for (const auto &[source, rules] : sets_) {
    for (const auto &r : rules) {
      if (r.true_since < 0 || r.fired) continue;
      int64_t at = r.true_since + r.for_ms;
      // Held long enough but within the cooldown: it can fire when the cooldown ends, not before (a past
      // deadline would re-arm the worker's timer at once, again and again).
      if (r.last_fired >= 0) at = std::max(at, r.last_fired + r.cooldown_ms);
      if (next < 0 || at < next) next = at;
    }
  }
  return next;
}

std::size_t Rules::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::size_t n = 0;
  for (const auto &[source, rules] : sets_) n += rules.size();
  return n;
}

}  // namespace helpline::detail
