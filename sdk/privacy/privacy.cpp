#include "privacy/privacy.hpp"

#include <memory>

#include "base/clock.hpp"
#include "base/ids.hpp"
#include "base/json_out.hpp"
#include "base/json_writer.hpp"
#include "items/batch_item.hpp"
#include "privacy/local_erase.hpp"

namespace helpline::detail {
namespace {

constexpr const char *kScrubPendingKey = "erase_scrub_pending";

}  // namespace

Privacy::Privacy(sqlite3 *db, Meta &meta, GroupCommit &commit, Identity &identity, RequestBuilder &requests,
                 const Logger &logger, std::string data_dir, Instance &instance, Wiring wiring)
    : db_(db),
      meta_(meta),
      commit_(commit),
      identity_(identity),
      requests_(requests),
      logger_(logger),
      data_dir_(std::move(data_dir)),
      instance_(instance),
      wiring_(std::move(wiring)) {
  delete_erased_files(meta_, data_dir_);  // an erase interrupted between its commit and its file deletions
}

bool Privacy::queue_erase(const char *origin, bool as_user) {
  change::Erase change;
  change.origin = origin;
  std::lock_guard<std::mutex> lock(wiring_.stamp_mu);
  const std::string user = as_user ? identity_.current_user() : std::string();
  NewItem item{&kEraseKind, {}, {}, now_ms(), user, nullptr};
  // The payload (with the device id being retired) is written by the commit: privacy/local_erase.cpp.
  if (!(clean_.load() && identity_.current_user().empty())) {
    item.idempotency_key = new_uuid_v7();
    item.payload = batch_item_json(item.idempotency_key, "POST", wire::path::kMeErase, "{}");
  }
  change.request_id = item.idempotency_key;
  change.user_id = user;
  item.local = std::make_shared<LocalChange>(std::move(change));
  const bool post = commit_.accept(std::move(item));
  identity_.set_current_user(std::string());
  clean_.store(true);
  wiring_.forget_host_state();
  return post;
}

void Privacy::erase_all() {
  (void)queue_erase("app", true);  // the commit is posted below, and waited for
  // Durable before returning: the one host call that waits for its fsync (docs/SECURITY.md).
  instance_.commit_durably(10000, "helpline_erase_all");
}

void Privacy::export_request() {
  instance_.enqueue(make_batch_item(kExportKind, new_uuid_v7(), "POST", wire::path::kMeExport, "{}"));
}

void Privacy::apply(const change::Erase &c) {
  const std::string signed_in = identity_.committed_user();
  erase_local_data(db_, meta_, c.request_id, data_dir_);
  identity_.apply_erase(db_);
  wiring_.signed_out(signed_in);
  erased_.push_back(Erased{c.request_id, c.origin});
  meta_.set(kScrubPendingKey, "1");
}

void Privacy::after_commit() {
  if (erased_.empty()) return;
  std::vector<Erased> done;
  done.swap(erased_);
  delete_erased_files(meta_, data_dir_);
  requests_.set_device(load_device_credential(meta_));
  instance_.worker().post([this] { scrub_store(); });  // after helpline_erase_all() returned
  wiring_.after_erase();
  for (const auto &e : done) {
    JsonObjectWriter w;
    w.field("state", "local").field("origin", e.origin);
    if (e.request_id.empty()) {
      w.null_field("request_id");
    } else {
      w.field("request_id", e.request_id);
    }
    instance_.emit(HELPLINE_EVENT_ERASED, w.finish());
  }
}

// The pages as they were before an erase stay in the WAL (and the store file keeps its old pages) until a
// checkpoint: it runs right after the erase, off the caller's thread, and at the next open if it was cut
// short.
void Privacy::scrub_store() {
  if (!meta_.get(kScrubPendingKey)) return;
  int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    // A reader on the WAL (the host reading right after open, say) holds it up: again a second later, a few
    // times, then at the next open.
    logger_.warn(std::string("erase: WAL checkpoint incomplete, retried: ") + sqlite3_errstr(rc));
    if (++scrub_retries_ <= 10)
      instance_.worker().post_at(Worker::Clock::now() + std::chrono::seconds(1), [this] { scrub_store(); });
    return;
  }
  meta_.remove(kScrubPendingKey);
}

// The user was erased on the server (from another device or by an agent): wipe this copy too, and ask
// the server to drop what this device id still has there (as the device, not the user).
void Privacy::on_server_erase() {
  logger_.info("the server erased this user: erasing local data");
  if (queue_erase("server", false)) instance_.worker().post_front([this] { instance_.commit_now(); });
}

void Privacy::register_items(ItemRegistry &registry) {
  registry.add_kind(kEraseKind, this, [](void *owner, const QueuedItem &item, const rapidjson::Value *) {
    owner_as<Privacy>(owner).instance_.emit(
        HELPLINE_EVENT_ERASED,
        JsonObjectWriter().field("state", "server").field("request_id", item.idempotency_key).finish());
  });
  registry.add_kind(kExportKind, this, [](void *owner, const QueuedItem &item, const rapidjson::Value *body) {
    const bool has = body != nullptr && body->IsObject() && body->HasMember("export");
    owner_as<Privacy>(owner).instance_.emit(
        HELPLINE_EVENT_EXPORT, "{\"request_id\":" + JsonOut().str(item.idempotency_key).take() +
                                   ",\"export\":" + (has ? to_json((*body)["export"]) : "null") + "}");
  });
  registry.add_local<change::Erase>(this, [](void *owner, const LocalChange &c) {
    owner_as<Privacy>(owner).apply(std::get<change::Erase>(c));
  });
  registry.add_sync_type(wire::sync_type::kErase, this, [](void *owner, const rapidjson::Value &) {
    owner_as<Privacy>(owner).on_server_erase();
    return true;
  });
}

}  // namespace helpline::detail
