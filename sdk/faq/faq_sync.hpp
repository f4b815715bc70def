// Keeps the offline FAQ catalog current: GET /v1/faq with the catalog's `since` cursor and ETag
// (a 304 costs nothing), on open, when /v1/sync says the FAQ changed (faq_changed), and every
// refresh interval while the instance is open. Worker thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "base/logger.hpp"
#include "base/stats.hpp"
#include "base/transport.hpp"
#include "faq/engine/faq_catalog.hpp"
#include "sync/backoff.hpp"
#include "sync/request_builder.hpp"

namespace helpline::detail {

class FaqSync {
 public:
  static constexpr int64_t kRefreshMs = 6 * 3600 * 1000;

  FaqSync(FaqCatalog &catalog, Transport &transport, const RequestBuilder &requests, const SyncStats &stats,
          const Logger &logger, std::function<std::string()> token, std::function<void(int64_t)> wake_at,
          std::function<void(std::string)> changed, uint64_t seed);

  // Syncs now unless a request is in flight (then once more after it).
  void sync_now();
  // Timer entry point: syncs when the refresh interval or a backoff ended.
  void on_timer();

 private:
  void on_response(const HttpResponse &r);

  FaqCatalog &catalog_;
  Transport &transport_;
  const RequestBuilder &requests_;
  const SyncStats &stats_;
  const Logger &logger_;
  std::function<std::string()> token_;
  std::function<void(int64_t)> wake_at_;
  std::function<void(std::string)> changed_;  // event JSON after a change was applied
  Backoff backoff_;
  bool in_flight_ = false;
  bool again_ = false;
  int64_t next_at_ = 0;
};

}  // namespace helpline::detail
