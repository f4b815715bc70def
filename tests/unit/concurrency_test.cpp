// Concurrency at the waist: calls racing helpline_close on one handle, and open/close loops that
// must not leak threads or descriptors. Run under the tsan and asan presets too.
#define BOOST_TEST_MODULE helpline_concurrency
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "helpline/testing/process.hpp"
#include "helpline/testing/sdk.hpp"
#include "helpline/testing/temp_dir.hpp"

using namespace helpline::testing;

namespace {

void count_event(void *user, helpline_event_type_t, const char *) {
  static_cast<std::atomic<int> *>(user)->fetch_add(1);
}

struct RaceResult {
  std::mutex mu;
  std::set<std::string> unexpected;  // "call -> status" pairs that are neither OK nor CLOSED
  std::atomic<long> calls{0};
  std::atomic<long> closed_seen{0};
  void note(const char *call, int status) {
    calls.fetch_add(1, std::memory_order_relaxed);
    if (status == HELPLINE_E_CLOSED) {
      closed_seen.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    if (status == HELPLINE_OK) return;
    std::lock_guard<std::mutex> lock(mu);
    unexpected.insert(std::string(call) + " -> " + helpline_status_str(status));
  }
};

// 8 threads hammer flush/stats/dispatch while `closers` threads close the handle.
void race_close_against_calls(helpline_delivery_t delivery, int closers, RaceResult &result,
                              std::vector<int> &close_statuses) {
  TempDir tmp;
  std::atomic<int> events{0};
  helpline_options_t *o = options_for(tmp.sub("data"));
  helpline_options_set_event_callback(o, count_event, &events);
  helpline_options_set_event_delivery(o, delivery, 64);
  helpline_t *h = nullptr;
  if (helpline_open(o, &h) != HELPLINE_OK) throw std::runtime_error("open failed: " + last_error());

  std::atomic<int> running{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      running.fetch_add(1);
      bool closed = false;
      for (int i = 0; i < 100000 && !closed; ++i) {
        int s;
        switch ((i + t) % 3) {
          case 0:
            s = helpline_flush(h, 5000);
            result.note("flush", s);
            break;
          case 1: {
            char *json = nullptr;
            s = helpline_stats_json(h, &json);
            helpline_free(json);
            result.note("stats_json", s);
            break;
          }
          default:
            s = helpline_dispatch(h, 0);
            result.note("dispatch", s >= 0 ? HELPLINE_OK : s);
            break;
        }
        closed = (s == HELPLINE_E_CLOSED);
      }
    });
  }
  while (running.load() < 8) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));

  std::vector<std::thread> closer_threads;
  close_statuses.assign(static_cast<size_t>(closers), 1);
  for (int c = 0; c < closers; ++c) {
    closer_threads.emplace_back([&, c] { close_statuses[static_cast<size_t>(c)] = helpline_close(h, 5000); });
  }
  for (auto &t : closer_threads) t.join();
  for (auto &t : threads) t.join();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(close_races)

BOOST_AUTO_TEST_CASE(calls_racing_close_return_ok_or_closed_in_dispatch_mode) {
  for (int round = 0; round < 5; ++round) {
    RaceResult result;
    std::vector<int> closes;
    race_close_against_calls(HELPLINE_DELIVERY_DISPATCH, 1, result, closes);
    BOOST_TEST_CONTEXT("round " << round) {
      BOOST_TEST(result.unexpected.empty(), "unexpected statuses: " << result.unexpected.size());
      for (const auto &u : result.unexpected) BOOST_TEST_MESSAGE(u);
      BOOST_TEST(closes[0] == HELPLINE_OK);
      BOOST_TEST(result.closed_seen.load() >= 8, "every hammering thread saw CLOSED at the end");
    }
  }
}

BOOST_AUTO_TEST_CASE(calls_racing_close_return_ok_or_closed_in_worker_mode) {
  for (int round = 0; round < 5; ++round) {
    RaceResult result;
    std::vector<int> closes;
    race_close_against_calls(HELPLINE_DELIVERY_WORKER, 1, result, closes);
    BOOST_TEST_CONTEXT("round " << round) {
      BOOST_TEST(result.unexpected.empty(), "unexpected statuses: " << result.unexpected.size());
      for (const auto &u : result.unexpected) BOOST_TEST_MESSAGE(u);
      BOOST_TEST(closes[0] == HELPLINE_OK);
    }
  }
}

BOOST_AUTO_TEST_CASE(two_concurrent_closes_succeed_exactly_once) {
  for (int round = 0; round < 5; ++round) {
    RaceResult result;
    std::vector<int> closes;
    race_close_against_calls(HELPLINE_DELIVERY_DISPATCH, 2, result, closes);
    BOOST_TEST_CONTEXT("round " << round) {
      BOOST_TEST(result.unexpected.empty());
      int ok = 0, closed = 0;
      for (int s : closes) {
        if (s == HELPLINE_OK) ++ok;
        if (s == HELPLINE_E_CLOSED) ++closed;
      }
      BOOST_TEST(ok == 1);
      BOOST_TEST(closed == 1);
    }
  }
}

BOOST_AUTO_TEST_CASE(instances_on_different_dirs_open_and_close_in_parallel) {
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      TempDir tmp;
      for (int i = 0; i < 10; ++i) {
        helpline_t *h = nullptr;
        if (open_dir(tmp.sub("data"), &h) != HELPLINE_OK)
          failures.fetch_add(1);
        else if (helpline_close(h, 1000) != HELPLINE_OK)
          failures.fetch_add(1);
      }
    });
  }
  for (auto &t : threads) t.join();
  BOOST_TEST(failures.load() == 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(leaks)

BOOST_AUTO_TEST_CASE(open_close_200_times_leaks_no_threads_or_fds) {
  TempDir tmp;
  const std::string dir = tmp.sub("data");
  helpline_t *h = nullptr;  // warm up: the first open creates the directory and the schema
  BOOST_REQUIRE(open_dir(dir, &h) == HELPLINE_OK);
  BOOST_REQUIRE(helpline_close(h, 1000) == HELPLINE_OK);
  const int fds = count_fds();
  const int threads = count_threads();
  for (int i = 0; i < 200; ++i) {
    BOOST_REQUIRE_MESSAGE(open_dir(dir, &h) == HELPLINE_OK, "iteration " << i << ": " << last_error());
    BOOST_REQUIRE_MESSAGE(helpline_close(h, 1000) == HELPLINE_OK, "iteration " << i << ": " << last_error());
  }
  BOOST_TEST(count_fds() == fds);
  BOOST_TEST(count_threads() == threads);
}

BOOST_AUTO_TEST_CASE(refused_opens_leak_no_fds) {
  TempDir tmp;
  const std::string dir = tmp.sub("data");
  helpline_t *h = nullptr;
  BOOST_REQUIRE(open_dir(dir, &h) == HELPLINE_OK);
  const int fds = count_fds();
  for (int i = 0; i < 50; ++i) {
    helpline_t *second = nullptr;
    BOOST_REQUIRE(open_dir(dir, &second) == HELPLINE_E_LOCKED);
  }
  BOOST_TEST(count_fds() == fds);
  helpline_close(h, 1000);
}

BOOST_AUTO_TEST_SUITE_END()
