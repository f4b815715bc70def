// Inbound: GET /v1/sync with the durable cursor, long-polling while online. Each item goes to
// the handler its type is registered with (items/registry.hpp: tickets, messages, status changes
// land in the local view and become typed events); an item of a type nobody handles becomes a
// HELPLINE_EVENT_SYNC_ITEM event. The cursor is
// stored after the items are handled, so a crash re-delivers rather than loses. Worker only.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <rapidjson/document.h>

#include "base/logger.hpp"
#include "base/stats.hpp"
#include "base/transport.hpp"
#include "items/registry.hpp"
#include "store/meta.hpp"
#include "sync/backoff.hpp"
#include "sync/request_builder.hpp"
#include "sync/sender.hpp"

namespace helpline::detail {

struct InboundHooks {
  std::function<std::string()> principal;  // '' = anonymous device, else user id
  std::function<std::string()> token;      // credentials of the current principal
  std::function<void()> page_done;         // after a page was applied
};

class Poller {
 public:
  Poller(sqlite3 *db, Meta &meta, Transport &transport, const RequestBuilder &requests, SyncStats &stats,
         const Logger &logger, SyncHooks hooks, InboundHooks inbound, const ItemRegistry &registry,
         uint32_t wait_s, uint64_t seed);

  // The principal changed (identify, logout): the answer of a poll still in flight for the
  // previous principal is ignored and a new poll starts at once with the new credentials.
  void restart();
  // The device's history was erased (its cursor too): the next restart() polls from the beginning.
  void forget_cursor();
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
  InboundHooks inbound_;
  const ItemRegistry &registry_;  // the handlers of each sync item type
  const uint32_t wait_s_;
  uint64_t generation_ = 0;
  Backoff backoff_;
  std::string cursor_;
  bool in_flight_ = false;
  int64_t paused_until_ = 0;
};

}  // namespace helpline::detail
