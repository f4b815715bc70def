// The header-only C++ wrapper (helpline.hpp): exceptions, RAII close, move semantics, handlers,
// and every group of wrapped calls (options, diagnostics, notices, FAQ, host transport).
#define BOOST_TEST_MODULE helpline_cpp_wrapper
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "helpline/helpline.hpp"
#include "helpline/testing/events.hpp"
#include "helpline/testing/files.hpp"
#include "helpline/testing/process.hpp"
#include "helpline/testing/sdk.hpp"
#include "helpline/testing/temp_dir.hpp"

using namespace helpline::testing;

namespace {

helpline::Options options_for_dir(const std::string &dir) {
  helpline::Options o;
  o.data_dir(dir);
  return o;
}

// True when `dir` can be opened right now (so nobody holds its lock).
bool can_open(const std::string &dir) {
  helpline_t *h = nullptr;
  if (open_dir(dir, &h) != HELPLINE_OK) return false;
  helpline_close(h, 1000);
  return true;
}

// The status a wrapper call throws (HELPLINE_OK when it does not throw).
template <class Fn>
helpline_status_t status_of(Fn &&fn) {
  try {
    fn();
  } catch (const helpline::Error &e) {
    return e.status();
  }
  return HELPLINE_OK;
}

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

// Events handed to an on_event handler (any thread), waited for by type.
class Events {
 public:
  helpline::EventHandler handler() {
    return [this](helpline_event_type_t type, const std::string &json) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        events_.emplace_back(type, json);
      }
      cv_.notify_all();
    };
  }
  // The JSON of the first event of `type`, or "" after the timeout.
  std::string wait_for(helpline_event_type_t type,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock<std::mutex> lock(mu_);
    std::string json;
    cv_.wait_for(lock, timeout, [&] {
      for (const auto &e : events_) {
        if (e.first == type) {
          json = e.second;
          return true;
        }
      }
      return false;
    });
    return json;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<helpline_event_type_t, std::string>> events_;
};

// The number after "outbox_depth": in a stats document.
long outbox_depth(helpline::Client &c) {
  const std::string stats = c.stats_json();
  const std::string key = "\"outbox_depth\":";
  std::size_t at = stats.find(key);
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, stats);
  return std::stol(stats.substr(at + key.size()));
}

// A host transport standing in for the server: it serves a one-article FAQ on GET /v1/faq and a
// diagnostics request on GET /v1/sync, and answers everything else 503 (retry in an hour).
struct FakeServer {
  std::mutex mu;
  std::vector<std::string> urls;
  std::atomic<int> bad_status_refused{0};

  static std::string faq_answer() {
    return R"({"full":true,"cursor":"1","deleted":{"sections":[],"articles":[]},)"
           R"("sections":[{"id":"s1","locale":"en","title":"Account","position":0,"updated_at":1700000000000}],)"
           R"("articles":[{"id":"a1","section_id":"s1","locale":"en","title":"Reset your password",)"
           R"("body":"Tap Forgot password on the sign-in screen.","tags":["login"],"position":0,)"
           R"("helpful_count":0,"not_helpful_count":0,"updated_at":1700000000000}]})";
  }
  static std::string sync_page() {
    return R"({"cursor":"c1","has_more":false,"items":[{"seq":1,"type":"diagnostics_request",)"
           R"("created_at":1700000000000,"data":{"id":"dr_1","ticket_id":null,"kinds":["logs"],)"
           R"("message":"please send logs"}}]})";
  }

  helpline::TransportHandler handler() {
    return [this](const helpline_http_request_t &request, helpline::HttpResponse &response) {
      const std::string url = request.url;
      // Counted before the URL is recorded: whenever the test reads both, every recorded request was
      // counted (a request still on its way may be counted and not yet recorded).
      if (status_of([&] { response.status(42); }) == HELPLINE_E_INVALID_ARGUMENT)
        bad_status_refused.fetch_add(1);
      {
        std::lock_guard<std::mutex> lock(mu);
        urls.push_back(url);
      }
      if (contains(url, "/v1/faq")) {
        response.status(200).header("ETag", "\"v1\"").append_body(faq_answer());
      } else if (contains(url, "/v1/sync")) {
        response.status(200).append_body(sync_page());
      } else {
        response.status(503).header("Retry-After", "3600").append_body("{}");
      }
      return true;
    };
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(errors)

BOOST_AUTO_TEST_CASE(failed_setter_throws_error_with_status_and_message) {
  helpline::Options o;
  try {
    o.data_dir("relative/path");
    BOOST_FAIL("expected helpline::Error");
  } catch (const helpline::Error &e) {
    BOOST_TEST(e.status() == HELPLINE_E_INVALID_ARGUMENT);
    std::string what = e.what();
    BOOST_TEST(what.find("HELPLINE_E_INVALID_ARGUMENT") != std::string::npos, what);
    BOOST_TEST(what.find("absolute") != std::string::npos, what);
  }
}

BOOST_AUTO_TEST_CASE(failed_open_throws_error_with_the_open_status) {
  TempDir tmp;
  write_file(tmp.sub("file"), "x");
  try {
    helpline::Client c(options_for_dir(tmp.sub("file")));
    BOOST_FAIL("expected helpline::Error");
  } catch (const helpline::Error &e) {
    BOOST_TEST(e.status() == HELPLINE_E_IO);
    BOOST_TEST(std::string(e.what()).find("not a directory") != std::string::npos, e.what());
  }
}

BOOST_AUTO_TEST_CASE(locked_data_dir_throws_locked) {
  TempDir tmp;
  helpline::Client first(options_for_dir(tmp.sub("data")));
  BOOST_CHECK_EXCEPTION(helpline::Client second(options_for_dir(tmp.sub("data"))), helpline::Error,
                        [](const helpline::Error &e) { return e.status() == HELPLINE_E_LOCKED; });
}

BOOST_AUTO_TEST_CASE(error_is_a_runtime_error) {
  helpline::Options o;
  BOOST_CHECK_THROW(o.app_key(""), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(take_string_of_null_is_empty) {
  BOOST_TEST(helpline::take_string(nullptr).empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(raii)

BOOST_AUTO_TEST_CASE(destructor_closes_the_instance) {
  TempDir tmp;
  const int threads = count_threads();
  {
    helpline::Client c(options_for_dir(tmp.sub("data")));
    BOOST_TEST(count_threads() == threads + 1);
    BOOST_TEST(!can_open(tmp.sub("data")));
  }
  BOOST_TEST(count_threads() == threads);
  BOOST_TEST(can_open(tmp.sub("data")), "the lock is released by the destructor");
}

BOOST_AUTO_TEST_CASE(close_returns_true_and_releases_the_handle) {
  TempDir tmp;
  helpline::Client c(options_for_dir(tmp.sub("data")));
  BOOST_TEST(c.close(1000));
  BOOST_TEST(c.get() == nullptr);
  BOOST_TEST(can_open(tmp.sub("data")));
}

BOOST_AUTO_TEST_CASE(calls_after_close_throw) {
  TempDir tmp;
  helpline::Client c(options_for_dir(tmp.sub("data")));
  c.close(1000);
  BOOST_CHECK_THROW(c.flush(100), helpline::Error);
  BOOST_CHECK_THROW(c.stats_json(), helpline::Error);
}

BOOST_AUTO_TEST_CASE(flush_and_stats_work_on_an_open_client) {
  TempDir tmp;
  helpline::Client c(options_for_dir(tmp.sub("data")));
  BOOST_CHECK_NO_THROW(c.flush(2000));
  BOOST_TEST(c.stats_json().find("\"schema_version\"") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(moves)

BOOST_AUTO_TEST_CASE(move_construction_transfers_the_handle) {
  TempDir tmp;
  helpline::Client a(options_for_dir(tmp.sub("data")));
  helpline_t *h = a.get();
  helpline::Client b(std::move(a));
  BOOST_TEST(a.get() == nullptr);  // NOLINT(bugprone-use-after-move): moved-from state is specified
  BOOST_TEST(b.get() == h);
  BOOST_CHECK_NO_THROW(b.flush(2000));
}

BOOST_AUTO_TEST_CASE(move_assignment_closes_the_previous_instance) {
  TempDir tmp;
  helpline::Client a(options_for_dir(tmp.sub("a")));
  helpline::Client b(options_for_dir(tmp.sub("b")));
  helpline_t *ha = a.get();
  b = std::move(a);
  BOOST_TEST(b.get() == ha);
  BOOST_TEST(can_open(tmp.sub("b")), "b's old instance was closed by the assignment");
  BOOST_TEST(!can_open(tmp.sub("a")), "a's instance lives on in b");
}

BOOST_AUTO_TEST_CASE(moved_client_keeps_delivering_to_its_handler) {
  TempDir tmp;
  std::atomic<int> events{0};
  helpline::Options o = options_for_dir(tmp.sub("data"));
  o.on_event([&](helpline_event_type_t, const std::string &) {
     events.fetch_add(1);
   }).delivery(HELPLINE_DELIVERY_DISPATCH, 16);
  helpline::Client a(std::move(o));
  helpline::Client b(std::move(a));
  BOOST_TEST(b.dispatch() == 1);
  BOOST_TEST(events.load() == 1);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(handlers)

BOOST_AUTO_TEST_CASE(event_handler_receives_opened_json) {
  TempDir tmp;
  std::string json;
  helpline::Options o = options_for_dir(tmp.sub("data"));
  o.on_event([&](helpline_event_type_t type, const std::string &j) {
     if (type == HELPLINE_EVENT_OPENED) json = j;
   }).delivery(HELPLINE_DELIVERY_DISPATCH);
  helpline::Client c(std::move(o));
  c.dispatch();
  BOOST_TEST(json.find(tmp.sub("data")) != std::string::npos, json);
}

BOOST_AUTO_TEST_CASE(throwing_event_handler_does_not_escape_into_the_library) {
  TempDir tmp;
  std::atomic<int> calls{0};
  helpline::Options o = options_for_dir(tmp.sub("data"));
  o.on_event([&](helpline_event_type_t, const std::string &) {
    calls.fetch_add(1);
    throw std::runtime_error("host bug");
  });
  helpline::Client c(std::move(o));
  BOOST_CHECK_NO_THROW(c.flush(2000));
  BOOST_TEST(calls.load() == 1);
}

BOOST_AUTO_TEST_CASE(log_handler_receives_lines_at_its_level) {
  TempDir tmp;
  std::mutex mu;
  std::vector<std::string> lines;
  {
    helpline::Options o = options_for_dir(tmp.sub("data"));
    o.on_log(
        [&](helpline_log_level_t, const std::string &m) {
          std::lock_guard<std::mutex> l(mu);
          lines.push_back(m);
        },
        HELPLINE_LOG_INFO);
    helpline::Client c(std::move(o));
  }
  BOOST_TEST(!lines.empty());
}

// Client::close() from inside its own event handler is refused by the library with
// HELPLINE_E_INVALID_STATE; the wrapper must throw AND keep the handle, so that the instance is
// still closed later (here: by the destructor). Otherwise the worker thread and the data_dir
// lock leak for the life of the process.
BOOST_AUTO_TEST_CASE(close_refused_inside_a_handler_keeps_the_instance_owned) {
  TempDir tmp;
  std::atomic<helpline::Client *> self{nullptr};
  std::atomic<int> status{1};
  std::atomic<bool> done{false};
  const int threads = count_threads();
  {
    helpline::Options o = options_for_dir(tmp.sub("data"));
    o.on_event([&](helpline_event_type_t type, const std::string &) {
      if (type != HELPLINE_EVENT_OPENED) return;
      for (int i = 0; i < 5000 && self.load() == nullptr; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      try {
        self.load()->close(100);
        status = HELPLINE_OK;
      } catch (const helpline::Error &e) {
        status = e.status();
      }
      done = true;
    });
    helpline::Client c(std::move(o));
    self = &c;
    for (int i = 0; i < 5000 && !done.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    BOOST_REQUIRE(done.load());
    BOOST_TEST(status.load() == HELPLINE_E_INVALID_STATE);
  }
  BOOST_TEST(count_threads() == threads, "the destructor must still close the instance");
  BOOST_TEST(can_open(tmp.sub("data")), "the data_dir lock must be released");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(status_and_version)

BOOST_AUTO_TEST_CASE(version_functions_match_the_header) {
  BOOST_TEST(helpline::version() == static_cast<uint32_t>(HELPLINE_VERSION_NUMBER));
  BOOST_TEST(helpline::version_string() == HELPLINE_VERSION_STRING);
}

BOOST_AUTO_TEST_CASE(error_message_starts_with_the_status_name_even_for_busy) {
  helpline::Error e(HELPLINE_E_BUSY, "queue full");
  BOOST_TEST(std::string(e.what()) == "HELPLINE_E_BUSY: queue full");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(options)

BOOST_AUTO_TEST_CASE(survey_prompt_interval_over_a_year_throws) {
  helpline::Options o;
  BOOST_TEST(status_of([&] { o.survey_prompt_interval(31536001); }) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(status_of([&] { o.survey_prompt_interval(0); }) == HELPLINE_OK);
}

BOOST_AUTO_TEST_CASE(heartbeat_interval_below_ten_seconds_throws) {
  helpline::Options o;
  BOOST_TEST(status_of([&] { o.heartbeat_interval(9); }) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(status_of([&] { o.heartbeat_interval(10); }) == HELPLINE_OK);
}

BOOST_AUTO_TEST_CASE(a_redaction_pattern_that_does_not_compile_throws) {
  helpline::Options o;
  BOOST_TEST(status_of([&] { o.add_redaction_pattern("("); }) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(status_of([&] { o.add_redaction_pattern("order-[0-9]+"); }) == HELPLINE_OK);
  BOOST_TEST(status_of([&] { o.builtin_redaction(false); }) == HELPLINE_OK);
}

BOOST_AUTO_TEST_CASE(consent_required_for_an_unknown_consent_throws) {
  helpline::Options o;
  BOOST_TEST(status_of([&] { o.consent_required(7, false); }) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(status_of([&] { o.consent_required(HELPLINE_CONSENT_DIAGNOSTICS, false); }) == HELPLINE_OK);
}

BOOST_AUTO_TEST_CASE(raw_callbacks_and_empty_handlers_are_accepted) {
  helpline::Options o;
  BOOST_TEST(status_of([&] { o.before_send(nullptr, nullptr).log_provider(nullptr, nullptr); }) ==
             HELPLINE_OK);
  BOOST_TEST(status_of([&] {
               o.before_send(helpline::BeforeSendHandler())
                   .log_provider(helpline::LogProvider())
                   .transport(helpline::TransportHandler());
             }) == HELPLINE_OK);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(diagnostics)

BOOST_AUTO_TEST_CASE(breadcrumbs_need_consent_and_a_breadcrumb_level) {
  TempDir tmp;
  helpline::Client c(options_for_dir(tmp.sub("data")));
  BOOST_TEST(status_of([&] { c.breadcrumb("ui", "tapped"); }) == HELPLINE_E_NO_CONSENT);
  c.set_consent(HELPLINE_CONSENT_DIAGNOSTICS, true);
  BOOST_TEST(status_of([&] { c.breadcrumb("ui", "tapped"); }) == HELPLINE_OK);
  BOOST_TEST(status_of([&] { c.breadcrumb(HELPLINE_LOG_ERROR, "net", "failed"); }) == HELPLINE_OK);
  BOOST_TEST(status_of([&] { c.breadcrumb(HELPLINE_LOG_OFF, "net", "failed"); }) ==
             HELPLINE_E_INVALID_ARGUMENT);
}

BOOST_AUTO_TEST_CASE(a_metric_is_a_counter_or_a_gauge_not_both) {
  TempDir tmp;
  helpline::Options o = options_for_dir(tmp.sub("data"));
  o.consent_required(HELPLINE_CONSENT_DIAGNOSTICS, false);
  helpline::Client c(std::move(o));
  BOOST_TEST(status_of([&] { c.metric_add("wifi_drops", 1); }) == HELPLINE_OK);
  BOOST_TEST(status_of([&] { c.metric_set("wifi_drops", 1); }) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(status_of([&] { c.metric_set("disk_free_pct", 40); }) == HELPLINE_OK);
  BOOST_TEST(status_of([&] { c.metric_add("disk_free_pct", 1); }) == HELPLINE_E_INVALID_ARGUMENT);
}

BOOST_AUTO_TEST_CASE(loaded_rules_fire_on_a_gauge_sample_and_malformed_rules_throw) {
  TempDir tmp;
  Events events;
  helpline::Options o = options_for_dir(tmp.sub("data"));
  o.consent_required(HELPLINE_CONSENT_DIAGNOSTICS, false).on_event(events.handler());
  helpline::Client c(std::move(o));
  c.set_close_timeout(0);  // items stay queued: no server
  BOOST_TEST(status_of([&] { c.rules_load_json("{\"rules\": ["); }) == HELPLINE_E_INVALID_JSON);
  c.rules_load_json(R"({"rules":[{"id":"low_disk","metric":"disk_free_pct","op":"<","value":5}]})");
  c.metric_set("disk_free_pct", 3);
  const std::string fired = events.wait_for(HELPLINE_EVENT_RULE_FIRED);
  BOOST_TEST(contains(fired, "low_disk"), fired);
}

BOOST_AUTO_TEST_CASE(before_send_sees_redacted_items_and_drops_what_it_refuses) {
  TempDir tmp;
  std::mutex mu;
  std::vector<std::string> seen;
  std::atomic<int> bad_utf8_refused{0};
  helpline::Options o = options_for_dir(tmp.sub("data"));
  o.consent_required(HELPLINE_CONSENT_DIAGNOSTICS, false)
      .add_redaction_pattern("secret[0-9]+")
      .before_send([&](const std::string &payload, helpline::Buffer &replacement) {
        if (status_of([&] { replacement.set("bad \xff"); }) == HELPLINE_E_INVALID_UTF8)
          bad_utf8_refused.fetch_add(1);
        std::lock_guard<std::mutex> lock(mu);
        seen.push_back(payload);
        return !contains(payload, "drop_me");
      });
  helpline::Client c(std::move(o));
  c.set_close_timeout(0);  // items stay queued: no server
  const long depth = outbox_depth(c);
  c.diagnostics_send("drop_me");
  BOOST_TEST(outbox_depth(c) == depth, "a dropped item is not queued");
  c.diagnostics_send("keep_me", R"({"note":"token secret42"})");
  BOOST_TEST(outbox_depth(c) == depth + 1, "a kept item is queued");
  std::lock_guard<std::mutex> lock(mu);
  BOOST_REQUIRE(seen.size() == 2u);
  BOOST_TEST(contains(seen[0], "drop_me"), seen[0]);
  BOOST_TEST(contains(seen[1], "keep_me"), seen[1]);
  BOOST_TEST(contains(seen[1], "[redacted]"), seen[1]);
  BOOST_TEST(!contains(seen[1], "secret42"), seen[1]);
  BOOST_TEST(bad_utf8_refused.load() == 2, "Buffer::set throws the library's status");
}

BOOST_AUTO_TEST_CASE(a_throwing_before_send_drops_the_item) {
  TempDir tmp;
  helpline::Options o = options_for_dir(tmp.sub("data"));
  o.consent_required(HELPLINE_CONSENT_DIAGNOSTICS, false)
      .before_send(
          [](const std::string &, helpline::Buffer &) -> bool { throw std::runtime_error("host bug"); });
  helpline::Client c(std::move(o));
  const long depth = outbox_depth(c);
  BOOST_CHECK_NO_THROW(c.diagnostics_send("boot"));
  BOOST_TEST(outbox_depth(c) == depth);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(notices_and_faq)

BOOST_AUTO_TEST_CASE(notices_of_an_empty_store) {
  TempDir tmp;
  helpline::Client c(options_for_dir(tmp.sub("data")));
  BOOST_TEST(c.notices_json() == "{\"notices\":[]}");
  BOOST_TEST(status_of([&] { c.notice_mark("n_missing", HELPLINE_NOTICE_SEEN); }) == HELPLINE_E_NOT_FOUND);
  BOOST_TEST(status_of([&] { c.notice_mark("n_missing", 3); }) == HELPLINE_E_INVALID_ARGUMENT);
}

BOOST_AUTO_TEST_CASE(faq_calls_on_an_empty_catalog) {
  TempDir tmp;
  helpline::Client c(options_for_dir(tmp.sub("data")));
  const std::string hits = c.faq_search("password", "en", 5);
  BOOST_TEST(contains(hits, "\"hits\":[]"), hits);
  BOOST_TEST(status_of([&] { c.faq_search("password", "", 0); }) == HELPLINE_E_INVALID_ARGUMENT);
  const std::string sections = c.faq_sections_json();
  BOOST_TEST(contains(sections, "\"sections\":[]"), sections);
  BOOST_TEST(status_of([&] { c.faq_article_json("a_missing"); }) == HELPLINE_E_NOT_FOUND);
  BOOST_TEST(status_of([&] { c.faq_vote("a_missing", true); }) == HELPLINE_E_NOT_FOUND);
  BOOST_TEST(status_of([&] { c.faq_suggest_for_ticket("", ""); }) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(contains(c.faq_suggest_for_ticket("cannot log in", ""), "\"hits\""));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(host_transport)

// The transport handler answers the SDK's requests; what it serves reaches the FAQ calls, and the
// diagnostics request it serves reaches the log provider and before_send.
BOOST_AUTO_TEST_CASE(a_transport_handler_serves_the_faq_and_a_diagnostics_request) {
  TempDir tmp;
  FakeServer server;
  Events events;
  std::atomic<int> logs_asked{0};
  std::mutex mu;
  std::vector<std::string> sent;
  helpline::Options o = options_for_dir(tmp.sub("data"));
  o.endpoint("http://127.0.0.1:9")
      .app_key("wrapper-test")
      .consent_required(HELPLINE_CONSENT_DIAGNOSTICS, false)
      .transport(server.handler())
      .log_provider([&](helpline::Buffer &logs) {
        logs_asked.fetch_add(1);
        logs.append("host log line 1\n");
        logs.append("host log line 2\n");
      })
      .before_send([&](const std::string &payload, helpline::Buffer &) {
        std::lock_guard<std::mutex> lock(mu);
        sent.push_back(payload);
        return true;
      })
      .on_event(events.handler());
  helpline::Client c(std::move(o));
  c.set_close_timeout(0);  // items stay queued: no server

  const std::string updated = events.wait_for(HELPLINE_EVENT_FAQ_UPDATED);
  BOOST_REQUIRE_MESSAGE(!updated.empty(), "no FAQ_UPDATED event");
  BOOST_TEST(contains(c.faq_search("password", "en", 5), "\"a1\""));
  BOOST_TEST(contains(c.faq_article_json("a1"), "Reset your password"));
  BOOST_TEST(contains(c.faq_sections_json("en"), "\"s1\""));
  BOOST_TEST(contains(c.faq_suggest_for_ticket("forgot my password", ""), "\"hits\""));
  BOOST_CHECK_NO_THROW(c.faq_vote("a1", true));
  BOOST_TEST(contains(c.faq_article_json("a1"), "\"vote\":true"));

  const std::string request = events.wait_for(HELPLINE_EVENT_DIAGNOSTICS_REQUEST);
  BOOST_TEST(contains(request, "\"answered\":true"), request);
  BOOST_TEST(logs_asked.load() == 1);
  {
    std::lock_guard<std::mutex> lock(mu);
    bool logs_sent = false;
    for (const auto &p : sent) logs_sent = logs_sent || contains(p, "host log line 2");
    BOOST_TEST(logs_sent, "the provider's logs reach before_send");
  }
  std::lock_guard<std::mutex> lock(server.mu);
  BOOST_REQUIRE(!server.urls.empty());
  for (const auto &url : server.urls) BOOST_TEST(url.rfind("http://127.0.0.1:9/v1/", 0) == 0u, url);
  BOOST_TEST(server.bad_status_refused.load() >= static_cast<int>(server.urls.size()), "status(42) throws");
}

BOOST_AUTO_TEST_CASE(a_throwing_transport_handler_is_a_network_failure) {
  TempDir tmp;
  std::atomic<int> calls{0};
  std::mutex mu;
  std::vector<std::string> lines;
  helpline::Options o = options_for_dir(tmp.sub("data"));
  o.endpoint("http://127.0.0.1:9")
      .app_key("wrapper-test")
      .transport([&](const helpline_http_request_t &, helpline::HttpResponse &) -> bool {
        calls.fetch_add(1);
        throw std::runtime_error("host stack down");
      })
      .on_log(
          [&](helpline_log_level_t, const std::string &m) {
            std::lock_guard<std::mutex> lock(mu);
            lines.push_back(m);
          },
          HELPLINE_LOG_INFO);
  helpline::Client c(std::move(o));
  c.set_close_timeout(0);
  bool reported = false;
  for (int i = 0; i < 5000 && !reported; ++i) {
    {
      std::lock_guard<std::mutex> lock(mu);
      for (const auto &l : lines)
        reported = reported || contains(l, "host transport failed: HELPLINE_E_NETWORK");
    }
    if (!reported) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  BOOST_TEST(calls.load() > 0);
  BOOST_TEST(reported, "the SDK saw HELPLINE_E_NETWORK from the throwing handler");
}

BOOST_AUTO_TEST_SUITE_END()
