// Bad input at the C waist: NULL for every pointer argument, invalid UTF-8, over-long strings and
// data_dir values that cannot work. Every case must return a status (never crash) and leave a
// message in helpline_last_error() that names the culprit.
#define BOOST_TEST_MODULE helpline_bad_input
#include <boost/test/unit_test.hpp>

#include <grp.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "helpline/testing/sdk.hpp"
#include "helpline/testing/temp_dir.hpp"

using namespace helpline::testing;

namespace {

// An options object with nothing set, freed at scope end.
struct FreshOptions {
  helpline_options_t *o = helpline_options_new();
  ~FreshOptions() { helpline_options_free(o); }
};

// An open instance on a temporary directory, closed at scope end.
struct OpenInstance {
  TempDir tmp;
  helpline_t *h = nullptr;
  OpenInstance() {
    if (open_dir(tmp.sub("data"), &h) != HELPLINE_OK)
      throw std::runtime_error("open failed: " + last_error());
  }
  ~OpenInstance() { helpline_close(h, 1000); }
};

void noop_event(void *, helpline_event_type_t, const char *) {}
void noop_log(void *, helpline_log_level_t, const char *) {}

}  // namespace

BOOST_AUTO_TEST_SUITE(null_arguments)

BOOST_AUTO_TEST_CASE(options_free_accepts_null) {
  BOOST_CHECK_NO_THROW(helpline_options_free(nullptr));
}

BOOST_AUTO_TEST_CASE(free_accepts_null) {
  BOOST_CHECK_NO_THROW(helpline_free(nullptr));
}

BOOST_AUTO_TEST_CASE(last_error_accepts_null_handle) {
  const char *msg = helpline_last_error(nullptr);
  BOOST_REQUIRE(msg != nullptr);
}

BOOST_AUTO_TEST_CASE(set_endpoint_rejects_null_options) {
  BOOST_TEST(helpline_options_set_endpoint(nullptr, "https://example.com") == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(mentions(last_error(), "o"), last_error());
}

BOOST_AUTO_TEST_CASE(set_endpoint_rejects_null_base_url) {
  FreshOptions f;
  BOOST_TEST(helpline_options_set_endpoint(f.o, nullptr) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(mentions(last_error(), "base_url"), last_error());
}

BOOST_AUTO_TEST_CASE(set_app_key_rejects_null_options) {
  BOOST_TEST(helpline_options_set_app_key(nullptr, "key") == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(mentions(last_error(), "o"), last_error());
}

BOOST_AUTO_TEST_CASE(set_app_key_rejects_null_app_key) {
  FreshOptions f;
  BOOST_TEST(helpline_options_set_app_key(f.o, nullptr) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(mentions(last_error(), "app_key"), last_error());
}

BOOST_AUTO_TEST_CASE(set_data_dir_rejects_null_options) {
  BOOST_TEST(helpline_options_set_data_dir(nullptr, "/tmp/x") == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(mentions(last_error(), "o"), last_error());
}

BOOST_AUTO_TEST_CASE(set_data_dir_rejects_null_path) {
  FreshOptions f;
  BOOST_TEST(helpline_options_set_data_dir(f.o, nullptr) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(mentions(last_error(), "path"), last_error());
}

BOOST_AUTO_TEST_CASE(set_event_callback_rejects_null_options) {
  int user = 0;
  BOOST_TEST(helpline_options_set_event_callback(nullptr, noop_event, &user) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(mentions(last_error(), "o"), last_error());
}

BOOST_AUTO_TEST_CASE(set_event_callback_accepts_null_callback_and_user_to_clear) {
  FreshOptions f;
  BOOST_TEST(helpline_options_set_event_callback(f.o, nullptr, nullptr) == HELPLINE_OK);
}

BOOST_AUTO_TEST_CASE(set_event_delivery_rejects_null_options) {
  BOOST_TEST(helpline_options_set_event_delivery(nullptr, HELPLINE_DELIVERY_DISPATCH, 16) ==
             HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(mentions(last_error(), "o"), last_error());
}

BOOST_AUTO_TEST_CASE(set_log_callback_rejects_null_options) {
  BOOST_TEST(helpline_options_set_log_callback(nullptr, noop_log, nullptr, HELPLINE_LOG_INFO) ==
             HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(mentions(last_error(), "o"), last_error());
}

BOOST_AUTO_TEST_CASE(set_log_callback_accepts_null_callback_and_user_to_clear) {
  FreshOptions f;
  BOOST_TEST(helpline_options_set_log_callback(f.o, nullptr, nullptr, HELPLINE_LOG_INFO) == HELPLINE_OK);
}

BOOST_AUTO_TEST_CASE(open_rejects_null_options_and_clears_out) {
  auto *h = reinterpret_cast<helpline_t *>(0x1);  // must be overwritten with NULL
  BOOST_TEST(helpline_open(nullptr, &h) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(h == nullptr);
  BOOST_TEST(mentions(last_error(), "o"), last_error());
}

BOOST_AUTO_TEST_CASE(open_rejects_null_out_and_still_consumes_options) {
  TempDir tmp;
  // The options are consumed even on error: ASan's leak check fails this test if they are not.
  BOOST_TEST(helpline_open(options_for(tmp.sub("data")), nullptr) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(mentions(last_error(), "out"), last_error());
  BOOST_TEST(!std::filesystem::exists(tmp.sub("data")), "nothing may be created when out is NULL");
}

BOOST_AUTO_TEST_CASE(flush_rejects_null_handle) {
  BOOST_TEST(helpline_flush(nullptr, 100) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(mentions(last_error(), "h"), last_error());
}

BOOST_AUTO_TEST_CASE(close_rejects_null_handle) {
  BOOST_TEST(helpline_close(nullptr, 100) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(mentions(last_error(), "h"), last_error());
}

BOOST_AUTO_TEST_CASE(dispatch_rejects_null_handle) {
  BOOST_TEST(helpline_dispatch(nullptr, 0) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(mentions(last_error(), "h"), last_error());
}

BOOST_AUTO_TEST_CASE(stats_json_rejects_null_handle) {
  char *json = reinterpret_cast<char *>(0x1);
  BOOST_TEST(helpline_stats_json(nullptr, &json) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(json == nullptr);
  BOOST_TEST(mentions(last_error(), "h"), last_error());
}

BOOST_AUTO_TEST_CASE(stats_json_rejects_null_out_json) {
  OpenInstance inst;
  BOOST_TEST(helpline_stats_json(inst.h, nullptr) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(mentions(last_error(), "out_json"), last_error());
}

BOOST_AUTO_TEST_CASE(a_handle_that_was_never_opened_is_reported_closed_not_dereferenced) {
  auto *bogus = reinterpret_cast<helpline_t *>(0x7ff0);
  BOOST_TEST(helpline_flush(bogus, 10) == HELPLINE_E_CLOSED);
  BOOST_TEST(helpline_close(bogus, 10) == HELPLINE_E_CLOSED);
  BOOST_TEST(helpline_dispatch(bogus, 0) == HELPLINE_E_CLOSED);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(string_setters)

BOOST_AUTO_TEST_CASE(set_endpoint_rejects_invalid_utf8) {
  FreshOptions f;
  BOOST_TEST(helpline_options_set_endpoint(f.o, "https://exa\xffmple.com") == HELPLINE_E_INVALID_UTF8);
  BOOST_TEST(mentions(last_error(), "base_url"), last_error());
}

BOOST_AUTO_TEST_CASE(set_app_key_rejects_invalid_utf8) {
  FreshOptions f;
  BOOST_TEST(helpline_options_set_app_key(f.o, "key\xc0\xaf") == HELPLINE_E_INVALID_UTF8);  // overlong '/'
  BOOST_TEST(mentions(last_error(), "app_key"), last_error());
}

BOOST_AUTO_TEST_CASE(set_data_dir_rejects_invalid_utf8) {
  FreshOptions f;
  BOOST_TEST(helpline_options_set_data_dir(f.o, "/tmp/\xed\xa0\x80") ==
             HELPLINE_E_INVALID_UTF8);  // surrogate
  BOOST_TEST(mentions(last_error(), "path"), last_error());
}

BOOST_AUTO_TEST_CASE(set_endpoint_rejects_more_than_2048_bytes) {
  FreshOptions f;
  std::string at_limit = "https://" + std::string(2048 - 8, 'a');
  BOOST_TEST(helpline_options_set_endpoint(f.o, at_limit.c_str()) == HELPLINE_OK);
  std::string over = at_limit + "a";
  BOOST_TEST(helpline_options_set_endpoint(f.o, over.c_str()) == HELPLINE_E_TOO_LARGE);
  BOOST_TEST(mentions(last_error(), "base_url"), last_error());
}

BOOST_AUTO_TEST_CASE(set_app_key_rejects_more_than_256_bytes) {
  FreshOptions f;
  BOOST_TEST(helpline_options_set_app_key(f.o, std::string(256, 'k').c_str()) == HELPLINE_OK);
  BOOST_TEST(helpline_options_set_app_key(f.o, std::string(257, 'k').c_str()) == HELPLINE_E_TOO_LARGE);
  BOOST_TEST(mentions(last_error(), "app_key"), last_error());
}

BOOST_AUTO_TEST_CASE(set_data_dir_rejects_more_than_4096_bytes) {
  FreshOptions f;
  std::string at_limit = "/" + std::string(4095, 'd');
  BOOST_TEST(helpline_options_set_data_dir(f.o, at_limit.c_str()) == HELPLINE_OK);
  std::string over = at_limit + "d";
  BOOST_TEST(helpline_options_set_data_dir(f.o, over.c_str()) == HELPLINE_E_TOO_LARGE);
  BOOST_TEST(mentions(last_error(), "path"), last_error());
}

BOOST_AUTO_TEST_CASE(set_endpoint_rejects_empty_and_non_http_urls) {
  FreshOptions f;
  BOOST_TEST(helpline_options_set_endpoint(f.o, "") == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_options_set_endpoint(f.o, "ftp://example.com") == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_options_set_endpoint(f.o, "http://127.0.0.1:8080/") == HELPLINE_OK);
}

BOOST_AUTO_TEST_CASE(set_app_key_rejects_empty_key) {
  FreshOptions f;
  BOOST_TEST(helpline_options_set_app_key(f.o, "") == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(mentions(last_error(), "app_key"), last_error());
}

BOOST_AUTO_TEST_CASE(set_event_delivery_rejects_unknown_mode_and_capacity_out_of_range) {
  FreshOptions f;
  BOOST_TEST(helpline_options_set_event_delivery(f.o, 7, 16) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_options_set_event_delivery(f.o, HELPLINE_DELIVERY_DISPATCH, 0) ==
             HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_options_set_event_delivery(f.o, HELPLINE_DELIVERY_DISPATCH, 65537) ==
             HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_options_set_event_delivery(f.o, HELPLINE_DELIVERY_DISPATCH, 65536) == HELPLINE_OK);
}

BOOST_AUTO_TEST_CASE(set_log_callback_rejects_level_out_of_range) {
  FreshOptions f;
  BOOST_TEST(helpline_options_set_log_callback(f.o, noop_log, nullptr, -1) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_options_set_log_callback(f.o, noop_log, nullptr, HELPLINE_LOG_OFF + 1) ==
             HELPLINE_E_INVALID_ARGUMENT);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(data_dir)

BOOST_AUTO_TEST_CASE(empty_data_dir_is_rejected) {
  FreshOptions f;
  BOOST_TEST(helpline_options_set_data_dir(f.o, "") == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(mentions(last_error(), "path"), last_error());
}

BOOST_AUTO_TEST_CASE(relative_data_dir_is_rejected) {
  FreshOptions f;
  BOOST_TEST(helpline_options_set_data_dir(f.o, "relative/dir") == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(last_error().find("absolute") != std::string::npos, last_error());
}

BOOST_AUTO_TEST_CASE(open_without_data_dir_is_rejected) {
  helpline_t *h = nullptr;
  BOOST_TEST(helpline_open(helpline_options_new(), &h) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(h == nullptr);
  BOOST_TEST(last_error().find("data_dir") != std::string::npos, last_error());
}

BOOST_AUTO_TEST_CASE(data_dir_that_is_a_file_returns_io_error) {
  TempDir tmp;
  write_file(tmp.sub("file"), "not a directory");
  helpline_t *h = nullptr;
  BOOST_TEST(open_dir(tmp.sub("file"), &h) == HELPLINE_E_IO);
  BOOST_TEST(h == nullptr);
  BOOST_TEST(last_error().find("not a directory") != std::string::npos, last_error());
  BOOST_TEST(read_file(tmp.sub("file")) == "not a directory");
}

BOOST_AUTO_TEST_CASE(data_dir_whose_parent_is_missing_returns_io_error) {
  TempDir tmp;
  helpline_t *h = nullptr;
  BOOST_TEST(open_dir(tmp.sub("missing/data"), &h) == HELPLINE_E_IO);
  BOOST_TEST(h == nullptr);
}

// Root ignores permission bits, so as root a forked child drops to nobody (65534) first.
BOOST_AUTO_TEST_CASE(unwritable_data_dir_returns_io_error) {
  TempDir tmp;
  BOOST_REQUIRE(::chmod(tmp.path().c_str(), 0711) == 0);
  const std::string dir = tmp.sub("readonly");
  BOOST_REQUIRE(::mkdir(dir.c_str(), 0500) == 0);
  BOOST_REQUIRE(::chmod(dir.c_str(), 0500) == 0);  // whatever the umask

  if (::geteuid() != 0) {
    helpline_t *h = nullptr;
    BOOST_TEST(open_dir(dir, &h) == HELPLINE_E_IO);
    BOOST_TEST(h == nullptr);
    return;
  }
  pid_t pid = ::fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    if (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(100);
    helpline_options_t *o = helpline_options_new();
    if (o == nullptr || helpline_options_set_data_dir(o, dir.c_str()) != HELPLINE_OK) ::_exit(101);
    helpline_t *h = nullptr;
    helpline_status_t s = helpline_open(o, &h);
    if (s == HELPLINE_OK) {
      helpline_close(h, 1000);
      ::_exit(0);
    }
    ::_exit(static_cast<int>(-s));  // statuses are small negatives: fits an exit code
  }
  int wstatus = 0;
  BOOST_REQUIRE(::waitpid(pid, &wstatus, 0) == pid);
  BOOST_REQUIRE(WIFEXITED(wstatus));
  BOOST_TEST(WEXITSTATUS(wstatus) != 100, "could not drop privileges to nobody");
  BOOST_TEST(-WEXITSTATUS(wstatus) == HELPLINE_E_IO);
  BOOST_TEST(!std::filesystem::exists(dir + "/helpline.db"));
}

BOOST_AUTO_TEST_SUITE_END()
