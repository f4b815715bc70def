// Attachments through the SDK against the real server: the file is copied into data_dir at once,
// uploaded with progress events, linked to the ticket as a message of the user, and the local copy deleted; 0
// B, 1 MiB and exactly-the-cap files work, over-cap and missing files are refused with nothing queued; an
// upload cut by kill -9 (server stalled or down) resumes after a restart and is delivered once.
#define BOOST_TEST_MODULE sdk_attachments
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>

#include <csignal>

#include "helpline/testing.hpp"
#include "helpline/testing/agent_client.hpp"
#include "helpline/testing/child_process.hpp"
#include "helpline/testing/clock.hpp"
#include "helpline/testing/events.hpp"
#include "helpline/testing/files.hpp"
#include "helpline/testing/json.hpp"
#include "helpline/testing/sdk.hpp"
#include "helpline/testing/sdk_tickets.hpp"
#include "helpline/testing/shared_server.hpp"
#include "helpline/testing/unique.hpp"
#include "helpline/testing/wait.hpp"

namespace hlt = helpline::testing;

using namespace std::chrono_literals;

namespace {

/// Where the SDK keeps its copies of the attached files.
std::filesystem::path copies(const hlt::SdkDir &dir) {
  return dir.tmp / "data" / "attachments";
}

std::string add(helpline_t *h, const std::string &ticket, const std::filesystem::path &file,
                const char *mime) {
  char *id = nullptr;
  helpline_status_t s = helpline_attachment_add(h, ticket.c_str(), file.c_str(), mime, &id);
  BOOST_REQUIRE_MESSAGE(
      s == HELPLINE_OK && id != nullptr,
      "helpline_attachment_add: " << helpline_status_str(s) << " " << helpline_last_error(h));
  std::string out(id);
  helpline_free(id);
  return out;
}

/// The message (local view or server list) that carries attachment `id`, and how many do.
int messages_with(const rapidjson::Value &messages, const std::string &id,
                  rapidjson::Document *found = nullptr) {
  int n = 0;
  for (const auto &m : messages.GetArray()) {
    if (!m.HasMember("attachments") || !m["attachments"].IsArray()) continue;
    for (const auto &a : m["attachments"].GetArray()) {
      if (hlt::str_of(a, "id") == id) {
        ++n;
        if (found != nullptr) found->CopyFrom(m, found->GetAllocator());
      }
    }
  }
  return n;
}

/// Checks that the server has attachment `id` with exactly `bytes`, linked once to `ticket` as a user
/// message.
void check_on_server(hlt::AgentClient &agent, const std::string &ticket, const std::string &id,
                     const std::string &bytes) {
  hlt::Response r = agent.http.get("/v1/agent/attachments/" + id);
  BOOST_REQUIRE_MESSAGE(r.status == 200, "GET attachment " << id << ": " << r.describe());
  BOOST_CHECK_MESSAGE(r.body == bytes, "attachment " << id << ": " << r.body.size()
                                                     << " bytes on the server, " << bytes.size()
                                                     << " expected (or different content)");
  rapidjson::Document msgs = agent.messages(ticket);
  rapidjson::Document m;
  BOOST_CHECK_MESSAGE(messages_with(msgs["items"], id, &m) == 1,
                      "attachment " << id << " linked " << messages_with(msgs["items"], id)
                                    << " times: " << hlt::to_json(msgs));
  if (m.IsObject()) {
    BOOST_CHECK_EQUAL(hlt::str_of(m["author"], "type"), "user");
    BOOST_CHECK_EQUAL(hlt::int_of(m["attachments"][0], "size"), static_cast<long long>(bytes.size()));
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(
    files_of_0_bytes_1_mib_and_exactly_the_cap_are_uploaded_linked_and_their_copies_deleted) {
  hlt::SdkDir dir;
  hlt::EventRecorder events;
  hlt::Sdk h(hlt::open_config(hlt::shared_test_mode_server().base_url(), dir.data(), &events));
  hlt::AgentClient agent(hlt::shared_test_mode_server());
  const std::string ticket = hlt::create_ticket(h, hlt::unique("attach-"), "see the files");
  BOOST_REQUIRE_EQUAL(hlt::flush(h), HELPLINE_OK);

  const std::filesystem::path zero = dir.tmp / "empty.log", mib = dir.tmp / "screen.png",
                              cap = dir.tmp / "cap.bin";
  const std::string zero_bytes = hlt::write_pattern(zero, 0);
  const std::string mib_bytes = hlt::write_pattern(mib, 1024 * 1024, 7);
  const std::string cap_bytes = hlt::write_pattern(cap, HELPLINE_MAX_ATTACHMENT_BYTES, 9);

  BOOST_REQUIRE_EQUAL(helpline_set_network_available(h, 0), HELPLINE_OK);  // see them queued first
  const std::string a0 = add(h, ticket, zero, "text/plain");
  const std::string a1 = add(h, ticket, mib, "image/png");
  const std::string a2 = add(h, ticket, cap, nullptr);
  // The SDK took copies: the host may delete its files at once.
  std::filesystem::remove(zero);
  std::filesystem::remove(mib);
  std::filesystem::remove(cap);
  BOOST_CHECK_EQUAL(hlt::files_in(copies(dir)), 3u);

  {
    rapidjson::Document m;
    BOOST_REQUIRE_EQUAL(hlt::messages_doc(h, ticket, m), HELPLINE_OK);
    BOOST_REQUIRE_EQUAL(m["messages"].Size(), 4u);
    const struct {
      const std::string &id;
      const char *filename, *type;
      std::size_t size;
    } expect[] = {{a0, "empty.log", "text/plain", 0},
                  {a1, "screen.png", "image/png", 1024 * 1024},
                  {a2, "cap.bin", "application/octet-stream", HELPLINE_MAX_ATTACHMENT_BYTES}};
    for (int i = 0; i < 3; ++i) {
      const auto &msg = m["messages"][static_cast<rapidjson::SizeType>(i + 1)];
      BOOST_REQUIRE_MESSAGE(msg["attachments"].IsArray() && msg["attachments"].Size() == 1,
                            hlt::to_json(msg));
      const auto &a = msg["attachments"][0];
      BOOST_CHECK_EQUAL(hlt::str_of(a, "id"), expect[i].id);
      BOOST_CHECK_EQUAL(hlt::str_of(a, "filename"), expect[i].filename);
      BOOST_CHECK_EQUAL(hlt::str_of(a, "content_type"), expect[i].type);
      BOOST_CHECK_EQUAL(hlt::int_of(a, "size"), static_cast<long long>(expect[i].size));
      BOOST_CHECK_EQUAL(hlt::str_of(a, "state"), "queued");
      BOOST_CHECK_EQUAL(hlt::str_of(msg, "delivery"), "queued");
      BOOST_CHECK_EQUAL(hlt::str_of(msg["author"], "type"), "user");
    }
  }

  BOOST_REQUIRE_EQUAL(helpline_set_network_available(h, 1), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(hlt::flush(h, 60s), HELPLINE_OK);
  BOOST_REQUIRE_MESSAGE(
      events.wait_for(
          HELPLINE_EVENT_ATTACHMENT,
          [](const auto &e) { return hlt::EventRecorder::count_matching(e, {"\"uploaded\""}) >= 3; }, 10s),
      events.dump());
  for (const auto &[id, size] : std::vector<std::pair<std::string, std::size_t>>{
           {a0, 0}, {a1, 1024 * 1024}, {a2, HELPLINE_MAX_ATTACHMENT_BYTES}}) {
    const std::string idq = "\"attachment_id\":\"" + id + "\"";
    BOOST_CHECK_EQUAL(events.count(HELPLINE_EVENT_ATTACHMENT, {idq, "\"state\":\"uploaded\""}), 1u);
    BOOST_CHECK_EQUAL(events.count(HELPLINE_EVENT_ATTACHMENT, {idq, "\"state\":\"failed\""}), 0u);
    BOOST_CHECK_EQUAL(
        events.count(HELPLINE_EVENT_ATTACHMENT,
                     {idq, "\"state\":\"uploaded\"", "\"size\":" + std::to_string(size),
                      "\"bytes_sent\":" + std::to_string(size), "\"ticket_id\":\"" + ticket + "\""}),
        1u);
    // Progress: "uploading" comes before "uploaded", with the right size.
    auto evs = events.of(HELPLINE_EVENT_ATTACHMENT);
    int first_uploading = -1, uploaded = -1;
    for (int i = 0; i < static_cast<int>(evs.size()); ++i) {
      if (evs[i].find(idq) == std::string::npos) continue;
      if (evs[i].find("\"uploading\"") != std::string::npos && first_uploading < 0) first_uploading = i;
      if (evs[i].find("\"uploaded\"") != std::string::npos) uploaded = i;
    }
    if (size > 0) {
      BOOST_CHECK_MESSAGE(first_uploading >= 0 && first_uploading < uploaded,
                          "no uploading event before uploaded for " << id << ": " << events.dump());
      BOOST_CHECK_GE(
          events.count(HELPLINE_EVENT_ATTACHMENT, {idq, "\"uploading\"", "\"size\":" + std::to_string(size)}),
          1u);
    }
  }

  check_on_server(agent, ticket, a0, zero_bytes);
  check_on_server(agent, ticket, a1, mib_bytes);
  check_on_server(agent, ticket, a2, cap_bytes);
  BOOST_CHECK_EQUAL(hlt::str_of(agent.ticket(ticket), "status"), "open");
  BOOST_CHECK_EQUAL(hlt::int_of(agent.ticket(ticket), "message_count"), 4);

  // Local view: uploaded, messages sent with their server order; the copies are gone.
  rapidjson::Document m;
  BOOST_REQUIRE_EQUAL(hlt::messages_doc(h, ticket, m), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(m["messages"].Size(), 4u);
  for (rapidjson::SizeType i = 1; i < 4; ++i) {
    BOOST_CHECK_EQUAL(hlt::str_of(m["messages"][i]["attachments"][0], "state"), "uploaded");
    BOOST_CHECK_EQUAL(hlt::str_of(m["messages"][i], "delivery"), "sent");
    BOOST_CHECK_EQUAL(hlt::int_of(m["messages"][i], "seq"), static_cast<long long>(i + 1));
  }
  BOOST_CHECK_EQUAL(hlt::files_in(copies(dir)), 0u);
  BOOST_CHECK_EQUAL(hlt::stat_of(h, "outbox_depth"), 0);
  BOOST_CHECK_EQUAL(hlt::stat_of(h, "dead_lettered"), 0);
}

BOOST_AUTO_TEST_CASE(over_cap_missing_and_unreadable_files_are_refused_and_nothing_is_queued) {
  hlt::SdkDir dir;
  hlt::OpenConfig c;
  c.data_dir = dir.data();  // no endpoint: what is accepted stays queued
  hlt::Sdk h(c);
  const std::string ticket = hlt::create_ticket(h, "t", "b");
  BOOST_REQUIRE(hlt::wait_until([&] { return hlt::stat_of(h, "pending_commit") == 0; }, 5s));
  const long long depth = hlt::stat_of(h, "outbox_depth");

  const std::filesystem::path over = dir.tmp / "over.bin";
  hlt::write_pattern(over, HELPLINE_MAX_ATTACHMENT_BYTES + 1);
  char *id = nullptr;
  BOOST_CHECK_EQUAL(helpline_attachment_add(h, ticket.c_str(), over.c_str(), "application/zip", &id),
                    HELPLINE_E_TOO_LARGE);
  BOOST_CHECK(id == nullptr);
  BOOST_CHECK(std::string(helpline_last_error(h)).find("limit") != std::string::npos ||
              std::string(helpline_last_error(h)).find("10485760") != std::string::npos);
  BOOST_CHECK_EQUAL(helpline_attachment_add(h, ticket.c_str(), (dir.tmp / "nope.txt").c_str(), nullptr, &id),
                    HELPLINE_E_NOT_FOUND);
  BOOST_CHECK_EQUAL(helpline_attachment_add(h, ticket.c_str(), "relative/nope.txt", nullptr, &id),
                    HELPLINE_E_NOT_FOUND);
  const std::filesystem::path secret = dir.tmp / "secret.txt";
  hlt::write_file(secret, "no read permission");
  std::filesystem::permissions(secret, std::filesystem::perms::none);
  if (::geteuid() != 0) {  // root reads anything
    BOOST_CHECK_EQUAL(helpline_attachment_add(h, ticket.c_str(), secret.c_str(), nullptr, &id),
                      HELPLINE_E_IO);
  }
  BOOST_CHECK(id == nullptr);

  BOOST_REQUIRE(hlt::wait_until([&] { return hlt::stat_of(h, "pending_commit") == 0; }, 5s));
  BOOST_CHECK_EQUAL(hlt::stat_of(h, "outbox_depth"), depth);
  BOOST_CHECK_EQUAL(hlt::files_in(copies(dir)), 0u);
  rapidjson::Document m;
  BOOST_REQUIRE_EQUAL(hlt::messages_doc(h, ticket, m), HELPLINE_OK);
  BOOST_CHECK_EQUAL(m["messages"].Size(), 1u);
}

BOOST_AUTO_TEST_CASE(
    upload_cut_by_kill9_while_the_server_stalls_resumes_after_restart_and_is_delivered_once) {
  hlt::SdkDir dir;
  hlt::AgentClient agent(hlt::shared_test_mode_server());
  hlt::TestControls controls(hlt::shared_test_mode_server());
  const std::string endpoint = hlt::shared_test_mode_server().base_url();
  const std::filesystem::path file = dir.tmp / "big.log";
  const std::string bytes = hlt::write_pattern(file, 1024 * 1024, 3);

  // The ticket first (delivered), by a process that is then killed.
  std::string ticket;
  {
    hlt::ChildProcess child({HELPLINE_SDK_CHILD, "script", dir.data(), endpoint,
                             "ticket:" + hlt::unique("cut-"), "flush", "hold"});
    BOOST_REQUIRE_MESSAGE(child.wait_for_line("H", hlt::deadline_in(40s)), child.output());
    BOOST_REQUIRE_MESSAGE(child.has_exact_line("F"), child.output());
    ticket = child.line_value("T");
    hlt::kill9(child);
  }
  // The server stalls; the app attaches the file, starts the upload, and is killed mid-request.
  controls.pause(4000);
  std::string attachment;
  {
    hlt::ChildProcess child({HELPLINE_SDK_CHILD, "script", dir.data(), endpoint, "use:" + ticket,
                             "attach:" + file.string(), "commit", "uploading", "hold"});
    BOOST_REQUIRE_MESSAGE(child.wait_for_line("H", hlt::deadline_in(15s)), child.output());
    BOOST_REQUIRE_MESSAGE(child.has_exact_line("C") && child.has_exact_line("U"), child.output());
    attachment = child.line_value("A");
    BOOST_REQUIRE(!attachment.empty());
    child.read_until(hlt::deadline_in(300ms));  // the bytes are on the wire, the answer is held
    hlt::kill9(child);
  }
  std::filesystem::remove(file);  // the host's file is gone: the SDK must use its own copy
  controls.pause(0);

  hlt::EventRecorder events;
  {
    hlt::Sdk h(hlt::open_config(endpoint, dir.data(), &events));
    BOOST_REQUIRE_EQUAL(hlt::flush(h, 30s), HELPLINE_OK);
    BOOST_CHECK(events.wait_contains(HELPLINE_EVENT_ATTACHMENT, {attachment, "\"uploaded\""}, 5s));
    BOOST_CHECK_EQUAL(events.count(HELPLINE_EVENT_ATTACHMENT, {"\"failed\""}), 0u);
    BOOST_CHECK_EQUAL(hlt::stat_of(h, "dead_lettered"), 0);
    rapidjson::Document m;
    BOOST_REQUIRE_EQUAL(hlt::messages_doc(h, ticket, m), HELPLINE_OK);
    BOOST_CHECK_EQUAL(messages_with(m["messages"], attachment), 1);
    BOOST_CHECK_EQUAL(m["messages"].Size(), 2u);
  }
  check_on_server(agent, ticket, attachment, bytes);
  BOOST_CHECK_EQUAL(hlt::int_of(agent.ticket(ticket), "message_count"), 2);
  BOOST_CHECK_EQUAL(hlt::files_in(copies(dir)), 0u);
}

BOOST_AUTO_TEST_CASE(
    attachment_added_with_the_server_down_survives_kill9_and_is_uploaded_once_when_it_is_back) {
  hlt::ServerProcess srv;
  hlt::AgentClient agent(srv);
  hlt::SdkDir dir;
  const std::filesystem::path file = dir.tmp / "crash.txt";
  const std::string bytes = hlt::write_pattern(file, 300 * 1024, 5);
  const std::string endpoint = srv.base_url();
  srv.stop();
  std::string ticket, attachment;
  {
    hlt::ChildProcess child({HELPLINE_SDK_CHILD, "script", dir.data(), endpoint,
                             "ticket:" + hlt::unique("down-"), "attach:" + file.string(),
                             "msg:after the file", "commit", "hold"});
    BOOST_REQUIRE_MESSAGE(child.wait_for_line("H", hlt::deadline_in(15s)), child.output());
    BOOST_REQUIRE_MESSAGE(child.has_exact_line("C"), child.output());
    ticket = child.line_value("T");
    attachment = child.line_value("A");
    BOOST_REQUIRE(!ticket.empty() && !attachment.empty());
    hlt::kill9(child);
  }
  std::filesystem::remove(file);
  BOOST_CHECK_EQUAL(hlt::files_in(copies(dir)), 1u);
  srv.start();
  hlt::EventRecorder events;
  {
    hlt::Sdk h(hlt::open_config(endpoint, dir.data(), &events));
    BOOST_REQUIRE_EQUAL(hlt::flush(h, 30s), HELPLINE_OK);
    BOOST_CHECK_EQUAL(hlt::stat_of(h, "dead_lettered"), 0);
  }
  check_on_server(agent, ticket, attachment, bytes);
  rapidjson::Document msgs = agent.messages(ticket);
  BOOST_REQUIRE_EQUAL(msgs["items"].Size(), 3u);  // body, the file, the message written after it: in order
  BOOST_CHECK_EQUAL(messages_with(msgs["items"], attachment), 1);
  BOOST_CHECK_EQUAL(hlt::str_of(msgs["items"][2], "body"), "after the file");
  BOOST_CHECK_EQUAL(hlt::files_in(copies(dir)), 0u);
}
