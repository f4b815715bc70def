// Tickets and messages (device API), identify/merge, and the ticket helpers the agent API shares.
#include "api/api.hpp"
#include "api/render.hpp"
#include "api_error.hpp"
#include "ids.hpp"
#include "json_fields.hpp"
#include "json_out.hpp"

namespace helpline::server {

namespace {

const char *const kStatuses[] = {"open", "pending", "solved", "closed"};

bool known_status(const std::string &s) {
  for (const char *k : kStatuses)
    if (s == k) return true;
  return false;
}

std::optional<std::string> owner_device(const std::string &owner) {
  if (owner.rfind("device:", 0) == 0) return owner.substr(7);
  return std::nullopt;
}

std::string fields_json(const JsonValue &body) {
  const JsonValue *f = field(body, "fields");
  if (!f) return "{}";
  if (!f->IsObject() || f->MemberCount() > 50)
    throw bad_request("fields: must be an object with at most 50 keys");
  for (const auto &m : f->GetObject()) {
    if (m.value.IsObject() || m.value.IsArray())
      throw bad_request(std::string("fields.") + m.name.GetString() +
                        ": must be a string, number, boolean or null");
    if (m.value.IsString() && m.value.GetStringLength() > 4000)
      throw bad_request(std::string("fields.") + m.name.GetString() + ": at most 4000 bytes");
  }
  std::string s = to_json(*f);
  if (s.size() > 64 * 1024) throw bad_request("fields: at most 64 KiB");
  return s;
}

}  // namespace

TicketRecord Api::owned_ticket(Call &c, const std::string &id) {
  auto t = c.tx->find_ticket(c.app->app_key, id);
  if (!t || t->owner != c.device->owner) throw not_found("ticket");
  return *t;
}

TicketRecord Api::app_ticket(Call &c, const std::string &id) {
  auto t = c.tx->find_ticket(c.app->app_key, id);
  if (!t) throw not_found("ticket");
  return *t;
}

void Api::change_status(Call &c, TicketRecord &t, const std::string &status, const char *by) {
  if (t.status == status) return;
  std::string prev = t.status;
  t.status = status;
  t.updated_at = now_ms();
  c.tx->update_ticket(c.app->app_key, t);
  JsonOut j;
  j.obj()
      .kv("ticket_id", t.id)
      .kv("status", status)
      .kv("previous_status", prev)
      .kv("changed_by", by)
      .end_obj();
  EventRecord e;
  e.owner = t.owner;
  e.device_id = owner_device(t.owner);
  if (c.device) e.origin_device = c.device->device_id;
  e.type = "ticket_status";
  e.data_json = j.take();
  emit(c, std::move(e));
  c.tx->insert_status_change(c.app->app_key, t.id, status, prev, by, t.updated_at);
  // An agent solving the ticket asks its owner for a CSAT answer (protocol section 11.1).
  if (status == "solved" && std::string(by) == "agent" && (prev == "open" || prev == "pending"))
    emit_csat_prompt(c, t);
}

MessageRecord Api::add_message(Call &c, TicketRecord &t, const std::string &body,
                               const std::vector<std::string> &attachment_ids,
                               const std::optional<std::string> &id) {
  const std::string &app = c.app->app_key;
  MessageRecord m;
  if (id) {
    if (c.tx->message_exists(app, *id))
      throw ApiError(409, "conflict", "a message with this id already exists");
    m.id = *id;
  } else {
    m.id = new_id("m_");
  }
  std::string attacher = c.agent ? "agent:" + c.agent->agent.id : c.device->owner;
  JsonOut atts;
  atts.arr();
  for (const auto &aid : attachment_ids) {
    auto a = c.tx->find_attachment(app, aid, false);
    if (!a || a->owner != attacher || a->message_id)
      throw bad_request("attachment_ids: " + aid + " is not an unlinked attachment of yours");
    c.tx->link_attachment(app, aid, t.id, m.id);
    atts.obj()
        .kv("id", a->id)
        .kv("filename", a->filename)
        .kv("content_type", a->content_type)
        .kv("size", a->size)
        .end_obj();
  }
  atts.end_arr();
  m.ticket_id = t.id;
  m.body = body;
  m.attachments_json = atts.take();
  m.created_at = now_ms();
  if (c.agent) {
    m.author_type = "agent";
    m.author_name = c.agent->agent.name;
    m.author_id = c.agent->agent.id;
  } else {
    m.author_type = "user";
    if (c.device->user) m.author_name = c.device->user->name;
    m.author_id = c.device->owner;
    m.author_device = c.device->device_id;
  }
  m.seq = ++t.message_count;
  t.updated_at = m.created_at;
  c.tx->insert_message(app, m);
  c.tx->update_ticket(app, t);
  return m;
}

Reply Api::tickets_create(Call &c) {
  const JsonValue &b = *c.body;
  auto id = opt_id(b, "id");
  std::string subject = req_string(b, "subject", 1, 200);
  std::string body = req_string(b, "body", 1, 20000);
  std::string fields = fields_json(b);
  auto device = opt_object_json(b, "device", 16 * 1024);
  auto attachments = opt_string_array(b, "attachment_ids", 20, 64);
  const std::string &app = c.app->app_key;
  if (id && c.tx->find_ticket(app, *id))
    throw ApiError(409, "conflict", "a ticket with this id already exists");

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
  c.tx->insert_ticket(app, t);
  add_message(c, t, body, attachments, std::nullopt);

  if (c.app->settings.faq_auto_answer) post_faq_answer(c, t, subject, body);

  std::string tj = ticket_json(t);
  EventRecord e;
  e.owner = t.owner;
  e.device_id = owner_device(t.owner);
  e.origin_device = c.device->device_id;
  e.type = "ticket";
  e.data_json = tj;
  emit(c, std::move(e));
  return json(201, tj);
}

void Api::post_faq_answer(Call &c, TicketRecord &t, const std::string &subject, const std::string &body) {
  const std::string &app = c.app->app_key;
  std::vector<FaqHit> hits;
  try {
    hits = faq_answers_.suggest(app, c.tx->faq_seq(app),
                                [&](int64_t since) { return faq_document(c, c.tx->faq_seq(app), since, since > 0, {}); },
                                subject, body);
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
  c.tx->insert_message(app, m);
  c.tx->update_ticket(app, t);
  EventRecord e;
  e.owner = t.owner;
  e.device_id = owner_device(t.owner);
  e.type = "message";  // no origin device: the device that wrote the ticket gets it too
  e.data_json = message_json(m);
  emit(c, std::move(e));
}

Reply Api::tickets_list(Call &c) {
  auto [cursor, limit] = page_params(c, 100, 50);
  TicketFilter f;
  f.owner = c.device->owner;
  if (const std::string *s = c.query_param("status")) {
    if (!known_status(*s)) throw bad_request("status: one of open, pending, solved, closed");
    f.status = *s;
  }
  f.before_seq = cursor;
  f.limit = limit + 1;
  auto rows = c.tx->list_tickets(c.app->app_key, f);
  return json(200, page_json(std::move(rows), limit, render_ticket));
}

Reply Api::ticket_get(Call &c) {
  return json(200, ticket_json(owned_ticket(c, c.params[0])));
}

Reply Api::ticket_patch(Call &c) {
  std::string status = req_string(*c.body, "status", 1, 16);
  if (status != "open" && status != "solved" && status != "closed")
    throw bad_request("status: one of open, solved, closed (pending is set by agents)");
  TicketRecord t = owned_ticket(c, c.params[0]);
  change_status(c, t, status, "user");
  return json(200, ticket_json(t));
}

Reply Api::ticket_reopen(Call &c) {
  TicketRecord t = owned_ticket(c, c.params[0]);
  change_status(c, t, "open", "user");
  return json(200, ticket_json(t));
}

Reply Api::messages_create(Call &c) {
  const JsonValue &b = *c.body;
  auto id = opt_id(b, "id");
  auto attachments = opt_string_array(b, "attachment_ids", 20, 64);
  // A message that only carries attachments may have an empty or absent body.
  std::string body;
  if (attachments.empty()) {
    body = req_string(b, "body", 1, 20000);
  } else if (const JsonValue *v = field(b, "body")) {
    if (!v->IsString() || utf8_length(std::string(v->GetString(), v->GetStringLength())) > 20000)
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
  e.type = "message";
  e.data_json = mj;
  emit(c, std::move(e));
  return json(201, mj);
}

Reply Api::messages_list(Call &c) {
  TicketRecord t = c.device ? owned_ticket(c, c.params[0]) : app_ticket(c, c.params[0]);
  auto [cursor, limit] = page_params(c, 100, 50);
  auto rows = c.tx->list_messages(c.app->app_key, t.id, cursor, limit + 1);
  return json(200, page_json(std::move(rows), limit, render_message));
}

Reply Api::identify(Call &c) {
  if (!c.device->user)
    throw ApiError(401, "unauthenticated", "identify needs Authorization: Bearer <identity JWT>");
  const std::string &app = c.app->app_key;
  const Identity &u = *c.device->user;
  std::string from = "device:" + c.device->device_id;
  auto moved = c.tx->move_tickets(app, from, c.device->owner, u.name, u.email);
  c.tx->move_owned(app, from, c.device->owner);
  merge_attributes(c, from, c.device->owner);
  auto dev = c.tx->find_device(app, c.device->device_id);
  DeviceRecord d;
  d.device_id = c.device->device_id;
  d.user_sub = u.sub;
  d.attrs_json = dev ? dev->attrs_json : std::string("{}");
  d.updated_at = dev ? dev->updated_at : now_ms();
  c.tx->upsert_device(app, d);
  for (const auto &tid : moved) {
    auto t = c.tx->find_ticket(app, tid);
    EventRecord e;
    e.owner = c.device->owner;
    e.origin_device = c.device->device_id;
    e.type = "ticket";
    e.data_json = ticket_json(*t);
    emit(c, std::move(e));
  }
  JsonOut j;
  j.obj()
      .key("user")
      .obj()
      .kv("id", u.sub)
      .kv_opt("name", u.name)
      .kv_opt("email", u.email)
      .end_obj()
      .kv("merged_tickets", static_cast<int64_t>(moved.size()))
      .end_obj();
  return json(200, j.take());
}

}  // namespace helpline::server
