// Agent API: login/session, agent accounts, ticket queue, replies and status changes.
#include "api/api.hpp"
#include "api/render.hpp"
#include "api_error.hpp"
#include "crypto.hpp"
#include "ids.hpp"
#include "json_fields.hpp"
#include "json_out.hpp"
#include "password.hpp"

#include <map>

namespace helpline::server {

namespace {

bool valid_status(const std::string &s) {
  return s == "open" || s == "pending" || s == "solved" || s == "closed";
}

std::optional<std::string> owner_device_of(const std::string &owner) {
  if (owner.rfind("device:", 0) == 0) return owner.substr(7);
  return std::nullopt;
}

const std::string &dummy_hash() {
  // Unknown emails still pay for one verification, so response time does not reveal which emails exist.
  static const std::string h = password_hash("helpline-dummy-password");
  return h;
}

void require_admin(const Call &c) {
  if (c.agent->agent.role != "admin") throw ApiError(403, "forbidden", "admin role required");
}

}  // namespace

Reply Api::agent_login(Call &c) {
  std::string email = req_string(*c.body, "email", 1, 254);
  std::string password = req_string(*c.body, "password", 1, 1024);
  auto session = opt_string(*c.body, "session", 16);
  if (session && *session != "cookie" && *session != "token") throw bad_request("session: token or cookie");
  bool cookie_session = session && *session == "cookie";
  std::optional<AgentRecord> agent;
  {
    auto rtx = store_.read();
    agent = rtx->find_agent_by_email(c.app->app_key, email);
  }
  bool ok = agent ? password_verify(agent->password_hash, password)
                  : (password_verify(dummy_hash(), password), false);
  if (!ok) throw ApiError(401, "invalid_credentials", "unknown email or wrong password");
  std::string token = "hla_" + random_hex(32);
  int64_t expires = now_ms() + c.app->settings.agent_token_ttl_hours * 3600 * 1000;
  {
    auto wtx = store_.write();
    wtx->insert_agent_session(sha256_hex(token), c.app->app_key, agent->id, expires);
    wtx->commit();
  }
  JsonOut j;
  j.obj();
  // A console session never shows the token to script: it lives in the HttpOnly cookie only.
  if (cookie_session)
    j.kv("csrf_token", csrf_token_for(token));
  else
    j.kv("token", token);
  j.kv("expires_at", expires).key("agent");
  render_agent(j, *agent);
  j.end_obj();
  Reply r = json(200, j.take());
  if (cookie_session) set_session_cookies(*c.http, r, token, c.app->settings.agent_token_ttl_hours * 3600);
  return r;
}

Reply Api::agent_logout(Call &c) {
  c.tx->delete_agent_session(c.agent->token_hash);
  Reply r;
  r.status = 204;
  r.content_type.clear();
  if (c.agent->via_cookie) set_session_cookies(*c.http, r, std::string(), 0);
  return r;
}

Reply Api::agent_me(Call &c) {
  JsonOut j;
  render_agent(j, c.agent->agent);
  return json(200, j.take());
}

Reply Api::agents_list(Call &c) {
  require_admin(c);
  JsonOut j;
  j.obj().key("items").arr();
  for (const auto &a : c.tx->list_agents(c.app->app_key)) render_agent(j, a);
  j.end_arr().end_obj();
  return json(200, j.take());
}

Reply Api::agents_create(Call &c) {
  require_admin(c);
  const JsonValue &b = *c.body;
  AgentRecord a;
  a.email = req_string(b, "email", 3, 254);
  if (a.email.find('@') == std::string::npos) throw bad_request("email: must contain @");
  std::string password = req_string(b, "password", 8, 1024);
  auto name = opt_string(b, "name", 200);
  a.name = name ? *name : a.email.substr(0, a.email.find('@'));
  auto role = opt_string(b, "role", 16);
  a.role = role ? *role : "agent";
  if (a.role != "agent" && a.role != "admin") throw bad_request("role: agent or admin");
  if (c.tx->find_agent_by_email(c.app->app_key, a.email))
    throw ApiError(409, "conflict", "an agent with this email already exists");
  a.id = new_id("ag_");
  a.password_hash = password_hash(password);
  a.created_at = now_ms();
  c.tx->insert_agent(c.app->app_key, a);
  JsonOut j;
  render_agent(j, a);
  return json(201, j.take());
}

Reply Api::agent_tickets_list(Call &c) {
  auto [cursor, limit] = page_params(c, 100, 50);
  TicketFilter f;
  if (const std::string *s = c.query_param("status")) {
    if (!valid_status(*s)) throw bad_request("status: one of open, pending, solved, closed");
    f.status = *s;
  }
  if (const std::string *r = c.query_param("requester"))
    if (!r->empty()) f.owner = *r;
  if (const std::string *a = c.query_param("assignee"))
    if (!a->empty()) f.assignee = *a;
  if (const std::string *q = c.query_param("q"))
    if (!q->empty()) f.subject_contains = *q;
  if (const std::string *m = c.query_param("model"))
    if (!m->empty()) f.model = *m;
  if (const std::string *v = c.query_param("app_version"))
    if (!v->empty()) f.app_version = *v;
  if (const std::string *d = c.query_param("has_diagnostics")) {
    if (*d == "true")
      f.has_diagnostics = true;
    else if (*d == "false")
      f.has_diagnostics = false;
    else if (!d->empty())
      throw bad_request("has_diagnostics: true or false");
  }
  f.before_seq = cursor;
  f.limit = limit + 1;
  auto rows = c.tx->list_tickets(c.app->app_key, f);
  std::map<std::string, std::vector<AttributeRecord>> attrs;  // one lookup per requester on the page
  auto render = [&](JsonOut &j, const TicketRecord &t) {
    auto it = attrs.find(t.owner);
    if (it == attrs.end())
      it = attrs.emplace(t.owner, c.tx->principal_attributes(c.app->app_key, t.owner)).first;
    render_ticket_agent(j, t, it->second);
  };
  return json(200, page_json(std::move(rows), limit, render));
}

std::string Api::agent_ticket_json(Call &c, const TicketRecord &t) {
  JsonOut j;
  render_ticket_agent(j, t, c.tx->principal_attributes(c.app->app_key, t.owner));
  return j.take();
}

Reply Api::agent_ticket_get(Call &c) {
  return json(200, agent_ticket_json(c, app_ticket(c, c.params[0])));
}

Reply Api::agent_ticket_patch(Call &c) {
  const JsonValue &b = *c.body;
  TicketRecord t = app_ticket(c, c.params[0]);
  auto status = opt_string(b, "status", 16);
  if (status && !valid_status(*status)) throw bad_request("status: one of open, pending, solved, closed");
  if (has_key(b, "assignee_id")) {
    auto assignee = opt_string(b, "assignee_id", 64);
    if (assignee && !c.tx->find_agent(c.app->app_key, *assignee))
      throw bad_request("assignee_id: unknown agent");
    t.assignee_id = assignee;
    t.updated_at = now_ms();
    c.tx->update_ticket(c.app->app_key, t);
  }
  if (status) change_status(c, t, *status, "agent");
  return json(200, agent_ticket_json(c, t));
}

Reply Api::agent_messages_list(Call &c) {
  return messages_list(c);
}

Reply Api::agent_message_create(Call &c) {
  const JsonValue &b = *c.body;
  std::string body = req_string(b, "body", 1, 20000);
  auto attachments = opt_string_array(b, "attachment_ids", 20, 64);
  auto status = opt_string(b, "status", 16);
  if (status && !valid_status(*status)) throw bad_request("status: one of open, pending, solved, closed");
  TicketRecord t = app_ticket(c, c.params[0]);
  MessageRecord m = add_message(c, t, body, attachments, std::nullopt);
  std::string mj = message_json(m);
  EventRecord e;
  e.owner = t.owner;
  e.device_id = owner_device_of(t.owner);
  e.type = "message";
  e.data_json = mj;
  emit(c, std::move(e));
  if (status) change_status(c, t, *status, "agent");
  return json(201, mj);
}

}  // namespace helpline::server
