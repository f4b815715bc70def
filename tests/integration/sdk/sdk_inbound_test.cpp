// Inbound sync (issue 5, docs/OFFLINE.md "Inbound", docs/protocol.md 13): what an agent does reaches the device as
// HELPLINE_EVENT_SYNC_ITEM through the long-poll, and the cursor survives a reopen (no item is delivered twice).
#define BOOST_TEST_MODULE sdk_inbound
#include <boost/test/unit_test.hpp>

#include <rapidjson/document.h>

#include <set>

#include "sdk_support.hpp"

using namespace std::chrono_literals;

namespace {

struct SyncItem {
    long long seq;
    std::string type;
    std::string json;
};

std::vector<SyncItem> sync_items(const sdk::EventLog &events) {
    std::vector<SyncItem> out;
    for (const auto &j : events.of(HELPLINE_EVENT_SYNC_ITEM)) {
        rapidjson::Document d;
        d.Parse(j.c_str());
        BOOST_REQUIRE_MESSAGE(!d.HasParseError() && d.IsObject() && d.HasMember("seq") && d.HasMember("type"),
                              "bad sync item event: " << j);
        out.push_back({d["seq"].GetInt64(), d["type"].GetString(), j});
    }
    return out;
}

bool has_type(const std::vector<std::string> &events, const std::string &type, const std::string &needle = "") {
    for (const auto &j : events) {
        if (j.find("\"type\":\"" + type + "\"") != std::string::npos &&
            (needle.empty() || j.find(needle) != std::string::npos)) {
            return true;
        }
    }
    return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(agent_replies_and_status_changes_arrive_by_long_poll_and_are_not_repeated_after_reopen) {
    hlt::ServerProcess server;
    hlt::TempDir tmp("helpline-inbound-");
    const std::string data_dir = (tmp / "data").string();
    sdk::OpenConfig c;
    c.endpoint = server.base_url();
    c.data_dir = data_dir;
    c.long_poll_s = 2;

    auto agent = hlt::create_and_login_agent(server, sdk::unique("agent") + "@example.com");
    hlt::HttpClient agent_http(server.base_url());
    agent_http.set_default_header("Authorization", "Bearer " + agent.token);

    long long max_seq_first = 0;
    std::string ticket;
    {
        sdk::EventLog events;
        c.events = &events;
        sdk::Sdk h(c);
        // The device's ticket (tickets are not an SDK call yet): created over HTTP with the SDK's device id.
        hlt::HttpClient device(server.base_url());
        device.set_default_header("X-Helpline-App-Key", hlt::kAppKey);
        device.set_default_header("X-Helpline-Device-Id", sdk::device_id_of(data_dir));
        auto created = device.post("/v1/tickets", R"({"subject":"Printer jam","body":"It jams"})");
        BOOST_REQUIRE_MESSAGE(created.status == 201, created.describe());
        rapidjson::Document d;
        d.Parse(created.body.c_str());
        ticket = d["id"].GetString();

        // Let the SDK settle into its long-poll, then act as the agent: the poll must wake up with the news.
        std::this_thread::sleep_for(300ms);
        auto start = sdk::Clock::now();
        auto reply = agent_http.post("/v1/agent/tickets/" + ticket + "/messages", R"({"body":"Try off and on"})");
        BOOST_REQUIRE_MESSAGE(reply.status == 201, reply.describe());
        BOOST_REQUIRE_MESSAGE(events.wait_for(HELPLINE_EVENT_SYNC_ITEM,
                                              [](const auto &e) { return has_type(e, "message", "Try off and on"); },
                                              10s),
                              "agent reply never arrived as a sync item");
        BOOST_TEST_MESSAGE("agent reply reached the device after " << sdk::ms_since(start) << " ms");
        auto patched = agent_http.patch("/v1/agent/tickets/" + ticket, R"({"status":"solved"})");
        BOOST_REQUIRE_MESSAGE(patched.status == 200, patched.describe());
        BOOST_REQUIRE_MESSAGE(events.wait_for(HELPLINE_EVENT_SYNC_ITEM,
                                              [](const auto &e) { return has_type(e, "ticket_status", "solved"); },
                                              10s),
                              "status change never arrived as a sync item");
        auto items = sync_items(events);
        std::set<long long> seqs;
        for (const auto &i : items) {
            BOOST_CHECK_MESSAGE(seqs.insert(i.seq).second, "sync item " << i.seq << " delivered twice");
            max_seq_first = std::max(max_seq_first, i.seq);
        }
        BOOST_CHECK_GE(sdk::stat(h, "polls"), 1);
        BOOST_REQUIRE_EQUAL(h.close(1000), HELPLINE_OK);
    }

    // Reopen: the stored cursor means nothing old comes again; only what happens now arrives.
    sdk::EventLog events;
    c.events = &events;
    sdk::Sdk h(c);
    std::this_thread::sleep_for(2500ms);  // at least one full poll with the stored cursor
    for (const auto &i : sync_items(events)) {
        BOOST_CHECK_MESSAGE(i.seq > max_seq_first, "item " << i.seq << " (" << i.type << ") repeated after reopen");
    }
    auto reply = agent_http.post("/v1/agent/tickets/" + ticket + "/messages", R"({"body":"Anything else?"})");
    BOOST_REQUIRE_MESSAGE(reply.status == 201, reply.describe());
    BOOST_REQUIRE(events.wait_for(HELPLINE_EVENT_SYNC_ITEM,
                                  [](const auto &e) { return has_type(e, "message", "Anything else?"); }, 10s));
    for (const auto &i : sync_items(events)) {
        BOOST_CHECK_MESSAGE(i.seq > max_seq_first, "item " << i.seq << " (" << i.type << ") repeated after reopen");
        BOOST_CHECK_MESSAGE(i.json.find("Try off and on") == std::string::npos, "old reply repeated: " << i.json);
    }
}
