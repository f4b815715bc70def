// The SQLite store, one repository at a time, on a temporary database: what each repository interface
// (store/*_repo.hpp) promises. A new backend can be held to the same cases.
#define BOOST_TEST_MODULE helpline_server_sqlite_store
#include <boost/test/unit_test.hpp>

#include "server_test_support.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include <string>
#include <vector>

using namespace helpline::server;
using helpline::server::test::TempDir;

namespace {

const std::string kApp = "pk_demo";

struct Db {
  TempDir dir;
  SqliteStore store{dir.file("helpline.db")};
};

TicketRecord ticket(const std::string &id, const std::string &owner, const std::string &subject,
                    int64_t created_at, const std::string &status = "open") {
  TicketRecord t;
  t.id = id;
  t.owner = owner;
  t.device_id = owner.rfind("device:", 0) == 0 ? owner.substr(7) : "dev-shared";
  t.subject = subject;
  t.status = status;
  t.fields_json = "{}";
  t.created_at = t.updated_at = created_at;
  return t;
}

std::vector<std::string> ids(const std::vector<TicketRecord> &rows) {
  std::vector<std::string> out;
  for (const auto &r : rows) out.push_back(r.id);
  return out;
}

DiagnosticRecord diagnostic(const std::string &device, const std::string &key, int64_t ts,
                            std::optional<std::string> level = {}) {
  DiagnosticRecord d;
  d.device_id = device;
  d.owner = "device:" + device;
  d.idempotency_key = key;
  d.kind = "log";
  d.name = "n";
  d.ts = ts;
  d.level = std::move(level);
  d.received_at = ts;
  return d;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(transactions)

BOOST_AUTO_TEST_CASE(an_uncommitted_write_rolls_back_and_a_savepoint_undoes_only_its_part) {
  Db db;
  {
    auto tx = db.store.write();
    TicketRecord t = ticket("t_gone", "device:dev-1", "s", 1);
    tx->tickets().insert(kApp, t);
  }
  {
    auto tx = db.store.write();
    TicketRecord kept = ticket("t_kept", "device:dev-1", "s", 1),
                 undone = ticket("t_undone", "device:dev-1", "s", 2);
    tx->tickets().insert(kApp, kept);
    tx->savepoint();
    tx->tickets().insert(kApp, undone);
    tx->rollback_savepoint();
    tx->commit();
  }
  auto tx = db.store.read();
  BOOST_TEST(!tx->tickets().find(kApp, "t_gone").has_value());
  BOOST_TEST(tx->tickets().find(kApp, "t_kept").has_value());
  BOOST_TEST(!tx->tickets().find(kApp, "t_undone").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(tickets)

BOOST_AUTO_TEST_CASE(list_filters_and_pages_newest_first) {
  Db db;
  auto tx = db.store.write();
  std::vector<TicketRecord> all = {
      ticket("t1", "device:dev-1", "Printer JAM", 1), ticket("t2", "device:dev-1", "wifi", 2, "solved"),
      ticket("t3", "device:dev-2", "jammed door", 3), ticket("t4", "erased", "tombstone", 4)};
  for (auto &t : all) tx->tickets().insert(kApp, t);
  BOOST_TEST(all[1].seq > all[0].seq);  // insert sets the keyset order
  all[2].assignee_id = "ag_1";
  tx->tickets().update(kApp, all[2]);

  TicketFilter f;
  BOOST_TEST(ids(tx->tickets().list(kApp, f)) == (std::vector<std::string>{"t3", "t2", "t1"}));  // not erased
  f.owner = "device:dev-1";
  BOOST_TEST(ids(tx->tickets().list(kApp, f)) == (std::vector<std::string>{"t2", "t1"}));
  f = TicketFilter{};
  f.status = "open";
  f.subject_contains = "jam";  // case-insensitive substring
  BOOST_TEST(ids(tx->tickets().list(kApp, f)) == (std::vector<std::string>{"t3", "t1"}));
  f = TicketFilter{};
  f.assignee = "none";
  BOOST_TEST(ids(tx->tickets().list(kApp, f)) == (std::vector<std::string>{"t2", "t1"}));
  f.assignee = "ag_1";
  BOOST_TEST(ids(tx->tickets().list(kApp, f)) == (std::vector<std::string>{"t3"}));
  f = TicketFilter{};
  f.limit = 1;
  auto page = tx->tickets().list(kApp, f);
  BOOST_TEST(ids(page) == (std::vector<std::string>{"t3"}));
  f.before_seq = page.back().seq;
  BOOST_TEST(ids(tx->tickets().list(kApp, f)) == (std::vector<std::string>{"t2"}));
  BOOST_TEST(tx->tickets().list("pk_other", TicketFilter{}).empty());  // apps do not mix
}

BOOST_AUTO_TEST_CASE(identify_moves_tickets_and_fills_the_requester_only_when_given) {
  Db db;
  auto tx = db.store.write();
  TicketRecord a = ticket("ta", "device:dev-1", "a", 1), b = ticket("tb", "device:dev-1", "b", 2);
  b.requester_name = "Kept";
  tx->tickets().insert(kApp, a);
  tx->tickets().insert(kApp, b);
  auto moved = tx->tickets().move_owner(kApp, "device:dev-1", "user:u1", std::nullopt, std::string("a@x"));
  BOOST_TEST(moved == (std::vector<std::string>{"ta", "tb"}));  // oldest first
  auto tb = tx->tickets().find(kApp, "tb");
  BOOST_TEST(tb->owner == "user:u1");
  BOOST_TEST(*tb->requester_name == "Kept");
  BOOST_TEST(*tb->requester_email == "a@x");
  BOOST_TEST(tx->tickets().move_owner(kApp, "device:dev-1", "user:u1", {}, {}).empty());
}

BOOST_AUTO_TEST_CASE(messages_page_by_seq_and_name_the_devices_of_a_ticket) {
  Db db;
  auto tx = db.store.write();
  TicketRecord t = ticket("t1", "device:dev-1", "s", 1);
  tx->tickets().insert(kApp, t);
  for (int i = 1; i <= 3; ++i) {
    MessageRecord m;
    m.id = "m" + std::to_string(i);
    m.ticket_id = "t1";
    m.seq = i;
    m.author_type = i == 2 ? "agent" : "user";
    if (i == 3) m.author_device = "dev-9";
    m.body = "b";
    m.attachments_json = "[]";
    tx->tickets().insert_message(kApp, m);
  }
  BOOST_TEST(tx->tickets().message_exists(kApp, "m2"));
  BOOST_TEST(!tx->tickets().message_exists(kApp, "m4"));
  auto page = tx->tickets().messages(kApp, "t1", 1, 1);
  BOOST_REQUIRE(page.size() == 1u);
  BOOST_TEST(page[0].id == "m2");
  BOOST_TEST(page[0].author_type == "agent");
  auto devices = tx->tickets().devices(kApp, "t1");
  std::sort(devices.begin(), devices.end());
  BOOST_TEST(devices == (std::vector<std::string>{"dev-1", "dev-9"}));
}

BOOST_AUTO_TEST_CASE(the_open_proactive_ticket_of_a_rule_and_device) {
  Db db;
  auto tx = db.store.write();
  TicketRecord t = ticket("tp", "device:dev-1", "hot", 100);
  t.proactive_rule = "r1";
  tx->tickets().insert(kApp, t);
  BOOST_TEST(tx->tickets().open_proactive(kApp, "r1", "dev-1")->id == "tp");
  BOOST_TEST(!tx->tickets().open_proactive(kApp, "r1", "dev-2").has_value());
  t.status = "solved";
  tx->tickets().update(kApp, t);
  BOOST_TEST(!tx->tickets().open_proactive(kApp, "r1", "dev-1").has_value());
  BOOST_TEST(ids(tx->tickets().created_by_device(kApp, "dev-1", 100, 101, 10)) ==
             (std::vector<std::string>{"tp"}));
  BOOST_TEST(tx->tickets().created_by_device(kApp, "dev-1", 0, 100, 10).empty());  // to is exclusive
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(other_repositories)

BOOST_AUTO_TEST_CASE(idempotency_records_are_found_per_scope_and_purged_by_age) {
  Db db;
  auto tx = db.store.write();
  tx->idempotency().save(kApp, "device:d1", "k", IdempotencyRecord{"fp", 201, "{}"}, 1000);
  auto rec = tx->idempotency().find(kApp, "device:d1", "k");
  BOOST_REQUIRE(rec.has_value());
  BOOST_TEST(rec->fingerprint == "fp");
  BOOST_TEST(rec->status == 201);
  BOOST_TEST(!tx->idempotency().find(kApp, "device:d2", "k").has_value());
  tx->idempotency().purge(1000);  // strictly older only
  BOOST_TEST(tx->idempotency().find(kApp, "device:d1", "k").has_value());
  tx->idempotency().purge(1001);
  BOOST_TEST(!tx->idempotency().find(kApp, "device:d1", "k").has_value());
}

BOOST_AUTO_TEST_CASE(identity_keeps_the_user_link_and_sorts_attributes) {
  Db db;
  auto tx = db.store.write();
  tx->identity().upsert_device(kApp, DeviceRecord{"dev-1", std::string("u1"), R"({"model":"X1"})", 10});
  tx->identity().upsert_device(kApp, DeviceRecord{"dev-1", std::nullopt, R"({"model":"X2"})", 20});
  auto d = tx->identity().find_device(kApp, "dev-1");
  BOOST_TEST(*d->user_sub == "u1");  // a later anonymous PUT does not unlink the user
  BOOST_TEST(d->attrs_json == R"({"model":"X2"})");
  BOOST_TEST(d->updated_at == 20);
  // A registered device is listed for agents.
  BOOST_TEST(tx->diagnostics().find_device_summary(kApp, "dev-1").has_value());

  tx->identity().set_attribute(kApp, "user:u1", AttributeRecord{"plan", "\"pro\""}, 1);
  tx->identity().set_attribute(kApp, "user:u1", AttributeRecord{"age", "30"}, 1);
  tx->identity().set_attribute(kApp, "user:u1", AttributeRecord{"plan", "\"free\""}, 2);
  auto attrs = tx->identity().attributes(kApp, "user:u1");
  BOOST_REQUIRE(attrs.size() == 2u);
  BOOST_TEST(attrs[0].key == "age");
  BOOST_TEST(attrs[1].value_json == "\"free\"");
  tx->identity().delete_attribute(kApp, "user:u1", "age");
  BOOST_TEST(tx->identity().attributes(kApp, "user:u1").size() == 1u);
  tx->identity().delete_attributes(kApp, "user:u1");
  BOOST_TEST(tx->identity().attributes(kApp, "user:u1").empty());

  tx->identity().upsert_push_token(kApp, "dev-1", PushTokenRecord{"fcm", "a", 1});
  tx->identity().upsert_push_token(kApp, "dev-1", PushTokenRecord{"apns", "b", 2});
  BOOST_TEST(tx->identity().find_push_token(kApp, "dev-1")->token == "b");
  tx->identity().delete_push_token(kApp, "dev-1");
  BOOST_TEST(!tx->identity().find_push_token(kApp, "dev-1").has_value());
}

BOOST_AUTO_TEST_CASE(faq_sequence_deltas_and_vote_counters) {
  Db db;
  auto tx = db.store.write();
  BOOST_TEST(tx->faq().seq(kApp) == 0);
  int64_t s1 = tx->faq().next_seq(kApp);
  int64_t s2 = tx->faq().next_seq(kApp);
  BOOST_TEST(s1 == 1);
  BOOST_TEST(s2 == 2);
  BOOST_TEST(tx->faq().seq(kApp) == 2);
  tx->faq().upsert_section(kApp, FaqSectionRecord{"fs1", "en", "Basics", 0, false, s1, 1});
  FaqArticleRecord a;
  a.id = "fa1";
  a.section_id = "fs1";
  a.locale = "en";
  a.title = "Reset";
  a.body = "Hold the button.";
  a.tags_json = "[]";
  a.change_seq = s2;
  tx->faq().upsert_article(kApp, a);
  BOOST_TEST(tx->faq().sections_since(kApp, 0).size() == 1u);
  BOOST_TEST(tx->faq().sections_since(kApp, s1).empty());
  BOOST_TEST(tx->faq().articles_since(kApp, s1).size() == 1u);
  BOOST_TEST(tx->faq().live_articles_in_section(kApp, "fs1") == 1);

  tx->faq().set_vote(kApp, "fa1", "dev-1", true);
  tx->faq().set_vote(kApp, "fa1", "dev-2", true);
  tx->faq().set_vote(kApp, "fa1", "dev-1", false);  // changes its vote: one helpful, one not
  tx->faq().set_vote(kApp, "fa1", "dev-1", false);  // the same vote again changes nothing
  auto art = tx->faq().find_article(kApp, "fa1");
  BOOST_TEST(art->helpful == 1);
  BOOST_TEST(art->not_helpful == 1);
}

BOOST_AUTO_TEST_CASE(faq_synonyms_one_per_term_and_locale_and_the_expansion_table_by_locale) {
  Db db;
  auto tx = db.store.write();
  tx->faq().upsert_synonym(kApp, FaqSynonymRecord{"syn1", "cell phone", R"(["phone"])", "en", 1, 1});
  tx->faq().upsert_synonym(kApp, FaqSynonymRecord{"syn2", "cell phone", R"(["handy"])", "de", 2, 2});
  tx->faq().upsert_synonym("other-app", FaqSynonymRecord{"syn1", "x", R"(["y"])", "", 3, 3});
  BOOST_TEST(tx->faq().synonym_count(kApp) == 2);
  BOOST_TEST(*tx->faq().synonym_with_term(kApp, "cell phone", "de") == "syn2");
  BOOST_TEST(!tx->faq().synonym_with_term(kApp, "cell phone", "").has_value());
  tx->faq().upsert_synonym(kApp, FaqSynonymRecord{"syn1", "mobile", R"(["phone","cell"])", "en", 1, 5});
  auto s = tx->faq().find_synonym(kApp, "syn1");
  BOOST_REQUIRE(s);
  BOOST_TEST(s->term == "mobile");
  BOOST_TEST(s->targets_json == R"(["phone","cell"])");
  BOOST_TEST(s->created_at == 1);
  BOOST_TEST(s->updated_at == 5);
  auto all = tx->faq().synonyms(kApp);
  BOOST_REQUIRE_EQUAL(all.size(), 2u);
  BOOST_TEST(all[0].term == "cell phone");  // by term
  tx->faq().delete_synonym(kApp, "syn2");
  BOOST_TEST(tx->faq().synonym_count(kApp) == 1);
  BOOST_TEST(tx->faq().synonym_count("other-app") == 1);

  BOOST_TEST(tx->faq().expansions_seq(kApp) == 0);
  BOOST_TEST(tx->faq().expansions(kApp).empty());
  tx->faq().set_expansions(kApp, 7, {{"", "[1]"}, {"en", "[2]"}});
  tx->faq().set_expansions(kApp, 9, {{"de", "[3]"}});  // replaces the whole table
  BOOST_TEST(tx->faq().expansions_seq(kApp) == 9);
  auto rows = tx->faq().expansions(kApp);
  BOOST_TEST(rows.size() == 1u);
  BOOST_TEST(rows["de"] == "[3]");
}

BOOST_AUTO_TEST_CASE(deflected_queries_are_the_newest_deflections_with_a_query_and_no_ticket) {
  Db db;
  auto tx = db.store.write();
  auto add = [&](const std::string &id, std::optional<std::string> query, std::optional<std::string> ticket,
                 int64_t at) {
    tx->surveys().insert_deflection(kApp, DeflectionRecord{id, "device:d", "d", "[]", query, ticket, at});
  };
  add("df1", std::string("wifi"), std::nullopt, 1);
  add("df2", std::nullopt, std::nullopt, 2);
  add("df3", std::string("router"), std::string("t1"), 3);
  add("df4", std::string("offline"), std::nullopt, 4);
  add("df5", std::string("reset"), std::nullopt, 5);
  auto rows = tx->surveys().deflected_queries(kApp, 2);
  BOOST_REQUIRE_EQUAL(rows.size(), 2u);
  BOOST_TEST(rows[0].id == "df5");
  BOOST_TEST(rows[1].id == "df4");
  BOOST_TEST(tx->surveys().deflected_queries(kApp, 100).size() == 3u);
}

BOOST_AUTO_TEST_CASE(the_sync_feed_delivers_by_owner_device_or_broadcast_but_not_back_to_its_origin) {
  Db db;
  auto tx = db.store.write();
  auto event = [&](std::optional<std::string> owner, std::optional<std::string> device, bool broadcast,
                   std::optional<std::string> origin) {
    EventRecord e;
    e.owner = std::move(owner);
    e.device_id = std::move(device);
    e.broadcast = broadcast;
    e.origin_device = std::move(origin);
    e.type = "ticket";
    e.data_json = "{}";
    return tx->events().insert(kApp, e);
  };
  int64_t for_user = event(std::string("user:u1"), {}, false, {});
  int64_t for_device = event({}, std::string("dev-1"), false, {});
  int64_t broadcast = event({}, {}, true, {});
  event(std::string("user:u2"), {}, false, {});                    // someone else's
  event(std::string("user:u1"), {}, false, std::string("dev-1"));  // came from this device
  int64_t from_other = event(std::string("user:u1"), {}, false, std::string("dev-2"));
  BOOST_TEST(tx->events().max_seq(kApp) == from_other);
  std::vector<int64_t> got;
  for (const auto &e : tx->events().since(kApp, "user:u1", "dev-1", 0, from_other, 100)) got.push_back(e.seq);
  BOOST_TEST(got == (std::vector<int64_t>{for_user, for_device, broadcast, from_other}));
  BOOST_TEST(tx->events().since(kApp, "user:u1", "dev-1", 0, from_other, 2).size() == 2u);
  BOOST_TEST(tx->events().since(kApp, "user:u1", "dev-1", broadcast, for_device, 100).empty());
}

BOOST_AUTO_TEST_CASE(diagnostics_are_deduplicated_per_device_and_feed_the_device_views) {
  Db db;
  auto tx = db.store.write();
  DiagnosticRecord a = diagnostic("dev-1", "k1", 100, std::string("error"));
  DiagnosticRecord dup = diagnostic("dev-1", "k1", 200);
  DiagnosticRecord other = diagnostic("dev-2", "k1", 300);  // same key, another device
  BOOST_TEST(tx->diagnostics().insert(kApp, a));
  BOOST_TEST(a.seq > 0);
  BOOST_TEST(!tx->diagnostics().insert(kApp, dup));
  BOOST_TEST(tx->diagnostics().insert(kApp, other));
  tx->diagnostics().touch_device(kApp, "dev-1", DeviceSeen{100, 100, std::nullopt});
  tx->diagnostics().touch_device(kApp, "dev-1", DeviceSeen{50, std::nullopt, 50});  // older: keeps the max

  auto s = tx->diagnostics().find_device_summary(kApp, "dev-1");
  BOOST_REQUIRE(s.has_value());
  BOOST_TEST(*s->last_seen == 100);
  BOOST_TEST(*s->last_error_at == 100);
  BOOST_TEST(*s->last_warning_at == 50);
  BOOST_TEST(s->attrs_json.empty());  // never sent PUT /v1/device

  DiagnosticFilter f;
  f.level = "error";
  auto rows = tx->diagnostics().for_device(kApp, "dev-1", f);
  BOOST_REQUIRE(rows.size() == 1u);
  BOOST_TEST(rows[0].idempotency_key == "k1");
  BOOST_TEST(rows[0].device_id == "dev-1");
  DeviceFilter df;
  df.contains = "dev-2";
  auto devices = tx->diagnostics().device_summaries(kApp, df);
  BOOST_REQUIRE(devices.size() == 1u);
  BOOST_TEST(devices[0].device_id == "dev-2");
}

BOOST_AUTO_TEST_CASE(agent_sessions_expire) {
  Db db;
  auto tx = db.store.write();
  tx->agents().insert(kApp, AgentRecord{"ag_1", "a@example.com", "A", "admin", "hash", 1});
  BOOST_TEST(tx->agents().find_by_email(kApp, "a@example.com")->id == "ag_1");
  tx->agents().insert_session("h1", kApp, "ag_1", 1000);
  auto live = tx->agents().find_session("h1", 999);
  BOOST_REQUIRE(live.has_value());
  BOOST_TEST(live->first == kApp);
  BOOST_TEST(live->second == "ag_1");
  BOOST_TEST(!tx->agents().find_session("h1", 1000).has_value());
  tx->agents().delete_session("h1");
  BOOST_TEST(!tx->agents().find_session("h1", 0).has_value());
}

BOOST_AUTO_TEST_CASE(an_erasure_leaves_anonymous_ticket_tombstones_and_removes_device_data) {
  Db db;
  auto tx = db.store.write();
  TicketRecord t = ticket("t1", "device:dev-1", "my secret", 1);
  tx->tickets().insert(kApp, t);
  DiagnosticRecord d = diagnostic("dev-1", "k", 5);
  tx->diagnostics().insert(kApp, d);
  tx->identity().upsert_device(kApp, DeviceRecord{"dev-1", std::nullopt, "{}", 1});
  EraseScope scope;
  scope.owners = {"device:dev-1"};
  scope.devices = {"dev-1"};
  scope.at = 10;
  EraseCounts n = tx->privacy().erase(kApp, scope);
  BOOST_TEST(n.tickets == 1);
  BOOST_TEST(n.diagnostics == 1);
  BOOST_TEST(n.devices == 1);
  BOOST_TEST(!tx->tickets().find(kApp, "t1").has_value());  // a fresh id
  TicketFilter all;
  BOOST_TEST(tx->tickets().list(kApp, all).empty());  // tombstones are not listed
  BOOST_TEST(!tx->identity().find_device(kApp, "dev-1").has_value());
  // The same transaction can write diagnostics for the device again (its cached key was forgotten).
  DiagnosticRecord again = diagnostic("dev-1", "k", 6);
  BOOST_TEST(tx->diagnostics().insert(kApp, again));
  ErasureRecord r{"er_1", "pseudo", "device", "erase", "self", 10};
  tx->privacy().insert_erasure(kApp, r);
  BOOST_TEST(tx->privacy().erasures(kApp, 10).size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
