#include "faq/engine/faq_schema.hpp"

namespace helpline::detail {

// faq_articles.rid is the FTS rowid: the FTS index is external-content over faq_articles, so snippets
// read the stored text and nothing is stored twice. keywords (tags as words: author synonyms) and codes
// (error codes and hyphenated words folded to one token, "ERR-SYNC-409" -> "errsync409 409") are
// derived by FaqCatalog; lang is the locale's language subtag for the locale fallback. Triggers keep
// the index in step with the rows whoever writes them; updating only counts does not re-index.
// faq_terms is the surface vocabulary (unstemmed words and folded codes, document frequency) that
// spelling correction and prefix completion draw from; the expression index finds the candidates
// for a word (same first letter, similar length) without scanning the vocabulary, and the second the
// likeliest completions of a two-letter prefix without visiting every word that starts with it.
const char *faq_schema_sql() {
  return R"sql(
CREATE TABLE faq_state (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE faq_sections (
  id         TEXT PRIMARY KEY,
  locale     TEXT NOT NULL,
  lang       TEXT NOT NULL,
  title      TEXT NOT NULL,
  position   INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX faq_sections_lang ON faq_sections (lang, position);
CREATE TABLE faq_articles (
  rid               INTEGER PRIMARY KEY,
  id                TEXT NOT NULL UNIQUE,
  section_id        TEXT NOT NULL,
  locale            TEXT NOT NULL,
  lang              TEXT NOT NULL,
  title             TEXT NOT NULL,
  body              TEXT NOT NULL,
  tags              TEXT NOT NULL,
  position          INTEGER NOT NULL,
  helpful_count     INTEGER NOT NULL,
  not_helpful_count INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  keywords          TEXT NOT NULL,
  codes             TEXT NOT NULL
);
CREATE INDEX faq_articles_section ON faq_articles (section_id, position);
CREATE VIRTUAL TABLE faq_fts USING fts5 (
  title, keywords, codes, body,
  content = 'faq_articles', content_rowid = 'rid',
  tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE TRIGGER faq_articles_ai AFTER INSERT ON faq_articles BEGIN
  INSERT INTO faq_fts (rowid, title, keywords, codes, body)
  VALUES (new.rid, new.title, new.keywords, new.codes, new.body);
END;
CREATE TRIGGER faq_articles_ad AFTER DELETE ON faq_articles BEGIN
  INSERT INTO faq_fts (faq_fts, rowid, title, keywords, codes, body)
  VALUES ('delete', old.rid, old.title, old.keywords, old.codes, old.body);
END;
CREATE TRIGGER faq_articles_au AFTER UPDATE OF rid, title, keywords, codes, body ON faq_articles BEGIN
  INSERT INTO faq_fts (faq_fts, rowid, title, keywords, codes, body)
  VALUES ('delete', old.rid, old.title, old.keywords, old.codes, old.body);
  INSERT INTO faq_fts (rowid, title, keywords, codes, body)
  VALUES (new.rid, new.title, new.keywords, new.codes, new.body);
END;
CREATE TABLE faq_terms (
  term TEXT PRIMARY KEY,
  df   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX faq_terms_shape ON faq_terms (substr(term, 1, 1), length(term));
CREATE INDEX faq_terms_start ON faq_terms (substr(term, 1, 2), df DESC);
CREATE TABLE faq_votes (
  article_id TEXT PRIMARY KEY,
  helpful    INTEGER NOT NULL,
  voted_at   INTEGER NOT NULL
) WITHOUT ROWID;
)sql";
}

}  // namespace helpline::detail
