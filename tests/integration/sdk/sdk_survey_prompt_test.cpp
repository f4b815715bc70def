// Survey prompts: the server's CSAT prompt on a solved ticket and a scheduled NPS prompt reach the host
// as HELPLINE_EVENT_SURVEY_PROMPT, never twice within the configured interval (kept across a restart), and
// the answer goes back through the outbox.
#define BOOST_TEST_MODULE sdk_survey_prompt
#include <boost/test/unit_test.hpp>

#include "helpline/testing.hpp"
#include "helpline/testing/agent_client.hpp"
#include "helpline/testing/events.hpp"

namespace hlt = helpline::testing;

using namespace std::chrono_literals;

namespace {

struct Device {
  hlt::EventRecorder events;
  helpline_t *h = nullptr;
  Device(const std::string &endpoint, const std::string &dir, uint32_t interval_s) {
    helpline_options_t *o = helpline_options_new();
    BOOST_REQUIRE(helpline_options_set_endpoint(o, endpoint.c_str()) == HELPLINE_OK);
    BOOST_REQUIRE(helpline_options_set_app_key(o, hlt::kAppKey.c_str()) == HELPLINE_OK);
    BOOST_REQUIRE(helpline_options_set_data_dir(o, dir.c_str()) == HELPLINE_OK);
    BOOST_REQUIRE(helpline_options_set_long_poll(o, 2) == HELPLINE_OK);
    BOOST_REQUIRE(helpline_options_set_survey_prompt_interval(o, interval_s) == HELPLINE_OK);
    BOOST_REQUIRE(helpline_options_set_event_callback(o, hlt::EventRecorder::callback, &events) ==
                  HELPLINE_OK);
    BOOST_REQUIRE_EQUAL(helpline_open(o, &h), HELPLINE_OK);
  }
  ~Device() {
    if (h != nullptr) helpline_close(h, 2000);
  }
  std::string ticket(const std::string &subject) {
    char *id = nullptr;
    BOOST_REQUIRE_EQUAL(helpline_ticket_create(h, subject.c_str(), "help", nullptr, &id), HELPLINE_OK);
    std::string s = id;
    helpline_free(id);
    BOOST_REQUIRE_EQUAL(helpline_flush(h, 10000), HELPLINE_OK);
    return s;
  }
  std::size_t prompts() { return events.of(HELPLINE_EVENT_SURVEY_PROMPT).size(); }
};

bool has_status(const std::vector<std::string> &events, const std::string &ticket) {
  for (const auto &e : events) {
    if (e.find(ticket) != std::string::npos && e.find("\"solved\"") != std::string::npos) return true;
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_solved_ticket_prompts_for_csat_once_per_interval_even_across_a_restart) {
  hlt::ServerProcess server;
  hlt::AgentClient agent(server);
  hlt::TempDir tmp("helpline-prompt-");
  const std::string dir = (tmp / "data").string();
  std::string first, second;
  {
    Device d(server.base_url(), dir, 3600);
    first = d.ticket("Printer jams");
    second = d.ticket("Scanner streaks");
    agent.set_status(first, "solved");
    BOOST_REQUIRE(d.events.wait_for(
        HELPLINE_EVENT_SURVEY_PROMPT, [](const auto &v) { return !v.empty(); }, 15s));
    const std::string prompt = d.events.of(HELPLINE_EVENT_SURVEY_PROMPT).front();
    BOOST_TEST(prompt.find("\"kind\":\"csat\"") != std::string::npos, prompt);
    BOOST_TEST(prompt.find(first) != std::string::npos, prompt);
    BOOST_TEST(prompt.find("\"reason\":\"ticket_solved\"") != std::string::npos, prompt);
    // The answer goes through the outbox and reaches the server's metrics.
    BOOST_REQUIRE_EQUAL(helpline_survey_submit(d.h, HELPLINE_SURVEY_CSAT, 5, first.c_str(), nullptr),
                        HELPLINE_OK);
    BOOST_REQUIRE_EQUAL(helpline_flush(d.h, 10000), HELPLINE_OK);
    // A second solved ticket within the interval: the status arrives, the prompt does not.
    agent.set_status(second, "solved");
    BOOST_REQUIRE(d.events.wait_for(
        HELPLINE_EVENT_TICKET_STATUS, [&](const auto &v) { return has_status(v, second); }, 15s));
    std::this_thread::sleep_for(500ms);
    BOOST_TEST(d.prompts() == 1u);
  }
  // After a restart the interval still holds (the last prompt time is on disk).
  Device d(server.base_url(), dir, 3600);
  const std::string third = d.ticket("Fax beeps");
  agent.set_status(third, "solved");
  BOOST_REQUIRE(d.events.wait_for(
      HELPLINE_EVENT_TICKET_STATUS, [&](const auto &v) { return has_status(v, third); }, 15s));
  std::this_thread::sleep_for(500ms);
  BOOST_TEST(d.prompts() == 0u);
  auto metrics = agent.get("/v1/agent/metrics");
  const auto &csat = metrics["totals"]["csat"];
  BOOST_REQUIRE(csat.IsObject() && csat.HasMember("value") && csat["value"].IsNumber());
  BOOST_TEST(csat["value"].GetDouble() == 100.0);
  BOOST_TEST(csat["responses"].GetInt() == 1);
}

BOOST_AUTO_TEST_CASE(with_a_zero_interval_every_prompt_is_delivered) {
  hlt::ServerProcess server;
  hlt::AgentClient agent(server);
  hlt::TempDir tmp("helpline-prompt-");
  Device d(server.base_url(), (tmp / "data").string(), 0);
  const std::string a = d.ticket("One"), b = d.ticket("Two");
  agent.set_status(a, "solved");
  agent.set_status(b, "solved");
  BOOST_TEST(d.events.wait_for(
      HELPLINE_EVENT_SURVEY_PROMPT, [](const auto &v) { return v.size() >= 2; }, 15s));
}

BOOST_AUTO_TEST_CASE(a_scheduled_nps_prompt_reaches_the_targeted_devices_only) {
  hlt::ServerProcess server;
  hlt::AgentClient agent(server);
  hlt::TempDir tmp("helpline-prompt-");
  Device x100(server.base_url(), (tmp / "a").string(), 3600);
  Device other(server.base_url(), (tmp / "b").string(), 3600);
  BOOST_REQUIRE_EQUAL(helpline_set_device_attribute(x100.h, "model", "X100"), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_set_device_attribute(other.h, "model", "Z9"), HELPLINE_OK);
  // The device context reaches the server (PUT /v1/device) shortly after the attribute is set.
  auto registered = [&](const char *model) {
    for (int i = 0; i < 100; ++i) {
      hlt::Response r = agent.http.get("/v1/agent/devices?q=" + std::string(model));
      if (r.status == 200 && r.body.find(model) != std::string::npos) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  };
  BOOST_REQUIRE(registered("X100"));
  BOOST_REQUIRE(registered("Z9"));
  hlt::Response r =
      agent.http.post("/v1/agent/survey-prompts", R"({"kind":"nps","target":{"model":"X100"}})");
  BOOST_REQUIRE_MESSAGE(r.status == 201, r.describe());
  BOOST_REQUIRE(x100.events.wait_for(
      HELPLINE_EVENT_SURVEY_PROMPT, [](const auto &v) { return !v.empty(); }, 15s));
  const std::string prompt = x100.events.of(HELPLINE_EVENT_SURVEY_PROMPT).front();
  BOOST_TEST(prompt.find("\"kind\":\"nps\"") != std::string::npos, prompt);
  BOOST_TEST(prompt.find("\"reason\":\"scheduled\"") != std::string::npos, prompt);
  std::this_thread::sleep_for(1s);
  BOOST_TEST(other.prompts() == 0u);
}
