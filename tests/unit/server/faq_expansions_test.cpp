// FAQ query expansions (samples/server/faq_expansions.hpp, docs/protocol.md section 9.1): the WordNet reader
// on the real database (Debian's wordnet-base, /usr/share/wordnet), its morphology, a corrupt copy, the
// WordNet expansions of a small catalog, the learned threshold, and the merge's precedence and bounds.
#define BOOST_TEST_MODULE helpline_server_faq_expansions
#include <boost/test/unit_test.hpp>

#include "api/faq_expansion_cache.hpp"
#include "faq_expansions.hpp"
#include "server_test_support.hpp"
#include "wordnet.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace helpline::server;
using helpline::server::test::TempDir;

namespace {

const char *const kWordNetDir = "/usr/share/wordnet";

const WordNet &wordnet() {
  static std::unique_ptr<WordNet> wn = WordNet::open(kWordNetDir);
  BOOST_REQUIRE_MESSAGE(wn, "WordNet missing in /usr/share/wordnet (apt-get install wordnet-base)");
  return *wn;
}

bool contains(const std::vector<std::string> &v, const std::string &s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

FaqArticleRecord article(const std::string &id, const std::string &locale, const std::string &title,
                         const std::string &body, const std::string &tags_json = "[]") {
  FaqArticleRecord a;
  a.id = id;
  a.section_id = "s";
  a.locale = locale;
  a.title = title;
  a.body = body;
  a.tags_json = tags_json;
  return a;
}

const FaqExpansion *find(const std::vector<FaqExpansion> &table, const std::string &term,
                         const std::string &locale = "en") {
  for (const auto &e : table)
    if (e.term == term && e.locale == locale) return &e;
  return nullptr;
}

DeflectionRecord deflection(const std::string &device, const std::string &query,
                            const std::string &article_id, std::optional<std::string> ticket = std::nullopt) {
  DeflectionRecord d;
  d.id = "df-" + device + query;
  d.owner = "device:" + device;
  d.device_id = device;
  d.article_ids_json = "[\"" + article_id + "\"]";
  d.query = query;
  d.ticket_id = std::move(ticket);
  return d;
}

FaqExpansion entry(const std::string &term, std::vector<std::string> to, const std::string &source,
                   const std::string &locale = "en") {
  return FaqExpansion{term, std::move(to), locale, source};
}

// A copy of the WordNet files where data.noun is replaced by `noun_data`.
void copy_wordnet_with_noun_data(const TempDir &dir, const std::string &noun_data) {
  for (const auto &f : std::filesystem::directory_iterator(kWordNetDir))
    std::filesystem::copy_file(f.path(), dir.path() / f.path().filename());
  dir.write("data.noun", noun_data);
}

std::string file_text(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(wordnet_reader)

BOOST_AUTO_TEST_CASE(synonyms_are_the_other_lemmas_of_a_synset) {
  const WordNet &wn = wordnet();
  BOOST_TEST(contains(wn.synonyms("phone", WnPos::noun), "telephone"));
  BOOST_TEST(contains(wn.synonyms("telephone", WnPos::noun), "phone"));
  BOOST_TEST(contains(wn.synonyms("car", WnPos::noun), "automobile"));
  BOOST_TEST(contains(wn.synonyms("big", WnPos::adj), "large"));
  BOOST_TEST(!contains(wn.synonyms("phone", WnPos::noun), "phone"));
  BOOST_TEST(wn.synonyms("xyzzyplugh", WnPos::noun).empty());
}

BOOST_AUTO_TEST_CASE(derivationally_related_forms_cross_parts_of_speech) {
  const WordNet &wn = wordnet();
  BOOST_TEST(contains(wn.derivations("pay", WnPos::verb), "payment"));
  BOOST_TEST(contains(wn.derivations("payment", WnPos::noun), "pay"));
  BOOST_TEST(contains(wn.derivations("install", WnPos::verb), "installation"));
}

BOOST_AUTO_TEST_CASE(the_index_gives_sense_counts_and_synsets_their_words_and_pointers) {
  const WordNet &wn = wordnet();
  auto phone = wn.lookup("phone", WnPos::noun);
  BOOST_REQUIRE(phone);
  BOOST_TEST(phone->senses == 3);
  BOOST_TEST(phone->offsets.size() == 3u);
  auto s = wn.synset(WnPos::noun, phone->offsets[0]);
  BOOST_REQUIRE(s);
  BOOST_TEST(contains(s->words, "telephone_set"));  // collocations keep WordNet's underscore
  BOOST_TEST(!s->pointers.empty());
  BOOST_TEST(wn.lookup("get", WnPos::verb)->senses > kMaxWordNetSenses);
  BOOST_TEST(!wn.synset(WnPos::noun, phone->offsets[0] + 1).has_value());  // not the start of a synset line
  BOOST_TEST(!wn.synset(WnPos::noun, 4000000000u).has_value());
  BOOST_TEST(!wn.lookup("", WnPos::noun).has_value());
  BOOST_TEST(!wn.lookup("  1", WnPos::noun).has_value());  // the license lines are not entries
}

BOOST_AUTO_TEST_CASE(morphology_finds_base_forms_by_rules_and_exception_lists) {
  const WordNet &wn = wordnet();
  BOOST_TEST(contains(wn.base_forms("batteries", WnPos::noun), "battery"));  // -ies -> -y
  BOOST_TEST(contains(wn.base_forms("boxes", WnPos::noun), "box"));          // -xes -> -x
  BOOST_TEST(contains(wn.base_forms("switches", WnPos::noun), "switch"));    // -ches -> -ch
  BOOST_TEST(contains(wn.base_forms("settings", WnPos::noun), "setting"));   // -s
  BOOST_TEST(contains(wn.base_forms("charging", WnPos::verb), "charge"));    // -ing -> -e
  BOOST_TEST(contains(wn.base_forms("updated", WnPos::verb), "update"));     // -ed -> -e
  BOOST_TEST(contains(wn.base_forms("installed", WnPos::verb), "install"));  // -ed
  BOOST_TEST(contains(wn.base_forms("mice", WnPos::noun), "mouse"));         // noun.exc
  BOOST_TEST(contains(wn.base_forms("children", WnPos::noun), "child"));     // noun.exc
  BOOST_TEST(contains(wn.base_forms("ran", WnPos::verb), "run"));            // verb.exc
  BOOST_TEST(contains(wn.base_forms("better", WnPos::adj), "good"));         // adj.exc
  BOOST_TEST(contains(wn.base_forms("faster", WnPos::adj), "fast"));         // -er
  BOOST_TEST(contains(wn.base_forms("phone", WnPos::noun), "phone"));        // already a lemma
  BOOST_TEST(!contains(wn.base_forms("glass", WnPos::noun), "glas"));        // nouns in -ss stay
  BOOST_TEST(wn.base_forms("qwrtzx", WnPos::noun).empty());
}

BOOST_AUTO_TEST_CASE(a_directory_without_wordnet_opens_as_null) {
  TempDir empty;
  BOOST_TEST(!WordNet::open(empty.path().string()));
  BOOST_TEST(!WordNet::open("/nonexistent/wordnet"));
}

BOOST_AUTO_TEST_CASE(a_truncated_data_file_gives_fewer_answers_and_no_crash) {
  TempDir dir;
  std::string noun = file_text(std::string(kWordNetDir) + "/data.noun");
  BOOST_REQUIRE(noun.size() > 4401088);
  copy_wordnet_with_noun_data(dir, noun.substr(0, 3800000));  // cut in the middle of a line
  auto wn = WordNet::open(dir.path().string());
  BOOST_REQUIRE(wn);
  // "telephone" is in the index, its synset past the cut: no synonyms rather than garbage.
  BOOST_TEST(wn->synonyms("telephone", WnPos::noun).empty());
  BOOST_TEST(contains(wn->synonyms("big", WnPos::adj), "large"));  // the other files still answer
  auto table = wordnet_expansions(*wn, {article("a", "en", "Telephone battery", "The phone gets hot.")});
  BOOST_TEST(!find(table, "telephone set"));
}

BOOST_AUTO_TEST_CASE(a_corrupt_data_file_gives_no_crash) {
  TempDir dir;
  std::string noun = file_text(std::string(kWordNetDir) + "/data.noun");
  // Every tenth byte overwritten: broken numbers, counts past the line, offsets past the file.
  for (size_t i = 0; i < noun.size(); i += 10) noun[i] = static_cast<char>('0' + (i / 10) % 43);
  copy_wordnet_with_noun_data(dir, noun);
  auto wn = WordNet::open(dir.path().string());
  BOOST_REQUIRE(wn);
  std::vector<FaqArticleRecord> catalog{article("a", "en", "Phone payment and battery",
                                                "Charge the telephone, update the settings, pay online.")};
  auto table = wordnet_expansions(*wn, catalog);
  BOOST_TEST(table.size() <= kMaxExpansions);
  for (const auto &term : {"phone", "battery", "payment", "car", "house"}) wn->synonyms(term, WnPos::noun);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(wordnet_expansions_of_a_catalog)

BOOST_AUTO_TEST_CASE(synonyms_and_derived_forms_point_at_the_catalog_words) {
  std::vector<FaqArticleRecord> catalog{article("a", "en", "Phone will not charge",
                                                "Check the payment of your subscription.", R"(["battery"])")};
  auto table = wordnet_expansions(wordnet(), catalog);
  const FaqExpansion *telephone = find(table, "telephone");
  BOOST_REQUIRE(telephone);
  BOOST_TEST(contains(telephone->to, "phone"));
  BOOST_TEST(telephone->source == "wordnet");
  const FaqExpansion *pay = find(table, "pay");  // derivationally related to "payment"
  BOOST_REQUIRE(pay);
  BOOST_TEST(contains(pay->to, "payment"));
  BOOST_TEST(find(table, "telephone set"));  // multi-word lemmas with spaces
  BOOST_TEST(!find(table, "phone"));         // catalog words are matched by the device already
  BOOST_TEST(!find(table, "charge"));
  for (const auto &e : table) {
    BOOST_TEST(e.to.size() <= kMaxWordNetTargets);
    BOOST_TEST(e.locale == "en");
    BOOST_TEST(e.term.find('_') == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(adjectives_bring_similar_lemmas) {
  auto table = wordnet_expansions(wordnet(), {article("a", "en", "The display is dark", "Nothing shows.")});
  const FaqExpansion *dim = find(table, "dim");  // dark & dim
  BOOST_REQUIRE(dim);
  BOOST_TEST(contains(dim->to, "dark"));
}

BOOST_AUTO_TEST_CASE(only_english_live_published_articles_count) {
  FaqArticleRecord draft = article("b", "en", "Telephone", "Telephone.");
  draft.published = false;
  FaqArticleRecord deleted = article("c", "en-GB", "Automobile", "Automobile.");
  deleted.deleted = true;
  auto table =
      wordnet_expansions(wordnet(), {article("a", "de-DE", "Telefon Auto", "Das Telefon laedt nicht."), draft,
                                     deleted, article("d", "en-US", "Payment", "Payment.")});
  BOOST_TEST(!find(table, "phone"));  // from the draft
  BOOST_TEST(!find(table, "car"));    // from the deleted article
  BOOST_TEST(find(table, "pay"));     // en-US is English
}

BOOST_AUTO_TEST_CASE(very_general_lemmas_and_function_words_are_left_out) {
  // "get" (36 verb senses) and "set" have more than kMaxWordNetSenses senses; "can" is a function word.
  auto table = wordnet_expansions(wordnet(), {article("a", "en", "Get set", "You can.")});
  BOOST_TEST(!find(table, "obtain"));
  BOOST_TEST(!find(table, "tin"));
  BOOST_TEST(!find(table, "toilet"));
}

BOOST_AUTO_TEST_CASE(the_table_is_bounded_and_best_supported_first) {
  std::string body;
  for (const char *w : {"phone", "battery", "payment", "screen", "cable", "network", "account", "password",
                        "invoice", "delivery", "refund", "order", "printer", "router", "speaker", "camera"})
    body += std::string(w) + " ";
  std::vector<FaqArticleRecord> catalog{article("a", "en", "Everything", body)};
  auto all = wordnet_expansions(wordnet(), catalog);
  BOOST_REQUIRE(all.size() > 20u);
  auto ten = wordnet_expansions(wordnet(), catalog, 10);
  BOOST_TEST(ten.size() == 10u);
  for (size_t i = 0; i < ten.size(); ++i) BOOST_TEST(ten[i].term == all[i].term);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(learned)

std::vector<FaqArticleRecord> learned_catalog() {
  return {article("wifi", "en", "Thermostat keeps disconnecting from the network", "Move the router closer."),
          article("e42", "en", "Error E42 on the thermostat", "The sensor did not answer."),
          article("de1", "de", "Thermostat verliert das Netzwerk", "Router naeher stellen.")};
}

BOOST_AUTO_TEST_CASE(two_devices_are_not_enough_three_are) {
  auto catalog = learned_catalog();
  std::vector<DeflectionRecord> d{deflection("dev-1", "offline again", "wifi"),
                                  deflection("dev-2", "Offline!", "wifi"),
                                  deflection("dev-2", "offline", "wifi")};  // the same device twice
  BOOST_TEST(learned_expansions(d, catalog).empty());
  d.push_back(deflection("dev-3", "thermostat offline", "wifi"));
  auto table = learned_expansions(d, catalog);
  const FaqExpansion *offline = find(table, "offline");
  BOOST_REQUIRE(offline);
  BOOST_TEST(offline->source == "learned");
  // The two rarest title words: "disconnecting", "keeps", "network" appear once; "thermostat" in every
  // article.
  BOOST_TEST(offline->to.size() == 2u);
  BOOST_TEST(!contains(offline->to, "thermostat"));
  BOOST_TEST(!find(table, "again"));       // "again" is a function word
  BOOST_TEST(!find(table, "thermostat"));  // the catalog has it
}

BOOST_AUTO_TEST_CASE(tickets_written_anyway_erased_devices_and_unknown_articles_do_not_count) {
  auto catalog = learned_catalog();
  std::vector<DeflectionRecord> d{deflection("dev-1", "offline", "wifi"),
                                  deflection("dev-2", "offline", "wifi"),
                                  deflection("dev-3", "offline", "wifi", std::string("t_1")),
                                  deflection("", "offline", "wifi"), deflection("dev-4", "offline", "gone")};
  BOOST_TEST(learned_expansions(d, catalog).empty());
  BOOST_TEST(learned_expansions(d, catalog, 2).size() == 1u);  // the threshold is a parameter
}

BOOST_AUTO_TEST_CASE(the_entry_takes_the_language_of_the_article) {
  auto catalog = learned_catalog();
  std::vector<DeflectionRecord> d;
  for (const char *dev : {"d1", "d2", "d3"}) d.push_back(deflection(dev, "WLAN weg", "de1"));
  auto table = learned_expansions(d, catalog);
  BOOST_TEST(find(table, "wlan", "de"));
  BOOST_TEST(find(table, "weg", "de"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(merge)

BOOST_AUTO_TEST_CASE(agent_wins_over_learned_and_learned_over_wordnet) {
  auto table = merge_expansions(
      {entry("Cell  Phone", {"phone"}, "agent")},
      {entry("cell phone", {"mobile"}, "learned"), entry("offline", {"network"}, "learned")},
      {entry("offline", {"disconnected"}, "wordnet"), entry("telephone", {"phone"}, "wordnet")});
  BOOST_REQUIRE_EQUAL(table.size(), 3u);
  BOOST_TEST(table[0].term == "cell phone");
  BOOST_TEST(table[0].source == "agent");
  BOOST_TEST(table[0].to == std::vector<std::string>{"phone"});
  BOOST_TEST(find(table, "offline")->source == "learned");
  BOOST_TEST(find(table, "telephone")->source == "wordnet");
}

BOOST_AUTO_TEST_CASE(an_agent_entry_for_every_language_covers_each_locale) {
  auto table = merge_expansions({entry("telephone", {"handset"}, "agent", "")}, {},
                                {entry("telephone", {"phone"}, "wordnet", "en")});
  BOOST_REQUIRE_EQUAL(table.size(), 1u);
  BOOST_TEST(table[0].locale == "");
  // Another locale is another key when the agent named a locale.
  table = merge_expansions({entry("telephone", {"handset"}, "agent", "de")}, {},
                           {entry("telephone", {"phone"}, "wordnet", "en")});
  BOOST_TEST(table.size() == 2u);
}

BOOST_AUTO_TEST_CASE(targets_are_deduplicated_capped_and_never_the_term) {
  std::vector<std::string> many{"cell phone", "a", "A", " b ", "c", "d", "e", "f", "g", "h", "i", "j"};
  auto table = merge_expansions({entry("cell phone", many, "agent")}, {}, {});
  BOOST_REQUIRE_EQUAL(table.size(), 1u);
  BOOST_TEST(table[0].to.size() == kMaxExpansionTargets);
  BOOST_TEST(table[0].to[0] == "a");
  BOOST_TEST(table[0].to[1] == "b");
  BOOST_TEST(!contains(table[0].to, "cell phone"));
  BOOST_TEST(
      merge_expansions({entry("x", {"x", " "}, "agent")}, {}, {}).empty());  // nothing left to point at
}

BOOST_AUTO_TEST_CASE(the_whole_table_is_bounded_keeping_agent_then_learned_then_wordnet) {
  std::vector<FaqExpansion> agent, learned, wn;
  for (int i = 0; i < 3000; ++i) agent.push_back(entry("agent" + std::to_string(i), {"t"}, "agent"));
  for (int i = 0; i < 3000; ++i) learned.push_back(entry("learned" + std::to_string(i), {"t"}, "learned"));
  for (int i = 0; i < 3000; ++i) wn.push_back(entry("wn" + std::to_string(i), {"t"}, "wordnet"));
  auto table = merge_expansions(agent, learned, wn);
  BOOST_TEST(table.size() == kMaxExpansions);
  BOOST_TEST(table[2999].source == "agent");
  BOOST_TEST(table[3000].source == "learned");
  BOOST_TEST(table[3000].term == "learned0");
  BOOST_TEST(table.back().term == "learned1095");  // the best-supported learned entries, in order
  BOOST_TEST(
      std::none_of(table.begin(), table.end(), [](const FaqExpansion &e) { return e.source == "wordnet"; }));
  BOOST_TEST(merge_expansions(agent, learned, wn, 10).size() == 10u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(stored_table)

BOOST_AUTO_TEST_CASE(rows_per_locale_and_the_locale_filter_of_get_faq) {
  auto rows = expansion_table(
      {entry("telephone", {"phone"}, "wordnet", "en"), entry("handy", {"telefon"}, "agent", "de"),
       entry("cell phone", {"phone"}, "agent", ""), entry("colour", {"color"}, "agent", "en-GB")});
  BOOST_TEST(rows.size() == 4u);
  auto terms = [&](const std::optional<std::string> &locale) {
    std::vector<std::string> out;
    auto doc = helpline::server::test::parse(expansions_for_locale(rows, locale));
    for (const auto &e : doc.GetArray()) out.emplace_back(e["term"].GetString());
    std::sort(out.begin(), out.end());
    return out;
  };
  BOOST_TEST(terms(std::nullopt) == (std::vector<std::string>{"cell phone", "colour", "handy", "telephone"}));
  BOOST_TEST(terms(std::string("en-US")) == (std::vector<std::string>{"cell phone", "telephone"}));
  BOOST_TEST(terms(std::string("en-GB")) == (std::vector<std::string>{"cell phone", "colour", "telephone"}));
  BOOST_TEST(terms(std::string("de")) == (std::vector<std::string>{"cell phone", "handy"}));
  BOOST_TEST(expansions_for_locale({}, std::string("fr")) == "[]");
}

BOOST_AUTO_TEST_SUITE_END()
