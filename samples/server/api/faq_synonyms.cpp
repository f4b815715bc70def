#include "api/faq_synonyms.hpp"

#include "api/faq.hpp"
#include "api_error.hpp"
#include "faq_expansions.hpp"
#include "ids.hpp"
#include "json_fields.hpp"

#include <algorithm>

namespace helpline::server {

namespace {

bool has_control(const std::string &s) {
  return std::any_of(s.begin(), s.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return c < 0x20 || c == 0x7f;
  });
}

// Valid UTF-8 as RFC 3629 has it: the JSON parser checks the body already; a value that is stored and
// shipped to every device is checked again here.
void require_utf8(const std::string &s, const char *name) {
  if (valid_utf8(s) != s) throw bad_request(std::string(name) + ": must be valid UTF-8");
}

std::string read_term(const JsonValue &b) {
  const JsonValue *v = field(b, "term");
  if (!v || !v->IsString()) throw bad_request("term: required string");
  std::string raw(v->GetString(), v->GetStringLength());
  require_utf8(raw, "term");
  std::string term = normalize_term(raw);
  if (term.empty() || term.size() > FaqSynonymHandlers::kMaxTermBytes || has_control(term))
    throw bad_request("term: 1..64 bytes of text");
  if (term_words(term) > FaqSynonymHandlers::kMaxTermWords) throw bad_request("term: 1..3 words");
  return term;
}

std::string trimmed(const std::string &s) {
  const char *spaces = " \t\n\r\f\v";
  size_t first = s.find_first_not_of(spaces);
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(spaces) - first + 1);
}

// "to" as stored: a JSON array of 1..8 trimmed strings of 1..64 bytes.
std::string read_targets(const JsonValue &b) {
  const JsonValue *v = field(b, "to");
  if (!v || !v->IsArray() || v->Empty() || v->Size() > FaqSynonymHandlers::kMaxTargets)
    throw bad_request("to: must be an array of 1..8 strings");
  JsonOut j;
  j.begin_array();
  for (const auto &e : v->GetArray()) {
    if (!e.IsString()) throw bad_request("to: must contain strings only");
    std::string t = trimmed(std::string(e.GetString(), e.GetStringLength()));
    require_utf8(t, "to");
    if (t.empty() || t.size() > FaqSynonymHandlers::kMaxTargetBytes || has_control(t))
      throw bad_request("to: each entry 1..64 bytes of text");
    j.str(t);
  }
  j.end_array();
  return j.take();
}

// "" (any language) or a locale tag.
std::string read_locale(const JsonValue &b) {
  const JsonValue *v = field(b, "locale");
  if (!v) return {};
  if (!v->IsString()) throw bad_request("locale: must be a string");
  std::string l(v->GetString(), v->GetStringLength());
  bool tag = l.size() <= 35 && std::all_of(l.begin(), l.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-';
             });
  if (!tag) throw bad_request("locale: \"\" or a locale tag [A-Za-z0-9_-]{1,35}");
  return l;
}

void read_fields(const JsonValue &b, FaqSynonymRecord &s) {
  s.term = read_term(b);
  s.targets_json = read_targets(b);
  s.locale = read_locale(b);
}

// One entry per (term, locale): a second would be ambiguous (which one wins on devices?).
void check_unique(Call &c, const FaqSynonymRecord &s) {
  auto holder = c.tx->faq().synonym_with_term(c.app->app_key, s.term, s.locale);
  if (holder && *holder != s.id)
    throw ApiError(409, "conflict", "a synonym for this term and locale exists: " + *holder);
}

void render_synonym(JsonOut &j, const FaqSynonymRecord &s) {
  j.begin_object()
      .field("id", s.id)
      .field("term", s.term)
      .raw_field("to", s.targets_json)
      .field("locale", s.locale)
      .field("updated_at", s.updated_at)
      .end_object();
}

Reply synonym_reply(int status, const FaqSynonymRecord &s) {
  JsonOut j;
  render_synonym(j, s);
  return json(status, j.take());
}

// Devices learn of the change like of any FAQ change: a new change sequence and a faq_changed item.
void synonyms_changed(Call &c) {
  emit_faq_changed(c, c.tx->faq().next_seq(c.app->app_key));
}

}  // namespace

void FaqSynonymHandlers::add_routes(Router &r) {
  using K = RouteKind;
  using B = BodyKind;
  using H = FaqSynonymHandlers;
  const char *path = "/v1/agent/faq/synonyms";
  const std::string one = std::string(path) + "/{}";
  r.add({"GET", path, handler(this, &H::list), K::agent, B::none, false, false, false});
  r.add({"POST", path, handler(this, &H::create), K::agent, B::json, true, true, false});
  r.add({"PUT", one, handler(this, &H::replace), K::agent, B::json, true, true, false});
  r.add({"DELETE", one, handler(this, &H::remove), K::agent, B::none, true, true, false});
}

Reply FaqSynonymHandlers::list(Call &c) {
  JsonOut j;
  j.begin_object().key("synonyms").begin_array();
  for (const auto &s : c.tx->faq().synonyms(c.app->app_key)) render_synonym(j, s);
  j.end_array().end_object();
  return json(200, j.take());
}

Reply FaqSynonymHandlers::create(Call &c) {
  const JsonValue &b = *c.body;
  auto id = opt_id(b, "id");
  FaqSynonymRecord s;
  read_fields(b, s);
  const std::string &app = c.app->app_key;
  if (id && c.tx->faq().find_synonym(app, *id)) throw ApiError(409, "conflict", "synonym id exists");
  s.id = id ? *id : new_id("syn_");
  check_unique(c, s);
  if (static_cast<size_t>(c.tx->faq().synonym_count(app)) >= kMaxPerApp)
    throw ApiError(413, "payload_too_large", "at most 2000 synonyms per app");
  s.created_at = s.updated_at = now_ms();
  c.tx->faq().upsert_synonym(app, s);
  synonyms_changed(c);
  return synonym_reply(201, s);
}

Reply FaqSynonymHandlers::replace(Call &c) {
  auto s = c.tx->faq().find_synonym(c.app->app_key, c.params[0]);
  if (!s) throw not_found("synonym");
  read_fields(*c.body, *s);
  check_unique(c, *s);
  s->updated_at = now_ms();
  c.tx->faq().upsert_synonym(c.app->app_key, *s);
  synonyms_changed(c);
  return synonym_reply(200, *s);
}

Reply FaqSynonymHandlers::remove(Call &c) {
  auto s = c.tx->faq().find_synonym(c.app->app_key, c.params[0]);
  if (!s) throw not_found("synonym");
  c.tx->faq().delete_synonym(c.app->app_key, s->id);
  synonyms_changed(c);
  return no_content();
}

}  // namespace helpline::server
