#include "notice_targeting.hpp"

#include "api_error.hpp"

#include <rapidjson/document.h>

#include <cctype>

namespace helpline::server {

namespace {

const rapidjson::Value *device_attr(const rapidjson::Document &dev, const char *name) {
  if (!dev.IsObject()) return nullptr;
  auto it = dev.FindMember(name);
  if (it != dev.MemberEnd() && it->value.IsString()) return &it->value;
  auto attrs = dev.FindMember("attributes");
  if (attrs != dev.MemberEnd() && attrs->value.IsObject()) {
    auto a = attrs->value.FindMember(name);
    if (a != attrs->value.MemberEnd() && a->value.IsString()) return &a->value;
  }
  return nullptr;
}

bool condition_matches(const rapidjson::Value &cond, const std::string &value) {
  if (cond.IsString()) return value == cond.GetString();
  if (cond.IsArray()) {
    for (const auto &e : cond.GetArray())
      if (e.IsString() && value == e.GetString()) return true;
    return false;
  }
  if (cond.IsObject()) {
    auto min = cond.FindMember("min");
    if (min != cond.MemberEnd() && compare_versions(value, min->value.GetString()) < 0) return false;
    auto max = cond.FindMember("max");
    if (max != cond.MemberEnd() && compare_versions(value, max->value.GetString()) > 0) return false;
    auto prefix = cond.FindMember("prefix");
    if (prefix != cond.MemberEnd() && value.rfind(prefix->value.GetString(), 0) != 0) return false;
    return true;
  }
  return false;
}

}  // namespace

int compare_versions(const std::string &a, const std::string &b) {
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    unsigned long long x = 0, y = 0;
    std::string xs, ys;
    while (i < a.size() && a[i] != '.') xs.push_back(a[i++]);
    while (j < b.size() && b[j] != '.') ys.push_back(b[j++]);
    if (i < a.size()) ++i;
    if (j < b.size()) ++j;
    bool xnum = !xs.empty(), ynum = !ys.empty();
    for (char c : xs) xnum = xnum && std::isdigit(static_cast<unsigned char>(c));
    for (char c : ys) ynum = ynum && std::isdigit(static_cast<unsigned char>(c));
    if (xnum && ynum) {
      x = std::stoull(xs.substr(0, 18));
      y = std::stoull(ys.substr(0, 18));
      if (x != y) return x < y ? -1 : 1;
    } else if (xs != ys) {
      if (xs.empty()) return -1;
      if (ys.empty()) return 1;
      return xs < ys ? -1 : 1;
    }
  }
  return 0;
}

void validate_target(const std::string &target_json) {
  rapidjson::Document t;
  t.Parse(target_json.data(), target_json.size());
  if (t.HasParseError() || !t.IsObject()) throw bad_request("target: must be an object");
  for (const auto &m : t.GetObject()) {
    std::string k = std::string("target.") + m.name.GetString();
    const auto &c = m.value;
    if (c.IsString()) continue;
    if (c.IsArray()) {
      for (const auto &e : c.GetArray())
        if (!e.IsString()) throw bad_request(k + ": array entries must be strings");
      continue;
    }
    if (c.IsObject()) {
      for (const auto &o : c.GetObject()) {
        std::string op = o.name.GetString();
        if (op != "min" && op != "max" && op != "prefix") throw bad_request(k + ": unknown operator " + op);
        if (!o.value.IsString()) throw bad_request(k + "." + op + ": must be a string");
      }
      continue;
    }
    throw bad_request(k + ": must be a string, an array of strings or an object with min/max/prefix");
  }
}

bool target_matches(const std::string &target_json, const std::string &attrs_json) {
  rapidjson::Document t;
  t.Parse(target_json.data(), target_json.size());
  if (t.HasParseError() || !t.IsObject()) return false;
  if (t.MemberCount() == 0) return true;
  rapidjson::Document dev;
  if (!attrs_json.empty()) dev.Parse(attrs_json.data(), attrs_json.size());
  if (attrs_json.empty() || dev.HasParseError()) return false;
  for (const auto &m : t.GetObject()) {
    const rapidjson::Value *v = device_attr(dev, m.name.GetString());
    if (!v || !condition_matches(m.value, std::string(v->GetString(), v->GetStringLength()))) return false;
  }
  return true;
}

}  // namespace helpline::server
