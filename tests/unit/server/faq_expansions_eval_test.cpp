// What the server's query expansions add to the device's FAQ search, per source, measured on both evaluation
// sets (tests/data/faq, tests/data/faq_bank) with their development / held-out split (faq_eval.hpp).
// Each configuration is a full catalog answer with an "expansions" table, applied through the device's own
// FaqCatalog into a real SQLite file and searched with FaqSearch, exactly as a device receives it:
//   none      no table;
//   wordnet   wordnet_expansions() over the catalog (Debian's wordnet-base);
//   learned   learned_expansions() from deflections: every development query, as if three devices searched
//             it and then left without a ticket through its first relevant article (the held-out queries are
//             never learned from, so their numbers are the honest ones);
//   both      merge_expansions() of the two, as the server ships it.
// Prints MRR@10 per kind and part for each; asserts the table stays bounded and that no source costs the
// held-out part more than 0.02 MRR overall (a source that hurts unseen queries must not ship silently).
// The third case measures the English stemmer's over-reach on the catalogs' own English words: words Snowball
// gives one stem that WordNet neither inflects from one lemma nor links as derivations.
#define BOOST_TEST_MODULE faq_expansions_eval
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/json_out.hpp"
#include "faq/engine/faq_text.hpp"
#include "faq_expansions.hpp"
#include "helpline/testing/faq_db.hpp"
#include "helpline/testing/faq_eval.hpp"
#include "wordnet.hpp"

using namespace helpline::server;
using namespace helpline::testing;

namespace {

const char *const kSources[] = {"none", "wordnet", "learned", "both"};

struct Scores {
  std::map<std::string, EvalScore> dev, held;
};

std::vector<std::string> ids(const std::string &json) {
  std::vector<std::string> out;
  rapidjson::Document d;
  d.Parse(json.c_str());
  for (const auto &h : d["hits"].GetArray()) out.emplace_back(h["id"].GetString());
  return out;
}

// The catalog's articles as the server's store holds them.
std::vector<FaqArticleRecord> records(const EvalSet &set) {
  rapidjson::Document a;
  a.Parse(set.articles_json.c_str());
  std::vector<FaqArticleRecord> out;
  for (const auto &v : a.GetArray()) {
    FaqArticleRecord r;
    r.id = v["id"].GetString();
    r.section_id = v["section_id"].GetString();
    r.locale = v["locale"].GetString();
    r.title = v["title"].GetString();
    r.body = v.HasMember("body") ? v["body"].GetString() : "";
    r.tags_json = v.HasMember("tags") ? eval_dump(v["tags"]) : "[]";
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<DeflectionRecord> deflections_of_dev_queries(const EvalSet &set) {
  std::vector<DeflectionRecord> out;
  int n = 0;
  for (const auto &q : set.queries) {
    if (q.held_out) continue;
    for (int device = 0; device < 3; ++device) {
      DeflectionRecord d;
      d.id = "d" + std::to_string(++n);
      d.owner = "device:dev-" + std::to_string(device);
      d.device_id = "dev-" + std::to_string(device);
      d.article_ids_json = "[\"" + q.relevant.front() + "\"]";
      d.query = q.text;
      d.created_at = 1700000000000 + n;
      out.push_back(std::move(d));
    }
  }
  return out;
}

std::string table_json(const std::vector<FaqExpansion> &entries) {
  helpline::detail::JsonOut j;
  j.begin_array();
  for (const auto &e : entries) {
    j.begin_object().field("term", e.term).key("to").begin_array();
    for (const auto &t : e.to) j.str(t);
    j.end_array().field("locale", e.locale).field("source", e.source).end_object();
  }
  j.end_array();
  return j.take();
}

Scores run(const EvalSet &set, const std::string &expansions) {
  FaqDb db;
  std::string answer = faq_answer(true, set.sections_json, set.articles_json);
  if (!expansions.empty()) answer.insert(answer.size() - 1, ",\"expansions\":" + expansions);
  db.catalog->apply(answer);
  Scores s;
  for (const auto &q : set.queries) {
    auto ranked = ids(db.search->search_json(q.text, q.locale, 10));
    auto &part = q.held_out ? s.held : s.dev;
    for (const std::string &k : {q.kind, std::string("all")}) part[k].add(ranked, q.relevant);
  }
  return s;
}

void report(const std::string &name, const char *part, const std::map<std::string, Scores> &by_source,
            bool held) {
  std::printf("\n[%s] %s: MRR@10 per expansion source\n%-20s %4s", name.c_str(), part, "kind", "n");
  for (const char *src : kSources) std::printf(" %8s", src);
  std::printf("\n");
  const auto &none = held ? by_source.at("none").held : by_source.at("none").dev;
  for (const auto &[kind, score] : none) {
    std::printf("%-20s %4d", kind.c_str(), score.n);
    for (const char *src : kSources) {
      const auto &p = held ? by_source.at(src).held : by_source.at(src).dev;
      std::printf(" %8.3f", p.at(kind).m());
    }
    std::printf("\n");
  }
  std::fflush(stdout);
}

void measure(const std::string &name, const std::string &dir) {
  EvalSet set = load_eval_set(name, dir);
  auto wn = WordNet::open("/usr/share/wordnet");
  BOOST_REQUIRE_MESSAGE(wn, "WordNet (Debian's wordnet-base) is installed by cmake/install-deps.sh");
  auto articles = records(set);
  auto wordnet = wordnet_expansions(*wn, articles);
  auto learned = learned_expansions(deflections_of_dev_queries(set), articles);
  auto both = merge_expansions({}, learned, wordnet);
  BOOST_TEST(wordnet.size() <= kMaxExpansions);
  BOOST_TEST(both.size() <= kMaxExpansions);
  for (const auto &e : both) BOOST_TEST(e.to.size() <= kMaxExpansionTargets);
  std::map<std::string, std::string> tables = {{"none", ""},
                                               {"wordnet", table_json(wordnet)},
                                               {"learned", table_json(learned)},
                                               {"both", table_json(both)}};
  std::printf(
      "\n[%s] table sizes: wordnet %zu entries (%zu bytes), learned %zu entries (%zu bytes), both %zu\n",
      name.c_str(), wordnet.size(), tables["wordnet"].size(), learned.size(), tables["learned"].size(),
      both.size());
  std::map<std::string, Scores> by_source;
  for (const char *src : kSources) by_source[src] = run(set, tables[src]);
  report(name, "development part (the learned table comes from these queries)", by_source, false);
  report(name, "held-out part (never learned from, never tuned on)", by_source, true);
  const double base = by_source["none"].held.at("all").m();
  for (const char *src : kSources) BOOST_TEST_CONTEXT(name << " held-out, source " << src) {
      BOOST_TEST(by_source[src].held.at("all").m() >= base - 0.02);
    }
}

}  // namespace

BOOST_AUTO_TEST_CASE(own_set) {
  measure("own", HELPLINE_FAQ_DATA_DIR "/faq");
}

BOOST_AUTO_TEST_CASE(independent_set) {
  measure("bank", HELPLINE_FAQ_DATA_DIR "/faq_bank");
}

namespace {

bool related(const WordNet &wn, const std::string &a, const std::string &b) {
  std::set<std::string> la, lb;
  for (WnPos pos : kWnPoses) {
    for (auto &l : wn.base_forms(a, pos)) la.insert(l);
    for (auto &l : wn.base_forms(b, pos)) lb.insert(l);
  }
  for (const auto &l : la)
    if (lb.count(l)) return true;  // inflections of one lemma
  for (WnPos pos : kWnPoses)
    for (const auto &x : la)
      for (const auto &d : wn.derivations(x, pos))
        if (lb.count(d)) return true;  // derivationally related ("connect", "connection")
  return la.empty() || lb.empty();     // WordNet does not know one of them: no verdict, not counted
}

}  // namespace

BOOST_AUTO_TEST_CASE(english_stemmer_over_reach_on_both_catalogs) {
  auto wn = WordNet::open("/usr/share/wordnet");
  BOOST_REQUIRE(wn);
  helpline::detail::Stemmer stemmer;
  for (const char *name : {"own", "bank"}) {
    EvalSet set = load_eval_set(
        name, std::string(HELPLINE_FAQ_DATA_DIR "/") + (std::string(name) == "own" ? "faq" : "faq_bank"));
    std::map<std::string, std::set<std::string>> by_stem;
    for (const auto &a : set.articles) {
      if (a.locale.rfind("en", 0) != 0) continue;
      std::string w;
      for (char c : a.title + " " + a.body + " " + a.tags + " ") {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c >= 'a' && c <= 'z') {
          w.push_back(c);
        } else {
          if (w.size() >= 3) by_stem[stemmer.stem(w, "en")].insert(w);
          w.clear();
        }
      }
    }
    size_t words = 0, shared = 0, over = 0;
    std::string examples;
    for (const auto &[stem, group] : by_stem) {
      words += group.size();
      if (group.size() < 2) continue;
      ++shared;
      bool bad = false;
      std::string pair;
      for (auto i = group.begin(); i != group.end() && !bad; ++i)
        for (auto j = std::next(i); j != group.end() && !bad; ++j)
          if (!related(*wn, *i, *j)) bad = true, pair = *i + "/" + *j;
      if (!bad) continue;
      ++over;
      if (over <= 12) examples += (examples.empty() ? "" : ", ") + pair;
    }
    std::printf(
        "\n[%s] English stemming: %zu words, %zu stems, %zu stems shared by 2+ words, %zu of them "
        "(%.1f %%) join words WordNet does not relate: %s\n",
        name, words, by_stem.size(), shared, over,
        shared ? 100.0 * static_cast<double>(over) / static_cast<double>(shared) : 0.0, examples.c_str());
    BOOST_TEST(shared > 0u);
    BOOST_TEST(static_cast<double>(over) <= 0.15 * static_cast<double>(shared), name);
  }
}
