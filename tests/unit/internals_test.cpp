// Internal building blocks: the UTF-8 validator, the Worker and the EventQueue.
#define BOOST_TEST_MODULE helpline_internals
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/utf8.hpp"
#include "base/worker.hpp"
#include "core/event_queue.hpp"

using helpline::detail::Event;
using helpline::detail::EventQueue;
using helpline::detail::is_valid_utf8;
using helpline::detail::Worker;
using namespace std::chrono_literals;

namespace {
bool valid(const std::string &s) {
  return is_valid_utf8(s);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(utf8)

BOOST_AUTO_TEST_CASE(accepts_ascii_and_empty) {
  BOOST_TEST(valid(""));
  BOOST_TEST(valid("hello, world"));
}

BOOST_AUTO_TEST_CASE(accepts_every_sequence_length_at_its_boundaries) {
  BOOST_TEST(valid("\xC2\x80"));          // U+0080
  BOOST_TEST(valid("\xDF\xBF"));          // U+07FF
  BOOST_TEST(valid("\xE0\xA0\x80"));      // U+0800
  BOOST_TEST(valid("\xED\x9F\xBF"));      // U+D7FF
  BOOST_TEST(valid("\xEE\x80\x80"));      // U+E000
  BOOST_TEST(valid("\xEF\xBF\xBF"));      // U+FFFF
  BOOST_TEST(valid("\xF0\x90\x80\x80"));  // U+10000
  BOOST_TEST(valid("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  BOOST_TEST(valid("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
}

BOOST_AUTO_TEST_CASE(accepts_embedded_nul_within_the_view) {
  BOOST_TEST(is_valid_utf8(std::string_view("a\0b", 3)));
}

BOOST_AUTO_TEST_CASE(rejects_overlong_encodings) {
  BOOST_TEST(!valid("\xC0\x80"));              // NUL in 2 bytes
  BOOST_TEST(!valid("\xC1\xBF"));              // U+007F in 2 bytes
  BOOST_TEST(!valid("\xE0\x80\x80"));          // NUL in 3 bytes
  BOOST_TEST(!valid("\xE0\x9F\xBF"));          // U+07FF in 3 bytes
  BOOST_TEST(!valid("\xF0\x80\x80\x80"));      // NUL in 4 bytes
  BOOST_TEST(!valid("\xF0\x8F\xBF\xBF"));      // U+FFFF in 4 bytes
  BOOST_TEST(!valid("\xF8\x88\x80\x80\x80"));  // 5-byte form
  BOOST_TEST(!valid("\xFC\x84\x80\x80\x80\x80"));
}

BOOST_AUTO_TEST_CASE(rejects_utf16_surrogates) {
  BOOST_TEST(!valid("\xED\xA0\x80"));              // U+D800
  BOOST_TEST(!valid("\xED\xAF\xBF"));              // U+DBFF
  BOOST_TEST(!valid("\xED\xB0\x80"));              // U+DC00
  BOOST_TEST(!valid("\xED\xBF\xBF"));              // U+DFFF
  BOOST_TEST(!valid("\xED\xA0\xBD\xED\xB8\x80"));  // CESU-8 pair
}

BOOST_AUTO_TEST_CASE(rejects_code_points_above_10ffff) {
  BOOST_TEST(!valid("\xF4\x90\x80\x80"));  // U+110000
  BOOST_TEST(!valid("\xF5\x80\x80\x80"));
  BOOST_TEST(!valid("\xF7\xBF\xBF\xBF"));
}

BOOST_AUTO_TEST_CASE(rejects_truncated_sequences) {
  BOOST_TEST(!valid("\xC3"));
  BOOST_TEST(!valid("\xE2\x82"));
  BOOST_TEST(!valid("\xF0\x9F\x98"));
  BOOST_TEST(!valid("abc\xF0"));
  BOOST_TEST(!valid("\xE2\x82z"));  // truncated, followed by ASCII
}

BOOST_AUTO_TEST_CASE(rejects_stray_continuation_and_invalid_bytes) {
  BOOST_TEST(!valid("\x80"));
  BOOST_TEST(!valid("a\xBF"));
  BOOST_TEST(!valid("\xFE"));
  BOOST_TEST(!valid("\xFF"));
  BOOST_TEST(!valid("\xC3\xC3\xA9"));  // lead byte where a continuation is due
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(worker)

BOOST_AUTO_TEST_CASE(runs_posted_tasks_in_order) {
  Worker w;
  w.start("test-worker");
  std::vector<int> order;
  for (int i = 0; i < 100; ++i) BOOST_REQUIRE(w.post([&order, i] { order.push_back(i); }));
  w.stop();
  BOOST_REQUIRE_EQUAL(order.size(), 100u);
  for (int i = 0; i < 100; ++i) BOOST_TEST(order[static_cast<size_t>(i)] == i);
}

BOOST_AUTO_TEST_CASE(runs_tasks_on_its_own_thread) {
  Worker w;
  w.start("test-worker");
  std::promise<std::pair<std::thread::id, bool>> where;
  w.post([&] { where.set_value({std::this_thread::get_id(), w.is_current_thread()}); });
  auto got = where.get_future().get();
  BOOST_TEST((got.first != std::this_thread::get_id()));
  BOOST_TEST(got.second);
  BOOST_TEST(!w.is_current_thread());
  w.stop();
}

BOOST_AUTO_TEST_CASE(post_at_runs_timers_in_due_order_not_post_order) {
  Worker w;
  w.start("test-worker");
  std::mutex mu;
  std::vector<int> order;
  auto now = Worker::Clock::now();
  std::promise<void> last;
  w.post_at(now + 150ms, [&] {
    std::lock_guard<std::mutex> l(mu);
    order.push_back(3);
    last.set_value();
  });
  w.post_at(now + 50ms, [&] {
    std::lock_guard<std::mutex> l(mu);
    order.push_back(1);
  });
  w.post_at(now + 100ms, [&] {
    std::lock_guard<std::mutex> l(mu);
    order.push_back(2);
  });
  BOOST_REQUIRE(last.get_future().wait_for(5s) == std::future_status::ready);
  w.stop();
  BOOST_TEST(order == (std::vector<int>{1, 2, 3}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(post_at_does_not_run_before_it_is_due) {
  Worker w;
  w.start("test-worker");
  auto posted = Worker::Clock::now();
  std::promise<Worker::Clock::time_point> ran;
  w.post_at(posted + 100ms, [&] { ran.set_value(Worker::Clock::now()); });
  auto fut = ran.get_future();
  BOOST_REQUIRE(fut.wait_for(5s) == std::future_status::ready);
  BOOST_TEST((fut.get() - posted >= 100ms));
  w.stop();
}

BOOST_AUTO_TEST_CASE(stop_drains_already_queued_tasks) {
  Worker w;
  std::atomic<int> ran{0};
  for (int i = 0; i < 50; ++i) w.post([&] { ran.fetch_add(1); });  // queued before the thread exists
  w.start("test-worker");
  w.stop();
  BOOST_TEST(ran.load() == 50);
}

BOOST_AUTO_TEST_CASE(stop_drops_timers_not_yet_due) {
  Worker w;
  w.start("test-worker");
  std::atomic<bool> ran{false};
  w.post_at(Worker::Clock::now() + 10s, [&] { ran = true; });
  auto t0 = std::chrono::steady_clock::now();
  w.stop();
  BOOST_TEST(!ran.load());
  BOOST_TEST((std::chrono::steady_clock::now() - t0 < 5s), "stop must not wait for a future timer");
}

BOOST_AUTO_TEST_CASE(post_after_stop_is_refused) {
  Worker w;
  w.start("test-worker");
  w.stop();
  BOOST_TEST(!w.post([] {}));
  BOOST_TEST(!w.post_at(Worker::Clock::now(), [] {}));
}

BOOST_AUTO_TEST_CASE(bounded_queue_refuses_when_full) {
  Worker w(2);
  BOOST_TEST(w.post([] {}));
  BOOST_TEST(w.post([] {}));
  BOOST_TEST(!w.post([] {}), "third task exceeds the bound of 2");
  BOOST_TEST(w.queued() == 2u);
  w.start("test-worker");
  w.stop();
  BOOST_TEST(w.queued() == 0u);
}

BOOST_AUTO_TEST_CASE(bounded_timer_queue_refuses_when_full) {
  Worker w(1);
  auto later = Worker::Clock::now() + 1h;
  BOOST_TEST(w.post_at(later, [] {}));
  BOOST_TEST(!w.post_at(later, [] {}));
}

BOOST_AUTO_TEST_CASE(tasks_posted_from_a_task_run) {
  Worker w;
  w.start("test-worker");
  std::promise<void> inner;
  w.post([&] { w.post([&] { inner.set_value(); }); });
  BOOST_TEST((inner.get_future().wait_for(5s) == std::future_status::ready));
  w.stop();
}

BOOST_AUTO_TEST_CASE(destructor_without_start_does_not_hang) {
  auto t0 = std::chrono::steady_clock::now();
  {
    Worker w;
    w.post([] {});
  }
  BOOST_TEST((std::chrono::steady_clock::now() - t0 < 1s));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(event_queue)

BOOST_AUTO_TEST_CASE(pops_in_fifo_order) {
  EventQueue q(8);
  q.push(Event{1, "a"});
  q.push(Event{3, "b"});
  Event e{};
  BOOST_REQUIRE(q.pop(e));
  BOOST_TEST(e.type == 1);
  BOOST_TEST(e.json == "a");
  BOOST_REQUIRE(q.pop(e));
  BOOST_TEST(e.json == "b");
  BOOST_TEST(!q.pop(e));
}

BOOST_AUTO_TEST_CASE(pending_counts_queued_events) {
  EventQueue q(8);
  BOOST_TEST(q.pending() == 0u);
  q.push(Event{3, "{}"});
  q.push(Event{3, "{}"});
  BOOST_TEST(q.pending() == 2u);
}

BOOST_AUTO_TEST_CASE(full_queue_drops_the_oldest) {
  EventQueue q(2);
  q.push(Event{3, "1"});
  q.push(Event{3, "2"});
  q.push(Event{3, "3"});
  BOOST_TEST(q.lost() == 1u);
  Event e{};
  BOOST_REQUIRE(q.pop(e));
  BOOST_TEST(e.type == HELPLINE_EVENT_EVENTS_LOST);
  BOOST_REQUIRE(q.pop(e));
  BOOST_TEST(e.json == "2");
  BOOST_REQUIRE(q.pop(e));
  BOOST_TEST(e.json == "3");
  BOOST_TEST(!q.pop(e));
}

BOOST_AUTO_TEST_CASE(loss_is_reported_once_with_the_count) {
  EventQueue q(1);
  for (int i = 0; i < 5; ++i) q.push(Event{3, std::to_string(i)});
  BOOST_TEST(q.pending() == 2u);  // the loss report + the newest event
  Event e{};
  BOOST_REQUIRE(q.pop(e));
  BOOST_TEST(e.type == HELPLINE_EVENT_EVENTS_LOST);
  BOOST_TEST(e.json == "{\"lost\":4}");
  BOOST_REQUIRE(q.pop(e));
  BOOST_TEST(e.json == "4");
  BOOST_TEST(!q.pop(e));
  BOOST_TEST(q.lost() == 4u, "the total keeps counting after the report");
}

BOOST_AUTO_TEST_CASE(concurrent_pushes_and_pops_lose_nothing_below_capacity) {
  EventQueue q(100000);
  std::vector<std::thread> producers;
  for (int t = 0; t < 4; ++t) {
    producers.emplace_back([&q] {
      for (int i = 0; i < 1000; ++i) q.push(Event{3, "x"});
    });
  }
  std::atomic<bool> done{false};
  int popped = 0;
  std::thread consumer([&] {
    Event e{};
    while (!done.load() || q.pending() > 0) {
      if (q.pop(e)) ++popped;
    }
  });
  for (auto &t : producers) t.join();
  done = true;
  consumer.join();
  BOOST_TEST(popped == 4000);
  BOOST_TEST(q.lost() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
