// The protocol (docs/protocol.md) as transport-neutral request handlers. No Boost in here.
#pragma once
#include "faq_answers.hpp"
#include "api/diagnostics_ingest.hpp"
#include "api/rule_engine.hpp"
#include "change_notifier.hpp"
#include "config.hpp"
#include "fault_injector.hpp"
#include "http_types.hpp"
#include "jwt.hpp"
#include "rate_limiter.hpp"
#include "store/store.hpp"

#include <rapidjson/document.h>

#include <atomic>
#include <optional>
#include <string>
#include <vector>

namespace helpline::server {

class JsonOut;
class OtlpExporter;

struct Principal {
  std::string device_id;
  std::string owner;  // "user:<sub>" | "device:<id>"
  std::optional<Identity> user;
};

struct AgentSession {
  AgentRecord agent;
  std::string token_hash;
  bool via_cookie = false;  // console session (cookie) rather than a bearer token
};

// Console session cookies (protocol section 14.1).
inline constexpr const char *kSessionCookie = "hl_session";
inline constexpr const char *kCsrfCookie = "hl_csrf";

struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

// One logical call: a single HTTP request or one item of a batch.
struct Call {
  const HttpRequest *http = nullptr;
  std::string method;
  std::string path;
  const std::vector<std::pair<std::string, std::string>> *query = nullptr;
  std::vector<std::string> params;
  const rapidjson::Value *body = nullptr;  // JSON object (empty object when no body)
  const std::string *raw_body = nullptr;   // decompressed bytes
  const AppConfig *app = nullptr;
  const Principal *device = nullptr;
  const AgentSession *agent = nullptr;
  StoreTx *tx = nullptr;
  int64_t max_event_seq = 0;
  std::vector<WakeTarget> wake;  // whom the emitted sync items are for (long-poll wake-ups after commit)
  std::shared_ptr<LongPoll> wait;
  Deferred deferred;

  const std::string *query_param(const char *name) const;
};

class Api;
using Handler = Reply (Api::*)(Call &);

enum class RouteKind { open, device, agent, agent_login, test };
enum class BodyKind { none, json, optional_json, raw };

struct Route {
  const char *method;
  const char *pattern;  // "{}" = one path parameter
  Handler handler;
  RouteKind kind;
  BodyKind body;
  bool write;
  bool idempotent;  // honours the Idempotency-Key header
  bool batchable;   // allowed as a /v1/batch item
};

class Api {
 public:
  Api(ServerConfig &config, Store &store, ChangeNotifier &notifier, RateLimiter &limiter,
      FaultInjector &faults, bool test_mode);
  void init();  // primes the notifier with each app's newest sync sequence
  void stop();  // finishes background writes (diagnostics ingest); call once the transport has stopped
  HandleResult handle(const HttpRequest &req);
  // Cap for the transport to enforce before reading a body.
  size_t body_limit(const std::string &path, const std::string *app_key) const;
  static bool faultable(const std::string &path);
  // Exports committed diagnostics to an OTLP collector (null = export off). Call before serving.
  void set_otlp(OtlpExporter *exporter);
  // Directory of the web console's static files ("" = console not served).
  void set_console_dir(std::string dir) { console_dir_ = std::move(dir); }

  // ---- handlers (one per endpoint; defined in the api/*.cpp file named for the resource)
  Reply health(Call &);
  Reply identify(Call &);
  Reply device_put(Call &);
  Reply device_get(Call &);
  Reply push_token_put(Call &);
  Reply push_token_delete(Call &);
  Reply me_get(Call &);
  Reply me_attributes_patch(Call &);
  Reply tickets_create(Call &);
  Reply tickets_list(Call &);
  Reply ticket_get(Call &);
  Reply ticket_patch(Call &);
  Reply ticket_reopen(Call &);
  Reply messages_create(Call &);
  Reply messages_list(Call &);
  Reply attachment_upload(Call &);
  Reply attachment_get(Call &);
  Reply faq_get(Call &);
  // The GET /v1/faq body: everything (delta false) or what changed after `since`.
  std::string faq_document(Call &c, int64_t current, int64_t since, bool delta,
                           const std::optional<std::string> &locale);
  void post_faq_answer(Call &c, TicketRecord &t, const std::string &subject, const std::string &body);
  Reply faq_article_get(Call &);
  Reply faq_vote(Call &);
  Reply diagnostics_batch(Call &);
  Reply surveys_create(Call &);
  Reply deflections_create(Call &);
  Reply notices_list(Call &);
  Reply notice_ack(Call &);
  Reply sync(Call &);
  Reply batch(Call &);

  Reply agent_login(Call &);
  Reply agent_logout(Call &);
  Reply agent_me(Call &);
  Reply agents_list(Call &);
  Reply agents_create(Call &);
  Reply agent_tickets_list(Call &);
  Reply agent_ticket_get(Call &);
  Reply agent_ticket_patch(Call &);
  Reply agent_messages_list(Call &);
  Reply agent_message_create(Call &);
  Reply agent_ticket_diagnostics(Call &);
  Reply agent_ticket_device(Call &);
  Reply agent_diag_request_create(Call &);
  Reply agent_diag_requests_list(Call &);
  Reply agent_attachment_upload(Call &);
  Reply agent_attachment_get(Call &);
  Reply agent_faq_get(Call &);
  Reply faq_section_create(Call &);
  Reply faq_section_patch(Call &);
  Reply faq_section_delete(Call &);
  Reply faq_article_create(Call &);
  Reply faq_article_patch(Call &);
  Reply faq_article_delete(Call &);
  Reply agent_notices_list(Call &);
  Reply notice_create(Call &);
  Reply notice_patch(Call &);
  Reply notice_delete(Call &);
  Reply agent_metrics(Call &);
  Reply agent_metrics_csv(Call &);
  Reply survey_prompt_create(Call &);
  Reply survey_prompts_list(Call &);
  Reply agent_devices_list(Call &);
  Reply agent_device_get(Call &);
  Reply agent_device_diagnostics(Call &);
  Reply agent_device_timeline(Call &);
  Reply rules_list(Call &);
  Reply rule_get(Call &);
  Reply rule_create(Call &);
  Reply rule_patch(Call &);
  Reply rule_delete(Call &);
  Reply device_rules_get(Call &);
  Reply device_rules_put(Call &);
  Reply otlp_stats(Call &);
  // privacy (api/privacy.cpp)
  Reply me_erase(Call &);
  Reply me_export(Call &);
  Reply agent_principal_export(Call &);
  Reply agent_principal_erase(Call &);
  Reply agent_erasures_list(Call &);

  Reply test_faults_get(Call &);
  Reply test_faults_post(Call &);
  Reply test_pause(Call &);
  Reply test_limits(Call &);
  Reply test_token(Call &);
  Reply test_clock(Call &);

  // Runs a batch item / single call through idempotency + handler inside the caller's transaction.
  Reply execute_write(Call &call, const Route &route, const std::string &idem_key,
                      const std::string &fingerprint);
  const Route *match(const std::string &method, const std::string &path, std::vector<std::string> &params,
                     std::string *allow) const;

 private:
  Reply dispatch(const HttpRequest &req, HandleResult &result);
  void authenticate_device(const HttpRequest &req, const AppConfig *&app, Principal &p);
  void authenticate_agent(const HttpRequest &req, const AppConfig *&app, AgentSession &s, bool write);
  Reply console_asset(const HttpRequest &req);
  void maybe_purge();
  HandleResult sync_round(const AppConfig *app, Principal p, int64_t cursor, int limit,
                          std::chrono::steady_clock::time_point deadline, bool final);

  // shared helpers for handlers
 public:
  int64_t emit(Call &c, EventRecord e);
  TicketRecord owned_ticket(Call &c, const std::string &id);  // 404 unless the caller owns it
  TicketRecord app_ticket(Call &c, const std::string &id);    // agent view
  MessageRecord add_message(Call &c, TicketRecord &t, const std::string &body,
                            const std::vector<std::string> &att, const std::optional<std::string> &id);
  void change_status(Call &c, TicketRecord &t, const std::string &status, const char *by);
  void emit_csat_prompt(Call &c, const TicketRecord &t);
  // identify: moves `from`'s attributes to `to` (keys `to` has win; at most 64 kept) and deletes `from`'s.
  void merge_attributes(Call &c, const std::string &from, const std::string &to);
  std::string agent_ticket_json(Call &c, const TicketRecord &t);  // with requester.attributes
  // privacy: erases `scope` and sends an `erase` sync item to each device of `notify`; the audit row.
  Reply run_erase(Call &c, const EraseScope &scope, const std::vector<std::string> &notify,
                  const char *reason);
  void audit_privacy(Call &c, const std::string &owner, const char *action, const std::string &requested_by);
  Reply upload(Call &c, const std::string &owner);
  Reply download(Call &c, const AttachmentRecord &a);
  static Reply json(int status, std::string body);
  static std::string error_body(const std::string &code, const std::string &message);
  std::pair<int64_t, int> page_params(Call &c, int max_limit, int default_limit);
  // console sessions (api/console.cpp)
  static bool is_console_path(const std::string &path);
  static std::string csrf_token_for(const std::string &session_token);
  static std::optional<std::string> cookie(const HttpRequest &req, const std::string &name);
  static bool cookie_secure(const HttpRequest &req);
  // Sets (token non-empty) or clears (token empty, max_age 0) the session and CSRF cookies.
  static void set_session_cookies(const HttpRequest &req, Reply &r, const std::string &token,
                                  int64_t max_age_s);

  ServerConfig &config_;
  Store &store_;
  ChangeNotifier &notifier_;
  RateLimiter &limiter_;
  FaqAnswers faq_answers_;
  FaultInjector &faults_;
  bool test_mode_;

 private:
  void split_routes();
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> route_segments_;
  std::atomic<int64_t> last_purge_{0};
  std::string console_dir_;
  OtlpExporter *otlp_ = nullptr;
  RuleEngine rules_{store_, notifier_};  // before ingest_: the ingest thread calls it until ingest_ stops
  DiagnosticsIngest ingest_{store_};
};

}  // namespace helpline::server
