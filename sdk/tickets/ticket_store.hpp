// The writer side of the local view: applies host changes (inside the group commit's
// transaction), delivery results (inside the sender's) and what the server sends (tickets,
// messages, status changes from /v1/sync and history fetches). Worker thread only.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "base/sqlite.hpp"
#include "helpline/helpline.h"
#include "items/emit.hpp"
#include "items/item.hpp"
#include "items/local_change.hpp"

namespace helpline::detail {

class TicketStore {
 public:
  TicketStore(sqlite3 *db, EmitFn emit);

  // Host changes, inside the group commit's transaction.
  void apply(const change::Ticket &c);
  void apply(const change::Message &c);
  void apply(const change::MarkRead &c);
  void apply(const change::Reopen &c);
  // An outbox row of a ticket kind was delivered (body: the server's answer) or refused.
  void ticket_delivered(const QueuedItem &item);
  void ticket_refused(const QueuedItem &item, const std::string &error_json);
  void message_delivered(const QueuedItem &item, const rapidjson::Value *body);
  void message_refused(const QueuedItem &item, const std::string &error_json);
  void upload_done(const QueuedItem &item, bool uploaded);
  void attachment_state(const std::string &attachment_id, const std::string &state);

  // From the server. Return true when the row is new to this device (then a
  // HELPLINE_EVENT_TICKET is emitted; from_history: its conversation is being fetched already).
  bool upsert_ticket(const rapidjson::Value &t, bool from_history);
  // /v1/sync items of type message, ticket and ticket_status: applied, and their event emitted.
  // False for an item without a data object.
  bool on_sync_message(const rapidjson::Value &item);
  bool on_sync_ticket(const rapidjson::Value &item);
  bool on_sync_status(const rapidjson::Value &item);
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
  void insert_queued_message(const std::string &ticket_id, const std::string &message_id,
                             const std::string &body, int64_t at);
  void set_message_delivery(const std::string &message_id, const char *delivery, std::optional<int64_t> seq,
                            const std::string &error_json);

  sqlite3 *db_;
  EmitFn emit_;
};

}  // namespace helpline::detail
