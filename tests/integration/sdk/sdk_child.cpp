// sdk_child: a small host process for the SDK tests that must kill, limit or de-privilege the process using
// the SDK. Output goes to stdout with write(2) (unbuffered), one line per fact, for the parent test to parse.
//
//   sdk_child trial    <data_dir> <endpoint> <run> <seq_base> <offline 0|1> <pause_us>
//       open, print "R <mono_ns>", then enqueue forever (every 4th item a survey answer, the rest
//       diagnostics) and after each HELPLINE_OK print "<seq> <CLOCK_MONOTONIC ns> <stats.committed> <ns of
//       that reading>". The parent SIGKILLs it.
//   sdk_child diskfull <data_dir> <run> <max_file_bytes>
//       RLIMIT_FSIZE = max_file_bytes (SIGXFSZ ignored), network off; enqueue survey answers one at a time,
//       print "C <seq>" once an item is committed; on HELPLINE_EVENT_STORE_ERROR print "E <json>", try one
//       more item and print "S <status>", then close and print "CLOSE <status>".
//   sdk_child open     <data_dir> <uid or -1>
//       drop to uid (and gid) when given, helpline_open, print "OPEN <status> <last_error>".
//   sdk_child script   <data_dir> <endpoint or -> <command>...
//       open (long-poll off), print "OPEN", print every event as "E <type> <json>", then run the commands
//       in order: offline | online | ticket:<subject> (body "<subject> body", prints "T <id>") | use:<ticket
//       id> | msg:<body> ("M <id>") | attach:<path> ("A <id>") | commit (waits until nothing waits for the
//       group commit, "C") | flush (until delivered, "F"; "FT" after 30 s) | uploading (waits for an
//       attachment "uploading" event, "U") | identify:<user>:<jwt> | erase (helpline_erase_all; "R <status>"
//       when it returned) | erase9 (the same, then SIGKILL to itself) | hold ("H", then sleeps until killed;
//       30 s at most). A failed call prints "X <command> <status> <last_error>". At the end: close and "END".
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>
#include <string>
#include <thread>

#include "helpline/helpline.h"
#include "helpline/testing/clock.hpp"
#include "helpline/testing/sdk.hpp"

namespace {

using helpline::testing::mono_ns;
using helpline::testing::stat_of;

void out(const std::string &line) {
  std::string l = line + "\n";
  const char *p = l.data();
  size_t left = l.size();
  while (left > 0) {
    ssize_t n = ::write(1, p, left);
    if (n <= 0) return;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

std::mutex g_mu;
std::string g_store_error;  // first HELPLINE_EVENT_STORE_ERROR payload

void on_event(void *, helpline_event_type_t type, const char *json) {
  if (type != HELPLINE_EVENT_STORE_ERROR) return;
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_store_error.empty()) g_store_error = json;
}

helpline_t *open_or_die(const std::string &data_dir, const std::string &endpoint, bool with_events) {
  helpline_options_t *o = helpline_options_new();
  if (!endpoint.empty()) helpline_options_set_endpoint(o, endpoint.c_str());
  helpline_options_set_app_key(o, "test-app-key");
  helpline_options_set_data_dir(o, data_dir.c_str());
  helpline_options_set_long_poll(o, 0);
  if (with_events) helpline_options_set_event_callback(o, &on_event, nullptr);
  helpline_t *h = nullptr;
  helpline_status_t s = helpline_open(o, &h);
  if (s != HELPLINE_OK) {
    out(std::string("OPENFAIL ") + helpline_status_str(s) + " " + helpline_last_error(nullptr));
    std::exit(3);
  }
  return h;
}

int trial(char **argv) {
  const std::string data_dir = argv[2], endpoint = argv[3], run = argv[4];
  const long long base = std::atoll(argv[5]);
  const bool offline = std::atoi(argv[6]) != 0;
  const int pause_us = std::atoi(argv[7]);
  helpline_t *h = open_or_die(data_dir, endpoint, false);
  if (offline) helpline_set_network_available(h, 0);
  helpline_set_consent(h, HELPLINE_CONSENT_DIAGNOSTICS, 1);
  out("R " + std::to_string(mono_ns()));
  const long long start = mono_ns();
  for (long long i = 0;; ++i) {
    if (mono_ns() - start > 10LL * 1000000000LL) break;  // the parent forgot us: never run forever
    const long long seq = base + i;
    helpline_status_t s;
    if (i % 4 == 0) {
      std::string comment = run + "#" + std::to_string(seq);
      s = helpline_survey_submit(h, HELPLINE_SURVEY_CSAT, 1 + static_cast<int>(seq % 5), nullptr,
                                 comment.c_str());
    } else {
      std::string attrs = "{\"run\":\"" + run + "\",\"seq\":" + std::to_string(seq) + "}";
      s = helpline_diagnostics_send(h, "kill_trial", attrs.c_str());
    }
    if (s == HELPLINE_OK) {
      const long long accepted_ns = mono_ns();
      // Third column: items this process has committed so far (stats "committed"); items are committed in
      // order, so it proves which of the accepted items were on disk at that moment.
      out(std::to_string(seq) + " " + std::to_string(accepted_ns) + " " +
          std::to_string(stat_of(h, "committed")) + " " + std::to_string(mono_ns()));
    } else {
      out("X " + std::to_string(seq) + " " + helpline_status_str(s));
    }
    if (pause_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(pause_us));
  }
  helpline_close(h, 0);
  return 0;
}

int diskfull(char **argv) {
  const std::string data_dir = argv[2], run = argv[3];
  rlimit lim{};
  lim.rlim_cur = lim.rlim_max = static_cast<rlim_t>(std::atoll(argv[4]));
  std::signal(SIGXFSZ, SIG_IGN);  // writes past the limit fail with EFBIG instead of killing us
  if (setrlimit(RLIMIT_FSIZE, &lim) != 0) {
    out("SETRLIMIT failed");
    return 2;
  }
  helpline_t *h = open_or_die(data_dir, "http://127.0.0.1:9", true);
  helpline_set_network_available(h, 0);
  const std::string pad(600, 'p');
  for (long long seq = 0; seq < 20000; ++seq) {
    std::string comment = run + "#" + std::to_string(seq) + "|" + pad;
    helpline_status_t s = helpline_survey_submit(h, HELPLINE_SURVEY_CES, 3, nullptr, comment.c_str());
    if (s != HELPLINE_OK) {
      out("S " + std::string(helpline_status_str(s)) + " (before any store error event)");
      break;
    }
    // Committed when nothing waits in the hand-off buffer any more; a failing commit keeps it there.
    bool committed = false;
    for (int i = 0; i < 5000 && !committed; ++i) {
      {
        std::lock_guard<std::mutex> lock(g_mu);
        if (!g_store_error.empty()) break;
      }
      committed = stat_of(h, "pending_commit") == 0;
      if (!committed) std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    if (committed) {
      out("C " + std::to_string(seq));
      continue;
    }
    std::string err;
    {
      std::lock_guard<std::mutex> lock(g_mu);
      err = g_store_error;
    }
    if (err.empty()) {
      out("STUCK " + std::to_string(seq));
      break;
    }
    out("E " + err);
    std::string more = run + "#after";
    helpline_status_t again = helpline_survey_submit(h, HELPLINE_SURVEY_CES, 3, nullptr, more.c_str());
    out("S " + std::string(helpline_status_str(again)));
    break;
  }
  helpline_status_t closed = helpline_close(h, 0);
  out("CLOSE " + std::string(helpline_status_str(closed)));
  return 0;
}

int open_only(char **argv) {
  const std::string data_dir = argv[2];
  const int uid = std::atoi(argv[3]);
  if (uid >= 0) {
    if (setgid(static_cast<gid_t>(uid)) != 0 || setuid(static_cast<uid_t>(uid)) != 0) {
      out("SETUID failed");
      return 2;
    }
  }
  helpline_options_t *o = helpline_options_new();
  helpline_options_set_app_key(o, "test-app-key");
  helpline_options_set_endpoint(o, "http://127.0.0.1:9");
  helpline_options_set_data_dir(o, data_dir.c_str());
  helpline_options_set_long_poll(o, 0);
  helpline_t *h = nullptr;
  helpline_status_t s = helpline_open(o, &h);
  out(std::string("OPEN ") + helpline_status_str(s) + " " + helpline_last_error(nullptr));
  if (s == HELPLINE_OK) helpline_close(h, 0);
  return 0;
}

}  // namespace

static std::atomic<bool> g_uploading{false};

static void on_script_event(void *, helpline_event_type_t type, const char *json) {
  if (type == HELPLINE_EVENT_ATTACHMENT && std::strstr(json, "\"uploading\"") != nullptr) g_uploading = true;
  out("E " + std::to_string(type) + " " + json);
}

static int script(int argc, char **argv) {
  const std::string data_dir = argv[2], endpoint = argv[3];
  helpline_options_t *o = helpline_options_new();
  if (endpoint != "-") helpline_options_set_endpoint(o, endpoint.c_str());
  helpline_options_set_app_key(o, "test-app-key");
  helpline_options_set_data_dir(o, data_dir.c_str());
  helpline_options_set_long_poll(o, 0);
  helpline_options_set_event_callback(o, &on_script_event, nullptr);
  helpline_t *h = nullptr;
  helpline_status_t s = helpline_open(o, &h);
  if (s != HELPLINE_OK) {
    out(std::string("OPENFAIL ") + helpline_status_str(s) + " " + helpline_last_error(nullptr));
    return 3;
  }
  out("OPEN");
  std::string ticket;
  auto failed = [&](const std::string &cmd, helpline_status_t st) {
    out("X " + cmd + " " + helpline_status_str(st) + " " + helpline_last_error(h));
  };
  for (int i = 4; i < argc; ++i) {
    const std::string cmd = argv[i];
    const auto colon = cmd.find(':');
    const std::string verb = cmd.substr(0, colon);
    const std::string arg = colon == std::string::npos ? std::string() : cmd.substr(colon + 1);
    if (verb == "offline" || verb == "online") {
      helpline_set_network_available(h, verb == "online" ? 1 : 0);
    } else if (verb == "ticket") {
      char *id = nullptr;
      const std::string body = arg + " body";
      s = helpline_ticket_create(h, arg.c_str(), body.c_str(), nullptr, &id);
      if (s != HELPLINE_OK) {
        failed(cmd, s);
        continue;
      }
      ticket = id;
      helpline_free(id);
      out("T " + ticket);
    } else if (verb == "use") {
      ticket = arg;
    } else if (verb == "msg") {
      char *id = nullptr;
      s = helpline_message_send(h, ticket.c_str(), arg.c_str(), &id);
      if (s != HELPLINE_OK) {
        failed(cmd, s);
        continue;
      }
      out(std::string("M ") + id);
      helpline_free(id);
    } else if (verb == "attach") {
      char *id = nullptr;
      s = helpline_attachment_add(h, ticket.c_str(), arg.c_str(), "application/octet-stream", &id);
      if (s != HELPLINE_OK) {
        failed(cmd, s);
        continue;
      }
      out(std::string("A ") + id);
      helpline_free(id);
    } else if (verb == "commit") {
      const long long start = mono_ns();
      while (stat_of(h, "pending_commit") != 0 && mono_ns() - start < 10LL * 1000000000LL) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      out(stat_of(h, "pending_commit") == 0 ? "C" : "CT");
    } else if (verb == "flush") {
      const long long start = mono_ns();
      while ((s = helpline_flush(h, 500)) == HELPLINE_E_TIMEOUT && mono_ns() - start < 30LL * 1000000000LL) {
        helpline_sync_now(h);
      }
      out(s == HELPLINE_OK ? "F" : "FT");
    } else if (verb == "uploading") {
      const long long start = mono_ns();
      while (!g_uploading && mono_ns() - start < 10LL * 1000000000LL) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      out(g_uploading ? "U" : "UT");
    } else if (verb == "identify") {  // identify:<user>:<jwt>
      const auto sep = arg.find(':');
      s = helpline_identify(h, arg.substr(0, sep).c_str(), arg.substr(sep + 1).c_str());
      if (s != HELPLINE_OK) failed(cmd, s);
    } else if (verb == "erase") {
      s = helpline_erase_all(h);
      out(std::string("R ") + helpline_status_str(s));  // printed the moment the call returned
    } else if (verb == "erase9") {
      s = helpline_erase_all(h);
      out(std::string("R ") + helpline_status_str(s));
      ::kill(::getpid(), SIGKILL);  // the instant it returned: nothing after the call gets to run
    } else if (verb == "hold") {
      out("H");
      std::this_thread::sleep_for(std::chrono::seconds(30));
    } else {
      out("X " + cmd + " unknown command");
    }
  }
  s = helpline_close(h, 0);
  out(std::string("END ") + helpline_status_str(s));
  return 0;
}

int main(int argc, char **argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "trial" && argc == 8) return trial(argv);
  if (mode == "diskfull" && argc == 5) return diskfull(argv);
  if (mode == "open" && argc == 4) return open_only(argv);
  if (mode == "script" && argc >= 4) return script(argc, argv);
  std::fprintf(stderr, "usage: see the comment at the top of sdk_child.cpp\n");
  return 2;
}
