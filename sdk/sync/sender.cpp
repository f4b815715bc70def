#include "sync/sender.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>

#include <rapidjson/document.h>

#include "base/clock.hpp"
#include "base/json_writer.hpp"
#include "protocol/wire.hpp"

namespace helpline::detail {
namespace {

// The server's {"error": {...}} object, or one made up from the status when it sent none.
std::string error_of(const HttpResponse &r) {
  rapidjson::Document d;
  d.Parse(r.body.data(), r.body.size());
  if (!d.HasParseError() && d.IsObject() && d.HasMember("error") && d["error"].IsObject()) {
    return to_json(d["error"]);
  }
  return JsonObjectWriter()
      .field("code", "http_" + std::to_string(r.status))
      .field("message", r.status == 0 ? r.error : std::string("HTTP ") + std::to_string(r.status))
      .finish();
}

bool retryable_status(long status) {
  return status == 0 || status == 408 || status == 429 || status >= 500;
}

// The whole file, or nothing when it cannot be read.
std::optional<std::string> read_file(const std::string &path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE *)> f(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!f) return std::nullopt;
  std::string data;
  char buf[64 * 1024];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) data.append(buf, n);
  if (std::ferror(f.get())) return std::nullopt;
  return data;
}

std::string member(const rapidjson::Value &o, const char *key) {
  return o.IsObject() && o.HasMember(key) && o[key].IsString() ? o[key].GetString() : std::string();
}

}  // namespace

Sender::Sender(sqlite3 *db, Outbox &outbox, Transport &transport, const RequestBuilder &requests,
               WritesInFlight &writes, SyncStats &stats, const Logger &logger, SyncHooks hooks,
               const ItemRegistry &registry, uint64_t seed, std::string data_dir)
    : db_(db),
      outbox_(outbox),
      transport_(transport),
      requests_(requests),
      writes_(writes),
      stats_(stats),
      logger_(logger),
      hooks_(std::move(hooks)),
      registry_(registry),
      // /v1/batch keeps one request in flight (items are ordered: a message after its ticket);
      // diagnostics have no order, so two requests overlap the server's work with ours.
      channels_{{Channel::kBatch, wire::path::kBatch, 100, 512 * 1024, 1, 0, 0, 0,
                 Backoff(kBackoffBaseMs, kBackoffCapMs, seed)},
                {Channel::kDiagnostics, wire::path::kDiagnosticsBatch, 2000, 768 * 1024, 2, 0, 0, 0,
                 Backoff(kBackoffBaseMs, kBackoffCapMs, seed ^ 0x9e3779b97f4a7c15ull)}},
      data_dir_(std::move(data_dir)) {}

void Sender::set_online(bool online) {
  if (!online) return;  // the flag itself is set by the host thread (SyncStats::online)
  for (auto &ch : channels_) {
    ch.backoff.reset();
    ch.paused_until = 0;
  }
  kick();
}

void Sender::kick() {
  if (!stats_.online.load() || !requests_.configured()) return;
  const int64_t now = now_ms();
  for (auto &ch : channels_) {
    while (ch.in_flight < ch.max_in_flight) {
      if (ch.paused_until > now) {
        hooks_.wake_at(ch.paused_until);
        break;
      }
      // With a request in flight, only rows after the ones it carries.
      int64_t after = ch.in_flight > 0 ? ch.sent_upto : 0;
      std::vector<QueuedItem> items = outbox_.due(ch.channel, now, ch.max_items, ch.max_bytes, after);
      if (items.empty()) {
        int64_t next = ch.in_flight > 0 ? -1 : outbox_.next_due(ch.channel);
        if (next > now) hooks_.wake_at(next);
        break;
      }
      // A barrier (an erase) waits until no write is on the wire: requests sent before it, on any channel,
      // cannot land after it. Nothing else starts meanwhile; the last write to finish kicks again.
      const std::size_t barrier = registry_.first_barrier(items);
      writes_.barrier_waiting = barrier == 0 && !writes_.idle();
      if (writes_.barrier_waiting) return;
      if (barrier > 0) items.resize(barrier);
      if (registry_.is_upload(items.front())) {
        upload(ch, std::move(items.front()));
        continue;
      }
      // One request speaks for one principal, and stops before an upload.
      auto cut = std::find_if(items.begin(), items.end(), [&](const QueuedItem &q) {
        return registry_.is_upload(q) || q.principal != items.front().principal;
      });
      items.erase(cut, items.end());
      send(ch, std::move(items));
    }
  }
}

void Sender::send(ChannelState &ch, std::vector<QueuedItem> items) {
  // The rows hold complete item JSON: the envelope is assembled without re-encoding them.
  JsonOut w;
  w.begin_object().key("items").begin_array();
  for (const auto &item : items) w.raw(item.payload);
  w.end_array().end_object();
  HttpRequest request =
      requests_.post_json(ch.path, w.take(), 60000, hooks_.token_for(items.front().principal));
  ch.in_flight += 1;
  ch.sent_upto = std::max(ch.sent_upto, items.back().id);
  stats_.in_flight.fetch_add(static_cast<int64_t>(items.size()));
  ChannelState *state = &ch;
  const uint64_t ticket = writes_.started();
  transport_.start(std::move(request), [this, state, ticket, items = std::move(items)](HttpResponse r) {
    // Once nothing is in flight, selection starts from the oldest row again (rows of a failed
    // request are still queued).
    if (--state->in_flight == 0) state->sent_upto = 0;
    stats_.in_flight.fetch_sub(static_cast<int64_t>(items.size()));
    try {
      on_response(*state, items, r);
    } catch (const std::exception &e) {
      // E.g. the store failed while applying results: the rows are still queued, so come back
      // later instead of leaving the channel idle until the next enqueue.
      stats_.set_error(std::string(state->path) + ": " + e.what());
      logger_.error(std::string(state->path) + ": " + e.what());
      state->paused_until = now_ms() + state->backoff.failure();
      hooks_.wake_at(state->paused_until);
    }
    writes_.finished(ticket);
  });
}

void Sender::progress(const QueuedItem &item, const std::string &ticket_id, const char *state, int64_t sent,
                      int64_t total) {
  hooks_.emit(HELPLINE_EVENT_ATTACHMENT, JsonObjectWriter()
                                             .field("attachment_id", item.idempotency_key.substr(2))
                                             .field("ticket_id", ticket_id)
                                             .field("state", state)
                                             .field("bytes_sent", sent)
                                             .field("size", total)
                                             .finish());
}

void Sender::upload(ChannelState &ch, QueuedItem item) {
  rapidjson::Document d;
  d.Parse(item.payload.data(), item.payload.size());
  const std::string path = member(d, "path");
  const std::string file = data_dir_ + "/" + member(d, "file");
  const std::string ticket_id = member(d, "ticket_id");
  std::optional<std::string> data = read_file(file);
  if (path.empty() || !data) {
    // The copy in data_dir is gone (or the row is unreadable): retrying cannot help.
    Transaction tx(db_);
    dead_letter(item, 0,
                JsonObjectWriter()
                    .field("code", "attachment_missing")
                    .field("message", "cannot read " + file)
                    .finish());
    tx.commit();
    progress(item, ticket_id, "failed", 0, 0);
    hooks_.outbox_changed();
    return;
  }
  const auto size = static_cast<int64_t>(data->size());
  std::string content_type = member(d, "content_type");
  HttpRequest request = requests_.post_raw(path, std::move(*data),
                                           content_type.empty() ? "application/octet-stream" : content_type,
                                           item.idempotency_key, 120000, hooks_.token_for(item.principal));
  auto shared = std::make_shared<QueuedItem>(std::move(item));
  last_progress_sent_ = 0;
  request.progress = [this, shared, ticket_id](int64_t sent, int64_t total) {
    // At most every 100 ms, once more when the last byte went, never twice for the same count.
    const int64_t now = now_ms();
    if (sent == last_progress_sent_ || (sent < total && now - last_progress_ms_ < 100)) return;
    last_progress_ms_ = now;
    last_progress_sent_ = sent;
    progress(*shared, ticket_id, "uploading", sent, total);
  };
  ch.in_flight += 1;
  ch.sent_upto = std::max(ch.sent_upto, shared->id);
  stats_.in_flight.fetch_add(1);
  progress(*shared, ticket_id, "uploading", 0, size);
  ChannelState *state = &ch;
  const uint64_t ticket = writes_.started();
  transport_.start(std::move(request), [this, state, shared, file, ticket](HttpResponse r) {
    if (--state->in_flight == 0) state->sent_upto = 0;
    stats_.in_flight.fetch_sub(1);
    try {
      on_upload_response(*state, *shared, file, r);
    } catch (const std::exception &e) {
      stats_.set_error(std::string(wire::path::kAttachments) + ": " + e.what());
      logger_.error(std::string(wire::path::kAttachments) + ": " + e.what());
      state->paused_until = now_ms() + state->backoff.failure();
      hooks_.wake_at(state->paused_until);
    }
    writes_.finished(ticket);
  });
}

void Sender::on_upload_response(ChannelState &ch, const QueuedItem &item, const std::string &file,
                                const HttpResponse &r) {
  rapidjson::Document d;
  d.Parse(item.payload.data(), item.payload.size());
  const std::string ticket_id = member(d, "ticket_id");
  const int64_t size = d.IsObject() && d.HasMember("size") && d["size"].IsInt64() ? d["size"].GetInt64() : 0;
  // 409: an attachment with this id exists already (an upload whose answer was lost, replayed
  // after the server forgot the key): the server has the file.
  if (r.status == 200 || r.status == 201 || r.status == 409) {
    rapidjson::Document body;
    body.Parse(r.body.data(), r.body.size());
    Transaction tx(db_);
    std::vector<const QueuedItem *> done{&item};
    outbox_.remove_delivered(done);
    if (!done.empty()) registry_.delivered(item, body.HasParseError() ? nullptr : &body);
    tx.commit();
    std::remove(file.c_str());  // the server has it now
    stats_.delivered.fetch_add(1);
    ch.backoff.success();
    note_success();
    progress(item, ticket_id, "uploaded", size, size);
    hooks_.outbox_changed();
    kick();
    return;
  }
  if (retryable_status(r.status) || r.status == 401 || r.status == 403) {
    if (r.status == 401 || r.status == 403) hooks_.auth_rejected(item.principal, r.status);
    retry_later(ch, {item}, r);
    return;
  }
  {
    Transaction tx(db_);
    dead_letter(item, r.status, error_of(r));
    tx.commit();
  }
  std::remove(file.c_str());
  progress(item, ticket_id, "failed", 0, size);
  hooks_.outbox_changed();
  kick();
}

void Sender::on_response(ChannelState &ch, const std::vector<QueuedItem> &items, const HttpResponse &r) {
  if (r.status == 200) {
    if (apply_results(items, r.body)) {
      ch.backoff.success();
      note_success();
      hooks_.outbox_changed();
      kick();
      return;
    }
    HttpResponse garbage = r;
    garbage.status = 0;
    garbage.error = "malformed response from server (no per-item results)";
    retry_later(ch, items, garbage);
    return;
  }
  if (r.status == 413 && items.size() > 1) {
    // The batch, not its items, was too big: halve it and go again at once.
    ch.max_items = std::max(1, static_cast<int>(items.size()) / 2);
    logger_.info(std::string(ch.path) + ": 413, batch size now " + std::to_string(ch.max_items));
    kick();
    return;
  }
  if (retryable_status(r.status) || r.status == 401 || r.status == 403) {
    // 401/403 concern the whole request (credentials), not the items: keep them and retry.
    if (r.status == 401 || r.status == 403) hooks_.auth_rejected(items.front().principal, r.status);
    retry_later(ch, items, r);
    return;
  }
  dead_letter_all(items, r);
  hooks_.outbox_changed();
  kick();
}

bool Sender::apply_results(const std::vector<QueuedItem> &items, const std::string &body) {
  rapidjson::Document d;
  d.Parse(body.data(), body.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("results") || !d["results"].IsArray()) return false;
  const auto &results = d["results"];
  if (results.Size() != items.size()) return false;
  for (rapidjson::SizeType i = 0; i < results.Size(); ++i) {
    const auto &res = results[i];
    if (!res.IsObject() || !res.HasMember("outcome") || !res["outcome"].IsString() ||
        !res.HasMember("idempotency_key") || !res["idempotency_key"].IsString() ||
        items[i].idempotency_key != res["idempotency_key"].GetString()) {
      return false;
    }
  }
  const int64_t now = now_ms();
  int64_t delivered = 0, retried = 0;
  Transaction tx(db_);
  // After an item failed in a retryable way, later items' refusals may be consequences of it
  // (a message whose ticket is not there yet): those are retried, never dead-lettered.
  bool earlier_retryable = false;
  std::vector<const QueuedItem *> done;
  done.reserve(items.size());
  for (rapidjson::SizeType i = 0; i < results.Size(); ++i) {
    const auto &res = results[i];
    std::string outcome = res["outcome"].GetString();
    if (outcome == "ok" || outcome == "duplicate") {
      ++delivered;
      done.push_back(&items[i]);
      continue;
    }
    bool retryable = res.HasMember("retryable") && res["retryable"].IsBool() && res["retryable"].GetBool();
    long status = res.HasMember("status") && res["status"].IsInt() ? res["status"].GetInt() : 0;
    if (retryable || earlier_retryable || outcome != "error") {
      earlier_retryable = earlier_retryable || retryable;
      Backoff item_backoff(kBackoffBaseMs, kBackoffCapMs,
                           static_cast<uint64_t>(items[i].id) * 2654435761u + now);
      for (int64_t a = 0; a < items[i].attempts; ++a) item_backoff.failure();
      outbox_.reschedule(items[i].id, now + item_backoff.failure());
      ++retried;
      continue;
    }
    std::string error = res.HasMember("error") && res["error"].IsObject()
                            ? to_json(res["error"])
                            : JsonObjectWriter().field("code", "refused").field("message", outcome).finish();
    dead_letter(items[i], status, error);
  }
  // Rows an erase dropped while the request was on the wire are not delivered locally: nothing comes back.
  outbox_.remove_delivered(done);
  for (const QueuedItem *item : done) {
    const auto &res = results[static_cast<rapidjson::SizeType>(item - items.data())];
    registry_.delivered(*item, res.HasMember("body") ? &res["body"] : nullptr);
  }
  tx.commit();
  stats_.delivered.fetch_add(delivered);
  stats_.retries.fetch_add(retried);
  return true;
}

void Sender::retry_later(ChannelState &ch, const std::vector<QueuedItem> &items, const HttpResponse &r) {
  int64_t delay = ch.backoff.after_response(r.status, r.retry_after_s);
  const int64_t now = now_ms();
  ch.paused_until = now + delay;
  {
    Transaction tx(db_);
    for (const auto &item : items) outbox_.count_attempt(item.id);
    tx.commit();
  }
  stats_.retries.fetch_add(static_cast<int64_t>(items.size()));
  std::string why = r.status == 0 ? r.error : "HTTP " + std::to_string(r.status);
  stats_.set_error(std::string(ch.path) + ": " + why);
  logger_.warn(std::string(ch.path) + ": " + why + "; retrying in " + std::to_string(delay) + " ms");
  if (!failing_) {
    failing_ = true;
    hooks_.emit(
        HELPLINE_EVENT_CONNECTIVITY,
        JsonObjectWriter().field("online", false).field("error", why).field("retry_in_ms", delay).finish());
  }
  hooks_.wake_at(ch.paused_until);
}

void Sender::dead_letter(const QueuedItem &item, long status, const std::string &error_json) {
  if (!outbox_.dead_letter(item, status, error_json, now_ms())) return;  // dropped meanwhile (an erase)
  registry_.refused(item, error_json);
  stats_.dead_lettered.fetch_add(1);
  logger_.warn("dead-lettered " + item.kind + " " + item.idempotency_key + ": " + error_json);
  hooks_.emit(HELPLINE_EVENT_DEAD_LETTER, JsonObjectWriter()
                                              .field("kind", item.kind)
                                              .field("idempotency_key", item.idempotency_key)
                                              .field("http_status", static_cast<int64_t>(status))
                                              .raw_field("error", error_json)
                                              .finish());
}

void Sender::dead_letter_all(const std::vector<QueuedItem> &items, const HttpResponse &r) {
  std::string error = error_of(r);
  Transaction tx(db_);
  for (const auto &item : items) dead_letter(item, r.status, error);
  tx.commit();
}

void Sender::note_success() {
  stats_.last_success_at.store(now_ms());
  if (failing_) {
    failing_ = false;
    hooks_.emit(
        HELPLINE_EVENT_CONNECTIVITY,
        JsonObjectWriter().field("online", true).null_field("error").field("retry_in_ms", 0).finish());
  }
}

}  // namespace helpline::detail
