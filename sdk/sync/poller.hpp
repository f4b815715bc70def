// Inbound: GET /v1/sync with the durable cursor, long-polling while online. Each item becomes
// a HELPLINE_EVENT_SYNC_ITEM event; the cursor is stored after the items are handled, so a
// crash re-delivers rather than loses. Worker thread only.
#pragma once

#include <cstdint>
#include <string>

#include "core/logger.hpp"
#include "core/stats.hpp"
#include "store/meta.hpp"
#include "sync/backoff.hpp"
#include "sync/request_builder.hpp"
#include "sync/sender.hpp"
#include "sync/transport.hpp"

namespace helpline::detail {

class Poller {
 public:
  Poller(sqlite3 *db, Meta &meta, Transport &transport, const RequestBuilder &requests, SyncStats &stats,
         const Logger &logger, SyncHooks hooks, uint32_t wait_s, uint64_t seed);

  // Starts a poll unless one is in flight or waiting out a backoff (then it is remembered).
  void poll_now();
  void set_online(bool online);
  // Timer entry point: a backoff or pacing delay ended.
  void on_timer();

 private:
  void on_response(const HttpResponse &r, int64_t started_ms);
  bool apply(const std::string &body, bool &has_more, int64_t &items);
  void retry_later(const HttpResponse &r);

  sqlite3 *db_;
  Meta &meta_;
  Transport &transport_;
  const RequestBuilder &requests_;
  SyncStats &stats_;
  const Logger &logger_;
  SyncHooks hooks_;
  const uint32_t wait_s_;
  Backoff backoff_;
  std::string cursor_;
  bool in_flight_ = false;
  int64_t paused_until_ = 0;
};

}  // namespace helpline::detail
