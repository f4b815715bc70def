// Storage interface: one method per use case, so handlers never see SQL and a PostgreSQL store can be added
// by implementing Store/StoreTx. All "*_json" members hold JSON text the server produced (or null = empty).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace helpline::server {

struct IdempotencyRecord {
  std::string fingerprint;
  int status = 0;
  std::string body;
};

struct DeviceRecord {
  std::string device_id;
  std::optional<std::string> user_sub;
  std::string attrs_json;
  int64_t updated_at = 0;
};

struct PushTokenRecord {
  std::string platform;
  std::string token;
  int64_t updated_at = 0;
};

// One attribute of a principal ("device:<id>" | "user:<sub>"): key and its JSON value as text.
struct AttributeRecord {
  std::string key;
  std::string value_json;
};

struct TicketRecord {
  int64_t seq = 0;  // internal keyset order
  std::string id;
  std::string owner;      // "user:<sub>" | "device:<id>"
  std::string device_id;  // creating device
  std::string subject;
  std::string status;
  std::string fields_json;
  std::string device_json;
  std::optional<std::string> requester_name;
  std::optional<std::string> requester_email;
  std::optional<std::string> assignee_id;
  int64_t message_count = 0;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::optional<std::string> proactive_rule;  // opened by this server rule (proactive ticket)
};

struct TicketFilter {
  std::optional<std::string> owner;
  std::optional<std::string> status;
  std::optional<std::string> assignee;  // "none" = unassigned
  std::optional<std::string> subject_contains;
  std::optional<std::string> model;        // ticket device context "model"
  std::optional<std::string> app_version;  // ticket device context "app_version"
  std::optional<bool> has_diagnostics;     // any diagnostics from the ticket's devices or for the ticket
  int64_t before_seq = 0;                  // 0 = from newest
  int limit = 50;
};

struct MessageRecord {
  std::string id;
  std::string ticket_id;
  int64_t seq = 0;
  std::string author_type;  // user | agent | system
  std::optional<std::string> author_name;
  std::optional<std::string> author_id;
  std::optional<std::string> author_device;
  std::string body;
  std::string attachments_json;  // array snapshot
  int64_t created_at = 0;
};

struct AttachmentRecord {
  std::string id;
  std::string owner;  // principal or "agent:<id>"
  std::string filename;
  std::string content_type;
  int64_t size = 0;
  std::string sha256;
  std::optional<std::string> ticket_id;
  std::optional<std::string> message_id;
  int64_t created_at = 0;
  std::string data;  // filled only by find_attachment(with_data=true)
};

struct SurveyRecord {
  std::string id;
  std::string owner;
  std::string device_id;
  std::string kind;
  int64_t score = 0;
  std::optional<std::string> ticket_id;
  std::optional<std::string> comment;
  int64_t created_at = 0;
};

// One "FAQ suggestions were shown" report (POST /v1/deflections).
struct DeflectionRecord {
  std::string id;
  std::string owner;
  std::string device_id;
  std::string article_ids_json;  // array
  std::optional<std::string> query;
  std::optional<std::string> ticket_id;  // the ticket the user created anyway
  int64_t created_at = 0;
};

// A survey prompt sent to devices: per solved ticket (csat) or scheduled for a segment (nps).
struct SurveyPromptRecord {
  std::string id;
  std::string kind;
  std::string reason;  // ticket_solved | scheduled
  std::optional<std::string> ticket_id;
  std::optional<std::string> target_json;
  std::optional<std::string> agent_id;
  int64_t devices = 0;  // devices it was sent to (scheduled prompts)
  int64_t created_at = 0;
};

// ---- facts the metrics are computed from (docs/metrics.md); windows are [from, to) in ms.
struct TicketFact {  // a ticket created in the window
  int64_t created_at = 0;
  std::string fields_json;
  std::string device_json;        // device context sent with the ticket
  std::string device_attrs_json;  // PUT /v1/device document of the creating device ("" if none)
};
struct FirstReplyFact {  // a ticket whose first agent message was sent in the window
  int64_t created_at = 0;
  int64_t first_reply_at = 0;
};
struct ResolutionFact {  // a ticket (now solved or closed) whose latest resolution lies in the window
  int64_t created_at = 0;
  int64_t resolved_at = 0;
  int64_t agent_replies = 0;  // agent messages up to the resolution
  int64_t reopens = 0;        // solved/closed -> open/pending transitions, ever
};
struct SurveyFact {
  std::string kind;
  int64_t score = 0;
  int64_t created_at = 0;
};
struct DeflectionFact {
  int64_t created_at = 0;
  bool ticket_created = false;
};

struct FaqSectionRecord {
  std::string id;
  std::string locale;
  std::string title;
  int64_t position = 0;
  bool deleted = false;
  int64_t change_seq = 0;
  int64_t updated_at = 0;
};

struct FaqArticleRecord {
  std::string id;
  std::string section_id;
  std::string locale;
  std::string title;
  std::string body;
  std::string tags_json;  // array
  int64_t position = 0;
  bool published = true;
  bool deleted = false;
  int64_t helpful = 0;
  int64_t not_helpful = 0;
  int64_t change_seq = 0;
  int64_t updated_at = 0;
};

struct NoticeRecord {
  std::string id;
  std::string title;
  std::string body;
  std::string severity;
  std::optional<std::string> url;
  std::string target_json;  // object
  std::optional<int64_t> starts_at;
  std::optional<int64_t> ends_at;
  bool active = true;
  bool deleted = false;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::optional<std::string> faq_article_id;  // FAQ article the device can link to
};

struct EventRecord {
  int64_t seq = 0;
  std::optional<std::string> owner;          // principal it is for
  std::optional<std::string> device_id;      // device it is for
  bool broadcast = false;                    // every device of the app
  std::optional<std::string> origin_device;  // not delivered back to this device
  std::string type;
  std::string data_json;
  std::string target_json;  // notices: targeting evaluated at read time
  int64_t created_at = 0;
};

struct DiagnosticRecord {
  int64_t seq = 0;
  std::string device_id;
  std::string owner;
  std::string idempotency_key;
  std::string kind;
  std::string name;
  int64_t ts = 0;
  std::optional<std::string> level;
  std::optional<std::string> message;
  std::optional<double> value;
  std::string attributes_json;
  std::optional<std::string> ticket_id;
  std::optional<std::string> request_id;
  int64_t received_at = 0;
};

struct DiagnosticsRequestRecord {
  std::string id;
  std::optional<std::string> ticket_id;
  std::optional<std::string> device_id;
  std::optional<std::string> owner;
  std::string kinds_json;
  std::optional<std::string> message;
  std::string status;  // pending | fulfilled
  std::string agent_id;
  int64_t created_at = 0;
};

// A device as agents see it: registered by PUT /v1/device and/or by sending diagnostics.
struct DeviceSummaryRecord {
  int64_t seq = 0;  // internal keyset order (registration order)
  std::string device_id;
  std::optional<std::string> user_sub;
  std::string attrs_json;  // PUT /v1/device document ("" if never sent)
  std::optional<int64_t> attrs_updated_at;
  std::optional<int64_t> last_seen;        // received_at of its newest diagnostics
  std::optional<int64_t> last_error_at;    // ... with level error/fatal/critical
  std::optional<int64_t> last_warning_at;  // ... with level warning/warn
};

struct DeviceFilter {
  std::optional<std::string> contains;  // substring of the device id or of its attributes document
  int64_t before_seq = 0;
  int limit = 50;
};

struct DiagnosticFilter {
  std::optional<std::string> kind;
  std::optional<std::string> name;
  std::optional<std::string> level;
  std::optional<int64_t> from;  // ts >= from
  std::optional<int64_t> to;    // ts < to
  int64_t before_seq = 0;
  int limit = 50;
};

// What the ingest thread learnt about a device from one request's fresh diagnostics.
struct DeviceSeen {
  int64_t at = 0;
  std::optional<int64_t> error_at;
  std::optional<int64_t> warning_at;
};

// A server-side rule (docs/protocol.md 14.3); `definition_json` is the validated rule object.
struct ServerRuleRecord {
  std::string id;
  std::string definition_json;
  bool enabled = true;
  std::string agent_id;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct RuleFiringRecord {
  int64_t seq = 0;
  std::string rule_id;
  std::string device_id;
  std::string action;  // ticket | notice | none (de-duplicated)
  std::optional<std::string> ticket_id;
  std::optional<std::string> notice_id;
  int64_t diagnostic_seq = 0;
  std::optional<double> value;
  int64_t at = 0;
};

// The app's device rule set (pushed to devices as `rules` sync items), versioned.
struct DeviceRuleSetRecord {
  int64_t version = 0;
  std::string rules_json;  // array
  std::optional<std::string> agent_id;
  int64_t updated_at = 0;
};

// ---- privacy: erase and export a user's data (docs/protocol.md section 20)

// What one erasure removes: everything owned by `owners` ("user:<sub>", "device:<id>") and every
// device-keyed row of `devices`. Tickets, their agent messages, surveys and deflections stay as anonymous
// tombstones (owner "erased", fresh ids) so the metrics do not change.
struct EraseScope {
  std::vector<std::string> owners;
  std::vector<std::string> devices;
  int64_t at = 0;  // erase time: open tombstones leave the backlog then
};

struct EraseCounts {
  int64_t tickets = 0;
  int64_t messages = 0;
  int64_t attachments = 0;
  int64_t surveys_anonymised = 0;
  int64_t diagnostics = 0;
  int64_t devices = 0;
};

// One audit row: an erase or export happened, when, by whom, for which pseudonymous owner.
struct ErasureRecord {
  std::string id;
  std::string pseudonym;     // hex HMAC-SHA256(app secret, owner)
  std::string scope;         // user | device
  std::string action;        // erase | export
  std::string requested_by;  // self | agent:<agent id>
  int64_t at = 0;
};

struct FaqVoteRecord {
  std::string article_id;
  std::string device_id;
  bool helpful = false;
};

struct NoticeAckRecord {
  std::string notice_id;
  std::string device_id;
  int64_t acked_at = 0;
};

// Everything stored for an export scope (same scope as an erasure).
struct ExportData {
  std::vector<AttributeRecord> user_attributes;
  std::vector<std::pair<std::string, std::vector<AttributeRecord>>> attribute_sets;  // owner -> attributes
  std::vector<DeviceRecord> devices;                                 // PUT /v1/device documents
  std::vector<std::pair<std::string, PushTokenRecord>> push_tokens;  // device id -> token
  std::vector<TicketRecord> tickets;
  std::vector<MessageRecord> messages;        // of those tickets, by ticket and seq
  std::vector<AttachmentRecord> attachments;  // owned by the owners or linked to those tickets (no data)
  std::vector<SurveyRecord> surveys;
  std::vector<DeflectionRecord> deflections;
  std::vector<DiagnosticRecord> diagnostics;  // newest first, at most the limit asked for
  bool diagnostics_truncated = false;
  std::vector<FaqVoteRecord> faq_votes;
  std::vector<NoticeAckRecord> notice_acks;
};

struct AgentRecord {
  std::string id;
  std::string email;
  std::string name;
  std::string role;
  std::string password_hash;
  int64_t created_at = 0;
};

// One unit of work. Write transactions are serialised; read transactions see a consistent snapshot.
// Destroying an uncommitted transaction rolls it back.
class StoreTx {
 public:
  virtual ~StoreTx() = default;
  virtual void commit() = 0;
  virtual void savepoint() = 0;
  virtual void release_savepoint() = 0;
  virtual void rollback_savepoint() = 0;

  // idempotency
  virtual std::optional<IdempotencyRecord> find_idempotency(const std::string &app, const std::string &scope,
                                                            const std::string &key) = 0;
  virtual void save_idempotency(const std::string &app, const std::string &scope, const std::string &key,
                                const IdempotencyRecord &rec, int64_t now) = 0;
  virtual void purge_idempotency(int64_t older_than) = 0;

  // devices
  virtual void upsert_device(const std::string &app, const DeviceRecord &d) = 0;
  virtual std::optional<DeviceRecord> find_device(const std::string &app, const std::string &device_id) = 0;
  // Every device that has sent PUT /v1/device (segment targeting of scheduled survey prompts).
  virtual std::vector<DeviceRecord> list_devices(const std::string &app) = 0;
  // Replaces the device's push token.
  virtual void upsert_push_token(const std::string &app, const std::string &device_id,
                                 const PushTokenRecord &p) = 0;
  virtual void delete_push_token(const std::string &app, const std::string &device_id) = 0;
  virtual std::optional<PushTokenRecord> find_push_token(const std::string &app,
                                                         const std::string &device_id) = 0;

  // principal attributes (sorted by key)
  virtual std::vector<AttributeRecord> principal_attributes(const std::string &app,
                                                            const std::string &principal) = 0;
  virtual void set_principal_attribute(const std::string &app, const std::string &principal,
                                       const AttributeRecord &a, int64_t now) = 0;
  virtual void delete_principal_attribute(const std::string &app, const std::string &principal,
                                          const std::string &key) = 0;
  virtual void delete_principal_attributes(const std::string &app, const std::string &principal) = 0;

  // tickets and messages
  virtual void insert_ticket(const std::string &app, TicketRecord &t) = 0;  // sets t.seq
  virtual std::optional<TicketRecord> find_ticket(const std::string &app, const std::string &id) = 0;
  virtual void update_ticket(const std::string &app,
                             const TicketRecord &t) = 0;  // status, assignee, counters
  virtual std::vector<TicketRecord> list_tickets(const std::string &app, const TicketFilter &f) = 0;
  virtual std::vector<std::string> move_tickets(const std::string &app, const std::string &from_owner,
                                                const std::string &to_owner,
                                                const std::optional<std::string> &name,
                                                const std::optional<std::string> &email) = 0;
  virtual bool message_exists(const std::string &app, const std::string &id) = 0;
  virtual void insert_message(const std::string &app, const MessageRecord &m) = 0;
  virtual std::vector<MessageRecord> list_messages(const std::string &app, const std::string &ticket_id,
                                                   int64_t after_seq, int limit) = 0;
  virtual std::vector<std::string> ticket_devices(const std::string &app, const std::string &ticket_id) = 0;

  // attachments
  virtual void insert_attachment(const std::string &app, const AttachmentRecord &a) = 0;
  virtual std::optional<AttachmentRecord> find_attachment(const std::string &app, const std::string &id,
                                                          bool with_data) = 0;
  virtual void link_attachment(const std::string &app, const std::string &id, const std::string &ticket_id,
                               const std::string &message_id) = 0;

  // surveys
  virtual bool survey_exists(const std::string &app, const std::string &id) = 0;
  virtual void insert_survey(const std::string &app, const SurveyRecord &s) = 0;
  virtual bool deflection_exists(const std::string &app, const std::string &id) = 0;
  virtual void insert_deflection(const std::string &app, const DeflectionRecord &d) = 0;
  virtual bool survey_prompt_exists(const std::string &app, const std::string &id) = 0;
  virtual void insert_survey_prompt(const std::string &app, const SurveyPromptRecord &p) = 0;
  virtual std::vector<SurveyPromptRecord> list_survey_prompts(const std::string &app, int limit) = 0;

  // ticket status history (every change_status)
  virtual void insert_status_change(const std::string &app, const std::string &ticket_id,
                                    const std::string &status, const std::string &previous,
                                    const std::string &changed_by, int64_t at) = 0;

  // metrics facts, [from, to)
  virtual std::vector<TicketFact> metric_tickets(const std::string &app, int64_t from, int64_t to) = 0;
  virtual std::vector<FirstReplyFact> metric_first_replies(const std::string &app, int64_t from,
                                                           int64_t to) = 0;
  virtual std::vector<ResolutionFact> metric_resolutions(const std::string &app, int64_t from,
                                                         int64_t to) = 0;
  virtual std::vector<SurveyFact> metric_surveys(const std::string &app, int64_t from, int64_t to) = 0;
  virtual std::vector<DeflectionFact> metric_deflections(const std::string &app, int64_t from,
                                                         int64_t to) = 0;
  // Tickets created before `at` whose status just before `at` was open or pending.
  virtual int64_t metric_backlog(const std::string &app, int64_t at) = 0;

  // faq
  virtual int64_t next_faq_seq(const std::string &app) = 0;
  virtual int64_t faq_seq(const std::string &app) = 0;
  virtual void upsert_faq_section(const std::string &app, const FaqSectionRecord &s) = 0;
  virtual std::optional<FaqSectionRecord> find_faq_section(const std::string &app, const std::string &id) = 0;
  virtual void upsert_faq_article(const std::string &app, const FaqArticleRecord &a) = 0;
  virtual std::optional<FaqArticleRecord> find_faq_article(const std::string &app, const std::string &id) = 0;
  // Rows with change_seq > since (all rows incl. tombstones); since = 0 gives everything.
  virtual std::vector<FaqSectionRecord> faq_sections_since(const std::string &app, int64_t since) = 0;
  virtual std::vector<FaqArticleRecord> faq_articles_since(const std::string &app, int64_t since) = 0;
  virtual int64_t live_articles_in_section(const std::string &app, const std::string &section_id) = 0;
  // Sets/replaces the device's vote and returns the article with fresh counters.
  virtual void set_faq_vote(const std::string &app, const std::string &article_id,
                            const std::string &device_id, bool helpful) = 0;

  // notices
  virtual void upsert_notice(const std::string &app, const NoticeRecord &n) = 0;
  virtual std::optional<NoticeRecord> find_notice(const std::string &app, const std::string &id) = 0;
  virtual std::vector<NoticeRecord> list_notices(const std::string &app) = 0;  // not deleted
  virtual void ack_notice(const std::string &app, const std::string &id, const std::string &device_id,
                          int64_t now) = 0;
  virtual std::optional<int64_t> notice_ack_time(const std::string &app, const std::string &id,
                                                 const std::string &device_id) = 0;
  virtual int64_t notice_ack_count(const std::string &app, const std::string &id) = 0;

  // sync feed
  virtual int64_t insert_event(const std::string &app, const EventRecord &e) = 0;
  virtual int64_t max_event_seq(const std::string &app) = 0;
  virtual std::vector<EventRecord> events_for(const std::string &app, const std::string &owner,
                                              const std::string &device_id, int64_t after, int64_t upto,
                                              int limit) = 0;

  // diagnostics
  virtual bool insert_diagnostic(const std::string &app,
                                 DiagnosticRecord &d) = 0;  // false: duplicate key; sets d.seq
  virtual std::vector<DiagnosticRecord> ticket_diagnostics(const std::string &app,
                                                           const std::string &ticket_id,
                                                           const std::vector<std::string> &devices,
                                                           const std::optional<std::string> &kind,
                                                           int64_t before_seq, int limit) = 0;
  virtual void insert_diagnostics_request(const std::string &app, const DiagnosticsRequestRecord &r) = 0;
  virtual std::optional<DiagnosticsRequestRecord> find_diagnostics_request(const std::string &app,
                                                                           const std::string &id) = 0;
  virtual void fulfil_diagnostics_request(const std::string &app, const std::string &id) = 0;
  virtual std::vector<DiagnosticsRequestRecord> list_diagnostics_requests(
      const std::string &app, const std::optional<std::string> &ticket_id) = 0;

  // device views (agent API): summaries, per-device diagnostics, the facts of the health timeline
  virtual void touch_device(const std::string &app, const std::string &device_id, const DeviceSeen &seen) = 0;
  virtual std::vector<DeviceSummaryRecord> list_device_summaries(const std::string &app,
                                                                 const DeviceFilter &f) = 0;
  virtual std::optional<DeviceSummaryRecord> find_device_summary(const std::string &app,
                                                                 const std::string &device_id) = 0;
  virtual std::vector<DiagnosticRecord> device_diagnostics(const std::string &app,
                                                           const std::string &device_id,
                                                           const DiagnosticFilter &f) = 0;
  // Tickets created by the device in [from, to), oldest first (at most `limit`).
  virtual std::vector<TicketRecord> device_tickets(const std::string &app, const std::string &device_id,
                                                   int64_t from, int64_t to, int limit) = 0;
  virtual std::vector<RuleFiringRecord> device_rule_firings(const std::string &app,
                                                            const std::string &device_id, int64_t from,
                                                            int64_t to, int limit) = 0;

  // server rules and their firings
  virtual std::vector<ServerRuleRecord> list_server_rules(const std::string &app) = 0;
  virtual std::optional<ServerRuleRecord> find_server_rule(const std::string &app, const std::string &id) = 0;
  virtual void upsert_server_rule(const std::string &app, const ServerRuleRecord &r) = 0;
  virtual bool delete_server_rule(const std::string &app, const std::string &id) = 0;
  virtual void insert_rule_firing(const std::string &app, const RuleFiringRecord &f) = 0;
  virtual int64_t rule_firing_count(const std::string &app, const std::string &rule_id) = 0;
  // The open/pending proactive ticket this rule opened for this device, if any (de-duplication).
  virtual std::optional<TicketRecord> open_proactive_ticket(const std::string &app,
                                                            const std::string &rule_id,
                                                            const std::string &device_id) = 0;

  // device rule set
  virtual std::optional<DeviceRuleSetRecord> find_device_rule_set(const std::string &app) = 0;
  virtual void save_device_rule_set(const std::string &app, const DeviceRuleSetRecord &r) = 0;

  // owner moves on identify (attachments, surveys)
  virtual void move_owned(const std::string &app, const std::string &from_owner,
                          const std::string &to_owner) = 0;

  // privacy (store/sqlite_privacy.cpp)
  // Devices linked to the user: devices.user_sub = sub, plus the devices that wrote the user's tickets,
  // messages, surveys or deflections.
  virtual std::vector<std::string> user_devices(const std::string &app, const std::string &sub) = 0;
  virtual EraseCounts erase(const std::string &app, const EraseScope &scope) = 0;
  // Removes the link of a device to a user (devices.user_sub) without erasing the device.
  virtual void unlink_device(const std::string &app, const std::string &device_id,
                             const std::string &sub) = 0;
  virtual ExportData export_data(const std::string &app, const EraseScope &scope, int max_diagnostics) = 0;
  virtual void insert_erasure(const std::string &app, const ErasureRecord &r) = 0;
  virtual std::vector<ErasureRecord> list_erasures(const std::string &app, int limit) = 0;

  // agents
  virtual void insert_agent(const std::string &app, const AgentRecord &a) = 0;
  virtual std::optional<AgentRecord> find_agent_by_email(const std::string &app,
                                                         const std::string &email) = 0;
  virtual std::optional<AgentRecord> find_agent(const std::string &app, const std::string &id) = 0;
  virtual std::vector<AgentRecord> list_agents(const std::string &app) = 0;
  virtual void insert_agent_session(const std::string &token_hash, const std::string &app,
                                    const std::string &agent_id, int64_t expires_at) = 0;
  // Returns (app, agent id) of a live session.
  virtual std::optional<std::pair<std::string, std::string>> find_agent_session(const std::string &token_hash,
                                                                                int64_t now) = 0;
  virtual void delete_agent_session(const std::string &token_hash) = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  virtual std::unique_ptr<StoreTx> write() = 0;
  virtual std::unique_ptr<StoreTx> read() = 0;
};

}  // namespace helpline::server
