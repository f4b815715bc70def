// Privacy benchmark: how long helpline_erase_all() holds the caller, against its physical limit measured
// in the same run on the same file system: one raw SQLite transaction with synchronous=FULL in WAL mode (the
// erase is one such transaction plus the deletes). Each round writes 20 tickets with a second message each
// (so there is a local view and a queue to wipe), waits until they are committed, then times erase_all.
// Prints a table; fails only when an erase did not leave exactly one request per erase (the bench is not a
// timing test).
#include <sqlite3.h>

#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "helpline/helpline.h"
#include "helpline/testing/clock.hpp"
#include "helpline/testing/percentiles.hpp"
#include "helpline/testing/sdk.hpp"
#include "helpline/testing/temp_dir.hpp"

namespace {

using helpline::testing::Clock;
using helpline::testing::percentile;
using helpline::testing::stat_of;
using helpline::testing::us_since;

}  // namespace

int main() {
  const helpline::testing::TempDir tmp("helpline-privacy-bench-");
  const std::string root = tmp.path().string();
  const int rounds = 30;

  // Anchor: one durable SQLite transaction (WAL, synchronous=FULL), the floor of any durable call.
  std::vector<double> raw;
  {
    sqlite3 *db = nullptr;
    sqlite3_open((root + "/raw.db").c_str(), &db);
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE t(x)", nullptr, nullptr,
                 nullptr);
    for (int i = 0; i < rounds * 3; ++i) {
      auto t0 = Clock::now();
      sqlite3_exec(db,
                   "BEGIN; INSERT INTO t VALUES (randomblob(200)); DELETE FROM t WHERE rowid < "
                   "last_insert_rowid(); COMMIT",
                   nullptr, nullptr, nullptr);
      raw.push_back(us_since(t0));
    }
    sqlite3_close(db);
  }

  helpline_options_t *o = helpline_options_new();
  helpline_options_set_data_dir(o, (root + "/sdk").c_str());
  helpline_options_set_endpoint(o, "http://127.0.0.1:9");  // nothing listens: everything stays queued
  helpline_options_set_app_key(o, "bench-app");
  helpline_t *h = nullptr;
  if (helpline_open(o, &h) != HELPLINE_OK) {
    std::fprintf(stderr, "open failed: %s\n", helpline_last_error(nullptr));
    return 2;
  }
  helpline_set_network_available(h, 0);
  std::vector<double> erase;
  int bad = 0;
  for (int r = 0; r < rounds; ++r) {
    for (int i = 0; i < 20; ++i) {
      char *id = nullptr;
      const std::string body =
          "round " + std::to_string(r) + " ticket " + std::to_string(i) + std::string(300, 'x');
      if (helpline_ticket_create(h, "bench", body.c_str(), nullptr, &id) != HELPLINE_OK) return 3;
      char *mid = nullptr;
      helpline_message_send(h, id, "second message", &mid);
      helpline_free(mid);
      helpline_free(id);
    }
    while (stat_of(h, "pending_commit") != 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(
        std::chrono::milliseconds(20));  // the previous round's WAL checkpoint is done
    auto t0 = Clock::now();
    helpline_status_t s = helpline_erase_all(h);
    erase.push_back(us_since(t0));
    // Each round wrote something, so each erase queues its own request (earlier ones stay until delivered).
    if (s != HELPLINE_OK || stat_of(h, "outbox_depth") != r + 1) ++bad;
  }
  helpline_close(h, 0);

  const double raw50 = percentile(raw, 0.5), e50 = percentile(erase, 0.5), e99 = percentile(erase, 0.99);
  std::printf("privacy bench (%d rounds of 20 tickets + 20 messages, then helpline_erase_all)\n", rounds);
  std::printf("  raw SQLite durable txn (WAL, FULL) p50 %8.0f us  p99 %8.0f us\n", raw50,
              percentile(raw, 0.99));
  std::printf("  helpline_erase_all call            p50 %8.0f us  p99 %8.0f us  (p50 = %.2fx the raw txn)\n",
              e50, e99, e50 / raw50);
  std::printf("  rounds that did not leave exactly one request per erase: %d\n", bad);
  return bad == 0 ? 0 : 1;
}
