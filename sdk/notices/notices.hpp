// Proactive notices: the server targets them (docs/protocol.md section 12) and sends them through
// /v1/sync; the device checks them again (the target against its own attributes when the notice
// carries one, the time window when listed), keeps them with the user's state (new, seen,
// dismissed) and raises events. Writer side on the worker; reader side on host threads through
// the read-only connection, like tickets.
#pragma once

#include <functional>
#include <map>
#include <string>

#include <rapidjson/document.h>

#include "base/sqlite.hpp"
#include "device/device_context.hpp"
#include "items/emit.hpp"
#include "items/item.hpp"
#include "items/local_change.hpp"
#include "items/registry.hpp"
#include "protocol/wire.hpp"

namespace helpline::detail {

// Does a notice's `target` match these device attributes? (protocol section 12 rules)
bool target_matches(const rapidjson::Value &target, const std::map<std::string, std::string> &attributes);

class NoticeStore {
 public:
  // `device`: the attributes a notice's target is checked against.
  NoticeStore(sqlite3 *db, const DeviceContext &device, EmitFn emit)
      : db_(db), device_(device), emit_(std::move(emit)) {}
  const DeviceContext &device() const noexcept { return device_; }
  // The notice and notice_withdrawn sync items (a malformed one is dropped: still true).
  bool on_notice(const rapidjson::Value &item, const std::map<std::string, std::string> &attributes);
  bool on_withdrawn(const rapidjson::Value &item);
  void apply(const change::NoticeState &c);  // inside the commit's transaction
  // GET /v1/notices (authoritative for what applies to this device now, protocol section 12): stores the
  // listed notices that are new or changed (HELPLINE_EVENT_NOTICE) and removes the ones no longer listed
  // (HELPLINE_EVENT_NOTICE_WITHDRAWN). Needed when the device starts matching after a notice was published.
  // `asked_at`: when the list was requested; what was stored after that is newer than the list and kept.
  void reconcile(const rapidjson::Value &items, const std::map<std::string, std::string> &attributes,
                 int64_t asked_at);
  void clear();

 private:
  sqlite3 *db_;
  const DeviceContext &device_;
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

// helpline_notice_mark: seen is recorded on the device only; dismissed is also sent to the server.
inline constexpr ItemKind kNoticeAckKind{wire::kind::kNoticeAck, Channel::kBatch, kPriorityControl};
NewItem make_notice_ack_item(const std::string &notice_id, helpline_notice_state_t state);

// The notice_ack kind, its local change, and the notice / notice_withdrawn sync items (checked
// against the device attributes).
void register_notice_items(ItemRegistry &registry, NoticeStore &store);

}  // namespace helpline::detail
