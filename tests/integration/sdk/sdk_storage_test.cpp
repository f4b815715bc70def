// The SDK's local store under pressure (docs/OFFLINE.md "Storage limit" and "Committed"): eviction order at
// the storage limit, a disk that stops accepting writes (RLIMIT_FSIZE), a read-only data_dir.
#define BOOST_TEST_MODULE sdk_storage
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <set>
#include <sstream>

#include "helpline/testing.hpp"
#include "helpline/testing/child_process.hpp"
#include "helpline/testing/delivery.hpp"
#include "helpline/testing/events.hpp"
#include "helpline/testing/json.hpp"
#include "helpline/testing/sdk.hpp"
#include "helpline/testing/unique.hpp"

namespace hlt = helpline::testing;

using namespace std::chrono_literals;

namespace {

hlt::ServerProcess &server() {
  static hlt::ServerProcess s;
  return s;
}

}  // namespace

BOOST_AUTO_TEST_CASE(at_the_storage_limit_the_oldest_diagnostics_are_dropped_first_and_reported) {
  hlt::TempDir tmp("helpline-cap-");
  hlt::EventRecorder events;
  const std::string run = hlt::unique("cap");
  hlt::OpenConfig c;
  c.endpoint = server().base_url();
  c.data_dir = (tmp / "data").string();
  c.storage_limit = 64 * 1024;
  c.events = &events;
  hlt::Sdk h(c);
  BOOST_REQUIRE_EQUAL(helpline_set_network_available(h, 0), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_set_consent(h, HELPLINE_CONSENT_DIAGNOSTICS, 1), HELPLINE_OK);
  const std::string pad(1000, 'd');
  constexpr int kDiags = 40, kSurveys = 40;  // ~2 x 45 KB of payload against a 64 KiB limit
  for (int i = 0; i < kDiags; ++i) BOOST_REQUIRE_EQUAL(hlt::send_diagnostic(h, run, i, pad), HELPLINE_OK);
  for (int i = 0; i < kSurveys; ++i) {
    BOOST_REQUIRE_EQUAL(hlt::submit_survey(h, run, i, nullptr, std::string(1000, 's')), HELPLINE_OK);
  }
  BOOST_CHECK_EQUAL(helpline_flush(h, 300), HELPLINE_E_TIMEOUT);  // commits; network is off
  const long long dropped = hlt::stat_of(h, "dropped");
  BOOST_TEST_MESSAGE("after filling: " << hlt::stats(h));
  BOOST_REQUIRE_GT(dropped, 0);
  BOOST_CHECK_LE(hlt::stat_of(h, "queued_bytes"), 64 * 1024);

  BOOST_REQUIRE(events.wait_for(
      HELPLINE_EVENT_DROPPED,
      [&](const auto &e) {
        long long sum = 0;
        for (const auto &j : e) sum += hlt::json_int(j, "dropped");
        return sum >= dropped;
      },
      5s));
  long long reported = 0;
  for (const auto &j : events.of(HELPLINE_EVENT_DROPPED)) {
    reported += hlt::json_int(j, "dropped");
    BOOST_CHECK_EQUAL(hlt::json_str(j, "reason"), "storage_limit");
  }
  BOOST_CHECK_EQUAL(reported, dropped);  // never silently

  BOOST_REQUIRE_EQUAL(helpline_set_network_available(h, 1), HELPLINE_OK);
  helpline_status_t flushed = helpline_flush(h, 20000);
  BOOST_REQUIRE_MESSAGE(flushed == HELPLINE_OK,
                        "flush: " << helpline_status_str(flushed) << " " << hlt::stats(h));
  // What remains is delivered: every survey answer, and exactly the newest diagnostics.
  auto surveys = hlt::surveys_on_server(server(), run + "#");
  BOOST_CHECK_EQUAL(surveys.size(), static_cast<size_t>(kSurveys));
  auto diags = hlt::diagnostics_on_server(server(), run);
  BOOST_CHECK_EQUAL(static_cast<long long>(diags.size()), kDiags - dropped);
  for (const auto &[seq, n] : diags) {
    BOOST_CHECK_MESSAGE(seq >= dropped, "diagnostic " << seq
                                                      << " delivered although an older one was kept "
                                                         "and "
                                                      << dropped << " were dropped (oldest first)");
    BOOST_CHECK_EQUAL(n, 1);
  }
}

BOOST_AUTO_TEST_CASE(a_disk_that_fails_is_reported_and_loses_nothing_already_committed) {
  hlt::TempDir tmp("helpline-full-");
  const std::string data_dir = (tmp / "data").string();
  const std::string run = hlt::unique("full");
  {
    // Create the store without a limit, so the child's limit only hits the outbox writes.
    hlt::OpenConfig c;
    c.data_dir = data_dir;
    hlt::Sdk h(c);
  }
  hlt::ChildProcess child({HELPLINE_SDK_CHILD, "diskfull", data_dir, run, "300000"});
  child.read_all(60000);
  BOOST_TEST_MESSAGE("child exit status " << child.wait());
  std::set<std::string> committed;
  std::string store_error, later_status, close_status;
  for (const auto &line : child.lines()) {
    if (line.rfind("C ", 0) == 0) committed.insert(hlt::survey_comment(run, std::stoll(line.substr(2))));
    if (line.rfind("E ", 0) == 0) store_error = line.substr(2);
    if (line.rfind("S ", 0) == 0) later_status = line.substr(2);
    if (line.rfind("CLOSE ", 0) == 0) close_status = line.substr(6);
  }
  BOOST_TEST_MESSAGE(committed.size()
                     << " items committed before the disk failed; store error event: " << store_error
                     << "; next call: " << later_status << "; close: " << close_status);
  BOOST_REQUIRE_MESSAGE(!store_error.empty(),
                        "no HELPLINE_EVENT_STORE_ERROR; child said: " << child.output());
  BOOST_CHECK_GT(committed.size(), 0u);
  BOOST_CHECK(hlt::json_int(store_error, "pending") >= 1);
  BOOST_CHECK_EQUAL(later_status, "HELPLINE_E_DISK_FULL");
  BOOST_CHECK(!close_status.empty());  // close returned (reporting the failure), no crash

  // Reopen without the limit: everything committed is still there and is delivered exactly once.
  hlt::OpenConfig c;
  c.endpoint = server().base_url();
  c.data_dir = data_dir;
  hlt::Sdk h(c);
  BOOST_CHECK_GE(hlt::stat_of(h, "outbox_depth"), static_cast<long long>(committed.size()));
  BOOST_REQUIRE_EQUAL(helpline_flush(h, 30000), HELPLINE_OK);
  auto on_server = hlt::surveys_on_server(server(), run + "#");
  for (const auto &comment : committed) {
    auto it = on_server.find(comment);
    BOOST_CHECK_MESSAGE(it != on_server.end() && it->second == 1,
                        comment << " committed before the failure: on the server "
                                << (it == on_server.end() ? 0 : it->second) << " times");
  }
}

BOOST_AUTO_TEST_CASE(opening_a_data_dir_that_is_not_writable_fails_with_io_and_does_not_crash) {
  if (::geteuid() != 0) {
    // Not root: plain permissions are enough.
    hlt::TempDir tmp("helpline-ro-");
    const std::string dir = (tmp / "data").string();
    BOOST_REQUIRE_EQUAL(::mkdir(dir.c_str(), 0500), 0);
    hlt::OpenConfig c;
    c.data_dir = dir;
    helpline_t *h = nullptr;
    BOOST_CHECK_EQUAL(hlt::open_sdk(c, &h), HELPLINE_E_IO);
    BOOST_CHECK(h == nullptr);
    return;
  }
  // Root ignores permissions: a child drops to nobody (65534) before opening.
  hlt::TempDir tmp("helpline-ro-");
  BOOST_REQUIRE_EQUAL(::chmod(tmp.path().c_str(), 0755), 0);
  const std::string empty_dir = (tmp / "empty").string();
  const std::string existing = (tmp / "existing").string();
  {
    hlt::OpenConfig c;
    c.data_dir = existing;
    hlt::Sdk h(c);  // a store that exists, owned by root
  }
  BOOST_REQUIRE_EQUAL(::mkdir(empty_dir.c_str(), 0555), 0);
  BOOST_REQUIRE_EQUAL(::chmod(existing.c_str(), 0555), 0);
  for (const std::string &dir : {empty_dir, existing}) {
    hlt::ChildProcess child({HELPLINE_SDK_CHILD, "open", dir, "65534"});
    child.read_all(30000);
    int status = child.wait();
    BOOST_TEST_MESSAGE(dir << ": " << child.output());
    BOOST_CHECK_MESSAGE(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child crashed: status " << status);
    BOOST_CHECK_MESSAGE(child.output().rfind("OPEN HELPLINE_E_IO ", 0) == 0,
                        dir << ": want HELPLINE_E_IO, got " << child.output());
    BOOST_CHECK_MESSAGE(child.output().size() > std::string("OPEN HELPLINE_E_IO \n").size(),
                        "no human message for the failure");
  }
  // A data_dir that is a regular file: also HELPLINE_E_IO.
  const std::string file = (tmp / "a-file").string();
  hlt::write_file(file, "x");
  hlt::OpenConfig c;
  c.data_dir = file;
  helpline_t *h = nullptr;
  BOOST_CHECK_EQUAL(hlt::open_sdk(c, &h), HELPLINE_E_IO);
  BOOST_CHECK(h == nullptr);
}
