// Tickets benchmark. Every number is printed next to a limit measured in the same run:
//   (a) host-thread latency of helpline_ticket_create and helpline_message_send (paced, as a UI
//       would call them) vs one raw SQLite insert of the same row in its own WAL transaction
//       (what a call that wrote synchronously would cost at the least);
//   (b) helpline_tickets_json / helpline_ticket_messages_json with 200 tickets in the local view;
//   (c) agent reply on the server -> HELPLINE_EVENT_MESSAGE on the device with long-poll, vs the
//       raw loopback HTTP round trip to the same server (GET /v1/health with libcurl).
// Prints a markdown table. Goals (call p99 < 20 us, reply -> event p99 < 100 ms) are reported,
// not enforced: they depend on the machine's load. Exits 2 when the run itself failed.
//
// Usage: helpline_tickets_bench [--calls N] [--replies N]
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "helpline/helpline.h"
#include "helpline/testing/agent.hpp"
#include "helpline/testing/clock.hpp"
#include "helpline/testing/events.hpp"
#include "helpline/testing/http_client.hpp"
#include "helpline/testing/percentiles.hpp"
#include "helpline/testing/sdk.hpp"
#include "helpline/testing/server_process.hpp"
#include "helpline/testing/temp_dir.hpp"

namespace {

namespace ht = helpline::testing;
using ht::check_ok;
using ht::Clock;
using ht::Stats;
using ht::stats_of;
using ht::us;

[[noreturn]] void die(const std::string &what) {
  throw std::runtime_error(what);
}

// (a) anchor: one row per transaction, WAL, synchronous=FULL — the cheapest durable write.
std::vector<double> raw_sqlite_inserts(const std::string &dir, int n) {
  sqlite3 *db = nullptr;
  if (sqlite3_open((dir + "/raw.db").c_str(), &db) != SQLITE_OK) die("sqlite3_open");
  sqlite3_exec(db,
               "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
               "CREATE TABLE messages (id TEXT PRIMARY KEY, ticket_id TEXT, body TEXT, created_at INTEGER)",
               nullptr, nullptr, nullptr);
  sqlite3_stmt *st = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO messages VALUES (?1, 't', 'Still jams after the update', 0)", -1, &st,
                     nullptr);
  std::vector<double> out;
  for (int i = 0; i < n; ++i) {
    std::string id = "m-" + std::to_string(i);
    auto t0 = Clock::now();
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    sqlite3_bind_text(st, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    out.push_back(us(Clock::now() - t0));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

helpline_t *open_sdk(const std::string &dir, const std::string &endpoint, ht::EventRecorder *events) {
  helpline_options_t *o = helpline_options_new();
  check_ok(helpline_options_set_data_dir(o, dir.c_str()), "data_dir");
  if (!endpoint.empty()) {
    check_ok(helpline_options_set_endpoint(o, endpoint.c_str()), "endpoint");
    check_ok(helpline_options_set_app_key(o, ht::kAppKey.c_str()), "app_key");
  }
  if (events != nullptr)
    check_ok(helpline_options_set_event_callback(o, ht::EventRecorder::callback, events), "callback");
  helpline_t *h = nullptr;
  check_ok(helpline_open(o, &h), "helpline_open");
  return h;
}

}  // namespace

int main(int argc, char **argv) {
  int calls = 2000, replies = 50;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--calls") == 0) calls = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--replies") == 0) replies = std::atoi(argv[i + 1]);
  }
  try {
    ht::TempDir tmp("helpline-tickets-bench-");
    double load[3] = {0, 0, 0};
    if (getloadavg(load, 3) < 0) load[0] = -1;

    // (a) host-call latency, paced every 500 us (a UI never calls faster), no network.
    helpline_t *h = open_sdk((tmp / "calls").string(), "", nullptr);
    std::vector<double> create_us, send_us;
    std::vector<std::string> tickets;
    for (int i = 0; i < calls; ++i) {
      char *id = nullptr;
      auto t0 = Clock::now();
      helpline_status_t s =
          helpline_ticket_create(h, "Printer jams", "It jams on page 2 since the update", nullptr, &id);
      create_us.push_back(us(Clock::now() - t0));
      check_ok(s, "helpline_ticket_create");
      tickets.emplace_back(id);
      helpline_free(id);
      std::this_thread::sleep_for(std::chrono::microseconds(250));
      t0 = Clock::now();
      s = helpline_message_send(h, tickets.back().c_str(), "Still jams after the update", nullptr);
      send_us.push_back(us(Clock::now() - t0));
      check_ok(s, "helpline_message_send");
      std::this_thread::sleep_for(std::chrono::microseconds(250));
    }
    std::vector<double> raw = raw_sqlite_inserts(tmp.path().string(), std::min(calls, 1000));

    // (b) reads of the local view with the newest 200 tickets.
    std::vector<double> list_us, conv_us;
    for (int i = 0; i < 200; ++i) {
      char *json = nullptr;
      auto t0 = Clock::now();
      check_ok(helpline_tickets_json(h, &json), "helpline_tickets_json");
      list_us.push_back(us(Clock::now() - t0));
      helpline_free(json);
      t0 = Clock::now();
      check_ok(helpline_ticket_messages_json(h, tickets[static_cast<std::size_t>(i)].c_str(), &json),
               "messages_json");
      conv_us.push_back(us(Clock::now() - t0));
      helpline_free(json);
    }
    helpline_close(h, 0);

    // (c) agent reply -> device event, long-poll, vs raw loopback round trip.
    ht::ServerProcess server;
    ht::HttpClient raw_http(server.base_url());
    std::vector<double> rtt_ms;
    for (int i = 0; i < 200; ++i) {
      auto t0 = Clock::now();
      auto r = raw_http.get("/v1/health");
      if (r.status != 200) die("GET /v1/health: " + r.describe());
      rtt_ms.push_back(us(Clock::now() - t0) / 1000.0);
    }
    auto agent = ht::create_and_login_agent(server, "bench-agent@example.com");
    ht::HttpClient agent_http(server.base_url());
    agent_http.set_default_header("Authorization", "Bearer " + agent.token);
    ht::EventRecorder events;
    helpline_t *d = open_sdk((tmp / "device").string(), server.base_url(), &events);
    char *ticket = nullptr;
    check_ok(helpline_ticket_create(d, "Long-poll", "Waiting for an agent", nullptr, &ticket),
             "ticket_create");
    std::string ticket_id = ticket;
    helpline_free(ticket);
    check_ok(helpline_flush(d, 10000), "helpline_flush");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the long-poll is waiting
    std::vector<double> reply_ms;
    for (int i = 0; i < replies; ++i) {
      std::string body = "reply-" + std::to_string(i);
      auto t0 = Clock::now();
      auto r = agent_http.post("/v1/agent/tickets/" + ticket_id + "/messages", "{\"body\":\"" + body + "\"}");
      if (r.status != 201) die("agent reply: " + r.describe());
      if (!events.wait_contains(HELPLINE_EVENT_MESSAGE, {"\"" + body + "\""}, std::chrono::seconds(10)))
        die("reply " + body + " never arrived");
      reply_ms.push_back(us(Clock::now() - t0) / 1000.0);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // back into the long-poll
    }
    helpline_close(d, 1000);

    Stats c = stats_of(create_us), m = stats_of(send_us), rs = stats_of(raw), l = stats_of(list_us),
          v = stats_of(conv_us), rt = stats_of(rtt_ms), rp = stats_of(reply_ms);
    std::printf("## Tickets — load average %.2f, %d calls, %d replies\n\n", load[0], calls, replies);
    std::printf(
        "| measure | p50 | p99 | max | limit measured in this run | p99 ratio "
        "|\n|---|---|---|---|---|---|\n");
    std::printf(
        "| helpline_ticket_create (host thread) | %.1f us | %.1f us | %.0f us | raw SQLite 1-row WAL txn p50 "
        "%.0f us | %.3f |\n",
        c.p50, c.p99, c.max, rs.p50, c.p99 / rs.p50);
    std::printf("| helpline_message_send (host thread) | %.1f us | %.1f us | %.0f us | same | %.3f |\n",
                m.p50, m.p99, m.max, m.p99 / rs.p50);
    std::printf("| helpline_tickets_json (%d tickets, newest 100) | %.0f us | %.0f us | %.0f us | | |\n",
                calls, l.p50, l.p99, l.max);
    std::printf("| helpline_ticket_messages_json (2 messages) | %.0f us | %.0f us | %.0f us | | |\n", v.p50,
                v.p99, v.max);
    std::printf(
        "| agent reply -> HELPLINE_EVENT_MESSAGE (long-poll) | %.2f ms | %.2f ms | %.1f ms | loopback GET "
        "p50 %.2f ms, p99 %.2f ms | %.1f x |\n",
        rp.p50, rp.p99, rp.max, rt.p50, rt.p99, rp.p50 / rt.p50);
    std::printf("\nGoals: call p99 < 20 us (%s), reply -> event p99 < 100 ms (%s)\n",
                c.p99 < 20 && m.p99 < 20 ? "met" : "NOT met", rp.p99 < 100 ? "met" : "NOT met");
    return 0;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "tickets bench failed: %s\n", e.what());
    return 2;
  }
}
