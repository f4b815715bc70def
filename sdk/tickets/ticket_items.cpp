#include "tickets/ticket_items.hpp"

#include <memory>

#include <rapidjson/document.h>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/utf8.hpp"
#include "json/batch_item.hpp"
#include "sync/request_builder.hpp"
#include "tickets/local_change.hpp"

namespace helpline::detail {
namespace {

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
    if (m.value.IsString() && m.value.GetStringLength() > kMaxFieldValueBytes) {
      throw Error(HELPLINE_E_TOO_LARGE, std::string("fields_json: field \"") + m.name.GetString() +
                                            "\" is over " + std::to_string(kMaxFieldValueBytes) + " bytes");
    }
  }
  return to_json(d);
}

NewItem make_ticket_item(const std::string &ticket_id, const std::string &message_id, std::string_view subject,
                         std::string_view body, const std::string &fields_json, const std::string &device_json) {
  JsonOut w;
  w.begin_object().field("id", ticket_id).field("subject", subject).field("body", body);
  if (!fields_json.empty()) w.raw_field("fields", fields_json);
  w.raw_field("device", device_json).end_object();
  auto c = change(LocalChange::Kind::kTicket, ticket_id);
  c->message_id = message_id;
  c->subject = std::string(subject);
  c->body = std::string(body);
  c->fields_json = fields_json;
  return item("ticket", kPriorityUser, "t:" + ticket_id, "POST", "/v1/tickets", w.take(), c);
}

NewItem make_message_item(const std::string &ticket_id, const std::string &message_id, std::string_view body) {
  JsonOut w;
  w.begin_object().field("id", message_id).field("body", body).end_object();
  auto c = change(LocalChange::Kind::kMessage, ticket_id);
  c->message_id = message_id;
  c->body = std::string(body);
  return item("message", kPriorityUser, "m:" + message_id, "POST", "/v1/tickets/" + ticket_id + "/messages",
              w.take(), c);
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
  JsonOut w;
  w.begin_object().field("idempotency_key", "a:" + f.id);
  w.field("path", "/v1/attachments?id=" + percent_encode(f.id) + "&filename=" + percent_encode(f.filename));
  w.field("file", f.stored_path).field("content_type", f.content_type).field("ticket_id", f.ticket_id);
  w.field("size", f.size).end_object();
  NewItem it{Channel::kBatch, "attachment", kPriorityUser, "a:" + f.id, w.take(), now_ms(), {}, nullptr};
  return it;
}

NewItem make_attachment_message_item(const AttachmentFile &f) {
  JsonOut w;
  w.begin_object().field("id", f.message_id).field("body", "").key("attachment_ids").begin_array().str(f.id);
  w.end_array().end_object();
  auto c = change(LocalChange::Kind::kMessage, f.ticket_id);
  c->message_id = f.message_id;
  c->attachment_id = f.id;
  c->filename = f.filename;
  c->content_type = f.content_type;
  c->size = f.size;
  return item("message", kPriorityUser, "m:" + f.message_id, "POST", "/v1/tickets/" + f.ticket_id + "/messages",
              w.take(), c);
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
  JsonOut w;
  w.begin_object().field("platform", platform).field("token", token).end_object();
  return item("push_token", kPriorityControl, new_uuid_v7(), "PUT", "/v1/device/push-token", w.take());
}

NewItem make_deflection_item(const std::vector<std::string> &article_ids, const std::string &query,
                             const std::string &ticket_id) {
  const std::string id = new_uuid_v7();
  JsonOut w;
  w.begin_object().field("id", id).key("article_ids").begin_array();
  for (const auto &a : article_ids) w.str(a);
  w.end_array().field("query", utf8_head(query, 500));
  if (!ticket_id.empty()) w.field("ticket_id", ticket_id);
  w.end_object();
  return item("deflection", kPrioritySurvey, id, "POST", "/v1/deflections", w.take());
}

NewItem make_faq_vote_item(const std::string &article_id, bool helpful) {
  JsonOut w;
  w.begin_object().field("helpful", helpful).end_object();
  auto c = change(LocalChange::Kind::kFaqVote, std::string());
  c->article_id = article_id;
  c->helpful = helpful;
  return item("faq_vote", kPrioritySurvey, new_uuid_v7(), "POST", "/v1/faq/articles/" + percent_encode(article_id) + "/vote",
              w.take(), c);
}

NewItem make_user_attribute_item(std::string_view key, const std::string &value_json) {
  JsonOut w;
  w.begin_object().raw_field(key, value_json).end_object();
  return item("user_attribute", kPriorityControl, new_uuid_v7(), "PATCH", "/v1/me/attributes", w.take());
}

}  // namespace helpline::detail
