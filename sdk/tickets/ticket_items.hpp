// Outbox items (wire JSON + local change) for tickets, messages, attachments and identity.
// Keys of ticket kinds are "<letter>:<local id>" so that delivery results find their local row:
// t: ticket, m: message, a: attachment upload.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/outbox.hpp"

namespace helpline::detail {

constexpr std::size_t kMaxSubjectBytes = 200;
constexpr std::size_t kMaxBodyBytes = 20000;
constexpr std::size_t kMaxFieldsBytes = 16 * 1024;
constexpr int kMaxFields = 50;
constexpr std::size_t kMaxFieldValueBytes = 4000;

// Validates and compacts a ticket's custom fields: a JSON object of at most 50 keys whose values
// are strings, numbers, booleans or null. Throws Error(HELPLINE_E_INVALID_JSON / _TOO_LARGE).
std::string validate_fields(std::string_view fields_json);

NewItem make_ticket_item(const std::string &ticket_id, const std::string &message_id, std::string_view subject,
                         std::string_view body, const std::string &fields_json, const std::string &device_json);
NewItem make_message_item(const std::string &ticket_id, const std::string &message_id, std::string_view body);
NewItem make_reopen_item(const std::string &ticket_id);
// A local-only change (no row to send): mark read.
NewItem make_mark_read_item(const std::string &ticket_id);

struct AttachmentFile {
  std::string id;
  std::string ticket_id;
  std::string message_id;
  std::string filename;      // shown to agents
  std::string content_type;
  std::string stored_path;   // relative to data_dir
  int64_t size = 0;
};
// The upload (sent alone to POST /v1/attachments) and the message linking it to the ticket.
NewItem make_upload_item(const AttachmentFile &f);
NewItem make_attachment_message_item(const AttachmentFile &f);

NewItem make_identify_item(const std::string &user_id, const std::string &token);
NewItem make_logout_item(const std::string &user_id);
NewItem make_push_token_item(std::string_view platform, std::string_view token);
// The FAQ articles shown while the user wrote a ticket (ticket_id empty: no ticket followed).
NewItem make_deflection_item(const std::vector<std::string> &article_ids, const std::string &query,
                             const std::string &ticket_id);
NewItem make_faq_vote_item(const std::string &article_id, bool helpful);
// `value_json` already validated.
NewItem make_user_attribute_item(std::string_view key, const std::string &value_json);

}  // namespace helpline::detail
