// The help center for the host: offline search, browsing, articles, votes and ticket deflection
// (reads run on the caller's thread through the read connection; votes and deflection reports are
// queued), and the catalog kept in sync with the server (faq_sync.hpp). Host calls are thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/logger.hpp"
#include "faq/deflection.hpp"
#include "faq/engine/faq_catalog.hpp"
#include "faq/engine/faq_search.hpp"
#include "faq/faq_sync.hpp"
#include "items/instance.hpp"
#include "items/registry.hpp"
#include "store/read_connection.hpp"

namespace helpline::detail {

class Faq {
 public:
  // `db`: the write connection (the worker's); `sync`: builds the catalog's sync on the catalog.
  Faq(sqlite3 *db, ReadConnection &read, Instance &instance, const Logger &logger,
      const std::function<std::unique_ptr<FaqSync>(FaqCatalog &)> &make_sync);

  // Host threads. Throw Error (invalid input, HELPLINE_E_NOT_FOUND, _CLOSED).
  std::string search(std::string_view query, std::string_view locale, int limit);
  std::string sections(std::string_view locale);
  std::string article(std::string_view id);
  void vote(const std::string &id, bool helpful);
  // Suggestions for the ticket being written; remembered for the deflection report.
  std::string suggest(std::string_view subject, std::string_view body);

  Deflection &deflection() noexcept { return deflection_; }
  FaqSync &sync() noexcept { return *sync_; }
  // The vote and deflection kinds, the FaqVote change (recorded in the catalog with its commit) and
  // the faq_changed sync item (a catalog sync).
  void register_items(ItemRegistry &registry);

 private:
  template <class Fn>
  auto with_search(Fn &&fn);

  ReadConnection &read_;
  Instance &instance_;
  const Logger &logger_;
  FaqCatalog catalog_;  // worker: the writer
  std::unique_ptr<FaqSync> sync_;
  Deflection deflection_;
  std::unique_ptr<FaqSearch> search_;  // under the read connection's lock
};

}  // namespace helpline::detail
