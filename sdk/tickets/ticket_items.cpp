#include "tickets/ticket_items.hpp"

#include <memory>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "json/batch_item.hpp"
#include "sync/request_builder.hpp"
#include "tickets/local_change.hpp"

namespace helpline::detail {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void put(Writer &w, const char *key, std::string_view v) {
  w.Key(key);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

std::string take(rapidjson::StringBuffer &buf) { return std::string(buf.GetString(), buf.GetSize()); }

NewItem item(const char *kind, int priority, std::string key, const char *method, const std::string &path,
             const std::string &body, std::shared_ptr<LocalChange> local = nullptr) {
  NewItem it{Channel::kBatch, kind, priority, std::move(key), {}, now_ms(), {}, std::move(local)};
  it.payload = batch_item_json(it.idempotency_key, method, path, body);
  return it;
}

std::shared_ptr<LocalChange> change(LocalChange::Kind kind, const std::string &ticket_id) {
  auto c = std::make_shared<LocalChange>();
  c->kind = kind;
  c->ticket_id = ticket_id;
  c->at = now_ms();
  return c;
}

}  // namespace

std::string validate_fields(std::string_view fields_json) {
  if (fields_json.size() > kMaxFieldsBytes) {
    throw Error(HELPLINE_E_TOO_LARGE, "fields_json is " + std::to_string(fields_json.size()) +
                                          " bytes; the limit is " + std::to_string(kMaxFieldsBytes));
  }
  rapidjson::Document d;
  d.Parse(fields_json.data(), fields_json.size());
  if (d.HasParseError() || !d.IsObject()) {
    throw Error(HELPLINE_E_INVALID_JSON, "fields_json: not a JSON object");
  }
  if (d.MemberCount() > static_cast<rapidjson::SizeType>(kMaxFields)) {
    throw Error(HELPLINE_E_INVALID_JSON, "fields_json: more than 50 fields");
  }
  for (const auto &m : d.GetObject()) {
    if (m.value.IsObject() || m.value.IsArray()) {
      throw Error(HELPLINE_E_INVALID_JSON, std::string("fields_json: field \"") + m.name.GetString() +
                                               "\" must be a string, number, boolean or null");
    }
  }
  rapidjson::StringBuffer buf;
  Writer w(buf);
  d.Accept(w);
  return take(buf);
}

NewItem make_ticket_item(const std::string &ticket_id, const std::string &message_id, std::string_view subject,
                         std::string_view body, const std::string &fields_json, const std::string &device_json) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  put(w, "id", ticket_id);
  put(w, "subject", subject);
  put(w, "body", body);
  if (!fields_json.empty()) {
    w.Key("fields");
    w.RawValue(fields_json.data(), fields_json.size(), rapidjson::kObjectType);
  }
  w.Key("device");
  w.RawValue(device_json.data(), device_json.size(), rapidjson::kObjectType);
  w.EndObject();
  auto c = change(LocalChange::Kind::kTicket, ticket_id);
  c->message_id = message_id;
  c->subject = std::string(subject);
  c->body = std::string(body);
  c->fields_json = fields_json;
  return item("ticket", kPriorityUser, "t:" + ticket_id, "POST", "/v1/tickets", take(buf), c);
}

NewItem make_message_item(const std::string &ticket_id, const std::string &message_id, std::string_view body) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  put(w, "id", message_id);
  put(w, "body", body);
  w.EndObject();
  auto c = change(LocalChange::Kind::kMessage, ticket_id);
  c->message_id = message_id;
  c->body = std::string(body);
  return item("message", kPriorityUser, "m:" + message_id, "POST", "/v1/tickets/" + ticket_id + "/messages",
              take(buf), c);
}

NewItem make_reopen_item(const std::string &ticket_id) {
  return item("reopen", kPriorityUser, new_uuid_v7(), "POST", "/v1/tickets/" + ticket_id + "/reopen", "{}",
              change(LocalChange::Kind::kReopen, ticket_id));
}

NewItem make_mark_read_item(const std::string &ticket_id) {
  return NewItem{Channel::kBatch, "mark_read", kPriorityControl, {}, {}, now_ms(), {},
                 change(LocalChange::Kind::kMarkRead, ticket_id)};
}

NewItem make_upload_item(const AttachmentFile &f) {
  // Not a batch item (raw bytes): the sender uploads it alone, in its place in the order.
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  put(w, "idempotency_key", "a:" + f.id);
  put(w, "path", "/v1/attachments?id=" + percent_encode(f.id) + "&filename=" + percent_encode(f.filename));
  put(w, "file", f.stored_path);
  put(w, "content_type", f.content_type);
  put(w, "ticket_id", f.ticket_id);
  w.Key("size");
  w.Int64(f.size);
  w.EndObject();
  NewItem it{Channel::kBatch, "attachment", kPriorityUser, "a:" + f.id, take(buf), now_ms(), {}, nullptr};
  return it;
}

NewItem make_attachment_message_item(const AttachmentFile &f) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  put(w, "id", f.message_id);
  put(w, "body", "");
  w.Key("attachment_ids");
  w.StartArray();
  w.String(f.id.c_str());
  w.EndArray();
  w.EndObject();
  auto c = change(LocalChange::Kind::kMessage, f.ticket_id);
  c->message_id = f.message_id;
  c->attachment_id = f.id;
  c->filename = f.filename;
  c->content_type = f.content_type;
  c->size = f.size;
  return item("message", kPriorityUser, "m:" + f.message_id, "POST", "/v1/tickets/" + f.ticket_id + "/messages",
              take(buf), c);
}

NewItem make_identify_item(const std::string &user_id, const std::string &token) {
  auto c = change(LocalChange::Kind::kIdentify, std::string());
  c->user_id = user_id;
  c->token = token;
  return item("identify", kPriorityControl, new_uuid_v7(), "POST", "/v1/identify", "{}", c);
}

NewItem make_logout_item(const std::string &user_id) {
  auto c = change(LocalChange::Kind::kLogout, std::string());
  c->user_id = user_id;
  return NewItem{Channel::kBatch, "logout", kPriorityControl, {}, {}, now_ms(), {}, c};
}

NewItem make_push_token_item(std::string_view platform, std::string_view token) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  put(w, "platform", platform);
  put(w, "token", token);
  w.EndObject();
  return item("push_token", kPriorityControl, new_uuid_v7(), "PUT", "/v1/device/push-token", take(buf));
}

NewItem make_user_attribute_item(std::string_view key, const std::string &value_json) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.RawValue(value_json.data(), value_json.size(), rapidjson::kObjectType);
  w.EndObject();
  return item("user_attribute", kPriorityControl, new_uuid_v7(), "PATCH", "/v1/me/attributes", take(buf));
}

}  // namespace helpline::detail
