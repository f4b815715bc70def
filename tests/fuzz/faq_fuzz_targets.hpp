// The FAQ fuzz entry points, shared by the libFuzzer binaries (HELPLINE_FUZZ=ON, clang) and the
// deterministic replay driver that always runs in ctest. A catalog file is created once per process
// and seeded with tests/data/faq/catalog.json; inputs never escape as anything but helpline Errors.
#pragma once

#include <sqlite3.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "base/sqlite.hpp"
#include "faq/engine/faq_catalog.hpp"
#include "faq/engine/faq_schema.hpp"
#include "faq/engine/faq_search.hpp"
#include "helpline/testing/faq_db.hpp"

namespace helpline_fuzz {

using namespace helpline::detail;
using helpline::testing::create_faq_schema;
using helpline::testing::open_db;

struct Catalog {
  std::string path;
  SqliteDb writer, reader;
  std::unique_ptr<FaqCatalog> catalog;
  std::unique_ptr<FaqSearch> search;

  Catalog() {
    char tmpl[] = "/tmp/helpline-faq-fuzz-XXXXXX";
    int fd = ::mkstemp(tmpl);
    if (fd < 0) std::abort();
    ::close(fd);
    path = tmpl;
    writer = open_db(path, SQLITE_OPEN_READWRITE);
    create_faq_schema(writer.get());
    exec(writer.get(), "PRAGMA synchronous=OFF");  // fuzzing speed; durability is not under test
    reader = open_db(path, SQLITE_OPEN_READONLY);
    catalog = std::make_unique<FaqCatalog>(writer.get());
    std::ifstream in(HELPLINE_FAQ_DATA_DIR "/catalog.json");
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // The file holds the "sections" and "articles" of a full snapshot.
    catalog->apply("{\"full\":true,\"cursor\":\"1\"," + data.substr(data.find('{') + 1));
    search = std::make_unique<FaqSearch>(reader.get());
  }
  ~Catalog() {
    search.reset();
    catalog.reset();
    reader.reset();
    writer.reset();
    for (const char *suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
  }
};

inline Catalog &catalog() {
  static Catalog c;
  return c;
}

// Only the statuses bad input may produce; anything else (a store error = an SQL error leaking, an
// unknown exception) aborts so both the fuzzer and the replay driver report it.
inline void expect_input_error(const Error &e) {
  switch (e.status()) {
    case HELPLINE_E_INVALID_ARGUMENT:
    case HELPLINE_E_INVALID_UTF8:
    case HELPLINE_E_TOO_LARGE:
    case HELPLINE_E_NOT_FOUND:
    case HELPLINE_E_INVALID_JSON:
      return;
    default:
      std::fprintf(stderr, "unexpected status %d: %s\n", static_cast<int>(e.status()), e.what());
      std::abort();
  }
}

// Byte 0 picks the locale and limit, the rest is the query (and, split at '\n', a ticket).
inline int query_one(const uint8_t *data, size_t size) {
  static const char *const kLocales[] = {"", "en", "de-AT", "fr", "xx-YY", "de_DE", "bad locale", "EN-us"};
  Catalog &c = catalog();
  uint8_t pick = size > 0 ? data[0] : 0;
  std::string text(reinterpret_cast<const char *>(data) + (size > 0 ? 1 : 0), size > 0 ? size - 1 : 0);
  try {
    c.search->search_json(text, kLocales[pick & 7], (pick >> 3) % 12);
  } catch (const Error &e) {
    expect_input_error(e);
  }
  try {
    size_t nl = text.find('\n');
    c.search->suggest_for_ticket_json(text.substr(0, nl), nl == std::string::npos ? "" : text.substr(nl + 1),
                                      5);
  } catch (const Error &e) {
    expect_input_error(e);
  }
  try {
    c.search->article_json(text);
  } catch (const Error &e) {
    expect_input_error(e);
  }
  return 0;
}

// Arbitrary server answers; a valid one is applied for real, so later searches see its rows.
inline int apply_one(const uint8_t *data, size_t size) {
  Catalog &c = catalog();
  try {
    c.catalog->apply(std::string(reinterpret_cast<const char *>(data), size));
  } catch (const Error &e) {
    expect_input_error(e);
  }
  try {
    c.search->search_json("thermostat wifi", "en", 5);
  } catch (const Error &e) {
    std::fprintf(stderr, "search after apply: %s\n", e.what());
    std::abort();
  }
  return 0;
}

}  // namespace helpline_fuzz
