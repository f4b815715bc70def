// The reader side of the local view, used on host threads through the instance's read-only
// connection (WAL: never waits for the writer). What was accepted and is not committed yet is
// overlaid from the group commit's buffer, so a host sees its own writes at once.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/sqlite.hpp"
#include "items/local_change.hpp"
#include "tickets/ticket_rows.hpp"

namespace helpline::detail {

class TicketView {
 public:
  // Newest activity first; at most kMaxTickets.
  static constexpr int kMaxTickets = 100;

  explicit TicketView(sqlite3 *read_db);

  std::string tickets_json(const Overlay &overlay);
  // Throws Error(HELPLINE_E_NOT_FOUND) for a ticket not in the local view.
  std::string messages_json(const std::string &ticket_id, const Overlay &overlay);
  bool exists(const std::string &ticket_id, const Overlay &overlay);

 private:
  std::vector<TicketRow> load_tickets(const std::string *only_id);
  std::vector<MessageRow> load_messages(const std::string &ticket_id);
  bool message_stored(const std::string &message_id);
  void apply(std::vector<TicketRow> &tickets, std::vector<MessageRow> *messages, const Overlay &overlay);

  // A statement prepared once and reset after each use (preparing costs more than running).
  Statement &use(std::unique_ptr<Statement> &slot, const char *sql);

  sqlite3 *db_;
  std::unique_ptr<Statement> begin_, commit_, list_, one_, last_, messages_, attachments_, stored_, exists_;
};

}  // namespace helpline::detail
