// Command-line flags of helpline-server (see --help and docs/protocol.md section 18).
#pragma once
#include "fault_injector.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace helpline::server {

struct ServeOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8787;
  std::string db = "./helpline.db";
  std::string config;
  int threads = 2;
  std::string access_log = "-";
  std::string access_log_key;  // empty: random per run
  std::string console_dir;     // empty: the default (installed share dir, else the source tree)
  std::string wordnet_dir;     // empty: server.json's wordnet_dir (default /usr/share/wordnet)
  bool test_mode = false;
  bool faults_enabled = false;
  FaultSettings faults;
  // Transport hardening (security issue #16).
  int max_connections = 10000;                    // open connections in all; more are closed on accept
  int max_connections_per_address = 256;          // open connections of one client IP
  int64_t max_inflight_body_bytes = 256LL << 20;  // memory all request bodies being read may take together
  double address_requests_per_second = 0;  // per-client-address bucket on device routes; 0: 10x the app's
  double address_burst = 0;                // per-device rate and burst
};

extern const char *const kUsage;

// Parses "HOST:PORT" / "[V6]:PORT"; throws std::invalid_argument.
void parse_listen(const std::string &arg, std::string &host, uint16_t &port);
// Throws std::invalid_argument with a message for the user.
ServeOptions parse_serve_options(const std::vector<std::string> &args);
// --flag value pairs for admin subcommands.
std::map<std::string, std::string> parse_flag_pairs(const std::vector<std::string> &args, size_t from);

}  // namespace helpline::server
