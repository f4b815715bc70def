#include "tickets/ticket_items.hpp"

#include <memory>

#include <rapidjson/document.h>

#include "base/clock.hpp"
#include "base/error.hpp"
#include "base/ids.hpp"
#include "base/json_out.hpp"
#include "items/batch_item.hpp"
#include "sync/request_builder.hpp"

namespace helpline::detail {
namespace {

std::string messages_path(const std::string &ticket_id) {
  return wire::path::kTicketsPrefix + ticket_id + wire::path::kMessagesSuffix;
}

}  // namespace

std::string validate_fields(std::string_view fields_json) {
  if (fields_json.size() > wire::limit::kTicketFieldsBytes) {
    throw Error(HELPLINE_E_TOO_LARGE, "fields_json is " + std::to_string(fields_json.size()) +
                                          " bytes; the limit is " +
                                          std::to_string(wire::limit::kTicketFieldsBytes));
  }
  rapidjson::Document d;
  d.Parse(fields_json.data(), fields_json.size());
  if (d.HasParseError() || !d.IsObject()) {
    throw Error(HELPLINE_E_INVALID_JSON, "fields_json: not a JSON object");
  }
  if (d.MemberCount() > static_cast<rapidjson::SizeType>(wire::limit::kTicketFields)) {
    throw Error(HELPLINE_E_INVALID_JSON, "fields_json: more than 50 fields");
  }
  for (const auto &m : d.GetObject()) {
    if (m.value.IsObject() || m.value.IsArray()) {
      throw Error(HELPLINE_E_INVALID_JSON, std::string("fields_json: field \"") + m.name.GetString() +
                                               "\" must be a string, number, boolean or null");
    }
    if (m.value.IsString() && m.value.GetStringLength() > wire::limit::kTicketFieldValueBytes) {
      throw Error(HELPLINE_E_TOO_LARGE, std::string("fields_json: field \"") + m.name.GetString() +
                                            "\" is over " +
                                            std::to_string(wire::limit::kTicketFieldValueBytes) + " bytes");
    }
  }
  return to_json(d);
}

NewItem make_ticket_item(const std::string &ticket_id, const std::string &message_id,
                         std::string_view subject, std::string_view body, const std::string &fields_json,
                         const std::string &device_json) {
  JsonOut w;
  w.begin_object().field("id", ticket_id).field("subject", subject).field("body", body);
  if (!fields_json.empty()) w.raw_field("fields", fields_json);
  w.raw_field("device", device_json).end_object();
  auto c = std::make_shared<LocalChange>(
      change::Ticket{ticket_id, message_id, std::string(subject), std::string(body), fields_json, now_ms()});
  return make_batch_item(kTicketKind, "t:" + ticket_id, "POST", wire::path::kTickets, w.take(), std::move(c));
}

NewItem make_message_item(const std::string &ticket_id, const std::string &message_id,
                          std::string_view body) {
  JsonOut w;
  w.begin_object().field("id", message_id).field("body", body).end_object();
  change::Message m;
  m.ticket_id = ticket_id;
  m.message_id = message_id;
  m.body = std::string(body);
  m.at = now_ms();
  return make_batch_item(kMessageKind, "m:" + message_id, "POST", messages_path(ticket_id), w.take(),
                         std::make_shared<LocalChange>(std::move(m)));
}

NewItem make_reopen_item(const std::string &ticket_id) {
  return make_batch_item(kReopenKind, new_uuid_v7(), "POST",
                         wire::path::kTicketsPrefix + ticket_id + wire::path::kReopenSuffix, "{}",
                         std::make_shared<LocalChange>(change::Reopen{ticket_id, now_ms()}));
}

NewItem make_mark_read_item(const std::string &ticket_id) {
  return make_local_item(kMarkReadKind, std::make_shared<LocalChange>(change::MarkRead{ticket_id, now_ms()}));
}

NewItem make_upload_item(const AttachmentFile &f) {
  // Not a batch item (raw bytes): the sender uploads it alone, in its place in the order.
  JsonOut w;
  w.begin_object().field("idempotency_key", "a:" + f.id);
  w.field("path", std::string(wire::path::kAttachments) + "?id=" + percent_encode(f.id) +
                      "&filename=" + percent_encode(f.filename));
  w.field("file", f.stored_path).field("content_type", f.content_type).field("ticket_id", f.ticket_id);
  w.field("size", f.size).end_object();
  return NewItem{&kAttachmentKind, "a:" + f.id, w.take(), now_ms(), {}, nullptr};
}

NewItem make_attachment_message_item(const AttachmentFile &f) {
  JsonOut w;
  w.begin_object().field("id", f.message_id).field("body", "").key("attachment_ids").begin_array().str(f.id);
  w.end_array().end_object();
  change::Message m;
  m.ticket_id = f.ticket_id;
  m.message_id = f.message_id;
  m.at = now_ms();
  m.attachment_id = f.id;
  m.filename = f.filename;
  m.content_type = f.content_type;
  m.size = f.size;
  return make_batch_item(kMessageKind, "m:" + f.message_id, "POST", messages_path(f.ticket_id), w.take(),
                         std::make_shared<LocalChange>(std::move(m)));
}

void register_ticket_items(ItemRegistry &registry, TicketStore &store) {
  registry.add_kind(
      kTicketKind, &store,
      [](void *s, const QueuedItem &item, const rapidjson::Value *) {
        owner_as<TicketStore>(s).ticket_delivered(item);
      },
      [](void *s, const QueuedItem &item, const std::string &error) {
        owner_as<TicketStore>(s).ticket_refused(item, error);
      });
  registry.add_kind(
      kMessageKind, &store,
      [](void *s, const QueuedItem &item, const rapidjson::Value *body) {
        owner_as<TicketStore>(s).message_delivered(item, body);
      },
      [](void *s, const QueuedItem &item, const std::string &error) {
        owner_as<TicketStore>(s).message_refused(item, error);
      });
  registry.add_kind(
      kAttachmentKind, &store,
      [](void *s, const QueuedItem &item, const rapidjson::Value *) {
        owner_as<TicketStore>(s).upload_done(item, true);
      },
      [](void *s, const QueuedItem &item, const std::string &) {
        owner_as<TicketStore>(s).upload_done(item, false);
      });
  registry.add_kind(kReopenKind);
  registry.add_kind(kMarkReadKind);
  registry.add_local<change::Ticket>(&store, [](void *s, const LocalChange &c) {
    owner_as<TicketStore>(s).apply(std::get<change::Ticket>(c));
  });
  registry.add_local<change::Message>(&store, [](void *s, const LocalChange &c) {
    owner_as<TicketStore>(s).apply(std::get<change::Message>(c));
  });
  registry.add_local<change::MarkRead>(&store, [](void *s, const LocalChange &c) {
    owner_as<TicketStore>(s).apply(std::get<change::MarkRead>(c));
  });
  registry.add_local<change::Reopen>(&store, [](void *s, const LocalChange &c) {
    owner_as<TicketStore>(s).apply(std::get<change::Reopen>(c));
  });
  registry.add_sync_type(wire::sync_type::kMessage, &store, [](void *s, const rapidjson::Value &i) {
    return owner_as<TicketStore>(s).on_sync_message(i);
  });
  registry.add_sync_type(wire::sync_type::kTicket, &store, [](void *s, const rapidjson::Value &i) {
    return owner_as<TicketStore>(s).on_sync_ticket(i);
  });
  registry.add_sync_type(wire::sync_type::kTicketStatus, &store, [](void *s, const rapidjson::Value &i) {
    return owner_as<TicketStore>(s).on_sync_status(i);
  });
}

}  // namespace helpline::detail
