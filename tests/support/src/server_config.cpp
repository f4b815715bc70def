#include "helpline/testing/server_config.hpp"

#include "helpline/testing/digest.hpp"

#include <string>
#include <type_traits>

#include "helpline/testing/json.hpp"

namespace helpline::testing {
namespace {

/// Appends `"name": value` to a JSON object body under construction when `value` is set.
template <typename T>
void member(std::string &out, const char *name, const std::optional<T> &value) {
  if (!value) return;
  if (!out.empty()) out += ", ";
  out += q(name) + ": ";
  if constexpr (std::is_same_v<T, bool>) {
    out += *value ? "true" : "false";
  } else {
    out += std::to_string(*value);
  }
}

std::string render_app(const AppConfig &app) {
  std::string limits;
  member(limits, "device_requests_per_second", app.limits.device_requests_per_second);
  member(limits, "device_burst", app.limits.device_burst);
  member(limits, "max_body_bytes", app.limits.max_body_bytes);
  member(limits, "max_attachment_bytes", app.limits.max_attachment_bytes);
  member(limits, "max_batch_items", app.limits.max_batch_items);
  member(limits, "max_diagnostics_batch_items", app.limits.max_diagnostics_batch_items);
  std::string settings;
  member(settings, "allow_anonymous", app.settings.allow_anonymous);
  member(settings, "jwt_leeway_seconds", app.settings.jwt_leeway_seconds);
  member(settings, "idempotency_ttl_hours", app.settings.idempotency_ttl_hours);
  member(settings, "agent_token_ttl_hours", app.settings.agent_token_ttl_hours);
  member(settings, "faq_auto_answer", app.settings.faq_auto_answer);
  return "{\"app_key\": " + q(app.key) + ", \"app_secret\": " + q(app.secret) + ", \"name\": " + q(app.name) +
         ", \"limits\": {" + limits + "}, \"settings\": {" + settings + "}}";
}

}  // namespace

AppConfig default_app() {
  AppConfig app{kAppKey, kAppSecret, "Test App", {}, {}};
  app.limits.device_requests_per_second = 0;
  return app;
}

AppConfig other_app() {
  AppConfig app{kOtherAppKey, kOtherAppSecret, "Other App", {}, {}};
  app.limits.device_requests_per_second = 0;
  return app;
}

std::string render_server_config(const ServerConfig &config) {
  std::string out = "{\n";
  if (config.long_poll_max_seconds) {
    out += "  \"long_poll_max_seconds\": " + std::to_string(*config.long_poll_max_seconds) + ",\n";
  }
  out += "  \"apps\": [";
  for (std::size_t i = 0; i < config.apps.size(); ++i) {
    out += (i == 0 ? "\n    " : ",\n    ") + render_app(config.apps[i]);
  }
  return out + "\n  ]\n}\n";
}

std::vector<std::string> server_flags(const ServerConfig &config) {
  std::vector<std::string> flags;
  const auto flag = [&](const char *name, long long value) {
    flags.emplace_back(name);
    flags.push_back(std::to_string(value));
  };
  if (config.threads) flag("--threads", *config.threads);
  if (!config.access_log.empty()) {
    flags.emplace_back("--access-log");
    flags.push_back(config.access_log);
  }
  if (config.test_mode) flags.emplace_back("--test-mode");
  flags.emplace_back("--access-log-key");  // so that tests can find a device's lines (log_device)
  flags.emplace_back(kAccessLogKey);
  const FaultConfig &f = config.faults;
  if (f.fail_5xx_percent > 0) flag("--fault-5xx-percent", f.fail_5xx_percent);
  if (f.fail_429_percent > 0) flag("--fault-429-percent", f.fail_429_percent);
  if (f.drop_percent > 0) flag("--fault-drop-percent", f.drop_percent);
  if (f.delay_ms > 0) flag("--fault-delay-ms", f.delay_ms);
  if (f.seed) flag("--fault-seed", static_cast<long long>(*f.seed));
  flags.insert(flags.end(), config.extra_args.begin(), config.extra_args.end());
  return flags;
}

}  // namespace helpline::testing
