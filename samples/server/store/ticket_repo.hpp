// Tickets, their messages and their status history.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace helpline::server {

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

class TicketRepo {
 public:
  virtual ~TicketRepo() = default;
  virtual void insert(const std::string &app, TicketRecord &t) = 0;  // sets t.seq
  virtual std::optional<TicketRecord> find(const std::string &app, const std::string &id) = 0;
  virtual void update(const std::string &app, const TicketRecord &t) = 0;  // status, assignee, counters
  virtual std::vector<TicketRecord> list(const std::string &app, const TicketFilter &f) = 0;
  // identify: the tickets of `from_owner` become `to_owner`'s (requester name/email filled in when given);
  // returns their ids, oldest first.
  virtual std::vector<std::string> move_owner(const std::string &app, const std::string &from_owner,
                                              const std::string &to_owner,
                                              const std::optional<std::string> &name,
                                              const std::optional<std::string> &email) = 0;
  // Tickets created by the device in [from, to), oldest first (at most `limit`).
  virtual std::vector<TicketRecord> created_by_device(const std::string &app, const std::string &device_id,
                                                      int64_t from, int64_t to, int limit) = 0;
  // The open/pending proactive ticket this rule opened for this device, if any (de-duplication).
  virtual std::optional<TicketRecord> open_proactive(const std::string &app, const std::string &rule_id,
                                                     const std::string &device_id) = 0;
  // The devices that wrote the ticket or one of its messages.
  virtual std::vector<std::string> devices(const std::string &app, const std::string &ticket_id) = 0;

  // messages
  virtual bool message_exists(const std::string &app, const std::string &id) = 0;
  virtual void insert_message(const std::string &app, const MessageRecord &m) = 0;
  virtual std::vector<MessageRecord> messages(const std::string &app, const std::string &ticket_id,
                                              int64_t after_seq, int limit) = 0;

  // status history (every change of status)
  virtual void insert_status_change(const std::string &app, const std::string &ticket_id,
                                    const std::string &status, const std::string &previous,
                                    const std::string &changed_by, int64_t at) = 0;
};

}  // namespace helpline::server
