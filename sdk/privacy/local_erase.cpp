#include "privacy/local_erase.hpp"

#include <algorithm>
#include <vector>

#include "base/ids.hpp"
#include "base/json_out.hpp"
#include "items/batch_item.hpp"
#include "posix/fs.hpp"
#include "protocol/wire.hpp"

namespace helpline::detail {
namespace {

constexpr const char *kErasedFilesKey = "erased_files";  // newline-separated paths relative to data_dir
constexpr const char *kAttachmentsDir = "attachments";
constexpr const char *kMovedAsidePrefix = "helpline.db.corrupt-";

}  // namespace

void erase_local_data(sqlite3 *db, Meta &meta, const std::string &request_id, const std::string &data_dir) {
  // (The store runs with secure_delete on: what is deleted here is overwritten with zeros.)
  const DeviceCredential old_device = load_device_credential(meta);
  DeviceCredential device = old_device;
  // Without a request (nothing was accepted since the last erase) no queued item predates this erase.
  int64_t request_row = 0;
  if (!request_id.empty()) {
    // The request names the device id being retired, with the secret that proves it: the server erases what
    // was sent under it, and refuses whatever still arrives under it.
    device = DeviceCredential{new_uuid_v7(), new_secret()};
    JsonOut body;
    body.begin_object()
        .field("device_id", old_device.id)
        .field("device_secret", old_device.secret)
        .end_object();
    Statement update(db, "UPDATE outbox SET payload = ?1 WHERE idempotency_key = ?2 RETURNING id");
    update.bind(1, batch_item_json(request_id, "POST", wire::path::kMeErase, body.take()))
        .bind(2, request_id);
    if (update.step()) request_row = update.column_int64(0);
    while (update.step()) {
    }
  }
  // Items written after the request (in the same commit) stay: they belong to the new, empty state.
  std::vector<std::string> keep_files;
  {
    Statement later(db, "SELECT idempotency_key FROM outbox WHERE kind = ?2 AND id > ?1");
    later.bind(1, request_row).bind(2, std::string(wire::kind::kAttachment));
    while (later.step()) keep_files.push_back(later.column_text(0).substr(2));  // "a:<attachment id>"
  }
  Statement drop(db, "DELETE FROM outbox WHERE id < ?1 AND kind != ?2");
  drop.bind(1, request_row).bind(2, std::string(wire::kind::kErase)).run();
  exec(db,
       "DELETE FROM outbox_totals;"
       "INSERT INTO outbox_totals (priority, rows, bytes) "
       "  SELECT priority, count(*), sum(length(CAST(payload AS BLOB))) FROM outbox GROUP BY priority;"
       "DELETE FROM dead_letter;"
       "DELETE FROM attachments; DELETE FROM messages; DELETE FROM tickets;"
       "DELETE FROM notices; DELETE FROM faq_votes;");
  // A queued erase request is sent with its user's token; every other token goes.
  Statement tokens(
      db, "DELETE FROM identities WHERE user_id NOT IN (SELECT principal FROM outbox WHERE kind = ?1)");
  tokens.bind(1, std::string(wire::kind::kErase)).run();
  exec(db,
       "UPDATE identities SET logged_out = 1;"
       "DELETE FROM meta WHERE key NOT IN ('consent_diagnostics', 'device_attributes', 'rules_host', "
       "'rules_server');");
  store_device_credential(meta, device);

  std::string files;
  for (const auto &name : platform::list_dir(data_dir + "/" + kAttachmentsDir)) {
    if (std::find(keep_files.begin(), keep_files.end(), name) != keep_files.end()) continue;
    files += std::string(kAttachmentsDir) + "/" + name + "\n";
  }
  // A store moved aside as corrupt may hold the user's data too.
  for (const auto &name : platform::list_dir(data_dir)) {
    if (name.rfind(kMovedAsidePrefix, 0) == 0) files += name + "\n";
  }
  if (!files.empty()) meta.set(kErasedFilesKey, files);
}

void delete_erased_files(Meta &meta, const std::string &data_dir) {
  const std::string files = meta.get(kErasedFilesKey).value_or("");
  if (files.empty()) return;
  std::size_t start = 0;
  while (start < files.size()) {
    std::size_t end = files.find('\n', start);
    if (end == std::string::npos) end = files.size();
    const std::string name = files.substr(start, end - start);
    if (!name.empty() && name.find("..") == std::string::npos) platform::remove_file(data_dir + "/" + name);
    start = end + 1;
  }
  meta.remove(kErasedFilesKey);
}

}  // namespace helpline::detail
