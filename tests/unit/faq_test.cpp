// The offline FAQ's behaviour: applying server answers (full, delta, deletions, locale moves), votes,
// search over odd input, locale fallback, snippets and ticket deflection.
#define BOOST_TEST_MODULE helpline_faq
#include <boost/test/unit_test.hpp>

#include "helpline/testing/checks.hpp"
#include "helpline/testing/faq_db.hpp"
#include "helpline/testing/internal_errors.hpp"
#include "helpline/testing/temp_dir.hpp"

using namespace helpline::testing;

namespace {

long long count(FaqDb &db, const char *sql) {
  return static_cast<long long>(helpline::detail::query_int64(db.writer.get(), sql));
}

// Two sections, three articles: the catalog most cases start from.
void seed(FaqDb &db) {
  db.catalog->apply(faq_answer(
      true, "[" + section("s1", "en", "Thermostat") + "," + section("s2", "de", "Thermostat DE") + "]",
      "[" +
          article("a1", "s1", "en", "Thermostat keeps disconnecting from Wi-Fi",
                  "Move the router closer. Error E42 means the cloud is unreachable.",
                  "[\"wlan\",\"offline\"]") +
          "," +
          article("a2", "s1", "en", "Reset your password", "Tap Forgot password on the sign-in screen.") +
          "," + article("a3", "s2", "de", "Passwort zurücksetzen", "Tippen Sie auf Passwort vergessen.") +
          "]",
      "[]", "[]", "10"));
}

}  // namespace

BOOST_AUTO_TEST_CASE(full_snapshot_stores_sections_articles_index_and_cursor) {
  FaqDb db;
  seed(db);
  BOOST_TEST(count(db, "SELECT count(*) FROM faq_sections") == 2);
  BOOST_TEST(count(db, "SELECT count(*) FROM faq_articles") == 3);
  BOOST_TEST(db.catalog->cursor() == "10");
  BOOST_TEST(hit_ids(db.search->search_json("password", "en", 10)).front() == "a2");
}

BOOST_AUTO_TEST_CASE(delta_upserts_deletes_and_moves_locale_in_one_apply) {
  FaqDb db;
  seed(db);
  auto r = db.catalog->apply(
      faq_answer(false, "[]",
                 "[" + article("a2", "s2", "de", "Kennwort ändern", "Neues Kennwort festlegen.") + "," +
                     article("a4", "s1", "en", "Printer offline", "Restart the printer.") + "]",
                 "[]", "[\"a1\",\"missing\"]", "11"));
  BOOST_TEST(r.upserted == 2);
  BOOST_TEST(r.deleted == 1);  // "missing" was never there
  BOOST_TEST(r.cursor == "11");
  BOOST_TEST(!r.full);
  BOOST_TEST(hit_ids(db.search->search_json("disconnecting", "en", 10)).empty());
  BOOST_TEST(hit_ids(db.search->search_json("printer offline", "en", 10)).front() == "a4");
  // a2 moved to German: found by its new words, gone for the old ones.
  BOOST_TEST(hit_ids(db.search->search_json("kennwort", "de", 10)).front() == "a2");
  BOOST_TEST(hit_ids(db.search->search_json("forgot", "en", 10)).empty());
  auto art = parse(db.search->article_json("a2"));
  BOOST_TEST(std::string(art["locale"].GetString()) == "de");
  // Index and vocabulary hold nothing of the removed text.
  BOOST_TEST(count(db, "SELECT count(*) FROM faq_terms WHERE term = 'disconnecting'") == 0);
  BOOST_TEST(count(db, "SELECT count(*) FROM faq_fts WHERE faq_fts MATCH 'forgot'") == 0);
  helpline::detail::exec(db.writer.get(), "INSERT INTO faq_fts(faq_fts) VALUES('integrity-check')");
}

BOOST_AUTO_TEST_CASE(full_snapshot_replaces_everything_and_counts_what_went) {
  FaqDb db;
  seed(db);
  auto r = db.catalog->apply(faq_answer(true, "[" + section("s1", "en", "Only") + "]",
                                        "[" + article("a9", "s1", "en", "Brand new", "Only article.") + "]"));
  BOOST_TEST(r.full);
  BOOST_TEST(r.upserted == 2);
  BOOST_TEST(r.deleted == 4);  // s2, a1, a2, a3
  BOOST_TEST(count(db, "SELECT count(*) FROM faq_articles") == 1);
  BOOST_TEST(hit_ids(db.search->search_json("password", "", 10)).empty());
  BOOST_TEST(count(db, "SELECT count(*) FROM faq_terms WHERE term = 'password'") == 0);
  helpline::detail::exec(db.writer.get(), "INSERT INTO faq_fts(faq_fts) VALUES('integrity-check')");
}

BOOST_AUTO_TEST_CASE(malformed_answers_are_invalid_json_and_change_nothing) {
  FaqDb db;
  seed(db);
  const std::string bad[] = {
      "",
      "not json",
      "[]",
      "{\"full\":true,\"sections\":[],\"articles\":[]}",                 // no cursor
      "{\"full\":\"yes\",\"cursor\":\"1\"}",                             // full not a bool
      "{\"full\":true,\"cursor\":\"1\",\"articles\":{}}",                // not an array
      "{\"full\":true,\"cursor\":\"1\",\"articles\":[{\"id\":\"x\"}]}",  // fields missing
      "{\"full\":true,\"cursor\":\"1\",\"articles\":[{\"id\":7,\"section_id\":\"s\",\"locale\":\"en\","
      "\"title\":\"t\"}]}",
      "{\"full\":false,\"cursor\":\"1\",\"deleted\":{\"articles\":[1]}}",
      "{\"full\":true,\"cursor\":\"1\",\"sections\":[{\"id\":\"s\",\"locale\":\"en\",\"title\":\"t\","
      "\"position\":1.5}]}",
      "{\"full\":true,\"cursor\":\"\xff\"}",
  };
  for (const auto &json : bad) {
    BOOST_TEST_CONTEXT(json) {
      BOOST_TEST(status_of([&] { db.catalog->apply(json); }) == HELPLINE_E_INVALID_JSON);
    }
  }
  BOOST_TEST(count(db, "SELECT count(*) FROM faq_articles") == 3);
  BOOST_TEST(db.catalog->cursor() == "10");
}

BOOST_AUTO_TEST_CASE(votes_are_recorded_replaced_and_refused_for_unknown_articles) {
  FaqDb db;
  seed(db);
  BOOST_TEST(parse(db.search->article_json("a1"))["vote"].IsNull());
  db.catalog->record_vote("a1", true);
  BOOST_TEST(parse(db.search->article_json("a1"))["vote"].GetBool() == true);
  db.catalog->record_vote("a1", false);
  BOOST_TEST(parse(db.search->article_json("a1"))["vote"].GetBool() == false);
  BOOST_TEST(count(db, "SELECT count(*) FROM faq_votes") == 1);
  BOOST_TEST(status_of([&] { db.catalog->record_vote("nope", true); }) == HELPLINE_E_NOT_FOUND);
  // A deleted article takes its vote with it.
  db.catalog->apply(faq_answer(false, "[]", "[]", "[]", "[\"a1\"]", "12"));
  BOOST_TEST(count(db, "SELECT count(*) FROM faq_votes") == 0);
}

BOOST_AUTO_TEST_CASE(etag_and_cursor_round_trip) {
  FaqDb db;
  BOOST_TEST(db.catalog->cursor().empty());
  BOOST_TEST(db.catalog->etag().empty());
  db.catalog->set_etag("\"10-*\"");
  BOOST_TEST(db.catalog->etag() == "\"10-*\"");
}

BOOST_AUTO_TEST_CASE(bad_queries_give_zero_hits_or_a_clear_status_never_an_sql_error) {
  FaqDb db;
  seed(db);
  const char *odd[] = {"",
                       "   ",
                       "?!.,;",
                       "\"",
                       "\"\"\"",
                       "*",
                       "pass*",
                       "NEAR(",
                       "NEAR(a b",
                       "AND",
                       "OR",
                       "NOT",
                       "a AND",
                       "AND OR NOT",
                       "^password",
                       "title:password",
                       "{title}: x",
                       "(((",
                       ")",
                       "\"unbalanced",
                       "password\"",
                       "-",
                       "--",
                       "+",
                       "e42)",
                       "col:e42",
                       "NEAR(\"wifi\" \"e42\", 2)",
                       "\x01\x02",
                       "😀",
                       "ü",
                       "\xe2\x80\x94"};
  for (const char *q : odd) {
    BOOST_TEST_CONTEXT(q) {
      std::string json;
      BOOST_TEST(status_of([&] { json = db.search->search_json(q, "en", 10); }) == HELPLINE_OK);
      BOOST_TEST(parse(json)["hits"].IsArray());
    }
  }
  BOOST_TEST(hit_ids(db.search->search_json("", "en", 10)).empty());
  BOOST_TEST(hit_ids(db.search->search_json("?!", "en", 10)).empty());
  BOOST_TEST(hit_ids(db.search->search_json("how do I", "en", 10)).empty());  // stop words only
  BOOST_TEST(hit_ids(db.search->search_json("NEAR(password", "en", 10)).front() == "a2");
  BOOST_TEST(status_of([&] { db.search->search_json(std::string(10 * 1024, 'a'), "en", 10); }) ==
             HELPLINE_E_TOO_LARGE);
  BOOST_TEST(status_of([&] { db.search->search_json(std::string(1024, 'a'), "en", 10); }) == HELPLINE_OK);
  BOOST_TEST(status_of([&] { db.search->search_json("pass\xc3(", "en", 10); }) == HELPLINE_E_INVALID_UTF8);
  BOOST_TEST(status_of([&] { db.search->search_json("password", "en", 0); }) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(status_of([&] { db.search->search_json("password", "en'; DROP", 5); }) ==
             HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(status_of([&] { db.search->search_json("password", "xx-YY", 1000); }) == HELPLINE_OK);
  BOOST_TEST(status_of([&] { db.search->article_json("nope"); }) == HELPLINE_E_NOT_FOUND);
  BOOST_TEST(status_of([&] { db.search->suggest_for_ticket_json("\xff", "", 5); }) ==
             HELPLINE_E_INVALID_UTF8);
}

BOOST_AUTO_TEST_CASE(locale_falls_back_from_region_to_language_to_default) {
  FaqDb db;
  seed(db);
  // German asked: the German article first, the English one after it (fallback), never French.
  auto de = hit_ids(db.search->search_json("passwort password", "de-AT", 10));
  BOOST_TEST(de.size() == 2u);
  BOOST_TEST(de.front() == "a3");
  // Unknown locale: the default language.
  BOOST_TEST(hit_ids(db.search->search_json("password", "xx-YY", 10)).front() == "a2");
  BOOST_TEST(hit_ids(db.search->search_json("passwort", "en", 10)).empty());
  // Empty locale: every locale.
  BOOST_TEST(hit_ids(db.search->search_json("passwort", "", 10)).front() == "a3");
  auto secs = parse(db.search->sections_json("de-CH"));
  BOOST_TEST(secs["sections"].Size() == 2u);
  BOOST_TEST(std::string(secs["sections"][0]["id"].GetString()) == "s2");  // asked language first
  BOOST_TEST(secs["sections"][1]["articles"].Size() == 2u);
  BOOST_TEST(parse(db.search->sections_json("fr"))["sections"].Size() == 1u);  // only the default language
}

BOOST_AUTO_TEST_CASE(snippets_highlight_matched_words_with_b_tags) {
  FaqDb db;
  seed(db);
  auto d = parse(db.search->search_json("router", "en", 10));
  std::string snippet = d["hits"][0]["snippet"].GetString();
  BOOST_TEST(snippet.find("<b>router</b>") != std::string::npos, snippet);
  // A corrected word is highlighted as the catalog spells it.
  d = parse(db.search->search_json("routr", "en", 10));
  snippet = d["hits"][0]["snippet"].GetString();
  BOOST_TEST(snippet.find("<b>router</b>") != std::string::npos, snippet);
  BOOST_TEST(d["hits"][0]["score"].GetDouble() > 0);
  BOOST_TEST(std::string(d["query"].GetString()) == "routr");
}

BOOST_AUTO_TEST_CASE(a_word_every_article_holds_still_finds_them) {
  // IDF is floored, not zero: in a one-article catalog every word is in every article.
  FaqDb db;
  db.catalog->apply(faq_answer(
      true, "[" + section("s1", "en", "Getting started") + "]",
      "[" + article("a1", "s1", "en", "Unpack the starter kit", "Remove the cardboard insert first.") + "]"));
  auto d = parse(db.search->search_json("starter kit", "en", 10));
  BOOST_TEST_REQUIRE(d["hits"].Size() == 1u);
  BOOST_TEST(std::string(d["hits"][0]["id"].GetString()) == "a1");
  BOOST_TEST(d["hits"][0]["score"].GetDouble() > 0);
  seed(db);  // three articles: "password" is in two of them
  d = parse(db.search->search_json("password", "en", 10));
  BOOST_TEST(d["hits"].Size() >= 1u);
}

BOOST_AUTO_TEST_CASE(codes_typed_loosely_and_tags_find_their_article) {
  FaqDb db;
  seed(db);
  for (const char *q : {"e42", "E-42", "error 42", "E42"})
    BOOST_TEST(hit_ids(db.search->search_json(q, "en", 10)).front() == "a1", q);
  BOOST_TEST(hit_ids(db.search->search_json("wlan", "en", 10)).front() == "a1");  // a tag, not in the text
  BOOST_TEST(hit_ids(db.search->search_json("wifi", "en", 10)).front() == "a1");  // "Wi-Fi" folded
  BOOST_TEST(hit_ids(db.search->search_json("reset pass", "en", 10)).front() == "a2");
  BOOST_TEST(hit_ids(db.search->search_json("thermostt disconecting", "en", 10)).front() == "a1");
}

BOOST_AUTO_TEST_CASE(ticket_deflection_shows_only_confident_hits) {
  FaqDb db;
  seed(db);
  auto d = parse(db.search->suggest_for_ticket_json("Thermostat shows E42",
                                                    "It keeps disconnecting since yesterday", 5));
  BOOST_REQUIRE(d["hits"].Size() >= 1u);
  BOOST_TEST(std::string(d["hits"][0]["id"].GetString()) == "a1");
  for (const auto &h : d["hits"].GetArray()) BOOST_TEST(h["confidence"].GetDouble() >= 0.5);
  BOOST_TEST(parse(db.search->suggest_for_ticket_json("Billing", "The invoice total looks wrong", 5))["hits"]
                 .Size() == 0u);
  // Long bodies are cut, not refused.
  BOOST_TEST(status_of([&] { db.search->suggest_for_ticket_json("x", std::string(100000, 'b'), 5); }) ==
             HELPLINE_OK);
}

BOOST_AUTO_TEST_CASE(search_never_writes_and_works_on_a_read_only_connection) {
  FaqDb db;
  seed(db);
  BOOST_TEST(sqlite3_db_readonly(db.reader.get(), "main") == 1);
  db.search->search_json("thermostt", "en", 10);
  BOOST_TEST(sqlite3_get_autocommit(db.reader.get()) == 1);  // the snapshot is closed again
  // The writer can apply while nothing is held open by the reader.
  db.catalog->apply(faq_answer(false, "[]", "[]", "[]", "[\"a2\"]", "13"));
  BOOST_TEST(hit_ids(db.search->search_json("password", "en", 10)).empty());
}

// A hostile or broken server's expansion table: more entries than a device keeps, oversized terms and
// targets, tabs, empty lists. The device keeps at most 4096 usable entries of at most 8 targets, drops
// the rest without failing the catalog, and a delta without "expansions" leaves the table alone.
// 0 -> "a", 25 -> "z", 26 -> "ba": expansions are for words without digits.
std::string letters(int i) {
  std::string s;
  do s.insert(s.begin(), static_cast<char>('a' + i % 26)), i /= 26;
  while (i > 0);
  return s;
}

BOOST_AUTO_TEST_CASE(a_flood_of_expansions_is_bounded_and_garbage_entries_are_dropped) {
  FaqDb db;
  std::string entries;
  for (int i = 0; i < 6000; ++i)
    entries += std::string(i ? "," : "") + "{\"term\":\"word" + letters(i) +
               "\",\"to\":[\"password\",\"reset\",\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\"],"
               "\"locale\":\"en\"}";
  entries += ",{\"term\":\"" + std::string(200, 'x') + "\",\"to\":[\"password\"]}";
  entries += ",{\"term\":\"tabbed\",\"to\":[\"pass\\tword\"]}";
  entries += ",{\"term\":\"empty\",\"to\":[]}";
  std::string answer =
      faq_answer(true, "[" + section("s1", "en", "Account") + "]",
                 "[" + article("a2", "s1", "en", "Reset your password", "Tap Forgot password.") + "]");
  answer.insert(answer.size() - 1, ",\"expansions\":[" + entries + "]");
  db.catalog->apply(answer);
  // At most 4096 entries kept (fewer rows: terms that stem alike share one).
  const long long kept = count(db, "SELECT count(*) FROM faq_expansions");
  BOOST_TEST(kept <= 4096);
  BOOST_TEST(kept >= 3500);
  BOOST_TEST(
      count(db, "SELECT max(length(targets) - length(replace(targets, char(9), ''))) FROM faq_expansions") ==
      7);
  BOOST_TEST(count(db, "SELECT count(*) FROM faq_expansions WHERE term IN ('tabbed', 'empty')") == 0);
  auto hits = hit_ids(db.search->search_json("wordbh ", "en", 10));  // an entry kept still works
  BOOST_REQUIRE(!hits.empty());
  BOOST_TEST(hits.front() == "a2");
  db.catalog->apply(faq_answer(false, "[]", "[]", "[]", "[]", "11"));
  BOOST_TEST(count(db, "SELECT count(*) FROM faq_expansions") == kept);
}
