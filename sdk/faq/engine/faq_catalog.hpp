// The writer side of the offline FAQ: applies GET /v1/faq answers (docs/protocol.md section 9) to the
// local catalog, keeps the search index and the vocabulary in step, and records local votes.
// Runs on the thread that owns the write connection; not thread-safe.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>

#include "faq/engine/faq_text.hpp"

namespace helpline::detail {

struct FaqApplyResult {
  int64_t upserted = 0;  // sections + articles in the answer
  int64_t deleted = 0;   // rows removed: tombstones that existed, or (full snapshot) rows it no longer has
  bool full = false;
  std::string cursor;  // what to send as `since` next time
};

class FaqCatalog {
 public:
  struct Answer;  // a parsed GET /v1/faq answer

  explicit FaqCatalog(sqlite3 *db);
  ~FaqCatalog();
  FaqCatalog(const FaqCatalog &) = delete;
  FaqCatalog &operator=(const FaqCatalog &) = delete;

  // One transaction: a full snapshot replaces the catalog, a delta upserts and deletes. Throws
  // Error(HELPLINE_E_INVALID_JSON) for malformed JSON or wrong types, with nothing changed; store
  // errors leave the catalog as it was too.
  FaqApplyResult apply(const std::string &server_json);

  std::string cursor();  // "" before the first apply
  std::string etag();    // "" until set_etag
  void set_etag(const std::string &etag);
  // Forgets the cursor and the ETag: the next GET /v1/faq asks for a full snapshot.
  void forget_cursor();

  // The user's vote (one per article; voting again replaces it). Throws Error(HELPLINE_E_NOT_FOUND)
  // for an article the catalog does not hold. Sending it to the server is the outbox's job.
  void record_vote(const std::string &article_id, bool helpful);

 private:
  FaqApplyResult apply_answer(const Answer &answer);
  std::string state(const char *key);
  void set_state(const char *key, const std::string &value);

  sqlite3 *db_;
  WordSplitter words_;
  std::unique_ptr<Stemmer> stemmer_ = std::make_unique<Stemmer>();
};

}  // namespace helpline::detail
