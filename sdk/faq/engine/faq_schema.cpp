#include "faq/engine/faq_schema.hpp"

namespace helpline::detail {

// faq_articles.rid is the FTS rowid. The FTS table holds the articles as the index sees them, written
// by FaqCatalog: every word stemmed in the article's language (faq_text.hpp, index_text), keywords (tags
// as words: author synonyms) and codes (error codes and hyphenated words folded to one token,
// "ERR-SYNC-409" -> "errsync409 409"); snippets read the stored text of faq_articles. lang is the
// locale's language subtag for the locale fallback.
// faq_forms holds the index's document frequency per indexed form (a stem, a name, a folded code), kept
// by FaqCatalog for ranking (FTS5's fts5vocab would read a form's whole doclist to count it: ~20 % of a
// search over 10k articles).
// faq_terms is the surface vocabulary (unstemmed words and folded codes, document frequency) that
// spelling correction and prefix completion draw from; the expression index finds the candidates
// for a word (same first letter, similar length) without scanning the vocabulary, and the second the
// likeliest completions of a two-letter prefix without visiting every word that starts with it.
// faq_expansions is the server's table of query expansions (docs/protocol.md section 9): a user's word
// (stemmed, as term) -> the catalog's words it may mean (targets, tab-separated), per language ("" any).
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
  tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE TABLE faq_forms (
  term TEXT PRIMARY KEY,
  df   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE faq_terms (
  term TEXT PRIMARY KEY,
  df   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX faq_terms_shape ON faq_terms (substr(term, 1, 1), length(term));
CREATE INDEX faq_terms_start ON faq_terms (substr(term, 1, 2), df DESC);
CREATE TABLE faq_expansions (
  term    TEXT NOT NULL,
  lang    TEXT NOT NULL,
  targets TEXT NOT NULL,
  PRIMARY KEY (term, lang)
) WITHOUT ROWID;
CREATE TABLE faq_votes (
  article_id TEXT PRIMARY KEY,
  helpful    INTEGER NOT NULL,
  voted_at   INTEGER NOT NULL
) WITHOUT ROWID;
)sql";
}

}  // namespace helpline::detail
