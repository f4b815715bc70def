// Tickets on the device without a server: the local view shows a write at once (before
// it is on disk), keeps it across a reopen, and every bad argument is refused with nothing queued.
#define BOOST_TEST_MODULE helpline_tickets
#include <boost/test/unit_test.hpp>

#include <rapidjson/document.h>

#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "helpline/helpline.hpp"
#include "helpline/testing/files.hpp"
#include "helpline/testing/process.hpp"
#include "helpline/testing/sdk.hpp"
#include "helpline/testing/temp_dir.hpp"

using namespace helpline::testing;

namespace {

rapidjson::Document parse(const std::string &json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  BOOST_REQUIRE_MESSAGE(!d.HasParseError() && d.IsObject(), "not a JSON object: " << json);
  return d;
}

std::string take(char *p) {
  std::string s = p != nullptr ? p : "";
  helpline_free(p);
  return s;
}

std::string tickets(helpline_t *h) {
  char *json = nullptr;
  BOOST_REQUIRE_EQUAL(helpline_tickets_json(h, &json), HELPLINE_OK);
  return take(json);
}

std::string messages(helpline_t *h, const std::string &ticket) {
  char *json = nullptr;
  helpline_status_t s = helpline_ticket_messages_json(h, ticket.c_str(), &json);
  BOOST_REQUIRE_MESSAGE(s == HELPLINE_OK, helpline_status_str(s) << ": " << last_error());
  return take(json);
}

std::string create(helpline_t *h, const char *subject, const char *body, const char *fields = nullptr) {
  char *id = nullptr;
  BOOST_REQUIRE_EQUAL(helpline_ticket_create(h, subject, body, fields, &id), HELPLINE_OK);
  return take(id);
}

int64_t outbox_depth(helpline_t *h) {
  char *json = nullptr;
  BOOST_REQUIRE_EQUAL(helpline_stats_json(h, &json), HELPLINE_OK);
  return parse(take(json))["outbox_depth"].GetInt64();
}

struct Instance {
  TempDir tmp;
  helpline_t *h = nullptr;
  Instance() { BOOST_REQUIRE_EQUAL(open_dir(tmp.sub("data"), &h), HELPLINE_OK); }
  ~Instance() {
    if (h != nullptr) helpline_close(h, 0);
  }
  void reopen() {
    helpline_close(h, 0);
    h = nullptr;
    BOOST_REQUIRE_EQUAL(open_dir(tmp.sub("data"), &h), HELPLINE_OK);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(local_view)

BOOST_AUTO_TEST_CASE(a_new_ticket_is_in_the_local_view_at_once_as_queued) {
  Instance i;
  std::string id = create(i.h, "Printer jam", "It jams on page 2", R"({"order":"A-17","priority":2})");
  BOOST_TEST(id.size() == 36u);  // a UUIDv7
  auto d = parse(tickets(i.h));
  BOOST_REQUIRE_EQUAL(d["tickets"].Size(), 1u);
  const auto &t = d["tickets"][0];
  BOOST_TEST(t["id"].GetString() == id);
  BOOST_TEST(t["subject"].GetString() == std::string("Printer jam"));
  BOOST_TEST(t["status"].GetString() == std::string("open"));
  BOOST_TEST(t["delivery"].GetString() == std::string("queued"));
  BOOST_TEST(t["fields"]["order"].GetString() == std::string("A-17"));
  BOOST_TEST(t["message_count"].GetInt() == 1);
  BOOST_TEST(t["unread_count"].GetInt() == 0);
  BOOST_TEST(t["last_message"]["body"].GetString() == std::string("It jams on page 2"));
}

BOOST_AUTO_TEST_CASE(messages_keep_their_order_and_survive_a_reopen) {
  Instance i;
  std::string id = create(i.h, "Wifi drops", "first");
  // Sent before the ticket is necessarily on disk: the local view already knows the ticket.
  for (const char *body : {"second", "third"}) {
    BOOST_REQUIRE_EQUAL(helpline_message_send(i.h, id.c_str(), body, nullptr), HELPLINE_OK);
  }
  auto check = [&] {
    auto d = parse(messages(i.h, id));
    BOOST_REQUIRE_EQUAL(d["messages"].Size(), 3u);
    const char *expected[] = {"first", "second", "third"};
    for (rapidjson::SizeType k = 0; k < 3; ++k) {
      BOOST_TEST(d["messages"][k]["body"].GetString() == std::string(expected[k]));
      BOOST_TEST(d["messages"][k]["delivery"].GetString() == std::string("queued"));
      BOOST_TEST(d["messages"][k]["author"]["type"].GetString() == std::string("user"));
      BOOST_TEST(d["messages"][k]["seq"].IsNull());
    }
    BOOST_TEST(d["ticket"]["message_count"].GetInt() == 3);
    BOOST_TEST(d["ticket"]["last_message"]["body"].GetString() == std::string("third"));
  };
  check();
  i.reopen();
  check();
  BOOST_TEST(outbox_depth(i.h) == 3);  // ticket + two messages, none delivered (no endpoint)
}

BOOST_AUTO_TEST_CASE(newest_activity_comes_first) {
  Instance i;
  std::string a = create(i.h, "A", "a");
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  std::string b = create(i.h, "B", "b");
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  BOOST_REQUIRE_EQUAL(helpline_message_send(i.h, a.c_str(), "bump", nullptr), HELPLINE_OK);
  auto d = parse(tickets(i.h));
  BOOST_REQUIRE_EQUAL(d["tickets"].Size(), 2u);
  BOOST_TEST(d["tickets"][0]["id"].GetString() == a);
  BOOST_TEST(d["tickets"][1]["id"].GetString() == b);
}

BOOST_AUTO_TEST_CASE(reopen_and_mark_read_apply_at_once) {
  Instance i;
  std::string id = create(i.h, "Noise", "It hums");
  BOOST_TEST(helpline_ticket_mark_read(i.h, id.c_str()) == HELPLINE_OK);
  BOOST_TEST(helpline_ticket_reopen(i.h, id.c_str()) == HELPLINE_OK);
  auto d = parse(messages(i.h, id));
  BOOST_TEST(d["ticket"]["status"].GetString() == std::string("open"));
  BOOST_TEST(d["ticket"]["unread_count"].GetInt() == 0);
  i.reopen();
  BOOST_TEST(outbox_depth(i.h) == 2);  // the ticket and the reopen; mark-read is local only
}

BOOST_AUTO_TEST_CASE(tickets_from_many_threads_are_all_there) {
  Instance i;
  std::vector<std::thread> threads;
  std::vector<std::vector<std::string>> ids(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < 25; ++k) {
        char *id = nullptr;
        if (helpline_ticket_create(i.h, "Load", "body", nullptr, &id) == HELPLINE_OK)
          ids[t].push_back(take(id));
      }
    });
  }
  for (auto &t : threads) t.join();
  std::set<std::string> seen;
  auto d = parse(tickets(i.h));
  for (const auto &t : d["tickets"].GetArray()) seen.insert(t["id"].GetString());
  std::size_t created = 0;
  for (const auto &v : ids) {
    created += v.size();
    for (const auto &id : v) BOOST_TEST(seen.count(id) == 1u);
  }
  BOOST_TEST(created == 100u);
  BOOST_TEST(seen.size() == 100u);
}

BOOST_AUTO_TEST_CASE(logout_clears_the_local_view) {
  Instance i;
  BOOST_REQUIRE_EQUAL(helpline_identify(i.h, "u-1", "token-a"), HELPLINE_OK);
  std::string id = create(i.h, "Mine", "private");
  BOOST_TEST(helpline_logout(i.h) == HELPLINE_OK);
  auto d = parse(tickets(i.h));
  BOOST_TEST(d["tickets"].Size() == 0u);
  BOOST_TEST(helpline_message_send(i.h, id.c_str(), "x", nullptr) == HELPLINE_E_NOT_FOUND);
  i.reopen();
  BOOST_TEST(parse(tickets(i.h))["tickets"].Size() == 0u);
  // What the user wrote is still delivered as that user: nothing accepted is lost.
  BOOST_TEST(outbox_depth(i.h) == 2);  // identify + ticket
}

BOOST_AUTO_TEST_CASE(identify_as_another_user_needs_a_logout_first) {
  Instance i;
  BOOST_REQUIRE_EQUAL(helpline_identify(i.h, "u-1", "token-a"), HELPLINE_OK);
  BOOST_TEST(helpline_identify(i.h, "u-1", "token-b") == HELPLINE_OK);  // a fresh token for the same user
  BOOST_TEST(helpline_identify(i.h, "u-2", "token-c") == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(mentions(last_error(), "helpline_logout"));
  BOOST_REQUIRE_EQUAL(helpline_logout(i.h), HELPLINE_OK);
  BOOST_TEST(helpline_identify(i.h, "u-2", "token-c") == HELPLINE_OK);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(bad_input)

BOOST_AUTO_TEST_CASE(every_bad_argument_is_refused_and_nothing_is_queued) {
  Instance i;
  char *id = nullptr;
  const std::string big(20001, 'x');
  const std::string huge(10u << 20, 'x');
  BOOST_TEST(helpline_ticket_create(nullptr, "s", "b", nullptr, &id) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_ticket_create(i.h, nullptr, "b", nullptr, &id) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_ticket_create(i.h, "s", nullptr, nullptr, &id) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_ticket_create(i.h, "s", "b", nullptr, nullptr) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_ticket_create(i.h, "s", "", nullptr, &id) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_ticket_create(i.h, "bad \xC3\x28 subject", "b", nullptr, &id) ==
             HELPLINE_E_INVALID_UTF8);
  BOOST_TEST(helpline_ticket_create(i.h, "s", big.c_str(), nullptr, &id) == HELPLINE_E_TOO_LARGE);
  BOOST_TEST(helpline_ticket_create(i.h, "s", huge.c_str(), nullptr, &id) == HELPLINE_E_TOO_LARGE);
  BOOST_TEST(helpline_ticket_create(i.h, std::string(201, 's').c_str(), "b", nullptr, &id) ==
             HELPLINE_E_TOO_LARGE);
  BOOST_TEST(helpline_ticket_create(i.h, "s", "b", "[1,2]", &id) == HELPLINE_E_INVALID_JSON);
  BOOST_TEST(helpline_ticket_create(i.h, "s", "b", R"({"a":{"nested":1}})", &id) == HELPLINE_E_INVALID_JSON);
  BOOST_TEST(helpline_ticket_create(i.h, "s", "b", "{broken", &id) == HELPLINE_E_INVALID_JSON);
  std::string many = "{";
  for (int k = 0; k < 51; ++k) many += (k ? ",\"k" : "\"k") + std::to_string(k) + "\":1";
  many += "}";
  BOOST_TEST(helpline_ticket_create(i.h, "s", "b", many.c_str(), &id) == HELPLINE_E_INVALID_JSON);
  BOOST_TEST(id == nullptr);

  const char *unknown = "01900000-0000-7000-8000-000000000000";
  BOOST_TEST(helpline_message_send(i.h, unknown, "b", nullptr) == HELPLINE_E_NOT_FOUND);
  BOOST_TEST(helpline_ticket_mark_read(i.h, unknown) == HELPLINE_E_NOT_FOUND);
  BOOST_TEST(helpline_ticket_reopen(i.h, unknown) == HELPLINE_E_NOT_FOUND);
  BOOST_TEST(helpline_attachment_add(i.h, unknown, "/etc/hostname", nullptr, nullptr) ==
             HELPLINE_E_NOT_FOUND);
  char *json = nullptr;
  BOOST_TEST(helpline_ticket_messages_json(i.h, unknown, &json) == HELPLINE_E_NOT_FOUND);
  BOOST_TEST(helpline_ticket_messages_json(i.h, nullptr, &json) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_ticket_messages_json(i.h, "\xFF", &json) == HELPLINE_E_INVALID_UTF8);
  BOOST_TEST(helpline_tickets_json(i.h, nullptr) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(json == nullptr);

  std::string ticket = create(i.h, "s", "b");
  BOOST_TEST(helpline_message_send(i.h, ticket.c_str(), "", nullptr) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_message_send(i.h, ticket.c_str(), big.c_str(), nullptr) == HELPLINE_E_TOO_LARGE);
  BOOST_TEST(helpline_message_send(i.h, ticket.c_str(), "\xC0\x80", nullptr) == HELPLINE_E_INVALID_UTF8);
  BOOST_TEST(helpline_identify(i.h, "", "t") == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_identify(i.h, std::string(129, 'u').c_str(), "t") == HELPLINE_E_TOO_LARGE);
  BOOST_TEST(helpline_set_user_attribute(i.h, "plan", "{not json") == HELPLINE_E_INVALID_JSON);
  BOOST_TEST(helpline_set_user_attribute(i.h, std::string(65, 'k').c_str(), "1") == HELPLINE_E_TOO_LARGE);
  BOOST_TEST(helpline_set_push_token(i.h, "fcm", "") == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_set_push_token(i.h, std::string(17, 'p').c_str(), "t") == HELPLINE_E_TOO_LARGE);
  BOOST_TEST(helpline_set_device_attribute(i.h, "model", std::string(129, 'm').c_str()) ==
             HELPLINE_E_TOO_LARGE);
  BOOST_TEST(outbox_depth(i.h) == 1);  // only the one good ticket
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(attachments)

BOOST_AUTO_TEST_CASE(a_file_is_copied_into_data_dir_and_shown_as_queued) {
  Instance i;
  std::string ticket = create(i.h, "Crash", "see screenshot");
  write_file(i.tmp.sub("shot.png"), std::string(1 << 20, 'p'));
  write_file(i.tmp.sub("empty.log"), "");
  char *att = nullptr;
  BOOST_REQUIRE_EQUAL(
      helpline_attachment_add(i.h, ticket.c_str(), i.tmp.sub("shot.png").c_str(), "image/png", &att),
      HELPLINE_OK);
  std::string att_id = take(att);
  BOOST_REQUIRE_EQUAL(
      helpline_attachment_add(i.h, ticket.c_str(), i.tmp.sub("empty.log").c_str(), nullptr, nullptr),
      HELPLINE_OK);
  std::filesystem::remove(i.tmp.sub("shot.png"));  // the host may delete its file at once
  const std::string copy = i.tmp.sub("data") + "/attachments/" + att_id;
  BOOST_TEST(std::filesystem::file_size(copy) == (1u << 20));
  BOOST_TEST((file_mode(copy) & 0777) == 0600u);
  auto d = parse(messages(i.h, ticket));
  BOOST_REQUIRE_EQUAL(d["messages"].Size(), 3u);
  const auto &a = d["messages"][1]["attachments"][0];
  BOOST_TEST(a["id"].GetString() == att_id);
  BOOST_TEST(a["filename"].GetString() == std::string("shot.png"));
  BOOST_TEST(a["content_type"].GetString() == std::string("image/png"));
  BOOST_TEST(a["size"].GetInt64() == (1 << 20));
  BOOST_TEST(a["state"].GetString() == std::string("queued"));
  BOOST_TEST(d["messages"][2]["attachments"][0]["content_type"].GetString() ==
             std::string("application/octet-stream"));
  i.reopen();
  BOOST_TEST(parse(messages(i.h, ticket))["messages"][1]["attachments"][0]["size"].GetInt64() == (1 << 20));
}

BOOST_AUTO_TEST_CASE(over_cap_missing_and_odd_files_are_refused_with_nothing_queued) {
  Instance i;
  std::string ticket = create(i.h, "Logs", "attached");
  const std::string big = i.tmp.sub("big.bin");
  write_file(big, std::string(HELPLINE_MAX_ATTACHMENT_BYTES + 1, 'b'));
  BOOST_TEST(helpline_attachment_add(i.h, ticket.c_str(), big.c_str(), nullptr, nullptr) ==
             HELPLINE_E_TOO_LARGE);
  BOOST_TEST(mentions(last_error(), "limit"));
  BOOST_TEST(helpline_attachment_add(i.h, ticket.c_str(), i.tmp.sub("nope").c_str(), nullptr, nullptr) ==
             HELPLINE_E_NOT_FOUND);
  BOOST_TEST(helpline_attachment_add(i.h, ticket.c_str(), i.tmp.path().c_str(), nullptr, nullptr) ==
             HELPLINE_E_NOT_FOUND);  // a directory
  BOOST_TEST(helpline_attachment_add(i.h, ticket.c_str(), nullptr, nullptr, nullptr) ==
             HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(outbox_depth(i.h) == 1);
  BOOST_TEST(count_entries((i.tmp.sub("data") + "/attachments").c_str()) <= 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(cpp_wrapper_covers_tickets) {
  TempDir tmp;
  helpline::Options o;
  o.data_dir(tmp.sub("data"));
  helpline::Client c(std::move(o));
  std::string id = c.ticket_create("Subject", "Body", R"({"k":"v"})");
  std::string m = c.message_send(id, "More");
  BOOST_TEST(m.size() == 36u);
  c.ticket_mark_read(id);
  c.ticket_reopen(id);
  BOOST_TEST(c.tickets_json().find(id) != std::string::npos);
  BOOST_TEST(c.ticket_messages_json(id).find("More") != std::string::npos);
  c.set_device_attribute("model", "X100");
  c.remove_device_attribute("model");
  c.set_user_attribute("plan", R"("pro")");
  c.set_push_token("fcm", "tok");
  c.identify("u-9", "jwt");
  c.logout();
  try {
    c.message_send("01900000-0000-7000-8000-000000000000", "x");
    BOOST_FAIL("expected helpline::Error");
  } catch (const helpline::Error &e) {
    BOOST_TEST(e.status() == HELPLINE_E_NOT_FOUND);
  }
}
