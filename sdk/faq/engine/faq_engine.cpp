#include "faq/engine/faq_engine.hpp"

#include <sqlite3.h>

#include "base/sqlite.hpp"
#include "faq/engine/faq_catalog.hpp"
#include "faq/engine/faq_schema.hpp"
#include "faq/engine/faq_search.hpp"
#include "faq/engine/faq_spelling.hpp"

namespace helpline::faq {

struct FaqIndex::Impl {
  detail::SqliteDb db;
  std::unique_ptr<detail::FaqCatalog> catalog;
  std::unique_ptr<detail::FaqSearch> search;
};

FaqIndex::FaqIndex(const std::string &default_locale) : impl_(std::make_unique<Impl>()) {
  sqlite3 *db = nullptr;
  const int rc = sqlite3_open(":memory:", &db);
  impl_->db.reset(db);
  if (rc != SQLITE_OK) detail::throw_sqlite(db, rc, "open the in-memory FAQ index");
  detail::exec(db, detail::faq_schema_sql());
  impl_->catalog = std::make_unique<detail::FaqCatalog>(db);
  impl_->search = std::make_unique<detail::FaqSearch>(db, default_locale);
}

FaqIndex::~FaqIndex() = default;

void FaqIndex::apply(const std::string &faq_document_json) {
  impl_->catalog->apply(faq_document_json);
}

std::string FaqIndex::search_json(std::string_view query, std::string_view locale, int limit) {
  return impl_->search->search_json(query, locale, limit);
}

std::string FaqIndex::suggest_for_ticket_json(std::string_view subject, std::string_view body, int limit) {
  return impl_->search->suggest_for_ticket_json(subject, body, limit);
}

bool spelling_neighbours(std::string_view word, std::string_view known) {
  if (word.empty() || known.empty() || word[0] != known[0] || word == known) return false;
  return detail::edit_distance(word, known, 1) <= 1;
}

}  // namespace helpline::faq
