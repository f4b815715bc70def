#include "sync/poller.hpp"

#include <algorithm>
#include <cctype>

#include <rapidjson/document.h>

#include "base/clock.hpp"
#include "base/json_out.hpp"
#include "protocol/wire.hpp"

namespace helpline::detail {
namespace {

constexpr const char *kCursorKey = "sync_cursor";
// A long-poll that returns empty much sooner than asked means the server does not hold
// requests: pace the loop instead of spinning.
constexpr int64_t kMinEmptyPollGapMs = 5000;

}  // namespace

Poller::Poller(sqlite3 *db, Meta &meta, Transport &transport, const RequestBuilder &requests,
               SyncStats &stats, const Logger &logger, SyncHooks hooks, InboundHooks inbound,
               const ItemRegistry &registry, uint32_t wait_s, uint64_t seed)
    : db_(db),
      meta_(meta),
      transport_(transport),
      requests_(requests),
      stats_(stats),
      logger_(logger),
      hooks_(std::move(hooks)),
      inbound_(std::move(inbound)),
      registry_(registry),
      wait_s_(wait_s),
      backoff_(Sender::kBackoffBaseMs, Sender::kBackoffCapMs, seed) {
  cursor_ = meta_.get(kCursorKey).value_or("");
}

void Poller::set_online(bool online) {
  if (online) {
    backoff_.reset();
    paused_until_ = 0;
    poll_now();
  }
}

void Poller::restart() {
  // The cursor stays: the device's history is not replayed. What the new principal had before
  // (a user's tickets from other devices) comes from History's ticket listing instead.
  ++generation_;
  in_flight_ = false;  // the old request completes unnoticed
  backoff_.reset();
  paused_until_ = 0;
  poll_now();
}

void Poller::forget_cursor() {
  cursor_.clear();
}

void Poller::on_timer() {
  if (paused_until_ > now_ms()) return;
  paused_until_ = 0;
  poll_now();
}

void Poller::poll_now() {
  if (in_flight_ || !stats_.online.load() || !requests_.configured() || paused_until_ > now_ms()) return;
  std::string path = std::string(wire::path::kSync) + "?wait=" + std::to_string(wait_s_);
  if (!cursor_.empty()) path += "&cursor=" + percent_encode(cursor_);
  in_flight_ = true;
  int64_t started = now_ms();
  const uint64_t generation = generation_;
  transport_.start(requests_.get(path, static_cast<long>(wait_s_ + 15) * 1000, inbound_.token()),
                   [this, started, generation](HttpResponse r) {
                     if (generation != generation_) return;
                     try {
                       on_response(r, started);
                     } catch (const std::exception &e) {
                       in_flight_ = false;
                       logger_.error(std::string("/v1/sync: ") + e.what());
                       paused_until_ = now_ms() + backoff_.failure();
                       hooks_.wake_at(paused_until_);
                     }
                   });
}

void Poller::on_response(const HttpResponse &r, int64_t started_ms) {
  in_flight_ = false;
  bool has_more = false;
  int64_t items = 0;
  if (r.status != 200 || !apply(r.body, has_more, items)) {
    retry_later(r);
    return;
  }
  backoff_.success();
  stats_.polls.fetch_add(1);
  if (has_more) {
    poll_now();
  } else if (wait_s_ > 0) {
    int64_t elapsed = now_ms() - started_ms;
    if (items == 0 && elapsed < kMinEmptyPollGapMs && elapsed < static_cast<int64_t>(wait_s_) * 500) {
      paused_until_ = now_ms() + kMinEmptyPollGapMs;
      hooks_.wake_at(paused_until_);
    } else {
      poll_now();
    }
  }
}

bool Poller::apply(const std::string &body, bool &has_more, int64_t &count) {
  rapidjson::Document d;
  d.Parse(body.data(), body.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("cursor") || !d["cursor"].IsString() ||
      !d.HasMember("items") || !d["items"].IsArray()) {
    logger_.warn("/v1/sync: malformed response ignored");
    return false;
  }
  has_more = d.HasMember("has_more") && d["has_more"].IsBool() && d["has_more"].GetBool();
  // The page's effects on the local view and the new cursor are one transaction.
  Transaction tx(db_);
  for (const auto &item : d["items"].GetArray()) {
    if (!item.IsObject() || !item.HasMember("type") || !item["type"].IsString()) continue;  // unknown shape
    ++count;
    if (registry_.handle_sync(item)) continue;
    hooks_.emit(HELPLINE_EVENT_SYNC_ITEM, to_json(item));
  }
  std::string cursor = d["cursor"].GetString();
  if (cursor != cursor_) {
    meta_.set(kCursorKey, cursor);
    cursor_ = cursor;
  }
  tx.commit();
  inbound_.page_done();
  return true;
}

void Poller::retry_later(const HttpResponse &r) {
  int64_t delay = backoff_.after_response(r.status, r.retry_after_s);
  std::string why = r.status == 0 ? r.error : "HTTP " + std::to_string(r.status);
  logger_.info("/v1/sync: " + why + "; next poll in " + std::to_string(delay) + " ms");
  if (r.status == 401 || r.status == 403) hooks_.auth_rejected(inbound_.principal(), r.status);
  if (r.status == 400) {
    // The server does not know our cursor (e.g. its database was reset): start over.
    cursor_.clear();
    meta_.set(kCursorKey, "");
  }
  paused_until_ = now_ms() + delay;
  hooks_.wake_at(paused_until_);
}

}  // namespace helpline::detail
