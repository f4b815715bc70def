// Diagnostics benchmark. Every number is printed next to a limit measured in the same run:
//   (a) host-thread cost of helpline_breadcrumb, helpline_metric_add and helpline_metric_set, paced (one call
//       every ~20 us, as an app instrumenting its main loop would) and in a burst (back to back), vs two
//       anchors: a std::mutex lock + std::map<std::string, double> update (the least an aggregating call can
//       do) and a raw write(2) of the same bytes to /dev/null (the least a call that handed the data to the
//       kernel would cost);
//   (b) heartbeat bytes on the wire per device per hour: one heartbeat item with 20 metrics (10 counters,
//       10 gauges) built by the SDK's own code (device context, facts, breadcrumbs attached), wrapped in the
//       POST /v1/diagnostics/batch envelope and gzip-compressed exactly as sdk/sync/request_builder.cpp does
//       (bodies over 1 KiB), plus the request headers the SDK sends and a typical response.
// Prints markdown tables. The goal (call p99 < 5 us) is reported, not enforced: it depends on the machine's
// load. Exits 2 when the run itself failed.
//
// Usage: helpline_diagnostics_bench [--calls N]
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/options.hpp"
#include "device/device_context.hpp"
#include "diagnostics/diagnostics.hpp"
#include "helpline/helpline.h"
#include "helpline/testing/clock.hpp"
#include "helpline/testing/percentiles.hpp"
#include "helpline/testing/sdk.hpp"
#include "helpline/testing/temp_dir.hpp"
#include "sync/gzip.hpp"
#include "sync/request_builder.hpp"

namespace {

using namespace helpline::detail;
using helpline::testing::check_ok;
using helpline::testing::Clock;
using helpline::testing::Stats;
using helpline::testing::stats_of;
using helpline::testing::us;

[[noreturn]] void die(const std::string &what) {
  throw std::runtime_error(what);
}

void spin_until(Clock::time_point t) {
  while (Clock::now() < t) {
  }
}

// Runs `call(i)` n times, timing each; paced: one call every `gap` (busy wait, so the pacing itself is
// cheap).
template <class Fn>
std::vector<double> timed(int n, Clock::duration gap, Fn &&call) {
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(n));
  Clock::time_point next = Clock::now();
  for (int i = 0; i < n; ++i) {
    if (gap.count() > 0) {
      next += gap;
      spin_until(next);
    }
    auto t0 = Clock::now();
    call(i);
    out.push_back(us(Clock::now() - t0));
  }
  return out;
}

// Breadcrumb messages of realistic size (~70 bytes) with something to redact now and then.
std::vector<std::string> messages() {
  std::vector<std::string> m;
  for (int i = 0; i < 64; ++i) {
    std::string s =
        "screen " + std::to_string(i) + " opened after tap on button id " + std::to_string(i * 37);
    if (i % 8 == 0) s += " user jane" + std::to_string(i) + "@example.com";
    m.push_back(s);
  }
  return m;
}

const char *kMetricNames[] = {
    "wifi_disconnects", "frames_dropped", "http_errors", "crashes",  "bytes_sent",    "bytes_received",
    "retries",          "login_fail",     "syncs",       "taps",     "disk_free_pct", "battery_pct",
    "temp_c",           "rssi_dbm",       "mem_free_mb", "cpu_load", "fps",           "latency_ms",
    "queue_len",        "uptime_h"};

struct Row {
  std::string what;
  Stats paced, burst;
};

void print_row(const Row &r) {
  std::printf("| %-48s | %7.2f | %7.2f | %7.2f | %7.2f | %7.2f | %7.2f | %8.1f |\n", r.what.c_str(),
              r.paced.p50, r.paced.p99, r.paced.p999, r.burst.p50, r.burst.p99, r.burst.p999,
              std::max(r.paced.max, r.burst.max));
}

// ---- (b) heartbeat bytes

struct WireSize {
  std::size_t item_json = 0, body_json = 0, body_wire = 0, request_headers = 0, response = 0;
  std::size_t total() const { return body_wire + request_headers + response; }
};

WireSize heartbeat_wire(const std::string &data_dir, std::size_t breadcrumbs) {
  Options options;
  Diagnostics diag(options);
  diag.refresh_facts(data_dir);
  for (std::size_t i = 0; i < breadcrumbs; ++i) {
    diag.breadcrumbs().add(HELPLINE_LOG_INFO, "ui", diag.redact(messages()[i % 64]),
                           1700000000000 + 1000 * static_cast<int64_t>(i));
  }
  Metrics &m = diag.metrics();
  for (int s = 0; s < 100; ++s) {  // 100 samples of each metric within the interval
    for (int i = 0; i < 10; ++i) m.add(kMetricNames[i], 1 + (s * 7 + i) % 5);
    for (int i = 10; i < 20; ++i) m.set(kMetricNames[i], 20.0 + ((s * 13 + i) % 600) / 10.0);
  }
  DiagnosticSpec spec;
  spec.kind = "metric";
  spec.name = "heartbeat";
  spec.extra_key = "metrics";
  spec.extra_json = m.take_heartbeat(1700003600000);
  DeviceContext device;
  device.set("model", std::string("X100"));
  device.set("firmware_version", std::string("2.10.1"));
  device.set("app_version", std::string("4.2.0"));
  auto item = diag.make_item(spec, device.json());
  if (!item) die("make_item dropped the heartbeat");
  WireSize w;
  w.item_json = item->payload.size();
  std::string body = "{\"items\":[" + item->payload + "]}";  // what Sender::send assembles
  w.body_json = body.size();
  RequestBuilder rb("https://support.example.com", "pk_live_0123456789abcdef",
                    DeviceCredential{"0190f5c2-7f3b-7c1e-9a55-4d1e2f3a4b5c", std::string(64, 'f')});
  HttpRequest r = rb.post_json("/v1/diagnostics/batch", body, 60000, "");
  w.body_wire = r.body.size();
  w.request_headers = std::strlen("POST /v1/diagnostics/batch HTTP/1.1\r\n") +
                      std::strlen("Host: support.example.com\r\n") + std::strlen("Accept: */*\r\n") +
                      std::strlen("Content-Length: 000\r\n") + 2;
  for (const auto &h : r.headers) {
    if (h.back() != ':') w.request_headers += h.size() + 2;  // "Expect:" only removes a header
  }
  // The server's answer: status line, headers, and one result.
  const std::string response_body =
      "{\"accepted\":1,\"duplicates\":0,\"rejected\":0,\"results\":[{\"idempotency_key\":\"" +
      item->idempotency_key + "\",\"outcome\":\"ok\"}]}";
  w.response = std::strlen("HTTP/1.1 200 OK\r\n") + std::strlen("Content-Type: application/json\r\n") +
               std::strlen("Content-Length: 000\r\n") + std::strlen("X-Request-Id: 0123456789abcdef\r\n") +
               2 + response_body.size();
  return w;
}

}  // namespace

int main(int argc, char **argv) {
  int calls = 100000;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--calls") == 0 && i + 1 < argc) calls = std::atoi(argv[++i]);
  }
  try {
    const helpline::testing::TempDir tmp("helpline-diag-bench-");
    const std::string dir = tmp.path().string();

    helpline_options_t *o = helpline_options_new();
    check_ok(helpline_options_set_data_dir(o, (dir + "/data").c_str()), "data_dir");
    check_ok(helpline_options_set_consent_required(o, HELPLINE_CONSENT_DIAGNOSTICS, 0), "consent_required");
    helpline_t *h = nullptr;
    check_ok(helpline_open(o, &h), "open");
    // A few rules on other metrics: every sample is checked against the loaded rules.
    check_ok(
        helpline_rules_load_json(
            h,
            R"({"rules":[{"id":"a","metric":"x1","op":">","value":1},{"id":"b","metric":"x2","op":"<","value":1},)"
            R"({"id":"c","metric":"x3","op":">","value":1,"for_s":60},{"id":"d","metric":"x4","op":">","value":3}]})"),
        "rules");

    const auto msgs = messages();
    const auto gap = std::chrono::microseconds(20);
    std::vector<Row> rows;
    auto measure = [&](const std::string &what, auto &&fn) {
      for (int i = 0; i < 2000; ++i) fn(i);  // warm-up
      Row r;
      r.what = what;
      r.paced = stats_of(timed(calls, gap, fn));
      r.burst = stats_of(timed(calls, Clock::duration::zero(), fn));
      rows.push_back(r);
    };

    measure("helpline_breadcrumb (~70 B message)", [&](int i) {
      if (helpline_breadcrumb(h, "ui", msgs[static_cast<std::size_t>(i) & 63].c_str()) != HELPLINE_OK)
        die("breadcrumb");
    });
    measure("helpline_metric_add (20 names)", [&](int i) {
      if (helpline_metric_add(h, kMetricNames[i % 10], 1) != HELPLINE_OK) die("metric_add");
    });
    measure("helpline_metric_set (20 names)", [&](int i) {
      if (helpline_metric_set(h, kMetricNames[10 + i % 10], i % 100) != HELPLINE_OK) die("metric_set");
    });

    // Anchors.
    std::mutex mu;
    std::map<std::string, double> map;
    measure("anchor: std::mutex + std::map update", [&](int i) {
      std::lock_guard<std::mutex> lock(mu);
      map[kMetricNames[i % 20]] += 1;
    });
    measure("anchor: std::string + mutex + map (name copied)", [&](int i) {
      std::string name(kMetricNames[i % 20]);
      std::lock_guard<std::mutex> lock(mu);
      map[name] += 1;
    });
    int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (devnull < 0) die("open /dev/null");
    measure("anchor: write(2) of the message to /dev/null", [&](int i) {
      const std::string &m = msgs[static_cast<std::size_t>(i) & 63];
      if (::write(devnull, m.data(), m.size()) < 0) die("write");
    });
    ::close(devnull);
    helpline_close(h, 1000);

    std::printf("\n## Diagnostics: host-thread call cost (%d calls each; paced = one call every %lld us)\n\n",
                calls, static_cast<long long>(gap.count()));
    std::printf(
        "| call | paced p50 us | paced p99 us | paced p99.9 us | burst p50 us | burst p99 us | burst p99.9 "
        "us | max us |\n");
    std::printf("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (const auto &r : rows) print_row(r);
    bool goal = true;
    for (std::size_t i = 0; i < 3; ++i) goal = goal && rows[i].paced.p99 < 5.0 && rows[i].burst.p99 < 5.0;
    std::printf("\nGoal p99 < 5 us for breadcrumb/metric calls (paced and burst): %s\n",
                goal ? "met" : "NOT met");

    std::printf(
        "\n## Diagnostics: heartbeat bytes on the wire per device (20 metrics, 100 samples each per "
        "interval)\n\n");
    std::printf(
        "| breadcrumbs in ring | item JSON B | body JSON B | body on wire B (gzip) | request headers B | "
        "response B | per heartbeat B | per hour @3600 s | @600 s | @60 s | @10 s |\n");
    std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (std::size_t crumbs : {std::size_t{0}, std::size_t{30}}) {
      WireSize w = heartbeat_wire(dir, crumbs);
      std::printf("| %zu | %zu | %zu | %zu | %zu | %zu | %zu | %zu | %zu | %zu | %zu |\n", crumbs,
                  w.item_json, w.body_json, w.body_wire, w.request_headers, w.response, w.total(), w.total(),
                  w.total() * 6, w.total() * 60, w.total() * 360);
    }
    std::printf(
        "\n(HTTP/1.1 over a kept-alive connection; TCP/IP and TLS record overhead not included. "
        "Request headers: those RequestBuilder sets plus what libcurl adds; no identity token.)\n");
    return 0;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "diagnostics bench failed: %s\n", e.what());
    return 2;
  }
}
