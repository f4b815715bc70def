// The FAQ's query expansion table per app (docs/protocol.md section 9.1), kept current for GET /v1/faq.
// Computing it (faq_expansions.hpp) reads every article and, for the learned part, the recent deflections, so
// it is redone only when the app's FAQ change sequence moved (an article or a synonym changed) or the learned
// part's refresh interval passed; the WordNet part only when the articles changed, and the deflections are
// read again only once the interval passed (kept in memory in between). Every GET /v1/faq refreshes before it
// reads, so the first table computed for a catalog state is stored under that state's own change sequence
// (no device can have that state without it: no extra sequence, no extra sync). A table that changes for a
// state devices may already hold (new learned words, another WordNet) is stored under a new FAQ change
// sequence with a faq_changed sync item: cursors, ETags and devices follow as for any FAQ change. A delta
// carries the table only when it changed after `since`. Thread-safe (one computation per app at a time).
#pragma once
#include "change_notifier.hpp"
#include "config.hpp"
#include "faq_expansions.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace helpline::server {

class FaqExpansionCache {
 public:
  // Deflections the learned part looks at: the newest ones of the app.
  static constexpr int kLearnedDeflections = 20000;

  FaqExpansionCache(const ServerConfig &config, Store &store, ChangeNotifier &notifier);
  ~FaqExpansionCache();

  // Opens config.wordnet_dir once; a directory without WordNet is logged once (one line on stderr) and the
  // tables then hold agents' and learned entries only.
  void open_wordnet();
  // Brings the app's stored table up to date. Call before reading the FAQ (it may commit a write).
  void refresh(const std::string &app);

 private:
  struct Slot;
  struct Inputs;
  Slot &slot(const std::string &app);
  // Stores a changed table computed for the catalog at `seen_seq`: at that sequence, or with `announce` under
  // a new one with a faq_changed sync item. Returns the sequence the slot reflects afterwards (-1 when the
  // catalog moved meanwhile: nothing stored, the next refresh computes again).
  int64_t publish(const std::string &app, const std::map<std::string, std::string> &table, int64_t seen_seq,
                  bool announce);

  const ServerConfig &config_;
  Store &store_;
  ChangeNotifier &notifier_;
  std::once_flag wordnet_once_;
  std::unique_ptr<WordNet> wordnet_;
  std::mutex mu_;  // slots_
  std::map<std::string, std::unique_ptr<Slot>> slots_;
};

// The stored table as devices receive it, by locale: one JSON array of entries per locale.
std::map<std::string, std::string> expansion_table(const std::vector<FaqExpansion> &entries);
// The JSON array of the entries for a GET /v1/faq `locale` filter (nullopt: all): entries of any language
// (""), of that locale, or of its language ("en" for "en-US").
std::string expansions_for_locale(const std::map<std::string, std::string> &table,
                                  const std::optional<std::string> &locale);

}  // namespace helpline::server
