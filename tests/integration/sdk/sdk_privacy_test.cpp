// Erase and export through the SDK against the real server: helpline_erase_all() wipes every local trace
// at once and leaves exactly one durable request, which survives a restart while the server is down and a
// kill -9 right after the call returns, and then leaves nothing of the user on the server (every table
// searched) while the support metrics stay the same; a second device of the user loses its copy on its next
// sync; an export holds exactly the user's data.
#define BOOST_TEST_MODULE sdk_privacy
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <csignal>

#include "helpline/testing.hpp"
#include "helpline/testing/agent_client.hpp"
#include "helpline/testing/checks.hpp"
#include "helpline/testing/child_process.hpp"
#include "helpline/testing/delivery.hpp"
#include "helpline/testing/events.hpp"
#include "helpline/testing/files.hpp"
#include "helpline/testing/json.hpp"
#include "helpline/testing/sdk.hpp"
#include "helpline/testing/sdk_tickets.hpp"
#include "helpline/testing/shared_server.hpp"
#include "helpline/testing/sqlite_query.hpp"
#include "helpline/testing/unique.hpp"
#include "helpline/testing/wait.hpp"

namespace hlt = helpline::testing;

using namespace std::chrono_literals;

namespace {

/// A device of its own on `srv`, long poll 1 s unless given; open() opens it again after sdk->close().
struct Device : hlt::SdkDevice {
  explicit Device(const hlt::ServerProcess &srv = hlt::shared_test_mode_server(), uint32_t long_poll_s = 1)
      : SdkDevice(srv.base_url(), long_poll_s) {}
  void open(const hlt::ServerProcess &srv, uint32_t long_poll_s = 1) {
    SdkDevice::open(srv.base_url(), long_poll_s);
  }
};

/// Every cell of every table of a SQLite file, as "table: row" lines (BLOBs as their bytes).
std::string dump_all_tables(const std::filesystem::path &db_file) {
  std::string out;
  for (const auto &t : hlt::query(db_file, "SELECT name FROM sqlite_master WHERE type = 'table'")) {
    const std::string table = t[0];
    for (const auto &row : hlt::query(db_file, "SELECT * FROM \"" + table + "\"")) {
      out += table + ":";
      for (const auto &cell : row) out += " " + cell;
      out += "\n";
    }
  }
  return out;
}

/// The lines of `text` that contain `needle`.
std::string lines_with(const std::string &text, const std::string &needle) {
  std::string out;
  std::size_t pos = 0;
  while ((pos = text.find(needle, pos)) != std::string::npos) {
    const std::size_t start = text.rfind('\n', pos) == std::string::npos ? 0 : text.rfind('\n', pos) + 1;
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    out += text.substr(start, end - start).substr(0, 300) + "\n";
    pos = end;
  }
  return out;
}

/// Asserts that no table of the server's database holds any of `needles`.
void check_server_holds_none(const hlt::ServerProcess &srv, const std::vector<std::string> &needles) {
  const std::string all = dump_all_tables(srv.db_path());
  BOOST_REQUIRE(!all.empty());
  for (const auto &n : needles) {
    BOOST_REQUIRE(!n.empty());
    BOOST_CHECK_MESSAGE(all.find(n) == std::string::npos, "the server still holds '" << n << "':\n"
                                                                                     << lines_with(all, n));
  }
}

/// Asserts that no file under data_dir (the store, its WAL, attachment copies) contains any of `needles`.
void check_files_hold_none(const std::string &data_dir, const std::vector<std::string> &needles) {
  std::size_t files = 0;
  for (const auto &e : std::filesystem::recursive_directory_iterator(data_dir)) {
    if (!e.is_regular_file()) continue;
    ++files;
    const std::string bytes = hlt::read_file(e.path());
    for (const auto &n : needles) {
      BOOST_CHECK_MESSAGE(bytes.find(n) == std::string::npos, e.path().string()
                                                                  << " still holds '" << n << "'");
    }
  }
  BOOST_CHECK_GE(files, 1u);  // at least the store itself was searched
}

long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// The support metrics of a fixed window ending at `to` (Unix ms), so that the document depends only on what
/// is stored about that time. (After an erase, a ticket that was still open leaves the backlog from then on.)
std::string metrics(hlt::AgentClient &agent, long long to) {
  return hlt::to_json(agent.get("/v1/agent/metrics?from=0&to=" + std::to_string(to)));
}

/// A ticket with a user message, an agent reply, an attachment and a CSAT answer with a comment, all
/// delivered.
struct UserData {
  std::string ticket, message, body, attachment, comment;
};
UserData write_user_data(Device &d, hlt::AgentClient &agent, const std::string &tag,
                         const std::filesystem::path &dir) {
  UserData u;
  u.body = hlt::unique("secret-body-" + tag + "-");
  u.ticket = hlt::create_ticket(d, hlt::unique("subject-" + tag + "-"), u.body);
  u.message = hlt::send_message(d, u.ticket, u.body + "-second");
  const auto file = dir / ("attach-" + tag + ".bin");
  hlt::write_pattern(file, 3000, 7);
  char *id = nullptr;
  BOOST_REQUIRE_EQUAL(
      helpline_attachment_add(d, u.ticket.c_str(), file.c_str(), "application/octet-stream", &id),
      HELPLINE_OK);
  u.attachment = id;
  helpline_free(id);
  u.comment = hlt::unique("secret-comment-" + tag + "-");
  BOOST_REQUIRE_EQUAL(helpline_survey_submit(d, HELPLINE_SURVEY_CSAT, 4, u.ticket.c_str(), u.comment.c_str()),
                      HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(hlt::flush(d), HELPLINE_OK);
  agent.reply(u.ticket, "agent answer " + tag, "solved");
  BOOST_REQUIRE_MESSAGE(d.events.wait_contains(HELPLINE_EVENT_MESSAGE, {"agent answer " + tag}, 15s),
                        d.events.dump());
  return u;
}

}  // namespace

BOOST_AUTO_TEST_CASE(erase_offline_survives_a_restart_and_leaves_nothing_of_the_user_on_the_server) {
  hlt::ServerConfig sc;
  sc.test_mode = true;
  hlt::ServerProcess srv(sc);
  hlt::AgentClient agent(srv);
  const std::string user = hlt::unique("erin-");
  const std::string other = hlt::unique("otto-");
  Device d(srv);
  const std::string old_device = hlt::device_id_of(d.data());
  BOOST_REQUIRE_EQUAL(helpline_identify(d, user.c_str(), hlt::user_jwt(user).c_str()), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_set_user_attribute(d, "email", ("\"" + user + "@mail.example\"").c_str()),
                      HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_set_push_token(d, "fcm", (user + "-push-token").c_str()), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_set_consent(d, HELPLINE_CONSENT_DIAGNOSTICS, 1), HELPLINE_OK);
  const std::string diag = hlt::unique("secret-diag-");
  BOOST_REQUIRE_EQUAL(helpline_diagnostics_send(d, "app_error", ("{\"note\":\"" + diag + "\"}").c_str()),
                      HELPLINE_OK);
  const UserData u = write_user_data(d, agent, "erin", d.dir.tmp.path());
  // Another user of the same app keeps everything.
  Device o(srv);
  BOOST_REQUIRE_EQUAL(helpline_identify(o, other.c_str(), hlt::user_jwt(other).c_str()), HELPLINE_OK);
  const UserData v = write_user_data(o, agent, "otto", o.dir.tmp.path());
  std::this_thread::sleep_for(5ms);
  const long long until = now_ms();
  const std::string before = metrics(agent, until);

  // Offline: one more ticket is queued (never to be sent), then the user erases everything.
  srv.stop();
  const std::string unsent_body = hlt::unique("secret-unsent-");
  const std::string unsent = hlt::create_ticket(d, "unsent", unsent_body);
  BOOST_REQUIRE_EQUAL(helpline_breadcrumb(d, "ui", "secret breadcrumb"), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_erase_all(d), HELPLINE_OK);
  // At once, before anything reaches the server: nothing local, exactly one item queued.
  BOOST_CHECK_EQUAL(hlt::local_ticket_count(d), 0u);
  BOOST_CHECK_EQUAL(hlt::stat_of(d, "outbox_depth"), 1);
  BOOST_CHECK_EQUAL(hlt::store_count(d.data(), "outbox"), 1);
  BOOST_CHECK_EQUAL(hlt::store_count(d.data(), "outbox", "kind = 'erase'"), 1);
  for (const char *table : {"tickets", "messages", "attachments", "dead_letter", "notices", "faq_votes"}) {
    BOOST_CHECK_MESSAGE(hlt::store_count(d.data(), table) == 0, table << " not empty after erase");
  }
  BOOST_CHECK_EQUAL(hlt::store_count(d.data(), "identities", "logged_out = 1"),
                    1);  // the request's credentials
  BOOST_CHECK_EQUAL(hlt::store_count(d.data(), "meta", "key IN ('user_id', 'sync_cursor')"), 0);
  BOOST_CHECK_NE(hlt::device_id_of(d.data()), old_device);  // a new pseudonymous device from now on
  BOOST_CHECK_MESSAGE(
      hlt::wait_until([&] { return hlt::files_in(std::filesystem::path(d.data()) / "attachments") == 0; },
                      5s),
      "attachment copies left");
  BOOST_CHECK_MESSAGE(d.events.wait_contains(HELPLINE_EVENT_ERASED, {"\"local\"", "\"app\""}, 5s),
                      d.events.dump());
  BOOST_CHECK_MESSAGE(
      d.events.wait_contains(HELPLINE_EVENT_IDENTITY, {"\"logged_out\"", user, "\"erased\""}, 5s),
      d.events.dump());
  char *mid = nullptr;
  BOOST_CHECK_EQUAL(helpline_message_send(d, u.ticket.c_str(), "after", &mid), HELPLINE_E_NOT_FOUND);

  // Restart while the server is still down: still exactly the request, nothing came back.
  BOOST_REQUIRE_EQUAL(d.sdk->close(0), HELPLINE_E_TIMEOUT);
  d.open(srv);
  BOOST_CHECK_EQUAL(hlt::local_ticket_count(d), 0u);
  BOOST_CHECK_EQUAL(hlt::stat_of(d, "outbox_depth"), 1);
  // The store files no longer contain the user's words (deleted content overwritten, WAL checkpointed).
  BOOST_REQUIRE_EQUAL(d.sdk->close(0), HELPLINE_E_TIMEOUT);
  check_files_hold_none(d.data(),
                        {u.body, u.comment, unsent_body, "secret breadcrumb", user + "-push-token"});
  d.events.clear();
  d.open(srv);

  srv.start();
  BOOST_REQUIRE_EQUAL(hlt::flush(d, 30s), HELPLINE_OK);
  BOOST_CHECK_MESSAGE(d.events.wait_contains(HELPLINE_EVENT_ERASED, {"\"server\""}, 10s), d.events.dump());
  BOOST_CHECK_EQUAL(hlt::stat_of(d, "outbox_depth"), 0);
  BOOST_CHECK_MESSAGE(hlt::wait_until([&] { return hlt::store_count(d.data(), "identities") == 0; }, 5s),
                      "the token outlived its erase request");
  check_server_holds_none(srv, {user, old_device, u.ticket, u.message, u.body, u.attachment, u.comment,
                                unsent, unsent_body, diag, user + "-push-token", user + "@mail.example"});
  // The other user keeps everything; the support metrics are the same as before.
  BOOST_CHECK_EQUAL(hlt::str_of(agent.ticket(v.ticket), "id"), v.ticket);
  BOOST_CHECK_EQUAL(agent.status_of("/v1/agent/tickets/" + u.ticket), 404);
  BOOST_CHECK_EQUAL(metrics(agent, until), before);
}

BOOST_AUTO_TEST_CASE(kill9_right_after_erase_returns_still_erases_on_the_server_and_nothing_comes_back) {
  hlt::ServerConfig sc;
  sc.test_mode = true;
  hlt::ServerProcess srv(sc);
  hlt::AgentClient agent(srv);
  hlt::TempDir tmp("helpline-privacy-kill-");
  const std::string data_dir = (tmp / "data").string();
  const std::string user = hlt::unique("kim-");
  const std::string subject = hlt::unique("kill-subject-");
  const auto file = tmp / "photo.bin";
  hlt::write_pattern(file, 5000, 3);
  std::string ticket, old_device;
  {
    // Delivered first (the server has the user's ticket), then offline: a message and an attachment are
    // queued, the user erases, and the process dies the instant helpline_erase_all returned.
    hlt::ChildProcess child({HELPLINE_SDK_CHILD, "script", data_dir, srv.base_url(),
                             "identify:" + user + ":" + hlt::user_jwt(user), "ticket:" + subject, "flush",
                             "offline", "msg:" + subject + "-queued", "attach:" + file.string(), "commit",
                             "erase9", "hold"});
    child.read_all(40000);
    const int status = child.wait();
    BOOST_REQUIRE_MESSAGE(child.output().find("\nF\n") != std::string::npos,
                          "not delivered: " << child.output());
    BOOST_REQUIRE_MESSAGE(child.output().find("R HELPLINE_OK") != std::string::npos, child.output());
    BOOST_CHECK_MESSAGE(child.output().find("\nH\n") == std::string::npos, "not killed: " << child.output());
    BOOST_CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    for (const auto &l : child.lines()) {
      if (l.rfind("T ", 0) == 0) ticket = l.substr(2);
    }
  }
  BOOST_REQUIRE(!ticket.empty());
  BOOST_REQUIRE_EQUAL(agent.status_of("/v1/agent/tickets/" + ticket), 200);
  // On disk: only the erase request, no local view, no token but the request's.
  const auto kinds = hlt::query(std::filesystem::path(data_dir) / "helpline.db", "SELECT kind FROM outbox");
  BOOST_REQUIRE_EQUAL(kinds.size(), 1u);
  BOOST_CHECK_EQUAL(kinds[0][0], "erase");
  BOOST_CHECK_EQUAL(hlt::store_count(data_dir, "tickets") + hlt::store_count(data_dir, "messages"), 0);

  hlt::EventRecorder events;
  hlt::OpenConfig c;
  c.endpoint = srv.base_url();
  c.data_dir = data_dir;
  c.events = &events;
  hlt::Sdk again(c);
  BOOST_CHECK_EQUAL(hlt::local_ticket_count(again), 0u);
  BOOST_CHECK_EQUAL(hlt::files_in(std::filesystem::path(data_dir) / "attachments"), 0u);  // finished at open
  BOOST_REQUIRE_EQUAL(hlt::flush(again, 30s), HELPLINE_OK);
  // The killed process left the pages from before the erase in the WAL and the store file; the open finished
  // the erase's checkpoint, so neither holds the user's words any more (checked while the instance is open).
  BOOST_CHECK(std::filesystem::exists(std::filesystem::path(data_dir) / "helpline.db-wal"));
  check_files_hold_none(data_dir, {subject + " body", subject + "-queued"});
  BOOST_CHECK_MESSAGE(events.wait_contains(HELPLINE_EVENT_ERASED, {"\"server\""}, 10s), events.dump());
  BOOST_CHECK_EQUAL(agent.status_of("/v1/agent/tickets/" + ticket), 404);
  check_server_holds_none(srv, {user, ticket, subject});
  // Nothing reappears: polls after the erase bring nothing of the user back.
  const long long polls = hlt::stat_of(again, "polls");
  BOOST_CHECK(hlt::wait_until(
      [&] {
        helpline_sync_now(again);
        return hlt::stat_of(again, "polls") >= polls + 2;
      },
      15s));
  BOOST_CHECK_EQUAL(hlt::local_ticket_count(again), 0u);
  BOOST_CHECK_EQUAL(hlt::store_count(data_dir, "identities"), 0);
}

BOOST_AUTO_TEST_CASE(a_second_device_of_the_user_loses_its_local_copy_on_its_next_sync) {
  hlt::AgentClient agent(hlt::shared_test_mode_server());
  const std::string user = hlt::unique("sam-");
  Device a, b;
  BOOST_REQUIRE_EQUAL(helpline_identify(a, user.c_str(), hlt::user_jwt(user).c_str()), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_identify(b, user.c_str(), hlt::user_jwt(user).c_str()), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(hlt::flush(b), HELPLINE_OK);
  const std::string subject = hlt::unique("two-devices-");
  const std::string ticket = hlt::create_ticket(a, subject, "written on A");
  BOOST_REQUIRE_EQUAL(hlt::flush(a), HELPLINE_OK);
  BOOST_REQUIRE_MESSAGE(b.events.wait_contains(HELPLINE_EVENT_TICKET, {ticket}, 15s), b.events.dump());
  const std::string b_device = hlt::device_id_of(b.data());

  BOOST_REQUIRE_EQUAL(helpline_erase_all(a), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(hlt::flush(a), HELPLINE_OK);
  BOOST_REQUIRE_MESSAGE(a.events.wait_contains(HELPLINE_EVENT_ERASED, {"\"server\""}, 10s), a.events.dump());
  // B learns it from its next sync: local copy gone, signed out, and its own device data erased too.
  BOOST_REQUIRE_MESSAGE(
      b.events.wait_contains(HELPLINE_EVENT_ERASED, {"\"local\"", "\"server\"", "request_id"}, 20s),
      b.events.dump());
  BOOST_CHECK_EQUAL(hlt::local_ticket_count(b), 0u);
  BOOST_CHECK_EQUAL(hlt::store_count(b.data(), "tickets") + hlt::store_count(b.data(), "messages"), 0);
  BOOST_CHECK_MESSAGE(b.events.wait_contains(HELPLINE_EVENT_IDENTITY, {"\"logged_out\"", user}, 5s),
                      b.events.dump());
  BOOST_CHECK_NE(hlt::device_id_of(b.data()), b_device);
  BOOST_REQUIRE_EQUAL(hlt::flush(b), HELPLINE_OK);
  BOOST_CHECK_MESSAGE(
      hlt::wait_until([&] { return b.events.count(HELPLINE_EVENT_ERASED, {"\"state\":\"server\""}) == 1; },
                      10s),
      b.events.dump());
  check_server_holds_none(hlt::shared_test_mode_server(), {user, ticket, subject, b_device});
  BOOST_CHECK_EQUAL(agent.status_of("/v1/agent/tickets/" + ticket), 404);
}

BOOST_AUTO_TEST_CASE(export_holds_exactly_the_users_data) {
  hlt::AgentClient agent(hlt::shared_test_mode_server());
  const std::string user = hlt::unique("exa-"), other = hlt::unique("exo-");
  Device a, o;
  BOOST_REQUIRE_EQUAL(helpline_identify(a, user.c_str(), hlt::user_jwt(user).c_str()), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_identify(o, other.c_str(), hlt::user_jwt(other).c_str()), HELPLINE_OK);
  const std::string mine = hlt::unique("mine-"), theirs = hlt::unique("theirs-");
  const std::string t1 = hlt::create_ticket(a, mine, mine + " body");
  hlt::send_message(a, t1, mine + " second");
  const std::string t2 = hlt::create_ticket(o, theirs, theirs + " body");
  BOOST_REQUIRE_EQUAL(hlt::flush(a), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(hlt::flush(o), HELPLINE_OK);
  agent.reply(t1, mine + " agent reply");

  BOOST_REQUIRE_EQUAL(helpline_export_request(a), HELPLINE_OK);
  BOOST_REQUIRE_MESSAGE(a.events.wait_contains(HELPLINE_EVENT_EXPORT, {"request_id"}, 15s), a.events.dump());
  const std::string text = a.events.of(HELPLINE_EVENT_EXPORT).front();
  rapidjson::Document e = hlt::parse(text);
  BOOST_REQUIRE(e.HasMember("export") && e["export"].IsObject());
  const auto &doc = e["export"];
  BOOST_CHECK_EQUAL(hlt::str_of(doc, "format"), "helpline-export/1");
  BOOST_REQUIRE(doc.HasMember("tickets") && doc["tickets"].IsArray());
  BOOST_REQUIRE_EQUAL(doc["tickets"].Size(), 1u);
  BOOST_CHECK_EQUAL(hlt::str_of(doc["tickets"][0], "id"), t1);
  for (const auto &needle : {mine + " body", mine + " second", mine + " agent reply", user}) {
    BOOST_CHECK_MESSAGE(text.find(needle) != std::string::npos, "export lacks " << needle << ": " << text);
  }
  for (const auto &needle : {t2, theirs, other}) {
    BOOST_CHECK_MESSAGE(text.find(needle) == std::string::npos, "export holds another user's " << needle);
  }
  // Bad handles are refused, not crashed on.
  BOOST_CHECK_EQUAL(helpline_export_request(nullptr), HELPLINE_E_INVALID_ARGUMENT);
  BOOST_CHECK_EQUAL(helpline_erase_all(nullptr), HELPLINE_E_INVALID_ARGUMENT);
}

BOOST_AUTO_TEST_CASE(erasing_twice_queues_one_request) {
  hlt::TempDir tmp("helpline-privacy-twice-");
  hlt::EventRecorder events;
  hlt::OpenConfig c;
  c.endpoint = hlt::closed_endpoint();  // nobody answers: everything stays queued
  c.data_dir = (tmp / "data").string();
  c.events = &events;
  hlt::Sdk s(c);
  hlt::create_ticket(s, "to be erased", "body");
  BOOST_REQUIRE_EQUAL(helpline_erase_all(s), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_erase_all(s), HELPLINE_OK);
  BOOST_CHECK_EQUAL(hlt::stat_of(s, "outbox_depth"), 1);
  BOOST_CHECK(events.wait_for(
      HELPLINE_EVENT_ERASED, [](const auto &e) { return e.size() == 2; }, 5s));
  BOOST_CHECK_EQUAL(events.count(HELPLINE_EVENT_ERASED, {"\"request_id\":null"}), 1u);
  // Something written in between: a second request is queued (after the first, which stays).
  hlt::create_ticket(s, "written after", "body");
  BOOST_REQUIRE_EQUAL(helpline_erase_all(s), HELPLINE_OK);
  BOOST_CHECK_EQUAL(hlt::stat_of(s, "outbox_depth"), 2);
  BOOST_CHECK_EQUAL(hlt::store_count(c.data_dir, "outbox", "kind = 'erase'"), 2);
  BOOST_CHECK_EQUAL(hlt::local_ticket_count(s), 0u);
  BOOST_REQUIRE_EQUAL(s.close(0), HELPLINE_E_TIMEOUT);
}
