// Events and logs: where callbacks run (worker vs helpline_dispatch), max_events, the bounded
// dispatch queue, close from inside a callback, and log levels.
#define BOOST_TEST_MODULE helpline_events
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <rapidjson/document.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "helpline/testing/events.hpp"
#include "helpline/testing/files.hpp"
#include "helpline/testing/sdk.hpp"
#include "helpline/testing/temp_dir.hpp"

using namespace helpline::testing;

namespace {

// Makes the next open of `dir` move a garbage store aside, so it emits two events
// (STORE_RECOVERED, then OPENED).
void plant_garbage_store(const std::string &dir) {
  ::mkdir(dir.c_str(), 0700);
  write_file(dir + "/helpline.db", garbage_bytes(4096));
}

helpline_t *open_dispatch(const std::string &dir, EventRecorder &rec, uint32_t capacity = 64) {
  helpline_options_t *o = options_for(dir);
  helpline_options_set_event_callback(o, EventRecorder::callback, &rec);
  helpline_options_set_event_delivery(o, HELPLINE_DELIVERY_DISPATCH, capacity);
  helpline_t *h = nullptr;
  if (helpline_open(o, &h) != HELPLINE_OK) throw std::runtime_error("open failed: " + last_error());
  return h;
}

helpline_t *open_worker(const std::string &dir, helpline_event_cb cb, void *user) {
  helpline_options_t *o = options_for(dir);
  helpline_options_set_event_callback(o, cb, user);
  helpline_t *h = nullptr;
  if (helpline_open(o, &h) != HELPLINE_OK) throw std::runtime_error("open failed: " + last_error());
  return h;
}

// A callback that tries helpline_close on its own instance and records the status.
struct CloseFromCallback {
  std::atomic<helpline_t *> handle{nullptr};
  std::atomic<int> status{1};  // 1 = callback did not run
  std::atomic<bool> done{false};

  static void cb(void *user, helpline_event_type_t type, const char *) {
    auto *self = static_cast<CloseFromCallback *>(user);
    if (type != HELPLINE_EVENT_OPENED) return;
    // In worker mode this can run before helpline_open has returned the handle.
    for (int i = 0; i < 5000 && self->handle.load() == nullptr; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    self->status = helpline_close(self->handle.load(), 100);
    self->done = true;
  }
  bool wait_done() const {
    for (int i = 0; i < 5000 && !done.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return done.load();
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(dispatch_delivery)

BOOST_AUTO_TEST_CASE(dispatch_delivers_on_the_calling_thread) {
  TempDir tmp;
  EventRecorder rec;
  helpline_t *h = open_dispatch(tmp.sub("data"), rec);
  BOOST_TEST(helpline_dispatch(h, 0) == 1);  // OPENED
  auto events = rec.events();
  BOOST_REQUIRE_EQUAL(events.size(), 1u);
  BOOST_TEST(events[0].type == HELPLINE_EVENT_OPENED);
  BOOST_TEST((events[0].thread == std::this_thread::get_id()));
  helpline_close(h, 1000);
}

BOOST_AUTO_TEST_CASE(dispatch_mode_delivers_nothing_until_dispatch_is_called) {
  TempDir tmp;
  EventRecorder rec;
  helpline_t *h = open_dispatch(tmp.sub("data"), rec);
  BOOST_TEST(helpline_flush(h, 2000) == HELPLINE_OK);
  BOOST_TEST(rec.events().empty());
  helpline_close(h, 1000);
}

BOOST_AUTO_TEST_CASE(opened_event_carries_data_dir_and_schema_version) {
  TempDir tmp;
  EventRecorder rec;
  helpline_t *h = open_dispatch(tmp.sub("data"), rec);
  helpline_dispatch(h, 0);
  helpline_close(h, 1000);
  EventRecorder::Event ev;
  BOOST_REQUIRE(rec.wait_for(HELPLINE_EVENT_OPENED, ev, std::chrono::milliseconds(0)));
  rapidjson::Document doc;
  doc.Parse(ev.json.c_str());
  BOOST_REQUIRE_MESSAGE(doc.IsObject(), ev.json);
  BOOST_TEST(std::string(doc["data_dir"].GetString()) == tmp.sub("data"));
  BOOST_TEST(doc["schema_version"].GetInt() >= 1);
}

BOOST_AUTO_TEST_CASE(dispatch_honours_max_events) {
  TempDir tmp;
  plant_garbage_store(tmp.sub("data"));
  EventRecorder rec;
  helpline_t *h = open_dispatch(tmp.sub("data"), rec);
  BOOST_TEST(helpline_dispatch(h, 1) == 1);
  BOOST_TEST(rec.events().size() == 1u);
  BOOST_TEST(helpline_dispatch(h, 1) == 1);
  BOOST_TEST(helpline_dispatch(h, 1) == 0);
  auto events = rec.events();
  BOOST_REQUIRE_EQUAL(events.size(), 2u);
  BOOST_TEST(events[0].type == HELPLINE_EVENT_STORE_RECOVERED);
  BOOST_TEST(events[1].type == HELPLINE_EVENT_OPENED);
  helpline_close(h, 1000);
}

BOOST_AUTO_TEST_CASE(dispatch_with_zero_or_negative_max_delivers_everything) {
  TempDir tmp;
  plant_garbage_store(tmp.sub("data"));
  EventRecorder rec;
  helpline_t *h = open_dispatch(tmp.sub("data"), rec);
  BOOST_TEST(helpline_dispatch(h, -1) == 2);
  BOOST_TEST(helpline_dispatch(h, 0) == 0);
  helpline_close(h, 1000);
}

BOOST_AUTO_TEST_CASE(full_dispatch_queue_drops_the_oldest_and_reports_events_lost) {
  TempDir tmp;
  plant_garbage_store(tmp.sub("data"));
  EventRecorder rec;
  helpline_t *h = open_dispatch(tmp.sub("data"), rec, 1);  // room for one of the two events
  BOOST_TEST(helpline_dispatch(h, 0) == 2);
  auto events = rec.events();
  BOOST_REQUIRE_EQUAL(events.size(), 2u);
  BOOST_TEST(events[0].type == HELPLINE_EVENT_EVENTS_LOST);
  rapidjson::Document doc;
  doc.Parse(events[0].json.c_str());
  BOOST_REQUIRE_MESSAGE(doc.IsObject(), events[0].json);
  BOOST_TEST(doc["lost"].GetUint64() == 1u);
  BOOST_TEST(events[1].type == HELPLINE_EVENT_OPENED, "the newest event is kept, the oldest dropped");

  char *json = nullptr;
  BOOST_REQUIRE(helpline_stats_json(h, &json) == HELPLINE_OK);
  doc.Parse(json);
  helpline_free(json);
  BOOST_TEST(doc["events_lost"].GetUint64() == 1u);
  helpline_close(h, 1000);
}

BOOST_AUTO_TEST_CASE(dispatch_on_a_worker_delivery_instance_returns_zero) {
  TempDir tmp;
  EventRecorder rec;
  helpline_t *h = open_worker(tmp.sub("data"), EventRecorder::callback, &rec);
  BOOST_TEST(helpline_dispatch(h, 0) == 0);
  helpline_close(h, 1000);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(worker_delivery)

BOOST_AUTO_TEST_CASE(worker_mode_delivers_events_on_another_thread) {
  TempDir tmp;
  EventRecorder rec;
  helpline_t *h = open_worker(tmp.sub("data"), EventRecorder::callback, &rec);
  EventRecorder::Event ev;
  BOOST_REQUIRE(rec.wait_for(HELPLINE_EVENT_OPENED, ev));
  BOOST_TEST((ev.thread != std::this_thread::get_id()));
  helpline_close(h, 1000);
}

BOOST_AUTO_TEST_CASE(worker_mode_delivers_store_recovered_before_opened) {
  TempDir tmp;
  plant_garbage_store(tmp.sub("data"));
  EventRecorder rec;
  helpline_t *h = open_worker(tmp.sub("data"), EventRecorder::callback, &rec);
  BOOST_REQUIRE(helpline_flush(h, 2000) == HELPLINE_OK);
  auto events = rec.events();
  BOOST_REQUIRE_EQUAL(events.size(), 2u);
  BOOST_TEST(events[0].type == HELPLINE_EVENT_STORE_RECOVERED);
  BOOST_TEST(events[1].type == HELPLINE_EVENT_OPENED);
  helpline_close(h, 1000);
}

BOOST_AUTO_TEST_CASE(flush_waits_for_events_queued_before_it) {
  TempDir tmp;
  EventRecorder rec;
  helpline_t *h = open_worker(tmp.sub("data"), EventRecorder::callback, &rec);
  BOOST_REQUIRE(helpline_flush(h, 2000) == HELPLINE_OK);
  BOOST_TEST(rec.events().size() == 1u, "OPENED was queued before flush, so it ran before flush returned");
  helpline_close(h, 1000);
}

BOOST_AUTO_TEST_CASE(close_from_a_worker_event_callback_returns_invalid_state) {
  TempDir tmp;
  CloseFromCallback probe;
  helpline_t *h = open_worker(tmp.sub("data"), CloseFromCallback::cb, &probe);
  probe.handle = h;
  BOOST_REQUIRE(probe.wait_done());
  BOOST_TEST(probe.status.load() == HELPLINE_E_INVALID_STATE,
             "got " << helpline_status_str(probe.status.load()));
  BOOST_TEST(helpline_close(h, 1000) == HELPLINE_OK, "the instance is still open after the refused close");
}

BOOST_AUTO_TEST_CASE(flush_from_a_worker_event_callback_returns_invalid_state) {
  TempDir tmp;
  struct FlushProbe {
    std::atomic<helpline_t *> handle{nullptr};
    std::atomic<int> status{1};
    static void cb(void *user, helpline_event_type_t, const char *) {
      auto *self = static_cast<FlushProbe *>(user);
      for (int i = 0; i < 5000 && self->handle.load() == nullptr; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      self->status = helpline_flush(self->handle.load(), 100);
    }
  } probe;
  helpline_t *h = open_worker(tmp.sub("data"), FlushProbe::cb, &probe);
  probe.handle = h;
  BOOST_REQUIRE(helpline_flush(h, 10000) == HELPLINE_OK);
  BOOST_TEST(probe.status.load() == HELPLINE_E_INVALID_STATE,
             "got " << helpline_status_str(probe.status.load()));
  helpline_close(h, 1000);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(close_from_dispatch_callback)

// helpline.h: an event callback "must not call helpline_close() on the instance that called it
// (that returns HELPLINE_E_INVALID_STATE)" -- in dispatch mode the callback runs on the host
// thread inside helpline_dispatch, which is just as much "inside an event callback".
BOOST_AUTO_TEST_CASE(close_from_a_dispatched_event_callback_returns_invalid_state) {
  TempDir tmp;
  CloseFromCallback probe;
  helpline_options_t *o = options_for(tmp.sub("data"));
  helpline_options_set_event_callback(o, CloseFromCallback::cb, &probe);
  helpline_options_set_event_delivery(o, HELPLINE_DELIVERY_DISPATCH, 16);
  helpline_t *h = nullptr;
  BOOST_REQUIRE(helpline_open(o, &h) == HELPLINE_OK);
  probe.handle = h;
  helpline_dispatch(h, 0);
  BOOST_REQUIRE(probe.done.load());
  BOOST_TEST(probe.status.load() == HELPLINE_E_INVALID_STATE,
             "got " << helpline_status_str(probe.status.load()));
  helpline_close(h, 1000);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(logging)

BOOST_AUTO_TEST_CASE(log_callback_receives_info_lines_at_level_info) {
  TempDir tmp;
  LogRecorder logs;
  helpline_options_t *o = options_for(tmp.sub("data"));
  BOOST_REQUIRE(helpline_options_set_log_callback(o, LogRecorder::callback, &logs, HELPLINE_LOG_INFO) ==
                HELPLINE_OK);
  helpline_t *h = nullptr;
  BOOST_REQUIRE(helpline_open(o, &h) == HELPLINE_OK);
  helpline_close(h, 1000);
  auto lines = logs.lines();
  BOOST_REQUIRE(!lines.empty());
  bool saw_opened = false;
  for (const auto &l : lines) {
    BOOST_TEST(l.level >= HELPLINE_LOG_INFO, l.message);
    if (l.message.find("opened") != std::string::npos) saw_opened = true;
  }
  BOOST_TEST(saw_opened);
}

BOOST_AUTO_TEST_CASE(log_callback_receives_no_lines_below_its_level) {
  TempDir tmp;
  LogRecorder logs;
  helpline_options_t *o = options_for(tmp.sub("data"));
  helpline_options_set_log_callback(o, LogRecorder::callback, &logs, HELPLINE_LOG_WARN);
  helpline_t *h = nullptr;
  BOOST_REQUIRE(helpline_open(o, &h) == HELPLINE_OK);
  helpline_close(h, 1000);
  for (const auto &l : logs.lines()) BOOST_TEST(l.level >= HELPLINE_LOG_WARN, l.message);
  BOOST_TEST(logs.lines().empty(), "a clean open/close logs nothing at WARN");
}

BOOST_AUTO_TEST_CASE(store_recovery_is_logged_as_a_warning) {
  TempDir tmp;
  plant_garbage_store(tmp.sub("data"));
  LogRecorder logs;
  helpline_options_t *o = options_for(tmp.sub("data"));
  helpline_options_set_log_callback(o, LogRecorder::callback, &logs, HELPLINE_LOG_WARN);
  helpline_t *h = nullptr;
  BOOST_REQUIRE(helpline_open(o, &h) == HELPLINE_OK);
  helpline_close(h, 1000);
  bool warned = false;
  for (const auto &l : logs.lines()) {
    if (l.level == HELPLINE_LOG_WARN && l.message.find("moved aside") != std::string::npos) warned = true;
  }
  BOOST_TEST(warned);
}

BOOST_AUTO_TEST_CASE(log_level_off_silences_even_warnings) {
  TempDir tmp;
  plant_garbage_store(tmp.sub("data"));
  LogRecorder logs;
  helpline_options_t *o = options_for(tmp.sub("data"));
  helpline_options_set_log_callback(o, LogRecorder::callback, &logs, HELPLINE_LOG_OFF);
  helpline_t *h = nullptr;
  BOOST_REQUIRE(helpline_open(o, &h) == HELPLINE_OK);
  helpline_close(h, 1000);
  BOOST_TEST(logs.lines().empty());
}

BOOST_AUTO_TEST_SUITE_END()
