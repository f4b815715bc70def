// Idempotent replay, batches and diagnostics ingest (docs/protocol.md sections 4, 5, 10).
#define BOOST_TEST_MODULE server_idempotency
#include "helpline/testing.hpp"
#include "helpline/testing/checks.hpp"
#include "helpline/testing/device_client.hpp"
#include "helpline/testing/json.hpp"
#include "helpline/testing/shared_server.hpp"
#include "helpline/testing/unique.hpp"

#include <thread>
#include <vector>

namespace hlt = helpline::testing;
using namespace helpline::testing;

namespace {

std::string diag_item(const std::string &key, const std::string &kind = "event",
                      const std::string &extra = "") {
  return R"({"idempotency_key":)" + q(key) + R"(,"kind":)" + q(kind) +
         R"(,"name":"crash","ts":1700000000000,"level":"error","message":"segfault","attributes":{"thread":"main"})" +
         extra + "}";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(single_requests)

BOOST_AUTO_TEST_CASE(replayed_key_returns_the_original_status_and_body_with_replayed_header) {
  Device dev(shared_server());
  const hlt::Headers key{{"Idempotency-Key", unique("k-")}};
  const auto first = dev.create_ticket("once", "only once", key);
  REQUIRE_STATUS(first, 201);
  const auto again = dev.create_ticket("once", "only once", key);
  CHECK_STATUS(again, 201);
  BOOST_CHECK_EQUAL(again.body, first.body);
  BOOST_CHECK_EQUAL(again.header("Idempotent-Replayed").value_or("<absent>"), "true");
  BOOST_CHECK(!first.header("Idempotent-Replayed").has_value());
}

BOOST_AUTO_TEST_CASE(replayed_key_creates_nothing_twice) {
  Device dev(shared_server());
  const hlt::Headers key{{"Idempotency-Key", unique("k-")}};
  for (int i = 0; i < 3; ++i) REQUIRE_STATUS(dev.create_ticket("once", "only once", key), 201);
  BOOST_CHECK_EQUAL(ticket_count(dev), 1U);
}

BOOST_AUTO_TEST_CASE(replayed_message_is_not_added_twice) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  const hlt::Headers key{{"Idempotency-Key", unique("k-")}};
  REQUIRE_STATUS(dev.send_message(ticket, "hello", key), 201);
  REQUIRE_STATUS(dev.send_message(ticket, "hello", key), 201);
  const auto msgs = dev.http.get("/v1/tickets/" + ticket + "/messages");
  BOOST_CHECK_EQUAL(size_at(json(msgs), "/items"), 2U);  // the ticket body + one message
}

BOOST_AUTO_TEST_CASE(same_key_with_a_different_body_is_409_idempotency_conflict) {
  Device dev(shared_server());
  const hlt::Headers key{{"Idempotency-Key", unique("k-")}};
  REQUIRE_STATUS(dev.create_ticket("first", "b", key), 201);
  CHECK_ERROR(dev.create_ticket("second", "b", key), 409, "idempotency_conflict");
  BOOST_CHECK_EQUAL(ticket_count(dev), 1U);
}

BOOST_AUTO_TEST_CASE(same_key_on_a_different_path_is_409_idempotency_conflict) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  const hlt::Headers key{{"Idempotency-Key", unique("k-")}};
  REQUIRE_STATUS(dev.http.post("/v1/surveys", R"({"kind":"nps","score":5})", key), 201);
  CHECK_ERROR(dev.http.post("/v1/tickets/" + ticket + "/reopen", R"({"kind":"nps","score":5})", key), 409,
              "idempotency_conflict");
}

BOOST_AUTO_TEST_CASE(fingerprint_uses_the_decompressed_body_so_a_gzip_retry_replays) {
  Device dev(shared_server());
  const std::string key = unique("gzk-");
  hlt::Request req;
  req.method = "POST";
  req.path = "/v1/tickets";
  req.body = R"({"subject":"same","body":"bytes"})";
  req.headers = {{"Idempotency-Key", key}};
  const auto plain = dev.http.send(req);
  REQUIRE_STATUS(plain, 201);
  req.gzip = true;
  const auto zipped = dev.http.send(req);
  CHECK_STATUS(zipped, 201);
  BOOST_CHECK_EQUAL(zipped.header("Idempotent-Replayed").value_or("<absent>"), "true");
  BOOST_CHECK_EQUAL(zipped.body, plain.body);
}

BOOST_AUTO_TEST_CASE(same_key_with_a_different_query_is_409_idempotency_conflict) {
  Device dev(shared_server());
  const std::string key = unique("qk-");
  hlt::Request req;
  req.method = "POST";
  req.path = "/v1/attachments?filename=a.txt";
  req.content_type = "text/plain";
  req.body = "bytes";
  req.headers = {{"Idempotency-Key", key}};
  REQUIRE_STATUS(dev.http.send(req), 201);
  req.path = "/v1/attachments?filename=b.txt";
  CHECK_ERROR(dev.http.send(req), 409, "idempotency_conflict");
}

BOOST_AUTO_TEST_CASE(same_key_from_another_device_executes_separately) {
  Device a(shared_server());
  Device b(shared_server());
  const hlt::Headers key{{"Idempotency-Key", unique("shared-k-")}};
  const auto ra = a.create_ticket("s", "b", key);
  const auto rb = b.create_ticket("s", "b", key);
  REQUIRE_STATUS(ra, 201);
  REQUIRE_STATUS(rb, 201);
  BOOST_CHECK(!rb.header("Idempotent-Replayed").has_value());
  BOOST_CHECK_NE(str_at(json(ra), "/id"), str_at(json(rb), "/id"));
}

BOOST_AUTO_TEST_CASE(a_failed_request_is_not_recorded_so_a_retry_executes) {
  Device dev(shared_server());
  const std::string ticket = unique("later");
  const hlt::Headers key{{"Idempotency-Key", unique("k-")}};
  CHECK_ERROR(dev.send_message(ticket, "early bird", key), 404, "not_found");
  REQUIRE_STATUS(dev.http.post("/v1/tickets", R"({"id":)" + q(ticket) + R"(,"subject":"s","body":"b"})"),
                 201);
  const auto retry = dev.send_message(ticket, "early bird", key);
  CHECK_STATUS(retry, 201);
  BOOST_CHECK(!retry.header("Idempotent-Replayed").has_value());
}

BOOST_AUTO_TEST_CASE(concurrent_requests_with_the_same_key_execute_exactly_once) {
  Device probe(shared_server());
  const std::string key = unique("race-");
  std::vector<std::thread> threads;
  std::vector<long> statuses(6, 0);
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    threads.emplace_back([&, i] {
      Device dev(shared_server(), hlt::kAppKey, probe.id);  // same device, own connection
      statuses[i] = dev.create_ticket("race", "race", {{"Idempotency-Key", key}}).status;
    });
  }
  for (auto &t : threads) t.join();
  for (long s : statuses) BOOST_CHECK_EQUAL(s, 201);
  BOOST_CHECK_EQUAL(ticket_count(probe), 1U);
}

BOOST_AUTO_TEST_CASE(agent_reply_with_a_replayed_key_is_stored_once) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  auto agent = hlt::agent_client(hlt::shared_agent());
  const hlt::Headers key{{"Idempotency-Key", unique("ak-")}};
  REQUIRE_STATUS(agent.post("/v1/agent/tickets/" + ticket + "/messages", R"({"body":"on it"})", key), 201);
  const auto again = agent.post("/v1/agent/tickets/" + ticket + "/messages", R"({"body":"on it"})", key);
  CHECK_STATUS(again, 201);
  BOOST_CHECK_EQUAL(again.header("Idempotent-Replayed").value_or("<absent>"), "true");
  BOOST_CHECK_EQUAL(size_at(json(dev.http.get("/v1/tickets/" + ticket + "/messages")), "/items"), 2U);
}

BOOST_AUTO_TEST_CASE(replayed_agent_delete_returns_the_original_204) {
  auto agent = hlt::agent_client(hlt::shared_agent());
  const auto n = agent.post("/v1/agent/notices", R"({"title":"t","body":"b","active":false})");
  REQUIRE_STATUS(n, 201);
  const hlt::Headers key{{"Idempotency-Key", unique("del-")}};
  REQUIRE_STATUS(agent.del("/v1/agent/notices/" + str_at(json(n), "/id"), key), 204);
  const auto again = agent.del("/v1/agent/notices/" + str_at(json(n), "/id"), key);
  CHECK_STATUS(again, 204);
  BOOST_CHECK_EQUAL(again.header("Idempotent-Replayed").value_or("<absent>"), "true");
}

BOOST_AUTO_TEST_CASE(agent_keys_are_scoped_per_agent) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  auto one = hlt::agent_client(hlt::shared_agent());
  auto two = hlt::agent_client(hlt::shared_agent("admin"));
  const hlt::Headers key{{"Idempotency-Key", unique("agent-k-")}};
  REQUIRE_STATUS(one.post("/v1/agent/tickets/" + ticket + "/messages", R"({"body":"same"})", key), 201);
  const auto r = two.post("/v1/agent/tickets/" + ticket + "/messages", R"({"body":"same"})", key);
  CHECK_STATUS(r, 201);
  BOOST_CHECK(!r.header("Idempotent-Replayed").has_value());
  BOOST_CHECK_EQUAL(size_at(json(dev.http.get("/v1/tickets/" + ticket + "/messages")), "/items"), 3U);
}

BOOST_AUTO_TEST_CASE(concurrent_writes_from_many_devices_all_succeed) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 15;
  std::vector<std::thread> threads;
  std::vector<int> created(kThreads, 0);
  std::vector<std::string> failures(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Device dev(shared_server());
      for (int i = 0; i < kPerThread; ++i) {
        const auto r = dev.create_ticket("load", "b", {{"Idempotency-Key", "c" + std::to_string(i)}});
        if (r.status == 201)
          ++created[t];
        else
          failures[t] = r.describe();
      }
    });
  }
  for (auto &t : threads) t.join();
  for (int t = 0; t < kThreads; ++t) {
    BOOST_CHECK_MESSAGE(created[t] == kPerThread,
                        "thread " << t << ": " << created[t] << " created, last failure " << failures[t]);
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(batch)

BOOST_AUTO_TEST_CASE(batch_runs_items_in_order_and_returns_one_result_each) {
  Device dev(shared_server());
  const std::string ticket = unique("bt");
  const std::string body =
      R"({"items":[)" +
      batch_item("k1", "POST", "/v1/tickets", R"({"id":)" + q(ticket) + R"(,"subject":"s","body":"b"})") +
      "," + batch_item("k2", "POST", "/v1/tickets/" + ticket + "/messages", R"({"body":"second"})") + "]}";
  const auto r = dev.http.post("/v1/batch", body);
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_REQUIRE_EQUAL(size_at(doc, "/results"), 2U);
  BOOST_CHECK_EQUAL(str_at(doc, "/results/0/idempotency_key"), "k1");
  BOOST_CHECK_EQUAL(str_at(doc, "/results/0/outcome"), "ok");
  BOOST_CHECK_EQUAL(int_at(doc, "/results/0/status"), 201);
  BOOST_CHECK_EQUAL(str_at(doc, "/results/0/body/id"), ticket);
  BOOST_CHECK_EQUAL(str_at(doc, "/results/1/outcome"), "ok");
  BOOST_CHECK_EQUAL(int_at(doc, "/results/1/body/seq"), 2);
}

BOOST_AUTO_TEST_CASE(replayed_batch_items_are_duplicate_with_the_original_body) {
  Device dev(shared_server());
  const std::string body =
      R"({"items":[)" + batch_item("kd", "POST", "/v1/tickets", R"({"subject":"s","body":"b"})") + "]}";
  const auto first = dev.http.post("/v1/batch", body);
  REQUIRE_STATUS(first, 200);
  const auto second = dev.http.post("/v1/batch", body);
  REQUIRE_STATUS(second, 200);
  const auto d1 = json(first);
  const auto d2 = json(second);
  BOOST_CHECK_EQUAL(str_at(d2, "/results/0/outcome"), "duplicate");
  BOOST_CHECK_EQUAL(str_at(d2, "/results/0/body/id"), str_at(d1, "/results/0/body/id"));
  BOOST_CHECK_EQUAL(ticket_count(dev), 1U);
}

BOOST_AUTO_TEST_CASE(batch_item_whose_key_was_used_by_a_single_request_is_duplicate) {
  Device dev(shared_server());
  const std::string key = unique("k-");
  const auto single = dev.create_ticket("s", "b", {{"Idempotency-Key", key}});
  REQUIRE_STATUS(single, 201);
  const auto r = dev.http.post(
      "/v1/batch",
      R"({"items":[)" + batch_item(key, "POST", "/v1/tickets", R"({"subject":"s","body":"b"})") + "]}");
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(str_at(doc, "/results/0/outcome"), "duplicate");
  BOOST_CHECK_EQUAL(str_at(doc, "/results/0/body/id"), str_at(json(single), "/id"));
  BOOST_CHECK_EQUAL(ticket_count(dev), 1U);
}

BOOST_AUTO_TEST_CASE(failed_item_does_not_roll_back_the_others) {
  Device dev(shared_server());
  const std::string body =
      R"({"items":[)" + batch_item("a", "POST", "/v1/tickets", R"({"subject":"one","body":"b"})") + "," +
      batch_item("b", "POST", "/v1/tickets/no-such-ticket/messages", R"({"body":"x"})") + "," +
      batch_item("c", "POST", "/v1/tickets", R"({"subject":"three","body":"b"})") + "]}";
  const auto r = dev.http.post("/v1/batch", body);
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(str_at(doc, "/results/0/outcome"), "ok");
  BOOST_CHECK_EQUAL(str_at(doc, "/results/1/outcome"), "error");
  BOOST_CHECK_EQUAL(int_at(doc, "/results/1/status"), 404);
  BOOST_CHECK_EQUAL(str_at(doc, "/results/1/error/code"), "not_found");
  const auto *retryable = hlt::at(doc, "/results/1/retryable");
  BOOST_CHECK(retryable != nullptr && retryable->IsBool() && !retryable->GetBool());
  BOOST_CHECK_EQUAL(str_at(doc, "/results/2/outcome"), "ok");
  BOOST_CHECK_EQUAL(ticket_count(dev), 2U);
}

BOOST_AUTO_TEST_CASE(failed_item_key_is_not_recorded) {
  Device dev(shared_server());
  const std::string ticket = unique("bl");
  const std::string msg = R"({"items":[)" +
                          batch_item("m", "POST", "/v1/tickets/" + ticket + "/messages", R"({"body":"x"})") +
                          "]}";
  REQUIRE_STATUS(dev.http.post("/v1/batch", msg), 200);
  REQUIRE_STATUS(dev.http.post("/v1/tickets", R"({"id":)" + q(ticket) + R"(,"subject":"s","body":"b"})"),
                 201);
  const auto r = dev.http.post("/v1/batch", msg);
  REQUIRE_STATUS(r, 200);
  BOOST_CHECK_EQUAL(str_at(json(r), "/results/0/outcome"), "ok");
}

BOOST_AUTO_TEST_CASE(disallowed_item_paths_fail_with_item_error_400) {
  Device dev(shared_server());
  const std::string body = R"({"items":[)" + batch_item("g", "GET", "/v1/tickets", "{}") + "," +
                           batch_item("n", "POST", "/v1/batch", R"({"items":[]})") + "," +
                           batch_item("d", "POST", "/v1/diagnostics/batch", R"({"items":[]})") + "," +
                           batch_item("ag", "POST", "/v1/agent/login", R"({"email":"a","password":"b"})") +
                           "]}";
  const auto r = dev.http.post("/v1/batch", body);
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_REQUIRE_EQUAL(size_at(doc, "/results"), 4U);
  for (int i = 0; i < 4; ++i) {
    const std::string base = "/results/" + std::to_string(i);
    BOOST_CHECK_EQUAL(str_at(doc, (base + "/outcome").c_str()), "error");
    BOOST_CHECK_EQUAL(int_at(doc, (base + "/status").c_str()), 400);
  }
}

BOOST_AUTO_TEST_CASE(batch_ignores_the_request_level_idempotency_key) {
  Device dev(shared_server());
  const hlt::Headers key{{"Idempotency-Key", unique("envelope-")}};
  const auto a = dev.http.post(
      "/v1/batch",
      R"({"items":[)" + batch_item("e1", "POST", "/v1/tickets", R"({"subject":"a","body":"b"})") + "]}", key);
  const auto b = dev.http.post(
      "/v1/batch",
      R"({"items":[)" + batch_item("e2", "POST", "/v1/tickets", R"({"subject":"c","body":"d"})") + "]}", key);
  CHECK_STATUS(a, 200);
  CHECK_STATUS(b, 200);
  BOOST_CHECK_EQUAL(str_at(json(b), "/results/0/outcome"), "ok");
  BOOST_CHECK_EQUAL(ticket_count(dev), 2U);
}

BOOST_AUTO_TEST_CASE(batch_carries_every_kind_of_outbox_write) {
  Device dev(shared_server());
  const std::string sub = unique("u-");
  dev.new_ticket("anonymous before identify");
  dev.sign_in(sub);
  const std::string ticket = unique("bk");
  const std::string body =
      R"({"items":[)" + batch_item("i1", "POST", "/v1/identify", "{}") + "," +
      batch_item("i2", "PUT", "/v1/device", R"({"model":"X100","locale":"de-DE"})") + "," +
      batch_item("i3", "POST", "/v1/tickets", R"({"id":)" + q(ticket) + R"(,"subject":"s","body":"b"})") +
      "," + batch_item("i4", "POST", "/v1/tickets/" + ticket + "/messages", R"({"body":"m"})") + "," +
      batch_item("i5", "PATCH", "/v1/tickets/" + ticket, R"({"status":"solved"})") + "," +
      batch_item("i6", "POST", "/v1/surveys", R"({"kind":"csat","score":4,"ticket_id":)" + q(ticket) + "}") +
      "]}";
  const auto r = dev.http.post("/v1/batch", body);
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_REQUIRE_EQUAL(size_at(doc, "/results"), 6U);
  for (int i = 0; i < 6; ++i) {
    const std::string base = "/results/" + std::to_string(i);
    BOOST_CHECK_MESSAGE(str_at(doc, (base + "/outcome").c_str()) == "ok",
                        "item " << i << ": " << r.body.substr(0, 3000));
  }
  BOOST_CHECK_EQUAL(int_at(doc, "/results/0/body/merged_tickets"), 1);
  BOOST_CHECK_EQUAL(str_at(json(dev.http.get("/v1/tickets/" + ticket)), "/status"), "solved");
  BOOST_CHECK_EQUAL(str_at(json(dev.http.get("/v1/device")), "/model"), "X100");
}

BOOST_AUTO_TEST_CASE(batch_envelope_without_credentials_fails_whole_with_401) {
  hlt::HttpClient http(shared_server().base_url());
  http.set_default_header("X-Helpline-App-Key", hlt::kAppKey);
  CHECK_ERROR(http.post("/v1/batch",
                        R"({"items":[)" +
                            batch_item("z", "POST", "/v1/tickets", R"({"subject":"s","body":"b"})") + "]}"),
              401, "unauthenticated");
}

BOOST_AUTO_TEST_CASE(batch_without_items_is_400_invalid_request) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.post("/v1/batch", R"({"items":[]})"), 400, "invalid_request");
}

BOOST_AUTO_TEST_CASE(batch_item_reusing_a_key_with_a_different_body_is_a_non_retryable_409) {
  Device dev(shared_server());
  REQUIRE_STATUS(
      dev.http.post(
          "/v1/batch",
          R"({"items":[)" + batch_item("kc", "POST", "/v1/tickets", R"({"subject":"a","body":"b"})") + "]}"),
      200);
  const auto r = dev.http.post(
      "/v1/batch", R"({"items":[)" +
                       batch_item("kc", "POST", "/v1/tickets", R"({"subject":"CHANGED","body":"b"})") + "]}");
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(str_at(doc, "/results/0/outcome"), "error");
  BOOST_CHECK_EQUAL(int_at(doc, "/results/0/status"), 409);
  BOOST_CHECK_EQUAL(str_at(doc, "/results/0/error/code"), "idempotency_conflict");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(diagnostics)

BOOST_AUTO_TEST_CASE(batch_ingest_accepts_every_valid_item) {
  Device dev(shared_server());
  const auto r = dev.http.post("/v1/diagnostics/batch",
                               R"({"items":[)" + diag_item("d1") + "," + diag_item("d2", "breadcrumb") + "," +
                                   diag_item("d3", "metric", R"(,"value":42.5)") + "]}");
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(int_at(doc, "/accepted"), 3);
  BOOST_CHECK_EQUAL(int_at(doc, "/duplicates"), 0);
  BOOST_CHECK_EQUAL(int_at(doc, "/rejected"), 0);
  BOOST_CHECK_EQUAL(size_at(doc, "/results"), 3U);
}

BOOST_AUTO_TEST_CASE(resent_items_are_counted_as_duplicates) {
  Device dev(shared_server());
  const std::string body = R"({"items":[)" + diag_item("r1") + "," + diag_item("r2") + "]}";
  REQUIRE_STATUS(dev.http.post("/v1/diagnostics/batch", body), 200);
  const auto r = dev.http.post("/v1/diagnostics/batch", body);
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(int_at(doc, "/accepted"), 0);
  BOOST_CHECK_EQUAL(int_at(doc, "/duplicates"), 2);
  BOOST_CHECK_EQUAL(str_at(doc, "/results/0/outcome"), "duplicate");
}

BOOST_AUTO_TEST_CASE(invalid_item_is_rejected_alone_in_order) {
  Device dev(shared_server());
  const auto r = dev.http.post(
      "/v1/diagnostics/batch",
      R"({"items":[)" + diag_item("v1") + "," + diag_item("v2", "not-a-kind") + "," + diag_item("v3") + "]}");
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(int_at(doc, "/accepted"), 2);
  BOOST_CHECK_EQUAL(int_at(doc, "/rejected"), 1);
  BOOST_CHECK_EQUAL(str_at(doc, "/results/1/idempotency_key"), "v2");
  BOOST_CHECK_EQUAL(str_at(doc, "/results/1/outcome"), "error");
  BOOST_CHECK_EQUAL(str_at(doc, "/results/1/error/code"), "invalid_request");
  BOOST_CHECK_EQUAL(str_at(doc, "/results/2/outcome"), "ok");
}

BOOST_AUTO_TEST_CASE(items_breaking_field_limits_are_rejected_individually) {
  Device dev(shared_server());
  const std::string big_attrs =
      R"({"idempotency_key":"ba","kind":"event","name":"n","ts":1700000000000,"attributes":{"blob":")" +
      std::string(70 * 1024, 'a') + "\"}}";
  const std::string long_message =
      R"({"idempotency_key":"lm","kind":"log","name":"n","ts":1700000000000,"message":)" +
      q(std::string(4001, 'm')) + "}";
  const std::string no_ts = R"({"idempotency_key":"nt","kind":"event","name":"n"})";
  const auto r = dev.http.post("/v1/diagnostics/batch", R"({"items":[)" + big_attrs + "," + long_message +
                                                            "," + no_ts + "," + diag_item("fine") + "]}");
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(int_at(doc, "/accepted"), 1);
  BOOST_CHECK_EQUAL(int_at(doc, "/rejected"), 3);
  for (int i = 0; i < 3; ++i) {
    BOOST_CHECK_EQUAL(str_at(doc, ("/results/" + std::to_string(i) + "/error/code").c_str()),
                      "invalid_request");
  }
}

BOOST_AUTO_TEST_CASE(item_with_another_principals_ticket_id_fails_not_found) {
  Device owner(shared_server());
  const std::string ticket = owner.new_ticket();
  Device dev(shared_server());
  const auto r =
      dev.http.post("/v1/diagnostics/batch",
                    R"({"items":[)" + diag_item("t1", "event", R"(,"ticket_id":)" + q(ticket)) + "]}");
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(str_at(doc, "/results/0/outcome"), "error");
  BOOST_CHECK_EQUAL(str_at(doc, "/results/0/error/code"), "not_found");
}

BOOST_AUTO_TEST_CASE(gzip_diagnostics_batch_is_ingested) {
  Device dev(shared_server());
  std::string items;
  for (int i = 0; i < 200; ++i) items += (i ? "," : "") + diag_item("gz" + std::to_string(i));
  hlt::Request req;
  req.method = "POST";
  req.path = "/v1/diagnostics/batch";
  req.body = R"({"items":[)" + items + "]}";
  req.gzip = true;
  const auto r = dev.http.send(req);
  REQUIRE_STATUS(r, 200);
  BOOST_CHECK_EQUAL(int_at(json(r), "/accepted"), 200);
}

BOOST_AUTO_TEST_CASE(diagnostics_batch_ignores_the_request_level_idempotency_key) {
  Device dev(shared_server());
  const hlt::Headers key{{"Idempotency-Key", unique("denv-")}};
  REQUIRE_STATUS(dev.http.post("/v1/diagnostics/batch", R"({"items":[)" + diag_item("x1") + "]}", key), 200);
  const auto r = dev.http.post("/v1/diagnostics/batch", R"({"items":[)" + diag_item("x2") + "]}", key);
  REQUIRE_STATUS(r, 200);
  BOOST_CHECK_EQUAL(int_at(json(r), "/accepted"), 1);
}

BOOST_AUTO_TEST_CASE(concurrent_identical_batches_insert_each_event_once) {
  Device probe(shared_server());
  std::string items;
  for (int i = 0; i < 200; ++i) items += (i ? "," : "") + diag_item("cc" + std::to_string(i));
  const std::string body = R"({"items":[)" + items + "]}";
  std::vector<long long> accepted(4, -1);
  std::vector<long long> duplicates(4, -1);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < accepted.size(); ++t) {
    threads.emplace_back([&, t] {
      Device dev(shared_server(), hlt::kAppKey, probe.id);
      const auto r = dev.http.post("/v1/diagnostics/batch", body);
      if (r.status != 200) return;
      rapidjson::Document doc;
      doc.Parse(r.body.c_str());
      accepted[t] = int_at(doc, "/accepted");
      duplicates[t] = int_at(doc, "/duplicates");
    });
  }
  for (auto &t : threads) t.join();
  long long total_accepted = 0;
  long long total_duplicates = 0;
  for (std::size_t t = 0; t < accepted.size(); ++t) {
    BOOST_CHECK_GE(accepted[t], 0);
    total_accepted += accepted[t];
    total_duplicates += duplicates[t];
  }
  BOOST_CHECK_EQUAL(total_accepted, 200);
  BOOST_CHECK_EQUAL(total_duplicates, 600);
}

BOOST_AUTO_TEST_CASE(same_diagnostics_key_from_another_device_is_accepted) {
  Device a(shared_server());
  Device b(shared_server());
  const std::string body = R"({"items":[)" + diag_item("same-key") + "]}";
  REQUIRE_STATUS(a.http.post("/v1/diagnostics/batch", body), 200);
  const auto r = b.http.post("/v1/diagnostics/batch", body);
  REQUIRE_STATUS(r, 200);
  BOOST_CHECK_EQUAL(int_at(json(r), "/accepted"), 1);
}

BOOST_AUTO_TEST_SUITE_END()
