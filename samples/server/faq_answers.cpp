#include "faq_answers.hpp"

#include <sqlite3.h>

#include <rapidjson/document.h>

#include "faq/faq_catalog.hpp"
#include "faq/faq_schema.hpp"
#include "faq/faq_search.hpp"
#include "store/sqlite.hpp"

namespace helpline::server {

struct FaqAnswers::Index {
  detail::SqliteDb db;
  std::unique_ptr<detail::FaqCatalog> catalog;
  std::unique_ptr<detail::FaqSearch> search;
  int64_t seq = -1;  // the FAQ sequence the index reflects
};

FaqAnswers::FaqAnswers() = default;
FaqAnswers::~FaqAnswers() = default;

std::vector<FaqHit> FaqAnswers::suggest(const std::string &app, int64_t faq_seq,
                                        const std::function<std::string(int64_t since)> &document,
                                        const std::string &subject, const std::string &body) {
  std::lock_guard<std::mutex> lock(mu_);
  auto &slot = apps_[app];
  if (!slot) {
    auto index = std::make_unique<Index>();
    sqlite3 *db = nullptr;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
      sqlite3_close(db);
      return {};
    }
    index->db.reset(db);
    detail::exec(db, detail::faq_schema_sql());
    index->catalog = std::make_unique<detail::FaqCatalog>(db);
    index->search = std::make_unique<detail::FaqSearch>(db, "en");
    slot = std::move(index);
  }
  Index &index = *slot;
  if (index.seq != faq_seq) {
    index.catalog->apply(document(index.seq < 0 ? 0 : index.seq));
    index.seq = faq_seq;
  }
  rapidjson::Document d;
  std::string json = index.search->suggest_for_ticket_json(subject, body, kMaxHits);
  d.Parse(json.c_str());
  std::vector<FaqHit> hits;
  if (!d.IsObject() || !d.HasMember("hits") || !d["hits"].IsArray()) return hits;
  for (const auto &h : d["hits"].GetArray()) {
    if (h.HasMember("id") && h["id"].IsString() && h.HasMember("title") && h["title"].IsString()) {
      hits.push_back(FaqHit{h["id"].GetString(), h["title"].GetString()});
    }
  }
  return hits;
}

}  // namespace helpline::server
