// Diagnostics ingest with the OpenTelemetry export off vs on: events/s of POST
// /v1/diagnostics/batch (events, breadcrumbs and SDK heartbeats) with wrk over loopback, against nginx
// `return 204` in the same run as the ratio anchor. With the export on, the collector is that same nginx
// (every OTLP POST gets 204), so the export's whole cost (queue copy, OTLP JSON mapping, HTTP) shows in the
// ingest rate.
//
//   helpline_diag_export_bench [--duration S] [--connections N] [--batch N]
//
// Exit codes: 0 ok, 1 a measurement failed, 77 wrk or nginx missing.

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "helpline/testing.hpp"
#include "load_run.hpp"
#include "nginx_anchor.hpp"

namespace hlt = helpline::testing;
using helpline::bench::LoadParams;
using helpline::bench::LoadResult;
using helpline::bench::LoadSpec;

namespace {

constexpr int kBodies = 521;  // prime: coprime with the 64 devices, so (device, key) pairs stay new

std::string body(int items, const std::string &prefix) {
  std::string b = R"({"items":[)";
  for (int i = 0; i < items; ++i) {
    if (i) b += ",";
    const std::string key = R"("idempotency_key":")" + prefix + "-" + std::to_string(i) + R"(",)";
    const std::string ts = std::to_string(1700000000000LL + i);
    if (i % 3 == 0)
      b +=
          "{" + key + R"("kind":"event","name":"render.stall","ts":)" + ts +
          R"(,"level":"warning","message":"frame took 80 ms","attributes":{"thread":"main","scene":"menu"}})";
    else if (i % 3 == 1)
      b += "{" + key + R"("kind":"breadcrumb","name":"ui.tap","ts":)" + ts + R"(,"message":"settings"})";
    else
      b += "{" + key + R"("kind":"metric","name":"heartbeat","ts":)" + ts +
           R"(,"attributes":{"metrics":{"interval_ms":60000,"counters":{"wifi_disconnects":1,"frames":3600},)"
           R"("gauges":{"disk_free_pct":{"last":41.5,"min":41,"max":42,"samples":60},)"
           R"("temp_c":{"last":55,"min":50,"max":61,"samples":60}}},"device":{"model":"X100"}}})";
  }
  return b + "]}";
}

std::unique_ptr<hlt::ServerProcess> start_server(const std::string &otlp_endpoint) {
  hlt::ServerConfig config;
  config.access_log = "off";
  auto server = std::make_unique<hlt::ServerProcess>(config, false);
  if (!otlp_endpoint.empty()) {
    rapidjson::Document doc;
    doc.Parse(hlt::read_file(server->config_path()).c_str());
    rapidjson::Value otlp(rapidjson::kObjectType);
    auto &al = doc.GetAllocator();
    otlp.AddMember("endpoint", rapidjson::Value(otlp_endpoint.c_str(), al), al);
    otlp.AddMember("max_queue_items", 100000, al);
    doc.AddMember("otlp", otlp, al);
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    doc.Accept(w);
    hlt::write_file(server->config_path(), buf.GetString());
  }
  server->start();
  return server;
}

std::string fmt(double v, int prec = 0) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", prec, v);
  return buf;
}

}  // namespace

int main(int argc, char **argv) {
  try {
    int seconds = 5, connections = 32, batch = 100;
    for (int i = 1; i + 1 < argc; i += 2) {
      const std::string a = argv[i];
      if (a == "--duration")
        seconds = std::stoi(argv[i + 1]);
      else if (a == "--connections")
        connections = std::stoi(argv[i + 1]);
      else if (a == "--batch")
        batch = std::stoi(argv[i + 1]);
      else
        throw std::runtime_error("unknown argument " + a);
    }
    const std::string wrk = helpline::bench::find_wrk();
    const std::string nginx = helpline::bench::find_nginx();
    if (wrk.empty() || nginx.empty()) {
      std::cerr << "wrk or nginx not installed (apt-get install wrk nginx-light): skipped\n";
      return 77;
    }
    hlt::TempDir work("helpline-diag-bench-");
    helpline::bench::NginxAnchor anchor(nginx, work / "nginx");
    const LoadParams params{seconds, connections, 1};

    LoadSpec ingest;
    ingest.method = "POST";
    ingest.path = "/v1/diagnostics/batch";
    ingest.headers = {{"X-Helpline-App-Key", hlt::kAppKey}, {"Content-Type", "application/json"}};
    ingest.device_header = "X-Helpline-Device-Id";
    for (int i = 0; i < 64; ++i) ingest.devices.push_back("bench-otlp-device-" + std::to_string(i));
    for (int i = 0; i < kBodies; ++i) ingest.bodies.push_back(body(batch, "k" + std::to_string(i)));
    ingest.items_per_request = batch;

    const auto run = [&](const std::string &name, const std::string &base) {
      LoadSpec spec = ingest;
      spec.name = name;
      std::cout << "  running " << name << " ..." << std::flush;
      LoadResult r = helpline::bench::run_load(wrk, base, spec, params, work.path());
      std::cout << " " << fmt(r.requests_per_second) << " req/s\n";
      if (r.requests == 0 || r.non_2xx > 0 || r.socket_errors > 0)
        throw std::runtime_error("measurement '" + name + "' had errors:\n" + r.raw);
      return r;
    };
    std::cout << "helpline-server " << HELPLINE_BUILD_TYPE << ", " << batch << " items per batch, wrk -c"
              << connections << " -d" << seconds << "s\n";
    const LoadResult nginx_r = run("nginx POST (return 204)", anchor.base_url());
    LoadResult off, on;
    {
      auto server = start_server("");
      off = run("ingest, OTLP export off", server->base_url());
    }
    std::string stats;
    {
      auto server = start_server(anchor.base_url());
      on = run("ingest, OTLP export on (collector: nginx)", server->base_url());
      std::this_thread::sleep_for(std::chrono::seconds(2));  // let the exporter drain
      auto agent = hlt::create_and_login_agent(*server, "bench@example.com");
      hlt::HttpClient http(server->base_url());
      http.set_default_header("Authorization", "Bearer " + agent.token);
      stats = http.get("/v1/agent/otlp").body;
    }
    const double ev_off = off.requests_per_second * batch, ev_on = on.requests_per_second * batch;
    std::cout << "\n| measurement | requests/s | events/s | vs nginx | p99 |\n|---|---:|---:|---:|---:|\n"
              << "| nginx POST (return 204) | " << fmt(nginx_r.requests_per_second) << " | - | anchor | "
              << nginx_r.latency_p99 << " |\n"
              << "| ingest, OTLP off | " << fmt(off.requests_per_second) << " | " << fmt(ev_off) << " | "
              << fmt(100.0 * off.requests_per_second / nginx_r.requests_per_second, 1) << " % | "
              << off.latency_p99 << " |\n"
              << "| ingest, OTLP on | " << fmt(on.requests_per_second) << " | " << fmt(ev_on) << " | "
              << fmt(100.0 * on.requests_per_second / nginx_r.requests_per_second, 1) << " % | "
              << on.latency_p99 << " |\n\n"
              << "OTLP on / off: " << fmt(100.0 * ev_on / ev_off, 1) << " %\n"
              << "exporter counters after the run: " << stats << "\n";
    return 0;
  } catch (const std::exception &e) {
    std::cerr << "helpline_diag_export_bench: " << e.what() << "\n";
    return 1;
  }
}
