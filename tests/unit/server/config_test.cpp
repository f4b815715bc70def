// server.json (docs/protocol.md section 18.1): defaults, every field, and the errors that name the field.
#define BOOST_TEST_MODULE helpline_server_config
#include <boost/test/unit_test.hpp>

#include "cli_options.hpp"
#include "config.hpp"
#include "server_test_support.hpp"

#include <stdexcept>
#include <string>
#include <vector>

using namespace helpline::server;
using helpline::server::test::TempDir;

namespace {

// The message load_config fails with ("" when the file loads).
std::string load_error(const std::string &json) {
  TempDir dir;
  ServerConfig c;
  try {
    load_config(dir.write("server.json", json), c);
  } catch (const std::runtime_error &e) {
    return e.what();
  }
  return "";
}

const char *const kApp = R"({"app_key": "pk_demo", "app_secret": "at-least-16-chars-secret")";

}  // namespace

BOOST_AUTO_TEST_CASE(an_app_with_only_key_and_secret_gets_the_documented_defaults) {
  TempDir dir;
  ServerConfig c;
  load_config(dir.write("server.json", std::string(R"({"apps": [)") + kApp + "}]}"), c);
  BOOST_TEST(c.long_poll_max_seconds == 30);
  BOOST_TEST(!c.otlp.has_value());
  BOOST_TEST(c.wordnet_dir == "/usr/share/wordnet");
  BOOST_TEST(c.faq_learned_refresh_seconds == 60);
  const AppConfig *a = c.app("pk_demo");
  BOOST_REQUIRE(a);
  BOOST_TEST(a->name == "pk_demo");  // the key when no name is given
  BOOST_TEST(a->limits.device_requests_per_second.load() == 20.0);
  BOOST_TEST(a->limits.device_burst.load() == 60.0);
  BOOST_TEST(a->limits.max_body_bytes == (1u << 20));
  BOOST_TEST(a->limits.max_attachment_bytes == (10u << 20));
  BOOST_TEST(a->limits.max_batch_items == 100u);
  BOOST_TEST(a->limits.max_diagnostics_batch_items == 5000u);
  BOOST_TEST(a->settings.allow_anonymous);
  BOOST_TEST(a->settings.jwt_leeway_seconds == 30);
  BOOST_TEST(a->settings.idempotency_ttl_hours == 168);
  BOOST_TEST(a->settings.agent_token_ttl_hours == 12);
  BOOST_TEST(!a->settings.faq_auto_answer);
  BOOST_TEST(c.app("pk_other") == nullptr);
  BOOST_TEST(c.largest_body_limit() == (10u << 20));
}

BOOST_AUTO_TEST_CASE(every_field_is_read) {
  TempDir dir;
  ServerConfig c;
  load_config(dir.write("server.json", R"({
    "long_poll_max_seconds": 5,
    "wordnet_dir": "/opt/wordnet/dict",
    "faq_learned_refresh_seconds": 600,
    "otlp": {"endpoint": "https://collector.example:4318//", "headers": {"Authorization": "Bearer x"},
             "batch_ms": 250, "max_queue_items": 10, "max_batch_items": 5, "timeout_ms": 1000, "max_retries": 0},
    "apps": [{"app_key": "pk-a_1", "app_secret": "0123456789abcdef", "name": "A",
              "limits": {"device_requests_per_second": 0.5, "device_burst": 2, "max_body_bytes": 2048,
                         "max_attachment_bytes": 33554432, "max_batch_items": 7,
                         "max_diagnostics_batch_items": 9},
              "settings": {"allow_anonymous": false, "jwt_leeway_seconds": 0, "idempotency_ttl_hours": 1,
                           "agent_token_ttl_hours": 2, "faq_auto_answer": true}}]})"),
              c);
  BOOST_TEST(c.long_poll_max_seconds == 5);
  BOOST_TEST(c.wordnet_dir == "/opt/wordnet/dict");
  BOOST_TEST(c.faq_learned_refresh_seconds == 600);
  BOOST_REQUIRE(c.otlp.has_value());
  BOOST_TEST(c.otlp->endpoint == "https://collector.example:4318");  // trailing slashes dropped
  BOOST_REQUIRE(c.otlp->headers.size() == 1u);
  BOOST_TEST(c.otlp->headers[0].first == "Authorization");
  BOOST_TEST(c.otlp->headers[0].second == "Bearer x");
  BOOST_TEST(c.otlp->batch_ms == 250);
  BOOST_TEST(c.otlp->max_queue_items == 10u);
  BOOST_TEST(c.otlp->max_batch_items == 5u);
  BOOST_TEST(c.otlp->timeout_ms == 1000);
  BOOST_TEST(c.otlp->max_retries == 0);
  const AppConfig *a = c.app("pk-a_1");
  BOOST_REQUIRE(a);
  BOOST_TEST(a->name == "A");
  BOOST_TEST(a->limits.device_requests_per_second.load() == 0.5);
  BOOST_TEST(a->limits.device_burst.load() == 2.0);
  BOOST_TEST(a->limits.max_body_bytes == 2048u);
  BOOST_TEST(a->limits.max_attachment_bytes == (32u << 20));
  BOOST_TEST(a->limits.max_batch_items == 7u);
  BOOST_TEST(a->limits.max_diagnostics_batch_items == 9u);
  BOOST_TEST(!a->settings.allow_anonymous);
  BOOST_TEST(a->settings.jwt_leeway_seconds == 0);
  BOOST_TEST(a->settings.idempotency_ttl_hours == 1);
  BOOST_TEST(a->settings.agent_token_ttl_hours == 2);
  BOOST_TEST(a->settings.faq_auto_answer);
  BOOST_TEST(c.largest_body_limit() == (32u << 20));  // the largest cap of any app
}

BOOST_AUTO_TEST_CASE(no_apps_is_a_valid_empty_configuration) {
  BOOST_TEST(load_error("{}") == "");
  BOOST_TEST(load_error(R"({"otlp": null})") == "");
}

BOOST_AUTO_TEST_CASE(errors_name_the_field) {
  std::string app = kApp;
  BOOST_TEST(load_error("[]") == "config: top level must be an object");
  BOOST_TEST(load_error(R"({"apps": {}})") == "config: apps: must be an array");
  BOOST_TEST(load_error(R"({"apps": [{"app_secret": "0123456789abcdef"}]})") ==
             "config: apps[0].app_key: required string");
  BOOST_TEST(load_error(R"({"apps": [{"app_key": "p k", "app_secret": "0123456789abcdef"}]})") ==
             "config: apps[0].app_key: must match [A-Za-z0-9_-]{3,64}");
  BOOST_TEST(load_error(R"({"apps": [{"app_key": "pk", "app_secret": "0123456789abcdef"}]})") ==
             "config: apps[0].app_key: must match [A-Za-z0-9_-]{3,64}");  // too short
  BOOST_TEST(load_error(R"({"apps": [{"app_key": "pk_demo", "app_secret": "0123456789abcde"}]})") ==
             "config: apps[0].app_secret: at least 16 characters");
  BOOST_TEST(load_error(R"({"apps": [)" + app + "}, " + app + "}]}") ==
             "config: apps[1].app_key: duplicate pk_demo");
  BOOST_TEST(load_error(R"({"apps": [)" + app + R"(, "limits": {"max_batch_items": 0}}]})") ==
             "config: apps[0].limits.max_batch_items: must be an integer in 1..10000");
  BOOST_TEST(load_error(R"({"apps": [)" + app + R"(, "limits": {"device_burst": -1}}]})") ==
             "config: apps[0].limits.device_burst: must be a number >= 0");
  BOOST_TEST(load_error(R"({"apps": [)" + app + R"(, "settings": {"allow_anonymous": "yes"}}]})") ==
             "config: apps[0].settings.allow_anonymous: must be a boolean");
  BOOST_TEST(load_error(R"({"long_poll_max_seconds": 301})") ==
             "config: long_poll_max_seconds: must be an integer in 0..300");
  BOOST_TEST(load_error(R"({"wordnet_dir": 3})") == "config: wordnet_dir: must be a string");
  BOOST_TEST(load_error(R"({"faq_learned_refresh_seconds": 0})") ==
             "config: faq_learned_refresh_seconds: must be an integer in 1..86400");
  BOOST_TEST(load_error(R"({"otlp": {"endpoint": "ftp://x"}})") ==
             "config: otlp.endpoint: must be an http:// or https:// URL");
  BOOST_TEST(load_error(R"({"otlp": {}})") == "config: otlp.endpoint: required string");
  BOOST_TEST(load_error(R"({"otlp": {"endpoint": "http://x", "headers": {"X-A": "a\nb"}}})") ==
             "config: otlp.headers.X-A: not a valid header");
  BOOST_TEST(load_error(R"({"otlp": {"endpoint": "http://x", "batch_ms": 5}})") ==
             "config: otlp.batch_ms: must be an integer in 10..60000");
}

BOOST_AUTO_TEST_CASE(invalid_json_and_missing_files_are_reported) {
  std::string e = load_error(R"({"apps": [})");
  BOOST_TEST(e.rfind("config: ", 0) == 0);
  BOOST_TEST(e.find("invalid JSON at offset 10") != std::string::npos);
  ServerConfig c;
  BOOST_CHECK_EXCEPTION(load_config("/nonexistent/helpline/server.json", c), std::runtime_error,
                        [](const std::runtime_error &x) {
                          return std::string(x.what()) ==
                                 "config: cannot open /nonexistent/helpline/server.json";
                        });
}

// Security issue #16: the reverse proxies whose forwarding headers are believed (console cookies, login
// throttle).
BOOST_AUTO_TEST_CASE(trusted_proxies_are_ip_literals_in_canonical_form) {
  TempDir dir;
  ServerConfig none;
  load_config(dir.write("none.json", "{}"), none);
  BOOST_TEST(none.trusted_proxies.empty());
  ServerConfig c;
  load_config(dir.write("proxies.json",
                        R"({"trusted_proxies": ["10.0.0.7", "::1", "2001:DB8:0:0::5", "::ffff:10.0.0.8"]})"),
              c);
  BOOST_TEST((c.trusted_proxies == std::vector<std::string>{"10.0.0.7", "::1", "2001:db8::5", "10.0.0.8"}));
  const std::string want =
      "config: trusted_proxies: each entry must be an IPv4 or IPv6 address (no ports, no ranges)";
  BOOST_TEST(load_error(R"({"trusted_proxies": ["10.0.0.7:80"]})") == want);
  BOOST_TEST(load_error(R"({"trusted_proxies": ["10.0.0.0/8"]})") == want);
  BOOST_TEST(load_error(R"({"trusted_proxies": ["proxy.local"]})") == want);
  BOOST_TEST(load_error(R"({"trusted_proxies": [7]})") == want);
  BOOST_TEST(load_error(R"({"trusted_proxies": "10.0.0.7"})") ==
             "config: trusted_proxies: must be an array of at most 64 IPs");
}

// --wordnet-dir overrides server.json's wordnet_dir (main.cpp); unset it leaves the file's value.
BOOST_AUTO_TEST_CASE(the_wordnet_directory_flag) {
  BOOST_TEST(parse_serve_options({"--wordnet-dir", "/srv/wordnet"}).wordnet_dir == "/srv/wordnet");
  BOOST_TEST(parse_serve_options({}).wordnet_dir.empty());
  BOOST_CHECK_THROW(parse_serve_options({"--wordnet-dir"}), std::invalid_argument);
}
