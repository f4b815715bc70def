// Tickets and messages (device API), and identify (the device's tickets and attributes move to the user).
#include "api/tickets.hpp"

#include "api/faq.hpp"
#include "api/me.hpp"
#include "api/render.hpp"
#include "api/ticket_actions.hpp"
#include "api_error.hpp"
#include "faq_answers.hpp"
#include "ids.hpp"
#include "json_fields.hpp"

namespace helpline::server {

namespace {

std::string fields_json(const JsonValue &body) {
  const JsonValue *f = field(body, "fields");
  if (!f) return "{}";
  if (!f->IsObject() || f->MemberCount() > static_cast<rapidjson::SizeType>(wire::limit::kTicketFields))
    throw bad_request("fields: must be an object with at most 50 keys");
  for (const auto &m : f->GetObject()) {
    if (m.value.IsObject() || m.value.IsArray())
      throw bad_request(std::string("fields.") + m.name.GetString() +
                        ": must be a string, number, boolean or null");
    if (m.value.IsString() && m.value.GetStringLength() > wire::limit::kTicketFieldValueBytes)
      throw bad_request(std::string("fields.") + m.name.GetString() + ": at most 4000 bytes");
  }
  std::string s = to_json(*f);
  if (s.size() > wire::limit::kTicketFieldsAcceptedBytes) throw bad_request("fields: at most 64 KiB");
  return s;
}

}  // namespace

TicketHandlers::TicketHandlers(ApiContext &ctx) : ctx_(ctx) {}

void TicketHandlers::add_routes(Router &r) {
  using K = RouteKind;
  using B = BodyKind;
  namespace p = wire::path;
  r.add({"POST", p::kIdentify, handler(this, &TicketHandlers::identify), K::device, B::optional_json, true,
         true, true});
  r.add({"POST", p::kTickets, handler(this, &TicketHandlers::tickets_create), K::device, B::json, true, true,
         true});
  r.add({"GET", p::kTickets, handler(this, &TicketHandlers::tickets_list), K::device, B::none, false, false,
         false});
  r.add({"GET", id_pattern(p::kTicketsPrefix), handler(this, &TicketHandlers::ticket_get), K::device, B::none,
         false, false, false});
  r.add({"PATCH", id_pattern(p::kTicketsPrefix), handler(this, &TicketHandlers::ticket_patch), K::device,
         B::json, true, true, true});
  r.add({"POST", id_pattern(p::kTicketsPrefix, p::kReopenSuffix),
         handler(this, &TicketHandlers::ticket_reopen), K::device, B::optional_json, true, true, true});
  r.add({"POST", id_pattern(p::kTicketsPrefix, p::kMessagesSuffix),
         handler(this, &TicketHandlers::messages_create), K::device, B::json, true, true, true});
  r.add({"GET", id_pattern(p::kTicketsPrefix, p::kMessagesSuffix), ticket_messages, K::device, B::none, false,
         false, false});
}

Reply TicketHandlers::tickets_create(Call &c) {
  const JsonValue &b = *c.body;
  auto id = opt_id(b, "id");
  std::string subject = req_string(b, "subject", 1, wire::limit::kSubjectBytes);
  std::string body = req_string(b, "body", 1, wire::limit::kBodyBytes);
  std::string fields = fields_json(b);
  auto device = opt_object_json(b, "device", wire::limit::kTicketDeviceBytes);
  auto attachments =
      opt_string_array(b, "attachment_ids", wire::limit::kAttachmentsPerMessage, wire::limit::kIdBytes);
  const std::string &app = c.app->app_key;
  if (id) {
    // The caller's own id again is a conflict; someone else's is answered as if it did not exist (protocol
    // section 2: existence never leaks across principals).
    if (auto existing = c.tx->tickets().find(app, *id)) {
      if (existing->owner != c.device->owner) throw not_found("ticket");
      throw ApiError(409, "conflict", "a ticket with this id already exists");
    }
  }

  TicketRecord t;
  t.id = id ? *id : new_id("t_");
  t.owner = c.device->owner;
  t.device_id = c.device->device_id;
  t.subject = subject;
  t.status = "open";
  t.fields_json = fields;
  t.device_json = device ? *device : std::string();
  if (c.device->user) {
    t.requester_name = c.device->user->name;
    t.requester_email = c.device->user->email;
  }
  t.created_at = t.updated_at = now_ms();
  c.tx->tickets().insert(app, t);
  add_message(c, t, body, attachments, std::nullopt);

  if (c.app->settings.faq_auto_answer) post_faq_answer(c, t, subject, body);

  std::string tj = ticket_json(t);
  EventRecord e;
  e.owner = t.owner;
  e.device_id = owner_device(t.owner);
  e.origin_device = c.device->device_id;
  e.type = wire::sync_type::kTicket;
  e.data_json = tj;
  emit(c, std::move(e));
  return json(201, tj);
}

void TicketHandlers::post_faq_answer(Call &c, TicketRecord &t, const std::string &subject,
                                     const std::string &body) {
  const std::string &app = c.app->app_key;
  std::vector<FaqHit> hits;
  try {
    hits = ctx_.faq_answers.suggest(
        app, c.tx->faq().seq(app),
        [&](int64_t since) { return faq_document(c, c.tx->faq().seq(app), since, since > 0, {}); }, subject,
        body);
  } catch (const std::exception &) {
    return;  // no automated answer is better than no ticket
  }
  if (hits.empty()) return;
  MessageRecord m;
  m.id = new_id("m_");
  m.ticket_id = t.id;
  m.body = "These help-center articles may answer your question:";
  for (const auto &h : hits) m.body += "\n- " + h.title + " (faq:" + h.id + ")";
  m.attachments_json = "[]";
  m.created_at = now_ms();
  m.author_type = "bot";
  m.author_name = "Helpline assistant";
  m.author_id = "bot";
  m.seq = ++t.message_count;
  t.updated_at = m.created_at;
  c.tx->tickets().insert_message(app, m);
  c.tx->tickets().update(app, t);
  EventRecord e;
  e.owner = t.owner;
  e.device_id = owner_device(t.owner);
  e.type = wire::sync_type::kMessage;  // no origin device: the device that wrote the ticket gets it too
  e.data_json = message_json(m);
  emit(c, std::move(e));
}

Reply TicketHandlers::tickets_list(Call &c) {
  auto [cursor, limit] = page_params(c, 100, 50);
  TicketFilter f;
  f.owner = c.device->owner;
  if (const std::string *s = c.query_param("status")) {
    if (!known_ticket_status(*s)) throw bad_request("status: one of open, pending, solved, closed");
    f.status = *s;
  }
  f.before_seq = cursor;
  f.limit = limit + 1;
  auto rows = c.tx->tickets().list(c.app->app_key, f);
  return json(200, page_json(std::move(rows), limit, render_ticket));
}

Reply TicketHandlers::ticket_get(Call &c) {
  return json(200, ticket_json(owned_ticket(c, c.params[0])));
}

Reply TicketHandlers::ticket_patch(Call &c) {
  std::string status = req_string(*c.body, "status", 1, 16);
  if (status != "open" && status != "solved" && status != "closed")
    throw bad_request("status: one of open, solved, closed (pending is set by agents)");
  TicketRecord t = owned_ticket(c, c.params[0]);
  change_status(c, t, status, "user");
  return json(200, ticket_json(t));
}

Reply TicketHandlers::ticket_reopen(Call &c) {
  TicketRecord t = owned_ticket(c, c.params[0]);
  change_status(c, t, "open", "user");
  return json(200, ticket_json(t));
}

Reply TicketHandlers::messages_create(Call &c) {
  const JsonValue &b = *c.body;
  auto id = opt_id(b, "id");
  auto attachments =
      opt_string_array(b, "attachment_ids", wire::limit::kAttachmentsPerMessage, wire::limit::kIdBytes);
  // A message that only carries attachments may have an empty or absent body.
  std::string body;
  if (attachments.empty()) {
    body = req_string(b, "body", 1, wire::limit::kBodyBytes);
  } else if (const JsonValue *v = field(b, "body")) {
    if (!v->IsString() ||
        utf8_length(std::string(v->GetString(), v->GetStringLength())) > wire::limit::kBodyBytes)
      throw bad_request("body: must be a string of 0..20000 characters when attachment_ids is not empty");
    body.assign(v->GetString(), v->GetStringLength());
  }
  TicketRecord t = owned_ticket(c, c.params[0]);
  MessageRecord m = add_message(c, t, body, attachments, id);
  if (t.status != "open") change_status(c, t, "open", "user");
  std::string mj = message_json(m);
  EventRecord e;
  e.owner = t.owner;
  e.device_id = owner_device(t.owner);
  e.origin_device = c.device->device_id;
  e.type = wire::sync_type::kMessage;
  e.data_json = mj;
  emit(c, std::move(e));
  return json(201, mj);
}

Reply TicketHandlers::identify(Call &c) {
  if (!c.device->user)
    throw ApiError(401, "unauthenticated", "identify needs Authorization: Bearer <identity JWT>");
  const std::string &app = c.app->app_key;
  const Identity &u = *c.device->user;
  std::string from = "device:" + c.device->device_id;
  auto moved = c.tx->tickets().move_owner(app, from, c.device->owner, u.name, u.email);
  c.tx->identity().move_owned(app, from, c.device->owner);
  merge_attributes(c, from, c.device->owner);
  auto dev = c.tx->identity().find_device(app, c.device->device_id);
  DeviceRecord d;
  d.device_id = c.device->device_id;
  d.user_sub = u.sub;
  d.attrs_json = dev ? dev->attrs_json : std::string("{}");
  d.updated_at = dev ? dev->updated_at : now_ms();
  c.tx->identity().upsert_device(app, d);
  for (const auto &tid : moved) {
    auto t = c.tx->tickets().find(app, tid);
    EventRecord e;
    e.owner = c.device->owner;
    e.origin_device = c.device->device_id;
    e.type = wire::sync_type::kTicket;
    e.data_json = ticket_json(*t);
    emit(c, std::move(e));
  }
  JsonOut j;
  j.begin_object()
      .key("user")
      .begin_object()
      .field("id", u.sub)
      .opt_field("name", u.name)
      .opt_field("email", u.email)
      .end_object()
      .field("merged_tickets", static_cast<int64_t>(moved.size()))
      .end_object();
  return json(200, j.take());
}

}  // namespace helpline::server
