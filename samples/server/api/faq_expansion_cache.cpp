#include "api/faq_expansion_cache.hpp"

#include "api/faq.hpp"
#include "api/render.hpp"
#include "ids.hpp"
#include "json_fields.hpp"

#include <cstdio>

namespace helpline::server {

struct FaqExpansionCache::Slot {
  std::mutex mu;
  int64_t seq = -1;          // the FAQ change sequence the stored table was last checked against
  int64_t learned_at = -1;   // when the learned part was computed (ms); -1: never
  std::string articles_key;  // the articles (ids and change sequences) both parts were computed from
  std::vector<DeflectionRecord> deflections;  // as read at learned_at
  std::vector<FaqExpansion> wordnet, learned;
};

// What one computation reads, in one read transaction.
struct FaqExpansionCache::Inputs {
  int64_t seq = 0;
  std::vector<FaqArticleRecord> articles;  // live, published
  std::string articles_key;
  std::vector<FaqExpansion> agent;
  std::optional<std::vector<DeflectionRecord>> deflections;  // read only when the learned part is due
  std::map<std::string, std::string> stored;
  int64_t stored_seq = 0;  // the FAQ change sequence the stored table was written for
};

namespace {

std::vector<FaqExpansion> agent_entries(const std::vector<FaqSynonymRecord> &rows) {
  std::vector<FaqExpansion> out;
  for (const auto &r : rows) {
    FaqExpansion e{r.term, {}, r.locale, "agent"};
    rapidjson::Document d;
    d.Parse(r.targets_json.c_str(), r.targets_json.size());
    if (d.IsArray())
      for (const auto &t : d.GetArray())
        if (t.IsString()) e.to.emplace_back(t.GetString(), t.GetStringLength());
    out.push_back(std::move(e));
  }
  return out;
}

void render_expansion(JsonOut &j, const FaqExpansion &e) {
  j.begin_object().field("term", e.term).key("to").begin_array();
  for (const auto &t : e.to) j.str(t);
  j.end_array().field("locale", e.locale).field("source", e.source).end_object();
}

}  // namespace

std::map<std::string, std::string> expansion_table(const std::vector<FaqExpansion> &entries) {
  std::map<std::string, std::vector<const FaqExpansion *>> by_locale;
  for (const auto &e : entries) by_locale[e.locale].push_back(&e);
  std::map<std::string, std::string> out;
  for (const auto &[locale, list] : by_locale) {
    JsonOut j;
    j.begin_array();
    for (const auto *e : list) render_expansion(j, *e);
    j.end_array();
    out.emplace(locale, j.take());
  }
  return out;
}

std::string expansions_for_locale(const std::map<std::string, std::string> &table,
                                  const std::optional<std::string> &locale) {
  // The rows are JSON arrays written by expansion_table: joining their insides joins the entries.
  std::string out = "[";
  std::string language = locale ? language_of(*locale) : std::string();
  for (const auto &[l, array] : table) {
    if (locale && !l.empty() && l != *locale && l != language) continue;
    if (array.size() <= 2) continue;
    if (out.size() > 1) out.push_back(',');
    out.append(array, 1, array.size() - 2);
  }
  out.push_back(']');
  return out;
}

FaqExpansionCache::FaqExpansionCache(const ServerConfig &config, Store &store, ChangeNotifier &notifier)
    : config_(config), store_(store), notifier_(notifier) {}

FaqExpansionCache::~FaqExpansionCache() = default;

void FaqExpansionCache::open_wordnet() {
  std::call_once(wordnet_once_, [this] {
    wordnet_ = WordNet::open(config_.wordnet_dir);
    if (!wordnet_)
      std::fprintf(
          stderr,
          "helpline-server: no WordNet database in %s: FAQ query expansions come from agents' synonyms "
          "and deflections only\n",
          config_.wordnet_dir.c_str());
  });
}

FaqExpansionCache::Slot &FaqExpansionCache::slot(const std::string &app) {
  std::lock_guard<std::mutex> lock(mu_);
  auto &s = slots_[app];
  if (!s) s = std::make_unique<Slot>();
  return *s;
}

void FaqExpansionCache::refresh(const std::string &app) {
  open_wordnet();
  Slot &s = slot(app);
  std::lock_guard<std::mutex> lock(s.mu);
  int64_t now = now_ms();
  // A clock set back (the test clock) counts as due too.
  bool learned_due = s.learned_at < 0 || now < s.learned_at ||
                     now - s.learned_at >= config_.faq_learned_refresh_seconds * 1000;
  Inputs in;
  {
    auto tx = store_.read();
    in.seq = tx->faq().seq(app);
    if (in.seq == s.seq && !learned_due) return;  // the common case: one indexed read
    for (auto &a : tx->faq().articles_since(app, 0)) {
      if (a.deleted || !a.published) continue;
      in.articles_key += a.id + ':' + std::to_string(a.change_seq) + ';';
      in.articles.push_back(std::move(a));
    }
    in.agent = agent_entries(tx->faq().synonyms(app));
    if (learned_due) in.deflections = tx->surveys().deflected_queries(app, kLearnedDeflections);
    in.stored = tx->faq().expansions(app);
    in.stored_seq = tx->faq().expansions_seq(app);
  }
  bool articles_changed = in.articles_key != s.articles_key || s.seq < 0;
  if (articles_changed)
    s.wordnet = wordnet_ ? wordnet_expansions(*wordnet_, in.articles) : std::vector<FaqExpansion>{};
  if (in.deflections) {
    s.deflections = std::move(*in.deflections);
    s.learned_at = now;
  }
  // New articles change what is learned (words they contain, their titles) without a new read of deflections.
  if (in.deflections || articles_changed) s.learned = learned_expansions(s.deflections, in.articles);
  s.articles_key = in.articles_key;
  auto table = expansion_table(merge_expansions(std::move(in.agent), s.learned, s.wordnet));
  s.seq = table == in.stored ? in.seq : publish(app, table, in.seq, in.stored_seq == in.seq);
}

int64_t FaqExpansionCache::publish(const std::string &app, const std::map<std::string, std::string> &table,
                                   int64_t seen_seq, bool announce) {
  int64_t seq = seen_seq, event_seq = 0;
  {
    auto tx = store_.write();
    if (tx->faq().seq(app) != seen_seq) return -1;  // the catalog moved: computed from stale articles
    if (announce) {
      seq = tx->faq().next_seq(app);
      EventRecord e = faq_changed_event(seq);
      e.created_at = now_ms();
      event_seq = tx->events().insert(app, e);
    }
    tx->faq().set_expansions(app, seq, table);
    tx->commit();
  }
  if (announce)
    notifier_.notify(app, event_seq, {WakeTarget{std::string(), std::string(), true, std::string()}});
  return seq;
}

}  // namespace helpline::server
