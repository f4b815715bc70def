// Sends outbox rows on the worker thread: one request in flight per channel, rows batched by
// count and bytes, per-item results applied in one transaction (delivered rows deleted,
// refused rows dead-lettered, failed rows rescheduled), backoff with full jitter between
// failed requests and server-directed pauses on 429/503 Retry-After.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "base/logger.hpp"
#include "base/stats.hpp"
#include "base/transport.hpp"
#include "items/registry.hpp"
#include "store/outbox.hpp"
#include "sync/backoff.hpp"
#include "sync/request_builder.hpp"
#include "sync/writes_in_flight.hpp"

namespace helpline::detail {

struct SyncHooks {
  std::function<void(helpline_event_type_t, std::string)> emit;
  std::function<void(int64_t wall_ms)> wake_at;  // call kick() again at or after this time
  std::function<void()> outbox_changed;          // rows were removed: flush waiters, totals
  // Credentials of the principal an item was written as ('' = anonymous device).
  std::function<std::string(const std::string &principal)> token_for;
  // The server refused a principal's credentials (401/403).
  std::function<void(const std::string &principal, long status)> auth_rejected;
};

class Sender {
 public:
  static constexpr int64_t kBackoffBaseMs = 500;
  static constexpr int64_t kBackoffCapMs = 5 * 60 * 1000;

  // Delivery and refusal of a row run its kind's handlers (`registry`) inside the transaction that
  // removes the row.
  // Every request it sends is counted in `writes`; an item of a barrier kind (an erase) is sent only when
  // no write request is in flight on any channel, and nothing else starts while it waits.
  Sender(sqlite3 *db, Outbox &outbox, Transport &transport, const RequestBuilder &requests,
         WritesInFlight &writes, SyncStats &stats, const Logger &logger, SyncHooks hooks,
         const ItemRegistry &registry, uint64_t seed, std::string data_dir);

  void kick();
  void set_online(bool online);

 private:
  struct ChannelState {
    Channel channel;
    const char *path;
    int max_items;
    int64_t max_bytes;
    int max_in_flight;
    int in_flight = 0;
    int64_t sent_upto = 0;  // highest row id handed to a request while any is in flight
    int64_t paused_until = 0;
    Backoff backoff;
  };

  void send(ChannelState &ch, std::vector<QueuedItem> items);
  // Attachments are raw uploads: sent alone, in their place in the channel's order.
  void upload(ChannelState &ch, QueuedItem item);
  void on_upload_response(ChannelState &ch, const QueuedItem &item, const std::string &path,
                          const HttpResponse &r);
  void progress(const QueuedItem &item, const std::string &ticket_id, const char *state, int64_t sent,
                int64_t total);
  void on_response(ChannelState &ch, const std::vector<QueuedItem> &items, const HttpResponse &r);
  bool apply_results(const std::vector<QueuedItem> &items, const std::string &body);
  void retry_later(ChannelState &ch, const std::vector<QueuedItem> &items, const HttpResponse &r);
  void dead_letter_all(const std::vector<QueuedItem> &items, const HttpResponse &r);
  void dead_letter(const QueuedItem &item, long status, const std::string &error_json);
  void note_success();

  sqlite3 *db_;
  Outbox &outbox_;
  Transport &transport_;
  const RequestBuilder &requests_;
  WritesInFlight &writes_;
  SyncStats &stats_;
  const Logger &logger_;
  SyncHooks hooks_;
  const ItemRegistry &registry_;
  ChannelState channels_[kChannelCount];
  bool failing_ = false;
  const std::string data_dir_;
  int64_t last_progress_ms_ = 0;
  int64_t last_progress_sent_ = 0;
};

}  // namespace helpline::detail
