// Erasing the user's data from data_dir (helpline_erase_all, or the server's `erase` sync item).
// The database part runs inside the group commit's transaction that inserted the erase request,
// so the wipe and the request become durable together. Attachment copies are files: their names
// are saved in that same transaction and the files deleted right after the commit, so a crash in
// between finishes the job at the next open (delete_erased_files).
#pragma once

#include <string>

#include "base/sqlite.hpp"
#include "store/meta.hpp"

namespace helpline::detail {

// Inside the caller's transaction, after the erase row (idempotency key `request_id`, '' when no
// request is queued) was inserted. Deletes every queued item older than the request except other
// erase requests, the dead letters, the local view (tickets, messages, attachments), notice states,
// FAQ votes, the identities no erase request needs, and every meta key but the app's settings
// (consent, device attributes, rules); writes the old device id into the request and gives the
// device a new random id. `data_dir`: where attachment copies and moved-aside stores live.
void erase_local_data(sqlite3 *db, Meta &meta, const std::string &request_id, const std::string &data_dir);

// After the commit (and at open): deletes the files the last erase listed, then the list.
void delete_erased_files(Meta &meta, const std::string &data_dir);

}  // namespace helpline::detail
