// Lifecycle benchmark: open+close latency against the physical anchor measured in the same
// run (raw sqlite3 open + WAL + user_version read + close on the same kind of file), idle
// wake-ups of the worker thread, idle memory and thread count. Prints a table and exits
// non-zero when a budget is broken (open+close p50 <= 1 ms, 0 idle wake-ups, 1 thread,
// idle RSS growth <= 1.5 MB).
#include <sqlite3.h>

#include <dirent.h>
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "helpline/helpline.h"
#include "helpline/testing/clock.hpp"
#include "helpline/testing/percentiles.hpp"
#include "helpline/testing/process.hpp"
#include "helpline/testing/temp_dir.hpp"

namespace {

using helpline::testing::Clock;
using helpline::testing::percentile;
using helpline::testing::status_field;
using helpline::testing::us_since;

std::vector<std::string> task_ids() {
  std::vector<std::string> ids;
  DIR *d = opendir("/proc/self/task");
  while (dirent *e = readdir(d)) {
    if (e->d_name[0] != '.') ids.emplace_back(e->d_name);
  }
  closedir(d);
  return ids;
}

helpline_t *open_sdk(const std::string &dir) {
  helpline_options_t *o = helpline_options_new();
  helpline_options_set_data_dir(o, dir.c_str());
  // No endpoint: an idle instance with nothing to send or poll (a configured endpoint adds one
  // long-poll per period, or backoff retries while the server is unreachable).
  helpline_t *h = nullptr;
  if (helpline_open(o, &h) != HELPLINE_OK) {
    std::fprintf(stderr, "open failed: %s\n", helpline_last_error(nullptr));
    std::exit(2);
  }
  return h;
}

}  // namespace

int main() {
  const helpline::testing::TempDir tmp("helpline-bench-");
  const std::string root = tmp.path().string();
  const int iterations = 300;

  // Anchor: what SQLite alone needs to open an existing WAL database, read its version and close.
  std::string raw_path = root + "/raw.db";
  {
    sqlite3 *db = nullptr;
    sqlite3_open(raw_path.c_str(), &db);
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE t(x); PRAGMA user_version=1", nullptr, nullptr,
                 nullptr);
    sqlite3_close(db);
  }
  std::vector<double> raw, sdk;
  for (int i = 0; i < iterations; ++i) {
    auto t0 = Clock::now();
    sqlite3 *db = nullptr;
    sqlite3_open_v2(raw_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA user_version", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    raw.push_back(us_since(t0));
  }

  std::string dir = root + "/sdk";
  helpline_close(open_sdk(dir), 1000);  // first open creates the schema; measure steady state
  for (int i = 0; i < iterations; ++i) {
    auto t0 = Clock::now();
    helpline_t *h = open_sdk(dir);
    helpline_close(h, 1000);
    sdk.push_back(us_since(t0));
  }

  // Idle: thread count, memory, wake-ups of the worker over 2 s.
  size_t threads_before = task_ids().size();
  long rss_before = status_field("/proc/self/status", "VmRSS:");
  std::vector<std::string> before_ids = task_ids();
  helpline_t *h = open_sdk(dir);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::vector<std::string> after_ids = task_ids();
  size_t sdk_threads = after_ids.size() - threads_before;
  std::string worker;
  for (const auto &id : after_ids) {
    if (std::find(before_ids.begin(), before_ids.end(), id) == before_ids.end()) worker = id;
  }
  std::string worker_status = "/proc/self/task/" + worker + "/status";
  long switches_before = status_field(worker_status, "voluntary_ctxt_switches:") +
                         status_field(worker_status, "nonvoluntary_ctxt_switches:");
  std::this_thread::sleep_for(std::chrono::seconds(2));
  long switches_after = status_field(worker_status, "voluntary_ctxt_switches:") +
                        status_field(worker_status, "nonvoluntary_ctxt_switches:");
  long rss_open = status_field("/proc/self/status", "VmRSS:");
  helpline_close(h, 1000);

  double raw_p50 = percentile(raw, 0.5), sdk_p50 = percentile(sdk, 0.5), sdk_p99 = percentile(sdk, 0.99);
  long wakeups = switches_after - switches_before;
  long rss_kb = rss_open - rss_before;
  std::printf("| metric | value |\n|---|---|\n");
  std::printf("| raw sqlite open+WAL+close p50 (anchor) | %.1f us |\n", raw_p50);
  std::printf("| helpline open+close p50 | %.1f us |\n", sdk_p50);
  std::printf("| helpline open+close p99 | %.1f us |\n", sdk_p99);
  std::printf("| ratio helpline/raw (p50) | %.2f |\n", sdk_p50 / raw_p50);
  std::printf("| SDK threads while open | %zu |\n", sdk_threads);
  std::printf("| worker wake-ups in 2 s idle | %ld |\n", wakeups);
  std::printf("| RSS growth while open and idle | %ld KB |\n", rss_kb);

  bool ok = sdk_p50 <= 1000.0 && sdk_threads == 1 && wakeups == 0 && rss_kb <= 1536;
  std::printf("%s\n", ok ? "lifecycle budgets: PASS" : "lifecycle budgets: FAIL");
  return ok ? 0 : 1;
}
