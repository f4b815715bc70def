// The local store as seen from outside: file modes, WAL + versioned schema, and what open does
// with files it cannot use (garbage, another app's database, a newer SDK's database).
#define BOOST_TEST_MODULE helpline_store
#include <boost/test/unit_test.hpp>

#include <sqlite3.h>

#include <rapidjson/document.h>

#include <string>

#include "helpline/testing/events.hpp"
#include "helpline/testing/files.hpp"
#include "helpline/testing/sdk.hpp"
#include "helpline/testing/temp_dir.hpp"
#include "store/schema.hpp"

using namespace helpline::testing;

namespace {

// A read-only look at a database file from outside the SDK.
struct SqliteFile {
  sqlite3 *db = nullptr;
  explicit SqliteFile(const std::string &path, int flags = SQLITE_OPEN_READONLY) {
    if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
      throw std::runtime_error("sqlite3_open_v2 " + path + ": " + sqlite3_errmsg(db));
    }
  }
  ~SqliteFile() { sqlite3_close_v2(db); }
  std::string text(const char *sql) const {
    sqlite3_stmt *st = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK)
      throw std::runtime_error(sqlite3_errmsg(db));
    std::string out;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != nullptr) {
      out = reinterpret_cast<const char *>(sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return out;
  }
  long long integer(const char *sql) const { return std::stoll(text(sql)); }
  void exec(const char *sql) const {
    char *err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string m = err != nullptr ? err : "?";
      sqlite3_free(err);
      throw std::runtime_error(m);
    }
  }
};

// Opens `dir` with events queued for helpline_dispatch(); returns the status.
helpline_status_t open_with_events(const std::string &dir, EventRecorder &rec, helpline_t **h) {
  helpline_options_t *o = options_for(dir);
  helpline_options_set_event_callback(o, EventRecorder::callback, &rec);
  helpline_options_set_event_delivery(o, HELPLINE_DELIVERY_DISPATCH, 64);
  return helpline_open(o, h);
}

void create_and_close(const std::string &dir) {
  helpline_t *h = nullptr;
  if (open_dir(dir, &h) != HELPLINE_OK) throw std::runtime_error("open failed: " + last_error());
  if (helpline_close(h, 1000) != HELPLINE_OK) throw std::runtime_error("close failed: " + last_error());
}

// Checks that a STORE_RECOVERED event names the moved-aside file, that the file holds exactly
// `original`, and that a fresh Helpline store took its place.
void check_moved_aside(const std::string &dir, const std::string &original, const std::string &reason_word) {
  EventRecorder rec;
  helpline_t *h = nullptr;
  BOOST_REQUIRE_MESSAGE(open_with_events(dir, rec, &h) == HELPLINE_OK, last_error());
  BOOST_TEST(helpline_dispatch(h, 0) >= 1);
  BOOST_TEST(helpline_close(h, 1000) == HELPLINE_OK);

  auto moved = files_starting_with(dir, "helpline.db.corrupt-");
  BOOST_REQUIRE_EQUAL(moved.size(), 1u);
  const std::string suffix = moved[0].substr(moved[0].rfind("corrupt-") + 8);
  BOOST_TEST(!suffix.empty());
  BOOST_TEST(suffix.find_first_not_of("0123456789") == std::string::npos,
             "suffix is the unix time: " << suffix);
  BOOST_TEST(read_file(moved[0]) == original, "the moved file must keep the original bytes");

  EventRecorder::Event ev;
  BOOST_REQUIRE(rec.wait_for(HELPLINE_EVENT_STORE_RECOVERED, ev, std::chrono::milliseconds(0)));
  rapidjson::Document doc;
  doc.Parse(ev.json.c_str());
  BOOST_REQUIRE(doc.IsObject());
  BOOST_REQUIRE(doc.HasMember("moved_to") && doc["moved_to"].IsString());
  BOOST_TEST(std::string(doc["moved_to"].GetString()) == moved[0]);
  BOOST_REQUIRE(doc.HasMember("reason") && doc["reason"].IsString());
  BOOST_TEST(std::string(doc["reason"].GetString()).find(reason_word) != std::string::npos, ev.json);

  SqliteFile fresh(dir + "/helpline.db");
  BOOST_TEST(fresh.integer("PRAGMA application_id") == helpline::detail::kApplicationId);
  BOOST_TEST(fresh.integer("PRAGMA user_version") == helpline::detail::kSchemaVersion);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fresh_store)

BOOST_AUTO_TEST_CASE(data_dir_is_created_with_mode_0700) {
  TempDir tmp;
  create_and_close(tmp.sub("data"));
  BOOST_TEST(file_mode(tmp.sub("data")) == 0700u);
}

BOOST_AUTO_TEST_CASE(database_file_is_created_with_mode_0600) {
  TempDir tmp;
  create_and_close(tmp.sub("data"));
  BOOST_TEST(file_mode(tmp.sub("data/helpline.db")) == 0600u);
}

BOOST_AUTO_TEST_CASE(store_is_in_wal_mode) {
  TempDir tmp;
  create_and_close(tmp.sub("data"));
  SqliteFile db(tmp.sub("data/helpline.db"));
  BOOST_TEST(db.text("PRAGMA journal_mode") == "wal");
}

BOOST_AUTO_TEST_CASE(store_user_version_is_the_current_schema) {
  TempDir tmp;
  create_and_close(tmp.sub("data"));
  SqliteFile db(tmp.sub("data/helpline.db"));
  BOOST_TEST(db.integer("PRAGMA user_version") == helpline::detail::kSchemaVersion);
  BOOST_TEST(db.integer("PRAGMA application_id") == helpline::detail::kApplicationId);
  BOOST_TEST(db.integer("SELECT count(*) FROM sqlite_schema WHERE name = 'outbox'") == 1);
}

BOOST_AUTO_TEST_CASE(existing_data_dir_is_reused_and_its_store_kept) {
  TempDir tmp;
  create_and_close(tmp.sub("data"));
  {
    SqliteFile db(tmp.sub("data/helpline.db"), SQLITE_OPEN_READWRITE);
    db.exec("INSERT INTO meta(key, value) VALUES ('marker', 'kept')");
  }
  create_and_close(tmp.sub("data"));
  SqliteFile db(tmp.sub("data/helpline.db"));
  BOOST_TEST(db.text("SELECT value FROM meta WHERE key = 'marker'") == "kept");
  BOOST_TEST(files_starting_with(tmp.sub("data"), "helpline.db.corrupt-").empty());
}

BOOST_AUTO_TEST_CASE(empty_database_file_is_initialised_not_moved_aside) {
  TempDir tmp;
  BOOST_REQUIRE(::mkdir(tmp.sub("data").c_str(), 0700) == 0);
  write_file(tmp.sub("data/helpline.db"), "");
  create_and_close(tmp.sub("data"));
  BOOST_TEST(files_starting_with(tmp.sub("data"), "helpline.db.corrupt-").empty());
  SqliteFile db(tmp.sub("data/helpline.db"));
  BOOST_TEST(db.integer("PRAGMA user_version") == helpline::detail::kSchemaVersion);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(unusable_store)

BOOST_AUTO_TEST_CASE(garbage_database_is_moved_aside_and_reported) {
  TempDir tmp;
  BOOST_REQUIRE(::mkdir(tmp.sub("data").c_str(), 0700) == 0);
  const std::string garbage = garbage_bytes(8192);
  write_file(tmp.sub("data/helpline.db"), garbage);
  check_moved_aside(tmp.sub("data"), garbage, "not a readable SQLite database");
}

BOOST_AUTO_TEST_CASE(short_garbage_database_is_moved_aside_and_reported) {
  TempDir tmp;
  BOOST_REQUIRE(::mkdir(tmp.sub("data").c_str(), 0700) == 0);
  const std::string garbage = "this is not a database\n";
  write_file(tmp.sub("data/helpline.db"), garbage);
  check_moved_aside(tmp.sub("data"), garbage, "SQLite");
}

BOOST_AUTO_TEST_CASE(foreign_sqlite_database_is_moved_aside_and_reported) {
  TempDir tmp;
  BOOST_REQUIRE(::mkdir(tmp.sub("data").c_str(), 0700) == 0);
  {
    SqliteFile other(tmp.sub("data/helpline.db"), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    other.exec("CREATE TABLE contacts (name TEXT, phone TEXT); INSERT INTO contacts VALUES ('Ada', '123');");
  }
  const std::string original = read_file(tmp.sub("data/helpline.db"));
  check_moved_aside(tmp.sub("data"), original, "does not belong to Helpline");
}

BOOST_AUTO_TEST_CASE(newer_schema_version_is_refused_with_incompatible_store) {
  TempDir tmp;
  const std::string dir = tmp.sub("data");
  create_and_close(dir);
  {
    SqliteFile db(dir + "/helpline.db", SQLITE_OPEN_READWRITE);
    db.exec("PRAGMA user_version = 999");  // what a future SDK would leave behind
  }
  helpline_t *h = nullptr;
  BOOST_TEST(open_dir(dir, &h) == HELPLINE_E_INCOMPATIBLE_STORE);
  BOOST_TEST(h == nullptr);
  BOOST_TEST(last_error().find("999") != std::string::npos, last_error());
}

BOOST_AUTO_TEST_CASE(newer_schema_version_leaves_the_file_untouched) {
  TempDir tmp;
  const std::string dir = tmp.sub("data");
  create_and_close(dir);
  {
    SqliteFile db(dir + "/helpline.db", SQLITE_OPEN_READWRITE);
    db.exec("PRAGMA user_version = 999");
  }
  const std::string before = read_file(dir + "/helpline.db");
  helpline_t *h = nullptr;
  BOOST_REQUIRE(open_dir(dir, &h) == HELPLINE_E_INCOMPATIBLE_STORE);
  BOOST_TEST(read_file(dir + "/helpline.db") == before, "the newer SDK's file must be byte-identical");
  BOOST_TEST(files_starting_with(dir, "helpline.db.corrupt-").empty(),
             "a newer store must not be moved aside");
  SqliteFile db(dir + "/helpline.db");
  BOOST_TEST(db.integer("PRAGMA user_version") == 999);
}

BOOST_AUTO_TEST_CASE(refused_store_releases_the_data_dir_lock) {
  TempDir tmp;
  const std::string dir = tmp.sub("data");
  create_and_close(dir);
  {
    SqliteFile db(dir + "/helpline.db", SQLITE_OPEN_READWRITE);
    db.exec("PRAGMA user_version = 999");
  }
  helpline_t *h = nullptr;
  BOOST_REQUIRE(open_dir(dir, &h) == HELPLINE_E_INCOMPATIBLE_STORE);
  // A second attempt must see the same store error, not HELPLINE_E_LOCKED from a leaked lock.
  BOOST_TEST(open_dir(dir, &h) == HELPLINE_E_INCOMPATIBLE_STORE);
}

BOOST_AUTO_TEST_SUITE_END()
