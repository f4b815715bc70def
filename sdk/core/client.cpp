#include "core/client.hpp"

#include <future>

#include "json/json_writer.hpp"

namespace helpline::detail {

Client::Client(Options options)
    : options_(std::move(options)),
      logger_(options_.log_cb, options_.log_user, options_.log_level),
      events_(options_.event_queue_capacity) {}

Client::~Client() {
  // Normally close() already ran; this covers a failed open. Stopping the worker first keeps
  // it from touching members that are about to go.
  worker_.stop();
}

std::shared_ptr<Client> Client::open(Options options) {
  if (options.data_dir.empty()) {
    throw Error(HELPLINE_E_INVALID_ARGUMENT, "helpline_open: data_dir is not set (helpline_options_set_data_dir)");
  }
  std::shared_ptr<Client> c(new Client(std::move(options)));
  const std::string &dir = c->options_.data_dir;
  platform::ensure_private_dir(dir);
  c->lock_ = std::make_unique<platform::FileLock>(dir + "/helpline.lock");
  StoreRecovery recovery;
  c->store_ = Store::open(dir, recovery);
  c->schema_version_ = c->store_->schema_version();
  c->worker_.start("helpline-work");

  if (recovery.happened) {
    c->logger_.warn("store " + c->store_->path() + " was " + recovery.reason + "; moved aside to " +
                    recovery.moved_to + " and a new store was created");
    c->emit(HELPLINE_EVENT_STORE_RECOVERED,
            JsonObjectWriter().field("moved_to", recovery.moved_to).field("reason", recovery.reason).finish());
  }
  c->logger_.info("opened " + dir + " (schema " + std::to_string(c->store_->schema_version()) + ")");
  c->emit(HELPLINE_EVENT_OPENED,
          JsonObjectWriter().field("data_dir", dir).field("schema_version", c->store_->schema_version()).finish());
  return c;
}

void Client::emit(helpline_event_type_t type, std::string json) {
  if (options_.event_cb == nullptr) {
    events_without_callback_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (options_.delivery == HELPLINE_DELIVERY_DISPATCH) {
    events_.push(Event{type, std::move(json)});
    return;
  }
  bool queued = worker_.post([this, type, payload = std::move(json)] {
    options_.event_cb(options_.event_user, type, payload.c_str());
    events_delivered_.fetch_add(1, std::memory_order_relaxed);
  });
  if (!queued) logger_.warn("event " + std::to_string(type) + " not delivered: instance is closing");
}

helpline_status_t Client::flush(uint32_t timeout_ms) {
  if (closing()) throw Error(HELPLINE_E_CLOSED, "helpline_flush: the instance is closed");
  if (is_worker_thread()) {
    throw Error(HELPLINE_E_INVALID_STATE, "helpline_flush: must not be called from an event callback");
  }
  // A barrier: once the worker runs it, everything queued before this call has been handled.
  auto barrier = std::make_shared<std::promise<void>>();
  auto done = barrier->get_future();
  if (!worker_.post([barrier] { barrier->set_value(); })) {
    throw Error(HELPLINE_E_CLOSED, "helpline_flush: the instance is closing");
  }
  if (done.wait_for(std::chrono::milliseconds(timeout_ms)) != std::future_status::ready) {
    throw Error(HELPLINE_E_TIMEOUT, "helpline_flush: not done within " + std::to_string(timeout_ms) + " ms");
  }
  return HELPLINE_OK;
}

helpline_status_t Client::close(uint32_t timeout_ms) {
  if (is_worker_thread()) {
    throw Error(HELPLINE_E_INVALID_STATE, "helpline_close: must not be called from an event callback");
  }
  std::lock_guard<std::mutex> lock(close_mu_);
  if (closed_) throw Error(HELPLINE_E_CLOSED, "helpline_close: already closed");
  helpline_status_t result = HELPLINE_OK;
  try {
    flush(timeout_ms);
  } catch (const Error &e) {
    if (e.status() != HELPLINE_E_TIMEOUT) throw;
    result = HELPLINE_E_TIMEOUT;
    logger_.warn("close: flush timed out; undelivered data stays on disk");
  }
  closing_.store(true, std::memory_order_release);
  worker_.stop();
  store_.reset();
  lock_.reset();
  closed_ = true;
  logger_.info("closed " + options_.data_dir);
  return result;
}

int Client::dispatch(int max_events) {
  if (options_.delivery != HELPLINE_DELIVERY_DISPATCH || options_.event_cb == nullptr) return 0;
  int delivered = 0;
  Event ev;
  while ((max_events <= 0 || delivered < max_events) && events_.pop(ev)) {
    options_.event_cb(options_.event_user, ev.type, ev.json.c_str());
    events_delivered_.fetch_add(1, std::memory_order_relaxed);
    ++delivered;
  }
  return delivered;
}

std::string Client::stats_json() const {
  JsonObjectWriter w;
  w.field("sdk_version", HELPLINE_VERSION_STRING)
      .field("data_dir", options_.data_dir)
      .field("schema_version", schema_version_)
      .field("outbox_depth", uint64_t{0})
      .field("in_flight", uint64_t{0})
      .field("delivered", uint64_t{0})
      .field("retries", uint64_t{0})
      .field("dropped", uint64_t{0})
      .field("dead_lettered", uint64_t{0})
      .field("events_pending", static_cast<uint64_t>(events_.pending()))
      .field("events_delivered", events_delivered_.load(std::memory_order_relaxed))
      .field("events_lost", events_.lost())
      .null_field("last_error")
      .null_field("last_success_at");
  return w.finish();
}

}  // namespace helpline::detail
