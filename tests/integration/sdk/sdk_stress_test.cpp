// Concurrency stress without a server (runs under TSan, label "unit;tsan"): 8 producer threads enqueue while
// another thread reads stats and flushes; nothing accepted is lost (it is all on disk after close) and
// nothing races.
#define BOOST_TEST_MODULE sdk_stress
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <thread>

#include "helpline/testing.hpp"
#include "helpline/testing/delivery.hpp"
#include "helpline/testing/json.hpp"
#include "helpline/testing/sdk.hpp"

namespace hlt = helpline::testing;

BOOST_AUTO_TEST_CASE(eight_producers_with_concurrent_stats_and_flush_lose_nothing) {
  hlt::TempDir tmp("helpline-stress-");
  hlt::OpenConfig c;
  c.endpoint = hlt::closed_endpoint();  // every attempt is refused at once: items stay queued
  c.data_dir = (tmp / "data").string();
  constexpr int kThreads = 8, kPerThread = 500;
  std::atomic<int> accepted{0}, failed{0};
  {
    hlt::Sdk h(c);
    BOOST_REQUIRE_EQUAL(helpline_set_consent(h, HELPLINE_CONSENT_DIAGNOSTICS, 1), HELPLINE_OK);
    std::atomic<bool> done{false};
    std::thread observer([&] {
      long long polls = 0;
      while (!done.load()) {
        const std::string s = hlt::stats(h);
        if (hlt::json_int(s, "outbox_depth") < 0) failed.fetch_add(1);
        helpline_status_t f = helpline_flush(h, 2);
        if (f != HELPLINE_E_TIMEOUT && f != HELPLINE_OK) failed.fetch_add(1);
        if (++polls % 16 == 0) helpline_set_network_available(h, polls % 32 == 0 ? 1 : 0);
      }
    });
    std::vector<std::thread> producers;
    for (int t = 0; t < kThreads; ++t) {
      producers.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          const long long seq = static_cast<long long>(t) * kPerThread + i;
          helpline_status_t s =
              i % 2 == 0 ? hlt::submit_survey(h, "stress", seq) : hlt::send_diagnostic(h, "stress", seq);
          if (s == HELPLINE_OK)
            accepted.fetch_add(1);
          else
            failed.fetch_add(1);
        }
      });
    }
    for (auto &p : producers) p.join();
    done = true;
    observer.join();
    BOOST_CHECK_EQUAL(failed.load(), 0);
    BOOST_CHECK_EQUAL(accepted.load(), kThreads * kPerThread);
    BOOST_CHECK_EQUAL(hlt::stat_of(h, "delivered"), 0);
    // Undelivered items: "closed anyway, with data left queued on disk". Close commits the hand-off buffer.
    const helpline_status_t closed = h.close(0);
    BOOST_CHECK_MESSAGE(closed == HELPLINE_E_TIMEOUT,
                        "close: " << helpline_status_str(closed) << " " << helpline_last_error(nullptr));
  }
  hlt::Sdk again(c);
  BOOST_CHECK_EQUAL(hlt::stat_of(again, "outbox_depth"), kThreads * kPerThread);
}
