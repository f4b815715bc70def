// FAQ query expansions (docs/protocol.md section 9.1): GET /v1/faq carries the app's expansion table (WordNet
// for the catalog's English words, agents' synonyms, words learned from deflections), replaced whole on
// devices; the agent synonyms API with its validation, roles and per-app cap; cursors and ETags follow the
// table; the table stays within its bound. The real helpline-server with the real WordNet
// (/usr/share/wordnet).
#define BOOST_TEST_MODULE server_faq_expansions
#include "helpline/testing.hpp"
#include "helpline/testing/checks.hpp"
#include "helpline/testing/json.hpp"

#include <chrono>
#include <fstream>
#include <set>
#include <string>
#include <vector>

namespace hlt = helpline::testing;
using helpline::testing::json;
using helpline::testing::q;
using helpline::testing::str_at;

namespace {

constexpr size_t kMaxEntries = 4096;         // protocol section 9.1: the whole table
constexpr size_t kMaxWordNetEntries = 1024;  // protocol section 9.1: WordNet's share
constexpr int kMaxSynonyms = 2000;           // per app

hlt::ServerConfig config_with(std::vector<std::string> extra_args = {}, bool test_mode = false) {
  hlt::ServerConfig c;
  c.test_mode = test_mode;
  c.extra_args = std::move(extra_args);
  return c;
}

struct Fixture {
  hlt::ServerProcess server;
  hlt::HttpClient agent;
  hlt::HttpClient device;

  explicit Fixture(hlt::ServerConfig config = config_with())
      : server(std::move(config)), agent(server.base_url()), device(server.base_url()) {
    auto account = hlt::create_and_login_agent(server, "synonyms@example.com");
    agent.set_default_header("Authorization", "Bearer " + account.token);
    device.set_default_header("X-Helpline-App-Key", hlt::kAppKey);
    device.set_default_header("X-Helpline-Device-Id", "device-expansions-1");
    REQUIRE_STATUS(agent.post("/v1/agent/faq/sections", R"({"id":"sec","locale":"en","title":"Help"})"), 201);
  }

  void article(const std::string &id, const std::string &title, const std::string &body,
               const std::string &locale = "en") {
    auto r = agent.post("/v1/agent/faq/articles", R"({"id":)" + q(id) + R"(,"section_id":"sec","locale":)" +
                                                      q(locale) + R"(,"title":)" + q(title) + R"(,"body":)" +
                                                      q(body) + "}");
    REQUIRE_STATUS(r, 201);
  }

  hlt::Response synonym(const std::string &body) { return agent.post("/v1/agent/faq/synonyms", body); }

  std::string create_synonym(const std::string &body) {
    auto r = synonym(body);
    REQUIRE_STATUS(r, 201);
    return json(r)["id"].GetString();
  }

  rapidjson::Document faq(const std::string &query = "") {
    auto r = device.get("/v1/faq" + query);
    REQUIRE_STATUS(r, 200);
    return json(r);
  }
};

// The entry for (term, locale) in a GET /v1/faq answer's expansions, or null.
const rapidjson::Value *entry(const rapidjson::Document &faq, const std::string &term,
                              const std::string &locale = "en") {
  if (!faq.HasMember("expansions")) return nullptr;
  for (const auto &e : faq["expansions"].GetArray())
    if (term == e["term"].GetString() && locale == e["locale"].GetString()) return &e;
  return nullptr;
}

std::vector<std::string> targets(const rapidjson::Value &e) {
  std::vector<std::string> out;
  for (const auto &t : e["to"].GetArray()) out.emplace_back(t.GetString());
  return out;
}

bool has(const std::vector<std::string> &v, const std::string &s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Lemmas of WordNet's own noun index (every `step`th plain word): a large English vocabulary, nothing tuned.
std::string wordnet_nouns(size_t count, size_t step) {
  std::ifstream in("/usr/share/wordnet/index.noun");
  std::string line, out;
  size_t seen = 0, taken = 0;
  while (taken < count && std::getline(in, line)) {
    std::string lemma = line.substr(0, line.find(' '));
    if (lemma.size() < 4 || lemma.find_first_not_of("abcdefghijklmnopqrstuvwxyz") != std::string::npos)
      continue;
    if (seen++ % step != 0) continue;
    out += lemma + ' ';
    ++taken;
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(wordnet)

BOOST_AUTO_TEST_CASE(a_full_snapshot_carries_wordnet_expansions_for_the_catalogs_english_words) {
  Fixture f;
  BOOST_TEST(f.faq()["expansions"].IsArray());  // present even before any article ([])
  f.article("charge", "Phone will not charge", "Try another cable and check the payment of your plan.");
  f.article("de", "Telefon laedt nicht", "Anderes Kabel probieren.", "de");
  auto doc = f.faq();
  const auto *telephone = entry(doc, "telephone");
  BOOST_REQUIRE_MESSAGE(telephone, "no expansion for 'telephone'");
  BOOST_TEST(has(targets(*telephone), "phone"));
  BOOST_TEST(std::string((*telephone)["source"].GetString()) == "wordnet");
  const auto *pay = entry(doc, "pay");  // derivationally related to "payment"
  BOOST_REQUIRE(pay);
  BOOST_TEST(has(targets(*pay), "payment"));
  BOOST_TEST(entry(doc, "telephone set"));  // multi-word lemmas with spaces
  BOOST_TEST(!entry(doc, "phone"));         // a catalog word: the device matches it already
  for (const auto &e : doc["expansions"].GetArray()) {
    BOOST_TEST(e["to"].Size() >= 1u);
    BOOST_TEST(e["to"].Size() <= 4u);
    BOOST_TEST(std::string(e["locale"].GetString()) == "en");  // nothing from the German article
  }
  // A locale filter keeps the entries of that language (and of every language).
  BOOST_TEST(f.faq("?locale=en-US")["expansions"].Size() == doc["expansions"].Size());
  BOOST_TEST(f.faq("?locale=de")["expansions"].Size() == 0u);
}

BOOST_AUTO_TEST_CASE(without_wordnet_the_server_logs_it_once_and_serves_agent_entries) {
  Fixture f(config_with({"--wordnet-dir", "/nonexistent/wordnet"}));
  f.article("charge", "Phone will not charge", "Try another cable.");
  f.create_synonym(R"({"term":"cell phone","to":["phone"],"locale":"en"})");
  auto doc = f.faq();
  BOOST_TEST(doc["expansions"].Size() == 1u);
  BOOST_TEST(entry(doc, "cell phone"));
  f.faq();
  const std::string log = f.server.log();
  const std::string line = "no WordNet database in /nonexistent/wordnet";
  BOOST_TEST(log.find(line) != std::string::npos, log);
  BOOST_TEST(log.find(line) == log.rfind(line));  // once
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(agent_synonyms)

BOOST_AUTO_TEST_CASE(create_list_replace_delete_and_devices_see_each_state) {
  Fixture f;
  f.article("charge", "Phone will not charge", "Try another cable.");
  auto created = f.synonym(R"({"term":"  Cell   Phone ","to":[" phone ","mobile"],"locale":"en"})");
  REQUIRE_STATUS(created, 201);
  auto c = json(created);
  const std::string id = c["id"].GetString();
  BOOST_TEST(std::string(c["term"].GetString()) == "cell phone");  // trimmed, one space, lower case
  BOOST_TEST(targets(c) == (std::vector<std::string>{"phone", "mobile"}));
  BOOST_TEST(std::string(c["locale"].GetString()) == "en");
  BOOST_TEST(c["updated_at"].IsInt64());

  auto list = json(f.agent.get("/v1/agent/faq/synonyms"));
  BOOST_REQUIRE_EQUAL(list["synonyms"].Size(), 1u);
  BOOST_TEST(std::string(list["synonyms"][0]["id"].GetString()) == id);

  auto doc = f.faq();
  const auto *e = entry(doc, "cell phone");
  BOOST_REQUIRE(e);
  BOOST_TEST(std::string((*e)["source"].GetString()) == "agent");
  BOOST_TEST(targets(*e) == (std::vector<std::string>{"phone", "mobile"}));

  // An agent entry for every language replaces WordNet's entry of that term.
  BOOST_REQUIRE(entry(doc, "telephone"));
  f.create_synonym(R"({"term":"telephone","to":["handset"]})");
  doc = f.faq();
  BOOST_TEST(!entry(doc, "telephone", "en"));
  BOOST_REQUIRE(entry(doc, "telephone", ""));
  BOOST_TEST(targets(*entry(doc, "telephone", "")) == std::vector<std::string>{"handset"});

  auto replaced = f.agent.put("/v1/agent/faq/synonyms/" + id, R"({"term":"mobile phone","to":["phone"]})");
  REQUIRE_STATUS(replaced, 200);
  BOOST_TEST(std::string(json(replaced)["locale"].GetString()) == "");  // replaced whole: no locale = any
  doc = f.faq();
  BOOST_TEST(!entry(doc, "cell phone"));
  BOOST_TEST(entry(doc, "mobile phone", ""));

  CHECK_STATUS(f.agent.del("/v1/agent/faq/synonyms/" + id), 204);
  BOOST_TEST(!entry(f.faq(), "mobile phone", ""));
  CHECK_ERROR(f.agent.del("/v1/agent/faq/synonyms/" + id), 404, "not_found");
  CHECK_ERROR(f.agent.put("/v1/agent/faq/synonyms/" + id, R"({"term":"x y","to":["z"]})"), 404, "not_found");
  BOOST_TEST(json(f.agent.get("/v1/agent/faq/synonyms"))["synonyms"].Size() == 1u);
}

BOOST_AUTO_TEST_CASE(invalid_entries_are_refused_with_the_field_named) {
  Fixture f;
  hlt::Request bad_utf8;
  bad_utf8.method = "POST";
  bad_utf8.path = "/v1/agent/faq/synonyms";
  bad_utf8.body = std::string(R"({"term":"caf)") + "\xC3\x28" + R"(","to":["coffee"]})";
  CHECK_ERROR(f.agent.send(bad_utf8), 400, "malformed_json");
  // A lone surrogate escape passes the JSON parser as invalid UTF-8; the term is refused by name.
  CHECK_ERROR(f.synonym(R"({"term":"a lone \udc00 surrogate","to":["x"]})"), 400, "invalid_request");
  CHECK_ERROR(f.synonym(R"({"term":"ok","to":["\udc00"]})"), 400, "invalid_request");
  CHECK_ERROR(f.synonym(R"({"term":"one two three four","to":["x"]})"), 400, "invalid_request");
  CHECK_ERROR(f.synonym(R"({"term":")" + std::string(65, 'a') + R"(","to":["x"]})"), 400, "invalid_request");
  CHECK_ERROR(f.synonym(R"({"term":"   ","to":["x"]})"), 400, "invalid_request");
  CHECK_ERROR(f.synonym(R"({"to":["x"]})"), 400, "invalid_request");
  CHECK_ERROR(f.synonym(R"({"term":"ok","to":[]})"), 400, "invalid_request");
  CHECK_ERROR(f.synonym(R"({"term":"ok","to":["1","2","3","4","5","6","7","8","9"]})"), 400,
              "invalid_request");
  CHECK_ERROR(f.synonym(R"({"term":"ok","to":[")" + std::string(65, 'b') + R"("]})"), 400, "invalid_request");
  CHECK_ERROR(f.synonym(R"({"term":"ok","to":["x",3]})"), 400, "invalid_request");
  CHECK_ERROR(f.synonym(R"({"term":"ok","to":"x"})"), 400, "invalid_request");
  CHECK_ERROR(f.synonym(R"({"term":"ok","to":["x"],"locale":"en US"})"), 400, "invalid_request");
  CHECK_ERROR(f.synonym(R"({"term":"ok","to":["x"],"locale":")" + std::string(36, 'e') + R"("})"), 400,
              "invalid_request");
  REQUIRE_STATUS(f.synonym(R"({"term":"ok","to":["x"]})"), 201);
  // One entry per term and locale; the same term in another locale is another entry.
  CHECK_ERROR(f.synonym(R"({"term":"OK","to":["y"]})"), 409, "conflict");
  CHECK_STATUS(f.synonym(R"({"term":"ok","to":["y"],"locale":"de"})"), 201);
  const std::string other = f.create_synonym(R"({"term":"other","to":["y"]})");
  CHECK_ERROR(f.agent.put("/v1/agent/faq/synonyms/" + other, R"({"term":"ok","to":["z"]})"), 409, "conflict");
  CHECK_ERROR(f.synonym(R"({"id":"bad id!","term":"x","to":["y"]})"), 400, "invalid_request");
  BOOST_TEST(json(f.agent.get("/v1/agent/faq/synonyms"))["synonyms"].Size() == 3u);
}

BOOST_AUTO_TEST_CASE(only_agents_of_the_app_may_read_or_change_synonyms) {
  Fixture f;
  const std::string id = f.create_synonym(R"({"term":"cell phone","to":["phone"]})");
  hlt::HttpClient anonymous(f.server.base_url());
  CHECK_ERROR(anonymous.get("/v1/agent/faq/synonyms"), 401, "invalid_agent_token");
  CHECK_ERROR(anonymous.post("/v1/agent/faq/synonyms", R"({"term":"a","to":["b"]})"), 401,
              "invalid_agent_token");
  // A device, even a signed-in user, is no agent.
  CHECK_ERROR(f.device.post("/v1/agent/faq/synonyms", R"({"term":"a","to":["b"]})",
                            {{"Authorization", "Bearer " + hlt::user_jwt("user-1")}}),
              401, "invalid_agent_token");
  CHECK_ERROR(f.device.del("/v1/agent/faq/synonyms/" + id), 401, "invalid_agent_token");
  // A console session writes only with its CSRF token.
  hlt::create_agent(f.server, "console@example.com", "console-password");
  hlt::HttpClient console(f.server.base_url());
  auto login =
      console.post("/v1/agent/login",
                   R"({"email":"console@example.com","password":"console-password","session":"cookie"})",
                   {{"X-Helpline-App-Key", hlt::kAppKey}});
  REQUIRE_STATUS(login, 200);
  std::string cookies;
  for (const auto &[name, value] : login.headers)
    if (name == "set-cookie") cookies += (cookies.empty() ? "" : "; ") + value.substr(0, value.find(';'));
  console.set_default_header("Cookie", cookies);
  CHECK_STATUS(console.get("/v1/agent/faq/synonyms"), 200);
  CHECK_ERROR(console.post("/v1/agent/faq/synonyms", R"({"term":"a","to":["b"]})"), 403, "csrf_failed");
  CHECK_STATUS(console.post("/v1/agent/faq/synonyms", R"({"term":"a","to":["b"]})",
                            {{"X-CSRF-Token", str_at(json(login), "/csrf_token")}}),
               201);
  // Another app's agent sees none of them and cannot reach them by id.
  auto other = hlt::create_and_login_agent(f.server, "other@example.com", "admin", hlt::kOtherAppKey);
  hlt::HttpClient other_http(f.server.base_url());
  other_http.set_default_header("Authorization", "Bearer " + other.token);
  BOOST_TEST(json(other_http.get("/v1/agent/faq/synonyms"))["synonyms"].Size() == 0u);
  CHECK_ERROR(other_http.put("/v1/agent/faq/synonyms/" + id, R"({"term":"x","to":["y"]})"), 404, "not_found");
  CHECK_ERROR(other_http.del("/v1/agent/faq/synonyms/" + id), 404, "not_found");
  BOOST_TEST(json(f.agent.get("/v1/agent/faq/synonyms"))["synonyms"].Size() == 2u);
}

BOOST_AUTO_TEST_CASE(the_per_app_cap_and_the_bound_of_the_whole_table) {
  Fixture f;
  // A catalog whose WordNet expansions alone would exceed the bound: WordNet's share stops at its own.
  f.article("big", "Everything", wordnet_nouns(3000, 20));
  BOOST_TEST(f.faq()["expansions"].Size() == kMaxWordNetEntries);
  for (int i = 0; i < kMaxSynonyms; ++i)
    REQUIRE_STATUS(f.synonym(R"({"term":"term )" + std::to_string(i) + R"(","to":["target"]})"), 201);
  CHECK_ERROR(f.synonym(R"({"term":"one more","to":["target"]})"), 413, "payload_too_large");
  // A replacement is not a new entry.
  auto list = json(f.agent.get("/v1/agent/faq/synonyms"));
  BOOST_REQUIRE_EQUAL(list["synonyms"].Size(), static_cast<size_t>(kMaxSynonyms));
  const std::string id = list["synonyms"][0]["id"].GetString();
  CHECK_STATUS(f.agent.put("/v1/agent/faq/synonyms/" + id, R"({"term":"replaced","to":["target"]})"), 200);
  auto doc = f.faq();
  BOOST_TEST(doc["expansions"].Size() <= kMaxEntries);
  BOOST_TEST(doc["expansions"].Size() == static_cast<size_t>(kMaxSynonyms) + kMaxWordNetEntries);
  size_t agent = 0;
  for (const auto &e : doc["expansions"].GetArray()) agent += std::string(e["source"].GetString()) == "agent";
  BOOST_TEST(agent == static_cast<size_t>(kMaxSynonyms));  // every agent entry kept
  BOOST_TEST(entry(doc, "replaced", ""));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(deltas)

BOOST_AUTO_TEST_CASE(an_agent_edit_moves_the_cursor_and_only_deltas_from_before_it_carry_the_table) {
  Fixture f;
  f.article("charge", "Phone will not charge", "Try another cable.");
  auto first = f.faq();
  const std::string c0 = first["cursor"].GetString();
  auto unchanged = f.faq("?since=" + c0);
  BOOST_TEST(!unchanged.HasMember("expansions"));  // absent: the device keeps its table
  const std::string etag0 = f.device.get("/v1/faq").header("etag").value_or("");

  f.create_synonym(R"({"term":"cell phone","to":["phone"],"locale":"en"})");
  auto delta = f.faq("?since=" + c0);
  const std::string c1 = delta["cursor"].GetString();
  BOOST_TEST(std::stoll(c1) > std::stoll(c0));
  BOOST_REQUIRE(delta.HasMember("expansions"));
  BOOST_TEST(entry(delta, "cell phone"));  // the whole table: WordNet's entries too
  BOOST_TEST(entry(delta, "telephone"));
  BOOST_TEST(delta["articles"].Size() == 0u);
  BOOST_TEST(!f.faq("?since=" + c1).HasMember("expansions"));
  BOOST_TEST(f.device.get("/v1/faq").header("etag").value_or("") != etag0);
  // Devices hear of it through the sync feed.
  auto sync = json(f.device.get("/v1/sync?wait=0"));
  bool changed = false;
  for (const auto &item : sync["items"].GetArray())
    changed = changed || std::string(item["type"].GetString()) == "faq_changed";
  BOOST_TEST(changed);
}

BOOST_AUTO_TEST_CASE(an_article_edit_that_changes_the_vocabulary_changes_the_table) {
  Fixture f;
  f.article("charge", "Phone will not charge", "Try another cable.");
  const std::string c0 = f.faq()["cursor"].GetString();
  BOOST_TEST(!entry(f.faq(), "automobile"));
  f.article("car", "Car mode", "Connect the phone to your car.");
  auto delta = f.faq("?since=" + c0);
  BOOST_REQUIRE(delta.HasMember("expansions"));
  BOOST_TEST(entry(delta, "automobile"));
  BOOST_TEST(!f.faq("?since=" + std::string(delta["cursor"].GetString())).HasMember("expansions"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(learned)

BOOST_AUTO_TEST_CASE(a_word_deflected_on_three_devices_is_learned_after_the_refresh_interval) {
  Fixture f(config_with({}, true));
  hlt::HttpClient control(f.server.base_url());
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  REQUIRE_STATUS(control.post("/v1/_test/clock", R"({"now_ms":)" + std::to_string(now) + "}"), 200);
  f.article("wifi", "Thermostat keeps disconnecting from the network", "Move the router closer.");
  f.article("e42", "Error E42 on the thermostat", "The sensor did not answer.");
  f.faq();  // computed now: nothing learned yet
  auto deflect = [&](const std::string &device, const std::string &query, bool ticket_written) {
    hlt::HttpClient d(f.server.base_url());
    d.set_default_header("X-Helpline-App-Key", hlt::kAppKey);
    d.set_default_header("X-Helpline-Device-Id", device);
    std::string ticket;
    if (ticket_written) {
      auto t = d.post("/v1/tickets", R"({"subject":"still offline","body":"help"})");
      REQUIRE_STATUS(t, 201);
      ticket = R"(,"ticket_id":)" + q(json(t)["id"].GetString());
    }
    REQUIRE_STATUS(d.post("/v1/deflections", R"({"article_ids":["wifi"],"query":)" + q(query) + ticket + "}"),
                   201);
  };
  deflect("device-learn-0001", "thermostat offline", false);
  deflect("device-learn-0002", "Offline again", false);
  deflect("device-learn-0002", "offline", false);  // the same device twice counts once
  deflect("device-learn-0003", "offline", true);   // a ticket was written anyway: not deflected
  auto advance = [&] { REQUIRE_STATUS(control.post("/v1/_test/clock", R"({"advance_ms":61000})"), 200); };
  advance();
  BOOST_TEST(!entry(f.faq(), "offline"));  // two devices
  deflect("device-learn-0004", "offline since the update", false);
  const std::string c0 = f.faq()["cursor"].GetString();
  BOOST_TEST(!entry(f.faq(), "offline"));  // three now, but within the refresh interval
  advance();
  auto delta = f.faq("?since=" + c0);
  BOOST_REQUIRE(delta.HasMember("expansions"));
  const auto *offline = entry(delta, "offline");
  BOOST_REQUIRE(offline);
  BOOST_TEST(std::string((*offline)["source"].GetString()) == "learned");
  auto to = targets(*offline);
  BOOST_TEST(to.size() == 2u);
  BOOST_TEST(!has(to, "thermostat"));   // in every article: not distinctive
  BOOST_TEST(!entry(delta, "update"));  // one device only
  control.post("/v1/_test/clock", R"({"now_ms":null})");
}

BOOST_AUTO_TEST_SUITE_END()
