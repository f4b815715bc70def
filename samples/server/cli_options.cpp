#include "cli_options.hpp"

#include <stdexcept>

namespace helpline::server {

const char *const kUsage =
    "usage: helpline-server [options]\n"
    "       helpline-server admin add-agent --db FILE --app APP_KEY --email E --password P [--role "
    "agent|admin]\n"
    "                                       [--name N]\n"
    "       helpline-server admin list-agents --db FILE --app APP_KEY\n"
    "\n"
    "Reference backend of the Helpline protocol v1 (docs/protocol.md).\n"
    "\n"
    "options:\n"
    "  --listen HOST:PORT        address to bind (default 127.0.0.1:8787); port 0 = ephemeral. Prints\n"
    "                            'listening on HOST:PORT' on stdout once ready.\n"
    "  --db FILE                 SQLite database, created and migrated if needed (default ./helpline.db)\n"
    "  --config FILE             server.json with the apps (app_key, app_secret, name, limits, settings)\n"
    "  --threads N               I/O threads (default 2)\n"
    "  --access-log -|off|FILE   one JSON line per request (default - = stderr)\n"
    "  --access-log-key KEY      key of the device-id pseudonyms in the access log (default: random per "
    "run;\n"
    "                            a fixed key keeps them comparable across restarts)\n"
    "  --console-dir DIR         static files of the agent web console served at /console/ (default:\n"
    "                            <prefix>/share/helpline/console if installed, else the source tree's)\n"
    "  --wordnet-dir DIR         WordNet database for the FAQ's query expansions (default: server.json's\n"
    "                            wordnet_dir, else /usr/share/wordnet); without one, agents' and learned\n"
    "                            expansions only\n"
    "  --test-mode               enable /v1/_test/* controls (fault injection, pause, limits, tokens,\n"
    "                            clock)\n"
    "  --fault-5xx-percent N     answer N% of requests with 500/503 before handling them\n"
    "  --fault-429-percent N     answer N% of requests with 429 + Retry-After: 1\n"
    "  --fault-drop-percent N    execute N% of requests, then cut the connection mid-response\n"
    "  --fault-delay-ms N        delay every request by N ms\n"
    "  --fault-seed N            deterministic fault draws\n"
    "  --max-connections N       open connections in all (default 10000); more are closed on accept\n"
    "  --max-connections-per-address N\n"
    "                            open connections from one client IP (default 256)\n"
    "  --max-inflight-body-bytes N\n"
    "                            memory all request bodies being received may take together (default\n"
    "                            268435456 = 256 MiB); a body that does not fit is 503 + Retry-After.\n"
    "                            Attachment uploads are spooled to a temporary file and do not count\n"
    "  --address-requests-per-second N, --address-burst N\n"
    "                            token bucket per client address on device routes, next to the per-device\n"
    "                            one (default 0: ten times the app's device_requests_per_second and\n"
    "                            device_burst)\n"
    "  --help                    this text\n"
    "  --version                 print the version\n"
    "\n"
    "exit codes: 0 clean shutdown (SIGTERM/SIGINT), 1 runtime error, 2 bad flags or config, 3 database "
    "refused\n";

void parse_listen(const std::string &arg, std::string &host, uint16_t &port) {
  size_t colon = arg.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == arg.size())
    throw std::invalid_argument("--listen: expected HOST:PORT, got '" + arg + "'");
  host = arg.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host == "localhost") host = "127.0.0.1";
  std::string p = arg.substr(colon + 1);
  for (char c : p)
    if (c < '0' || c > '9') throw std::invalid_argument("--listen: bad port '" + p + "'");
  unsigned long v = std::stoul(p);
  if (v > 65535) throw std::invalid_argument("--listen: port out of range");
  port = static_cast<uint16_t>(v);
}

namespace {

int to_int(const std::string &flag, const std::string &v, int lo, int hi) {
  try {
    size_t used = 0;
    long long n = std::stoll(v, &used);
    if (used != v.size() || n < lo || n > hi) throw std::invalid_argument("range");
    return static_cast<int>(n);
  } catch (const std::exception &) {
    throw std::invalid_argument(flag + ": expected an integer in " + std::to_string(lo) + ".." +
                                std::to_string(hi));
  }
}

int64_t to_int64(const std::string &flag, const std::string &v, int64_t lo, int64_t hi) {
  try {
    size_t used = 0;
    long long n = std::stoll(v, &used);
    if (used != v.size() || n < lo || n > hi) throw std::invalid_argument("range");
    return n;
  } catch (const std::exception &) {
    throw std::invalid_argument(flag + ": expected an integer in " + std::to_string(lo) + ".." +
                                std::to_string(hi));
  }
}

}  // namespace

ServeOptions parse_serve_options(const std::vector<std::string> &args) {
  ServeOptions o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &a = args[i];
    auto value = [&]() -> const std::string & {
      if (i + 1 >= args.size()) throw std::invalid_argument(a + ": missing value");
      return args[++i];
    };
    if (a == "--listen")
      parse_listen(value(), o.host, o.port);
    else if (a == "--db")
      o.db = value();
    else if (a == "--config")
      o.config = value();
    else if (a == "--threads")
      o.threads = to_int(a, value(), 1, 64);
    else if (a == "--access-log")
      o.access_log = value();
    else if (a == "--access-log-key")
      o.access_log_key = value();
    else if (a == "--console-dir")
      o.console_dir = value();
    else if (a == "--wordnet-dir")
      o.wordnet_dir = value();
    else if (a == "--test-mode")
      o.test_mode = true;
    else if (a == "--fault-5xx-percent")
      o.faults.fault_5xx_percent = to_int(a, value(), 0, 100);
    else if (a == "--fault-429-percent")
      o.faults.fault_429_percent = to_int(a, value(), 0, 100);
    else if (a == "--fault-drop-percent")
      o.faults.drop_percent = to_int(a, value(), 0, 100);
    else if (a == "--fault-delay-ms")
      o.faults.delay_ms = to_int(a, value(), 0, 600000);
    else if (a == "--fault-seed")
      o.faults.seed = static_cast<uint64_t>(std::stoull(value()));
    else if (a == "--max-connections")
      o.max_connections = to_int(a, value(), 1, 1000000);
    else if (a == "--max-connections-per-address")
      o.max_connections_per_address = to_int(a, value(), 1, 1000000);
    else if (a == "--max-inflight-body-bytes")
      o.max_inflight_body_bytes = to_int64(a, value(), 4096, int64_t(1) << 40);
    else if (a == "--address-requests-per-second")
      o.address_requests_per_second = to_int(a, value(), 0, 1000000);
    else if (a == "--address-burst")
      o.address_burst = to_int(a, value(), 0, 1000000);
    else
      throw std::invalid_argument("unknown option '" + a + "' (see --help)");
  }
  if (o.faults.fault_5xx_percent + o.faults.fault_429_percent + o.faults.drop_percent > 100)
    throw std::invalid_argument("fault percentages add up to more than 100");
  o.faults_enabled = o.test_mode || o.faults.fault_5xx_percent || o.faults.fault_429_percent ||
                     o.faults.drop_percent || o.faults.delay_ms;
  return o;
}

std::map<std::string, std::string> parse_flag_pairs(const std::vector<std::string> &args, size_t from) {
  std::map<std::string, std::string> out;
  for (size_t i = from; i < args.size(); i += 2) {
    if (args[i].rfind("--", 0) != 0 || i + 1 >= args.size())
      throw std::invalid_argument("expected --flag value pairs, got '" + args[i] + "'");
    out[args[i].substr(2)] = args[i + 1];
  }
  return out;
}

}  // namespace helpline::server
