// The header-only C++ wrapper (helpline.hpp): exceptions, RAII close, move semantics, handlers.
#define BOOST_TEST_MODULE helpline_cpp_wrapper
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "helpline/helpline.hpp"
#include "support/test_support.hpp"

using namespace helpline_test;

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
