#include "api/ticket_actions.hpp"

#include "api/render.hpp"
#include "api/survey_prompts.hpp"
#include "api_error.hpp"
#include "ids.hpp"
#include "json_fields.hpp"

namespace helpline::server {

namespace {

const char *const kStatuses[] = {"open", "pending", "solved", "closed"};

// Whether message `id` is one of the ticket's messages (read page by page; only on an id collision).
bool ticket_has_message(Call &c, const std::string &ticket_id, const std::string &id) {
  constexpr int kPage = 500;
  int64_t after = 0;
  while (true) {
    auto page = c.tx->tickets().messages(c.app->app_key, ticket_id, after, kPage);
    for (const auto &m : page)
      if (m.id == id) return true;
    if (page.size() < static_cast<size_t>(kPage)) return false;
    after = page.back().seq;
  }
}

}  // namespace

bool known_ticket_status(const std::string &s) {
  for (const char *k : kStatuses)
    if (s == k) return true;
  return false;
}

TicketRecord owned_ticket(Call &c, const std::string &id) {
  auto t = c.tx->tickets().find(c.app->app_key, id);
  if (!t || t->owner != c.device->owner) throw not_found("ticket");
  return *t;
}

TicketRecord app_ticket(Call &c, const std::string &id) {
  auto t = c.tx->tickets().find(c.app->app_key, id);
  if (!t) throw not_found("ticket");
  return *t;
}

void change_status(Call &c, TicketRecord &t, const std::string &status, const char *by) {
  if (t.status == status) return;
  std::string prev = t.status;
  t.status = status;
  t.updated_at = now_ms();
  c.tx->tickets().update(c.app->app_key, t);
  JsonOut j;
  j.begin_object()
      .field("ticket_id", t.id)
      .field("status", status)
      .field("previous_status", prev)
      .field("changed_by", by)
      .end_object();
  EventRecord e;
  e.owner = t.owner;
  e.device_id = owner_device(t.owner);
  if (c.device) e.origin_device = c.device->device_id;
  e.type = wire::sync_type::kTicketStatus;
  e.data_json = j.take();
  emit(c, std::move(e));
  c.tx->tickets().insert_status_change(c.app->app_key, t.id, status, prev, by, t.updated_at);
  // An agent solving the ticket asks its owner for a CSAT answer (protocol section 11.1).
  if (status == "solved" && std::string(by) == "agent" && (prev == "open" || prev == "pending"))
    emit_csat_prompt(c, t);
}

MessageRecord add_message(Call &c, TicketRecord &t, const std::string &body,
                          const std::vector<std::string> &attachment_ids,
                          const std::optional<std::string> &id) {
  const std::string &app = c.app->app_key;
  MessageRecord m;
  if (id) {
    if (c.tx->tickets().message_exists(app, *id)) {
      // 409 only when the caller can see the message (an agent sees the app; a device its own ticket);
      // otherwise 404, so a client-chosen id does not reveal other principals' messages.
      if (!c.agent && !ticket_has_message(c, t.id, *id)) throw not_found("message");
      throw ApiError(409, "conflict", "a message with this id already exists");
    }
    m.id = *id;
  } else {
    m.id = new_id("m_");
  }
  std::string attacher = c.agent ? "agent:" + c.agent->agent.id : c.device->owner;
  JsonOut atts;
  atts.begin_array();
  for (const auto &aid : attachment_ids) {
    auto a = c.tx->attachments().find(app, aid, false);
    if (!a || a->owner != attacher || a->message_id)
      throw bad_request("attachment_ids: " + aid + " is not an unlinked attachment of yours");
    c.tx->attachments().link(app, aid, t.id, m.id);
    atts.begin_object()
        .field("id", a->id)
        .field("filename", a->filename)
        .field("content_type", a->content_type)
        .field("size", a->size)
        .end_object();
  }
  atts.end_array();
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
  c.tx->tickets().insert_message(app, m);
  c.tx->tickets().update(app, t);
  return m;
}

Reply ticket_messages(Call &c) {
  TicketRecord t = c.device ? owned_ticket(c, c.params[0]) : app_ticket(c, c.params[0]);
  auto [cursor, limit] = page_params(c, 100, 50);
  auto rows = c.tx->tickets().messages(c.app->app_key, t.id, cursor, limit + 1);
  return json(200, page_json(std::move(rows), limit, render_message));
}

}  // namespace helpline::server
