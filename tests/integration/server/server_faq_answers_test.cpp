// Automated FAQ answers on new tickets (docs/protocol.md 7 and 18.1 settings.faq_auto_answer): the server
// ranks its help center with the SDK's search engine and posts the confident hits as a bot message.
#define BOOST_TEST_MODULE server_faq_answers
#include <boost/test/unit_test.hpp>

#include <rapidjson/document.h>

#include <string>

#include "helpline/testing.hpp"

namespace hlt = helpline::testing;

namespace {

rapidjson::Document parse(const hlt::Response &r) {
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  BOOST_REQUIRE_MESSAGE(!d.HasParseError(), r.describe());
  return d;
}

struct Fixture {
  hlt::ServerProcess server;
  hlt::HttpClient agent;
  hlt::HttpClient device;
  explicit Fixture(bool auto_answer)
      : server([&] {
          hlt::ServerConfig c;
          c.apps[0].settings.faq_auto_answer = auto_answer;
          return c;
        }()),
        agent(server.base_url()),
        device(server.base_url()) {
    auto account = hlt::create_and_login_agent(server, "faq-bot@example.com");
    agent.set_default_header("Authorization", "Bearer " + account.token);
    device.set_default_header("X-Helpline-App-Key", hlt::kAppKey);
    device.set_default_header("X-Helpline-Device-Id", "device-faq-answers-1");
    auto s = agent.post("/v1/agent/faq/sections", R"({"id":"sec","locale":"en","title":"Connectivity"})");
    BOOST_REQUIRE_MESSAGE(s.status == 201, s.describe());
    article("wifi", "Thermostat keeps disconnecting from Wi-Fi",
            "Move the router closer, use the 2.4 GHz band and update the firmware.");
  }
  void article(const std::string &id, const std::string &title, const std::string &body) {
    auto a = agent.post("/v1/agent/faq/articles", R"({"id":")" + id +
                                                      R"(","section_id":"sec","locale":"en","title":")" +
                                                      title + R"(","body":")" + body + R"("})");
    BOOST_REQUIRE_MESSAGE(a.status == 201, a.describe());
  }
  // The ticket's messages after creating it.
  rapidjson::Document ticket(const std::string &subject, const std::string &body) {
    auto t = device.post("/v1/tickets", R"({"subject":")" + subject + R"(","body":")" + body + R"("})");
    BOOST_REQUIRE_MESSAGE(t.status == 201, t.describe());
    std::string id = parse(t)["id"].GetString();
    auto m = device.get("/v1/tickets/" + id + "/messages");
    BOOST_REQUIRE_MESSAGE(m.status == 200, m.describe());
    return parse(m);
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(a_matching_ticket_gets_one_bot_message_with_the_article_link) {
  Fixture f(true);
  auto m = f.ticket("My thermostat keeps disconnecting", "It drops off the wifi every hour");
  BOOST_REQUIRE_EQUAL(m["items"].Size(), 2u);
  const auto &bot = m["items"][1];
  BOOST_TEST(std::string(bot["author"]["type"].GetString()) == "bot");
  BOOST_TEST(bot["seq"].GetInt() == 2);
  std::string body = bot["body"].GetString();
  BOOST_TEST(body.find("(faq:wifi)") != std::string::npos, body);
  BOOST_TEST(body.find("Thermostat keeps disconnecting from Wi-Fi") != std::string::npos, body);
}

BOOST_AUTO_TEST_CASE(an_unrelated_ticket_gets_no_bot_message) {
  Fixture f(true);
  auto m = f.ticket("Invoice address", "Please change the billing address on my invoice");
  BOOST_TEST(m["items"].Size() == 1u);
}

BOOST_AUTO_TEST_CASE(articles_added_later_are_found_the_index_follows_the_faq) {
  Fixture f(true);
  f.ticket("Thermostat disconnecting", "wifi drops");  // builds the index
  f.article("e42", "Error E42 sensor not responding", "E42 means the temperature sensor did not answer.");
  auto m = f.ticket("Display shows e42", "what does it mean");
  BOOST_REQUIRE_EQUAL(m["items"].Size(), 2u);
  std::string body = m["items"][1]["body"].GetString();
  BOOST_TEST(body.find("(faq:e42)") != std::string::npos, body);
}

BOOST_AUTO_TEST_CASE(apps_without_the_setting_get_no_automated_answer) {
  Fixture f(false);
  auto m = f.ticket("My thermostat keeps disconnecting", "It drops off the wifi every hour");
  BOOST_TEST(m["items"].Size() == 1u);
}

BOOST_AUTO_TEST_CASE(the_device_receives_the_bot_message_through_sync) {
  Fixture f(true);
  f.ticket("My thermostat keeps disconnecting", "It drops off the wifi every hour");
  auto s = f.device.get("/v1/sync?wait=0");
  BOOST_REQUIRE_MESSAGE(s.status == 200, s.describe());
  bool found = false;
  const rapidjson::Document page = parse(s);  // kept alive for the loop
  for (const auto &item : page["items"].GetArray()) {
    if (std::string(item["type"].GetString()) == "message" &&
        std::string(item["data"]["author"]["type"].GetString()) == "bot") {
      found = true;
    }
  }
  BOOST_TEST(found, s.body);
}
