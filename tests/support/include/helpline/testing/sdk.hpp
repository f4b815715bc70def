#pragma once
// Opening and reading the SDK through its public C API, for unit, integration and benchmark programs.
//
// Header-only on purpose: the unit tests and some benchmarks link the static library (helpline_static), the
// integration tests the shared one (helpline); these helpers call whichever the program links.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <regex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "helpline/helpline.h"
#include "helpline/testing/events.hpp"
#include "helpline/testing/json.hpp"
#include "helpline/testing/server_config.hpp"
#include "helpline/testing/sqlite_query.hpp"
#include "helpline/testing/temp_dir.hpp"

namespace helpline::testing {

/// The calling thread's last error message (helpline_last_error(NULL)).
inline std::string last_error() {
  return helpline_last_error(nullptr);
}

/// True when `message` names `word` as a whole word (e.g. the argument "o" in "...: o is NULL").
inline bool mentions(const std::string &message, const std::string &word) {
  return std::regex_search(message, std::regex("(^|[^A-Za-z0-9_])" + word + "([^A-Za-z0-9_]|$)"));
}

/// Throws std::runtime_error("<what>: <status>: <last error>") unless `s` is HELPLINE_OK (for benchmarks,
/// where any failure ends the run).
inline void check_ok(helpline_status_t s, const char *what) {
  if (s != HELPLINE_OK) {
    throw std::runtime_error(std::string(what) + ": " + helpline_status_str(s) + ": " + last_error());
  }
}

/// An options object for `dir` (and nothing else set). Throws when the setter fails.
inline helpline_options_t *options_for(const std::string &dir) {
  helpline_options_t *o = helpline_options_new();
  if (o == nullptr) throw std::runtime_error("helpline_options_new returned NULL");
  if (helpline_options_set_data_dir(o, dir.c_str()) != HELPLINE_OK) {
    helpline_options_free(o);
    throw std::runtime_error("set_data_dir failed: " + last_error());
  }
  return o;
}

/// Opens `dir` with default options; returns the status and the handle (NULL on failure).
inline helpline_status_t open_dir(const std::string &dir, helpline_t **out) {
  return helpline_open(options_for(dir), out);
}

/// The options an integration test opens an instance of the default app (kAppKey) with.
struct OpenConfig {
  std::string endpoint;  ///< empty: none set
  std::string data_dir;
  uint32_t long_poll_s = 0;
  uint64_t storage_limit = 0;  ///< 0: default
  EventRecorder *events = nullptr;
  helpline_transport_fn transport = nullptr;
  void *transport_user = nullptr;
  bool consent_required = true;  ///< false: diagnostics need no consent
  uint32_t heartbeat_s = 0;      ///< 0: default
  std::vector<std::string> redaction_patterns;
  helpline_before_send_fn before_send = nullptr;
  void *before_send_user = nullptr;
  helpline_log_provider_fn log_provider = nullptr;
  void *log_provider_user = nullptr;
};

/// An OpenConfig for `endpoint` and `data_dir`, everything else default.
inline OpenConfig open_config(const std::string &endpoint, const std::string &data_dir,
                              EventRecorder *events = nullptr, uint32_t long_poll_s = 0) {
  OpenConfig c;
  c.endpoint = endpoint;
  c.data_dir = data_dir;
  c.events = events;
  c.long_poll_s = long_poll_s;
  return c;
}

/// helpline_open with the given settings; returns the status and sets *out. Throws when a setter fails.
inline helpline_status_t open_sdk(const OpenConfig &c, helpline_t **out) {
  helpline_options_t *o = helpline_options_new();
  if (o == nullptr) throw std::runtime_error("helpline_options_new returned NULL");
  auto check = [&](helpline_status_t s, const char *what) {
    if (s != HELPLINE_OK) {
      helpline_options_free(o);
      throw std::runtime_error(std::string(what) + ": " + helpline_status_str(s) + " " + last_error());
    }
  };
  if (!c.endpoint.empty()) check(helpline_options_set_endpoint(o, c.endpoint.c_str()), "set_endpoint");
  check(helpline_options_set_app_key(o, kAppKey.c_str()), "set_app_key");
  check(helpline_options_set_data_dir(o, c.data_dir.c_str()), "set_data_dir");
  check(helpline_options_set_long_poll(o, c.long_poll_s), "set_long_poll");
  if (c.storage_limit != 0)
    check(helpline_options_set_storage_limit(o, c.storage_limit), "set_storage_limit");
  if (c.events != nullptr)
    check(helpline_options_set_event_callback(o, &EventRecorder::callback, c.events), "set_cb");
  if (c.transport != nullptr)
    check(helpline_options_set_transport(o, c.transport, c.transport_user), "transport");
  if (!c.consent_required) {
    check(helpline_options_set_consent_required(o, HELPLINE_CONSENT_DIAGNOSTICS, 0), "consent_required");
  }
  if (c.heartbeat_s != 0) check(helpline_options_set_heartbeat_interval(o, c.heartbeat_s), "heartbeat");
  for (const auto &p : c.redaction_patterns)
    check(helpline_options_add_redaction_pattern(o, p.c_str()), "pattern");
  if (c.before_send != nullptr)
    check(helpline_options_set_before_send(o, c.before_send, c.before_send_user), "before_send");
  if (c.log_provider != nullptr) {
    check(helpline_options_set_log_provider(o, c.log_provider, c.log_provider_user), "log_provider");
  }
  return helpline_open(o, out);
}

/// An open instance that is closed (timeout 0: nothing waits) when it goes. Throws when it does not open.
class Sdk {
 public:
  explicit Sdk(const OpenConfig &c) {
    helpline_status_t s = open_sdk(c, &h_);
    if (s != HELPLINE_OK) {
      throw std::runtime_error(std::string("helpline_open: ") + helpline_status_str(s) + " " + last_error());
    }
  }
  ~Sdk() {
    if (h_ != nullptr) helpline_close(h_, 0);
  }
  Sdk(const Sdk &) = delete;
  Sdk &operator=(const Sdk &) = delete;
  helpline_t *get() const { return h_; }
  operator helpline_t *() const { return h_; }
  helpline_status_t close(uint32_t timeout_ms) {
    helpline_status_t s = helpline_close(h_, timeout_ms);
    h_ = nullptr;
    return s;
  }

 private:
  helpline_t *h_ = nullptr;
};

/// A temporary directory for one SDK instance, whose data_dir is "<dir>/data".
struct SdkDir {
  TempDir tmp{"helpline-sdk-"};
  std::string data() const { return (tmp / "data").string(); }
};

/// The device id the SDK generated for data_dir (its meta table); "" before it did.
inline std::string device_id_of(const std::string &data_dir) {
  auto rows = query(std::filesystem::path(data_dir) / "helpline.db",
                    "SELECT value FROM meta WHERE key = 'device_id'");
  return rows.empty() ? std::string() : rows[0][0];
}

/// The secret that proves that device id (X-Helpline-Device-Secret, docs/protocol.md 3.1); "" before there is
/// one.
inline std::string device_secret_of(const std::string &data_dir) {
  auto rows = query(std::filesystem::path(data_dir) / "helpline.db",
                    "SELECT value FROM meta WHERE key = 'device_secret'");
  return rows.empty() ? std::string() : rows[0][0];
}

/// Rows of `table` (matching `where`, when given) in the SDK's own store under `data_dir`, read-only.
inline long long store_count(const std::string &data_dir, const std::string &table,
                             const std::string &where = "") {
  auto rows = query(std::filesystem::path(data_dir) / "helpline.db",
                    "SELECT count(*) FROM " + table + (where.empty() ? "" : " WHERE " + where));
  return std::stoll(rows.at(0).at(0));
}

/// A device of its own: an instance on `endpoint` in an SdkDir, recording its events. `base` supplies the
/// other options; endpoint, data_dir, long poll and events are set here.
struct SdkDevice {
  SdkDir dir;
  EventRecorder events;
  std::unique_ptr<Sdk> sdk;

  SdkDevice(const std::string &endpoint, uint32_t long_poll_s, OpenConfig base = {}) {
    open(endpoint, long_poll_s, std::move(base));
  }
  /// Opens the instance again (after sdk->close()), on the same data_dir.
  void open(const std::string &endpoint, uint32_t long_poll_s, OpenConfig base = {}) {
    base.endpoint = endpoint;
    base.data_dir = data();
    base.events = &events;
    base.long_poll_s = long_poll_s;
    sdk = std::make_unique<Sdk>(base);
  }
  std::string data() const { return dir.data(); }
  helpline_t *h() const { return sdk->get(); }
  operator helpline_t *() const { return sdk->get(); }
  /// The device id the instance generated.
  std::string id() const { return device_id_of(data()); }
};

/// The stats document as text ("{}" when helpline_stats_json fails).
inline std::string stats(helpline_t *h) {
  char *json = nullptr;
  if (helpline_stats_json(h, &json) != HELPLINE_OK) return "{}";
  std::string out(json);
  helpline_free(json);
  return out;
}

/// A counter of the stats document, -1 when absent.
inline long long stat_of(helpline_t *h, const std::string &field) {
  return json_int(stats(h), field);
}

/// helpline_flush in steps, nudging the worker between them, until OK or `timeout`.
inline helpline_status_t flush(helpline_t *h, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  helpline_status_t s = HELPLINE_E_TIMEOUT;
  while (s == HELPLINE_E_TIMEOUT && std::chrono::steady_clock::now() < deadline) {
    s = helpline_flush(h, 1000);
    if (s == HELPLINE_E_TIMEOUT) helpline_sync_now(h);
  }
  return s;
}

}  // namespace helpline::testing
