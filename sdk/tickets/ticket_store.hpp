// The writer side of the local view: applies host changes (inside the group commit's
// transaction), delivery results (inside the sender's) and what the server sends (tickets,
// messages, status changes from /v1/sync and history fetches). Worker thread only.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "helpline/helpline.h"
#include "store/outbox.hpp"
#include "store/sqlite.hpp"
#include "tickets/local_change.hpp"

namespace helpline::detail {

using EmitFn = std::function<void(helpline_event_type_t, std::string)>;

class TicketStore {
 public:
  TicketStore(sqlite3 *db, EmitFn emit);

  void apply(const LocalChange &c);
  // An outbox row of a ticket kind was delivered (result body: the server's answer) or refused.
  void delivered(const QueuedItem &item, const rapidjson::Value *body);
  void failed(const QueuedItem &item, const std::string &error_json);
  void attachment_state(const std::string &attachment_id, const std::string &state);

  // From the server. Return true when the row is new to this device (then a
  // HELPLINE_EVENT_TICKET is emitted; from_history: its conversation is being fetched already).
  bool upsert_ticket(const rapidjson::Value &t, bool from_history);
  // A /v1/sync item of type message, ticket or ticket_status: applied, and its event emitted.
  // False for other types.
  bool handle_sync_item(const rapidjson::Value &item);
  bool insert_message(const rapidjson::Value &m, bool notify);
  // Returns the previous status, or nothing when the ticket is not in the local view.
  std::optional<std::string> set_status(const std::string &ticket_id, const std::string &status);

  // Tickets whose conversation must be fetched (new from another device or a merge).
  std::optional<std::string> next_needing_history();
  void history_done(const std::string &ticket_id);
  // The server says the ticket is not this principal's: a placeholder row (known only from a
  // message) is removed with what it holds; a real ticket just stops asking for history.
  void history_refused(const std::string &ticket_id);

  void clear();

 private:
  void insert_queued_message(const LocalChange &c);
  void set_message_delivery(const std::string &message_id, const char *delivery, std::optional<int64_t> seq,
                            const std::string &error_json);

  sqlite3 *db_;
  EmitFn emit_;
};

}  // namespace helpline::detail
