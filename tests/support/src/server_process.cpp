#include "helpline/testing/server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <regex>
#include <stdexcept>
#include <thread>

#include "helpline/testing/http_client.hpp"

namespace helpline::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

/// fork + exec `argv` with stdout and stderr appended to `log`. The child dies with the test process (a
/// crashed or timed-out test must not leave servers behind).
pid_t spawn(const std::vector<std::string> &args, const std::filesystem::path &log,
            const std::filesystem::path &cwd) {
  std::vector<char *> argv;
  argv.reserve(args.size() + 1);
  for (const auto &a : args) argv.push_back(const_cast<char *>(a.c_str()));
  argv.push_back(nullptr);
  const std::string log_path = log.string();
  const std::string dir = cwd.string();
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || null_fd < 0) ::_exit(126);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    if (::chdir(dir.c_str()) != 0) ::_exit(125);
    ::execv(argv[0], argv.data());
    ::_exit(124);
  }
  return pid;
}

ExitStatus decode(int status) {
  ExitStatus s;
  if (WIFEXITED(status)) {
    s.exited = true;
    s.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    s.signal = WTERMSIG(status);
  }
  return s;
}

/// Waits for `pid` until `deadline`; true (and `status` set) when it was reaped.
bool reap_until(pid_t pid, Clock::time_point deadline, int &status) {
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return true;
    if (r < 0 && errno != EINTR) {
      status = 0;
      return true;  // not our child any more: nothing left to wait for
    }
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(5));
  }
}

std::atomic<int> g_sanitizer_reports{0};

}  // namespace

int sanitizer_reports_seen() {
  return g_sanitizer_reports.load();
}

void ServerProcess::scan_for_sanitizer_reports() {
  const std::string text = log();
  if (text.size() <= scanned_) return;
  const std::string fresh = text.substr(scanned_);
  scanned_ = text.size();
  for (const char *marker :
       {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "WARNING: ThreadSanitizer", "runtime error:"}) {
    std::size_t pos = 0;
    while ((pos = fresh.find(marker, pos)) != std::string::npos) {
      ++g_sanitizer_reports;
      const std::size_t end = std::min(fresh.size(), pos + 4000);
      std::cerr << "helpline-server sanitizer report (" << dir().string() << "/server.log):\n"
                << fresh.substr(pos, end - pos) << "\n";
      pos += std::string(marker).size();
    }
  }
}

std::string server_binary() {
#ifdef HELPLINE_SERVER_BIN
  return HELPLINE_SERVER_BIN;
#else
#error "HELPLINE_SERVER_BIN must be defined by CMake"
#endif
}

ServerProcess::ServerProcess(ServerConfig config, bool start_now)
    : config_(std::move(config)), dir_("helpline-server-") {
  write_file(config_path(), render_server_config(config_));
  if (start_now) start();
}

ServerProcess::~ServerProcess() {
  try {
    stop(std::chrono::seconds(5));
  } catch (...) {
    // A destructor must not throw; the child is SIGKILLed on our exit anyway (PDEATHSIG).
  }
}

std::string ServerProcess::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

void ServerProcess::start() {
  if (pid_ > 0 && running()) return;
  // Restarting on a fixed port can race with the old socket going away: retry a few times.
  std::string last_error;
  for (int attempt = 0; attempt < (port_ == 0 ? 1 : 5); ++attempt) {
    try {
      start_once();
      return;
    } catch (const std::exception &e) {
      last_error = e.what();
      std::this_thread::sleep_for(milliseconds(200));
    }
  }
  throw std::runtime_error(last_error);
}

void ServerProcess::start_once() {
  const std::size_t log_offset = log().size();
  std::vector<std::string> args{server_binary(),
                                "--listen",
                                "127.0.0.1:" + std::to_string(port_),
                                "--db",
                                db_path().string(),
                                "--config",
                                config_path().string()};
  const std::vector<std::string> flags = server_flags(config_);
  args.insert(args.end(), flags.begin(), flags.end());
  pid_ = spawn(args, log_path(), dir());

  const auto deadline = Clock::now() + std::chrono::seconds(20);
  if (!wait_for_listening(deadline, log_offset) || !wait_for_health(deadline)) {
    const ExitStatus how = stop(milliseconds(2000));
    throw std::runtime_error("helpline-server did not start (exit code " + std::to_string(how.code) +
                             ", signal " + std::to_string(how.signal) + "); log:\n" +
                             log().substr(log_offset));
  }
}

bool ServerProcess::wait_for_listening(Clock::time_point deadline, std::size_t log_offset) {
  static const std::regex kListening(R"(listening on 127\.0\.0\.1:(\d+))");
  while (Clock::now() < deadline) {
    const std::string out = log();
    std::smatch m;
    const std::string fresh = out.size() > log_offset ? out.substr(log_offset) : std::string();
    if (std::regex_search(fresh, m, kListening)) {
      const int port = std::stoi(m[1].str());
      if (port_ != 0 && port != port_) return false;
      port_ = port;
      return true;
    }
    if (!running()) return false;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return false;
}

bool ServerProcess::wait_for_health(Clock::time_point deadline) {
  HttpClient http(base_url());
  while (Clock::now() < deadline) {
    Request req;
    req.path = "/v1/health";
    req.timeout_ms = 2000;
    if (http.send(req).status == 200) return true;
    if (!running()) return false;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return false;
}

bool ServerProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  pid_ = -1;  // exited (r == pid) or not ours any more
  scan_for_sanitizer_reports();
  return false;
}

void ServerProcess::signal_terminate() {
  send_signal(SIGTERM);
}

void ServerProcess::send_signal(int signal) {
  if (pid_ > 0) ::kill(pid_, signal);
}

ExitStatus ServerProcess::wait_exit(milliseconds timeout) {
  if (pid_ <= 0) return {};
  const auto start = Clock::now();
  int status = 0;
  bool killed = false;
  if (!reap_until(pid_, start + timeout, status)) {
    ::kill(pid_, SIGKILL);
    killed = true;
    reap_until(pid_, Clock::now() + std::chrono::seconds(10), status);
  }
  pid_ = -1;
  ExitStatus s = decode(status);
  s.killed = killed;
  s.took = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  return s;
}

ExitStatus ServerProcess::stop(milliseconds grace) {
  if (pid_ <= 0) return {};
  signal_terminate();
  return wait_exit(grace);
}

ExitStatus ServerProcess::kill() {
  if (pid_ <= 0) return {};
  ::kill(pid_, SIGKILL);
  return wait_exit(std::chrono::seconds(10));
}

CommandResult ServerProcess::run_command(const std::vector<std::string> &args, milliseconds timeout) const {
  std::vector<std::string> argv{server_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--db", db_path().string()});
  const auto out_path = dir() / "command.log";
  std::filesystem::remove(out_path);
  const pid_t pid = spawn(argv, out_path, dir());
  int status = 0;
  CommandResult result;
  if (!reap_until(pid, Clock::now() + timeout, status)) {
    ::kill(pid, SIGKILL);
    reap_until(pid, Clock::now() + std::chrono::seconds(10), status);
    result.exit_code = -1;
  } else {
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  result.output = read_file_if_exists(out_path);
  return result;
}

}  // namespace helpline::testing
