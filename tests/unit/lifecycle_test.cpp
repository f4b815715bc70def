// Lifecycle of one instance: open, the one worker thread, flush, close (bounded, twice, on a
// closed handle), the data_dir lock, stats, status names and the version.
#define BOOST_TEST_MODULE helpline_lifecycle
#include <boost/test/unit_test.hpp>

#include <rapidjson/document.h>

#include <chrono>
#include <cstring>
#include <set>
#include <string>
#include <thread>

#include "helpline/testing/process.hpp"
#include "helpline/testing/sdk.hpp"
#include "helpline/testing/temp_dir.hpp"
#include "store/schema.hpp"

using namespace helpline::testing;
using Clock = std::chrono::steady_clock;

namespace {

helpline_t *must_open(const std::string &dir) {
  helpline_t *h = nullptr;
  helpline_status_t s = open_dir(dir, &h);
  if (s != HELPLINE_OK) throw std::runtime_error(std::string("open failed: ") + helpline_status_str(s));
  return h;
}

std::string stats_of(helpline_t *h) {
  char *json = nullptr;
  if (helpline_stats_json(h, &json) != HELPLINE_OK) throw std::runtime_error("stats failed: " + last_error());
  std::string s(json);
  helpline_free(json);
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(open_and_close)

BOOST_AUTO_TEST_CASE(open_returns_ok_and_a_handle) {
  TempDir tmp;
  helpline_t *h = nullptr;
  BOOST_TEST(open_dir(tmp.sub("data"), &h) == HELPLINE_OK);
  BOOST_TEST(h != nullptr);
  BOOST_TEST(helpline_close(h, 1000) == HELPLINE_OK);
}

BOOST_AUTO_TEST_CASE(exactly_one_extra_thread_runs_while_open) {
  TempDir tmp;
  const int before = count_threads();
  helpline_t *h = must_open(tmp.sub("data"));
  BOOST_TEST(count_threads() == before + 1);
  BOOST_TEST(helpline_close(h, 1000) == HELPLINE_OK);
  BOOST_TEST(count_threads() == before);
}

BOOST_AUTO_TEST_CASE(flush_on_an_idle_instance_returns_ok) {
  TempDir tmp;
  helpline_t *h = must_open(tmp.sub("data"));
  BOOST_TEST(helpline_flush(h, 2000) == HELPLINE_OK);
  helpline_close(h, 1000);
}

// Nothing was accepted, so nothing is left to wait for: a zero timeout must not report TIMEOUT.
BOOST_AUTO_TEST_CASE(flush_with_zero_timeout_on_an_idle_instance_returns_ok) {
  TempDir tmp;
  helpline_t *h = must_open(tmp.sub("data"));
  BOOST_REQUIRE(helpline_flush(h, 2000) == HELPLINE_OK);
  int timeouts = 0;
  for (int round = 0; round < 20; ++round) timeouts += helpline_flush(h, 0) == HELPLINE_E_TIMEOUT ? 1 : 0;
  BOOST_TEST(timeouts == 0, timeouts << " of 20 zero-timeout flushes returned HELPLINE_E_TIMEOUT");
  helpline_close(h, 1000);
}

BOOST_AUTO_TEST_CASE(close_returns_ok_on_an_idle_instance) {
  TempDir tmp;
  helpline_t *h = must_open(tmp.sub("data"));
  BOOST_TEST(helpline_close(h, 2000) == HELPLINE_OK);
}

// Nothing is queued, so there is nothing a zero timeout could leave behind: OK, not TIMEOUT
// (whose documented meaning is "closed anyway, with data left queued on disk").
BOOST_AUTO_TEST_CASE(close_with_zero_timeout_on_an_idle_instance_returns_ok) {
  TempDir tmp;
  // Several rounds: the outcome must not depend on how fast the worker gets scheduled.
  for (int round = 0; round < 20; ++round) {
    helpline_t *h = must_open(tmp.sub("data"));
    BOOST_REQUIRE(helpline_flush(h, 2000) == HELPLINE_OK);  // the OPENED event etc. are done
    helpline_status_t s = helpline_close(h, 0);
    BOOST_TEST(s == HELPLINE_OK, "round " << round << ": got " << helpline_status_str(s));
    BOOST_TEST(helpline_flush(h, 0) == HELPLINE_E_CLOSED);  // closed either way
  }
}

BOOST_AUTO_TEST_CASE(close_is_bounded_by_its_timeout_on_an_idle_instance) {
  TempDir tmp;
  helpline_t *h = must_open(tmp.sub("data"));
  auto t0 = Clock::now();
  helpline_close(h, 200);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
  BOOST_TEST(ms < 1500, "close took " << ms << " ms");
}

BOOST_AUTO_TEST_CASE(close_returns_timeout_when_the_worker_is_busy_past_the_deadline) {
  TempDir tmp;
  struct Slow {
    static void cb(void *, helpline_event_type_t type, const char *) {
      if (type == HELPLINE_EVENT_OPENED) std::this_thread::sleep_for(std::chrono::milliseconds(600));
    }
  };
  helpline_options_t *o = options_for(tmp.sub("data"));
  helpline_options_set_event_callback(o, Slow::cb, nullptr);
  helpline_t *h = nullptr;
  BOOST_REQUIRE(helpline_open(o, &h) == HELPLINE_OK);
  auto t0 = Clock::now();
  helpline_status_t s = helpline_close(h, 50);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
  BOOST_TEST(s == HELPLINE_E_TIMEOUT, "got " << helpline_status_str(s));
  // The callback in progress has to finish (the worker is joined), nothing more.
  BOOST_TEST(ms < 3000, "close took " << ms << " ms");
  BOOST_TEST(helpline_flush(h, 0) == HELPLINE_E_CLOSED, "closed anyway");
}

BOOST_AUTO_TEST_CASE(close_twice_returns_closed_the_second_time) {
  TempDir tmp;
  helpline_t *h = must_open(tmp.sub("data"));
  BOOST_TEST(helpline_close(h, 1000) == HELPLINE_OK);
  BOOST_TEST(helpline_close(h, 1000) == HELPLINE_E_CLOSED);
}

BOOST_AUTO_TEST_CASE(calls_on_a_closed_handle_return_closed) {
  TempDir tmp;
  helpline_t *h = must_open(tmp.sub("data"));
  BOOST_REQUIRE(helpline_close(h, 1000) == HELPLINE_OK);
  BOOST_TEST(helpline_flush(h, 100) == HELPLINE_E_CLOSED);
  BOOST_TEST(helpline_dispatch(h, 0) == HELPLINE_E_CLOSED);
  char *json = nullptr;
  BOOST_TEST(helpline_stats_json(h, &json) == HELPLINE_E_CLOSED);
  BOOST_TEST(json == nullptr);
  BOOST_TEST(last_error().find("closed") != std::string::npos, last_error());
}

BOOST_AUTO_TEST_CASE(a_closed_handle_never_reaches_a_later_instance) {
  TempDir tmp;
  helpline_t *old = must_open(tmp.sub("data"));
  BOOST_REQUIRE(helpline_close(old, 1000) == HELPLINE_OK);
  helpline_t *h = must_open(tmp.sub("data"));
  BOOST_TEST(h != old, "handles are never reused");
  BOOST_TEST(helpline_flush(old, 100) == HELPLINE_E_CLOSED);
  BOOST_TEST(helpline_flush(h, 1000) == HELPLINE_OK);
  helpline_close(h, 1000);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(data_dir_lock)

BOOST_AUTO_TEST_CASE(second_instance_on_the_same_data_dir_is_refused_with_locked) {
  TempDir tmp;
  helpline_t *first = must_open(tmp.sub("data"));
  helpline_t *second = nullptr;
  BOOST_TEST(open_dir(tmp.sub("data"), &second) == HELPLINE_E_LOCKED);
  BOOST_TEST(second == nullptr);
  BOOST_TEST(last_error().find("in use") != std::string::npos, last_error());
  helpline_close(first, 1000);
}

BOOST_AUTO_TEST_CASE(same_data_dir_spelled_with_a_trailing_slash_is_still_locked) {
  TempDir tmp;
  helpline_t *first = must_open(tmp.sub("data"));
  helpline_t *second = nullptr;
  BOOST_TEST(open_dir(tmp.sub("data/"), &second) == HELPLINE_E_LOCKED);
  helpline_close(first, 1000);
}

BOOST_AUTO_TEST_CASE(first_instance_keeps_working_after_a_refused_second) {
  TempDir tmp;
  helpline_t *first = must_open(tmp.sub("data"));
  helpline_t *second = nullptr;
  BOOST_REQUIRE(open_dir(tmp.sub("data"), &second) == HELPLINE_E_LOCKED);
  BOOST_TEST(helpline_flush(first, 2000) == HELPLINE_OK);
  BOOST_TEST(!stats_of(first).empty());
  BOOST_TEST(helpline_close(first, 1000) == HELPLINE_OK);
}

BOOST_AUTO_TEST_CASE(data_dir_opens_again_after_close) {
  TempDir tmp;
  helpline_t *first = must_open(tmp.sub("data"));
  BOOST_REQUIRE(helpline_close(first, 1000) == HELPLINE_OK);
  helpline_t *again = nullptr;
  BOOST_TEST(open_dir(tmp.sub("data"), &again) == HELPLINE_OK);
  BOOST_TEST(helpline_close(again, 1000) == HELPLINE_OK);
}

BOOST_AUTO_TEST_CASE(refused_open_starts_no_thread) {
  TempDir tmp;
  helpline_t *first = must_open(tmp.sub("data"));
  const int threads = count_threads();
  helpline_t *second = nullptr;
  BOOST_REQUIRE(open_dir(tmp.sub("data"), &second) == HELPLINE_E_LOCKED);
  BOOST_TEST(count_threads() == threads);
  helpline_close(first, 1000);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(stats)

BOOST_AUTO_TEST_CASE(stats_json_parses_and_has_the_documented_fields) {
  TempDir tmp;
  helpline_t *h = must_open(tmp.sub("data"));
  const std::string json = stats_of(h);
  helpline_close(h, 1000);

  rapidjson::Document doc;
  doc.Parse(json.c_str());
  BOOST_REQUIRE_MESSAGE(!doc.HasParseError() && doc.IsObject(), json);
  BOOST_REQUIRE(doc.HasMember("sdk_version") && doc["sdk_version"].IsString());
  BOOST_TEST(std::string(doc["sdk_version"].GetString()) == HELPLINE_VERSION_STRING);
  BOOST_REQUIRE(doc.HasMember("data_dir") && doc["data_dir"].IsString());
  BOOST_TEST(std::string(doc["data_dir"].GetString()) == tmp.sub("data"));
  BOOST_REQUIRE(doc.HasMember("schema_version") && doc["schema_version"].IsInt());
  BOOST_TEST(doc["schema_version"].GetInt() == helpline::detail::kSchemaVersion);
  for (const char *counter : {"outbox_depth", "in_flight", "delivered", "retries", "dropped", "dead_lettered",
                              "events_pending", "events_delivered", "events_lost"}) {
    BOOST_TEST_CONTEXT(counter) {
      BOOST_REQUIRE(doc.HasMember(counter));
      BOOST_TEST(doc[counter].IsUint64());
    }
  }
  BOOST_REQUIRE(doc.HasMember("last_error"));
  BOOST_TEST((doc["last_error"].IsNull() || doc["last_error"].IsString()));
  BOOST_REQUIRE(doc.HasMember("last_success_at"));
  BOOST_TEST((doc["last_success_at"].IsNull() || doc["last_success_at"].IsNumber()));
}

BOOST_AUTO_TEST_CASE(stats_json_of_a_fresh_instance_has_empty_outbox) {
  TempDir tmp;
  helpline_t *h = must_open(tmp.sub("data"));
  rapidjson::Document doc;
  doc.Parse(stats_of(h).c_str());
  helpline_close(h, 1000);
  BOOST_REQUIRE(doc.IsObject());
  BOOST_TEST(doc["outbox_depth"].GetUint64() == 0u);
  BOOST_TEST(doc["events_lost"].GetUint64() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(status_and_version)

BOOST_AUTO_TEST_CASE(status_str_names_every_code) {
  const std::pair<helpline_status_t, const char *> codes[] = {
      {HELPLINE_OK, "HELPLINE_OK"},
      {HELPLINE_E_INVALID_ARGUMENT, "HELPLINE_E_INVALID_ARGUMENT"},
      {HELPLINE_E_INVALID_UTF8, "HELPLINE_E_INVALID_UTF8"},
      {HELPLINE_E_TOO_LARGE, "HELPLINE_E_TOO_LARGE"},
      {HELPLINE_E_NO_MEMORY, "HELPLINE_E_NO_MEMORY"},
      {HELPLINE_E_IO, "HELPLINE_E_IO"},
      {HELPLINE_E_STORE, "HELPLINE_E_STORE"},
      {HELPLINE_E_INCOMPATIBLE_STORE, "HELPLINE_E_INCOMPATIBLE_STORE"},
      {HELPLINE_E_LOCKED, "HELPLINE_E_LOCKED"},
      {HELPLINE_E_CLOSED, "HELPLINE_E_CLOSED"},
      {HELPLINE_E_TIMEOUT, "HELPLINE_E_TIMEOUT"},
      {HELPLINE_E_NOT_FOUND, "HELPLINE_E_NOT_FOUND"},
      {HELPLINE_E_NETWORK, "HELPLINE_E_NETWORK"},
      {HELPLINE_E_SERVER, "HELPLINE_E_SERVER"},
      {HELPLINE_E_DISK_FULL, "HELPLINE_E_DISK_FULL"},
      {HELPLINE_E_NO_CONSENT, "HELPLINE_E_NO_CONSENT"},
      {HELPLINE_E_INVALID_STATE, "HELPLINE_E_INVALID_STATE"},
      {HELPLINE_E_INVALID_JSON, "HELPLINE_E_INVALID_JSON"},
      {HELPLINE_E_INTERNAL, "HELPLINE_E_INTERNAL"},
  };
  for (const auto &c : codes) BOOST_TEST(std::string(helpline_status_str(c.first)) == c.second);
}

BOOST_AUTO_TEST_CASE(status_str_of_an_unknown_code_is_unknown) {
  // -19: the first code after the last one (-18, HELPLINE_E_BUSY, which this list once held by mistake).
  for (helpline_status_t s : {1, -19, -98, -100, INT32_MIN, INT32_MAX}) {
    BOOST_TEST(std::string(helpline_status_str(s)) == "HELPLINE_E_UNKNOWN", "status " << s);
  }
}

BOOST_AUTO_TEST_CASE(runtime_version_matches_the_header) {
  BOOST_TEST(helpline_version() == static_cast<uint32_t>(HELPLINE_VERSION_NUMBER));
  BOOST_TEST(std::string(helpline_version_string()) == HELPLINE_VERSION_STRING);
}

BOOST_AUTO_TEST_CASE(version_number_encodes_major_minor_patch) {
  BOOST_TEST((helpline_version() >> 16) == static_cast<uint32_t>(HELPLINE_VERSION_MAJOR));
  BOOST_TEST(((helpline_version() >> 8) & 0xff) == static_cast<uint32_t>(HELPLINE_VERSION_MINOR));
  BOOST_TEST((helpline_version() & 0xff) == static_cast<uint32_t>(HELPLINE_VERSION_PATCH));
}

BOOST_AUTO_TEST_CASE(last_error_is_per_thread) {
  BOOST_REQUIRE(helpline_flush(nullptr, 0) == HELPLINE_E_INVALID_ARGUMENT);
  std::string other;
  std::thread([&] { other = helpline_last_error(nullptr); }).join();
  BOOST_TEST(other.empty(), "another thread must not see this thread's error: " << other);
  BOOST_TEST(!last_error().empty());
}

BOOST_AUTO_TEST_SUITE_END()
