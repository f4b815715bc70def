// Identity through the SDK against the real server: identify merges the anonymous history into the user,
// a second device of the user gets the tickets and their messages, logout removes the local data, users never
// see each other's tickets, a refused token keeps items queued until a fresh one is given; user/device
// attributes and push tokens reach the server.
#define BOOST_TEST_MODULE sdk_identity
#include <boost/test/unit_test.hpp>

#include "helpline/testing.hpp"
#include "helpline/testing/agent_client.hpp"
#include "helpline/testing/checks.hpp"
#include "helpline/testing/clock.hpp"
#include "helpline/testing/events.hpp"
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

/// A device of its own on the test-mode server, long poll 2 s unless given.
struct Device : hlt::SdkDevice {
  explicit Device(uint32_t long_poll_s = 2)
      : SdkDevice(hlt::shared_test_mode_server().base_url(), long_poll_s) {}
};

/// The bodies of a ticket in the local view (empty when the ticket is not there).
std::vector<std::string> local_bodies(helpline_t *h, const std::string &ticket) {
  rapidjson::Document m;
  if (hlt::messages_doc(h, ticket, m) != HELPLINE_OK) return {};
  return hlt::bodies(m["messages"]);
}

std::string join(const std::vector<std::string> &v) {
  std::string out;
  for (const auto &s : v) out += "[" + s + "]";
  return out;
}

/// Waits until the instance has completed `n` more inbound polls (asking for them).
bool polls_pass(helpline_t *h, int n) {
  const long long target = hlt::stat_of(h, "polls") + n;
  return hlt::wait_until(
      [&] {
        helpline_sync_now(h);
        return hlt::stat_of(h, "polls") >= target;
      },
      15s);
}

}  // namespace

BOOST_AUTO_TEST_CASE(identify_merges_the_anonymous_history_and_a_second_device_of_the_user_gets_it) {
  hlt::AgentClient agent(hlt::shared_test_mode_server());
  const std::string user = hlt::unique("ann-");
  const std::string subject = hlt::unique("merge-");
  Device a;
  BOOST_REQUIRE_EQUAL(helpline_set_user_attribute(a, "plan", "\"pro\""), HELPLINE_OK);
  const std::string ticket = hlt::create_ticket(a, subject, "anonymous body");
  hlt::send_message(a, ticket, "anonymous second");
  BOOST_REQUIRE_EQUAL(hlt::flush(a), HELPLINE_OK);
  {
    rapidjson::Document t = agent.ticket(ticket);
    BOOST_CHECK_EQUAL(hlt::str_of(t["requester"], "type"), "device");
    BOOST_CHECK_EQUAL(hlt::str_of(t["requester"]["attributes"], "plan"), "pro");
  }
  agent.reply(ticket, "agent before identify", "pending");
  BOOST_REQUIRE(a.events.wait_contains(HELPLINE_EVENT_MESSAGE, {"agent before identify"}, 10s));
  BOOST_REQUIRE(a.events.wait_contains(HELPLINE_EVENT_TICKET_STATUS, {ticket, "\"pending\""}, 10s));

  BOOST_REQUIRE_EQUAL(helpline_identify(a, user.c_str(), hlt::user_jwt(user).c_str()), HELPLINE_OK);
  BOOST_REQUIRE_MESSAGE(a.events.wait_contains(HELPLINE_EVENT_IDENTITY, {"\"identified\"", user}, 10s),
                        a.events.dump());
  BOOST_REQUIRE_MESSAGE(
      a.events.wait_contains(HELPLINE_EVENT_IDENTITY, {"\"merged\"", user, "\"merged_tickets\":1"}, 10s),
      a.events.dump());
  BOOST_REQUIRE_EQUAL(hlt::flush(a), HELPLINE_OK);
  {
    rapidjson::Document t = agent.ticket(ticket);
    BOOST_CHECK_EQUAL(hlt::str_of(t["requester"], "type"), "user");
    BOOST_CHECK_EQUAL(hlt::str_of(t["requester"], "id"), user);
    BOOST_CHECK_EQUAL(hlt::str_of(t["requester"]["attributes"], "plan"), "pro");  // merged with the history
  }
  // The identifying device keeps its view, without duplicates and without old events again.
  BOOST_CHECK_EQUAL(join(local_bodies(a, ticket)),
                    join({"anonymous body", "anonymous second", "agent before identify"}));
  BOOST_CHECK_EQUAL(hlt::local_ticket_count(a, ticket), 1u);
  BOOST_REQUIRE(polls_pass(a, 2));
  BOOST_CHECK_EQUAL(a.events.count(HELPLINE_EVENT_TICKET), 0u);
  BOOST_CHECK_MESSAGE(
      a.events.count(HELPLINE_EVENT_TICKET_STATUS) == 1 && a.events.count(HELPLINE_EVENT_MESSAGE) == 1,
      "old events delivered again after identify: " << a.events.dump());

  // Another user while signed in: refused, nothing queued. The same user again (fresh token): fine.
  const long long depth = hlt::stat_of(a, "outbox_depth");
  const std::string other = hlt::unique("bob-");
  BOOST_CHECK_EQUAL(helpline_identify(a, other.c_str(), hlt::user_jwt(other).c_str()),
                    HELPLINE_E_INVALID_ARGUMENT);
  BOOST_CHECK(hlt::wait_until([&] { return hlt::stat_of(a, "pending_commit") == 0; }, 5s));
  BOOST_CHECK_EQUAL(hlt::stat_of(a, "outbox_depth"), depth);
  BOOST_CHECK_EQUAL(helpline_identify(a, user.c_str(), hlt::user_jwt(user, 7200).c_str()), HELPLINE_OK);

  // A second device signs in as the same user: the ticket arrives (event) with its whole conversation.
  Device b;
  BOOST_REQUIRE_EQUAL(helpline_identify(b, user.c_str(), hlt::user_jwt(user).c_str()), HELPLINE_OK);
  BOOST_REQUIRE_MESSAGE(b.events.wait_contains(HELPLINE_EVENT_TICKET, {ticket, subject}, 15s),
                        b.events.dump());
  {
    rapidjson::Document e = hlt::parse(b.events.of(HELPLINE_EVENT_TICKET).front());
    BOOST_REQUIRE(e.HasMember("ticket") && e["ticket"].IsObject());
    BOOST_CHECK_EQUAL(hlt::str_of(e["ticket"], "id"), ticket);
  }
  const std::string expected = join({"anonymous body", "anonymous second", "agent before identify"});
  BOOST_CHECK_MESSAGE(hlt::wait_until([&] { return join(local_bodies(b, ticket)) == expected; }, 10s),
                      "device B: " << join(local_bodies(b, ticket)));
  {
    rapidjson::Document t;
    BOOST_REQUIRE(hlt::local_ticket(b, ticket, t));
    BOOST_CHECK_EQUAL(hlt::str_of(t, "subject"), subject);
    BOOST_CHECK_EQUAL(hlt::int_of(t, "message_count"), 3);
    BOOST_CHECK_EQUAL(hlt::str_of(t["last_message"], "body"), "agent before identify");
    rapidjson::Document m;
    BOOST_REQUIRE_EQUAL(hlt::messages_doc(b, ticket, m), HELPLINE_OK);
    for (rapidjson::SizeType i = 0; i < m["messages"].Size(); ++i) {
      BOOST_CHECK_EQUAL(hlt::int_of(m["messages"][i], "seq"), static_cast<long long>(i + 1));
    }
  }
  BOOST_CHECK_EQUAL(hlt::local_ticket_count(b, ticket), 1u);

  // Conversation across the two devices: each sees what the other writes.
  hlt::send_message(a, ticket, "written on A");
  BOOST_REQUIRE_MESSAGE(b.events.wait_contains(HELPLINE_EVENT_MESSAGE, {ticket, "written on A"}, 10s),
                        b.events.dump());
  hlt::send_message(b, ticket, "written on B");
  BOOST_REQUIRE_MESSAGE(a.events.wait_contains(HELPLINE_EVENT_MESSAGE, {ticket, "written on B"}, 10s),
                        a.events.dump());
  const std::string from_b = hlt::create_ticket(b, subject + " from B", "opened on B");
  BOOST_REQUIRE_MESSAGE(a.events.wait_contains(HELPLINE_EVENT_TICKET, {from_b}, 10s), a.events.dump());
  BOOST_CHECK(hlt::wait_until([&] { return join(local_bodies(a, from_b)) == "[opened on B]"; }, 10s));
  BOOST_CHECK_EQUAL(hlt::str_of(agent.ticket(from_b)["requester"], "id"), user);
  // No device gets its own writes back as events.
  BOOST_CHECK_EQUAL(a.events.count(HELPLINE_EVENT_MESSAGE, {"written on A"}), 0u);
  BOOST_CHECK_EQUAL(b.events.count(HELPLINE_EVENT_MESSAGE, {"written on B"}), 0u);
  BOOST_CHECK_EQUAL(b.events.count(HELPLINE_EVENT_TICKET, {from_b}), 0u);
  rapidjson::Document found = agent.find(subject);
  BOOST_CHECK_EQUAL(found["items"].Size(), 2u);
}

BOOST_AUTO_TEST_CASE(logout_removes_local_data_and_users_never_see_each_others_tickets) {
  hlt::AgentClient agent(hlt::shared_test_mode_server());
  const std::string u = hlt::unique("uma-"), v = hlt::unique("vic-");
  Device a;
  // Anonymous history with an agent reply, merged into U; then a ticket written as U.
  const std::string t0 = hlt::create_ticket(a, hlt::unique("anon-"), "anonymous");
  BOOST_REQUIRE_EQUAL(hlt::flush(a), HELPLINE_OK);
  agent.reply(t0, "reply while anonymous");
  BOOST_REQUIRE(a.events.wait_contains(HELPLINE_EVENT_MESSAGE, {"reply while anonymous"}, 10s));
  BOOST_REQUIRE_EQUAL(helpline_identify(a, u.c_str(), hlt::user_jwt(u).c_str()), HELPLINE_OK);
  const std::string t1 = hlt::create_ticket(a, hlt::unique("as-u-"), "as user U");
  BOOST_REQUIRE_EQUAL(hlt::flush(a), HELPLINE_OK);
  BOOST_REQUIRE(a.events.wait_contains(HELPLINE_EVENT_IDENTITY, {"\"merged\""}, 10s));
  BOOST_CHECK_EQUAL(hlt::str_of(agent.ticket(t1)["requester"], "id"), u);
  BOOST_CHECK_EQUAL(hlt::local_ticket_count(a), 2u);

  // Logout: the view is empty at once, the event follows, the store holds nothing of U.
  BOOST_REQUIRE_EQUAL(helpline_logout(a), HELPLINE_OK);
  BOOST_CHECK_EQUAL(hlt::local_ticket_count(a), 0u);
  BOOST_REQUIRE_MESSAGE(a.events.wait_contains(HELPLINE_EVENT_IDENTITY, {"\"logged_out\"", u}, 10s),
                        a.events.dump());
  rapidjson::Document m;
  BOOST_CHECK_EQUAL(hlt::messages_doc(a, t1, m), HELPLINE_E_NOT_FOUND);
  BOOST_CHECK_EQUAL(helpline_message_send(a, t1.c_str(), "after logout", nullptr), HELPLINE_E_NOT_FOUND);
  BOOST_REQUIRE_EQUAL(hlt::flush(a), HELPLINE_OK);
  BOOST_CHECK_EQUAL(hlt::stat_of(a, "outbox_depth"), 0);
  // ...and stays empty once the anonymous device has polled again from the start of its history.
  BOOST_REQUIRE(polls_pass(a, 2));
  BOOST_CHECK_MESSAGE(hlt::local_ticket_count(a) == 0, "after logout and a poll: " << hlt::tickets_text(a));
  BOOST_CHECK_EQUAL(hlt::store_count(a.data(), "tickets"), 0);
  BOOST_CHECK_EQUAL(hlt::store_count(a.data(), "messages"), 0);
  BOOST_CHECK_EQUAL(hlt::store_count(a.data(), "identities"), 0);  // the token is gone
  BOOST_CHECK_MESSAGE(a.events.count(HELPLINE_EVENT_MESSAGE, {"reply while anonymous"}) == 1,
                      "an old reply came again after logout: " << a.events.dump());
  BOOST_CHECK_EQUAL(helpline_logout(a), HELPLINE_OK);  // nobody signed in: fine

  // Another user on the same device: nothing of U comes back.
  a.events.clear();
  BOOST_REQUIRE_EQUAL(helpline_identify(a, v.c_str(), hlt::user_jwt(v).c_str()), HELPLINE_OK);
  BOOST_REQUIRE(a.events.wait_contains(HELPLINE_EVENT_IDENTITY, {"\"identified\"", v}, 10s));
  const std::string t2 = hlt::create_ticket(a, hlt::unique("as-v-"), "as user V");
  BOOST_REQUIRE_EQUAL(hlt::flush(a), HELPLINE_OK);
  BOOST_REQUIRE(polls_pass(a, 2));
  BOOST_CHECK_EQUAL(hlt::str_of(agent.ticket(t2)["requester"], "id"), v);
  BOOST_CHECK_MESSAGE(hlt::local_ticket_count(a) == 1 && hlt::local_ticket_count(a, t2) == 1,
                      "V's view: " << hlt::tickets_text(a));
  BOOST_CHECK_EQUAL(a.events.count(HELPLINE_EVENT_TICKET), 0u);

  // U on a second device: U's tickets, never V's.
  Device b;
  BOOST_REQUIRE_EQUAL(helpline_identify(b, u.c_str(), hlt::user_jwt(u).c_str()), HELPLINE_OK);
  BOOST_CHECK(hlt::wait_until(
      [&] { return hlt::local_ticket_count(b, t0) == 1 && hlt::local_ticket_count(b, t1) == 1; }, 10s));
  agent.reply(t2, "for V only");
  BOOST_REQUIRE(a.events.wait_contains(HELPLINE_EVENT_MESSAGE, {"for V only"}, 10s));
  BOOST_REQUIRE(polls_pass(b, 2));
  BOOST_CHECK_MESSAGE(hlt::local_ticket_count(b, t2) == 0,
                      "U's device sees V's ticket: " << hlt::tickets_text(b));
  BOOST_CHECK_EQUAL(hlt::local_ticket_count(b), 2u);
  BOOST_CHECK_EQUAL(b.events.count(HELPLINE_EVENT_MESSAGE, {"for V only"}), 0u);
  // The server refuses U's token for V's ticket (what the SDK would get if it asked).
  hlt::HttpClient http(hlt::shared_test_mode_server().base_url());
  http.set_default_header("X-Helpline-App-Key", hlt::kAppKey);
  http.set_default_header("X-Helpline-Device-Id", hlt::device_id_of(b.data()));
  http.set_default_header("X-Helpline-Device-Secret", hlt::device_secret_of(b.data()));
  http.set_default_header("Authorization", "Bearer " + hlt::user_jwt(u));
  BOOST_CHECK_EQUAL(http.get("/v1/tickets/" + t2).status, 404);
  BOOST_CHECK_EQUAL(http.get("/v1/tickets/" + t2 + "/messages").status, 404);
  BOOST_CHECK_EQUAL(http.get("/v1/tickets/" + t1).status, 200);
}

BOOST_AUTO_TEST_CASE(a_refused_token_keeps_items_queued_until_a_fresh_one_is_given) {
  hlt::AgentClient agent(hlt::shared_test_mode_server());
  const std::string w = hlt::unique("wes-");
  Device c(0);
  BOOST_REQUIRE_EQUAL(helpline_set_network_available(c, 0), HELPLINE_OK);
  const std::string anon = hlt::create_ticket(c, hlt::unique("before-"), "written before identify");
  BOOST_REQUIRE_EQUAL(helpline_identify(c, w.c_str(), hlt::user_jwt(w, -3600).c_str()),
                      HELPLINE_OK);  // expired
  const std::string mine = hlt::create_ticket(c, hlt::unique("after-"), "written as W");
  BOOST_REQUIRE_EQUAL(helpline_set_network_available(c, 1), HELPLINE_OK);

  BOOST_REQUIRE_MESSAGE(c.events.wait_contains(HELPLINE_EVENT_IDENTITY, {"\"token_rejected\"", w}, 10s),
                        c.events.dump());
  // What was written before identify goes as the anonymous device; W's items wait.
  BOOST_CHECK(hlt::wait_until([&] { return agent.status_of("/v1/agent/tickets/" + anon) == 200; }, 10s));
  BOOST_CHECK_EQUAL(hlt::str_of(agent.ticket(anon)["requester"], "type"), "device");
  BOOST_CHECK_EQUAL(agent.status_of("/v1/agent/tickets/" + mine), 404);
  BOOST_CHECK(
      hlt::wait_until([&] { return hlt::stat_of(c, "outbox_depth") == 2; }, 5s));  // identify + W's ticket
  BOOST_CHECK_EQUAL(hlt::stat_of(c, "dead_lettered"), 0);
  {
    rapidjson::Document t;
    BOOST_REQUIRE(hlt::local_ticket(c, mine, t));
    BOOST_CHECK_EQUAL(hlt::str_of(t, "delivery"), "queued");
  }
  // A token with a bad signature: refused as well, still nothing lost.
  const std::size_t rejected = c.events.count(HELPLINE_EVENT_IDENTITY, {"\"token_rejected\""});
  const std::string forged = hlt::mint_jwt("not-the-app-secret-0123456789", hlt::identity_claims(w));
  BOOST_REQUIRE_EQUAL(helpline_identify(c, w.c_str(), forged.c_str()), HELPLINE_OK);
  BOOST_REQUIRE_MESSAGE(c.events.wait_for(
                            HELPLINE_EVENT_IDENTITY,
                            [&](const auto &e) {
                              return hlt::EventRecorder::count_matching(e, {"\"token_rejected\""}) > rejected;
                            },
                            15s),
                        c.events.dump());
  BOOST_CHECK_EQUAL(agent.status_of("/v1/agent/tickets/" + mine), 404);
  BOOST_CHECK_EQUAL(hlt::stat_of(c, "outbox_depth"), 3);  // each helpline_identify queues a POST /v1/identify

  // Let the backoff grow a little more (each refusal doubles it), as it would while the host fetches a token.
  BOOST_CHECK(c.events.wait_for(
      HELPLINE_EVENT_IDENTITY,
      [&](const auto &e) {
        return hlt::EventRecorder::count_matching(e, {"\"token_rejected\""}) >= rejected + 2;
      },
      15s));

  // A fresh token: delivered promptly, once, as W (and the anonymous ticket merged into W).
  auto start = hlt::Clock::now();
  BOOST_REQUIRE_EQUAL(helpline_identify(c, w.c_str(), hlt::user_jwt(w).c_str()), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(hlt::flush(c, 20s), HELPLINE_OK);
  const long long took = hlt::ms_since(start);
  BOOST_TEST_MESSAGE("delivered " << took << " ms after the fresh token");
  // Known SDK bug (reported): a fresh token does not reset the backoff the refusals built up, so the wait is
  // random (0..ceiling, growing to 5 min). A warning, not a check, until fixed: the draw makes it
  // non-deterministic.
  BOOST_CHECK_MESSAGE(took < 1000,
                      "items waited " << took << " ms after the fresh token (backoff not reset)");
  BOOST_CHECK_EQUAL(hlt::str_of(agent.ticket(mine)["requester"], "id"), w);
  BOOST_CHECK_EQUAL(hlt::str_of(agent.ticket(anon)["requester"], "id"), w);
  BOOST_CHECK(c.events.wait_contains(HELPLINE_EVENT_IDENTITY, {"\"merged\"", "\"merged_tickets\":1"}, 5s));
  rapidjson::Document t;
  BOOST_REQUIRE(hlt::local_ticket(c, mine, t));
  BOOST_CHECK_EQUAL(hlt::str_of(t, "delivery"), "sent");
  BOOST_CHECK_EQUAL(hlt::stat_of(c, "dead_lettered"), 0);
  BOOST_CHECK_EQUAL(agent.find("after-")["items"].Size() >= 1, true);
}

BOOST_AUTO_TEST_CASE(user_and_device_attributes_and_the_push_token_reach_the_server) {
  hlt::AgentClient agent(hlt::shared_test_mode_server());
  Device d(0);
  BOOST_REQUIRE_EQUAL(helpline_set_device_attribute(d, "model", "X100"), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_set_device_attribute(d, "app_version", "2.4.1"), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_set_device_attribute(d, "locale", "de-DE"), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_set_device_attribute(d, "region", "eu"), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_set_user_attribute(d, "plan", "\"pro\""), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_set_user_attribute(d, "seats", "5"), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_set_user_attribute(d, "flags", R"({"beta": true})"), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_set_push_token(d, "fcm", "push-token-123"), HELPLINE_OK);
  const std::string ticket = hlt::create_ticket(d, hlt::unique("context-"), "with context");
  BOOST_REQUIRE_EQUAL(hlt::flush(d), HELPLINE_OK);

  rapidjson::Document t = agent.ticket(ticket);
  BOOST_REQUIRE_MESSAGE(t["device"].IsObject(), hlt::to_json(t));
  BOOST_CHECK_EQUAL(hlt::str_of(t["device"], "model"), "X100");
  BOOST_CHECK_EQUAL(hlt::str_of(t["device"], "app_version"), "2.4.1");
  BOOST_CHECK_EQUAL(hlt::str_of(t["device"], "locale"), "de-DE");
  BOOST_CHECK_EQUAL(hlt::str_of(t["device"], "sdk_version"), helpline_version_string());
  BOOST_CHECK_MESSAGE(
      t["device"].HasMember("attributes") && hlt::str_of(t["device"]["attributes"], "region") == "eu",
      hlt::to_json(t["device"]));
  const auto &attrs = t["requester"]["attributes"];
  BOOST_CHECK_EQUAL(hlt::str_of(attrs, "plan"), "pro");
  BOOST_CHECK_EQUAL(hlt::int_of(attrs, "seats"), 5);
  BOOST_CHECK(attrs.HasMember("flags") && attrs["flags"].IsObject() && attrs["flags"]["beta"].IsTrue());

  // The device registration (PUT /v1/device) and the push token, as agents see them.
  rapidjson::Document dev;
  auto device_is = [&](const std::string &model, const std::string &platform, const std::string &token) {
    hlt::Response r = agent.http.get("/v1/agent/tickets/" + ticket + "/device");
    if (r.status != 200) return false;
    dev.Parse(r.body.c_str());
    return !dev.HasParseError() && hlt::str_of(dev, "model") == model && dev.HasMember("push") &&
           dev["push"].IsObject() && hlt::str_of(dev["push"], "platform") == platform &&
           hlt::str_of(dev["push"], "token") == token;
  };
  BOOST_CHECK_MESSAGE(hlt::wait_until([&] { return device_is("X100", "fcm", "push-token-123"); }, 5s),
                      "device: " << agent.http.get("/v1/agent/tickets/" + ticket + "/device").describe());
  BOOST_CHECK_EQUAL(hlt::str_of(dev, "app_version"), "2.4.1");

  // Changes: an attribute removed, the model and the push token replaced.
  BOOST_REQUIRE_EQUAL(helpline_set_user_attribute(d, "plan", "null"), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_set_device_attribute(d, "model", "X200"), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_set_push_token(d, "apns", "push-token-456"), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(hlt::flush(d), HELPLINE_OK);
  rapidjson::Document t2 = agent.ticket(ticket);
  BOOST_CHECK(!t2["requester"]["attributes"].HasMember("plan"));
  BOOST_CHECK_EQUAL(hlt::int_of(t2["requester"]["attributes"], "seats"), 5);
  BOOST_CHECK_MESSAGE(hlt::wait_until([&] { return device_is("X200", "apns", "push-token-456"); }, 5s),
                      "device: " << agent.http.get("/v1/agent/tickets/" + ticket + "/device").describe());
}

BOOST_AUTO_TEST_CASE(
    identity_survives_a_restart_and_what_a_user_queued_before_logout_is_delivered_as_that_user) {
  hlt::AgentClient agent(hlt::shared_test_mode_server());
  const std::string u = hlt::unique("ulf-"), v = hlt::unique("val-");
  hlt::TempDir tmp("helpline-identity-");
  hlt::OpenConfig c;
  c.endpoint = hlt::shared_test_mode_server().base_url();
  c.data_dir = (tmp / "data").string();
  std::string tu, tv;
  {
    hlt::Sdk h(c);
    BOOST_REQUIRE_EQUAL(helpline_set_network_available(h, 0), HELPLINE_OK);
    BOOST_REQUIRE_EQUAL(helpline_identify(h, u.c_str(), hlt::user_jwt(u).c_str()), HELPLINE_OK);
    tu = hlt::create_ticket(h, hlt::unique("queued-u-"), "written by U");
    BOOST_REQUIRE_EQUAL(helpline_logout(h), HELPLINE_OK);
    BOOST_CHECK_EQUAL(hlt::local_ticket_count(h), 0u);
    BOOST_REQUIRE_EQUAL(helpline_identify(h, v.c_str(), hlt::user_jwt(v).c_str()), HELPLINE_OK);
    tv = hlt::create_ticket(h, hlt::unique("queued-v-"), "written by V");
    BOOST_CHECK_EQUAL(hlt::local_ticket_count(h), 1u);
    BOOST_REQUIRE(hlt::wait_until([&] { return hlt::stat_of(h, "pending_commit") == 0; }, 5s));
    const helpline_status_t s = h.close(0);
    BOOST_CHECK(s == HELPLINE_OK || s == HELPLINE_E_TIMEOUT);
  }
  // Restarted: still V (another user is refused), and everything goes out under the right user.
  hlt::Sdk h(c);
  const std::string w = hlt::unique("wyn-");
  BOOST_CHECK_EQUAL(helpline_identify(h, w.c_str(), hlt::user_jwt(w).c_str()), HELPLINE_E_INVALID_ARGUMENT);
  BOOST_CHECK_EQUAL(hlt::local_ticket_count(h, tv), 1u);
  BOOST_CHECK_EQUAL(hlt::local_ticket_count(h, tu), 0u);
  BOOST_REQUIRE_EQUAL(hlt::flush(h), HELPLINE_OK);
  BOOST_CHECK_EQUAL(hlt::stat_of(h, "dead_lettered"), 0);
  BOOST_CHECK_EQUAL(hlt::str_of(agent.ticket(tu)["requester"], "id"), u);
  BOOST_CHECK_EQUAL(hlt::str_of(agent.ticket(tv)["requester"], "id"), v);
  const std::string later = hlt::create_ticket(h, hlt::unique("later-v-"), "V after restart");
  BOOST_REQUIRE_EQUAL(hlt::flush(h), HELPLINE_OK);
  BOOST_CHECK_EQUAL(hlt::str_of(agent.ticket(later)["requester"], "id"), v);
  BOOST_CHECK_EQUAL(hlt::store_count(c.data_dir, "identities"),
                    1);                                   // U's token deleted once U's items were sent
  BOOST_CHECK_EQUAL(hlt::local_ticket_count(h, tu), 0u);  // and U's ticket never came back
}

BOOST_AUTO_TEST_CASE(logout_while_anonymous_is_harmless) {
  // helpline_logout returns OK "also when nobody is signed in": the anonymous device's tickets are its own.
  Device d(0);
  const std::string t = hlt::create_ticket(d, hlt::unique("anon-keep-"), "mine");
  BOOST_REQUIRE_EQUAL(hlt::flush(d), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_logout(d), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(hlt::flush(d), HELPLINE_OK);
  BOOST_CHECK_MESSAGE(hlt::local_ticket_count(d, t) == 1,
                      "logout with nobody signed in deleted the anonymous device's tickets");
  BOOST_CHECK_EQUAL(d.events.count(HELPLINE_EVENT_IDENTITY, {"\"logged_out\""}), 0u);
}

BOOST_AUTO_TEST_CASE(signing_in_again_after_logout_brings_the_users_history_back) {
  // "The user's history follows them across devices once identified": after logout (local view cleared) the
  // same user signing in again on this device must get the tickets back, including those written on this
  // device.
  hlt::AgentClient agent(hlt::shared_test_mode_server());
  const std::string u = hlt::unique("ria-");
  Device a;
  BOOST_REQUIRE_EQUAL(helpline_identify(a, u.c_str(), hlt::user_jwt(u).c_str()), HELPLINE_OK);
  const std::string t = hlt::create_ticket(a, hlt::unique("again-"), "mine, written here");
  BOOST_REQUIRE_EQUAL(hlt::flush(a), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_logout(a), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(hlt::flush(a), HELPLINE_OK);
  BOOST_CHECK_EQUAL(hlt::local_ticket_count(a), 0u);
  BOOST_REQUIRE_EQUAL(helpline_identify(a, u.c_str(), hlt::user_jwt(u).c_str()), HELPLINE_OK);
  BOOST_CHECK_MESSAGE(
      hlt::wait_until([&] { return join(local_bodies(a, t)) == "[mine, written here]"; }, 10s),
      "ticket not back after signing in again: " << hlt::tickets_text(a));
}
