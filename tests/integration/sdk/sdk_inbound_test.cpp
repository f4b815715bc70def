// Inbound sync (docs/OFFLINE.md "Inbound", docs/protocol.md 13): what an agent
// does reaches the device through the long-poll as HELPLINE_EVENT_MESSAGE / HELPLINE_EVENT_TICKET_STATUS (not
// as raw HELPLINE_EVENT_SYNC_ITEM), and the cursor survives a reopen (nothing is delivered twice).
#define BOOST_TEST_MODULE sdk_inbound
#include <boost/test/unit_test.hpp>

#include <set>

#include "helpline/testing.hpp"
#include "helpline/testing/agent_client.hpp"
#include "helpline/testing/checks.hpp"
#include "helpline/testing/clock.hpp"
#include "helpline/testing/events.hpp"
#include "helpline/testing/json.hpp"
#include "helpline/testing/sdk.hpp"
#include "helpline/testing/sdk_tickets.hpp"

namespace hlt = helpline::testing;

using namespace std::chrono_literals;

namespace {

/// The "seq" of the message in each HELPLINE_EVENT_MESSAGE event.
std::vector<long long> message_seqs(const hlt::EventRecorder &events) {
  std::vector<long long> out;
  for (const auto &j : events.of(HELPLINE_EVENT_MESSAGE)) {
    rapidjson::Document d = hlt::parse(j);
    BOOST_REQUIRE_MESSAGE(d.IsObject() && d.HasMember("message") && d["message"].IsObject(),
                          "bad message event: " << j);
    out.push_back(hlt::int_of(d["message"], "seq"));
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(agent_replies_and_status_changes_arrive_by_long_poll_and_are_not_repeated_after_reopen) {
  hlt::ServerProcess server;
  hlt::TempDir tmp("helpline-inbound-");
  const std::string data_dir = (tmp / "data").string();
  hlt::OpenConfig c;
  c.endpoint = server.base_url();
  c.data_dir = data_dir;
  c.long_poll_s = 2;
  hlt::AgentClient agent(server);

  std::string ticket;
  {
    hlt::EventRecorder events;
    c.events = &events;
    hlt::Sdk h(c);
    ticket = hlt::create_ticket(h, "Printer jam", "It jams");
    BOOST_REQUIRE_EQUAL(hlt::flush(h), HELPLINE_OK);

    // Let the SDK settle into its long-poll, then act as the agent: the poll must wake up with the news.
    std::this_thread::sleep_for(300ms);
    auto start = hlt::Clock::now();
    agent.reply(ticket, "Try off and on");
    BOOST_REQUIRE_MESSAGE(events.wait_contains(HELPLINE_EVENT_MESSAGE, {ticket, "Try off and on"}, 10s),
                          "agent reply never arrived as a message event: " << events.dump());
    BOOST_TEST_MESSAGE("agent reply reached the device after " << hlt::ms_since(start) << " ms");
    BOOST_CHECK_LT(hlt::ms_since(start), 2000);  // woken by the long-poll, not by the next poll
    agent.set_status(ticket, "solved");
    BOOST_REQUIRE_MESSAGE(events.wait_contains(HELPLINE_EVENT_TICKET_STATUS,
                                               {ticket, "\"status\":\"solved\"",
                                                "\"previous_status\":\"open\"", "\"changed_by\":\"agent\""},
                                               10s),
                          "status change never arrived as a status event: " << events.dump());
    // Typed events replace the raw sync items for these types.
    BOOST_CHECK_EQUAL(events.count(HELPLINE_EVENT_SYNC_ITEM, {"\"type\":\"message\""}), 0u);
    BOOST_CHECK_EQUAL(events.count(HELPLINE_EVENT_SYNC_ITEM, {"\"type\":\"ticket_status\""}), 0u);
    std::set<long long> seqs;
    for (long long s : message_seqs(events)) {
      BOOST_CHECK_MESSAGE(seqs.insert(s).second, "message " << s << " delivered twice");
    }
    BOOST_CHECK_EQUAL(events.count(HELPLINE_EVENT_MESSAGE), 1u);
    BOOST_CHECK_EQUAL(events.count(HELPLINE_EVENT_TICKET_STATUS), 1u);
    BOOST_CHECK_GE(hlt::stat_of(h, "polls"), 1);
    BOOST_REQUIRE_EQUAL(h.close(1000), HELPLINE_OK);
  }

  // Reopen: the stored cursor means nothing old comes again; only what happens now arrives.
  hlt::EventRecorder events;
  c.events = &events;
  hlt::Sdk h(c);
  std::this_thread::sleep_for(2500ms);  // at least one full poll with the stored cursor
  BOOST_CHECK_MESSAGE(
      events.count(HELPLINE_EVENT_MESSAGE) == 0 && events.count(HELPLINE_EVENT_TICKET_STATUS) == 0,
      "old items repeated after reopen: " << events.dump());
  agent.reply(ticket, "Anything else?");
  BOOST_REQUIRE(events.wait_contains(HELPLINE_EVENT_MESSAGE, {ticket, "Anything else?"}, 10s));
  BOOST_CHECK_EQUAL(events.count(HELPLINE_EVENT_MESSAGE), 1u);
  BOOST_CHECK_EQUAL(events.count(HELPLINE_EVENT_MESSAGE, {"Try off and on"}), 0u);
  BOOST_CHECK_EQUAL(events.count(HELPLINE_EVENT_TICKET_STATUS), 0u);
  rapidjson::Document t;
  BOOST_REQUIRE(hlt::local_ticket(h, ticket, t));
  BOOST_CHECK_EQUAL(hlt::str_of(t, "status"),
                    "solved");  // kept across the reopen; an agent reply changes nothing
  BOOST_CHECK_EQUAL(hlt::int_of(t, "unread_count"), 2);
}
