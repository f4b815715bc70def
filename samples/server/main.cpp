// helpline-server: entry point (serve, or `admin` subcommands).
#include "access_log.hpp"
#include "admin_command.hpp"
#include "api/api.hpp"
#include "change_notifier.hpp"
#include "cli_options.hpp"
#include "config.hpp"
#include "fault_injector.hpp"
#include "http_server.hpp"
#include "otlp/otlp_exporter.hpp"
#include "password.hpp"
#include "rate_limiter.hpp"
#include "store/sqlite/sqlite_schema.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>

using namespace helpline::server;

namespace {

// --console-dir, else <prefix>/share/helpline/console next to an installed binary, else the source tree.
std::string console_dir(const ServeOptions &opts) {
  if (!opts.console_dir.empty()) return opts.console_dir;
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto installed = exe.parent_path().parent_path() / "share" / "helpline" / "console";
    if (std::filesystem::exists(installed / "index.html", ec)) return installed.string();
  }
  return HELPLINE_CONSOLE_SOURCE_DIR;
}

}  // namespace

int main(int argc, char **argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  for (const auto &a : args) {
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (a == "--version") {
      std::cout << "helpline-server " HELPLINE_SERVER_VERSION " (protocol v1)\n";
      return 0;
    }
  }
  if (!args.empty() && args[0] == "admin") return run_admin({args.begin() + 1, args.end()});

  ServeOptions opts;
  ServerConfig config;
  try {
    opts = parse_serve_options(args);
    if (!opts.config.empty())
      load_config(opts.config, config);
    else
      std::cerr << "helpline-server: no --config given: no apps are configured, every request will be 401\n";
    if (!opts.wordnet_dir.empty()) config.wordnet_dir = opts.wordnet_dir;
  } catch (const std::exception &e) {
    std::cerr << "helpline-server: " << e.what() << "\n";
    return 2;
  }
  std::signal(SIGPIPE, SIG_IGN);
  try {
    password_init();
    SqliteStore store(opts.db);
    ChangeNotifier notifier;
    RateLimiter limiter;
    FaultInjector faults(opts.faults);
    AccessLog log(opts.access_log, opts.access_log_key);
    Api api(config, store, notifier, limiter, faults, opts.test_mode);
    api.set_console_dir(console_dir(opts));
    api.set_address_limits(opts.address_requests_per_second,
                           opts.address_burst > 0 ? opts.address_burst : opts.address_requests_per_second);
    std::unique_ptr<OtlpExporter> otlp;
    if (config.otlp) {
      otlp = std::make_unique<OtlpExporter>(*config.otlp, store);
      api.set_otlp(otlp.get());
    }
    api.init();
    ListenOptions lo;
    lo.host = opts.host;
    lo.port = opts.port;
    lo.threads = opts.threads;
    lo.faults_enabled = opts.faults_enabled;
    lo.largest_body = config.largest_body_limit();
    lo.max_connections = static_cast<size_t>(opts.max_connections);
    lo.max_connections_per_address = static_cast<size_t>(opts.max_connections_per_address);
    lo.max_inflight_body_bytes = opts.max_inflight_body_bytes;
    HttpServer server(api, faults, log, notifier, lo);
    uint16_t port = server.listen();
    std::string shown = opts.host.find(':') != std::string::npos ? "[" + opts.host + "]" : opts.host;
    std::printf("listening on %s:%u\n", shown.c_str(), static_cast<unsigned>(port));
    std::fflush(stdout);
    server.run();
    api.stop();
    if (otlp) otlp->stop(2000);
    std::cerr << "helpline-server: shut down cleanly\n";
    return 0;
  } catch (const SchemaTooNew &e) {
    std::cerr << "helpline-server: " << e.what() << "\n";
    return 3;
  } catch (const std::exception &e) {
    std::cerr << "helpline-server: " << e.what() << "\n";
    return 1;
  }
}
