#pragma once
// A child process with its stdout on a pipe (e.g. the sdk_child host the crash tests kill): spawn, read lines
// as they come, SIGKILL, reap. For Boost.Test programs (kill9 checks how the child ended).

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "helpline/testing/clock.hpp"

namespace helpline::testing {

class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string> &args) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    std::vector<char *> argv;
    for (const auto &a : args) argv.push_back(const_cast<char *>(a.c_str()));
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::dup2(fds[1], 1);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    fd_ = fds[0];
  }
  ~ChildProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      wait();
    }
    if (fd_ >= 0) ::close(fd_);
  }
  ChildProcess(const ChildProcess &) = delete;
  ChildProcess &operator=(const ChildProcess &) = delete;

  /// Reads what is available until `deadline_ns` (CLOCK_MONOTONIC) or EOF; returns false at EOF.
  bool read_until(long long deadline_ns) {
    while (true) {
      long long left_ms = (deadline_ns - mono_ns()) / 1000000;
      if (left_ms < 0) return true;
      pollfd p{fd_, POLLIN, 0};
      int r = ::poll(&p, 1, static_cast<int>(left_ms));
      if (r <= 0) continue;
      char buf[65536];
      ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n <= 0) return false;
      out_.append(buf, static_cast<size_t>(n));
    }
  }
  /// Reads until a line starting with `prefix` is complete, or the deadline; returns whether it came.
  bool wait_for_line(const std::string &prefix, long long deadline_ns) {
    while (!has_line(prefix)) {
      if (mono_ns() >= deadline_ns) return false;
      long long step = std::min(deadline_ns, mono_ns() + 5000000LL);
      if (!read_until(step) && !has_line(prefix)) return false;
    }
    return true;
  }
  /// Reads everything until EOF (the child is gone) or `timeout_ms`.
  void read_all(int timeout_ms) {
    long long deadline = mono_ns() + static_cast<long long>(timeout_ms) * 1000000LL;
    while (mono_ns() < deadline && read_until(std::min(deadline, mono_ns() + 20000000LL))) {
    }
  }
  void kill_now() { ::kill(pid_, SIGKILL); }
  /// Reaps the child; returns the raw wait status.
  int wait() {
    int status = 0;
    if (pid_ > 0) {
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
    }
    return status;
  }
  const std::string &output() const { return out_; }
  std::vector<std::string> lines() const {
    std::vector<std::string> v;
    size_t pos = 0;
    while (true) {
      size_t end = out_.find('\n', pos);
      if (end == std::string::npos) break;  // an incomplete last line is ignored (killed mid-write)
      v.push_back(out_.substr(pos, end - pos));
      pos = end + 1;
    }
    return v;
  }

  /// The value after "<prefix> " of the first complete line starting with it ("" when none).
  std::string line_value(const std::string &prefix) const {
    for (const auto &l : lines()) {
      if (l.rfind(prefix + " ", 0) == 0) return l.substr(prefix.size() + 1);
    }
    return "";
  }
  /// Whether a complete line is exactly `line`.
  bool has_exact_line(const std::string &line) const {
    for (const auto &l : lines()) {
      if (l == line) return true;
    }
    return false;
  }

 private:
  bool has_line(const std::string &prefix) const {
    for (const auto &l : lines()) {
      if (l.rfind(prefix, 0) == 0) return true;
    }
    return false;
  }
  pid_t pid_ = -1;
  int fd_ = -1;
  std::string out_;
};

/// SIGKILLs the child, reads what it wrote and reaps it; checks that SIGKILL is what ended it.
inline void kill9(ChildProcess &child) {
  child.kill_now();
  child.read_all(2000);
  int status = child.wait();
  BOOST_CHECK_MESSAGE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                      "the child was not killed by SIGKILL");
}

}  // namespace helpline::testing
