#pragma once
// One wrk measurement: a Lua script that rotates requests over devices and pre-made bodies, for a bounded
// duration, against 127.0.0.1.

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace helpline::bench {

struct LoadSpec {
  std::string name;  ///< row label in the results table
  std::string method = "GET";
  std::string path;                                          ///< e.g. "/v1/sync"
  std::vector<std::pair<std::string, std::string>> headers;  ///< fixed headers
  /// Request bodies sent round-robin (already gzipped if Content-Encoding says so); empty: no body.
  std::vector<std::string> bodies;
  std::string device_header;  ///< header carrying a device id rotated over `devices`
  std::vector<std::string> devices;
  /// Per-device paths (same order as `devices`), e.g. each device's own sync cursor; empty: always `path`.
  std::vector<std::string> device_paths;
  double items_per_request = 1;  ///< e.g. events per batch, to report items/s
};

struct LoadResult {
  double requests_per_second = 0;
  long long requests = 0;
  long long non_2xx = 0;
  long long socket_errors = 0;
  std::string latency_avg;
  std::string latency_p99;
  std::string raw;  ///< wrk's output
};

struct LoadParams {
  int seconds = 5;
  int connections = 32;
  int threads = 1;
};

/// wrk's absolute path, or empty when it is not installed.
std::string find_wrk();

/// Runs wrk with `spec` against `base_url` (http://127.0.0.1:<port>); `work` receives the script and body
/// files.
LoadResult run_load(const std::string &wrk, const std::string &base_url, const LoadSpec &spec,
                    const LoadParams &params, const std::filesystem::path &work);

}  // namespace helpline::bench
