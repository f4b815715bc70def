#pragma once
// One server for a whole test program (tests isolate themselves with unique device ids and users). The server
// tests': the two default apps plus one with small caps (413 tests, docs/protocol.md 16) and one closed to
// anonymous devices (docs/protocol.md 3.1), and an agent and an admin of the default app. The SDK tests': the
// default apps in test mode.

#include <string>

#include "helpline/testing/agent.hpp"
#include "helpline/testing/http_client.hpp"
#include "helpline/testing/server_config.hpp"
#include "helpline/testing/server_process.hpp"
#include "helpline/testing/unique.hpp"

namespace helpline::testing {

/// An app with small caps, for 413 tests (docs 16).
inline const std::string kCapsAppKey = "caps-app-key";
/// An app with allow_anonymous: false (docs 3.1).
inline const std::string kClosedAppKey = "closed-app-key";
inline const std::string kClosedAppSecret = "closed-app-secret-0123456789";

inline ServerConfig shared_config() {
  ServerConfig config;
  AppConfig caps{kCapsAppKey, "caps-app-secret-0123456789", "Caps App", {}, {}};
  caps.limits.device_requests_per_second = 0;
  caps.limits.max_body_bytes = 4096;
  caps.limits.max_attachment_bytes = 1024;
  caps.limits.max_batch_items = 3;
  caps.limits.max_diagnostics_batch_items = 5;
  config.apps.push_back(caps);
  AppConfig closed{kClosedAppKey, kClosedAppSecret, "Closed App", {}, {}};
  closed.limits.device_requests_per_second = 0;
  closed.settings.allow_anonymous = false;
  config.apps.push_back(closed);
  config.long_poll_max_seconds = 10;  // tests that need the clamp start their own server
  return config;
}

/// The program's server, started on first use with shared_config().
inline ServerProcess &shared_server() {
  static ServerProcess server(shared_config());
  return server;
}

/// The program's server with the default apps and the test-only controls on (docs/protocol.md 19), for the
/// SDK tests that set faults, pauses or tokens at runtime.
inline ServerProcess &shared_test_mode_server() {
  static ServerProcess server([] {
    ServerConfig c;
    c.test_mode = true;
    return c;
  }());
  return server;
}

/// An agent logged in on the shared server's default app (created once per role per program).
inline const AgentAccount &shared_agent(const std::string &role = "agent") {
  static AgentAccount agent = create_and_login_agent(shared_server(), unique("agent") + "@example.com");
  static AgentAccount admin =
      create_and_login_agent(shared_server(), unique("admin") + "@example.com", "admin");
  return role == "admin" ? admin : agent;
}

/// An HttpClient with the agent's bearer token.
inline HttpClient agent_client(const AgentAccount &agent, const ServerProcess &server = shared_server()) {
  HttpClient http(server.base_url());
  http.set_default_header("Authorization", "Bearer " + agent.token);
  return http;
}

/// An HttpClient of the shared server's agent (or admin) of the default app.
inline HttpClient shared_agent_client(const std::string &role = "agent") {
  return agent_client(shared_agent(role));
}

}  // namespace helpline::testing
