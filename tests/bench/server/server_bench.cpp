// helpline-server benchmark: /v1/sync polls/s and diagnostics ingest events/s with wrk over
// loopback, against nginx `return 204` measured in the same run as the ratio anchor.
//
//   helpline_server_bench [--duration S] [--connections N] [--threads T] [--batch N] [--write-doc FILE]
//
// Exit codes: 0 ok, 1 a measurement failed (non-2xx answers or socket errors), 77 wrk or nginx missing.

#include <rapidjson/document.h>

#include <sys/utsname.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "helpline/testing.hpp"
#include "load_run.hpp"
#include "nginx_anchor.hpp"

namespace hlt = helpline::testing;
using helpline::bench::LoadParams;
using helpline::bench::LoadResult;
using helpline::bench::LoadSpec;

namespace {

constexpr int kJsonBodies = 521;  // prime: coprime with the 64 devices
constexpr int kGzipBodies = 257;

struct Options {
  int seconds = 5;
  int connections = 32;
  int threads = 1;
  int batch = 100;
  int gzip_batch = 1000;
  std::string write_doc;
};

Options parse(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error("missing value for " + a);
      return argv[++i];
    };
    if (a == "--duration")
      o.seconds = std::stoi(next());
    else if (a == "--connections")
      o.connections = std::stoi(next());
    else if (a == "--threads")
      o.threads = std::stoi(next());
    else if (a == "--batch")
      o.batch = std::stoi(next());
    else if (a == "--gzip-batch")
      o.gzip_batch = std::stoi(next());
    else if (a == "--write-doc")
      o.write_doc = next();
    else
      throw std::runtime_error("unknown argument " + a);
  }
  return o;
}

/// A diagnostics batch of `items` events whose idempotency keys start with `key_prefix`.
std::string diagnostics_body(int items, const std::string &key_prefix) {
  std::string body = R"({"items":[)";
  for (int i = 0; i < items; ++i) {
    if (i) body += ",";
    const std::string key = key_prefix + "-" + std::to_string(i);
    const char *kind = (i % 3 == 0) ? "event" : (i % 3 == 1 ? "breadcrumb" : "metric");
    body += R"({"idempotency_key":")" + key + R"(","kind":")" + kind + R"(","name":"render.frame","ts":)" +
            std::to_string(1700000000000LL + i) +
            R"(,"level":"info","message":"frame took longer than budget","value":)" + std::to_string(i % 50) +
            R"(.5,"attributes":{"thread":"main","scene":"menu","gpu":"mali-g52"}})";
  }
  return body + "]}";
}

struct Row {
  std::string name;
  std::string target;
  double items_per_request;
  LoadResult result;
  double anchor_rps;  // 0: this row is an anchor itself
};

std::string fmt(double v, int prec = 0) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", prec, v);
  return buf;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

std::string load_average() {
  std::string text = hlt::read_file("/proc/loadavg");
  return text.substr(0, text.find(' '));
}

std::string table(const std::vector<Row> &rows) {
  std::ostringstream out;
  out << "| measurement | target | requests/s | items/s | vs nginx | p99 latency | non-2xx | socket errors "
         "|\n"
      << "|---|---|---:|---:|---:|---:|---:|---:|\n";
  for (const auto &r : rows) {
    out << "| " << r.name << " | " << r.target << " | " << fmt(r.result.requests_per_second) << " | "
        << (r.items_per_request > 1 ? fmt(r.result.requests_per_second * r.items_per_request) : "-") << " | "
        << (r.anchor_rps > 0 ? fmt(100.0 * r.result.requests_per_second / r.anchor_rps, 1) + " %" : "anchor")
        << " | " << r.result.latency_p99 << " | " << r.result.non_2xx << " | " << r.result.socket_errors
        << " |\n";
  }
  return out.str();
}

void write_doc(const std::string &path, const std::string &section) {
  std::string text = hlt::read_file_if_exists(path);
  const std::string heading = "## Server\n";
  if (text.empty()) text = "# Performance\n\n";
  const auto start = text.find(heading);
  if (start == std::string::npos) {
    if (text.back() != '\n') text += "\n";
    text += "\n" + section;
  } else {
    auto end = text.find("\n## ", start + heading.size());
    end = end == std::string::npos ? text.size() : end + 1;
    text.replace(start, end - start, section);
  }
  hlt::write_file(path, text);
}

}  // namespace

int main(int argc, char **argv) {
  try {
    const Options opt = parse(argc, argv);
    const std::string wrk = helpline::bench::find_wrk();
    const std::string nginx = helpline::bench::find_nginx();
    if (wrk.empty() || nginx.empty()) {
      std::cerr << "wrk or nginx not installed (apt-get install wrk nginx-light): skipped\n";
      return 77;
    }
    const std::string load_before = load_average();
    hlt::TempDir work("helpline-bench-");
    const LoadParams params{opt.seconds, opt.connections, opt.threads};

    hlt::ServerConfig config;
    config.access_log = "off";  // like the nginx anchor (access_log off)
    hlt::ServerProcess server(config);
    helpline::bench::NginxAnchor anchor(nginx, work / "nginx");
    if (std::string(HELPLINE_BUILD_TYPE) != "Release") {
      std::cout << "WARNING: " << HELPLINE_BUILD_TYPE << " build; record numbers from a Release build only\n";
    }
    std::cout << "helpline-server " << server.base_url() << ", nginx " << anchor.base_url() << ", wrk -t"
              << opt.threads << " -c" << opt.connections << " -d" << opt.seconds << "s\n";

    // Devices polling sync: each with its own cursor, as the SDK does in steady state.
    LoadSpec sync;
    sync.name = "GET /v1/sync (wait=0)";
    sync.headers = {{"X-Helpline-App-Key", hlt::kAppKey}};
    sync.device_header = "X-Helpline-Device-Id";
    for (int i = 0; i < 256; ++i) {
      const std::string id = "bench-sync-device-" + std::to_string(i);
      hlt::HttpClient http(server.base_url());
      http.set_default_header("X-Helpline-App-Key", hlt::kAppKey);
      http.set_default_header("X-Helpline-Device-Id", id);
      const auto r = http.get("/v1/sync");
      if (r.status != 200) throw std::runtime_error("sync warm-up failed: " + r.describe());
      rapidjson::Document doc;
      doc.Parse(r.body.c_str());
      const std::string cursor =
          doc.HasMember("cursor") && doc["cursor"].IsString() ? doc["cursor"].GetString() : "";
      sync.devices.push_back(id);
      sync.device_paths.push_back("/v1/sync?wait=0&cursor=" + hlt::url_encode(cursor));
    }
    sync.path = sync.device_paths.front();

    LoadSpec ingest;
    ingest.name = "POST /v1/diagnostics/batch (" + std::to_string(opt.batch) + " events, JSON)";
    ingest.method = "POST";
    ingest.path = "/v1/diagnostics/batch";
    ingest.headers = {{"X-Helpline-App-Key", hlt::kAppKey}, {"Content-Type", "application/json"}};
    ingest.device_header = "X-Helpline-Device-Id";
    for (int i = 0; i < 64; ++i) ingest.devices.push_back("bench-ingest-device-" + std::to_string(i));
    // Devices (64) and bodies (a prime count) rotate together: every (device, key) pair is new for
    // 64 x kJsonBodies requests, so the server really ingests instead of deduplicating.
    for (int i = 0; i < kJsonBodies; ++i)
      ingest.bodies.push_back(diagnostics_body(opt.batch, "j" + std::to_string(i)));
    ingest.items_per_request = opt.batch;

    LoadSpec ingest_gz;
    ingest_gz.name = "POST /v1/diagnostics/batch (" + std::to_string(opt.gzip_batch) + " events, gzip)";
    ingest_gz.method = "POST";
    ingest_gz.path = "/v1/diagnostics/batch";
    ingest_gz.headers = {{"X-Helpline-App-Key", hlt::kAppKey},
                         {"Content-Type", "application/json"},
                         {"Content-Encoding", "gzip"}};
    ingest_gz.device_header = "X-Helpline-Device-Id";
    ingest_gz.devices = ingest.devices;
    for (int i = 0; i < kGzipBodies; ++i) {
      ingest_gz.bodies.push_back(
          hlt::gzip_compress(diagnostics_body(opt.gzip_batch, "g" + std::to_string(i))));
    }
    ingest_gz.items_per_request = opt.gzip_batch;

    // Sanity: each server request succeeds and ingests every event before we time it.
    {
      hlt::HttpClient http(server.base_url());
      hlt::Request req;
      req.method = "POST";
      req.path = "/v1/diagnostics/batch";
      req.headers = {{"X-Helpline-App-Key", hlt::kAppKey}, {"X-Helpline-Device-Id", "bench-sanity-device"}};
      req.body = diagnostics_body(opt.batch, "sanity");
      const auto r = http.send(req);
      rapidjson::Document doc;
      doc.Parse(r.body.c_str());
      if (r.status != 200 || doc.HasParseError() || !doc.HasMember("accepted") ||
          doc["accepted"].GetInt() != opt.batch) {
        throw std::runtime_error("diagnostics sanity request failed: " + r.describe());
      }
    }

    LoadSpec nginx_get = sync;
    nginx_get.name = "nginx GET (return 204)";
    LoadSpec nginx_post = ingest;
    nginx_post.name = "nginx POST " + std::to_string(ingest.bodies[0].size() / 1024) + " KiB (return 204)";
    LoadSpec nginx_post_gz = ingest_gz;
    nginx_post_gz.name =
        "nginx POST " + std::to_string(ingest_gz.bodies[0].size() / 1024) + " KiB gzip (return 204)";

    const auto run = [&](const std::string &base, const LoadSpec &spec) {
      std::cout << "  running " << spec.name << " ..." << std::flush;
      LoadResult r = helpline::bench::run_load(wrk, base, spec, params, work.path());
      std::cout << " " << fmt(r.requests_per_second) << " req/s\n";
      return r;
    };
    std::vector<Row> rows;
    const LoadResult a_get = run(anchor.base_url(), nginx_get);
    rows.push_back({nginx_get.name, "anchor", 1, a_get, 0});
    rows.push_back(
        {sync.name, ">= 20000 polls/s", 1, run(server.base_url(), sync), a_get.requests_per_second});
    const LoadResult a_post = run(anchor.base_url(), nginx_post);
    rows.push_back({nginx_post.name, "anchor", 1, a_post, 0});
    rows.push_back({ingest.name, ">= 200000 events/s", static_cast<double>(opt.batch),
                    run(server.base_url(), ingest), a_post.requests_per_second});
    const LoadResult a_post_gz = run(anchor.base_url(), nginx_post_gz);
    rows.push_back({nginx_post_gz.name, "anchor", 1, a_post_gz, 0});
    rows.push_back({ingest_gz.name, ">= 200000 events/s", static_cast<double>(opt.gzip_batch),
                    run(server.base_url(), ingest_gz), a_post_gz.requests_per_second});

    const std::string load_after = load_average();
    const std::string results = table(rows);
    const double sync_rps = rows[1].result.requests_per_second;
    const double events_json = rows[3].result.requests_per_second * rows[3].items_per_request;
    const double events_gzip = rows[5].result.requests_per_second * rows[5].items_per_request;
    const auto verdict = [](double got, double target) {
      return got >= target ? std::string("met") : "NOT met (" + fmt(100.0 * got / target) + " % of target)";
    };
    std::ostringstream verdicts;
    verdicts << "- sync polls/s: " << fmt(sync_rps) << " vs 20000: " << verdict(sync_rps, 20000) << "\n"
             << "- ingested events/s, " << opt.batch << "-event JSON batches: " << fmt(events_json)
             << " vs 200000: " << verdict(events_json, 200000) << "\n"
             << "- ingested events/s, " << opt.gzip_batch << "-event gzip batches: " << fmt(events_gzip)
             << " vs 200000: " << verdict(events_gzip, 200000) << "\n";
    std::cout << "\n" << results << "\n" << verdicts.str();

    bool failed = false;
    if (static_cast<std::size_t>(rows[3].result.requests) > ingest.devices.size() * ingest.bodies.size() ||
        static_cast<std::size_t>(rows[5].result.requests) >
            ingest_gz.devices.size() * ingest_gz.bodies.size()) {
      std::cerr
          << "WARNING: more ingest requests than unique (device, key) pairs, some events were duplicates: "
             "raise kJsonBodies / kGzipBodies\n";
    }
    for (const auto &r : rows) {
      if (r.result.requests == 0 || r.result.non_2xx > 0 || r.result.socket_errors > 0) {
        std::cerr << "measurement '" << r.name << "' had errors:\n" << r.result.raw << "\n";
        failed = true;
      }
    }

    if (!opt.write_doc.empty()) {
      utsname u{};
      ::uname(&u);
      char date[32];
      const std::time_t now = std::time(nullptr);
      std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&now));
      std::ostringstream s;
      s << "## Server\n\n"
        << "`helpline-server` (" << HELPLINE_BUILD_TYPE
        << " build, SQLite WAL, `--threads 2`, `--access-log off`) and nginx "
        << "(`location / { return 204; }`, `worker_processes auto`, `access_log off`) measured in the same "
           "run "
        << "with wrk over 127.0.0.1 (wrk -t" << opt.threads << " -c" << opt.connections << ", " << opt.seconds
        << " s per row). Load generator, server and nginx share the same "
        << std::thread::hardware_concurrency() << " cores (" << cpu_model() << ", " << u.sysname << " "
        << u.release << "), measured " << date << "; 1-minute load average " << load_before << " before and "
        << load_after
        << " after the run (other work on the machine makes the absolute numbers noisy; the nginx rows show "
        << "what the same machine did at the same time).\n\n"
        << "- sync: 256 devices polling `GET /v1/sync?wait=0&cursor=<their cursor>` round-robin (nothing "
           "new: the "
        << "steady-state poll).\n"
        << "- ingest: `POST /v1/diagnostics/batch` from 64 devices, " << opt.batch
        << " events per JSON batch and " << opt.gzip_batch
        << " per gzip batch (pre-made bodies; every (device, idempotency key) pair is new for the first "
        << ingest.devices.size() * ingest.bodies.size() << " JSON / "
        << ingest_gz.devices.size() * ingest_gz.bodies.size() << " gzip requests and this run sent "
        << rows[3].result.requests << " / " << rows[5].result.requests
        << ", so every event was inserted, none deduplicated); items/s = requests/s x events per batch.\n"
        << "- vs nginx: server requests/s as a share of nginx's for the same request shape.\n\n"
        << results << "\n"
        << "Targets (2 cores): >= 20k sync polls/s, >= 200k ingested events/s.\n\n"
        << verdicts.str() << "\n"
        << "Reproduce (Release; the `bench` test preset runs the same measurement without writing this "
           "file):\n\n"
        << "```sh\ncmake --preset default && cmake --build --preset default --target helpline_server_bench\n"
        << "build/default/tests/bench/server/helpline_server_bench --duration " << opt.seconds
        << " --connections " << opt.connections << " --write-doc docs/PERFORMANCE.md\n"
        << "# or, for every benchmark: cmake --workflow --preset bench\n```\n";
      write_doc(opt.write_doc, s.str());
      std::cout << "wrote " << opt.write_doc << "\n";
    }
    return failed ? 1 : 0;
  } catch (const std::exception &e) {
    std::cerr << "helpline_server_bench: " << e.what() << "\n";
    return 1;
  }
}
