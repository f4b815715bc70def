// The ticket feature's outbox items: tickets, messages, reopen, mark-read and attachment uploads —
// their kinds, how each is built (wire JSON + local change) and, in register_ticket_items, what
// delivery, refusal and /v1/sync items do to the local view. Keys of ticket kinds are
// "<letter>:<local id>" so that delivery results find their local row: t: ticket, m: message,
// a: attachment upload.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "items/item.hpp"
#include "items/registry.hpp"
#include "protocol/wire.hpp"
#include "tickets/ticket_store.hpp"

namespace helpline::detail {

inline constexpr ItemKind kTicketKind{wire::kind::kTicket, Channel::kBatch, kPriorityUser};
inline constexpr ItemKind kMessageKind{wire::kind::kMessage, Channel::kBatch, kPriorityUser};
inline constexpr ItemKind kReopenKind{wire::kind::kReopen, Channel::kBatch, kPriorityUser};
inline constexpr ItemKind kMarkReadKind{wire::kind::kMarkRead, Channel::kBatch, kPriorityControl};
inline constexpr ItemKind kAttachmentKind{wire::kind::kAttachment, Channel::kBatch, kPriorityUser, true,
                                          true};

// Validates and compacts a ticket's custom fields: a JSON object of at most 50 keys whose values
// are strings, numbers, booleans or null. Throws Error(HELPLINE_E_INVALID_JSON / _TOO_LARGE).
std::string validate_fields(std::string_view fields_json);

NewItem make_ticket_item(const std::string &ticket_id, const std::string &message_id,
                         std::string_view subject, std::string_view body, const std::string &fields_json,
                         const std::string &device_json);
NewItem make_message_item(const std::string &ticket_id, const std::string &message_id, std::string_view body);
NewItem make_reopen_item(const std::string &ticket_id);
// A local-only change (no row to send): mark read.
NewItem make_mark_read_item(const std::string &ticket_id);

struct AttachmentFile {
  std::string id;
  std::string ticket_id;
  std::string message_id;
  std::string filename;  // shown to agents
  std::string content_type;
  std::string stored_path;  // relative to data_dir
  int64_t size = 0;
};
// The upload (sent alone to POST /v1/attachments) and the message linking it to the ticket.
NewItem make_upload_item(const AttachmentFile &f);
NewItem make_attachment_message_item(const AttachmentFile &f);

// The ticket kinds, their local changes and the message / ticket / ticket_status sync items.
void register_ticket_items(ItemRegistry &registry, TicketStore &store);

}  // namespace helpline::detail
