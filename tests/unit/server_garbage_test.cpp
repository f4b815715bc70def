// What the SDK does with bad server answers, through a scripted host transport (no network):
// garbage bodies, results that do not match the request, whole-batch refusals and 413. Nothing
// accepted may be lost or crash the host; refusals end in the dead-letter table with an event.
#define BOOST_TEST_MODULE helpline_server_garbage
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "helpline/testing/events.hpp"
#include "helpline/testing/files.hpp"
#include "helpline/testing/sdk.hpp"
#include "helpline/testing/temp_dir.hpp"

using namespace helpline::testing;

namespace {

enum class Mode { kGarbage, kOk, kWrongCount, kRefuse400, kTooLargeUnlessSingle };

// A scripted server: answers every request according to `mode`, counts requests.
struct ScriptedServer {
  std::atomic<Mode> mode{Mode::kOk};
  std::atomic<int> posts{0};
  std::atomic<int> largest_batch{0};

  static helpline_status_t transport(void *user, const helpline_http_request_t *req,
                                     helpline_http_response_t *res) {
    auto *self = static_cast<ScriptedServer *>(user);
    std::string method = req->method;
    if (method == "GET") {  // /v1/sync: nothing new
      helpline_http_response_set_status(res, 200);
      const char body[] = "{\"cursor\":\"1\",\"has_more\":false,\"items\":[]}";
      helpline_http_response_append_body(res, body, sizeof body - 1);
      return HELPLINE_OK;
    }
    if (std::string(req->url).find("/v1/batch") == std::string::npos) {  // e.g. PUT /v1/device: taken
      helpline_http_response_set_status(res, 200);
      helpline_http_response_append_body(res, "{}", 2);
      return HELPLINE_OK;
    }
    self->posts.fetch_add(1);
    rapidjson::Document request;
    request.Parse(static_cast<const char *>(req->body), req->body_len);
    const auto &items = request["items"];
    int count = static_cast<int>(items.Size());
    if (count > self->largest_batch.load()) self->largest_batch.store(count);
    std::string body;
    int status = 200;
    switch (self->mode.load()) {
      case Mode::kGarbage:
        body = std::string("\xff\xfe<html>not json", 17) + garbage_bytes(4096);
        break;
      case Mode::kRefuse400:
        status = 400;
        body = R"({"error":{"code":"invalid_request","message":"items: scripted refusal"}})";
        break;
      case Mode::kTooLargeUnlessSingle:
        if (count > 1) {
          status = 413;
          body = R"({"error":{"code":"payload_too_large","message":"scripted"}})";
          break;
        }
        [[fallthrough]];
      case Mode::kOk:
      case Mode::kWrongCount: {
        rapidjson::StringBuffer buf;
        rapidjson::Writer<rapidjson::StringBuffer> w(buf);
        w.StartObject();
        w.Key("results");
        w.StartArray();
        int answered = self->mode.load() == Mode::kWrongCount ? count - 1 : count;
        for (int i = 0; i < answered; ++i) {
          w.StartObject();
          w.Key("idempotency_key");
          w.String(items[static_cast<rapidjson::SizeType>(i)]["idempotency_key"].GetString());
          w.Key("outcome");
          w.String("ok");
          w.Key("status");
          w.Int(201);
          w.EndObject();
        }
        w.EndArray();
        w.EndObject();
        body.assign(buf.GetString(), buf.GetSize());
        break;
      }
    }
    helpline_http_response_set_status(res, status);
    helpline_http_response_append_body(res, body.data(), body.size());
    return HELPLINE_OK;
  }
};

struct Fixture {
  TempDir tmp;
  ScriptedServer server;
  EventRecorder events;
  helpline_t *h = nullptr;

  explicit Fixture(Mode mode) {
    server.mode = mode;
    helpline_options_t *o = options_for(tmp.sub("data"));
    helpline_options_set_endpoint(o, "http://127.0.0.1:9");
    helpline_options_set_app_key(o, "pk_test");
    helpline_options_set_transport(o, ScriptedServer::transport, &server);
    helpline_options_set_event_callback(o, EventRecorder::callback, &events);
    BOOST_REQUIRE(helpline_open(o, &h) == HELPLINE_OK);
  }
  ~Fixture() { helpline_close(h, 0); }

  int64_t stat(const char *name) {
    char *json = nullptr;
    BOOST_REQUIRE(helpline_stats_json(h, &json) == HELPLINE_OK);
    rapidjson::Document d;
    d.Parse(json);
    helpline_free(json);
    return d[name].IsInt64() ? d[name].GetInt64() : -1;
  }
  std::string last_error_stat() {
    char *json = nullptr;
    BOOST_REQUIRE(helpline_stats_json(h, &json) == HELPLINE_OK);
    rapidjson::Document d;
    d.Parse(json);
    helpline_free(json);
    return d["last_error"].IsString() ? d["last_error"].GetString() : "";
  }
  void submit(int n) {
    for (int i = 0; i < n; ++i)
      BOOST_REQUIRE(helpline_survey_submit(h, HELPLINE_SURVEY_NPS, 7, nullptr, nullptr) == 0);
  }
  bool wait_posts(int n) {
    for (int i = 0; i < 500 && server.posts.load() < n; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return server.posts.load() >= n;
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(a_garbage_body_keeps_the_items_and_reports_the_error) {
  Fixture f(Mode::kGarbage);
  f.submit(3);
  BOOST_REQUIRE(f.wait_posts(1));
  BOOST_TEST(helpline_flush(f.h, 300) == HELPLINE_E_TIMEOUT);  // not delivered: still queued
  BOOST_TEST(f.stat("outbox_depth") == 3);
  BOOST_TEST(f.stat("delivered") == 0);
  BOOST_TEST(f.stat("dead_lettered") == 0);
  BOOST_TEST(mentions(f.last_error_stat(), "malformed"), f.last_error_stat());
  // The server recovers: the same items go again (network on resets the backoff) and arrive.
  f.server.mode = Mode::kOk;
  BOOST_REQUIRE(helpline_set_network_available(f.h, 1) == HELPLINE_OK);
  BOOST_TEST(helpline_flush(f.h, 5000) == HELPLINE_OK);
  BOOST_TEST(f.stat("delivered") == 3);
  BOOST_TEST(f.stat("outbox_depth") == 0);
}

BOOST_AUTO_TEST_CASE(results_that_do_not_match_the_request_are_not_trusted) {
  Fixture f(Mode::kWrongCount);
  f.submit(3);
  BOOST_REQUIRE(f.wait_posts(1));
  BOOST_TEST(helpline_flush(f.h, 300) == HELPLINE_E_TIMEOUT);
  BOOST_TEST(f.stat("outbox_depth") == 3);  // none deleted on a partial answer
  BOOST_TEST(f.stat("delivered") == 0);
  f.server.mode = Mode::kOk;
  BOOST_REQUIRE(helpline_set_network_available(f.h, 1) == HELPLINE_OK);
  BOOST_TEST(helpline_flush(f.h, 5000) == HELPLINE_OK);
  BOOST_TEST(f.stat("delivered") == 3);
}

BOOST_AUTO_TEST_CASE(a_refused_batch_dead_letters_every_item_with_an_event) {
  Fixture f(Mode::kRefuse400);
  f.submit(2);
  BOOST_TEST(helpline_flush(f.h, 5000) == HELPLINE_OK);  // dead-lettered items are finished
  BOOST_TEST(f.stat("dead_lettered") == 2);
  BOOST_TEST(f.stat("outbox_depth") == 0);
  EventRecorder::Event ev;
  BOOST_REQUIRE(f.events.wait_for(HELPLINE_EVENT_DEAD_LETTER, ev));
  BOOST_TEST(mentions(ev.json, "invalid_request"), ev.json);
  BOOST_TEST(mentions(ev.json, "\"http_status\":400"), ev.json);
}

BOOST_AUTO_TEST_CASE(a_413_halves_the_batch_until_items_fit) {
  Fixture f(Mode::kTooLargeUnlessSingle);
  f.server.mode = Mode::kOk;  // hold back delivery until all four are queued together
  BOOST_REQUIRE(helpline_set_network_available(f.h, 0) == HELPLINE_OK);
  f.submit(4);
  f.server.mode = Mode::kTooLargeUnlessSingle;
  BOOST_REQUIRE(helpline_set_network_available(f.h, 1) == HELPLINE_OK);
  BOOST_TEST(helpline_flush(f.h, 5000) == HELPLINE_OK);
  BOOST_TEST(f.stat("delivered") == 4);
  BOOST_TEST(f.stat("dead_lettered") == 0);
  BOOST_TEST(f.server.largest_batch.load() == 4);  // it was tried whole first
  BOOST_TEST(f.server.posts.load() >= 4 + 2);      // 4 items, then 2, then 1 at a time
}
