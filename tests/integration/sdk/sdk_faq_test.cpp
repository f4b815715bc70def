// The offline FAQ through the SDK against the real server: an agent writes sections and articles in two
// locales (agent API, docs/protocol.md section 14); the SDK syncs them on open (full snapshot,
// HELPLINE_EVENT_FAQ_UPDATED) and searches them with the server stopped (keywords, misspellings, prefixes,
// loosely typed error codes, locale preference with fallback); agent edits, deletions and unpublishing reach
// a running SDK as a faq_changed sync item and a `since` delta, and a sync with nothing new is a 304; votes
// reach the server and replace each other; deflections are reported with the ticket that follows or, at
// close, alone; bad input through the C API gets a status, never a crash or an SQL error.
#define BOOST_TEST_MODULE sdk_faq
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <random>
#include <set>

#include "helpline/testing.hpp"
#include "helpline/testing/agent_client.hpp"
#include "helpline/testing/checks.hpp"
#include "helpline/testing/delivery.hpp"
#include "helpline/testing/events.hpp"
#include "helpline/testing/json.hpp"
#include "helpline/testing/sdk.hpp"
#include "helpline/testing/sdk_tickets.hpp"
#include "helpline/testing/sqlite_query.hpp"
#include "helpline/testing/wait.hpp"

namespace hlt = helpline::testing;

using namespace std::chrono_literals;

namespace {

// ---------------------------------------------------------------------------------------------------------------
// The catalog the agent writes.

struct SectionSpec {
  const char *id, *locale, *title;
  int position;
};
struct ArticleSpec {
  const char *id, *section, *locale, *title, *body, *tags;  // tags: JSON array text
  int position;
  bool published;
};

const SectionSpec kSections[] = {
    {"sec-connect", "en", "Connectivity", 1},     {"sec-account", "en", "Account", 2},
    {"sec-errors", "en", "Error codes", 3},       {"sec-konto", "de-DE", "Konto", 1},
    {"sec-verbindung", "de-DE", "Verbindung", 2},
};

const ArticleSpec kArticles[] = {
    {"art-wifi", "sec-connect", "en", "Thermostat keeps disconnecting from Wi-Fi",
     "When the thermostat cannot connect to your wireless network, move the router closer and restart the "
     "thermostat. Weak signal makes it drop offline.",
     R"(["offline", "wlan"])", 1, true},
    {"art-remote", "sec-connect", "en", "Pair the remote control",
     "Hold the round button for five seconds until the light blinks, then press it once more.", "[]", 2,
     true},
    {"art-password", "sec-account", "en", "Reset your password",
     "Open Settings, tap Account, then Reset password. We send you an e-mail with a link that is valid for "
     "one hour.",
     R"(["login", "credentials"])", 1, true},
    {"art-brightness", "sec-account", "en", "Adjust the display brightness",
     "Open Settings, choose Display and drag the slider to make the screen brighter or darker.", "[]", 2,
     true},
    {"art-sync409", "sec-errors", "en", "Error ERR-SYNC-409: sync conflict",
     "ERR-SYNC-409 means two devices changed the same schedule at once. Pick the schedule to keep; the other "
     "copy is discarded.",
     "[]", 1, true},
    {"art-e42", "sec-errors", "en", "Display shows E42",
     "E42 is a sensor fault: the temperature probe is unplugged. Reconnect the probe cable behind the cover.",
     "[]", 2, true},
    {"art-draft", "sec-errors", "en", "Quantum flux capacitor preview",
     "Unreleased zebrafish feature, not for customers yet.", "[]", 3, false},
    {"art-passwort", "sec-konto", "de-DE", "Passwort zurücksetzen",
     "Öffnen Sie die Einstellungen, tippen Sie auf Konto und dann auf Passwort zurücksetzen. Sie erhalten "
     "eine "
     "E-Mail mit einem Link.",
     "[]", 1, true},
    {"art-wlan", "sec-verbindung", "de-DE", "Thermostat verliert die WLAN-Verbindung",
     "Stellen Sie den Router näher an das Thermostat und starten Sie das Thermostat neu.", "[]", 1, true},
};

std::string quoted(const std::string &s) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
  return buf.GetString();
}

/// The agent's side: writes the catalog over the agent API and reads it back.
struct FaqAgent : hlt::AgentClient {
  using hlt::AgentClient::AgentClient;

  void section(const SectionSpec &s) {
    std::string body = "{\"id\":" + quoted(s.id) + ",\"locale\":" + quoted(s.locale) +
                       ",\"title\":" + quoted(s.title) + ",\"position\":" + std::to_string(s.position) + "}";
    hlt::Response r = http.post("/v1/agent/faq/sections", body);
    BOOST_REQUIRE_MESSAGE(r.status == 201, "create section " << s.id << ": " << r.describe());
  }
  void article(const ArticleSpec &a) {
    std::string body = "{\"id\":" + quoted(a.id) + ",\"section_id\":" + quoted(a.section) +
                       ",\"locale\":" + quoted(a.locale) + ",\"title\":" + quoted(a.title) +
                       ",\"body\":" + quoted(a.body) + ",\"tags\":" + a.tags +
                       ",\"position\":" + std::to_string(a.position) +
                       ",\"published\":" + (a.published ? "true" : "false") + "}";
    hlt::Response r = http.post("/v1/agent/faq/articles", body);
    BOOST_REQUIRE_MESSAGE(r.status == 201, "create article " << a.id << ": " << r.describe());
  }
  /// Writes kSections and kArticles; returns how many rows a device sees (sections + published articles).
  int write_catalog() {
    int visible = 0;
    for (const auto &s : kSections) section(s), ++visible;
    for (const auto &a : kArticles) article(a), visible += a.published ? 1 : 0;
    return visible;
  }
  void patch_article(const std::string &id, const std::string &json) {
    hlt::Response r = http.patch("/v1/agent/faq/articles/" + id, json);
    BOOST_REQUIRE_MESSAGE(r.status == 200, "patch article " << id << ": " << r.describe());
  }
  void delete_path(const std::string &path) {
    hlt::Response r = http.del(path);
    BOOST_REQUIRE_MESSAGE(r.status == 204, "DELETE " << path << ": " << r.describe());
  }
  /// The agent's view of one article (GET /v1/agent/faq), copied into `out`.
  bool article_view(const std::string &id, rapidjson::Document &out) {
    rapidjson::Document d = get("/v1/agent/faq");
    for (auto &a : d["articles"].GetArray()) {
      if (hlt::str_of(a, "id") == id) {
        out.CopyFrom(a, out.GetAllocator());
        return true;
      }
    }
    return false;
  }
};

const ArticleSpec &spec(const std::string &id) {
  for (const auto &a : kArticles)
    if (id == a.id) return a;
  throw std::logic_error("no article spec " + id);
}

// ---------------------------------------------------------------------------------------------------------------
// The SDK's side.

/// Words that must never reach a host in helpline_last_error: SQLite / FTS5 internals.
bool leaks_sql(const std::string &msg) {
  std::string m = msg;
  std::transform(m.begin(), m.end(), m.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char *w : {"sql", "fts5", "syntax error", "no such column", "malformed match", "unterminated",
                        "parse error", "near \""}) {
    if (m.find(w) != std::string::npos) return true;
  }
  return false;
}

/// helpline_faq_search: the status, and the document when OK.
helpline_status_t search_raw(helpline_t *h, const char *query, const char *locale, int limit,
                             rapidjson::Document *out, std::string *error = nullptr) {
  char *json = reinterpret_cast<char *>(0x1);  // must be reset to NULL on failure
  helpline_status_t s = helpline_faq_search(h, query, locale, limit, &json);
  if (error != nullptr) *error = helpline_last_error(h);
  if (s != HELPLINE_OK) {
    BOOST_CHECK_MESSAGE(json == nullptr, "out_json not NULL after a failed helpline_faq_search");
    return s;
  }
  BOOST_REQUIRE(json != nullptr);
  if (out != nullptr) {
    out->Parse(json);
    BOOST_CHECK_MESSAGE(!out->HasParseError() && out->IsObject() && (*out)["hits"].IsArray(),
                        "search result is not the documented JSON: " << json);
  }
  helpline_free(json);
  return s;
}

rapidjson::Document search(helpline_t *h, const std::string &query, const char *locale = nullptr,
                           int limit = 10) {
  rapidjson::Document d;
  helpline_status_t s = search_raw(h, query.c_str(), locale, limit, &d);
  BOOST_REQUIRE_MESSAGE(s == HELPLINE_OK, "helpline_faq_search(" << query << "): " << helpline_status_str(s)
                                                                 << " " << helpline_last_error(h));
  return d;
}

std::vector<std::string> hit_ids(const rapidjson::Document &d) {
  std::vector<std::string> out;
  if (!d.IsObject() || !d.HasMember("hits") || !d["hits"].IsArray()) return out;
  for (const auto &hit : d["hits"].GetArray()) out.push_back(hlt::str_of(hit, "id"));
  return out;
}

std::string top_hit(helpline_t *h, const std::string &query, const char *locale = "en") {
  auto ids = hit_ids(search(h, query, locale));
  return ids.empty() ? "<no hits>" : ids.front();
}

/// helpline_faq_article_json: the status, and the document when OK.
helpline_status_t article_doc(helpline_t *h, const std::string &id, rapidjson::Document &out) {
  char *json = nullptr;
  helpline_status_t s = helpline_faq_article_json(h, id.c_str(), &json);
  if (s != HELPLINE_OK) {
    BOOST_CHECK(json == nullptr);
    return s;
  }
  out.Parse(json);
  helpline_free(json);
  BOOST_REQUIRE(!out.HasParseError() && out.IsObject());
  return s;
}

rapidjson::Document sections_doc(helpline_t *h, const char *locale) {
  char *json = nullptr;
  helpline_status_t s = helpline_faq_sections_json(h, locale, &json);
  BOOST_REQUIRE_MESSAGE(s == HELPLINE_OK, "helpline_faq_sections_json: " << helpline_status_str(s) << " "
                                                                         << helpline_last_error(h));
  rapidjson::Document d = hlt::parse(json);
  helpline_free(json);
  return d;
}

rapidjson::Document suggest(helpline_t *h, const char *subject, const char *body) {
  char *json = nullptr;
  helpline_status_t s = helpline_faq_suggest_for_ticket(h, subject, body, &json);
  BOOST_REQUIRE_MESSAGE(s == HELPLINE_OK, "helpline_faq_suggest_for_ticket: " << helpline_status_str(s) << " "
                                                                              << helpline_last_error(h));
  rapidjson::Document d = hlt::parse(json);
  helpline_free(json);
  return d;
}

/// FAQ_UPDATED events as parsed (full, upserted, deleted).
struct FaqUpdate {
  bool full = false;
  long long upserted = 0, deleted = 0;
};
std::vector<FaqUpdate> faq_updates(const hlt::EventRecorder &events) {
  std::vector<FaqUpdate> out;
  for (const auto &j : events.of(HELPLINE_EVENT_FAQ_UPDATED)) {
    rapidjson::Document d;
    d.Parse(j.c_str());
    BOOST_REQUIRE_MESSAGE(!d.HasParseError() && d.IsObject() && d.HasMember("full") && d["full"].IsBool(),
                          "FAQ_UPDATED: " << j);
    out.push_back({d["full"].GetBool(), hlt::int_of(d, "upserted"), hlt::int_of(d, "deleted")});
  }
  return out;
}

/// Opens an SDK on `data_dir` and waits for the first (full) FAQ sync; BOOST_REQUIREs it.
void wait_full_sync(hlt::EventRecorder &events, long long expect_upserted) {
  BOOST_REQUIRE_MESSAGE(events.wait_contains(HELPLINE_EVENT_FAQ_UPDATED, {"\"full\":true"}, 10s),
                        "no FAQ_UPDATED full:true within 10 s; events:\n"
                            << events.dump());
  auto ups = faq_updates(events);
  BOOST_REQUIRE(!ups.empty());
  BOOST_CHECK(ups.front().full);
  BOOST_CHECK_EQUAL(ups.front().upserted, expect_upserted);
  BOOST_CHECK_EQUAL(ups.front().deleted, 0);
}

/// Access-log lines of GET /v1/faq for `device`, and their statuses in order.
std::vector<long long> faq_statuses(const hlt::ServerProcess &srv, const std::string &device) {
  std::vector<long long> out;
  for (const auto &line : hlt::access_log_lines(srv.log_path(), device, "/v1/faq")) {
    if (line.find("\"method\":\"GET\"") == std::string::npos) continue;
    out.push_back(hlt::json_int(line, "status"));
  }
  return out;
}

std::string faq_log(const hlt::ServerProcess &srv, const std::string &device) {
  std::string out;
  for (const auto &line : hlt::access_log_lines(srv.log_path(), device, "/v1/faq")) out += line + "\n";
  return out;
}

std::string join(const std::vector<long long> &v) {
  std::string out;
  for (auto x : v) out += (out.empty() ? "" : ",") + std::to_string(x);
  return out;
}

/// The deflection numbers of the agent metrics report (last 30 days).
struct Deflection {
  long long shown = -1, followed = -1, deflected = -1;
};
Deflection deflection_metrics(hlt::AgentClient &agent) {
  // An explicit window ending in the future: the default one ends "now", exclusive, and a report written in
  // the same millisecond as this request would fall outside it.
  const long long now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  rapidjson::Document d = agent.get("/v1/agent/metrics?from=" + std::to_string(now - 86400000LL) +
                                    "&to=" + std::to_string(now + 60000));
  const rapidjson::Value &def = d["totals"]["deflection"];
  return {hlt::int_of(def, "shown"), hlt::int_of(def, "followed_by_ticket"), hlt::int_of(def, "deflected")};
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(catalog_synced_on_open_is_searched_offline_with_locale_preference) {
  hlt::ServerProcess srv;
  FaqAgent agent(srv);
  const int visible = agent.write_catalog();
  hlt::SdkDir dir;
  hlt::EventRecorder events;
  hlt::Sdk h(hlt::open_config(srv.base_url(), dir.data(), &events));
  wait_full_sync(events, visible);

  // Everything below runs with the server stopped: search is local.
  srv.stop();

  // Plain keyword, natural question, author tag.
  BOOST_CHECK_EQUAL(top_hit(h, "password"), "art-password");
  BOOST_CHECK_EQUAL(top_hit(h, "why does my thermostat keep disconnecting"), "art-wifi");
  BOOST_CHECK_EQUAL(top_hit(h, "login"), "art-password");
  // Misspellings.
  BOOST_CHECK_EQUAL(top_hit(h, "thermostt wont conect"), "art-wifi");
  BOOST_CHECK_EQUAL(top_hit(h, "brightnes of the dispaly"), "art-brightness");
  // Search as you type: the last word is a prefix.
  BOOST_CHECK_EQUAL(top_hit(h, "reset pass"), "art-password");
  BOOST_CHECK_EQUAL(top_hit(h, "bright"), "art-brightness");
  // Error codes typed loosely.
  for (const char *q : {"ERR-SYNC-409", "error 409 sync", "err sync 409", "err-sync-409 ", "sync 409"}) {
    BOOST_CHECK_MESSAGE(top_hit(h, q) == "art-sync409", "query '" << q << "' -> " << top_hit(h, q));
  }
  for (const char *q : {"e42", "E-42", "E42 error"}) {
    BOOST_CHECK_MESSAGE(top_hit(h, q) == "art-e42", "query '" << q << "' -> " << top_hit(h, q));
  }

  // The hit object: documented fields, snippet highlighting, sane score/confidence.
  {
    rapidjson::Document d = search(h, "password", "en");
    BOOST_REQUIRE(d["hits"].Size() >= 1);
    const auto &hit = d["hits"][0];
    BOOST_CHECK_EQUAL(hlt::str_of(hit, "title"), "Reset your password");
    BOOST_CHECK_EQUAL(hlt::str_of(hit, "section_id"), "sec-account");
    BOOST_CHECK_EQUAL(hlt::str_of(hit, "locale"), "en");
    BOOST_CHECK_MESSAGE(hlt::str_of(hit, "snippet").find("<b>") != std::string::npos,
                        "snippet without highlight: " << hlt::to_json(hit));
    BOOST_CHECK(hit["score"].IsNumber() && hit["score"].GetDouble() > 0);
    BOOST_CHECK(hit["confidence"].IsNumber() && hit["confidence"].GetDouble() > 0 &&
                hit["confidence"].GetDouble() <= 1.0);
    BOOST_CHECK_EQUAL(hlt::str_of(d, "query"), "password");
  }

  // The unpublished article never reached the device.
  BOOST_CHECK(hit_ids(search(h, "zebrafish quantum", nullptr)).empty());
  {
    rapidjson::Document a;
    BOOST_CHECK_EQUAL(article_doc(h, "art-draft", a), HELPLINE_E_NOT_FOUND);
  }

  // Locales: "en" sees English only; "de-AT" prefers German (any region) and falls back to English.
  for (const auto &id : hit_ids(search(h, "Passwort zurücksetzen", "en"))) {
    BOOST_CHECK_MESSAGE(id != "art-passwort", "an en search returned the German article");
  }
  BOOST_CHECK_EQUAL(top_hit(h, "Passwort zurücksetzen", "de-AT"), "art-passwort");
  BOOST_CHECK_EQUAL(top_hit(h, "passwort zuruck", "de-AT"), "art-passwort");  // no umlaut, prefix
  BOOST_CHECK_EQUAL(top_hit(h, "Thermostat", "de-AT"), "art-wlan");  // both languages match: German wins
  {
    auto ids = hit_ids(search(h, "Thermostat", "de-AT"));
    BOOST_CHECK_MESSAGE(std::find(ids.begin(), ids.end(), "art-wifi") != ids.end(),
                        "English fallback missing for de-AT");
  }
  BOOST_CHECK_EQUAL(top_hit(h, "brightness", "de-AT"), "art-brightness");  // only English has it: fallback
  BOOST_CHECK_EQUAL(top_hit(h, "brightness", "de_at"), "art-brightness");
  BOOST_CHECK_EQUAL(top_hit(h, "Thermostat", "en"), "art-wifi");
  {
    // No locale: every locale, so both thermostat articles.
    auto ids = hit_ids(search(h, "Thermostat", ""));
    std::set<std::string> got(ids.begin(), ids.end());
    BOOST_CHECK(got.count("art-wlan") == 1 && got.count("art-wifi") == 1);
  }

  // Sections: what the agent wrote, the asked language first, then the default language.
  {
    rapidjson::Document d = sections_doc(h, "de-AT");
    const auto &secs = d["sections"];
    BOOST_REQUIRE_EQUAL(secs.Size(), 5u);
    std::vector<std::string> order;
    for (const auto &s : secs.GetArray()) order.push_back(hlt::str_of(s, "id"));
    BOOST_CHECK_EQUAL(order[0], "sec-konto");
    BOOST_CHECK_EQUAL(order[1], "sec-verbindung");
    BOOST_CHECK_EQUAL(order[2], "sec-connect");
    BOOST_CHECK_EQUAL(hlt::str_of(secs[0], "title"), "Konto");
    BOOST_CHECK_EQUAL(hlt::str_of(secs[0], "locale"), "de-DE");
    BOOST_REQUIRE_EQUAL(secs[0]["articles"].Size(), 1u);
    BOOST_CHECK_EQUAL(hlt::str_of(secs[0]["articles"][0], "title"), "Passwort zurücksetzen");
  }
  {
    rapidjson::Document d = sections_doc(h, "en");
    const auto &secs = d["sections"];
    BOOST_REQUIRE_EQUAL(secs.Size(), 3u);
    BOOST_CHECK_EQUAL(hlt::str_of(secs[0], "id"), "sec-connect");
    BOOST_CHECK_EQUAL(hlt::str_of(secs[0], "title"), "Connectivity");
    BOOST_CHECK_EQUAL(hlt::int_of(secs[0], "position"), 1);
    const auto &arts = secs[0]["articles"];
    BOOST_REQUIRE_EQUAL(arts.Size(), 2u);
    BOOST_CHECK_EQUAL(hlt::str_of(arts[0], "id"), "art-wifi");
    BOOST_CHECK_EQUAL(hlt::str_of(arts[1], "id"), "art-remote");
    BOOST_CHECK_EQUAL(hlt::int_of(arts[1], "position"), 2);
    // The errors section lists the published articles only.
    BOOST_REQUIRE_EQUAL(secs[2]["articles"].Size(), 2u);
  }

  // Articles: exactly what the agent wrote, plus this device's vote (none yet).
  for (const char *id : {"art-wifi", "art-passwort", "art-sync409"}) {
    const ArticleSpec &a = spec(id);
    rapidjson::Document d;
    BOOST_REQUIRE_EQUAL(article_doc(h, id, d), HELPLINE_OK);
    BOOST_CHECK_EQUAL(hlt::str_of(d, "title"), a.title);
    BOOST_CHECK_EQUAL(hlt::str_of(d, "body"), a.body);
    BOOST_CHECK_EQUAL(hlt::str_of(d, "section_id"), a.section);
    BOOST_CHECK_EQUAL(hlt::str_of(d, "locale"), a.locale);
    BOOST_CHECK_EQUAL(hlt::int_of(d, "position"), a.position);
    BOOST_CHECK_EQUAL(hlt::to_json(d["tags"]), hlt::to_json(hlt::parse(a.tags)));
    BOOST_CHECK(hlt::is_null(d, "vote"));
    BOOST_CHECK(hlt::int_of(d, "updated_at") > 0);
  }

  // One sync only: nothing else changed the catalog.
  BOOST_CHECK_EQUAL(events.count(HELPLINE_EVENT_FAQ_UPDATED), 1u);
}

BOOST_AUTO_TEST_CASE(agent_edit_delete_and_unpublish_reach_a_running_sdk_as_a_since_delta_then_304) {
  hlt::ServerProcess srv;
  FaqAgent agent(srv);
  const int visible = agent.write_catalog();
  // A section with one article, both deleted below.
  agent.section({"sec-temp", "en", "Seasonal", 9});
  agent.article({"art-holiday", "sec-temp", "en", "Holiday mode", "Vacation setting lowers the heating.",
                 "[]", 1, true});
  hlt::SdkDir dir;
  hlt::EventRecorder events;
  {
    hlt::Sdk h(hlt::open_config(srv.base_url(), dir.data(), &events, /*long_poll_s=*/10));
    wait_full_sync(events, visible + 2);
    const std::string device = hlt::device_id_of(dir.data());
    BOOST_REQUIRE(!device.empty());
    BOOST_CHECK_EQUAL(top_hit(h, "pair remote"), "art-remote");
    BOOST_CHECK_EQUAL(top_hit(h, "vacation"), "art-holiday");
    // The long-poll is waiting on the server now (or soon): give it a moment so the changes below are news.
    BOOST_REQUIRE(hlt::wait_until(
        [&] { return !hlt::access_log_lines(srv.log_path(), device, "/v1/sync").empty(); }, 5s));
    std::this_thread::sleep_for(200ms);
    events.clear();

    // The agent edits one title, deletes an article and its section, unpublishes another.
    agent.patch_article("art-remote", R"({"title":"Connect the handheld controller"})");
    agent.delete_path("/v1/agent/faq/articles/art-holiday");
    agent.delete_path("/v1/agent/faq/sections/sec-temp");
    agent.patch_article("art-brightness", R"({"published":false})");

    const bool applied = hlt::wait_until(
        [&] {
          rapidjson::Document d;
          return article_doc(h, "art-holiday", d) == HELPLINE_E_NOT_FOUND &&
                 article_doc(h, "art-brightness", d) == HELPLINE_E_NOT_FOUND &&
                 article_doc(h, "art-remote", d) == HELPLINE_OK &&
                 hlt::str_of(d, "title") == "Connect the handheld controller" &&
                 sections_doc(h, "en")["sections"].Size() == 3;
        },
        10s);
    BOOST_REQUIRE_MESSAGE(applied, "the delta did not reach the SDK within 10 s; events:\n"
                                       << events.dump()
                                       << "faq statuses: " << join(faq_statuses(srv, device)));
    // Every change was announced as a faq_changed sync item (the SDK handles those itself, so they are not
    // HELPLINE_EVENT_SYNC_ITEMs; nothing but faq_changed starts an FAQ sync while open in under 6 h) and was
    // applied as a delta (full:false answers only come for a request with `since`), each change exactly once.
    BOOST_CHECK_GE(
        std::stoll(hlt::query(srv.db_path(), "SELECT count(*) FROM events WHERE type = 'faq_changed'")[0][0]),
        4LL);
    BOOST_CHECK_EQUAL(events.count(HELPLINE_EVENT_SYNC_ITEM, {"faq_changed"}), 0u);
    // The events are delivered by the worker after it applied the answer: wait for them (the totals, below,
    // are exact, so a wait that ends early shows up as a failure there).
    events.wait_for(
        HELPLINE_EVENT_FAQ_UPDATED,
        [](const std::vector<std::string> &evs) {
          long long n = 0;
          for (const auto &j : evs) n += hlt::json_int(j, "deleted") + hlt::json_int(j, "upserted");
          return n >= 4;
        },
        5s);
    long long upserted = 0, deleted = 0;
    for (const auto &u : faq_updates(events)) {
      BOOST_CHECK_MESSAGE(!u.full, "a full snapshot was fetched for a change: " << events.dump());
      upserted += u.upserted;
      deleted += u.deleted;
    }
    BOOST_CHECK_GE(faq_updates(events).size(), 1u);
    BOOST_CHECK_EQUAL(upserted, 1);  // the edited article
    BOOST_CHECK_EQUAL(deleted, 3);   // art-holiday, sec-temp, art-brightness (unpublished)

    // Search sees the edit and not what is gone.
    BOOST_CHECK_EQUAL(top_hit(h, "handheld controller"), "art-remote");
    BOOST_CHECK(hit_ids(search(h, "vacation")).empty());
    BOOST_CHECK(hit_ids(search(h, "holiday", nullptr)).empty());
    for (const auto &id : hit_ids(search(h, "brightness screen slider")))
      BOOST_CHECK_NE(id, "art-brightness");
    // ... the old title is no longer indexed ("remote" was only in the title), the body still is.
    for (const auto &id : hit_ids(search(h, "remote"))) BOOST_CHECK_NE(id, "art-remote");
    BOOST_CHECK_EQUAL(top_hit(h, "round button blinks"), "art-remote");
    // ... and no longer suggested (a corrected word from a deleted article would come from a stale
    // vocabulary).
    BOOST_CHECK(hit_ids(search(h, "vacaton")).empty());

    // The server saw a full fetch first and deltas afterwards, all 200 or 304.
    auto statuses = faq_statuses(srv, device);
    BOOST_REQUIRE_MESSAGE(statuses.size() >= 2, "faq statuses: " << join(statuses));
    BOOST_CHECK_EQUAL(statuses.front(), 200);
    for (auto s : statuses) BOOST_CHECK_MESSAGE(s == 200 || s == 304, "faq statuses: " << join(statuses));
    BOOST_CHECK_EQUAL(h.close(5000), HELPLINE_OK);
  }

  // Reopened with nothing new on the server: the sync on open sends `since` and the ETag, gets 304, changes
  // nothing.
  const std::string device = hlt::device_id_of(dir.data());
  const std::size_t before = faq_statuses(srv, device).size();
  hlt::EventRecorder again;
  hlt::Sdk h(hlt::open_config(srv.base_url(), dir.data(), &again));
  BOOST_REQUIRE_MESSAGE(hlt::wait_until([&] { return faq_statuses(srv, device).size() > before; }, 10s),
                        "no GET /v1/faq after reopening");
  auto statuses = faq_statuses(srv, device);
  BOOST_CHECK_MESSAGE(statuses[before] == 304,
                      "sync with nothing new was not a 304: " << join(statuses) << "\n"
                                                              << faq_log(srv, device));
  std::this_thread::sleep_for(300ms);
  BOOST_CHECK_MESSAGE(again.count(HELPLINE_EVENT_FAQ_UPDATED) == 0, "FAQ_UPDATED without a change:\n"
                                                                        << again.dump());
  // The catalog survived the restart as the deltas left it.
  BOOST_CHECK_EQUAL(top_hit(h, "handheld controller"), "art-remote");
  rapidjson::Document d;
  BOOST_CHECK_EQUAL(article_doc(h, "art-holiday", d), HELPLINE_E_NOT_FOUND);

  // One more change while open: a delta again (not a full snapshot), with the new article searchable.
  agent.article({"art-schedule", "sec-account", "en", "Create a weekly schedule",
                 "Open Schedules and add a time slot for each weekday.", "[]", 3, true});
  helpline_sync_now(h);  // no long-poll in this instance: ask for the sync that brings the faq_changed item
  BOOST_REQUIRE_MESSAGE(again.wait_contains(HELPLINE_EVENT_FAQ_UPDATED, {"\"full\":false"}, 10s),
                        "no delta after sync_now; events:\n"
                            << again.dump());
  auto ups = faq_updates(again);
  BOOST_CHECK_EQUAL(ups.size(), 1u);
  BOOST_CHECK_EQUAL(ups.front().upserted, 1);
  BOOST_CHECK_EQUAL(top_hit(h, "weekly schedule"), "art-schedule");
}

BOOST_AUTO_TEST_CASE(a_cursor_the_server_does_not_know_any_more_leads_to_a_full_snapshot) {
  // The server's database is reset (or restored from an older backup): the device's `since` cursor is from
  // the future, the server answers 400 invalid_cursor, and the device must start over, as it does for
  // /v1/sync.
  hlt::ServerProcess srv;
  hlt::SdkDir dir;
  {
    FaqAgent agent(srv);
    const int visible = agent.write_catalog();
    hlt::EventRecorder events;
    hlt::Sdk h(hlt::open_config(srv.base_url(), dir.data(), &events));
    wait_full_sync(events, visible);
    BOOST_REQUIRE_EQUAL(h.close(2000), HELPLINE_OK);
  }
  srv.stop();
  for (const char *suffix : {"", "-wal", "-shm"}) std::filesystem::remove(srv.db_path().string() + suffix);
  srv.start();
  FaqAgent agent(srv);
  agent.section({"sec-new", "en", "Getting started", 1});
  agent.article({"art-new", "sec-new", "en", "Unpack the starter kit", "Remove the cardboard insert first.",
                 "[]", 1, true});

  hlt::EventRecorder events;
  hlt::Sdk h(hlt::open_config(srv.base_url(), dir.data(), &events));
  const bool recovered = events.wait_contains(HELPLINE_EVENT_FAQ_UPDATED, {"\"full\":true"}, 10s);
  const std::string device = hlt::device_id_of(dir.data());
  BOOST_CHECK_MESSAGE(recovered,
                      "no full snapshot after 400 invalid_cursor within 10 s; GET /v1/faq statuses: "
                          << join(faq_statuses(srv, device)) << "\nevents:\n"
                          << events.dump());
  BOOST_CHECK_EQUAL(top_hit(h, "starter kit"), "art-new");
  rapidjson::Document d;
  BOOST_CHECK_EQUAL(article_doc(h, "art-password", d), HELPLINE_E_NOT_FOUND);
  BOOST_CHECK_EQUAL(sections_doc(h, nullptr)["sections"].Size(), 1u);
}

BOOST_AUTO_TEST_CASE(votes_reach_the_server_and_a_second_vote_replaces_the_first) {
  hlt::ServerProcess srv;
  FaqAgent agent(srv);
  const int visible = agent.write_catalog();
  hlt::SdkDir dir;
  hlt::EventRecorder events;
  hlt::Sdk h(hlt::open_config(srv.base_url(), dir.data(), &events));
  wait_full_sync(events, visible);

  auto counts = [&](const std::string &id) {
    rapidjson::Document a;
    BOOST_REQUIRE(agent.article_view(id, a));
    return std::make_pair(hlt::int_of(a, "helpful_count"), hlt::int_of(a, "not_helpful_count"));
  };
  auto local_vote = [&](const std::string &id) {
    rapidjson::Document a;
    BOOST_REQUIRE_EQUAL(article_doc(h, id, a), HELPLINE_OK);
    return a["vote"].IsNull() ? std::string("null") : a["vote"].GetBool() ? "true" : "false";
  };
  BOOST_CHECK(counts("art-password") == std::make_pair(0LL, 0LL));

  BOOST_REQUIRE_EQUAL(helpline_faq_vote(h, "art-password", 1), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(hlt::flush(h), HELPLINE_OK);
  BOOST_CHECK(counts("art-password") == std::make_pair(1LL, 0LL));
  BOOST_CHECK_EQUAL(local_vote("art-password"), "true");

  BOOST_REQUIRE_EQUAL(helpline_faq_vote(h, "art-password", 0), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(hlt::flush(h), HELPLINE_OK);
  BOOST_CHECK(counts("art-password") == std::make_pair(0LL, 1LL));
  BOOST_CHECK_EQUAL(local_vote("art-password"), "false");
  BOOST_CHECK_EQUAL(local_vote("art-wifi"), "null");  // other articles untouched

  // Any non-zero `helpful` is a yes.
  BOOST_REQUIRE_EQUAL(helpline_faq_vote(h, "art-wifi", 42), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(hlt::flush(h), HELPLINE_OK);
  BOOST_CHECK(counts("art-wifi") == std::make_pair(1LL, 0LL));

  // Unknown article, unpublished article, bad ids: refused, nothing queued, nothing sent.
  const long long delivered = hlt::stat_of(h, "delivered");
  BOOST_CHECK_EQUAL(helpline_faq_vote(h, "no-such-article", 1), HELPLINE_E_NOT_FOUND);
  BOOST_CHECK_EQUAL(helpline_faq_vote(h, "art-draft", 1), HELPLINE_E_NOT_FOUND);
  BOOST_CHECK_EQUAL(helpline_faq_vote(h, nullptr, 1), HELPLINE_E_INVALID_ARGUMENT);
  BOOST_CHECK_EQUAL(helpline_faq_vote(h, "", 1), HELPLINE_E_INVALID_ARGUMENT);
  BOOST_CHECK_EQUAL(helpline_faq_vote(h, "art-\xff", 1), HELPLINE_E_INVALID_UTF8);
  BOOST_CHECK_EQUAL(helpline_faq_vote(nullptr, "art-wifi", 1), HELPLINE_E_INVALID_ARGUMENT);
  BOOST_CHECK_EQUAL(hlt::stat_of(h, "outbox_depth"), 0);
  BOOST_REQUIRE_EQUAL(hlt::flush(h), HELPLINE_OK);
  BOOST_CHECK_EQUAL(hlt::stat_of(h, "delivered"), delivered);
  BOOST_CHECK(counts("art-draft") == std::make_pair(0LL, 0LL));
  BOOST_CHECK_EQUAL(hlt::stat_of(h, "dead_lettered"), 0);
}

namespace {

/// Holds the SDK worker inside the HELPLINE_EVENT_OPENED callback until release(): what the host does
/// meanwhile is accepted but not committed (commits run on the worker), so reads must overlay it to show it.
class OpenGate {
 public:
  static void callback(void *user, helpline_event_type_t type, const char *json) {
    auto *self = static_cast<OpenGate *>(user);
    hlt::EventRecorder::callback(&self->log, type, json);
    if (type != HELPLINE_EVENT_OPENED) return;
    std::unique_lock<std::mutex> lock(self->mu_);
    self->held_ = true;
    self->cv_.notify_all();
    self->cv_.wait_for(lock, 15s, [&] { return self->released_; });
  }
  bool wait_held(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return held_; });
  }
  void release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    cv_.notify_all();
  }
  hlt::EventRecorder log;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool held_ = false, released_ = false;
};

helpline_t *open_gated(const hlt::ServerProcess &srv, const std::string &data_dir, OpenGate &gate) {
  helpline_options_t *o = helpline_options_new();
  BOOST_REQUIRE(o != nullptr);
  BOOST_REQUIRE_EQUAL(helpline_options_set_endpoint(o, srv.base_url().c_str()), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_options_set_app_key(o, hlt::kAppKey.c_str()), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_options_set_data_dir(o, data_dir.c_str()), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_options_set_long_poll(o, 0), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_options_set_event_callback(o, &OpenGate::callback, &gate), HELPLINE_OK);
  helpline_t *h = nullptr;
  BOOST_REQUIRE_EQUAL(helpline_open(o, &h), HELPLINE_OK);
  return h;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_vote_is_read_back_at_once_even_before_the_worker_commits_it) {
  hlt::ServerProcess srv;
  FaqAgent agent(srv);
  const int visible = agent.write_catalog();
  hlt::SdkDir dir;
  {
    hlt::EventRecorder events;
    hlt::Sdk h(hlt::open_config(srv.base_url(), dir.data(), &events));
    wait_full_sync(events, visible);
    BOOST_REQUIRE_EQUAL(h.close(2000), HELPLINE_OK);
  }
  OpenGate gate;
  helpline_t *h = open_gated(srv, dir.data(), gate);
  struct Release {
    OpenGate &g;
    ~Release() { g.release(); }
  } release{gate};
  BOOST_REQUIRE(gate.wait_held(10s));
  auto local_vote = [&](const std::string &id) {
    rapidjson::Document a;
    BOOST_REQUIRE_EQUAL(article_doc(h, id, a), HELPLINE_OK);
    return a["vote"].IsNull() ? std::string("null") : a["vote"].GetBool() ? "true" : "false";
  };
  // The worker is held: the catalog is read from disk, the votes wait to be committed.
  BOOST_CHECK_EQUAL(local_vote("art-password"), "null");
  BOOST_REQUIRE_EQUAL(helpline_faq_vote(h, "art-password", 1), HELPLINE_OK);
  BOOST_CHECK_EQUAL(local_vote("art-password"), "true");
  BOOST_REQUIRE_EQUAL(helpline_faq_vote(h, "art-password", 0), HELPLINE_OK);
  BOOST_CHECK_EQUAL(local_vote("art-password"), "false");
  BOOST_CHECK_EQUAL(local_vote("art-wifi"), "null");

  gate.release();
  BOOST_REQUIRE_EQUAL(hlt::flush(h), HELPLINE_OK);
  BOOST_CHECK_EQUAL(local_vote("art-password"), "false");
  rapidjson::Document a;
  BOOST_REQUIRE(agent.article_view("art-password", a));
  BOOST_CHECK_EQUAL(hlt::int_of(a, "helpful_count"), 0);
  BOOST_CHECK_EQUAL(hlt::int_of(a, "not_helpful_count"), 1);
  BOOST_CHECK_EQUAL(helpline_close(h, 2000), HELPLINE_OK);
}

BOOST_AUTO_TEST_CASE(suggestions_are_reported_with_the_ticket_that_follows_or_as_deflected_at_close) {
  hlt::ServerProcess srv;
  FaqAgent agent(srv);
  const int visible = agent.write_catalog();
  hlt::SdkDir dir;
  hlt::EventRecorder events;
  hlt::Sdk h(hlt::open_config(srv.base_url(), dir.data(), &events));
  wait_full_sync(events, visible);
  const Deflection none = deflection_metrics(agent);
  BOOST_CHECK_EQUAL(none.shown, 0);

  // 1. The user writes a ticket about a password: the FAQ suggests the article, the user creates the ticket
  // anyway.
  rapidjson::Document s =
      suggest(h, "Cannot reset my password", "The reset password link in the e-mail expired");
  auto ids = hit_ids(s);
  BOOST_REQUIRE_MESSAGE(!ids.empty(), "no suggestion: " << hlt::to_json(s));
  BOOST_CHECK_EQUAL(ids.front(), "art-password");
  for (const auto &hit : s["hits"].GetArray()) BOOST_CHECK_GE(hit["confidence"].GetDouble(), 0.5);
  const std::string ticket = hlt::create_ticket(h, "Cannot reset my password", "The link expired");
  BOOST_REQUIRE_EQUAL(hlt::flush(h), HELPLINE_OK);
  {
    Deflection d = deflection_metrics(agent);
    BOOST_CHECK_EQUAL(d.shown, 1);
    BOOST_CHECK_EQUAL(d.followed, 1);
    BOOST_CHECK_EQUAL(d.deflected, 0);
    auto rows = hlt::query(srv.db_path(), "SELECT ticket_id, article_ids, query FROM deflections");
    BOOST_REQUIRE_EQUAL(rows.size(), 1u);
    BOOST_CHECK_EQUAL(rows[0][0], ticket);
    BOOST_CHECK_MESSAGE(rows[0][1].find("art-password") != std::string::npos, rows[0][1]);
    BOOST_CHECK_EQUAL(rows[0][2], "Cannot reset my password");
  }

  // 2. A subject the FAQ has nothing for: no suggestion, nothing to report.
  rapidjson::Document nothing = suggest(h, "Invoice has the wrong VAT number", nullptr);
  BOOST_CHECK_MESSAGE(hit_ids(nothing).empty(), hlt::to_json(nothing));
  const std::string other = hlt::create_ticket(h, "Invoice has the wrong VAT number", "Please fix");
  BOOST_REQUIRE_EQUAL(hlt::flush(h), HELPLINE_OK);
  BOOST_CHECK_EQUAL(deflection_metrics(agent).shown, 1);

  // 3. Suggestions for an error code (body only), and no ticket follows: reported as deflected when the app
  // closes.
  rapidjson::Document s2 = suggest(h, nullptr, "The app says ERR-SYNC-409 every morning");
  BOOST_REQUIRE_MESSAGE(!hit_ids(s2).empty(), hlt::to_json(s2));
  BOOST_CHECK_EQUAL(hit_ids(s2).front(), "art-sync409");
  BOOST_REQUIRE_EQUAL(hlt::flush(h), HELPLINE_OK);
  BOOST_CHECK_EQUAL(deflection_metrics(agent).shown, 1);  // not before the window ends or the app closes
  BOOST_CHECK_EQUAL(h.close(10000), HELPLINE_OK);
  {
    Deflection d = deflection_metrics(agent);
    BOOST_CHECK_EQUAL(d.shown, 2);
    BOOST_CHECK_EQUAL(d.followed, 1);
    BOOST_CHECK_EQUAL(d.deflected, 1);
    auto rows = hlt::query(srv.db_path(),
                           "SELECT coalesce(ticket_id, '<null>'), article_ids, query FROM deflections "
                           "WHERE ticket_id IS NULL");
    BOOST_REQUIRE_EQUAL(rows.size(), 1u);
    BOOST_CHECK_MESSAGE(rows[0][1].find("art-sync409") != std::string::npos, rows[0][1]);
    BOOST_CHECK_EQUAL(rows[0][2], "The app says ERR-SYNC-409 every morning");
    auto t = hlt::query(srv.db_path(), "SELECT count(*) FROM deflections WHERE ticket_id = ?1", {other});
    BOOST_CHECK_EQUAL(t[0][0], "0");
  }
  BOOST_CHECK_EQUAL(hlt::query(srv.db_path(), "SELECT count(*) FROM tickets")[0][0], "2");
}

BOOST_AUTO_TEST_CASE(a_long_multibyte_subject_is_reported_as_valid_utf8_and_the_ticket_is_delivered) {
  // The deflection report carries the subject cut to 500 bytes; cut inside a character it would make the
  // whole batch (with the ticket in it) invalid UTF-8.
  hlt::ServerProcess srv;
  FaqAgent agent(srv);
  const int visible = agent.write_catalog();
  hlt::SdkDir dir;
  hlt::EventRecorder events;
  hlt::Sdk h(hlt::open_config(srv.base_url(), dir.data(), &events));
  wait_full_sync(events, visible);

  std::string subject = "Reset password ";  // 15 bytes, then 3-byte characters: byte 500 is inside one
  while (subject.size() < 600) subject += "\xe2\x82\xac";  // U+20AC
  rapidjson::Document s = suggest(h, subject.c_str(), "I forgot my password");
  BOOST_REQUIRE_MESSAGE(!hit_ids(s).empty(), hlt::to_json(s));
  const std::string ticket = hlt::create_ticket(h, "Reset password", "I forgot my password");
  BOOST_CHECK_EQUAL(hlt::flush(h), HELPLINE_OK);
  BOOST_CHECK_EQUAL(hlt::stat_of(h, "dead_lettered"), 0);
  BOOST_CHECK_MESSAGE(events.count(HELPLINE_EVENT_DEAD_LETTER) == 0u, events.dump());
  BOOST_CHECK_EQUAL(agent.status_of("/v1/agent/tickets/" + ticket), 200);
  auto rows = hlt::query(srv.db_path(), "SELECT ticket_id FROM deflections");
  BOOST_REQUIRE_EQUAL(rows.size(), 1u);
  BOOST_CHECK_EQUAL(rows[0][0], ticket);
}

BOOST_AUTO_TEST_CASE(bad_input_through_the_c_api_gets_a_status_never_a_crash_or_an_sql_error) {
  hlt::ServerProcess srv;
  FaqAgent agent(srv);
  const int visible = agent.write_catalog();
  hlt::SdkDir dir;
  hlt::EventRecorder events;
  hlt::Sdk h(hlt::open_config(srv.base_url(), dir.data(), &events));
  wait_full_sync(events, visible);

  // Queries that are fine: OK, valid JSON, no SQL in the error text.
  const std::vector<std::string> ok_queries = {"",
                                               " ",
                                               "?!.,;:",
                                               "\"",
                                               "\"\"",
                                               "*",
                                               "**",
                                               "pass*",
                                               "\"reset password",
                                               "reset password\"",
                                               "NEAR(",
                                               "NEAR(reset password)",
                                               "NEAR(reset password, 2)",
                                               "AND",
                                               "reset AND",
                                               "AND OR NOT",
                                               "reset OR",
                                               "NOT password",
                                               "title:reset",
                                               "{title body}: reset",
                                               "^reset",
                                               "reset^",
                                               "(",
                                               ")",
                                               "((reset)",
                                               "-",
                                               "+",
                                               "'",
                                               "\\",
                                               "%",
                                               "_",
                                               "'; DROP TABLE faq_articles; --",
                                               "reset\tpassword\n",
                                               "a",
                                               "the",
                                               "how do i",
                                               "\xc3\xa4",
                                               "\xf0\x9f\x94\xa5",
                                               "e",
                                               "0",
                                               "409",
                                               "-409",
                                               "ERR--SYNC--409",
                                               std::string(1024, 'x'),
                                               std::string(300, '*'),
                                               std::string(200, '"'),
                                               "reset password " + std::string(900, ' ')};
  for (const auto &q : ok_queries) {
    rapidjson::Document d;
    std::string err;
    helpline_status_t s = search_raw(h, q.c_str(), "en", 10, &d, &err);
    BOOST_CHECK_MESSAGE(s == HELPLINE_OK,
                        "query '" << q.substr(0, 60) << "': " << helpline_status_str(s) << " " << err);
    BOOST_CHECK_MESSAGE(!leaks_sql(err), "query '" << q.substr(0, 60) << "' leaked: " << err);
  }
  // Empty, punctuation only, stop words only: no hits.
  for (const char *q : {"", "   ", "?!.,;:", "\"", "*", "(", "the", "how do i"}) {
    BOOST_CHECK_MESSAGE(hit_ids(search(h, q)).empty(), "query '" << q << "' has hits");
  }
  // FTS5 operators are searched as words, not obeyed.
  BOOST_CHECK_EQUAL(top_hit(h, "NEAR(reset password)"), "art-password");
  BOOST_CHECK_EQUAL(top_hit(h, "\"reset password"), "art-password");
  BOOST_CHECK_EQUAL(top_hit(h, "title:password"), "art-password");

  // Refused with a named status.
  struct Bad {
    std::string query;
    const char *locale;
    int limit;
    helpline_status_t expect;
  };
  const std::vector<Bad> bad = {
      {std::string(10 * 1024, 'a'), "en", 10, HELPLINE_E_TOO_LARGE},
      {std::string(1025, 'x'), "en", 10, HELPLINE_E_TOO_LARGE},
      {"pass\xff", "en", 10, HELPLINE_E_INVALID_UTF8},
      {"\xc0\xaf", "en", 10, HELPLINE_E_INVALID_UTF8},        // overlong '/'
      {"reset \xe2\x82", "en", 10, HELPLINE_E_INVALID_UTF8},  // truncated sequence
      {"\xed\xa0\x80", "en", 10, HELPLINE_E_INVALID_UTF8},    // surrogate
      {"password", "en", 0, HELPLINE_E_INVALID_ARGUMENT},
      {"password", "en", -1, HELPLINE_E_INVALID_ARGUMENT},
      {"password", "de AT", 10, HELPLINE_E_INVALID_ARGUMENT},
      {"password", "../en", 10, HELPLINE_E_INVALID_ARGUMENT},
      {"password", "en'--", 10, HELPLINE_E_INVALID_ARGUMENT},
      {"password", "\xff", 10, HELPLINE_E_INVALID_UTF8},
  };
  for (const auto &b : bad) {
    std::string err;
    helpline_status_t s = search_raw(h, b.query.c_str(), b.locale, b.limit, nullptr, &err);
    BOOST_CHECK_MESSAGE(s == b.expect, "query '" << b.query.substr(0, 40) << "' locale '" << b.locale
                                                 << "' limit " << b.limit << ": " << helpline_status_str(s)
                                                 << ", expected " << helpline_status_str(b.expect));
    BOOST_CHECK_MESSAGE(!leaks_sql(err), "leaked: " << err);
    BOOST_CHECK_MESSAGE(std::string(err).size() > 0, "no message for " << helpline_status_str(s));
  }
  // A locale longer than a locale can be: refused (either status names the problem).
  {
    helpline_status_t s = search_raw(h, "password", std::string(36, 'a').c_str(), 10, nullptr);
    BOOST_CHECK_MESSAGE(s == HELPLINE_E_INVALID_ARGUMENT || s == HELPLINE_E_TOO_LARGE,
                        helpline_status_str(s));
  }
  // Unknown but well-formed locale: the default language. Large limit: capped.
  BOOST_CHECK_EQUAL(top_hit(h, "password", "xx-YY"), "art-password");
  BOOST_CHECK_EQUAL(top_hit(h, "password", "tlh"), "art-password");
  {
    rapidjson::Document d = search(h, "e", nullptr, 1000);
    BOOST_CHECK(d["hits"].Size() <= 50);
    rapidjson::Document one = search(h, "thermostat", nullptr, 1);
    BOOST_CHECK_EQUAL(one["hits"].Size(), 1u);
  }

  // NULL arguments.
  char *out = nullptr;
  BOOST_CHECK_EQUAL(helpline_faq_search(h, "password", "en", 10, nullptr), HELPLINE_E_INVALID_ARGUMENT);
  BOOST_CHECK_EQUAL(helpline_faq_search(h, nullptr, "en", 10, &out), HELPLINE_E_INVALID_ARGUMENT);
  BOOST_CHECK(out == nullptr);
  BOOST_CHECK_EQUAL(helpline_faq_search(nullptr, "password", "en", 10, &out), HELPLINE_E_INVALID_ARGUMENT);
  BOOST_CHECK_EQUAL(search_raw(h, "password", nullptr, 10, nullptr),
                    HELPLINE_OK);  // NULL locale: all locales
  BOOST_CHECK_EQUAL(helpline_faq_sections_json(h, "en", nullptr), HELPLINE_E_INVALID_ARGUMENT);
  BOOST_CHECK_EQUAL(helpline_faq_sections_json(nullptr, "en", &out), HELPLINE_E_INVALID_ARGUMENT);
  BOOST_CHECK_EQUAL(helpline_faq_sections_json(h, "de AT", &out), HELPLINE_E_INVALID_ARGUMENT);
  BOOST_CHECK_EQUAL(helpline_faq_sections_json(h, "\xff", &out), HELPLINE_E_INVALID_UTF8);
  BOOST_CHECK_EQUAL(sections_doc(h, nullptr)["sections"].Size(), 5u);
  BOOST_CHECK_EQUAL(sections_doc(h, "xx-YY")["sections"].Size(), 3u);  // default language
  BOOST_CHECK_EQUAL(helpline_faq_article_json(h, "art-wifi", nullptr), HELPLINE_E_INVALID_ARGUMENT);
  BOOST_CHECK_EQUAL(helpline_faq_article_json(h, nullptr, &out), HELPLINE_E_INVALID_ARGUMENT);
  BOOST_CHECK_EQUAL(helpline_faq_article_json(h, "", &out), HELPLINE_E_INVALID_ARGUMENT);
  BOOST_CHECK_EQUAL(helpline_faq_article_json(h, "art\xff", &out), HELPLINE_E_INVALID_UTF8);
  BOOST_CHECK_EQUAL(helpline_faq_article_json(h, "' OR 1=1 --", &out), HELPLINE_E_NOT_FOUND);
  BOOST_CHECK_EQUAL(helpline_faq_article_json(h, std::string(5000, 'a').c_str(), &out), HELPLINE_E_TOO_LARGE);
  BOOST_CHECK(!leaks_sql(helpline_last_error(h)));
  BOOST_CHECK_EQUAL(helpline_faq_suggest_for_ticket(h, nullptr, nullptr, &out), HELPLINE_E_INVALID_ARGUMENT);
  BOOST_CHECK_EQUAL(helpline_faq_suggest_for_ticket(h, "", "", &out), HELPLINE_E_INVALID_ARGUMENT);
  BOOST_CHECK_EQUAL(helpline_faq_suggest_for_ticket(h, "password", "x", nullptr),
                    HELPLINE_E_INVALID_ARGUMENT);
  BOOST_CHECK_EQUAL(helpline_faq_suggest_for_ticket(h, "pass\xff", nullptr, &out), HELPLINE_E_INVALID_UTF8);
  BOOST_CHECK_EQUAL(helpline_faq_suggest_for_ticket(h, nullptr, "x\xc0\xaf", &out), HELPLINE_E_INVALID_UTF8);
  BOOST_CHECK_EQUAL(helpline_faq_suggest_for_ticket(h, std::string(20001, 'a').c_str(), nullptr, &out),
                    HELPLINE_E_TOO_LARGE);
  BOOST_CHECK(out == nullptr);
  // Ticket-sized text with FTS5 syntax all over it: fine (subject/body are cut, not refused).
  {
    std::string body;
    while (body.size() < 19000) body += "NEAR(\"reset* password AND ERR-SYNC-409 ^( ";
    rapidjson::Document d = suggest(h, "\"reset password", body.c_str());
    BOOST_CHECK(d["hits"].IsArray());
  }

  // A deterministic stream of hostile queries (the libFuzzer target covers the engine; this covers the C
  // shim).
  std::mt19937 rng(7);
  const std::string alphabet = "\"*()^:{}-+_'\\ NEARORNOTAND,.409errsyncpasswordé€\t";
  for (int i = 0; i < 2000; ++i) {
    std::string q;
    const int len = static_cast<int>(rng() % 40);
    for (int k = 0; k < len; ++k) q += alphabet[rng() % alphabet.size()];
    std::string err;
    helpline_status_t s =
        search_raw(h, q.c_str(), (i % 3) == 0 ? "de-AT" : nullptr, 1 + i % 20, nullptr, &err);
    // Random bytes of a multi-byte character may be cut: INVALID_UTF8 is a fine answer then.
    if (s != HELPLINE_OK && s != HELPLINE_E_INVALID_UTF8) {
      BOOST_ERROR("fuzz query #" << i << " '" << q << "': " << helpline_status_str(s) << " " << err);
      break;
    }
    if (leaks_sql(err)) {
      BOOST_ERROR("fuzz query #" << i << " '" << q << "' leaked: " << err);
      break;
    }
  }

  // Still searching normally, nothing queued by reads.
  BOOST_CHECK_EQUAL(top_hit(h, "reset pass"), "art-password");
  BOOST_CHECK_EQUAL(hlt::stat_of(h, "outbox_depth"), 0);

  // A closed handle: HELPLINE_E_CLOSED everywhere, no crash.
  helpline_t *raw = h.get();
  BOOST_REQUIRE_EQUAL(h.close(2000), HELPLINE_OK);
  BOOST_CHECK_EQUAL(helpline_faq_search(raw, "password", "en", 10, &out), HELPLINE_E_CLOSED);
  BOOST_CHECK_EQUAL(helpline_faq_sections_json(raw, "en", &out), HELPLINE_E_CLOSED);
  BOOST_CHECK_EQUAL(helpline_faq_article_json(raw, "art-wifi", &out), HELPLINE_E_CLOSED);
  BOOST_CHECK_EQUAL(helpline_faq_vote(raw, "art-wifi", 1), HELPLINE_E_CLOSED);
  BOOST_CHECK_EQUAL(helpline_faq_suggest_for_ticket(raw, "password", nullptr, &out), HELPLINE_E_CLOSED);
  BOOST_CHECK(out == nullptr);
}

BOOST_AUTO_TEST_CASE(before_any_sync_the_catalog_is_empty_not_an_error) {
  // No server at all: the FAQ calls answer from the (empty) local catalog.
  hlt::SdkDir dir;
  hlt::EventRecorder events;
  hlt::OpenConfig c;
  c.endpoint = hlt::closed_endpoint();
  c.data_dir = dir.data();
  c.events = &events;
  hlt::Sdk h(c);
  BOOST_CHECK(hit_ids(search(h, "password", "en")).empty());
  BOOST_CHECK(hit_ids(search(h, "thermostt wont conect", "de-AT")).empty());
  BOOST_CHECK_EQUAL(sections_doc(h, "en")["sections"].Size(), 0u);
  rapidjson::Document d;
  BOOST_CHECK_EQUAL(article_doc(h, "art-wifi", d), HELPLINE_E_NOT_FOUND);
  BOOST_CHECK_EQUAL(helpline_faq_vote(h, "art-wifi", 1), HELPLINE_E_NOT_FOUND);
  rapidjson::Document s = suggest(h, "Reset password", "help");
  BOOST_CHECK(hit_ids(s).empty());
  BOOST_CHECK_EQUAL(hlt::stat_of(h, "outbox_depth"), 0);
  BOOST_CHECK_EQUAL(h.close(0), HELPLINE_OK);
  BOOST_CHECK_EQUAL(events.count(HELPLINE_EVENT_FAQ_UPDATED), 0u);
}
