// Agent-managed content: FAQ sections/articles (with change sequence and tombstones) and notices.
#include "api/agent_content.hpp"

#include "api/faq.hpp"
#include "api/render.hpp"
#include "api_error.hpp"
#include "ids.hpp"
#include "json_fields.hpp"
#include "notice_targeting.hpp"

namespace helpline::server {

namespace {

std::string tags_json(const std::vector<std::string> &tags) {
  JsonOut j;
  j.begin_array();
  for (const auto &t : tags) j.str(t);
  j.end_array();
  return j.take();
}

}  // namespace

void AgentContentHandlers::add_routes(Router &r) {
  using K = RouteKind;
  using B = BodyKind;
  using H = AgentContentHandlers;
  r.add({"GET", "/v1/agent/faq", handler(this, &H::agent_faq_get), K::agent, B::none, false, false, false});
  r.add({"POST", "/v1/agent/faq/sections", handler(this, &H::faq_section_create), K::agent, B::json, true,
         true, false});
  r.add({"PATCH", "/v1/agent/faq/sections/{}", handler(this, &H::faq_section_patch), K::agent, B::json, true,
         true, false});
  r.add({"DELETE", "/v1/agent/faq/sections/{}", handler(this, &H::faq_section_delete), K::agent, B::none,
         true, true, false});
  r.add({"POST", "/v1/agent/faq/articles", handler(this, &H::faq_article_create), K::agent, B::json, true,
         true, false});
  r.add({"PATCH", "/v1/agent/faq/articles/{}", handler(this, &H::faq_article_patch), K::agent, B::json, true,
         true, false});
  r.add({"DELETE", "/v1/agent/faq/articles/{}", handler(this, &H::faq_article_delete), K::agent, B::none,
         true, true, false});
  r.add({"GET", "/v1/agent/notices", handler(this, &H::agent_notices_list), K::agent, B::none, false, false,
         false});
  r.add(
      {"POST", "/v1/agent/notices", handler(this, &H::notice_create), K::agent, B::json, true, true, false});
  r.add({"PATCH", "/v1/agent/notices/{}", handler(this, &H::notice_patch), K::agent, B::json, true, true,
         false});
  r.add({"DELETE", "/v1/agent/notices/{}", handler(this, &H::notice_delete), K::agent, B::none, true, true,
         false});
}

Reply AgentContentHandlers::agent_faq_get(Call &c) {
  JsonOut j;
  j.begin_object().key("sections").begin_array();
  for (const auto &s : c.tx->faq().sections_since(c.app->app_key, 0))
    if (!s.deleted) render_section(j, s);
  j.end_array().key("articles").begin_array();
  for (const auto &a : c.tx->faq().articles_since(c.app->app_key, 0))
    if (!a.deleted) render_article(j, a, true);
  j.end_array().field("cursor", cursor_string(c.tx->faq().seq(c.app->app_key))).end_object();
  return json(200, j.take());
}

Reply AgentContentHandlers::faq_section_create(Call &c) {
  const JsonValue &b = *c.body;
  FaqSectionRecord s;
  auto id = opt_id(b, "id");
  s.locale = req_string(b, "locale", 1, 35);
  s.title = req_string(b, "title", 1, 200);
  s.position = opt_int(b, "position").value_or(0);
  if (id && c.tx->faq().find_section(c.app->app_key, *id))
    throw ApiError(409, "conflict", "section id exists");
  s.id = id ? *id : new_id("fs_");
  s.change_seq = c.tx->faq().next_seq(c.app->app_key);
  s.updated_at = now_ms();
  c.tx->faq().upsert_section(c.app->app_key, s);
  emit_faq_changed(c, s.change_seq);
  JsonOut j;
  render_section(j, s);
  return json(201, j.take());
}

Reply AgentContentHandlers::faq_section_patch(Call &c) {
  const JsonValue &b = *c.body;
  auto s = c.tx->faq().find_section(c.app->app_key, c.params[0]);
  if (!s || s->deleted) throw not_found("section");
  if (has_key(b, "locale")) s->locale = req_string(b, "locale", 1, 35);
  if (has_key(b, "title")) s->title = req_string(b, "title", 1, 200);
  if (auto p = opt_int(b, "position")) s->position = *p;
  s->change_seq = c.tx->faq().next_seq(c.app->app_key);
  s->updated_at = now_ms();
  c.tx->faq().upsert_section(c.app->app_key, *s);
  emit_faq_changed(c, s->change_seq);
  JsonOut j;
  render_section(j, *s);
  return json(200, j.take());
}

Reply AgentContentHandlers::faq_section_delete(Call &c) {
  auto s = c.tx->faq().find_section(c.app->app_key, c.params[0]);
  if (!s || s->deleted) throw not_found("section");
  if (c.tx->faq().live_articles_in_section(c.app->app_key, s->id) > 0)
    throw ApiError(409, "conflict", "section still has articles");
  s->deleted = true;
  s->change_seq = c.tx->faq().next_seq(c.app->app_key);
  s->updated_at = now_ms();
  c.tx->faq().upsert_section(c.app->app_key, *s);
  emit_faq_changed(c, s->change_seq);
  return no_content();
}

static void read_article_fields(Call &c, const JsonValue &b, FaqArticleRecord &a, bool create) {
  if (create || has_key(b, "section_id")) {
    auto sid = opt_id(b, "section_id");
    if (!sid) throw bad_request("section_id: required");
    auto s = c.tx->faq().find_section(c.app->app_key, *sid);
    if (!s || s->deleted) throw bad_request("section_id: unknown section");
    a.section_id = *sid;
  }
  if (create || has_key(b, "locale")) a.locale = req_string(b, "locale", 1, 35);
  if (create || has_key(b, "title")) a.title = req_string(b, "title", 1, 200);
  if (create || has_key(b, "body")) a.body = req_string(b, "body", 1, 100000);
  if (create || has_key(b, "tags")) a.tags_json = tags_json(opt_string_array(b, "tags", 20, 50));
  if (auto p = opt_int(b, "position")) a.position = *p;
  if (auto p = opt_bool(b, "published")) a.published = *p;
}

Reply AgentContentHandlers::faq_article_create(Call &c) {
  const JsonValue &b = *c.body;
  auto id = opt_id(b, "id");
  FaqArticleRecord a;
  read_article_fields(c, b, a, true);
  if (id && c.tx->faq().find_article(c.app->app_key, *id))
    throw ApiError(409, "conflict", "article id exists");
  a.id = id ? *id : new_id("fa_");
  a.change_seq = c.tx->faq().next_seq(c.app->app_key);
  a.updated_at = now_ms();
  c.tx->faq().upsert_article(c.app->app_key, a);
  emit_faq_changed(c, a.change_seq);
  JsonOut j;
  render_article(j, a, true);
  return json(201, j.take());
}

Reply AgentContentHandlers::faq_article_patch(Call &c) {
  auto a = c.tx->faq().find_article(c.app->app_key, c.params[0]);
  if (!a || a->deleted) throw not_found("article");
  read_article_fields(c, *c.body, *a, false);
  a->change_seq = c.tx->faq().next_seq(c.app->app_key);
  a->updated_at = now_ms();
  c.tx->faq().upsert_article(c.app->app_key, *a);
  emit_faq_changed(c, a->change_seq);
  JsonOut j;
  render_article(j, *a, true);
  return json(200, j.take());
}

Reply AgentContentHandlers::faq_article_delete(Call &c) {
  auto a = c.tx->faq().find_article(c.app->app_key, c.params[0]);
  if (!a || a->deleted) throw not_found("article");
  a->deleted = true;
  a->change_seq = c.tx->faq().next_seq(c.app->app_key);
  a->updated_at = now_ms();
  c.tx->faq().upsert_article(c.app->app_key, *a);
  emit_faq_changed(c, a->change_seq);
  return no_content();
}

// ---- notices

static void emit_notice_state(Call &c, const NoticeRecord &n) {
  EventRecord e;
  e.broadcast = true;
  JsonOut j;
  if (n.active && !n.deleted) {
    e.type = wire::sync_type::kNotice;
    render_notice(j, n, false);
    e.target_json = n.target_json;
  } else {
    e.type = wire::sync_type::kNoticeWithdrawn;
    j.begin_object().field("notice_id", n.id).end_object();
  }
  e.data_json = j.take();
  emit(c, std::move(e));
}

static void read_notice_fields(const JsonValue &b, NoticeRecord &n, bool create) {
  if (create || has_key(b, "title")) n.title = req_string(b, "title", 1, 200);
  if (create || has_key(b, "body")) n.body = req_string(b, "body", 1, 4000);
  if (has_key(b, "severity")) {
    n.severity = req_string(b, "severity", 1, 16);
    if (n.severity != "info" && n.severity != "warning" && n.severity != "critical")
      throw bad_request("severity: one of info, warning, critical");
  }
  if (has_key(b, "url")) n.url = opt_string(b, "url", 2000);
  if (has_key(b, "target")) {
    auto t = opt_object_json(b, "target", 16 * 1024);
    n.target_json = t ? *t : "{}";
    validate_target(n.target_json);
  }
  if (has_key(b, "faq_article_id")) {
    n.faq_article_id = opt_string(b, "faq_article_id", 64);
    if (n.faq_article_id && !is_valid_id(*n.faq_article_id))
      throw bad_request("faq_article_id: must match [A-Za-z0-9_-]{1,64}");
  }
  if (has_key(b, "starts_at")) n.starts_at = opt_int(b, "starts_at");
  if (has_key(b, "ends_at")) n.ends_at = opt_int(b, "ends_at");
  if (auto a = opt_bool(b, "active")) n.active = *a;
}

// A linked FAQ article must exist (published or not: agents may link before publishing).
static void check_faq_link(Call &c, const NoticeRecord &n) {
  if (!n.faq_article_id) return;
  auto a = c.tx->faq().find_article(c.app->app_key, *n.faq_article_id);
  if (!a || a->deleted) throw bad_request("faq_article_id: no such FAQ article");
}

Reply AgentContentHandlers::agent_notices_list(Call &c) {
  JsonOut j;
  j.begin_object().key("items").begin_array();
  for (const auto &n : c.tx->notices().list(c.app->app_key))
    render_notice_agent(j, n, c.tx->notices().ack_count(c.app->app_key, n.id));
  j.end_array().end_object();
  return json(200, j.take());
}

Reply AgentContentHandlers::notice_create(Call &c) {
  const JsonValue &b = *c.body;
  auto id = opt_id(b, "id");
  NoticeRecord n;
  n.severity = "info";
  n.target_json = "{}";
  read_notice_fields(b, n, true);
  check_faq_link(c, n);
  if (id && c.tx->notices().find(c.app->app_key, *id)) throw ApiError(409, "conflict", "notice id exists");
  n.id = id ? *id : new_id("n_");
  n.created_at = n.updated_at = now_ms();
  c.tx->notices().upsert(c.app->app_key, n);
  if (n.active) emit_notice_state(c, n);
  JsonOut j;
  render_notice_agent(j, n, 0);
  return json(201, j.take());
}

Reply AgentContentHandlers::notice_patch(Call &c) {
  auto n = c.tx->notices().find(c.app->app_key, c.params[0]);
  if (!n || n->deleted) throw not_found("notice");
  bool was_active = n->active;
  read_notice_fields(*c.body, *n, false);
  if (has_key(*c.body, "faq_article_id")) check_faq_link(c, *n);
  n->updated_at = now_ms();
  c.tx->notices().upsert(c.app->app_key, *n);
  if (n->active || was_active) emit_notice_state(c, *n);
  JsonOut j;
  render_notice_agent(j, *n, c.tx->notices().ack_count(c.app->app_key, n->id));
  return json(200, j.take());
}

Reply AgentContentHandlers::notice_delete(Call &c) {
  auto n = c.tx->notices().find(c.app->app_key, c.params[0]);
  if (!n || n->deleted) throw not_found("notice");
  n->deleted = true;
  n->updated_at = now_ms();
  c.tx->notices().upsert(c.app->app_key, *n);
  emit_notice_state(c, *n);
  return no_content();
}

}  // namespace helpline::server
