#pragma once
// The server fixture of helpline_test_support: run the real helpline-server on 127.0.0.1 from a test, and
// talk to it.
//
//   #include "helpline/testing.hpp"
//   namespace hlt = helpline::testing;
//
//   // Apps hlt::kAppKey and hlt::kOtherAppKey, rate limit off; optional limits, settings, fault flags.
//   hlt::ServerConfig config;
//   config.faults.fail_5xx_percent = 30;
//   // Temp dir + server.json + DB; waits for /v1/health.
//   hlt::ServerProcess server(config);
//
//   // libcurl, keep-alive, gzip bodies, never throws on I/O.
//   hlt::HttpClient http(server.base_url());
//   http.set_default_header("X-Helpline-App-Key", hlt::kAppKey);
//   http.set_default_header("X-Helpline-Device-Id", "device-0001");
//   http.set_default_header("Authorization", "Bearer " + hlt::user_jwt("user-1"));
//   hlt::Response r = http.post("/v1/tickets", R"({"subject":"s","body":"b"})");
//
//   auto agent = hlt::create_and_login_agent(server, "agent@example.com");  // admin add-agent + login
//   server.stop(); server.start();   // down, then up again: same DB, same port
//   server.kill();                   // SIGKILL (crash)
//   hlt::TestControls(server).set_faults(R"({"drop_percent":20})");  // needs config.test_mode = true
//
// CMake: target_link_libraries(<test> PRIVATE helpline_test_support) and helpline_test_runs_server(<test>)
// (the server binary path comes from the helpline-server target, HELPLINE_SERVER_BIN, and it must be built
// first). HELPLINE_KEEP_TEMP=1 keeps the temp dirs (server.json, DB, server.log) for a failed run.
#include "helpline/testing/agent.hpp"
#include "helpline/testing/http_client.hpp"
#include "helpline/testing/jwt.hpp"
#include "helpline/testing/server_config.hpp"
#include "helpline/testing/server_process.hpp"
#include "helpline/testing/temp_dir.hpp"
#include "helpline/testing/test_controls.hpp"
