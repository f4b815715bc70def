#pragma once
// A real FAQ catalog on disk for the FAQ tests, benchmark and fuzz targets: one WAL database file with the
// FAQ schema, the write connection FaqCatalog uses and a separate read-only connection for FaqSearch, as the
// SDK has them; and the JSON of a GET /v1/faq answer.
//
// Reaches the SDK's FAQ internals: only for programs built with HELPLINE_INTERNAL_INCLUDES that link
// helpline_static (or compile the FAQ sources themselves).

#include <sqlite3.h>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/sqlite.hpp"
#include "faq/engine/faq_catalog.hpp"
#include "faq/engine/faq_schema.hpp"
#include "faq/engine/faq_search.hpp"
#include "helpline/testing/temp_dir.hpp"

namespace helpline::testing {

/// Opens `path` with `flags`. Throws std::runtime_error when SQLite cannot.
inline helpline::detail::SqliteDb open_db(const std::string &path, int flags) {
  sqlite3 *db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  helpline::detail::SqliteDb owned(db);
  if (rc != SQLITE_OK) throw std::runtime_error("open " + path + ": " + sqlite3_errstr(rc));
  return owned;
}

/// Creates the FAQ schema in `db` (switched to WAL) in one transaction, as the SDK does.
inline void create_faq_schema(sqlite3 *db) {
  helpline::detail::exec(db, "PRAGMA journal_mode=WAL");
  helpline::detail::exec(db, "BEGIN");
  helpline::detail::exec(db, helpline::detail::faq_schema_sql());
  helpline::detail::exec(db, "COMMIT");
}

/// The catalog in a temp dir: `catalog` writes, `search` reads through its own read-only connection.
struct FaqDb {
  TempDir dir;
  std::string path = dir.sub("faq.db");
  helpline::detail::SqliteDb writer = open_db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  helpline::detail::SqliteDb reader;
  std::unique_ptr<helpline::detail::FaqCatalog> catalog;
  std::unique_ptr<helpline::detail::FaqSearch> search;

  FaqDb() {
    create_faq_schema(writer.get());
    reader = open_db(path, SQLITE_OPEN_READONLY);
    catalog = std::make_unique<helpline::detail::FaqCatalog>(writer.get());
    search = std::make_unique<helpline::detail::FaqSearch>(reader.get());
  }
};

// A GET /v1/faq answer around the given "sections"/"articles" arrays (JSON text).
inline std::string faq_answer(bool full, const std::string &sections, const std::string &articles,
                              const std::string &deleted_sections = "[]",
                              const std::string &deleted_articles = "[]", const std::string &cursor = "1") {
  return std::string("{\"full\":") + (full ? "true" : "false") + ",\"sections\":" + sections +
         ",\"articles\":" + articles + ",\"deleted\":{\"sections\":" + deleted_sections +
         ",\"articles\":" + deleted_articles + "},\"cursor\":\"" + cursor + "\"}";
}

/// An article object of that answer (helpful 3, not helpful 1, position 0).
inline std::string article(const std::string &id, const std::string &section, const std::string &locale,
                           const std::string &title, const std::string &body,
                           const std::string &tags = "[]") {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  w.StartObject();
  w.Key("id"), w.String(id.c_str());
  w.Key("section_id"), w.String(section.c_str());
  w.Key("locale"), w.String(locale.c_str());
  w.Key("title"), w.String(title.c_str());
  w.Key("body"), w.String(body.c_str());
  w.Key("tags"), w.RawValue(tags.c_str(), tags.size(), rapidjson::kArrayType);
  w.Key("position"), w.Int(0);
  w.Key("helpful_count"), w.Int(3);
  w.Key("not_helpful_count"), w.Int(1);
  w.Key("updated_at"), w.Int64(1700000000000);
  w.EndObject();
  return b.GetString();
}

/// A section object of that answer (position 1).
inline std::string section(const std::string &id, const std::string &locale, const std::string &title) {
  return "{\"id\":\"" + id + "\",\"locale\":\"" + locale + "\",\"title\":\"" + title +
         "\",\"position\":1,\"updated_at\":1700000000000}";
}

// Ids of the hits of a search_json answer, best first.
inline std::vector<std::string> hit_ids(const std::string &json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("hits"))
    throw std::runtime_error("bad hits: " + json);
  std::vector<std::string> out;
  for (const auto &h : d["hits"].GetArray()) out.emplace_back(h["id"].GetString());
  return out;
}

}  // namespace helpline::testing
