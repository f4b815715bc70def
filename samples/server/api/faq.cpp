// FAQ for devices: full snapshot / delta with tombstones, ETag, article fetch, votes.
#include "api/faq.hpp"

#include "api/context.hpp"
#include "api/faq_expansion_cache.hpp"
#include "api/render.hpp"
#include "api_error.hpp"
#include "json_fields.hpp"

namespace helpline::server {

std::string faq_document(Call &c, int64_t current, int64_t since, bool delta,
                         const std::optional<std::string> &locale) {
  const std::string &app = c.app->app_key;
  auto visible_locale = [&](const std::string &l) { return !locale || *locale == l; };
  JsonOut j;
  std::vector<std::string> deleted_sections, deleted_articles;
  j.begin_object().field("full", !delta).key("sections").begin_array();
  for (const auto &s : c.tx->faq().sections_since(app, since)) {
    if (s.deleted || !visible_locale(s.locale)) {
      if (delta) deleted_sections.push_back(s.id);
      continue;
    }
    render_section(j, s);
  }
  j.end_array().key("articles").begin_array();
  for (const auto &a : c.tx->faq().articles_since(app, since)) {
    if (a.deleted || !a.published || !visible_locale(a.locale)) {
      if (delta) deleted_articles.push_back(a.id);
      continue;
    }
    render_article(j, a, false);
  }
  j.end_array().key("deleted").begin_object().key("sections").begin_array();
  for (const auto &id : deleted_sections) j.str(id);
  j.end_array().key("articles").begin_array();
  for (const auto &id : deleted_articles) j.str(id);
  j.end_array().end_object();
  // Absent from a delta = unchanged; present = the device's whole table.
  if (!delta || c.tx->faq().expansions_seq(app) > since)
    j.raw_field("expansions", expansions_for_locale(c.tx->faq().expansions(app), locale));
  j.field("cursor", cursor_string(current)).end_object();
  return j.take();
}

EventRecord faq_changed_event(int64_t seq) {
  JsonOut j;
  j.begin_object().field("faq_cursor", cursor_string(seq)).end_object();
  EventRecord e;
  e.broadcast = true;
  e.type = wire::sync_type::kFaqChanged;
  e.data_json = j.take();
  return e;
}

void emit_faq_changed(Call &c, int64_t seq) {
  emit(c, faq_changed_event(seq));
}

void FaqHandlers::add_routes(Router &r) {
  using K = RouteKind;
  using B = BodyKind;
  namespace p = wire::path;
  // Its own transactions: the expansion table is brought up to date (possibly a write) before the read.
  r.add({"GET", p::kFaq, handler(this, &FaqHandlers::faq_get), K::device, B::none, false, false, false,
         TxMode::own});
  r.add({"GET", id_pattern(p::kFaqArticlesPrefix), handler(this, &FaqHandlers::faq_article_get), K::device,
         B::none, false, false, false});
  r.add({"POST", id_pattern(p::kFaqArticlesPrefix, p::kVoteSuffix), handler(this, &FaqHandlers::faq_vote),
         K::device, B::json, true, true, true});
}

Reply FaqHandlers::faq_get(Call &c) {
  const std::string &app = c.app->app_key;
  ctx_.faq_expansions.refresh(app);
  auto tx = ctx_.store.read();
  c.tx = tx.get();
  int64_t current = c.tx->faq().seq(app);
  std::optional<std::string> locale;
  if (const std::string *l = c.query_param("locale"))
    if (!l->empty()) locale = *l;
  int64_t since = 0;
  bool delta = false;
  if (const std::string *s = c.query_param("since")) {
    char *end = nullptr;
    long long v = std::strtoll(s->c_str(), &end, 10);
    if (s->empty() || *end || v < 0 || v > current)
      throw ApiError(400, "invalid_cursor", "since: not a cursor produced by this server");
    since = v;
    delta = true;
  }
  std::string etag = "\"" + std::to_string(current) + "-" + (locale ? *locale : std::string("*")) + "\"";
  if (const std::string *inm = c.http->header("if-none-match")) {
    if (*inm == etag || *inm == "W/" + etag) {
      Reply r;
      r.status = 304;
      r.content_type.clear();
      r.headers.emplace_back("ETag", etag);
      return r;
    }
  }
  std::string body = faq_document(c, current, since, delta, locale);
  Reply r = json(200, std::move(body));
  r.headers.emplace_back("ETag", etag);
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

Reply FaqHandlers::faq_article_get(Call &c) {
  auto a = c.tx->faq().find_article(c.app->app_key, c.params[0]);
  if (!a || a->deleted || !a->published) throw not_found("article");
  JsonOut j;
  render_article(j, *a, false);
  return json(200, j.take());
}

Reply FaqHandlers::faq_vote(Call &c) {
  auto helpful = opt_bool(*c.body, "helpful");
  if (!helpful) throw bad_request("helpful: required boolean");
  const std::string &app = c.app->app_key;
  auto a = c.tx->faq().find_article(app, c.params[0]);
  if (!a || a->deleted || !a->published) throw not_found("article");
  c.tx->faq().set_vote(app, a->id, c.device->device_id, *helpful);
  a = c.tx->faq().find_article(app, a->id);
  JsonOut j;
  j.begin_object()
      .field("article_id", a->id)
      .field("helpful", *helpful)
      .field("helpful_count", a->helpful)
      .field("not_helpful_count", a->not_helpful)
      .end_object();
  return json(200, j.take());
}

}  // namespace helpline::server
