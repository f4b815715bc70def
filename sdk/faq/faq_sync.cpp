#include "faq/faq_sync.hpp"

#include "base/clock.hpp"
#include "base/json_writer.hpp"
#include "protocol/wire.hpp"
#include "sync/sender.hpp"

namespace helpline::detail {

FaqSync::FaqSync(FaqCatalog &catalog, Transport &transport, const RequestBuilder &requests,
                 const SyncStats &stats, const Logger &logger, std::function<std::string()> token,
                 std::function<void(int64_t)> wake_at, std::function<void(std::string)> changed,
                 uint64_t seed)
    : catalog_(catalog),
      transport_(transport),
      requests_(requests),
      stats_(stats),
      logger_(logger),
      token_(std::move(token)),
      wake_at_(std::move(wake_at)),
      changed_(std::move(changed)),
      backoff_(Sender::kBackoffBaseMs, Sender::kBackoffCapMs, seed) {}

void FaqSync::on_timer() {
  if (next_at_ <= 0) return;
  if (now_ms() >= next_at_) {
    sync_now();
  } else {
    wake_at_(next_at_);  // an earlier timer of someone else fired: keep ours
  }
}

void FaqSync::sync_now() {
  if (!stats_.online.load() || !requests_.configured()) return;
  if (in_flight_) {
    again_ = true;
    return;
  }
  std::string path = wire::path::kFaq;
  const std::string cursor = catalog_.cursor();
  if (!cursor.empty()) path += "?since=" + percent_encode(cursor);
  HttpRequest request = requests_.get(path, 30000, token_());
  const std::string etag = catalog_.etag();
  if (!etag.empty()) request.headers.push_back("If-None-Match: " + etag);
  in_flight_ = true;
  next_at_ = 0;
  transport_.start(std::move(request), [this](HttpResponse r) {
    in_flight_ = false;
    try {
      on_response(r);
    } catch (const std::exception &e) {
      logger_.warn(std::string("/v1/faq: ") + e.what());
      next_at_ = now_ms() + backoff_.failure();
      wake_at_(next_at_);
    }
    if (again_) {
      again_ = false;
      sync_now();
    }
  });
}

void FaqSync::on_response(const HttpResponse &r) {
  if (r.status == 304) {
    backoff_.success();
  } else if (r.status == 200) {
    FaqApplyResult applied = catalog_.apply(r.body);  // one transaction; throws on garbage
    if (!r.etag.empty()) catalog_.set_etag(r.etag);
    backoff_.success();
    if (applied.upserted > 0 || applied.deleted > 0) {
      changed_(JsonObjectWriter()
                   .field("full", applied.full)
                   .field("upserted", applied.upserted)
                   .field("deleted", applied.deleted)
                   .finish());
    }
  } else {
    if (r.status == 400) {
      // The server does not know our cursor (its database was reset or restored): start over with a
      // full snapshot, as the poller does for /v1/sync.
      catalog_.forget_cursor();
    }
    next_at_ = now_ms() + backoff_.after_response(r.status, r.retry_after_s);
    logger_.info("/v1/faq: " + (r.status == 0 ? r.error : "HTTP " + std::to_string(r.status)) +
                 "; again in " + std::to_string(next_at_ - now_ms()) + " ms");
    wake_at_(next_at_);
    return;
  }
  next_at_ = now_ms() + kRefreshMs;
  wake_at_(next_at_);
}

}  // namespace helpline::detail
