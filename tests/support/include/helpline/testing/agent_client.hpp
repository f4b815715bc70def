#pragma once
// An agent of the default app with an HTTP client that sends its token (agent API, docs/protocol.md 14), with
// Boost.Test checks on every call: what a test does as the support agent on the other side.

#include <rapidjson/document.h>
#include <boost/test/unit_test.hpp>

#include <string>

#include "helpline/testing/agent.hpp"
#include "helpline/testing/checks.hpp"
#include "helpline/testing/http_client.hpp"
#include "helpline/testing/json.hpp"
#include "helpline/testing/server_process.hpp"
#include "helpline/testing/unique.hpp"

namespace helpline::testing {

struct AgentClient {
  AgentAccount account;
  HttpClient http;
  explicit AgentClient(const ServerProcess &server)
      : account(create_and_login_agent(server, unique("agent") + "@example.com")), http(server.base_url()) {
    http.set_default_header("Authorization", "Bearer " + account.token);
  }
  /// GET returning the parsed body; BOOST_REQUIREs `expect_status`.
  rapidjson::Document get(const std::string &path, long expect_status = 200) {
    Response r = http.get(path);
    BOOST_REQUIRE_MESSAGE(r.status == expect_status, "GET " << path << ": " << r.describe());
    return r.body.empty() ? rapidjson::Document() : parse(r.body);
  }
  long status_of(const std::string &path) { return http.get(path).status; }
  rapidjson::Document ticket(const std::string &id) { return get("/v1/agent/tickets/" + id); }
  /// All messages of a ticket on the server, oldest first.
  rapidjson::Document messages(const std::string &id) {
    return get("/v1/agent/tickets/" + id + "/messages?limit=100");
  }
  /// Tickets whose subject contains `query`.
  rapidjson::Document find(const std::string &query) {
    return get("/v1/agent/tickets?limit=100&q=" + url_encode(query));
  }
  void reply(const std::string &ticket_id, const std::string &body, const std::string &status = "") {
    std::string json =
        "{\"body\":\"" + body + "\"" + (status.empty() ? "" : ",\"status\":\"" + status + "\"") + "}";
    Response r = http.post("/v1/agent/tickets/" + ticket_id + "/messages", json);
    BOOST_REQUIRE_MESSAGE(r.status == 201, "agent reply: " << r.describe());
  }
  void set_status(const std::string &ticket_id, const std::string &status) {
    Response r = http.patch("/v1/agent/tickets/" + ticket_id, "{\"status\":\"" + status + "\"}");
    BOOST_REQUIRE_MESSAGE(r.status == 200, "agent status: " << r.describe());
  }
  std::string status(const std::string &ticket_id) { return str_of(ticket(ticket_id), "status"); }
};

}  // namespace helpline::testing
