// helpline.hpp — header-only C++17 RAII wrapper over the C interface (helpline.h).
//
// It has no ABI of its own: everything here is inline and calls only helpline_* functions, so
// a C++ host can use it with any libhelpline of the same major version. Failed calls throw
// helpline::Error carrying the status and the library's message.
#ifndef HELPLINE_HPP
#define HELPLINE_HPP

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>

#include "helpline/helpline.h"

namespace helpline {

/// A failed helpline_* call: status() is the helpline_status_t, what() the library's message.
class Error : public std::runtime_error {
 public:
  Error(helpline_status_t status, const std::string &message)
      : std::runtime_error(std::string(helpline_status_str(status)) + ": " + message), status_(status) {}
  helpline_status_t status() const noexcept { return status_; }

 private:
  helpline_status_t status_;
};

/// Throws Error for any status but HELPLINE_OK.
inline void check(helpline_status_t status) {
  if (status != HELPLINE_OK) throw Error(status, helpline_last_error(nullptr));
}

/// Takes ownership of a string returned by the library and frees it with helpline_free().
inline std::string take_string(char *p) {
  std::unique_ptr<char, void (*)(void *)> owner(p, helpline_free);
  return p != nullptr ? std::string(p) : std::string();
}

/// The loaded library's version, (major << 16) | (minor << 8) | patch; compare with
/// HELPLINE_VERSION_NUMBER to detect a header/library mismatch.
inline uint32_t version() noexcept {
  return helpline_version();
}
/// The loaded library's version as text, e.g. "0.1.0".
inline std::string version_string() {
  return helpline_version_string();
}

/// The scratch text a before_send or log-provider handler fills in. A view, valid only during the
/// call that handed it out.
class Buffer {
 public:
  explicit Buffer(helpline_buffer_t *buffer) noexcept : buffer_(buffer) {}
  /// Replaces the text (at most 1 MiB).
  void set(const std::string &text) { check(helpline_buffer_set(buffer_, text.c_str())); }
  /// Appends to the text (at most 1 MiB in all).
  void append(const std::string &text) { check(helpline_buffer_append(buffer_, text.c_str())); }
  helpline_buffer_t *get() const noexcept { return buffer_; }

 private:
  helpline_buffer_t *buffer_;
};

/// The response a host transport fills in. A view, valid only during the transport call.
class HttpResponse {
 public:
  explicit HttpResponse(helpline_http_response_t *response) noexcept : response_(response) {}
  /// The HTTP status, 100..599.
  HttpResponse &status(int code) {
    check(helpline_http_response_set_status(response_, code));
    return *this;
  }
  /// A response header; the SDK reads Retry-After and ETag.
  HttpResponse &header(const std::string &name, const std::string &value) {
    check(helpline_http_response_set_header(response_, name.c_str(), value.c_str()));
    return *this;
  }
  HttpResponse &append_body(const void *data, std::size_t len) {
    check(helpline_http_response_append_body(response_, data, len));
    return *this;
  }
  HttpResponse &append_body(const std::string &bytes) { return append_body(bytes.data(), bytes.size()); }
  helpline_http_response_t *get() const noexcept { return response_; }

 private:
  helpline_http_response_t *response_;
};

using EventHandler = std::function<void(helpline_event_type_t type, const std::string &json)>;
using LogHandler = std::function<void(helpline_log_level_t level, const std::string &message)>;
/// Performs one request synchronously on the SDK worker thread and fills `response`. Returns false
/// (or throws) when no HTTP response was received: the SDK sees HELPLINE_E_NETWORK.
using TransportHandler = std::function<bool(const helpline_http_request_t &request, HttpResponse &response)>;
/// Sees every diagnostic before it is stored (see helpline_options_set_before_send). Returns true to
/// keep it (replaced by `replacement` when the handler sets it), false to drop it. Runs on the
/// thread producing the item, so it must be thread-safe.
using BeforeSendHandler = std::function<bool(const std::string &payload_json, Buffer &replacement)>;
/// Appends the host's recent logs for a diagnostics request (SDK worker thread).
using LogProvider = std::function<void(Buffer &logs)>;

namespace detail {
// Handlers live on the heap and are owned by the Client, so they outlive every callback.
struct Handlers {
  EventHandler on_event;
  LogHandler on_log;
  TransportHandler transport;
  BeforeSendHandler before_send;
  LogProvider log_provider;

  static void event_trampoline(void *user, helpline_event_type_t type, const char *json) noexcept {
    try {
      static_cast<Handlers *>(user)->on_event(type, json);
    } catch (...) {
      // An exception must never unwind into the library's worker thread.
    }
  }
  static void log_trampoline(void *user, helpline_log_level_t level, const char *message) noexcept {
    try {
      static_cast<Handlers *>(user)->on_log(level, message);
    } catch (...) {
    }
  }
  static helpline_status_t transport_trampoline(void *user, const helpline_http_request_t *request,
                                                helpline_http_response_t *response) noexcept {
    try {
      HttpResponse r(response);
      return static_cast<Handlers *>(user)->transport(*request, r) ? HELPLINE_OK : HELPLINE_E_NETWORK;
    } catch (...) {
      return HELPLINE_E_NETWORK;  // the SDK retries later, as after any network failure
    }
  }
  static int before_send_trampoline(void *user, const char *payload_json,
                                    helpline_buffer_t *replacement) noexcept {
    try {
      Buffer b(replacement);
      const bool keep = static_cast<Handlers *>(user)->before_send(payload_json, b);
      return keep ? HELPLINE_SEND_KEEP : HELPLINE_SEND_DROP;
    } catch (...) {
      // A handler that failed has not vetted the item (it may be the host's PII filter): drop it.
      return HELPLINE_SEND_DROP;
    }
  }
  static void log_provider_trampoline(void *user, helpline_buffer_t *logs) noexcept {
    try {
      Buffer b(logs);
      static_cast<Handlers *>(user)->log_provider(b);
    } catch (...) {
      // Whatever was appended before the exception is sent.
    }
  }
};
}  // namespace detail

/// Builder for helpline_options_t. Consumed by Client's constructor.
class Options {
 public:
  Options() : options_(helpline_options_new(), helpline_options_free), handlers_(new detail::Handlers()) {
    if (!options_) throw std::bad_alloc();
  }

  Options &endpoint(const std::string &base_url) {
    check(helpline_options_set_endpoint(options_.get(), base_url.c_str()));
    return *this;
  }
  Options &app_key(const std::string &key) {
    check(helpline_options_set_app_key(options_.get(), key.c_str()));
    return *this;
  }
  Options &data_dir(const std::string &path) {
    check(helpline_options_set_data_dir(options_.get(), path.c_str()));
    return *this;
  }
  /// Events go to `handler` on the worker thread, or on the dispatch() caller (see delivery()).
  Options &on_event(EventHandler handler) {
    handlers_->on_event = std::move(handler);
    check(helpline_options_set_event_callback(
        options_.get(), handlers_->on_event ? detail::Handlers::event_trampoline : nullptr, handlers_.get()));
    return *this;
  }
  Options &delivery(helpline_delivery_t mode, uint32_t queue_capacity = 1024) {
    check(helpline_options_set_event_delivery(options_.get(), mode, queue_capacity));
    return *this;
  }
  Options &storage_limit(uint64_t max_bytes) {
    check(helpline_options_set_storage_limit(options_.get(), max_bytes));
    return *this;
  }
  /// Empty strings mean "system CA store" and "no pinning".
  Options &tls(const std::string &ca_file, const std::string &pinned_public_key = std::string()) {
    check(helpline_options_set_tls(options_.get(), ca_file.empty() ? nullptr : ca_file.c_str(),
                                   pinned_public_key.empty() ? nullptr : pinned_public_key.c_str()));
    return *this;
  }
  Options &long_poll(uint32_t wait_seconds) {
    check(helpline_options_set_long_poll(options_.get(), wait_seconds));
    return *this;
  }
  Options &transport(helpline_transport_fn fn, void *user) {
    check(helpline_options_set_transport(options_.get(), fn, user));
    return *this;
  }
  Options &on_log(LogHandler handler, helpline_log_level_t min_level = HELPLINE_LOG_WARN) {
    handlers_->on_log = std::move(handler);
    check(helpline_options_set_log_callback(options_.get(),
                                            handlers_->on_log ? detail::Handlers::log_trampoline : nullptr,
                                            handlers_.get(), min_level));
    return *this;
  }
  /// Shortest time between two survey prompts for the same user, 0..31536000 seconds.
  Options &survey_prompt_interval(uint32_t seconds) {
    check(helpline_options_set_survey_prompt_interval(options_.get(), seconds));
    return *this;
  }
  /// A host HTTP stack in place of libcurl (an empty handler restores libcurl).
  Options &transport(TransportHandler handler) {
    handlers_->transport = std::move(handler);
    check(helpline_options_set_transport(
        options_.get(), handlers_->transport ? detail::Handlers::transport_trampoline : nullptr,
        handlers_.get()));
    return *this;
  }

  // Diagnostics.
  /// An empty handler removes it.
  Options &before_send(BeforeSendHandler handler) {
    handlers_->before_send = std::move(handler);
    check(helpline_options_set_before_send(
        options_.get(), handlers_->before_send ? detail::Handlers::before_send_trampoline : nullptr,
        handlers_.get()));
    return *this;
  }
  Options &before_send(helpline_before_send_fn fn, void *user) {
    check(helpline_options_set_before_send(options_.get(), fn, user));
    return *this;
  }
  /// An empty provider removes it.
  Options &log_provider(LogProvider provider) {
    handlers_->log_provider = std::move(provider);
    check(helpline_options_set_log_provider(
        options_.get(), handlers_->log_provider ? detail::Handlers::log_provider_trampoline : nullptr,
        handlers_.get()));
    return *this;
  }
  Options &log_provider(helpline_log_provider_fn fn, void *user) {
    check(helpline_options_set_log_provider(options_.get(), fn, user));
    return *this;
  }
  /// A POSIX extended regular expression whose matches become "[redacted]".
  Options &add_redaction_pattern(const std::string &posix_ere) {
    check(helpline_options_add_redaction_pattern(options_.get(), posix_ere.c_str()));
    return *this;
  }
  Options &builtin_redaction(bool enabled) {
    check(helpline_options_set_builtin_redaction(options_.get(), enabled ? 1 : 0));
    return *this;
  }
  /// Heartbeat interval for aggregated metrics, 10..86400 seconds.
  Options &heartbeat_interval(uint32_t seconds) {
    check(helpline_options_set_heartbeat_interval(options_.get(), seconds));
    return *this;
  }
  Options &consent_required(helpline_consent_t what, bool required) {
    check(helpline_options_set_consent_required(options_.get(), what, required ? 1 : 0));
    return *this;
  }

 private:
  friend class Client;
  std::unique_ptr<helpline_options_t, void (*)(helpline_options_t *)> options_;
  std::unique_ptr<detail::Handlers> handlers_;
};

/// An open instance. Closing happens in the destructor (with close_timeout_ms) or by close().
class Client {
 public:
  explicit Client(Options &&options) : handlers_(std::move(options.handlers_)) {
    check(helpline_open(options.options_.release(), &handle_));
  }
  ~Client() {
    if (handle_ != nullptr) helpline_close(handle_, close_timeout_ms_);
  }
  Client(Client &&other) noexcept
      : handle_(std::exchange(other.handle_, nullptr)),
        handlers_(std::move(other.handlers_)),
        close_timeout_ms_(other.close_timeout_ms_) {}
  Client &operator=(Client &&other) noexcept {
    if (this != &other) {
      if (handle_ != nullptr) helpline_close(handle_, close_timeout_ms_);
      handle_ = std::exchange(other.handle_, nullptr);
      handlers_ = std::move(other.handlers_);
      close_timeout_ms_ = other.close_timeout_ms_;
    }
    return *this;
  }
  Client(const Client &) = delete;
  Client &operator=(const Client &) = delete;

  /// Waits until everything accepted so far is delivered; throws Error (e.g. HELPLINE_E_TIMEOUT).
  void flush(uint32_t timeout_ms) { check(helpline_flush(handle_, timeout_ms)); }
  /// flush() with a mode: HELPLINE_FLUSH_DURABLE waits only until everything accepted is on disk.
  void flush(uint32_t timeout_ms, helpline_flush_mode_t mode) {
    check(helpline_flush_v2(handle_, timeout_ms, mode));
  }

  /// Closes now. Returns false when the flush timed out (data stays on disk); throws otherwise.
  bool close(uint32_t timeout_ms) {
    if (handle_ == nullptr) return true;  // already closed (or moved from)
    helpline_status_t s = helpline_close(handle_, timeout_ms);
    // Refused (e.g. from inside an event handler): keep the handle so the instance still gets
    // closed later; every other outcome means the instance is gone.
    if (s != HELPLINE_E_INVALID_STATE) handle_ = nullptr;
    if (s == HELPLINE_E_TIMEOUT) return false;
    check(s);
    return true;
  }

  /// Delivers pending events on this thread; returns how many.
  int dispatch(int max_events = 0) {
    int n = helpline_dispatch(handle_, max_events);
    if (n < 0) check(n);
    return n;
  }

  std::string stats_json() {
    char *json = nullptr;
    check(helpline_stats_json(handle_, &json));
    return take_string(json);
  }

  void set_network_available(bool available) {
    check(helpline_set_network_available(handle_, available ? 1 : 0));
  }
  void sync_now() { check(helpline_sync_now(handle_)); }
  void set_consent(helpline_consent_t what, bool granted) {
    check(helpline_set_consent(handle_, what, granted ? 1 : 0));
  }

  /// Queues a survey answer; empty ticket_id / comment mean none.
  void survey_submit(helpline_survey_t kind, int score, const std::string &ticket_id = std::string(),
                     const std::string &comment = std::string()) {
    check(helpline_survey_submit(handle_, kind, score, ticket_id.empty() ? nullptr : ticket_id.c_str(),
                                 comment.empty() ? nullptr : comment.c_str()));
  }
  /// Queues a diagnostics event (needs diagnostics consent); empty attributes mean none.
  void diagnostics_send(const std::string &kind, const std::string &attributes_json = std::string()) {
    check(helpline_diagnostics_send(handle_, kind.c_str(),
                                    attributes_json.empty() ? nullptr : attributes_json.c_str()));
  }
  /// Records a breadcrumb at level info (needs diagnostics consent).
  void breadcrumb(const std::string &category, const std::string &message) {
    check(helpline_breadcrumb(handle_, category.c_str(), message.c_str()));
  }
  void breadcrumb(helpline_log_level_t level, const std::string &category, const std::string &message) {
    check(helpline_breadcrumb_level(handle_, level, category.c_str(), message.c_str()));
  }
  /// Adds to a counter / sets a gauge (needs diagnostics consent).
  void metric_add(const std::string &name, double delta) {
    check(helpline_metric_add(handle_, name.c_str(), delta));
  }
  void metric_set(const std::string &name, double value) {
    check(helpline_metric_set(handle_, name.c_str(), value));
  }
  /// Replaces the host's on-device rules; on error the previous rules stay in force.
  void rules_load_json(const std::string &rules_json) {
    check(helpline_rules_load_json(handle_, rules_json.c_str()));
  }

  // Proactive notices.
  std::string notices_json() {
    char *json = nullptr;
    check(helpline_notices_json(handle_, &json));
    return take_string(json);
  }
  void notice_mark(const std::string &notice_id, helpline_notice_state_t state) {
    check(helpline_notice_mark(handle_, notice_id.c_str(), state));
  }

  // Offline FAQ. An empty locale means every locale.
  std::string faq_search(const std::string &query, const std::string &locale, int limit) {
    char *json = nullptr;
    check(helpline_faq_search(handle_, query.c_str(), locale.c_str(), limit, &json));
    return take_string(json);
  }
  std::string faq_sections_json(const std::string &locale = std::string()) {
    char *json = nullptr;
    check(helpline_faq_sections_json(handle_, locale.c_str(), &json));
    return take_string(json);
  }
  std::string faq_article_json(const std::string &article_id) {
    char *json = nullptr;
    check(helpline_faq_article_json(handle_, article_id.c_str(), &json));
    return take_string(json);
  }
  void faq_vote(const std::string &article_id, bool helpful) {
    check(helpline_faq_vote(handle_, article_id.c_str(), helpful ? 1 : 0));
  }
  /// Articles to show while the user writes a ticket; subject or body may be empty (not both).
  std::string faq_suggest_for_ticket(const std::string &subject, const std::string &body) {
    char *json = nullptr;
    check(helpline_faq_suggest_for_ticket(handle_, subject.c_str(), body.c_str(), &json));
    return take_string(json);
  }

  // Identity and device context.
  void identify(const std::string &user_id, const std::string &identity_token) {
    check(helpline_identify(handle_, user_id.c_str(),
                            identity_token.empty() ? nullptr : identity_token.c_str()));
  }
  void logout() { check(helpline_logout(handle_)); }
  void erase_all() { check(helpline_erase_all(handle_)); }
  void export_request() { check(helpline_export_request(handle_)); }
  /// `json_value` is any JSON value ("null" removes the attribute).
  void set_user_attribute(const std::string &key, const std::string &json_value) {
    check(helpline_set_user_attribute(handle_, key.c_str(), json_value.c_str()));
  }
  void set_device_attribute(const std::string &key, const std::string &value) {
    check(helpline_set_device_attribute(handle_, key.c_str(), value.c_str()));
  }
  void remove_device_attribute(const std::string &key) {
    check(helpline_set_device_attribute(handle_, key.c_str(), nullptr));
  }
  void set_push_token(const std::string &platform, const std::string &token) {
    check(helpline_set_push_token(handle_, platform.c_str(), token.c_str()));
  }

  // Tickets and conversations.
  /// Returns the new ticket's id; empty fields_json means no custom fields.
  std::string ticket_create(const std::string &subject, const std::string &body,
                            const std::string &fields_json = std::string()) {
    char *id = nullptr;
    check(helpline_ticket_create(handle_, subject.c_str(), body.c_str(),
                                 fields_json.empty() ? nullptr : fields_json.c_str(), &id));
    return take_string(id);
  }
  /// Returns the new message's id.
  std::string message_send(const std::string &ticket_id, const std::string &body) {
    char *id = nullptr;
    check(helpline_message_send(handle_, ticket_id.c_str(), body.c_str(), &id));
    return take_string(id);
  }
  std::string tickets_json() {
    char *json = nullptr;
    check(helpline_tickets_json(handle_, &json));
    return take_string(json);
  }
  std::string ticket_messages_json(const std::string &ticket_id) {
    char *json = nullptr;
    check(helpline_ticket_messages_json(handle_, ticket_id.c_str(), &json));
    return take_string(json);
  }
  void ticket_mark_read(const std::string &ticket_id) {
    check(helpline_ticket_mark_read(handle_, ticket_id.c_str()));
  }
  void ticket_reopen(const std::string &ticket_id) {
    check(helpline_ticket_reopen(handle_, ticket_id.c_str()));
  }
  /// Copies the file into data_dir and queues its upload; returns the attachment's id. An empty
  /// mime means application/octet-stream.
  std::string attachment_add(const std::string &ticket_id, const std::string &path,
                             const std::string &mime = std::string()) {
    char *id = nullptr;
    check(helpline_attachment_add(handle_, ticket_id.c_str(), path.c_str(),
                                  mime.empty() ? nullptr : mime.c_str(), &id));
    return take_string(id);
  }

  /// Timeout the destructor gives close() (default 2000 ms).
  void set_close_timeout(uint32_t ms) noexcept { close_timeout_ms_ = ms; }
  helpline_t *get() const noexcept { return handle_; }

 private:
  helpline_t *handle_ = nullptr;
  std::unique_ptr<detail::Handlers> handlers_;
  uint32_t close_timeout_ms_ = 2000;
};

}  // namespace helpline

#endif  // HELPLINE_HPP
