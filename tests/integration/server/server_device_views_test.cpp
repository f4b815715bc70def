// Device diagnostics views for agents (docs/protocol.md 14.5): device list with health, per-device
// diagnostics with filters, the health timeline; notices carrying target and faq_article_id to devices
// (section 12).
#define BOOST_TEST_MODULE server_device_views
#include "helpline/testing.hpp"
#include "helpline/testing/checks.hpp"
#include "helpline/testing/clock.hpp"
#include "helpline/testing/device_client.hpp"
#include "helpline/testing/diagnostics_items.hpp"
#include "helpline/testing/json.hpp"
#include "helpline/testing/shared_server.hpp"
#include "helpline/testing/unique.hpp"

namespace hlt = helpline::testing;
namespace diag = helpline::testing::diag;
using namespace helpline::testing;

namespace {

constexpr long long kHour = 3600 * 1000LL;

const rapidjson::Value *find_device(const rapidjson::Document &doc, const std::string &id) {
  const auto *items = hlt::at(doc, "/items");
  if (!items || !items->IsArray()) return nullptr;
  for (const auto &d : items->GetArray())
    if (d["device_id"].GetString() == id) return &d;
  return nullptr;
}

std::string put_device(Device &dev, const std::string &model, const std::string &fw) {
  const auto r = dev.http.put("/v1/device", R"({"model":)" + q(model) + R"(,"firmware_version":)" + q(fw) +
                                                R"(,"os":"linux","app_version":"1.4.0"})");
  BOOST_REQUIRE_EQUAL(r.status, 200);
  return r.body;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(devices)

BOOST_AUTO_TEST_CASE(a_device_is_listed_after_put_device_with_unknown_health) {
  Device dev(shared_server());
  put_device(dev, "X100", "2.3.1");
  auto http = shared_agent_client();
  const auto r = http.get("/v1/agent/devices?q=" + dev.id);
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  const auto *d = find_device(doc, dev.id);
  BOOST_REQUIRE(d != nullptr);
  BOOST_CHECK_EQUAL(str_at(*d, "/attributes/model"), "X100");
  BOOST_CHECK_EQUAL(str_at(*d, "/health"), "unknown");
  BOOST_CHECK(hlt::at(*d, "/last_seen")->IsNull());
}

BOOST_AUTO_TEST_CASE(health_follows_the_levels_of_recent_diagnostics) {
  Device ok(shared_server()), warn(shared_server()), err(shared_server());
  const long long now = hlt::now_ms();
  diag::send_ok(ok, {diag::item("event", "boot", now, R"("level":"info")")});
  diag::send_ok(warn, {diag::item("event", "slow", now, R"("level":"warning")")});
  diag::send_ok(err, {diag::item("event", "crash", now, R"("level":"error")"),
                      diag::item("event", "slow", now, R"("level":"warning")")});
  auto http = shared_agent_client();
  for (auto [dev, want] :
       {std::pair<Device *, const char *>{&ok, "ok"}, {&warn, "warning"}, {&err, "error"}}) {
    const auto r = http.get("/v1/agent/devices/" + dev->id);
    REQUIRE_STATUS(r, 200);
    const auto doc = json(r);
    BOOST_CHECK_EQUAL(str_at(doc, "/health"), want);
    BOOST_CHECK_GE(int_at(doc, "/last_seen"), now - 60000);
    BOOST_CHECK(hlt::at(doc, "/attributes")->IsNull());  // never sent PUT /v1/device
  }
  const auto filtered = http.get("/v1/agent/devices?health=error&limit=100");
  REQUIRE_STATUS(filtered, 200);
  const auto fdoc = json(filtered);
  BOOST_CHECK(find_device(fdoc, err.id) != nullptr);
  BOOST_CHECK(find_device(fdoc, ok.id) == nullptr);
  CHECK_ERROR(http.get("/v1/agent/devices?health=sick"), 400, "invalid_request");
}

BOOST_AUTO_TEST_CASE(unknown_device_is_404_and_other_apps_devices_are_invisible) {
  auto http = shared_agent_client();
  CHECK_ERROR(http.get("/v1/agent/devices/never-seen-device-1"), 404, "not_found");
  Device other(shared_server(), hlt::kOtherAppKey);
  put_device(other, "X100", "1.0");
  CHECK_ERROR(http.get("/v1/agent/devices/" + other.id), 404, "not_found");
  CHECK_ERROR(http.get("/v1/agent/devices/" + other.id + "/timeline"), 404, "not_found");
}

BOOST_AUTO_TEST_CASE(device_diagnostics_are_paged_newest_first_and_filtered) {
  Device dev(shared_server());
  const long long t = hlt::now_ms() - 10 * 60000;
  std::vector<std::string> items;
  for (int i = 0; i < 5; ++i) items.push_back(diag::item("breadcrumb", "ui", t + i * 1000));
  items.push_back(diag::item("event", "crash", t + 10000, R"("level":"error","message":"segfault")"));
  items.push_back(diag::heartbeat(t + 20000, {{"disk_free_pct", 50}}));
  diag::send_ok(dev, items);
  auto http = shared_agent_client();
  const std::string base = "/v1/agent/devices/" + dev.id + "/diagnostics";
  const auto page1 = json(http.get(base + "?limit=4"));
  BOOST_REQUIRE_EQUAL(size_at(page1, "/items"), 4u);
  BOOST_CHECK_EQUAL(str_at(page1, "/items/0/name"), "heartbeat");
  const std::string cursor = str_at(page1, "/next_cursor");
  const auto page2 = json(http.get(base + "?limit=4&cursor=" + cursor));
  BOOST_CHECK_EQUAL(size_at(page2, "/items"), 3u);
  BOOST_CHECK(hlt::at(page2, "/next_cursor")->IsNull());

  const auto kinds = json(http.get(base + "?kind=event"));
  BOOST_REQUIRE_EQUAL(size_at(kinds, "/items"), 1u);
  BOOST_CHECK_EQUAL(str_at(kinds, "/items/0/message"), "segfault");
  BOOST_CHECK_EQUAL(str_at(kinds, "/items/0/device_id"), dev.id);
  BOOST_CHECK_EQUAL(size_at(json(http.get(base + "?name=ui")), "/items"), 5u);
  BOOST_CHECK_EQUAL(size_at(json(http.get(base + "?level=error")), "/items"), 1u);
  // [from, to) on the device's ts: the breadcrumbs at t+1000 and t+2000.
  const auto window =
      json(http.get(base + "?from=" + std::to_string(t + 1000) + "&to=" + std::to_string(t + 3000)));
  BOOST_CHECK_EQUAL(size_at(window, "/items"), 2u);
  CHECK_ERROR(http.get(base + "?from=abc"), 400, "invalid_request");
  CHECK_ERROR(http.get(base + "?limit=101"), 400, "invalid_request");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(timeline)

BOOST_AUTO_TEST_CASE(buckets_count_levels_heartbeat_metrics_rule_firings_and_tickets) {
  Device dev(shared_server());
  put_device(dev, "X100", "2.3.1");
  const long long t0 = (hlt::now_ms() / kHour) * kHour - 5 * kHour;
  const long long m = 60000;
  diag::send_ok(dev, {diag::heartbeat(t0 + 10 * m, {{"disk_free_pct", 40}}, {{"wifi_disconnects", 2}}),
                      diag::heartbeat(t0 + 20 * m, {{"disk_free_pct", 38}}, {{"wifi_disconnects", 1}}),
                      diag::heartbeat(t0 + kHour + 5 * m, {{"disk_free_pct", 4}}),
                      diag::item("event", "crash", t0 + kHour + 6 * m, R"("level":"error")"),
                      diag::device_rule_firing(t0 + kHour + 7 * m, "disk_low", "disk_free_pct", 5, 4),
                      diag::item("event", "boot", t0 + 2 * kHour + m, R"("level":"info")")});
  auto http = shared_agent_client();
  const auto r = http.get("/v1/agent/devices/" + dev.id + "/timeline?bucket=hour&from=" + std::to_string(t0) +
                          "&to=" + std::to_string(t0 + 3 * kHour));
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(int_at(doc, "/bucket"), kHour);
  BOOST_REQUIRE_EQUAL(size_at(doc, "/buckets"), 3u);
  BOOST_CHECK_EQUAL(int_at(doc, "/buckets/0/total"), 2);
  BOOST_CHECK_EQUAL(int_at(doc, "/buckets/0/heartbeats"), 2);
  BOOST_CHECK_EQUAL(int_at(doc, "/buckets/1/levels/error"), 1);
  BOOST_CHECK_EQUAL(int_at(doc, "/buckets/1/levels/warning"), 1);
  BOOST_CHECK_EQUAL(int_at(doc, "/buckets/1/device_rule_firings"), 1);
  BOOST_CHECK_EQUAL(int_at(doc, "/buckets/2/levels/info"), 1);
  BOOST_CHECK_EQUAL(int_at(doc, "/buckets/2/kinds/event"), 1);
  // Gauges per bucket: last (newest ts), min/max over the heartbeats' own min/max, avg of the lasts.
  BOOST_CHECK_EQUAL(str_at(doc, "/metrics/disk_free_pct/type"), "gauge");
  BOOST_CHECK_CLOSE(hlt::at(doc, "/metrics/disk_free_pct/points/0/last")->GetDouble(), 38.0, 1e-9);
  BOOST_CHECK_CLOSE(hlt::at(doc, "/metrics/disk_free_pct/points/0/min")->GetDouble(), 37.0, 1e-9);
  BOOST_CHECK_CLOSE(hlt::at(doc, "/metrics/disk_free_pct/points/0/max")->GetDouble(), 41.0, 1e-9);
  BOOST_CHECK_CLOSE(hlt::at(doc, "/metrics/disk_free_pct/points/0/avg")->GetDouble(), 39.0, 1e-9);
  BOOST_CHECK_CLOSE(hlt::at(doc, "/metrics/disk_free_pct/points/1/last")->GetDouble(), 4.0, 1e-9);
  BOOST_CHECK(hlt::at(doc, "/metrics/disk_free_pct/points/2")->IsNull());
  BOOST_CHECK_EQUAL(str_at(doc, "/metrics/wifi_disconnects/type"), "counter");
  BOOST_CHECK_CLOSE(hlt::at(doc, "/metrics/wifi_disconnects/points/0/sum")->GetDouble(), 3.0, 1e-9);
  BOOST_REQUIRE_EQUAL(size_at(doc, "/rule_firings"), 1u);
  BOOST_CHECK_EQUAL(str_at(doc, "/rule_firings/0/source"), "device");
  BOOST_CHECK_EQUAL(str_at(doc, "/rule_firings/0/rule_id"), "disk_low");
  BOOST_CHECK_CLOSE(hlt::at(doc, "/rule_firings/0/value")->GetDouble(), 4.0, 1e-9);

  // A ticket the device opens now shows in the default window (the last 24 hours).
  const std::string ticket = dev.new_ticket("Disk full");
  const auto today = json(http.get("/v1/agent/devices/" + dev.id + "/timeline"));
  // The last 24 hours in hour buckets aligned to UTC hours: 24 or 25 (the current hour is partial).
  BOOST_CHECK_GE(size_at(today, "/buckets"), 24u);
  BOOST_CHECK_LE(size_at(today, "/buckets"), 25u);
  long long opened = 0;
  for (const auto &b : hlt::at(today, "/buckets")->GetArray()) opened += b["tickets_opened"].GetInt64();
  BOOST_CHECK_EQUAL(opened, 1);
  BOOST_CHECK(hlt::contains_id(today, "/tickets", ticket));
}

BOOST_AUTO_TEST_CASE(day_buckets_and_bad_windows) {
  Device dev(shared_server());
  diag::send_ok(dev, {diag::item("event", "boot", hlt::now_ms())});
  auto http = shared_agent_client();
  const auto doc = json(http.get("/v1/agent/devices/" + dev.id + "/timeline?bucket=day"));
  BOOST_CHECK_EQUAL(int_at(doc, "/bucket"), 24 * kHour);
  BOOST_CHECK_GE(size_at(doc, "/buckets"), 30u);
  CHECK_ERROR(http.get("/v1/agent/devices/" + dev.id + "/timeline?bucket=week"), 400, "invalid_request");
  CHECK_ERROR(http.get("/v1/agent/devices/" + dev.id + "/timeline?from=0&to=" + std::to_string(600 * kHour)),
              400, "invalid_request");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(notices)

BOOST_AUTO_TEST_CASE(notices_target_by_model_and_firmware_range_with_target_and_faq_link_on_the_device) {
  auto http = shared_agent_client();
  const auto section = json(http.post("/v1/agent/faq/sections", R"({"locale":"en","title":"Firmware"})"));
  const auto article = http.post("/v1/agent/faq/articles",
                                 R"({"section_id":)" + q(str_at(section, "/id")) +
                                     R"(,"locale":"en","title":"Update to 2.3.2","body":"How to update"})");
  REQUIRE_STATUS(article, 201);
  const std::string article_id = str_at(json(article), "/id");
  const std::string model = unique("M");
  Device in_range(shared_server()), newer(shared_server()), other_model(shared_server()),
      ten(shared_server());
  put_device(in_range, model, "2.3.1");
  put_device(newer, model, "3.0.1");
  put_device(other_model, model + "x", "2.3.1");
  put_device(ten, model, "2.10");  // 2.10 > 2.9: outside [2.3, 2.9]
  const std::string target = R"({"model":)" + q(model) + R"(,"firmware_version":{"min":"2.3","max":"2.9"}})";
  const auto created =
      http.post("/v1/agent/notices", R"({"title":"Known issue","body":"Fix coming","severity":"warning",)"
                                     R"("target":)" +
                                         target + R"(,"faq_article_id":)" + q(article_id) + "}");
  REQUIRE_STATUS(created, 201);
  const std::string id = str_at(json(created), "/id");
  BOOST_CHECK_EQUAL(str_at(json(created), "/faq_article_id"), article_id);

  const auto list = json(in_range.http.get("/v1/notices"));
  BOOST_REQUIRE(hlt::contains_id(list, "/items", id));
  const rapidjson::Value *n = nullptr;
  for (const auto &v : hlt::at(list, "/items")->GetArray())
    if (v["id"].GetString() == id) n = &v;
  BOOST_REQUIRE(n != nullptr);
  BOOST_CHECK_EQUAL(str_at(*n, "/faq_article_id"), article_id);
  BOOST_CHECK_EQUAL(str_at(*n, "/target/model"), model);
  BOOST_CHECK_EQUAL(str_at(*n, "/target/firmware_version/min"), "2.3");
  for (Device *d : {&newer, &other_model, &ten})
    BOOST_CHECK_MESSAGE(!hlt::contains_id(json(d->http.get("/v1/notices")), "/items", id), d->id);

  // The sync item carries the same device view.
  const auto sync = json(in_range.sync());
  bool seen = false;
  for (const auto *item : hlt::items_of_type(sync, "notice"))
    if (str_at(*item, "/data/id") == id) {
      seen = true;
      BOOST_CHECK_EQUAL(str_at(*item, "/data/faq_article_id"), article_id);
      BOOST_CHECK_EQUAL(str_at(*item, "/data/target/model"), model);
    }
  BOOST_CHECK(seen);
  const auto newer_sync = json(newer.sync());
  for (const auto *item : hlt::items_of_type(newer_sync, "notice"))
    BOOST_CHECK(str_at(*item, "/data/id") != id);
}

BOOST_AUTO_TEST_CASE(faq_article_id_must_name_an_existing_article) {
  auto http = shared_agent_client();
  CHECK_ERROR(
      http.post("/v1/agent/notices", R"({"title":"t","body":"b","faq_article_id":"no-such-article"})"), 400,
      "invalid_request");
  CHECK_ERROR(http.post("/v1/agent/notices", R"({"title":"t","body":"b","faq_article_id":"bad id!"})"), 400,
              "invalid_request");
  const auto created = http.post("/v1/agent/notices", R"({"title":"t","body":"b"})");
  REQUIRE_STATUS(created, 201);
  BOOST_CHECK(hlt::at(json(created), "/faq_article_id")->IsNull());
  BOOST_CHECK(hlt::at(json(created), "/target")->IsObject());
}

BOOST_AUTO_TEST_SUITE_END()
