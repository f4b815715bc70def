// Agent API: login/session, agent accounts, ticket queue, replies and status changes.
#include "api/agent.hpp"

#include "api/console.hpp"
#include "api/render.hpp"
#include "api/ticket_actions.hpp"
#include "api_error.hpp"
#include "client_address.hpp"
#include "crypto.hpp"
#include "ids.hpp"
#include "json_fields.hpp"
#include "login_guard.hpp"
#include "password.hpp"

#include <cctype>
#include <cstdio>
#include <map>
#include <memory>

namespace helpline::server {

namespace {

// Unknown emails pay for one verification against this hash (same parameters as real ones), so neither the
// response time nor the throttle reveals which emails exist. Computed on the pool's thread at start.
const std::string &dummy_hash() {
  static const std::string h = password_hash("helpline-dummy-password-" + random_hex(16));
  return h;
}

constexpr size_t kPasswordQueue = 32;

std::string lower_ascii(std::string s) {
  for (auto &ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

HttpResponse error_response(int status, const std::string &code, const std::string &message,
                            int retry_after = 0) {
  HttpResponse r;
  r.status = status;
  r.body = error_body(code, message);
  if (retry_after > 0) r.headers.emplace_back("Retry-After", std::to_string(retry_after));
  return r;
}

// The agent view of a ticket: with requester.attributes.
std::string agent_ticket_json(Call &c, const TicketRecord &t) {
  JsonOut j;
  render_ticket_agent(j, t, c.tx->identity().attributes(c.app->app_key, t.owner));
  return j.take();
}

}  // namespace

AgentHandlers::AgentHandlers(ApiContext &ctx)
    : ctx_(ctx),
      throttle_(std::make_unique<LoginThrottle>()),
      passwords_(std::make_unique<PasswordPool>(password_threads(), kPasswordQueue)) {
  PasswordPool::Job warm;
  warm.run = [] { dummy_hash(); };
  warm.reserved = false;
  passwords_->submit(std::move(warm));
}

AgentHandlers::~AgentHandlers() = default;

void AgentHandlers::add_routes(Router &r) {
  using K = RouteKind;
  using B = BodyKind;
  // The password check runs on the password pool (TxMode::own): the reply is deferred until it is done.
  r.add({"POST", "/v1/agent/login", handler(this, &AgentHandlers::agent_login), K::agent_login, B::json,
         false, false, false, TxMode::own});
  r.add({"POST", "/v1/agent/logout", handler(this, &AgentHandlers::agent_logout), K::agent, B::optional_json,
         true, false, false});
  r.add({"GET", "/v1/agent/me", handler(this, &AgentHandlers::agent_me), K::agent, B::none, false, false,
         false});
  r.add({"GET", "/v1/agent/agents", handler(this, &AgentHandlers::agents_list), K::agent, B::none, false,
         false, false});
  r.add({"POST", "/v1/agent/agents", handler(this, &AgentHandlers::agents_create), K::agent, B::json, true,
         true, false});
  r.add({"GET", "/v1/agent/tickets", handler(this, &AgentHandlers::agent_tickets_list), K::agent, B::none,
         false, false, false});
  r.add({"GET", "/v1/agent/tickets/{}", handler(this, &AgentHandlers::agent_ticket_get), K::agent, B::none,
         false, false, false});
  r.add({"PATCH", "/v1/agent/tickets/{}", handler(this, &AgentHandlers::agent_ticket_patch), K::agent,
         B::json, true, true, false});
  r.add({"GET", "/v1/agent/tickets/{}/messages", ticket_messages, K::agent, B::none, false, false, false});
  r.add({"POST", "/v1/agent/tickets/{}/messages", handler(this, &AgentHandlers::agent_message_create),
         K::agent, B::json, true, true, false});
}

// Validation and the throttle run here on the I/O thread; Argon2id runs on the password pool, and the
// response is completed from there (security issue #16: a login flood must not stall the I/O threads).
void AgentHandlers::stop() {
  passwords_.reset();
}

Reply AgentHandlers::agent_login(Call &c) {
  std::string email = req_string(*c.body, "email", 1, 254);
  std::string password = req_string(*c.body, "password", 1, 1024);
  auto session = opt_string(*c.body, "session", 16);
  if (session && *session != "cookie" && *session != "token") throw bad_request("session: token or cookie");
  bool cookie_session = session && *session == "cookie";
  const AppConfig *app = c.app;
  std::string account = app->app_key + '\n' + lower_ascii(email);
  std::string address = address_key(client_ip(ctx_.config, *c.http));
  int64_t wait = throttle_->admit(account, address, now_ms());
  if (wait > 0)
    throw ApiError(429, "rate_limited", "too many login attempts; retry later",
                   static_cast<int>((wait + 999) / 1000));
  if (!passwords_ || !passwords_->reserve()) {
    throttle_->cancel(account, address);
    throw ApiError(503, "unavailable", "too many logins in progress; retry later", 1);
  }
  bool secure = cookie_secure(ctx_.config, *c.http);
  auto job = std::make_shared<PasswordPool::Job>();
  c.deferred = [this, job, app, email, password, cookie_session, account, address,
                secure](std::function<void(HttpResponse)> complete) {
    job->drop = [this, complete, account, address] {
      throttle_->cancel(account, address);
      complete(error_response(503, "unavailable", "the server is stopping", 1));
    };
    job->run = [this, complete, app, email, password, cookie_session, account, address, secure] {
      std::optional<AgentRecord> agent;
      bool ok = false;
      try {
        {
          auto rtx = ctx_.store.read();
          agent = rtx->agents().find_by_email(app->app_key, email);
        }
        ok = agent ? password_verify(agent->password_hash, password)
                   : (password_verify(dummy_hash(), password), false);
      } catch (const std::exception &e) {
        throttle_->cancel(account, address);
        std::fprintf(stderr, "helpline-server: internal error on agent login: %s\n", e.what());
        return complete(error_response(500, "internal", "internal server error"));
      }
      throttle_->finish(account, address, ok, now_ms());
      if (!ok) return complete(error_response(401, "invalid_credentials", "unknown email or wrong password"));
      try {
        std::string token = "hla_" + random_hex(32);
        int64_t expires = now_ms() + app->settings.agent_token_ttl_hours * 3600 * 1000;
        {
          auto wtx = ctx_.store.write();
          wtx->agents().insert_session(sha256_hex(token), app->app_key, agent->id, expires);
          wtx->commit();
        }
        JsonOut j;
        j.begin_object();
        // A console session never shows the token to script: it lives in the HttpOnly cookie only.
        if (cookie_session)
          j.field("csrf_token", csrf_token_for(token));
        else
          j.field("token", token);
        j.field("expires_at", expires).key("agent");
        render_agent(j, *agent);
        j.end_object();
        Reply r = json(200, j.take());
        if (cookie_session) set_session_cookies(secure, r, token, app->settings.agent_token_ttl_hours * 3600);
        HttpResponse res;
        res.status = r.status;
        res.body = std::move(r.body);
        res.content_type = std::move(r.content_type);
        res.headers = std::move(r.headers);
        complete(std::move(res));
      } catch (const std::exception &e) {
        std::fprintf(stderr, "helpline-server: internal error on agent login: %s\n", e.what());
        complete(error_response(500, "internal", "internal server error"));
      }
    };
    passwords_->submit(std::move(*job));
  };
  return Reply{};
}

Reply AgentHandlers::agent_logout(Call &c) {
  c.tx->agents().delete_session(c.agent->token_hash);
  Reply r = no_content();
  if (c.agent->via_cookie) set_session_cookies(cookie_secure(ctx_.config, *c.http), r, std::string(), 0);
  return r;
}

Reply AgentHandlers::agent_me(Call &c) {
  JsonOut j;
  render_agent(j, c.agent->agent);
  return json(200, j.take());
}

Reply AgentHandlers::agents_list(Call &c) {
  require_admin(c);
  JsonOut j;
  j.begin_object().key("items").begin_array();
  for (const auto &a : c.tx->agents().list(c.app->app_key)) render_agent(j, a);
  j.end_array().end_object();
  return json(200, j.take());
}

Reply AgentHandlers::agents_create(Call &c) {
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
  if (c.tx->agents().find_by_email(c.app->app_key, a.email))
    throw ApiError(409, "conflict", "an agent with this email already exists");
  a.id = new_id("ag_");
  a.password_hash = password_hash(password);
  a.created_at = now_ms();
  c.tx->agents().insert(c.app->app_key, a);
  JsonOut j;
  render_agent(j, a);
  return json(201, j.take());
}

Reply AgentHandlers::agent_tickets_list(Call &c) {
  auto [cursor, limit] = page_params(c, 100, 50);
  TicketFilter f;
  if (const std::string *s = c.query_param("status")) {
    if (!known_ticket_status(*s)) throw bad_request("status: one of open, pending, solved, closed");
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
  auto rows = c.tx->tickets().list(c.app->app_key, f);
  std::map<std::string, std::vector<AttributeRecord>> attrs;  // one lookup per requester on the page
  auto render = [&](JsonOut &j, const TicketRecord &t) {
    auto it = attrs.find(t.owner);
    if (it == attrs.end())
      it = attrs.emplace(t.owner, c.tx->identity().attributes(c.app->app_key, t.owner)).first;
    render_ticket_agent(j, t, it->second);
  };
  return json(200, page_json(std::move(rows), limit, render));
}

Reply AgentHandlers::agent_ticket_get(Call &c) {
  return json(200, agent_ticket_json(c, app_ticket(c, c.params[0])));
}

Reply AgentHandlers::agent_ticket_patch(Call &c) {
  const JsonValue &b = *c.body;
  TicketRecord t = app_ticket(c, c.params[0]);
  auto status = opt_string(b, "status", 16);
  if (status && !known_ticket_status(*status))
    throw bad_request("status: one of open, pending, solved, closed");
  if (has_key(b, "assignee_id")) {
    auto assignee = opt_string(b, "assignee_id", 64);
    if (assignee && !c.tx->agents().find(c.app->app_key, *assignee))
      throw bad_request("assignee_id: unknown agent");
    t.assignee_id = assignee;
    t.updated_at = now_ms();
    c.tx->tickets().update(c.app->app_key, t);
  }
  if (status) change_status(c, t, *status, "agent");
  return json(200, agent_ticket_json(c, t));
}

Reply AgentHandlers::agent_message_create(Call &c) {
  const JsonValue &b = *c.body;
  std::string body = req_string(b, "body", 1, wire::limit::kBodyBytes);
  auto attachments =
      opt_string_array(b, "attachment_ids", wire::limit::kAttachmentsPerMessage, wire::limit::kIdBytes);
  auto status = opt_string(b, "status", 16);
  if (status && !known_ticket_status(*status))
    throw bad_request("status: one of open, pending, solved, closed");
  TicketRecord t = app_ticket(c, c.params[0]);
  MessageRecord m = add_message(c, t, body, attachments, std::nullopt);
  std::string mj = message_json(m);
  EventRecord e;
  e.owner = t.owner;
  e.device_id = owner_device(t.owner);
  e.type = wire::sync_type::kMessage;
  e.data_json = mj;
  emit(c, std::move(e));
  if (status) change_status(c, t, *status, "agent");
  return json(201, mj);
}

}  // namespace helpline::server
