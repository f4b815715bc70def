#include "config.hpp"

#include "client_address.hpp"
#include "json_fields.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace helpline::server {

namespace {

[[noreturn]] void fail(const std::string &what) {
  throw std::runtime_error("config: " + what);
}

int64_t get_int(const JsonValue &obj, const char *name, int64_t def, int64_t min, int64_t max,
                const std::string &ctx) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) return def;
  if (!it->value.IsInt64() || it->value.GetInt64() < min || it->value.GetInt64() > max)
    fail(ctx + name + ": must be an integer in " + std::to_string(min) + ".." + std::to_string(max));
  return it->value.GetInt64();
}

double get_num(const JsonValue &obj, const char *name, double def, const std::string &ctx) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) return def;
  if (!it->value.IsNumber() || it->value.GetDouble() < 0) fail(ctx + name + ": must be a number >= 0");
  return it->value.GetDouble();
}

bool get_bool(const JsonValue &obj, const char *name, bool def, const std::string &ctx) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) return def;
  if (!it->value.IsBool()) fail(ctx + name + ": must be a boolean");
  return it->value.GetBool();
}

std::string get_str(const JsonValue &obj, const char *name, const std::string &ctx, bool required) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) {
    if (required) fail(ctx + name + ": required string");
    return {};
  }
  if (!it->value.IsString()) fail(ctx + name + ": must be a string");
  return it->value.GetString();
}

bool valid_app_key(const std::string &k) {
  if (k.size() < 3 || k.size() > 64) return false;
  for (char c : k)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return false;
  return true;
}

void load_otlp(const JsonValue &doc, ServerConfig &out) {
  auto it = doc.FindMember("otlp");
  if (it == doc.MemberEnd() || it->value.IsNull()) return;
  if (!it->value.IsObject()) fail("otlp: must be an object");
  const JsonValue &o = it->value;
  const std::string ctx = "otlp.";
  OtlpConfig c;
  c.endpoint = get_str(o, "endpoint", ctx, true);
  if (c.endpoint.rfind("http://", 0) != 0 && c.endpoint.rfind("https://", 0) != 0)
    fail("otlp.endpoint: must be an http:// or https:// URL");
  while (!c.endpoint.empty() && c.endpoint.back() == '/') c.endpoint.pop_back();
  auto h = o.FindMember("headers");
  if (h != o.MemberEnd()) {
    if (!h->value.IsObject()) fail("otlp.headers: must be an object of strings");
    for (const auto &m : h->value.GetObject()) {
      if (!m.value.IsString()) fail(std::string("otlp.headers.") + m.name.GetString() + ": must be a string");
      std::string k = m.name.GetString(), v = m.value.GetString();
      if (k.empty() || k.find_first_of(":\r\n") != std::string::npos ||
          v.find_first_of("\r\n") != std::string::npos)
        fail("otlp.headers." + k + ": not a valid header");
      c.headers.emplace_back(k, v);
    }
  }
  c.batch_ms = get_int(o, "batch_ms", 1000, 10, 60000, ctx);
  c.max_queue_items = static_cast<size_t>(get_int(o, "max_queue_items", 10000, 1, 1000000, ctx));
  c.max_batch_items = static_cast<size_t>(get_int(o, "max_batch_items", 1000, 1, 10000, ctx));
  c.timeout_ms = get_int(o, "timeout_ms", 5000, 100, 60000, ctx);
  c.max_retries = get_int(o, "max_retries", 5, 0, 100, ctx);
  out.otlp = std::move(c);
}

void load_trusted_proxies(const JsonValue &doc, ServerConfig &out) {
  auto it = doc.FindMember("trusted_proxies");
  if (it == doc.MemberEnd() || it->value.IsNull()) return;
  if (!it->value.IsArray() || it->value.Size() > 64)
    fail("trusted_proxies: must be an array of at most 64 IPs");
  out.trusted_proxies.clear();
  for (const auto &v : it->value.GetArray()) {
    std::optional<std::string> ip = v.IsString() ? normalize_ip(v.GetString()) : std::nullopt;
    if (!ip) fail("trusted_proxies: each entry must be an IPv4 or IPv6 address (no ports, no ranges)");
    out.trusted_proxies.push_back(*ip);
  }
}

}  // namespace

size_t ServerConfig::largest_body_limit() const {
  size_t m = 1 << 20;
  for (const auto &a : apps) {
    m = std::max(m, a.second->limits.max_body_bytes);
    m = std::max(m, a.second->limits.max_attachment_bytes);
  }
  return m;
}

void load_config(const std::string &path, ServerConfig &out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot open " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError())
    fail(path + ": invalid JSON at offset " + std::to_string(doc.GetErrorOffset()) + ": " +
         rapidjson::GetParseError_En(doc.GetParseError()));
  if (!doc.IsObject()) fail("top level must be an object");
  out.long_poll_max_seconds = static_cast<int>(get_int(doc, "long_poll_max_seconds", 30, 0, 300, ""));
  out.wordnet_dir = get_str(doc, "wordnet_dir", "", false);
  if (out.wordnet_dir.empty()) out.wordnet_dir = "/usr/share/wordnet";
  out.faq_learned_refresh_seconds = get_int(doc, "faq_learned_refresh_seconds", 60, 1, 86400, "");
  load_otlp(doc, out);
  load_trusted_proxies(doc, out);
  auto apps = doc.FindMember("apps");
  if (apps == doc.MemberEnd()) return;
  if (!apps->value.IsArray()) fail("apps: must be an array");
  size_t i = 0;
  for (const auto &a : apps->value.GetArray()) {
    std::string ctx = "apps[" + std::to_string(i++) + "].";
    if (!a.IsObject()) fail(ctx + ": must be an object");
    auto app = std::make_unique<AppConfig>();
    app->app_key = get_str(a, "app_key", ctx, true);
    if (!valid_app_key(app->app_key)) fail(ctx + "app_key: must match [A-Za-z0-9_-]{3,64}");
    app->app_secret = get_str(a, "app_secret", ctx, true);
    if (app->app_secret.size() < 16) fail(ctx + "app_secret: at least 16 characters");
    app->name = get_str(a, "name", ctx, false);
    if (app->name.empty()) app->name = app->app_key;
    auto lim = a.FindMember("limits");
    if (lim != a.MemberEnd()) {
      if (!lim->value.IsObject()) fail(ctx + "limits: must be an object");
      std::string lc = ctx + "limits.";
      const JsonValue &l = lim->value;
      app->limits.device_requests_per_second = get_num(l, "device_requests_per_second", 20, lc);
      app->limits.device_burst = get_num(l, "device_burst", 60, lc);
      app->limits.max_body_bytes =
          static_cast<size_t>(get_int(l, "max_body_bytes", 1 << 20, 16, 1LL << 30, lc));
      app->limits.max_attachment_bytes =
          static_cast<size_t>(get_int(l, "max_attachment_bytes", 10 << 20, 1, 1LL << 31, lc));
      app->limits.max_batch_items = static_cast<size_t>(get_int(l, "max_batch_items", 100, 1, 10000, lc));
      app->limits.max_diagnostics_batch_items =
          static_cast<size_t>(get_int(l, "max_diagnostics_batch_items", 5000, 1, 100000, lc));
    }
    auto set = a.FindMember("settings");
    if (set != a.MemberEnd()) {
      if (!set->value.IsObject()) fail(ctx + "settings: must be an object");
      std::string sc = ctx + "settings.";
      const JsonValue &s = set->value;
      app->settings.allow_anonymous = get_bool(s, "allow_anonymous", true, sc);
      app->settings.jwt_leeway_seconds = get_int(s, "jwt_leeway_seconds", 30, 0, 86400, sc);
      app->settings.idempotency_ttl_hours = get_int(s, "idempotency_ttl_hours", 168, 1, 24 * 365, sc);
      app->settings.agent_token_ttl_hours = get_int(s, "agent_token_ttl_hours", 12, 1, 24 * 365, sc);
      app->settings.faq_auto_answer = get_bool(s, "faq_auto_answer", false, sc);
    }
    if (out.apps.count(app->app_key)) fail(ctx + "app_key: duplicate " + app->app_key);
    std::string key = app->app_key;
    out.apps.emplace(key, std::move(app));
  }
}

}  // namespace helpline::server
