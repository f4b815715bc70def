// Proactive notices: the server targets them (docs/protocol.md section 12) and sends them through
// /v1/sync; the device checks them again (the target against its own attributes when the notice
// carries one, the time window when listed), keeps them with the user's state (new, seen,
// dismissed) and raises events. Writer side on the worker; reader side on host threads through
// the read-only connection, like tickets.
#pragma once

#include <map>
#include <string>

#include <rapidjson/document.h>

#include "store/sqlite.hpp"
#include "tickets/local_change.hpp"
#include "tickets/ticket_store.hpp"
#include "tickets/ticket_view.hpp"

namespace helpline::detail {

// Does a notice's `target` match these device attributes? (protocol section 12 rules)
bool target_matches(const rapidjson::Value &target, const std::map<std::string, std::string> &attributes);

class NoticeStore {
 public:
  NoticeStore(sqlite3 *db, EmitFn emit) : db_(db), emit_(std::move(emit)) {}
  // notice / notice_withdrawn sync items; false for other types.
  bool handle_sync_item(const rapidjson::Value &item, const std::map<std::string, std::string> &attributes);
  void apply(const LocalChange &c);  // kNoticeState, inside the commit's transaction
  // GET /v1/notices (authoritative for what applies to this device now, protocol section 12): stores the
  // listed notices that are new or changed (HELPLINE_EVENT_NOTICE) and removes the ones no longer listed
  // (HELPLINE_EVENT_NOTICE_WITHDRAWN). Needed when the device starts matching after a notice was published.
  // `asked_at`: when the list was requested; what was stored after that is newer than the list and kept.
  void reconcile(const rapidjson::Value &items, const std::map<std::string, std::string> &attributes,
                 int64_t asked_at);
  void clear();

 private:
  sqlite3 *db_;
  EmitFn emit_;
};

class NoticeView {
 public:
  explicit NoticeView(sqlite3 *read_db) : db_(read_db) {}
  std::string notices_json(const Overlay &overlay, int64_t now_ms);
  bool exists(const std::string &id);

 private:
  sqlite3 *db_;
};

}  // namespace helpline::detail
