// The local view's rows and their JSON form (what helpline_tickets_json and
// helpline_ticket_messages_json return, and what ticket events carry).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/json_out.hpp"
#include "base/sqlite.hpp"

namespace helpline::detail {

struct AttachmentRow {
  std::string id;
  std::string filename;
  std::string content_type;
  int64_t size = 0;
  std::string state;  // queued | uploading | uploaded | failed
};

struct MessageRow {
  std::string id;
  std::string ticket_id;
  std::optional<int64_t> seq;  // server order; none while queued
  std::string author_type;     // user | agent | system
  std::optional<std::string> author_name;
  std::string body;
  std::string delivery;  // queued | sent | failed
  bool read = true;
  int64_t created_at = 0;
  std::vector<AttachmentRow> attachments;
};

struct TicketRow {
  std::string id;
  std::string subject;
  std::string status;
  std::string fields_json = "{}";
  std::string delivery;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  int64_t unread = 0;
  int64_t message_count = 0;
  std::optional<MessageRow> last;
};

void write_message(JsonOut &w, const MessageRow &m);
void write_ticket(JsonOut &w, const TicketRow &t);
std::string message_json(const MessageRow &m);
std::string ticket_json(const TicketRow &t);

// Column order of kMessageColumns, read into a row (attachments not included).
constexpr const char *kMessageColumns =
    "id, ticket_id, seq, author_type, author_name, body, delivery, read, created_at";
MessageRow read_message(const Statement &s);

}  // namespace helpline::detail
