// Privacy: erase and export a user's data (docs/protocol.md section 20, the `erase` sync item of section 13,
// docs/metrics.md "Surveys and erasure"). Every case builds the same world on a fresh server (test clock
// frozen, so the metrics are reproducible): users A (two devices) and B, and an anonymous device, each with
// tickets, user and agent messages, attachments, surveys with comments, deflections, diagnostics, push
// tokens, attributes, an FAQ vote and a notice ack. After an erasure the server's database file is read
// directly: every cell of every table must be free of the erased user's identifiers and content.
#define BOOST_TEST_MODULE server_privacy
#include "helpline/testing.hpp"
#include "helpline/testing/checks.hpp"
#include "helpline/testing/device_client.hpp"
#include "helpline/testing/json.hpp"
#include "helpline/testing/unique.hpp"

#include <sqlite3.h>

#include <fstream>
#include <iterator>
#include <set>

namespace hlt = helpline::testing;
using namespace helpline::testing;

namespace {

constexpr long long kT0 = 1700000000000LL;
constexpr long long kMin = 60 * 1000LL;
constexpr long long kHour = 60 * kMin;

// Markers end in "Z" so that none is a prefix of another ("x-1" vs "x-10").
std::string mark(const std::string &prefix) {
  return hlt::unique(prefix) + "Z";
}

hlt::ServerConfig privacy_config() {
  hlt::ServerConfig config;
  config.test_mode = true;
  return config;
}

// What one user (or the anonymous device) stored, to search for afterwards.
struct Person {
  std::string sub, name, email;      // empty for the anonymous device
  std::vector<std::string> devices;  // device ids
  std::vector<std::string> tickets, messages, attachments, surveys, deflections;
  std::vector<std::string> secrets;       // bodies, comments, queries, attribute values, tokens, bytes
  std::vector<std::string> all() const {  // everything that must vanish when this person is erased
    std::vector<std::string> v = secrets;
    for (const auto *list : {&devices, &tickets, &messages, &attachments, &surveys, &deflections})
      v.insert(v.end(), list->begin(), list->end());
    for (const auto *s : {&sub, &name, &email})
      if (!s->empty()) v.push_back(*s);
    return v;
  }
};

struct World {
  hlt::ServerProcess server{privacy_config()};
  hlt::HttpClient control{server.base_url()};
  hlt::HttpClient agent{server.base_url()};
  hlt::HttpClient admin{server.base_url()};
  std::string admin_id;
  std::string article, notice;
  Person a, b, anon;
  std::unique_ptr<Device> d1, d2, db, d3;

  World() {
    at(kT0);
    const auto ag = hlt::create_and_login_agent(server, hlt::unique("agent") + "@example.com");
    agent.set_default_header("Authorization", "Bearer " + ag.token);
    const auto ad = hlt::create_and_login_agent(server, hlt::unique("admin") + "@example.com", "admin");
    admin.set_default_header("Authorization", "Bearer " + ad.token);
    admin_id = str_at(json(admin.get("/v1/agent/me")), "/id");

    const auto s = admin.post("/v1/agent/faq/sections", R"({"locale":"en-US","title":"Help"})");
    REQUIRE_STATUS(s, 201);
    const auto art =
        admin.post("/v1/agent/faq/articles", R"({"section_id":)" + q(str_at(json(s), "/id")) +
                                                 R"(,"locale":"en-US","title":"Reset","body":"Do it"})");
    REQUIRE_STATUS(art, 201);
    article = str_at(json(art), "/id");
    const auto n = admin.post("/v1/agent/notices", R"({"title":"Maintenance","body":"Tonight","target":{}})");
    REQUIRE_STATUS(n, 201);
    notice = str_at(json(n), "/id");

    d1 = std::make_unique<Device>(server, hlt::kAppKey, mark("dev-a1-"));
    d2 = std::make_unique<Device>(server, hlt::kAppKey, mark("dev-a2-"));
    db = std::make_unique<Device>(server, hlt::kAppKey, mark("dev-b1-"));
    d3 = std::make_unique<Device>(server, hlt::kAppKey, mark("dev-anon-"));

    // D1 starts anonymous, then A signs in and identifies: the anonymous ticket moves to A.
    a = person("annsub", "Ann", {d1->id, d2->id});
    b = person("bobsub", "Bob", {db->id});
    anon.devices = {d3->id};
    const std::string pre = create_ticket(*d1, a, "", "");
    (void)pre;
    d1->http.set_default_header(
        "Authorization",
        "Bearer " + hlt::mint_jwt(hlt::kAppSecret, hlt::identity_claims(a.sub, 3600, a.name, a.email)));
    d2->http.set_default_header(
        "Authorization",
        "Bearer " + hlt::mint_jwt(hlt::kAppSecret, hlt::identity_claims(a.sub, 3600, a.name, a.email)));
    db->http.set_default_header(
        "Authorization",
        "Bearer " + hlt::mint_jwt(hlt::kAppSecret, hlt::identity_claims(b.sub, 3600, b.name, b.email)));
    REQUIRE_STATUS(d1->http.post("/v1/identify", "{}"), 200);

    fill(*d1, a, "kiosk", "X100", "1.4.0", true);
    fill(*d2, a, "", "Z9", "2.0.0", false);
    fill(*db, b, "", "B7", "3.1.0", true);
    fill(*d3, anon, "", "Q1", "0.9.0", true);
    at(kT0 + 5 * kHour);
  }

  void at(long long ms) {
    const auto r = control.post("/v1/_test/clock", R"({"now_ms":)" + std::to_string(ms) + "}");
    BOOST_REQUIRE_MESSAGE(r.status == 200, "clock: " + r.describe());
  }

  static Person person(const std::string &who, const std::string &name, std::vector<std::string> devices) {
    Person p;
    p.sub = mark(who);
    p.name = name + " " + mark("Surname");
    p.email = mark(who + "mail") + "@example.com";
    p.devices = std::move(devices);
    return p;
  }

  std::string create_ticket(Device &dev, Person &p, const std::string &fields,
                            const std::string &device_ctx) {
    const std::string subject = mark("subject-"), body = mark("body-");
    std::string req = R"({"subject":)" + q(subject) + R"(,"body":)" + q(body);
    if (!fields.empty()) req += R"(,"fields":)" + fields;
    if (!device_ctx.empty()) req += R"(,"device":)" + device_ctx;
    req += "}";
    const auto r = dev.http.post("/v1/tickets", req, {{"Idempotency-Key", mark("tk-")}});
    REQUIRE_STATUS(r, 201);
    const auto doc = json(r);
    p.tickets.push_back(str_at(doc, "/id"));
    p.secrets.push_back(subject);
    p.secrets.push_back(body);
    const auto msgs = json(dev.http.get("/v1/tickets/" + p.tickets.back() + "/messages"));
    for (const auto &m : hlt::at(msgs, "/items")->GetArray()) p.messages.push_back(m["id"].GetString());
    return p.tickets.back();
  }

  std::string upload(Device &dev, Person &p) {
    hlt::Request up;
    up.method = "POST";
    up.path = "/v1/attachments?filename=" + mark("file-") + ".log";
    up.content_type = "text/plain";
    up.body = mark("ATTACHMENT-BYTES-");
    const auto r = dev.http.send(up);
    REQUIRE_STATUS(r, 201);
    p.attachments.push_back(str_at(json(r), "/id"));
    p.secrets.push_back(up.body);
    return p.attachments.back();
  }

  // Everything one device of `p` stores. The agent answers and solves the first ticket (FRT, FCR, a CSAT
  // prompt) with Idempotency-Keys, so agent-scoped idempotency records mention the ticket too.
  void fill(Device &dev, Person &p, const std::string &channel, const std::string &model,
            const std::string &app_version, bool device_context) {
    const std::string region = mark("region-");
    p.secrets.push_back(region);
    REQUIRE_STATUS(
        dev.http.put("/v1/device", R"({"model":)" + q(model) + R"(,"app_version":)" + q(app_version) +
                                       R"(,"attributes":{"region":)" + q(region) + "}}"),
        200);
    const std::string token = mark("push-token-");
    p.secrets.push_back(token);
    REQUIRE_STATUS(dev.http.put("/v1/device/push-token", R"({"platform":"fcm","token":)" + q(token) + "}"),
                   200);
    const std::string plan = mark("plan-");
    p.secrets.push_back(plan);
    REQUIRE_STATUS(dev.http.patch("/v1/me/attributes", "{" + q(mark("plan-key-")) + ":" + q(plan) + "}"),
                   200);

    const std::string order = mark("order-"), serial = mark("serial-");
    std::string fields =
        R"({"order":)" + q(order) + (channel.empty() ? "" : R"(,"channel":)" + q(channel)) + "}";
    std::string ctx = device_context ? R"({"model":)" + q(model) + R"(,"serial":)" + q(serial) +
                                           R"(,"attributes":{"channel":"sdk"}})"
                                     : "";
    p.secrets.push_back(order);
    if (device_context) p.secrets.push_back(serial);
    const std::string t1 = create_ticket(dev, p, fields, ctx);
    const std::string t2 = create_ticket(dev, p, "", "");

    // A user message with an attachment, an unlinked upload, an agent reply that solves t1.
    const std::string att = upload(dev, p);
    upload(dev, p);
    const std::string text = mark("user-says-");
    p.secrets.push_back(text);
    const auto m = dev.http.post("/v1/tickets/" + t1 + "/messages",
                                 R"({"body":)" + q(text) + R"(,"attachment_ids":[)" + q(att) + "]}");
    REQUIRE_STATUS(m, 201);
    p.messages.push_back(str_at(json(m), "/id"));
    const std::string reply = mark("agent-says-");
    p.secrets.push_back(reply);
    const auto r =
        agent.post("/v1/agent/tickets/" + t1 + "/messages",
                   R"({"body":)" + q(reply) + R"(,"status":"solved"})", {{"Idempotency-Key", mark("ak-")}});
    REQUIRE_STATUS(r, 201);
    p.messages.push_back(str_at(json(r), "/id"));
    REQUIRE_STATUS(
        agent.patch("/v1/agent/tickets/" + t2, R"({"status":"pending"})", {{"Idempotency-Key", mark("ak-")}}),
        200);
    REQUIRE_STATUS(dev.http.patch("/v1/tickets/" + t2, R"({"status":"closed"})"), 200);

    // Surveys with comments, deflections (one followed by t2), diagnostics naming t1, a diagnostics request.
    for (const auto &[kind, score, ticket] : std::vector<std::tuple<std::string, int, std::string>>{
             {"csat", 4, t1}, {"nps", 9, ""}, {"ces", 3, ""}}) {
      const std::string comment = mark("comment-");
      p.secrets.push_back(comment);
      std::string body = R"({"kind":)" + q(kind) + R"(,"score":)" + std::to_string(score) + R"(,"comment":)" +
                         q(comment) + (ticket.empty() ? "" : R"(,"ticket_id":)" + q(ticket)) + "}";
      const auto s = dev.http.post("/v1/surveys", body, {{"Idempotency-Key", mark("sk-")}});
      REQUIRE_STATUS(s, 201);
      p.surveys.push_back(str_at(json(s), "/id"));
    }
    for (const std::string &ticket : {t2, std::string()}) {
      const std::string query = mark("query-");
      p.secrets.push_back(query);
      const auto d =
          dev.http.post("/v1/deflections", R"({"article_ids":[)" + q(article) + R"(],"query":)" + q(query) +
                                               (ticket.empty() ? "" : R"(,"ticket_id":)" + q(ticket)) + "}");
      REQUIRE_STATUS(d, 201);
      p.deflections.push_back(str_at(json(d), "/id"));
    }
    const std::string diag = mark("diag-message-");
    p.secrets.push_back(diag);
    const auto dg = dev.http.post(
        "/v1/diagnostics/batch", R"({"items":[{"idempotency_key":"d-1","kind":"event","name":"crash","ts":)" +
                                     std::to_string(kT0) + R"(,"level":"error","message":)" + q(diag) +
                                     R"(,"ticket_id":)" + q(t1) + "}]}");
    REQUIRE_STATUS(dg, 200);
    BOOST_REQUIRE_EQUAL(int_at(json(dg), "/accepted"), 1);
    REQUIRE_STATUS(
        agent.post("/v1/agent/diagnostics-requests",
                   R"({"device_id":)" + q(dev.id) + R"(,"kinds":["snapshot"],"message":"please"})"),
        201);
    REQUIRE_STATUS(dev.http.post("/v1/faq/articles/" + article + "/vote", R"({"helpful":true})"), 200);
    REQUIRE_STATUS(dev.http.post("/v1/notices/" + notice + "/ack", "{}"), 200);
  }

  // The report of the hours up to the erase (at kT0 + 6h): after an erase, only later windows may differ.
  std::string metrics(long long to = kT0 + 6 * kHour) {
    const auto r = agent.get("/v1/agent/metrics?from=" + std::to_string(kT0 - kHour) +
                             "&to=" + std::to_string(to) + "&bucket=" + std::to_string(kHour));
    BOOST_REQUIRE_MESSAGE(r.status == 200, "metrics: " + r.describe());
    return r.body;
  }
};

// ---- reading the server's database file directly

struct Cell {
  std::string table, column, value;
  std::string row;  // the whole row, for messages
};

std::vector<Cell> every_cell(const std::string &db_path) {
  sqlite3 *db = nullptr;
  BOOST_REQUIRE_EQUAL(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  std::vector<std::string> tables;
  sqlite3_stmt *st = nullptr;
  BOOST_REQUIRE_EQUAL(
      sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type='table'", -1, &st, nullptr),
      SQLITE_OK);
  while (sqlite3_step(st) == SQLITE_ROW)
    tables.emplace_back(reinterpret_cast<const char *>(sqlite3_column_text(st, 0)));
  sqlite3_finalize(st);
  BOOST_REQUIRE_GT(tables.size(), 20U);
  std::vector<Cell> out;
  for (const auto &t : tables) {
    BOOST_REQUIRE_EQUAL(sqlite3_prepare_v2(db, ("SELECT * FROM \"" + t + "\"").c_str(), -1, &st, nullptr),
                        SQLITE_OK);
    const int cols = sqlite3_column_count(st);
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::vector<Cell> row;
      std::string whole;
      for (int c = 0; c < cols; ++c) {
        const void *p = sqlite3_column_blob(st, c);
        std::string v =
            p ? std::string(static_cast<const char *>(p), static_cast<size_t>(sqlite3_column_bytes(st, c)))
              : std::string();
        whole += std::string(sqlite3_column_name(st, c)) + "=" + v + " ";
        row.push_back(Cell{t, sqlite3_column_name(st, c), v, ""});
      }
      for (auto &c : row) {
        c.row = whole;
        out.push_back(std::move(c));
      }
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return out;
}

std::string file_bytes(const std::filesystem::path &p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Number of sync items of `type` a device gets from the beginning of its history.
std::vector<const rapidjson::Value *> sync_items(Device &dev, rapidjson::Document &doc,
                                                 const std::string &type) {
  const auto r = dev.sync();
  BOOST_REQUIRE_MESSAGE(r.status == 200, "sync: " + r.describe());
  doc = json(r);
  return hlt::items_of_type(doc, type);
}

hlt::Response erase_in_batch(Device &dev, const std::string &key, const std::string &body) {
  return dev.http.post("/v1/batch", R"({"items":[)" + batch_item(key, "POST", "/v1/me/erase", body) + "]}");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(erase)

BOOST_AUTO_TEST_CASE(a_user_erase_leaves_nothing_of_the_user_in_any_table_and_the_metrics_unchanged) {
  World w;
  // B replays one of its writes after the erase: B's idempotency records must survive.
  const std::string b_key = mark("b-key-");
  const auto b_ticket = w.db->http.post("/v1/tickets", R"({"subject":"kept","body":"kept body"})",
                                        {{"Idempotency-Key", b_key}});
  REQUIRE_STATUS(b_ticket, 201);
  const std::string before = w.metrics();
  const std::string later = w.metrics(kT0 + 8 * kHour);
  w.at(kT0 + 6 * kHour);  // the erase happens at the end of the compared window

  // The SDK rotated D1 to D1' and sends the erase from its outbox; D1' registered itself first (a link row).
  Device d1new(w.server, hlt::kAppKey, mark("dev-a1-new-"));
  for (const auto &h : w.d1->http.default_headers())
    if (h.first == "Authorization") d1new.http.set_default_header("Authorization", h.second);
  const auto r = d1new.http.post(
      "/v1/batch", R"({"items":[)" + batch_item("reg-1", "PUT", "/v1/device", R"({"model":"X100"})") + "," +
                       batch_item("erase-1", "POST", "/v1/me/erase", R"({"device_id":)" + q(w.d1->id) + "}") +
                       "]}");
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(str_at(doc, "/results/1/outcome"), "ok");
  BOOST_CHECK_EQUAL(int_at(doc, "/results/1/status"), 200);
  BOOST_CHECK_EQUAL(int_at(doc, "/results/1/body/erased/tickets"), 5);  // pre-login + 2 per device
  BOOST_CHECK_EQUAL(int_at(doc, "/results/1/body/erased/attachments"), 4);
  BOOST_CHECK_EQUAL(int_at(doc, "/results/1/body/erased/surveys_anonymised"), 6);
  BOOST_CHECK_EQUAL(int_at(doc, "/results/1/body/erased/diagnostics"), 2);
  BOOST_CHECK_EQUAL(int_at(doc, "/results/1/body/erased/devices"), 2);
  BOOST_CHECK_EQUAL(int_at(doc, "/results/1/body/erased/messages"),
                    static_cast<long long>(w.a.messages.size()));
  BOOST_CHECK_EQUAL(int_at(doc, "/results/1/body/at"), kT0 + 6 * kHour);

  // Metrics: exactly the same document for the hours up to the erase.
  BOOST_CHECK_EQUAL(w.metrics(), before);
  // From the erase on, A's ticket that was still open has left the backlog (nobody can work on it); nothing
  // else in the later hours changed.
  const std::string after_later = w.metrics(kT0 + 8 * kHour);
  const auto backlog_at_end = [](const std::string &report) {
    const auto last = report.rfind(R"("backlog":)");
    return report.substr(last, report.find(',', last) - last);
  };
  BOOST_CHECK_EQUAL(backlog_at_end(later), R"("backlog":2)");
  BOOST_CHECK_EQUAL(backlog_at_end(after_later), R"("backlog":1)");

  // B's data is intact: its ticket, messages, attachment bytes, export, idempotent replay.
  for (const auto &t : w.b.tickets) CHECK_STATUS(w.db->http.get("/v1/tickets/" + t), 200);
  const auto b_msgs = json(w.db->http.get("/v1/tickets/" + w.b.tickets[0] + "/messages"));
  BOOST_CHECK_EQUAL(hlt::size_at(b_msgs, "/items"), 3U);
  const auto b_att = w.db->http.get("/v1/attachments/" + w.b.attachments[0]);
  CHECK_STATUS(b_att, 200);
  BOOST_CHECK(b_att.body.rfind("ATTACHMENT-BYTES-", 0) == 0);
  const auto replay = w.db->http.post("/v1/tickets", R"({"subject":"kept","body":"kept body"})",
                                      {{"Idempotency-Key", b_key}});
  CHECK_STATUS(replay, 201);
  BOOST_CHECK(replay.header("Idempotent-Replayed").value_or("") == "true");
  const auto b_export = w.db->http.get("/v1/me/export");
  REQUIRE_STATUS(b_export, 200);
  for (const auto &s : w.b.all())
    if (s.rfind("ATTACHMENT-BYTES-", 0) != 0)  // exports carry attachment metadata, not the bytes
      BOOST_CHECK_MESSAGE(b_export.body.find(s) != std::string::npos, "B's export lacks " + s);
  // FAQ counters are aggregates: the erased devices' votes stay counted, also after B changes its vote.
  const auto art = json(w.db->http.get("/v1/faq/articles/" + w.article));
  BOOST_CHECK_EQUAL(int_at(art, "/helpful_count"), 4);
  const auto revote = w.db->http.post("/v1/faq/articles/" + w.article + "/vote", R"({"helpful":false})");
  REQUIRE_STATUS(revote, 200);
  BOOST_CHECK_EQUAL(int_at(json(revote), "/helpful_count"), 3);
  BOOST_CHECK_EQUAL(int_at(json(revote), "/not_helpful_count"), 1);
  // The anonymous device's data too.
  for (const auto &t : w.anon.tickets) CHECK_STATUS(w.d3->http.get("/v1/tickets/" + t), 200);

  // The user's other device gets one `erase` item; the erased device and the new one get none.
  rapidjson::Document s2, s1n;
  const auto items = sync_items(*w.d2, s2, "erase");
  BOOST_REQUIRE_EQUAL(items.size(), 1U);
  BOOST_CHECK_EQUAL(str_at(*items[0], "/data/reason"), "user_erased");
  BOOST_CHECK_EQUAL(int_at(*items[0], "/data/erased_at"), kT0 + 6 * kHour);
  BOOST_CHECK_EQUAL(sync_items(d1new, s1n, "erase").size(), 0U);
  // The retired id is refused for good: nothing still on the wire under it can write again.
  CHECK_ERROR(w.d1->sync(), 410, "device_erased");
  CHECK_ERROR(w.d1->http.put("/v1/device", R"({"model":"X100"})"), 410, "device_erased");

  // The database file: no cell anywhere mentions A (the one `erase` row for D2 aside).
  BOOST_REQUIRE(w.server.stop().exited);
  const auto cells = every_cell(w.server.db_path().string());
  std::vector<std::string> forbidden = w.a.all();
  std::set<std::string> hits;
  int erase_rows_for_d2 = 0;
  bool d1new_row = false;
  for (const auto &c : cells) {
    if (c.table == "events" && c.column == "device_id" && c.value == w.d2->id) {
      ++erase_rows_for_d2;
      BOOST_CHECK_MESSAGE(c.row.find("type=erase ") != std::string::npos, "events row for D2: " + c.row);
      BOOST_CHECK_MESSAGE(c.row.find("owner= ") != std::string::npos, "erase row has an owner: " + c.row);
      continue;
    }
    if (c.table == "devices" && c.column == "user_sub" && c.row.find(d1new.id) != std::string::npos) {
      d1new_row = true;
      BOOST_CHECK_MESSAGE(c.value.empty(), "D1' still linked: " + c.row);
    }
    for (const auto &f : forbidden)
      if (c.value.find(f) != std::string::npos)
        hits.insert(c.table + "." + c.column + " has " + f + ": " + c.row.substr(0, 300));
  }
  for (const auto &h : hits) BOOST_ERROR(h);
  BOOST_CHECK_EQUAL(erase_rows_for_d2, 1);
  BOOST_CHECK(d1new_row);
  // B's and the anonymous device's identifiers are all still there (the scan can find things).
  for (const auto *p : {&w.b, &w.anon})
    for (const auto &id : p->tickets) {
      bool found = false;
      for (const auto &c : cells) found = found || (c.table == "tickets" && c.value == id);
      BOOST_CHECK_MESSAGE(found, "ticket " + id + " of someone else is gone");
    }
  // Tombstones: the tickets, surveys and deflections are kept anonymously.
  int tombstones = 0, erased_surveys = 0;
  for (const auto &c : cells) {
    if (c.table == "tickets" && c.column == "owner" && c.value == "erased") ++tombstones;
    if (c.table == "surveys" && c.column == "owner" && c.value == "erased") ++erased_surveys;
  }
  BOOST_CHECK_EQUAL(tombstones, 5);
  BOOST_CHECK_EQUAL(erased_surveys, 6);

  // secure_delete: the file itself (after the shutdown checkpoint) holds none of the erased content.
  std::string bytes = file_bytes(w.server.db_path());
  bytes += file_bytes(w.server.db_path().string() + "-wal");
  for (const auto &s : w.a.secrets)
    BOOST_CHECK_MESSAGE(bytes.find(s) == std::string::npos, "database file still contains " + s);
  for (const auto &s : w.b.secrets)
    BOOST_CHECK_MESSAGE(bytes.find(s) != std::string::npos, "database file lost B's " + s);
}

BOOST_AUTO_TEST_CASE(the_other_device_erases_itself_and_its_erase_item_goes_too) {
  World w;
  Device d1new(w.server, hlt::kAppKey, mark("dev-a1-new-"));
  for (const auto &h : w.d1->http.default_headers())
    if (h.first == "Authorization") d1new.http.set_default_header("Authorization", h.second);
  REQUIRE_STATUS(erase_in_batch(d1new, "e-1", R"({"device_id":)" + q(w.d1->id) + "}"), 200);

  rapidjson::Document s2;
  BOOST_REQUIRE_EQUAL(sync_items(*w.d2, s2, "erase").size(), 1U);
  // D2's SDK wipes itself, rotates to D2' and erases its old id anonymously.
  Device d2new(w.server, hlt::kAppKey, mark("dev-a2-new-"));
  const auto r = erase_in_batch(d2new, "e-2", R"({"device_id":)" + q(w.d2->id) + "}");
  REQUIRE_STATUS(r, 200);
  BOOST_CHECK_EQUAL(str_at(json(r), "/results/0/outcome"), "ok");
  BOOST_CHECK_EQUAL(int_at(json(r), "/results/0/body/erased/devices"), 0);  // already erased with the user
  CHECK_ERROR(w.d2->sync(), 410, "device_erased");  // retired: its erase item is of no use any more

  BOOST_REQUIRE(w.server.stop().exited);
  for (const auto &c : every_cell(w.server.db_path().string())) {
    BOOST_CHECK_MESSAGE(c.value.find(w.d2->id) == std::string::npos, "D2 left in " + c.table + ": " + c.row);
    BOOST_CHECK_MESSAGE(c.value.find(w.a.sub) == std::string::npos, "A left in " + c.table + ": " + c.row);
  }
}

BOOST_AUTO_TEST_CASE(another_users_data_written_on_an_erased_shared_device_stays_with_its_breakdown) {
  hlt::ServerProcess server{privacy_config()};
  hlt::HttpClient control{server.base_url()}, agent{server.base_url()};
  REQUIRE_STATUS(control.post("/v1/_test/clock", R"({"now_ms":)" + std::to_string(kT0) + "}"), 200);
  agent.set_default_header(
      "Authorization",
      "Bearer " + hlt::create_and_login_agent(server, hlt::unique("agent") + "@example.com").token);
  const std::string ann = mark("annsub"), cid = mark("carlsub");
  // A kiosk S: Ann writes a ticket there, then Carl registers it as his and writes one without device
  // context.
  Device kiosk(server, hlt::kAppKey, mark("dev-kiosk-"));
  Device carl_phone(server, hlt::kAppKey, mark("dev-carl-"));
  kiosk.sign_in(ann);
  const std::string ann_ticket = kiosk.new_ticket(mark("ann-subject-"));
  kiosk.sign_in(cid);
  carl_phone.sign_in(cid);
  REQUIRE_STATUS(kiosk.http.put("/v1/device", R"({"model":"K1","app_version":"5.0"})"), 200);
  const std::string carl_ticket = kiosk.new_ticket("carl's question");
  REQUIRE_STATUS(kiosk.send_message(carl_ticket, "more from carl"), 201);
  const auto metrics = [&] {
    const auto r = agent.get("/v1/agent/metrics?from=" + std::to_string(kT0 - kHour) +
                             "&to=" + std::to_string(kT0 + kHour));
    BOOST_REQUIRE_MESSAGE(r.status == 200, r.describe());
    return r.body;
  };
  const std::string before = metrics();
  BOOST_REQUIRE(before.find(R"("tickets_by_device_model":{"K1":2})") != std::string::npos);
  REQUIRE_STATUS(control.post("/v1/_test/clock", R"({"now_ms":)" + std::to_string(kT0 + kHour) + "}"), 200);

  Device ann_new(server, hlt::kAppKey, mark("dev-ann-new-"));
  ann_new.sign_in(ann);
  const auto r = ann_new.http.post("/v1/me/erase", "{}");
  REQUIRE_STATUS(r, 200);
  BOOST_CHECK_EQUAL(int_at(json(r), "/erased/tickets"), 1);
  BOOST_CHECK_EQUAL(int_at(json(r), "/erased/devices"), 1);  // the kiosk, linked to Ann by her ticket
  BOOST_CHECK_EQUAL(metrics(), before);
  // Carl keeps his ticket and messages; his phone still gets the items that came from the kiosk.
  const auto t = kiosk.http.get("/v1/tickets/" + carl_ticket);
  REQUIRE_STATUS(t, 200);
  BOOST_CHECK_EQUAL(str_at(json(t), "/subject"), "carl's question");
  BOOST_CHECK_EQUAL(hlt::size_at(json(kiosk.http.get("/v1/tickets/" + carl_ticket + "/messages")), "/items"),
                    2U);
  rapidjson::Document phone;
  const auto tickets = sync_items(carl_phone, phone, "ticket");
  BOOST_CHECK_EQUAL(tickets.size(), 1U);
  BOOST_CHECK_EQUAL(hlt::count_of_type(phone, "message"), 1U);
  // The kiosk is told to erase itself; Ann's new device is not.
  rapidjson::Document k, n;
  BOOST_CHECK_EQUAL(sync_items(kiosk, k, "erase").size(), 1U);
  BOOST_CHECK_EQUAL(sync_items(ann_new, n, "erase").size(), 0U);

  BOOST_REQUIRE(server.stop().exited);
  for (const auto &c : every_cell(server.db_path().string())) {
    BOOST_CHECK_MESSAGE(c.value.find(ann) == std::string::npos, "Ann left in " + c.table + ": " + c.row);
    BOOST_CHECK_MESSAGE(c.value.find(ann_ticket) == std::string::npos,
                        "Ann's ticket in " + c.table + ": " + c.row);
    if (c.value.find(kiosk.id) != std::string::npos)
      BOOST_CHECK_MESSAGE(c.table == "events" && c.row.find("type=erase ") != std::string::npos,
                          "the kiosk left in " + c.table + ": " + c.row);
  }
}

BOOST_AUTO_TEST_CASE(an_anonymous_device_erases_only_its_own_data) {
  World w;
  const auto r = w.d3->http.post("/v1/me/erase", "{}");
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(int_at(doc, "/erased/tickets"), 2);
  BOOST_CHECK_EQUAL(int_at(doc, "/erased/devices"), 1);
  for (const auto &t : w.anon.tickets) CHECK_ERROR(w.d3->http.get("/v1/tickets/" + t), 404, "not_found");
  for (const auto &t : w.a.tickets) CHECK_STATUS(w.d1->http.get("/v1/tickets/" + t), 200);
  for (const auto &t : w.b.tickets) CHECK_STATUS(w.db->http.get("/v1/tickets/" + t), 200);
  // Nobody else gets an erase item for an anonymous device's own erase.
  rapidjson::Document s;
  BOOST_CHECK_EQUAL(sync_items(*w.d2, s, "erase").size(), 0U);
}

BOOST_AUTO_TEST_CASE(a_replayed_erase_runs_again_with_zero_counts_and_bad_input_is_400) {
  World w;
  Device d1new(w.server, hlt::kAppKey, mark("dev-a1-new-"));
  for (const auto &h : w.d1->http.default_headers())
    if (h.first == "Authorization") d1new.http.set_default_header("Authorization", h.second);
  const std::string body = R"({"device_id":)" + q(w.d1->id) + "}";
  const auto first = erase_in_batch(d1new, "same-key", body);
  REQUIRE_STATUS(first, 200);
  BOOST_CHECK_EQUAL(int_at(json(first), "/results/0/body/erased/tickets"), 5);
  const auto again = erase_in_batch(d1new, "same-key", body);
  REQUIRE_STATUS(again, 200);
  const auto doc = json(again);
  BOOST_CHECK_EQUAL(str_at(doc, "/results/0/outcome"), "ok");  // executed again, not a stored duplicate
  BOOST_CHECK_EQUAL(int_at(doc, "/results/0/status"), 200);
  for (const char *k : {"tickets", "messages", "attachments", "surveys_anonymised", "diagnostics", "devices"})
    BOOST_CHECK_EQUAL(int_at(doc, (std::string("/results/0/body/erased/") + k).c_str()), 0);
  // The single request too, with the same Idempotency-Key twice.
  const auto single = d1new.http.post("/v1/me/erase", body, {{"Idempotency-Key", "same-key"}});
  CHECK_STATUS(single, 200);
  BOOST_CHECK(!single.header("Idempotent-Replayed"));

  CHECK_ERROR(w.d3->http.post("/v1/me/erase", R"({"device_id":42})"), 400, "invalid_request");
  CHECK_ERROR(w.d3->http.post("/v1/me/erase", R"({"device_id":null})"), 400, "invalid_request");
  CHECK_ERROR(w.d3->http.post("/v1/me/erase", R"({"device_id":")" + std::string(129, 'x') + "\"}"), 400,
              "invalid_request");
  const auto item = erase_in_batch(*w.d3, "bad-1", R"({"device_id":["x"]})");
  REQUIRE_STATUS(item, 200);
  BOOST_CHECK_EQUAL(int_at(json(item), "/results/0/status"), 400);
  BOOST_CHECK_EQUAL(str_at(json(item), "/results/0/error/code"), "invalid_request");
  // Nothing of the anonymous device was erased by the rejected requests.
  for (const auto &t : w.anon.tickets) CHECK_STATUS(w.d3->http.get("/v1/tickets/" + t), 200);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(export_)

BOOST_AUTO_TEST_CASE(each_export_holds_exactly_the_callers_data) {
  World w;
  const auto ra = w.d1->http.get("/v1/me/export");
  REQUIRE_STATUS(ra, 200);
  const auto a = json(ra);
  BOOST_CHECK_EQUAL(str_at(a, "/export/format"), "helpline-export/1");
  BOOST_CHECK_EQUAL(str_at(a, "/export/principal"), "user:" + w.a.sub);
  BOOST_CHECK_EQUAL(str_at(a, "/export/user/sub"), w.a.sub);
  BOOST_CHECK_EQUAL(hlt::size_at(a, "/export/tickets"), w.a.tickets.size());
  BOOST_CHECK_EQUAL(hlt::size_at(a, "/export/devices"), 2U);
  BOOST_CHECK_EQUAL(hlt::size_at(a, "/export/surveys"), 6U);
  BOOST_CHECK_EQUAL(hlt::size_at(a, "/export/deflections"), 4U);
  BOOST_CHECK_EQUAL(hlt::size_at(a, "/export/diagnostics"), 2U);
  BOOST_CHECK_EQUAL(hlt::size_at(a, "/export/faq_votes"), 2U);
  BOOST_CHECK_EQUAL(hlt::size_at(a, "/export/notice_acks"), 2U);
  BOOST_CHECK_EQUAL(hlt::size_at(a, "/export/attachments"), 2U);  // the unlinked uploads
  for (const auto &id : w.a.tickets) BOOST_CHECK(hlt::contains_id(a, "/export/tickets", id));
  for (const auto &s : w.a.all())
    if (s.rfind("ATTACHMENT-BYTES-", 0) != 0)  // metadata only, never the bytes
      BOOST_CHECK_MESSAGE(ra.body.find(s) != std::string::npos, "A's export lacks " + s);
  for (const auto &s : w.a.secrets)
    if (s.rfind("ATTACHMENT-BYTES-", 0) == 0) BOOST_CHECK(ra.body.find(s) == std::string::npos);
  for (const auto *other : {&w.b, &w.anon})
    for (const auto &s : other->all())
      BOOST_CHECK_MESSAGE(ra.body.find(s) == std::string::npos, "A's export has someone else's " + s);
  // A message's attachment metadata and download path.
  BOOST_CHECK_EQUAL(str_at(a, "/export/tickets/1/messages/1/attachments/0/url").rfind("/v1/attachments/", 0),
                    0U);
  BOOST_CHECK_EQUAL(str_at(a, "/export/tickets/1/messages/1/attachments/0/sha256").size(), 64U);

  const auto rb = w.db->http.get("/v1/me/export");
  REQUIRE_STATUS(rb, 200);
  for (const auto &s : w.b.all())
    if (s.rfind("ATTACHMENT-BYTES-", 0) != 0)
      BOOST_CHECK_MESSAGE(rb.body.find(s) != std::string::npos, "B's export lacks " + s);
  for (const auto *other : {&w.a, &w.anon})
    for (const auto &s : other->all())
      BOOST_CHECK_MESSAGE(rb.body.find(s) == std::string::npos, "B's export has someone else's " + s);

  // The anonymous device, as a batch item (POST), with no user.
  const auto rc =
      w.d3->http.post("/v1/batch", R"({"items":[)" + batch_item("x-1", "POST", "/v1/me/export") + "]}");
  REQUIRE_STATUS(rc, 200);
  const auto c = json(rc);
  BOOST_CHECK_EQUAL(int_at(c, "/results/0/status"), 200);
  BOOST_CHECK_EQUAL(str_at(c, "/results/0/body/export/principal"), "device:" + w.d3->id);
  BOOST_CHECK(hlt::at(c, "/results/0/body/export/user")->IsNull());
  BOOST_CHECK_EQUAL(hlt::size_at(c, "/results/0/body/export/tickets"), 2U);
  for (const auto *other : {&w.a, &w.b})
    for (const auto &s : other->all())
      BOOST_CHECK_MESSAGE(rc.body.find(s) == std::string::npos, "D3's export has someone else's " + s);
  // Reads are not recorded: the same key again is executed again (same status, outcome ok).
  const auto rc2 =
      w.d3->http.post("/v1/batch", R"({"items":[)" + batch_item("x-1", "POST", "/v1/me/export") + "]}");
  BOOST_CHECK_EQUAL(str_at(json(rc2), "/results/0/outcome"), "ok");

  // Every export is audited (scope, action, requested_by; never the owner itself).
  const auto audit = w.admin.get("/v1/agent/erasures");
  REQUIRE_STATUS(audit, 200);
  BOOST_CHECK_EQUAL(hlt::size_at(json(audit), "/items"), 4U);
  BOOST_CHECK_EQUAL(str_at(json(audit), "/items/0/action"), "export");
  BOOST_CHECK_EQUAL(str_at(json(audit), "/items/0/scope"), "device");
  BOOST_CHECK_EQUAL(str_at(json(audit), "/items/0/requested_by"), "self");
  BOOST_CHECK_EQUAL(str_at(json(audit), "/items/3/scope"), "user");
  BOOST_CHECK(audit.body.find(w.a.sub) == std::string::npos);
  BOOST_CHECK(audit.body.find(w.d3->id) == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(agent_api)

BOOST_AUTO_TEST_CASE(agents_export_only_admins_erase_and_the_audit_is_pseudonymous) {
  World w;
  const std::string principal = hlt::url_encode("user:" + w.a.sub);
  const auto ex = w.agent.get("/v1/agent/principals/" + principal + "/export");
  REQUIRE_STATUS(ex, 200);
  for (const auto &id : w.a.tickets) BOOST_CHECK(hlt::contains_id(json(ex), "/export/tickets", id));
  for (const auto &s : w.b.all()) BOOST_CHECK(ex.body.find(s) == std::string::npos);
  CHECK_ERROR(w.agent.get("/v1/agent/principals/" + hlt::url_encode("user:nobody-at-all") + "/export"), 404,
              "not_found");
  const auto dev_ex =
      w.agent.get("/v1/agent/principals/" + hlt::url_encode("device:" + w.d3->id) + "/export");
  REQUIRE_STATUS(dev_ex, 200);
  BOOST_CHECK_EQUAL(hlt::size_at(json(dev_ex), "/export/tickets"), 2U);

  // Role "agent" may not erase: 403 and nothing changed.
  const auto denied = w.agent.post("/v1/agent/principals/" + principal + "/erase", "{}");
  CHECK_ERROR(denied, 403, "forbidden");
  BOOST_CHECK_EQUAL(str_at(json(denied), "/error/message"), "admin role required");
  for (const auto &t : w.a.tickets) CHECK_STATUS(w.d1->http.get("/v1/tickets/" + t), 200);
  CHECK_ERROR(w.agent.get("/v1/agent/erasures"), 403, "forbidden");

  const auto erased = w.admin.post("/v1/agent/principals/" + principal + "/erase", "{}");
  REQUIRE_STATUS(erased, 200);
  BOOST_CHECK_EQUAL(int_at(json(erased), "/erased/tickets"), 5);
  BOOST_CHECK_EQUAL(int_at(json(erased), "/erased/devices"), 2);
  for (const auto &t : w.a.tickets) CHECK_ERROR(w.d1->http.get("/v1/tickets/" + t), 404, "not_found");
  for (const auto &t : w.b.tickets) CHECK_STATUS(w.db->http.get("/v1/tickets/" + t), 200);
  CHECK_ERROR(w.agent.get("/v1/agent/principals/" + principal + "/export"), 404, "not_found");
  // Every device of the user is told to erase itself.
  for (Device *d : {w.d1.get(), w.d2.get()}) {
    rapidjson::Document s;
    const auto items = sync_items(*d, s, "erase");
    BOOST_REQUIRE_EQUAL(items.size(), 1U);
    BOOST_CHECK_EQUAL(str_at(*items[0], "/data/reason"), "agent_erased");
  }

  const auto audit = w.admin.get("/v1/agent/erasures?limit=10");
  REQUIRE_STATUS(audit, 200);
  const auto a = json(audit);
  BOOST_REQUIRE_EQUAL(hlt::size_at(a, "/items"), 3U);  // newest first: erase, export (device), export
  BOOST_CHECK_EQUAL(str_at(a, "/items/0/action"), "erase");
  BOOST_CHECK_EQUAL(str_at(a, "/items/0/scope"), "user");
  BOOST_CHECK_EQUAL(str_at(a, "/items/0/requested_by"), "agent:" + w.admin_id);
  BOOST_CHECK_EQUAL(str_at(a, "/items/2/action"), "export");
  BOOST_CHECK_EQUAL(str_at(a, "/items/0/pseudonym"), str_at(a, "/items/2/pseudonym"));  // same user
  BOOST_CHECK_NE(str_at(a, "/items/0/pseudonym"), str_at(a, "/items/1/pseudonym"));
  BOOST_CHECK_EQUAL(str_at(a, "/items/0/pseudonym").size(), 64U);
  BOOST_CHECK(audit.body.find(w.a.sub) == std::string::npos);
  BOOST_CHECK(audit.body.find(w.d3->id) == std::string::npos);
  // The access log does not name the principal either (it records "-" in its place).
  const std::string log = w.server.log();
  BOOST_CHECK(log.find("/v1/agent/principals/-/erase") != std::string::npos);
  BOOST_CHECK_MESSAGE(log.find(w.a.sub) == std::string::npos, "the server log names the erased user");
  CHECK_ERROR(w.admin.get("/v1/agent/erasures?limit=0"), 400, "invalid_request");
  CHECK_ERROR(w.admin.post("/v1/agent/principals/" + hlt::url_encode("someone") + "/erase", "{}"), 400,
              "invalid_request");
}

BOOST_AUTO_TEST_SUITE_END()
