// extern "C" shims for tickets, conversations and attachments.
#include "capi/guard.hpp"
#include "capi/limits.hpp"
#include "core/client.hpp"
#include "protocol/wire.hpp"
#include "tickets/ticket_items.hpp"

using namespace helpline::detail;

namespace {

constexpr std::size_t kMaxIdBytes = wire::limit::kIdBytes;

void set_out(char **out, const std::string &value) {
  if (out != nullptr) *out = copy_out(value);
}

}  // namespace

extern "C" {

helpline_status_t helpline_ticket_create(helpline_t *h, const char *subject, const char *body,
                                         const char *fields_json, char **out_ticket_id) {
  return guard(__func__, [&] {
    require(out_ticket_id, __func__, "out_ticket_id");
    *out_ticket_id = nullptr;
    auto client = require_client(h, __func__);
    std::string_view s = require_text(subject, __func__, "subject", wire::limit::kSubjectBytes);
    std::string_view b = require_text(body, __func__, "body", wire::limit::kBodyBytes);
    std::string fields;
    if (fields_json != nullptr)
      fields = validate_fields(
          require_text(fields_json, __func__, "fields_json", wire::limit::kTicketFieldsBytes));
    // Copied out before the item is handed over: after that, failing would lose nothing but
    // would leave a ticket the host does not know the id of.
    std::string id = client->tickets().create(s, b, fields);
    set_out(out_ticket_id, id);
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_message_send(helpline_t *h, const char *ticket_id, const char *body,
                                        char **out_message_id) {
  return guard(__func__, [&] {
    if (out_message_id != nullptr) *out_message_id = nullptr;
    auto client = require_client(h, __func__);
    std::string id(require_text(ticket_id, __func__, "ticket_id", kMaxIdBytes));
    std::string_view b = require_text(body, __func__, "body", wire::limit::kBodyBytes);
    set_out(out_message_id, client->tickets().message_send(id, b));
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_tickets_json(helpline_t *h, char **out_json) {
  return guard(__func__, [&] {
    require(out_json, __func__, "out_json");
    *out_json = nullptr;
    auto client = require_client(h, __func__);
    *out_json = copy_out(client->tickets().tickets_json());
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_ticket_messages_json(helpline_t *h, const char *ticket_id, char **out_json) {
  return guard(__func__, [&] {
    require(out_json, __func__, "out_json");
    *out_json = nullptr;
    auto client = require_client(h, __func__);
    std::string id(require_text(ticket_id, __func__, "ticket_id", kMaxIdBytes));
    *out_json = copy_out(client->tickets().messages_json(id));
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_ticket_mark_read(helpline_t *h, const char *ticket_id) {
  return guard(__func__, [&] {
    auto client = require_client(h, __func__);
    client->tickets().mark_read(std::string(require_text(ticket_id, __func__, "ticket_id", kMaxIdBytes)));
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_ticket_reopen(helpline_t *h, const char *ticket_id) {
  return guard(__func__, [&] {
    auto client = require_client(h, __func__);
    client->tickets().reopen(std::string(require_text(ticket_id, __func__, "ticket_id", kMaxIdBytes)));
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_attachment_add(helpline_t *h, const char *ticket_id, const char *path,
                                          const char *mime, char **out_attachment_id) {
  return guard(__func__, [&] {
    if (out_attachment_id != nullptr) *out_attachment_id = nullptr;
    auto client = require_client(h, __func__);
    std::string id(require_text(ticket_id, __func__, "ticket_id", kMaxIdBytes));
    std::string file(require_text(path, __func__, "path", limits::kPathBytes));
    std::string type = mime != nullptr ? std::string(require_text(mime, __func__, "mime", limits::kMimeBytes))
                                       : std::string();
    set_out(out_attachment_id, client->tickets().attachment_add(id, file, type));
    return HELPLINE_OK;
  });
}

}  // extern "C"
