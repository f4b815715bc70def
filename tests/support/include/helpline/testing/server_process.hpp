#pragma once
// ServerProcess: the real helpline-server binary, on 127.0.0.1, with its own temp dir, config and database.
//
//   helpline::testing::ServerProcess server;          // starts, waits for GET /v1/health == 200
//   helpline::testing::HttpClient http(server.base_url());
//   ...
//   server.stop();  server.start();                   // "server down, then up": same DB, same port
//
// The destructor stops the server (SIGTERM, then SIGKILL after a bounded wait) and removes the temp dir.
// Only 127.0.0.1 is ever used. Not thread-safe: one test thread drives one ServerProcess. The server gets
// SIGKILL when the thread that started it exits (PR_SET_PDEATHSIG, so a crashed test leaves no server
// behind): call start() from a thread that outlives the server, normally the test's main thread.

#include <sys/types.h>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "helpline/testing/server_config.hpp"
#include "helpline/testing/temp_dir.hpp"

namespace helpline::testing {

/// The helpline-server binary the fixture runs (set by CMake from the helpline-server target).
std::string server_binary();

/// Sanitizer reports (ASan, LSan, TSan, UBSan) found in the logs of every server this process has stopped so
/// far. ServerProcess prints each report to stderr when it stops a server; a test program should check this
/// is 0 at the end (the server tests do, in a global fixture), because a report inside the server fails no
/// request.
int sanitizer_reports_seen();

/// How a stopped server ended.
struct ExitStatus {
  bool exited = false;  ///< it exited by itself (then `code` holds the exit code)
  int code = -1;
  int signal = 0;       ///< the signal that ended it, when it did not exit by itself
  bool killed = false;  ///< the fixture had to SIGKILL it because it ignored SIGTERM for too long
  std::chrono::milliseconds took{0};  ///< from the first signal to reaping the process
};

/// Output of a one-shot run of the binary (e.g. `helpline-server admin ...`).
struct CommandResult {
  int exit_code = -1;
  std::string output;  ///< stdout and stderr, interleaved
};

class ServerProcess {
 public:
  /// Writes server.json and starts the server. Throws std::runtime_error (with the server log) when the
  /// server does not print `listening on 127.0.0.1:<port>` and answer /v1/health within `start_timeout`.
  explicit ServerProcess(ServerConfig config = {}, bool start_now = true);
  ~ServerProcess();
  ServerProcess(const ServerProcess &) = delete;
  ServerProcess &operator=(const ServerProcess &) = delete;

  /// Starts the server. The first start asks for port 0; later starts reuse the port of the first, so a
  /// client configured with base_url() reaches the restarted server. No-op when already running.
  void start();
  /// Graceful stop: SIGTERM, wait up to `grace`, then SIGKILL. Returns how it ended. No-op (and a default
  /// ExitStatus) when not running.
  ExitStatus stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
  /// Sends SIGTERM and returns at once; collect the result with wait_exit(). For shutdown tests.
  void signal_terminate();
  /// Sends `signal` (e.g. SIGINT, SIGSTOP, SIGCONT) to the server process, if running.
  void send_signal(int signal);
  /// Waits up to `timeout` for the process to end; SIGKILLs it after that (ExitStatus::killed).
  ExitStatus wait_exit(std::chrono::milliseconds timeout);
  /// SIGKILL at once (a crash, from the clients' point of view).
  ExitStatus kill();
  /// Whether the process is alive (reaps it when it has exited).
  bool running();

  /// The port; 0 until the first start.
  int port() const { return port_; }
  /// "http://127.0.0.1:<port>"
  std::string base_url() const;
  const std::filesystem::path &dir() const { return dir_.path(); }
  std::filesystem::path db_path() const { return dir_ / "helpline.db"; }
  std::filesystem::path config_path() const { return dir_ / "server.json"; }
  std::filesystem::path log_path() const { return dir_ / "server.log"; }
  /// Everything the server printed so far (stdout and stderr, all starts).
  std::string log() const { return read_file_if_exists(log_path()); }
  const ServerConfig &config() const { return config_; }

  /// Runs `helpline-server <args...> --db <db>` to completion (the admin commands), with
  /// a bounded wait (then it is killed and exit_code is -1).
  CommandResult run_command(const std::vector<std::string> &args,
                            std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;

 private:
  void start_once();
  bool wait_for_listening(std::chrono::steady_clock::time_point deadline, std::size_t log_offset);
  bool wait_for_health(std::chrono::steady_clock::time_point deadline);
  void scan_for_sanitizer_reports();

  ServerConfig config_;
  TempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::size_t scanned_ = 0;  // log bytes already scanned for sanitizer reports
};

}  // namespace helpline::testing
