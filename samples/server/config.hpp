// server.json: apps (key, secret, limits, settings). See docs/protocol.md section 18.1.
#pragma once
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace helpline::server {

struct AppLimits {
  std::atomic<double> device_requests_per_second{20};
  std::atomic<double> device_burst{60};
  size_t max_body_bytes = 1 << 20;
  size_t max_attachment_bytes = 10 << 20;
  size_t max_batch_items = 100;
  size_t max_diagnostics_batch_items = 5000;
};

struct AppSettings {
  bool allow_anonymous = true;
  int64_t jwt_leeway_seconds = 30;
  int64_t idempotency_ttl_hours = 168;
  int64_t agent_token_ttl_hours = 12;
  bool faq_auto_answer = false;  // post FAQ links as a bot message on new tickets
};

struct AppConfig {
  std::string app_key;
  std::string app_secret;
  std::string name;
  AppLimits limits;
  AppSettings settings;
};

// OpenTelemetry export of ingested diagnostics (protocol.md 18.2); absent = off.
struct OtlpConfig {
  std::string endpoint;  // base URL: logs go to {endpoint}/v1/logs, metrics to {endpoint}/v1/metrics
  std::vector<std::pair<std::string, std::string>> headers;
  int64_t batch_ms = 1000;
  size_t max_queue_items = 10000;
  size_t max_batch_items = 1000;
  int64_t timeout_ms = 5000;
  int64_t max_retries = 5;
};

struct ServerConfig {
  int long_poll_max_seconds = 30;
  // Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (IP literals, canonical text). A
  // request from anyone else is judged by its own connection (the client address, plain HTTP or not).
  std::vector<std::string> trusted_proxies;
  std::optional<OtlpConfig> otlp;
  // FAQ query expansions (protocol.md section 9.1): the WordNet database (a missing one leaves agents' and
  // learned entries only), and how often the entries learned from deflections are recomputed at most.
  std::string wordnet_dir = "/usr/share/wordnet";
  int64_t faq_learned_refresh_seconds = 60;
  std::map<std::string, std::unique_ptr<AppConfig>> apps;  // by app_key

  const AppConfig *app(const std::string &key) const {
    auto it = apps.find(key);
    return it == apps.end() ? nullptr : it->second.get();
  }
  size_t largest_body_limit() const;
};

// Throws std::runtime_error naming the offending field.
void load_config(const std::string &path, ServerConfig &out);

}  // namespace helpline::server
