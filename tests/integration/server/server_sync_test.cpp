// Sync and long-poll, FAQ delta sync with ETags, notices and diagnostics requests
// (docs/protocol.md sections 9, 10, 12, 13, 14).
#define BOOST_TEST_MODULE server_sync
#include "helpline/testing.hpp"
#include "helpline/testing/checks.hpp"
#include "helpline/testing/clock.hpp"
#include "helpline/testing/device_client.hpp"
#include "helpline/testing/json.hpp"
#include "helpline/testing/shared_server.hpp"
#include "helpline/testing/unique.hpp"

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

namespace hlt = helpline::testing;
using namespace helpline::testing;

namespace {

using Clock = std::chrono::steady_clock;

std::string cursor_of(const hlt::Response &r) {
  BOOST_REQUIRE_EQUAL(r.status, 200);
  return str_at(json(r), "/cursor");
}

/// A published article in a fresh section with a unique locale (so tests do not see each other's FAQ).
struct FaqFixture {
  std::string locale = "x-" + unique("l");
  std::string section;
  std::string article;
  FaqFixture() {
    auto a = shared_agent_client();
    const auto s = a.post("/v1/agent/faq/sections", R"({"locale":)" + q(locale) + R"(,"title":"Printing"})");
    BOOST_REQUIRE_EQUAL(s.status, 201);
    section = str_at(json(s), "/id");
    article = add_article("How to clear a jam");
  }
  std::string add_article(const std::string &title, bool published = true) {
    auto a = shared_agent_client();
    const auto r = a.post("/v1/agent/faq/articles",
                          R"({"section_id":)" + q(section) + R"(,"locale":)" + q(locale) + R"(,"title":)" +
                              q(title) + R"(,"body":"Open the tray.","tags":["jam"],"published":)" +
                              (published ? "true" : "false") + "}");
    BOOST_REQUIRE_EQUAL(r.status, 201);
    return str_at(json(r), "/id");
  }
  std::string faq_path(const std::string &since = "") const {
    return "/v1/faq?locale=" + hlt::url_encode(locale) +
           (since.empty() ? "" : "&since=" + hlt::url_encode(since));
  }
};

hlt::Response create_notice(const std::string &target_json, const std::string &title = "Known issue") {
  auto a = shared_agent_client();
  return a.post("/v1/agent/notices", R"({"title":)" + q(title) +
                                         R"(,"body":"Fix coming","severity":"warning","target":)" +
                                         target_json + "}");
}

bool notice_listed(Device &dev, const std::string &id) {
  const auto r = dev.http.get("/v1/notices");
  BOOST_REQUIRE_EQUAL(r.status, 200);
  return hlt::contains_id(json(r), "/items", id);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sync_polling)

BOOST_AUTO_TEST_CASE(new_device_gets_a_cursor_and_no_items) {
  Device dev(shared_server());
  const auto r = dev.sync();
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_CHECK(!str_at(doc, "/cursor").empty() && str_at(doc, "/cursor") != "<missing>");
  BOOST_CHECK_EQUAL(hlt::items_of_type(doc, "message").size(), 0U);
  const auto *has_more = hlt::at(doc, "/has_more");
  BOOST_CHECK(has_more != nullptr && has_more->IsBool() && !has_more->GetBool());
}

BOOST_AUTO_TEST_CASE(agent_reply_arrives_as_a_message_item) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  const std::string cursor = drained_cursor(dev);
  auto a = shared_agent_client();
  REQUIRE_STATUS(
      a.post("/v1/agent/tickets/" + ticket + "/messages", R"({"body":"Try turning it off and on"})"), 201);
  const auto r = dev.sync(cursor);
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  const auto msgs = hlt::items_of_type(doc, "message");
  BOOST_REQUIRE_EQUAL(msgs.size(), 1U);
  BOOST_CHECK_EQUAL(str_at(*msgs[0], "/data/body"), "Try turning it off and on");
  BOOST_CHECK_EQUAL(str_at(*msgs[0], "/data/author/type"), "agent");
  BOOST_CHECK_EQUAL(str_at(*msgs[0], "/data/ticket_id"), ticket);
}

BOOST_AUTO_TEST_CASE(cursor_advances_so_items_are_not_delivered_twice) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  const std::string c0 = drained_cursor(dev);
  auto a = shared_agent_client();
  REQUIRE_STATUS(a.post("/v1/agent/tickets/" + ticket + "/messages", R"({"body":"one"})"), 201);
  const auto r1 = dev.sync(c0);
  REQUIRE_STATUS(r1, 200);
  BOOST_CHECK_EQUAL(hlt::count_of_type(json(r1), "message"), 1U);
  const auto r2 = dev.sync(str_at(json(r1), "/cursor"));
  REQUIRE_STATUS(r2, 200);
  BOOST_CHECK_EQUAL(hlt::count_of_type(json(r2), "message"), 0U);
}

BOOST_AUTO_TEST_CASE(agent_status_change_arrives_as_ticket_status_item) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  const std::string cursor = drained_cursor(dev);
  auto a = shared_agent_client();
  REQUIRE_STATUS(a.patch("/v1/agent/tickets/" + ticket, R"({"status":"solved"})"), 200);
  const auto doc = json(dev.sync(cursor));
  const auto items = hlt::items_of_type(doc, "ticket_status");
  BOOST_REQUIRE_EQUAL(items.size(), 1U);
  BOOST_CHECK_EQUAL(str_at(*items[0], "/data/ticket_id"), ticket);
  BOOST_CHECK_EQUAL(str_at(*items[0], "/data/status"), "solved");
  BOOST_CHECK_EQUAL(str_at(*items[0], "/data/previous_status"), "open");
  BOOST_CHECK_EQUAL(str_at(*items[0], "/data/changed_by"), "agent");
}

BOOST_AUTO_TEST_CASE(own_status_change_is_not_echoed_to_the_changing_device) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  const std::string cursor = drained_cursor(dev);
  REQUIRE_STATUS(dev.http.patch("/v1/tickets/" + ticket, R"({"status":"solved"})"), 200);
  BOOST_CHECK_EQUAL(hlt::count_of_type(json(dev.sync(cursor)), "ticket_status"), 0U);
}

BOOST_AUTO_TEST_CASE(users_message_from_another_device_arrives_but_not_on_the_writing_device) {
  const std::string sub = unique("u-");
  Device phone(shared_server());
  phone.sign_in(sub);
  Device laptop(shared_server());
  laptop.sign_in(sub);
  const std::string ticket = phone.new_ticket();
  const std::string pc = drained_cursor(phone);
  const std::string lc = drained_cursor(laptop);
  REQUIRE_STATUS(phone.send_message(ticket, "from the phone"), 201);
  BOOST_CHECK_EQUAL(hlt::count_of_type(json(phone.sync(pc)), "message"), 0U);
  const auto synced = json(laptop.sync(lc));
  const auto items = hlt::items_of_type(synced, "message");
  BOOST_REQUIRE_EQUAL(items.size(), 1U);
  BOOST_CHECK_EQUAL(str_at(*items[0], "/data/body"), "from the phone");
}

BOOST_AUTO_TEST_CASE(ticket_created_on_another_device_arrives_as_ticket_item) {
  const std::string sub = unique("u-");
  Device phone(shared_server());
  phone.sign_in(sub);
  Device laptop(shared_server());
  laptop.sign_in(sub);
  const std::string pc = drained_cursor(phone);
  const std::string lc = drained_cursor(laptop);
  const std::string ticket = phone.new_ticket("made on the phone");
  const auto on_laptop = json(laptop.sync(lc));
  const auto items = hlt::items_of_type(on_laptop, "ticket");
  BOOST_REQUIRE_EQUAL(items.size(), 1U);
  BOOST_CHECK_EQUAL(str_at(*items[0], "/data/id"), ticket);
  BOOST_CHECK_EQUAL(hlt::count_of_type(json(phone.sync(pc)), "ticket"), 0U);
}

BOOST_AUTO_TEST_CASE(limit_splits_items_with_has_more) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  const std::string c0 = drained_cursor(dev);
  auto a = shared_agent_client();
  for (int i = 0; i < 3; ++i)
    REQUIRE_STATUS(a.post("/v1/agent/tickets/" + ticket + "/messages", R"({"body":"r"})"), 201);
  const auto r1 = dev.http.get("/v1/sync?limit=2&cursor=" + hlt::url_encode(c0));
  REQUIRE_STATUS(r1, 200);
  const auto d1 = json(r1);
  BOOST_CHECK_EQUAL(size_at(d1, "/items"), 2U);
  BOOST_CHECK_LT(int_at(d1, "/items/0/seq"), int_at(d1, "/items/1/seq"));
  BOOST_CHECK(hlt::at(d1, "/has_more") != nullptr && hlt::at(d1, "/has_more")->IsTrue());
  const auto d2 = json(dev.http.get("/v1/sync?limit=2&cursor=" + hlt::url_encode(str_at(d1, "/cursor"))));
  BOOST_CHECK_EQUAL(size_at(d2, "/items"), 1U);
  BOOST_CHECK(hlt::at(d2, "/has_more") != nullptr && hlt::at(d2, "/has_more")->IsFalse());
}

BOOST_AUTO_TEST_CASE(invalid_cursor_is_400_invalid_cursor) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.get("/v1/sync?cursor=%%garbage"), 400, "invalid_cursor");
}

BOOST_AUTO_TEST_CASE(long_poll_answers_as_soon_as_an_agent_replies) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  const std::string cursor = drained_cursor(dev);
  std::thread replier([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto a = shared_agent_client();
    a.post("/v1/agent/tickets/" + ticket + "/messages", R"({"body":"wake up"})");
  });
  const auto start = Clock::now();
  const auto r = dev.sync(cursor, 8, 20000);
  const long long took = hlt::ms_since(start);
  replier.join();
  REQUIRE_STATUS(r, 200);
  BOOST_CHECK_EQUAL(hlt::count_of_type(json(r), "message"), 1U);
  BOOST_CHECK_GE(took, 400);
  BOOST_CHECK_MESSAGE(took < 4000, "long-poll took " << took << " ms to wake up");
}

BOOST_AUTO_TEST_CASE(long_poll_wakes_when_the_user_writes_on_another_device) {
  const std::string sub = unique("u-");
  Device phone(shared_server());
  phone.sign_in(sub);
  Device laptop(shared_server());
  laptop.sign_in(sub);
  const std::string ticket = phone.new_ticket();
  const std::string cursor = drained_cursor(laptop);
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    phone.send_message(ticket, "typed on the phone");
  });
  const auto start = Clock::now();
  const auto r = laptop.sync(cursor, 8, 20000);
  const long long took = hlt::ms_since(start);
  writer.join();
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(hlt::count_of_type(doc, "message"), 1U);
  BOOST_CHECK_MESSAGE(took < 4000, "woke after " << took << " ms");
}

BOOST_AUTO_TEST_CASE(long_poll_with_nothing_new_returns_empty_after_wait) {
  Device dev(shared_server());
  const std::string cursor = drained_cursor(dev);
  const auto start = Clock::now();
  const auto r = dev.sync(cursor, 1, 10000);
  const long long took = hlt::ms_since(start);
  REQUIRE_STATUS(r, 200);
  BOOST_CHECK_EQUAL(size_at(json(r), "/items"), 0U);
  BOOST_CHECK_GE(took, 900);
  BOOST_CHECK_LT(took, 4000);
}

BOOST_AUTO_TEST_CASE(wait_above_the_maximum_is_clamped_to_it) {
  hlt::ServerConfig config;
  config.long_poll_max_seconds = 2;
  hlt::ServerProcess server(config);
  Device dev(server);
  const std::string cursor = drained_cursor(dev);
  const auto start = Clock::now();
  const auto r = dev.sync(cursor, 3600, 20000);
  CHECK_STATUS(r, 200);
  BOOST_CHECK_GE(hlt::ms_since(start), 1800);
  BOOST_CHECK_LT(hlt::ms_since(start), 5000);
}

BOOST_AUTO_TEST_CASE(parked_long_polls_do_not_block_other_requests) {
  // Twelve devices parked in long-polls (more than the server's I/O threads) must not stall anyone else.
  std::vector<std::unique_ptr<Device>> pollers;
  std::vector<std::thread> threads;
  for (int i = 0; i < 12; ++i) {
    pollers.push_back(std::make_unique<Device>(shared_server()));
    const std::string cursor = cursor_of(pollers.back()->sync());
    Device *poller = pollers.back().get();  // stable: the vector may grow while the thread runs
    threads.emplace_back([poller, cursor] { poller->sync(cursor, 3, 10000); });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  Device other(shared_server());
  const auto start = Clock::now();
  CHECK_STATUS(other.http.get("/v1/tickets"), 200);
  CHECK_STATUS(other.create_ticket(), 201);
  const long long took = hlt::ms_since(start);
  for (auto &t : threads) t.join();
  BOOST_CHECK_MESSAGE(took < 2000, "two requests took " << took << " ms while long-polls were parked");
}

BOOST_AUTO_TEST_CASE(long_poll_wakes_on_an_agent_status_change) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  const std::string cursor = drained_cursor(dev);
  std::thread changer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto a = shared_agent_client();
    a.patch("/v1/agent/tickets/" + ticket, R"({"status":"solved"})");
  });
  const auto start = Clock::now();
  const auto r = dev.sync(cursor, 8, 20000);
  const long long took = hlt::ms_since(start);
  changer.join();
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(hlt::count_of_type(doc, "ticket_status"), 1U);
  BOOST_CHECK_MESSAGE(took < 4000, "woke after " << took << " ms");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(diagnostics_requests)

BOOST_AUTO_TEST_CASE(agent_request_arrives_as_diagnostics_request_item) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  const std::string cursor = drained_cursor(dev);
  auto a = shared_agent_client();
  const auto req = a.post("/v1/agent/diagnostics-requests",
                          R"({"ticket_id":)" + q(ticket) + R"(,"kinds":["snapshot"],"message":"send logs"})");
  REQUIRE_STATUS(req, 201);
  const std::string id = str_at(json(req), "/id");
  BOOST_CHECK_EQUAL(str_at(json(req), "/status"), "pending");
  const auto synced = json(dev.sync(cursor));
  const auto items = hlt::items_of_type(synced, "diagnostics_request");
  BOOST_REQUIRE_EQUAL(items.size(), 1U);
  BOOST_CHECK_EQUAL(str_at(*items[0], "/data/id"), id);
  BOOST_CHECK_EQUAL(str_at(*items[0], "/data/kinds/0"), "snapshot");
}

BOOST_AUTO_TEST_CASE(diagnostics_sent_with_request_id_fulfil_the_request) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  auto a = shared_agent_client();
  const auto req = a.post("/v1/agent/diagnostics-requests", R"({"ticket_id":)" + q(ticket) + "}");
  REQUIRE_STATUS(req, 201);
  const std::string id = str_at(json(req), "/id");
  const auto up = dev.http.post(
      "/v1/diagnostics/batch",
      R"({"items":[{"idempotency_key":"snap","kind":"snapshot","name":"state","ts":1700000000000,"request_id":)" +
          q(id) + "}]}");
  REQUIRE_STATUS(up, 200);
  BOOST_CHECK_EQUAL(int_at(json(up), "/accepted"), 1);
  const auto list = a.get("/v1/agent/diagnostics-requests?ticket_id=" + ticket);
  REQUIRE_STATUS(list, 200);
  const auto doc = json(list);
  BOOST_REQUIRE_EQUAL(size_at(doc, "/items"), 1U);
  BOOST_CHECK_EQUAL(str_at(doc, "/items/0/id"), id);
  BOOST_CHECK_EQUAL(str_at(doc, "/items/0/status"), "fulfilled");
}

BOOST_AUTO_TEST_CASE(request_for_a_ticket_reaches_every_device_of_its_owner) {
  const std::string sub = unique("u-");
  Device phone(shared_server());
  phone.sign_in(sub);
  Device laptop(shared_server());
  laptop.sign_in(sub);
  const std::string ticket = phone.new_ticket();
  const std::string pc = drained_cursor(phone);
  const std::string lc = drained_cursor(laptop);
  auto a = shared_agent_client();
  REQUIRE_STATUS(a.post("/v1/agent/diagnostics-requests", R"({"ticket_id":)" + q(ticket) + "}"), 201);
  BOOST_CHECK_EQUAL(hlt::count_of_type(json(phone.sync(pc)), "diagnostics_request"), 1U);
  BOOST_CHECK_EQUAL(hlt::count_of_type(json(laptop.sync(lc)), "diagnostics_request"), 1U);
}

BOOST_AUTO_TEST_CASE(request_for_a_device_arrives_only_on_that_device) {
  Device target(shared_server());
  Device bystander(shared_server());
  const std::string tc = drained_cursor(target);
  const std::string bc = drained_cursor(bystander);
  auto a = shared_agent_client();
  REQUIRE_STATUS(
      a.post("/v1/agent/diagnostics-requests", R"({"device_id":)" + q(target.id) + R"(,"kinds":["log"]})"),
      201);
  BOOST_CHECK_EQUAL(hlt::count_of_type(json(target.sync(tc)), "diagnostics_request"), 1U);
  BOOST_CHECK_EQUAL(hlt::count_of_type(json(bystander.sync(bc)), "diagnostics_request"), 0U);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(notices)

BOOST_AUTO_TEST_CASE(notice_is_listed_only_for_devices_its_target_matches) {
  const std::string model = unique("M");
  Device match(shared_server());
  REQUIRE_STATUS(match.http.put("/v1/device", R"({"model":)" + q(model) + R"(,"firmware_version":"2.3.1"})"),
                 200);
  Device other(shared_server());
  REQUIRE_STATUS(other.http.put("/v1/device", R"({"model":"Other","firmware_version":"2.3.1"})"), 200);
  Device bare(shared_server());
  const auto n = create_notice(R"({"model":)" + q(model) + "}");
  REQUIRE_STATUS(n, 201);
  const std::string id = str_at(json(n), "/id");
  BOOST_CHECK(notice_listed(match, id));
  BOOST_CHECK(!notice_listed(other, id));
  BOOST_CHECK(!notice_listed(bare, id));
}

BOOST_AUTO_TEST_CASE(empty_target_matches_every_device) {
  Device bare(shared_server());
  Device described(shared_server());
  REQUIRE_STATUS(described.http.put("/v1/device", R"({"model":"Anything"})"), 200);
  const auto n = create_notice("{}", "For everyone");
  REQUIRE_STATUS(n, 201);
  const std::string id = str_at(json(n), "/id");
  BOOST_CHECK(notice_listed(bare, id));
  BOOST_CHECK(notice_listed(described, id));
  auto a = shared_agent_client();
  REQUIRE_STATUS(a.del("/v1/agent/notices/" + id), 204);  // do not leak into other tests
}

BOOST_AUTO_TEST_CASE(version_range_target_compares_dotted_numbers) {
  const std::string model = unique("V");
  Device newer(shared_server());
  REQUIRE_STATUS(newer.http.put("/v1/device", R"({"model":)" + q(model) + R"(,"firmware_version":"2.10.0"})"),
                 200);
  Device older(shared_server());
  REQUIRE_STATUS(older.http.put("/v1/device", R"({"model":)" + q(model) + R"(,"firmware_version":"2.9.5"})"),
                 200);
  const auto n = create_notice(R"({"model":)" + q(model) + R"(,"firmware_version":{"min":"2.10"}})");
  REQUIRE_STATUS(n, 201);
  const std::string id = str_at(json(n), "/id");
  BOOST_CHECK(notice_listed(newer, id));
  BOOST_CHECK(!notice_listed(older, id));
}

BOOST_AUTO_TEST_CASE(array_and_custom_attribute_targets_match) {
  const std::string region = unique("r");
  Device dev(shared_server());
  REQUIRE_STATUS(
      dev.http.put("/v1/device", R"({"locale":"de-DE","attributes":{"region":)" + q(region) + "}}"), 200);
  const auto n = create_notice(R"({"locale":["fr-FR","de-DE"],"region":)" + q(region) + "}");
  REQUIRE_STATUS(n, 201);
  BOOST_CHECK(notice_listed(dev, str_at(json(n), "/id")));
}

BOOST_AUTO_TEST_CASE(matching_notice_arrives_as_sync_item) {
  const std::string model = unique("S");
  Device dev(shared_server());
  REQUIRE_STATUS(dev.http.put("/v1/device", R"({"model":)" + q(model) + "}"), 200);
  const std::string cursor = drained_cursor(dev);
  const auto n = create_notice(R"({"model":)" + q(model) + "}");
  REQUIRE_STATUS(n, 201);
  const auto synced = json(dev.sync(cursor));
  const auto items = hlt::items_of_type(synced, "notice");
  BOOST_REQUIRE_EQUAL(items.size(), 1U);
  BOOST_CHECK_EQUAL(str_at(*items[0], "/data/id"), str_at(json(n), "/id"));
}

BOOST_AUTO_TEST_CASE(ack_marks_the_notice_acknowledged_for_this_device_only) {
  const std::string model = unique("A");
  Device dev(shared_server());
  REQUIRE_STATUS(dev.http.put("/v1/device", R"({"model":)" + q(model) + "}"), 200);
  Device twin(shared_server());
  REQUIRE_STATUS(twin.http.put("/v1/device", R"({"model":)" + q(model) + "}"), 200);
  const auto n = create_notice(R"({"model":)" + q(model) + "}");
  REQUIRE_STATUS(n, 201);
  const std::string id = str_at(json(n), "/id");
  const auto ack = dev.http.send(
      hlt::Request{"POST", "/v1/notices/" + id + "/ack", {}, "", "", false, false, 15000, false});
  REQUIRE_STATUS(ack, 200);
  BOOST_CHECK_EQUAL(str_at(json(ack), "/notice_id"), id);
  const auto find_ack = [&](Device &d) {
    const auto listing = json(d.http.get("/v1/notices"));
    for (const auto &item : listing["items"].GetArray()) {
      if (str_at(item, "/id") == id) return item["acknowledged"].IsTrue();
    }
    return false;
  };
  BOOST_CHECK(find_ack(dev));
  BOOST_CHECK(!find_ack(twin));
}

BOOST_AUTO_TEST_CASE(deleted_notice_arrives_as_notice_withdrawn_and_is_no_longer_listed) {
  const std::string model = unique("W");
  Device dev(shared_server());
  REQUIRE_STATUS(dev.http.put("/v1/device", R"({"model":)" + q(model) + "}"), 200);
  const auto n = create_notice(R"({"model":)" + q(model) + "}");
  REQUIRE_STATUS(n, 201);
  const std::string id = str_at(json(n), "/id");
  const std::string cursor = drained_cursor(dev);
  auto a = shared_agent_client();
  REQUIRE_STATUS(a.del("/v1/agent/notices/" + id), 204);
  bool withdrawn = false;
  const auto synced = json(dev.sync(cursor));
  for (const auto *item : hlt::items_of_type(synced, "notice_withdrawn")) {
    withdrawn = withdrawn || str_at(*item, "/data/notice_id") == id;
  }
  BOOST_CHECK(withdrawn);
  BOOST_CHECK(!notice_listed(dev, id));
}

BOOST_AUTO_TEST_CASE(prefix_target_matches_by_prefix) {
  const std::string model = unique("P");
  Device yes(shared_server());
  REQUIRE_STATUS(yes.http.put("/v1/device", R"({"model":)" + q(model) + R"(,"app_version":"1.4.2-beta"})"),
                 200);
  Device no(shared_server());
  REQUIRE_STATUS(no.http.put("/v1/device", R"({"model":)" + q(model) + R"(,"app_version":"1.5.0"})"), 200);
  const auto n = create_notice(R"({"model":)" + q(model) + R"(,"app_version":{"prefix":"1.4."}})");
  REQUIRE_STATUS(n, 201);
  BOOST_CHECK(notice_listed(yes, str_at(json(n), "/id")));
  BOOST_CHECK(!notice_listed(no, str_at(json(n), "/id")));
}

BOOST_AUTO_TEST_CASE(notice_outside_its_time_window_is_not_listed) {
  const std::string model = unique("T");
  Device dev(shared_server());
  REQUIRE_STATUS(dev.http.put("/v1/device", R"({"model":)" + q(model) + "}"), 200);
  const long long now_ms = hlt::unix_now() * 1000;
  auto a = shared_agent_client();
  const auto future =
      a.post("/v1/agent/notices", R"({"title":"later","body":"b","target":{"model":)" + q(model) +
                                      R"(},"starts_at":)" + std::to_string(now_ms + 3600000) + "}");
  const auto past =
      a.post("/v1/agent/notices", R"({"title":"over","body":"b","target":{"model":)" + q(model) +
                                      R"(},"ends_at":)" + std::to_string(now_ms - 3600000) + "}");
  const auto live =
      a.post("/v1/agent/notices", R"({"title":"now","body":"b","target":{"model":)" + q(model) +
                                      R"(},"starts_at":)" + std::to_string(now_ms - 60000) +
                                      R"(,"ends_at":)" + std::to_string(now_ms + 3600000) + "}");
  REQUIRE_STATUS(future, 201);
  REQUIRE_STATUS(past, 201);
  REQUIRE_STATUS(live, 201);
  BOOST_CHECK(!notice_listed(dev, str_at(json(future), "/id")));
  BOOST_CHECK(!notice_listed(dev, str_at(json(past), "/id")));
  BOOST_CHECK(notice_listed(dev, str_at(json(live), "/id")));
}

BOOST_AUTO_TEST_CASE(deactivating_withdraws_and_reactivating_republishes) {
  const std::string model = unique("R");
  Device dev(shared_server());
  REQUIRE_STATUS(dev.http.put("/v1/device", R"({"model":)" + q(model) + "}"), 200);
  const auto n = create_notice(R"({"model":)" + q(model) + "}");
  REQUIRE_STATUS(n, 201);
  const std::string id = str_at(json(n), "/id");
  const std::string c0 = drained_cursor(dev);
  auto a = shared_agent_client();
  REQUIRE_STATUS(a.patch("/v1/agent/notices/" + id, R"({"active":false})"), 200);
  const auto off = json(dev.sync(c0));
  BOOST_CHECK_EQUAL(hlt::count_of_type(off, "notice_withdrawn"), 1U);
  BOOST_CHECK(!notice_listed(dev, id));
  REQUIRE_STATUS(a.patch("/v1/agent/notices/" + id, R"({"active":true})"), 200);
  const auto on = json(dev.sync(str_at(off, "/cursor")));
  BOOST_CHECK_EQUAL(hlt::count_of_type(on, "notice"), 1U);
  BOOST_CHECK(notice_listed(dev, id));
}

BOOST_AUTO_TEST_CASE(edited_notice_arrives_again_with_the_new_content) {
  const std::string model = unique("E");
  Device dev(shared_server());
  REQUIRE_STATUS(dev.http.put("/v1/device", R"({"model":)" + q(model) + "}"), 200);
  const auto n = create_notice(R"({"model":)" + q(model) + "}");
  REQUIRE_STATUS(n, 201);
  const std::string cursor = drained_cursor(dev);
  auto a = shared_agent_client();
  REQUIRE_STATUS(a.patch("/v1/agent/notices/" + str_at(json(n), "/id"), R"({"title":"Fixed in 2.4"})"), 200);
  const auto doc = json(dev.sync(cursor));
  const auto items = hlt::items_of_type(doc, "notice");
  BOOST_REQUIRE_EQUAL(items.size(), 1U);
  BOOST_CHECK_EQUAL(str_at(*items[0], "/data/title"), "Fixed in 2.4");
}

BOOST_AUTO_TEST_CASE(ack_of_unknown_notice_is_404) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.post("/v1/notices/n_nope/ack", "{}"), 404, "not_found");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(faq)

BOOST_AUTO_TEST_CASE(full_snapshot_has_sections_articles_cursor_and_etag) {
  FaqFixture faq;
  Device dev(shared_server());
  const auto r = dev.http.get(faq.faq_path());
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_CHECK(hlt::at(doc, "/full") != nullptr && hlt::at(doc, "/full")->IsTrue());
  BOOST_CHECK(hlt::contains_id(doc, "/sections", faq.section));
  BOOST_CHECK(hlt::contains_id(doc, "/articles", faq.article));
  BOOST_CHECK(r.header("ETag").has_value());
  BOOST_CHECK_NE(str_at(doc, "/cursor"), "<missing>");
}

BOOST_AUTO_TEST_CASE(if_none_match_with_current_etag_is_304_with_empty_body) {
  FaqFixture faq;
  Device dev(shared_server());
  const auto r = dev.http.get(faq.faq_path());
  REQUIRE_STATUS(r, 200);
  const std::string etag = r.header("ETag").value_or("");
  const auto again = dev.http.get(faq.faq_path(), {{"If-None-Match", etag}});
  CHECK_STATUS(again, 304);
  BOOST_CHECK(again.body.empty());
  BOOST_CHECK_EQUAL(again.header("ETag").value_or(""), etag);
}

BOOST_AUTO_TEST_CASE(etag_is_quoted_cursor_and_locale) {
  FaqFixture faq;
  Device dev(shared_server());
  const auto r = dev.http.get(faq.faq_path());
  REQUIRE_STATUS(r, 200);
  const std::string cursor = str_at(json(r), "/cursor");
  BOOST_CHECK_EQUAL(r.header("ETag").value_or(""), "\"" + cursor + "-" + faq.locale + "\"");
  const auto all = dev.http.get("/v1/faq");
  BOOST_CHECK_EQUAL(all.header("ETag").value_or(""), "\"" + str_at(json(all), "/cursor") + "-*\"");
}

BOOST_AUTO_TEST_CASE(if_none_match_gives_304_with_since_too) {
  FaqFixture faq;
  Device dev(shared_server());
  const auto full = dev.http.get(faq.faq_path());
  const std::string cursor = str_at(json(full), "/cursor");
  const auto delta =
      dev.http.get(faq.faq_path(cursor), {{"If-None-Match", full.header("ETag").value_or("")}});
  CHECK_STATUS(delta, 304);
}

BOOST_AUTO_TEST_CASE(article_moved_to_another_locale_is_deleted_for_the_old_locale) {
  FaqFixture faq;
  Device dev(shared_server());
  const std::string cursor = str_at(json(dev.http.get(faq.faq_path())), "/cursor");
  auto a = shared_agent_client();
  REQUIRE_STATUS(a.patch("/v1/agent/faq/articles/" + faq.article, R"({"locale":"zz-ZZ"})"), 200);
  const auto doc = json(dev.http.get(faq.faq_path(cursor)));
  BOOST_CHECK(hlt::contains_id(doc, "/deleted/articles", faq.article));
  BOOST_CHECK(!hlt::contains_id(doc, "/articles", faq.article));
}

BOOST_AUTO_TEST_CASE(etag_changes_after_an_faq_edit) {
  FaqFixture faq;
  Device dev(shared_server());
  const std::string etag = dev.http.get(faq.faq_path()).header("ETag").value_or("");
  faq.add_article("Another one");
  const auto r = dev.http.get(faq.faq_path(), {{"If-None-Match", etag}});
  CHECK_STATUS(r, 200);
  BOOST_CHECK_NE(r.header("ETag").value_or(""), etag);
}

BOOST_AUTO_TEST_CASE(since_returns_only_changes_and_deletions) {
  FaqFixture faq;
  const std::string keep = faq.add_article("Unchanged");
  Device dev(shared_server());
  const std::string cursor = str_at(json(dev.http.get(faq.faq_path())), "/cursor");
  auto a = shared_agent_client();
  REQUIRE_STATUS(a.del("/v1/agent/faq/articles/" + faq.article), 204);
  const std::string added = faq.add_article("Brand new");
  const auto r = dev.http.get(faq.faq_path(cursor));
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_CHECK(hlt::at(doc, "/full") != nullptr && hlt::at(doc, "/full")->IsFalse());
  BOOST_CHECK(hlt::contains_id(doc, "/articles", added));
  BOOST_CHECK(!hlt::contains_id(doc, "/articles", keep));
  BOOST_CHECK(hlt::contains_id(doc, "/deleted/articles", faq.article));
}

BOOST_AUTO_TEST_CASE(deleted_section_is_reported_in_the_delta) {
  FaqFixture faq;
  Device dev(shared_server());
  const std::string cursor = str_at(json(dev.http.get(faq.faq_path())), "/cursor");
  auto a = shared_agent_client();
  REQUIRE_STATUS(a.del("/v1/agent/faq/articles/" + faq.article), 204);
  REQUIRE_STATUS(a.del("/v1/agent/faq/sections/" + faq.section), 204);
  const auto doc = json(dev.http.get(faq.faq_path(cursor)));
  BOOST_CHECK(hlt::contains_id(doc, "/deleted/sections", faq.section));
  BOOST_CHECK(hlt::contains_id(doc, "/deleted/articles", faq.article));
}

BOOST_AUTO_TEST_CASE(unpublished_article_is_reported_as_deleted_and_hidden) {
  FaqFixture faq;
  Device dev(shared_server());
  const std::string cursor = str_at(json(dev.http.get(faq.faq_path())), "/cursor");
  auto a = shared_agent_client();
  REQUIRE_STATUS(a.patch("/v1/agent/faq/articles/" + faq.article, R"({"published":false})"), 200);
  const auto doc = json(dev.http.get(faq.faq_path(cursor)));
  BOOST_CHECK(hlt::contains_id(doc, "/deleted/articles", faq.article));
  CHECK_ERROR(dev.http.get("/v1/faq/articles/" + faq.article), 404, "not_found");
}

BOOST_AUTO_TEST_CASE(unpublished_article_is_not_in_the_snapshot) {
  FaqFixture faq;
  const std::string draft = faq.add_article("Draft", false);
  Device dev(shared_server());
  const auto doc = json(dev.http.get(faq.faq_path()));
  BOOST_CHECK(!hlt::contains_id(doc, "/articles", draft));
  BOOST_CHECK(hlt::contains_id(doc, "/articles", faq.article));
}

BOOST_AUTO_TEST_CASE(locale_filter_is_exact) {
  FaqFixture faq;
  Device dev(shared_server());
  const auto doc = json(dev.http.get("/v1/faq?locale=" + hlt::url_encode(faq.locale + "-XX")));
  BOOST_CHECK(!hlt::contains_id(doc, "/articles", faq.article));
}

BOOST_AUTO_TEST_CASE(since_that_is_not_a_cursor_is_400_invalid_cursor) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.get("/v1/faq?since=banana"), 400, "invalid_cursor");
  CHECK_ERROR(dev.http.get("/v1/faq?since=999999999999"), 400, "invalid_cursor");
}

BOOST_AUTO_TEST_CASE(get_article_returns_it) {
  FaqFixture faq;
  Device dev(shared_server());
  const auto r = dev.http.get("/v1/faq/articles/" + faq.article);
  REQUIRE_STATUS(r, 200);
  BOOST_CHECK_EQUAL(str_at(json(r), "/title"), "How to clear a jam");
}

BOOST_AUTO_TEST_CASE(vote_counts_and_a_second_vote_replaces_the_first) {
  FaqFixture faq;
  Device dev(shared_server());
  const auto up = dev.http.post("/v1/faq/articles/" + faq.article + "/vote", R"({"helpful":true})");
  REQUIRE_STATUS(up, 200);
  BOOST_CHECK_EQUAL(int_at(json(up), "/helpful_count"), 1);
  const auto down = dev.http.post("/v1/faq/articles/" + faq.article + "/vote", R"({"helpful":false})");
  REQUIRE_STATUS(down, 200);
  BOOST_CHECK_EQUAL(int_at(json(down), "/helpful_count"), 0);
  BOOST_CHECK_EQUAL(int_at(json(down), "/not_helpful_count"), 1);
}

BOOST_AUTO_TEST_CASE(vote_on_an_unpublished_article_is_404) {
  FaqFixture faq;
  const std::string draft = faq.add_article("Draft", false);
  Device dev(shared_server());
  CHECK_ERROR(dev.http.post("/v1/faq/articles/" + draft + "/vote", R"({"helpful":true})"), 404, "not_found");
}

BOOST_AUTO_TEST_CASE(vote_with_non_bool_is_400) {
  FaqFixture faq;
  Device dev(shared_server());
  CHECK_ERROR(dev.http.post("/v1/faq/articles/" + faq.article + "/vote", R"({"helpful":"yes"})"), 400,
              "invalid_request");
}

BOOST_AUTO_TEST_CASE(faq_change_emits_faq_changed_sync_item) {
  Device dev(shared_server());
  const std::string cursor = drained_cursor(dev);
  FaqFixture faq;
  BOOST_CHECK_GE(hlt::count_of_type(json(dev.sync(cursor)), "faq_changed"), 1U);
}

BOOST_AUTO_TEST_SUITE_END()
