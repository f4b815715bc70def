// The SQLite repositories (one .cpp each: store/sqlite/sqlite_<name>_repo.cpp) behind the interfaces of
// store/*_repo.hpp. A transaction (store/sqlite/sqlite_store.cpp) makes one of each on its connection.
#pragma once
#include "store/sqlite/sqlite_connection.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <string>

namespace helpline::server {

// The diag_devices key of the device last used, for one transaction: the ingest thread writes runs of
// diagnostics from the same device. Shared by the diagnostics repository (which creates keys) and the
// privacy repository (an erasure may delete the row behind a cached key).
class DiagDeviceKeys {
 public:
  explicit DiagDeviceKeys(SqliteConnection &db) : db_(db) {}
  int64_t key(const std::string &app, const std::string &device_id);  // creates the row when missing
  void forget() { key_ = 0; }

 private:
  SqliteConnection &db_;
  int64_t key_ = 0;
  std::string app_, device_id_;
};

class SqliteIdempotencyRepo final : public IdempotencyRepo {
 public:
  explicit SqliteIdempotencyRepo(SqliteConnection &db) : db_(db) {}
  std::optional<IdempotencyRecord> find(const std::string &app, const std::string &scope,
                                        const std::string &key) override;
  void save(const std::string &app, const std::string &scope, const std::string &key,
            const IdempotencyRecord &rec, int64_t now) override;
  void purge(int64_t older_than) override;

 private:
  SqliteConnection &db_;
};

class SqliteIdentityRepo final : public IdentityRepo {
 public:
  explicit SqliteIdentityRepo(SqliteConnection &db) : db_(db) {}
  void upsert_device(const std::string &app, const DeviceRecord &d) override;
  std::optional<DeviceRecord> find_device(const std::string &app, const std::string &device_id) override;
  std::vector<DeviceRecord> list_devices(const std::string &app) override;
  DeviceStanding device_standing(const std::string &app, const std::string &device_id,
                                 const std::string &pseudonym) override;
  std::string claim_device(const std::string &app, const std::string &device_id,
                           const std::string &secret_hash, int64_t now) override;
  void retire_device(const std::string &app, const std::string &device_id, const std::string &pseudonym,
                     int64_t now) override;
  void upsert_push_token(const std::string &app, const std::string &device_id,
                         const PushTokenRecord &p) override;
  void delete_push_token(const std::string &app, const std::string &device_id) override;
  std::optional<PushTokenRecord> find_push_token(const std::string &app,
                                                 const std::string &device_id) override;
  std::vector<AttributeRecord> attributes(const std::string &app, const std::string &principal) override;
  void set_attribute(const std::string &app, const std::string &principal, const AttributeRecord &a,
                     int64_t now) override;
  void delete_attribute(const std::string &app, const std::string &principal,
                        const std::string &key) override;
  void delete_attributes(const std::string &app, const std::string &principal) override;
  void move_owned(const std::string &app, const std::string &from_owner,
                  const std::string &to_owner) override;

 private:
  SqliteConnection &db_;
};

class SqliteTicketRepo final : public TicketRepo {
 public:
  explicit SqliteTicketRepo(SqliteConnection &db) : db_(db) {}
  void insert(const std::string &app, TicketRecord &t) override;
  std::optional<TicketRecord> find(const std::string &app, const std::string &id) override;
  void update(const std::string &app, const TicketRecord &t) override;
  std::vector<TicketRecord> list(const std::string &app, const TicketFilter &f) override;
  std::vector<std::string> move_owner(const std::string &app, const std::string &from_owner,
                                      const std::string &to_owner, const std::optional<std::string> &name,
                                      const std::optional<std::string> &email) override;
  std::vector<TicketRecord> created_by_device(const std::string &app, const std::string &device_id,
                                              int64_t from, int64_t to, int limit) override;
  std::optional<TicketRecord> open_proactive(const std::string &app, const std::string &rule_id,
                                             const std::string &device_id) override;
  std::vector<std::string> devices(const std::string &app, const std::string &ticket_id) override;
  bool message_exists(const std::string &app, const std::string &id) override;
  void insert_message(const std::string &app, const MessageRecord &m) override;
  std::vector<MessageRecord> messages(const std::string &app, const std::string &ticket_id, int64_t after_seq,
                                      int limit) override;
  void insert_status_change(const std::string &app, const std::string &ticket_id, const std::string &status,
                            const std::string &previous, const std::string &changed_by, int64_t at) override;

 private:
  SqliteConnection &db_;
};

class SqliteAttachmentRepo final : public AttachmentRepo {
 public:
  explicit SqliteAttachmentRepo(SqliteConnection &db) : db_(db) {}
  void insert(const std::string &app, const AttachmentRecord &a) override;
  std::optional<AttachmentRecord> find(const std::string &app, const std::string &id,
                                       bool with_data) override;
  void link(const std::string &app, const std::string &id, const std::string &ticket_id,
            const std::string &message_id) override;

 private:
  SqliteConnection &db_;
};

class SqliteSurveyRepo final : public SurveyRepo {
 public:
  explicit SqliteSurveyRepo(SqliteConnection &db) : db_(db) {}
  bool exists(const std::string &app, const std::string &id) override;
  void insert(const std::string &app, const SurveyRecord &s) override;
  bool deflection_exists(const std::string &app, const std::string &id) override;
  void insert_deflection(const std::string &app, const DeflectionRecord &d) override;
  std::vector<DeflectionRecord> deflected_queries(const std::string &app, int limit) override;
  bool prompt_exists(const std::string &app, const std::string &id) override;
  void insert_prompt(const std::string &app, const SurveyPromptRecord &p) override;
  std::vector<SurveyPromptRecord> prompts(const std::string &app, int limit) override;

 private:
  SqliteConnection &db_;
};

class SqliteMetricsRepo final : public MetricsRepo {
 public:
  explicit SqliteMetricsRepo(SqliteConnection &db) : db_(db) {}
  std::vector<TicketFact> tickets(const std::string &app, int64_t from, int64_t to) override;
  std::vector<FirstReplyFact> first_replies(const std::string &app, int64_t from, int64_t to) override;
  std::vector<ResolutionFact> resolutions(const std::string &app, int64_t from, int64_t to) override;
  std::vector<SurveyFact> surveys(const std::string &app, int64_t from, int64_t to) override;
  std::vector<DeflectionFact> deflections(const std::string &app, int64_t from, int64_t to) override;
  int64_t backlog(const std::string &app, int64_t at) override;

 private:
  SqliteConnection &db_;
};

class SqliteFaqRepo final : public FaqRepo {
 public:
  explicit SqliteFaqRepo(SqliteConnection &db) : db_(db) {}
  int64_t next_seq(const std::string &app) override;
  int64_t seq(const std::string &app) override;
  void upsert_section(const std::string &app, const FaqSectionRecord &s) override;
  std::optional<FaqSectionRecord> find_section(const std::string &app, const std::string &id) override;
  void upsert_article(const std::string &app, const FaqArticleRecord &a) override;
  std::optional<FaqArticleRecord> find_article(const std::string &app, const std::string &id) override;
  std::vector<FaqSectionRecord> sections_since(const std::string &app, int64_t since) override;
  std::vector<FaqArticleRecord> articles_since(const std::string &app, int64_t since) override;
  int64_t live_articles_in_section(const std::string &app, const std::string &section_id) override;
  void set_vote(const std::string &app, const std::string &article_id, const std::string &device_id,
                bool helpful) override;
  std::vector<FaqSynonymRecord> synonyms(const std::string &app) override;
  std::optional<FaqSynonymRecord> find_synonym(const std::string &app, const std::string &id) override;
  std::optional<std::string> synonym_with_term(const std::string &app, const std::string &term,
                                               const std::string &locale) override;
  int64_t synonym_count(const std::string &app) override;
  void upsert_synonym(const std::string &app, const FaqSynonymRecord &s) override;
  void delete_synonym(const std::string &app, const std::string &id) override;
  int64_t expansions_seq(const std::string &app) override;
  std::map<std::string, std::string> expansions(const std::string &app) override;
  void set_expansions(const std::string &app, int64_t seq,
                      const std::map<std::string, std::string> &by_locale) override;

 private:
  SqliteConnection &db_;
};

class SqliteNoticeRepo final : public NoticeRepo {
 public:
  explicit SqliteNoticeRepo(SqliteConnection &db) : db_(db) {}
  void upsert(const std::string &app, const NoticeRecord &n) override;
  std::optional<NoticeRecord> find(const std::string &app, const std::string &id) override;
  std::vector<NoticeRecord> list(const std::string &app) override;
  void ack(const std::string &app, const std::string &id, const std::string &device_id, int64_t now) override;
  std::optional<int64_t> ack_time(const std::string &app, const std::string &id,
                                  const std::string &device_id) override;
  int64_t ack_count(const std::string &app, const std::string &id) override;

 private:
  SqliteConnection &db_;
};

class SqliteEventRepo final : public EventRepo {
 public:
  explicit SqliteEventRepo(SqliteConnection &db) : db_(db) {}
  int64_t insert(const std::string &app, const EventRecord &e) override;
  int64_t max_seq(const std::string &app) override;
  std::vector<EventRecord> since(const std::string &app, const std::string &owner,
                                 const std::string &device_id, int64_t after, int64_t upto,
                                 int limit) override;

 private:
  SqliteConnection &db_;
};

class SqliteDiagnosticsRepo final : public DiagnosticsRepo {
 public:
  SqliteDiagnosticsRepo(SqliteConnection &db, DiagDeviceKeys &keys) : db_(db), keys_(keys) {}
  bool insert(const std::string &app, DiagnosticRecord &d) override;
  std::vector<DiagnosticRecord> for_ticket(const std::string &app, const std::string &ticket_id,
                                           const std::vector<std::string> &devices,
                                           const std::optional<std::string> &kind, int64_t before_seq,
                                           int limit) override;
  void insert_request(const std::string &app, const DiagnosticsRequestRecord &r) override;
  std::optional<DiagnosticsRequestRecord> find_request(const std::string &app,
                                                       const std::string &id) override;
  void fulfil_request(const std::string &app, const std::string &id) override;
  std::vector<DiagnosticsRequestRecord> requests(const std::string &app,
                                                 const std::optional<std::string> &ticket_id) override;
  void touch_device(const std::string &app, const std::string &device_id, const DeviceSeen &seen) override;
  std::vector<DeviceSummaryRecord> device_summaries(const std::string &app, const DeviceFilter &f) override;
  std::optional<DeviceSummaryRecord> find_device_summary(const std::string &app,
                                                         const std::string &device_id) override;
  std::vector<DiagnosticRecord> for_device(const std::string &app, const std::string &device_id,
                                           const DiagnosticFilter &f) override;

 private:
  SqliteConnection &db_;
  DiagDeviceKeys &keys_;
};

class SqliteRuleRepo final : public RuleRepo {
 public:
  explicit SqliteRuleRepo(SqliteConnection &db) : db_(db) {}
  std::vector<ServerRuleRecord> list(const std::string &app) override;
  std::optional<ServerRuleRecord> find(const std::string &app, const std::string &id) override;
  void upsert(const std::string &app, const ServerRuleRecord &r) override;
  bool remove(const std::string &app, const std::string &id) override;
  void insert_firing(const std::string &app, const RuleFiringRecord &f) override;
  int64_t firing_count(const std::string &app, const std::string &rule_id) override;
  std::vector<RuleFiringRecord> device_firings(const std::string &app, const std::string &device_id,
                                               int64_t from, int64_t to, int limit) override;
  std::optional<DeviceRuleSetRecord> find_device_rule_set(const std::string &app) override;
  void save_device_rule_set(const std::string &app, const DeviceRuleSetRecord &r) override;

 private:
  SqliteConnection &db_;
};

class SqlitePrivacyRepo final : public PrivacyRepo {
 public:
  SqlitePrivacyRepo(SqliteConnection &db, DiagDeviceKeys &keys) : db_(db), keys_(keys) {}
  std::vector<std::string> user_devices(const std::string &app, const std::string &sub) override;
  EraseCounts erase(const std::string &app, const EraseScope &scope) override;
  void unlink_device(const std::string &app, const std::string &device_id, const std::string &sub) override;
  ExportData export_data(const std::string &app, const EraseScope &scope, int max_diagnostics) override;
  void insert_erasure(const std::string &app, const ErasureRecord &r) override;
  std::vector<ErasureRecord> erasures(const std::string &app, int limit) override;

 private:
  SqliteConnection &db_;
  DiagDeviceKeys &keys_;
};

class SqliteAgentRepo final : public AgentRepo {
 public:
  explicit SqliteAgentRepo(SqliteConnection &db) : db_(db) {}
  void insert(const std::string &app, const AgentRecord &a) override;
  std::optional<AgentRecord> find_by_email(const std::string &app, const std::string &email) override;
  std::optional<AgentRecord> find(const std::string &app, const std::string &id) override;
  std::vector<AgentRecord> list(const std::string &app) override;
  void insert_session(const std::string &token_hash, const std::string &app, const std::string &agent_id,
                      int64_t expires_at) override;
  std::optional<std::pair<std::string, std::string>> find_session(const std::string &token_hash,
                                                                  int64_t now) override;
  void delete_session(const std::string &token_hash) override;

 private:
  SqliteConnection &db_;
};

}  // namespace helpline::server
