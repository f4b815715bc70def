// Fetches the conversation of tickets that reached this device without it (created on another
// device of the user, merged by identify, or known only from a message): GET /v1/tickets/{id}
// and its messages page by page, one request at a time. After a user signs in, it first lists
// the user's tickets (GET /v1/tickets, page by page) so that those from other devices appear;
// that listing is remembered in the store until done. Worker thread only.
#pragma once

#include <functional>
#include <string>

#include "base/logger.hpp"
#include "base/stats.hpp"
#include "base/transport.hpp"
#include "store/meta.hpp"
#include "sync/request_builder.hpp"
#include "tickets/ticket_store.hpp"

namespace helpline::detail {

class History {
 public:
  static constexpr const char *kListPendingKey = "ticket_list_pending";

  History(sqlite3 *db, Meta &meta, TicketStore &tickets, Transport &transport, const RequestBuilder &requests,
          const SyncStats &stats, const Logger &logger, std::function<std::string()> token)
      : db_(db),
        meta_(meta),
        tickets_(tickets),
        transport_(transport),
        requests_(requests),
        stats_(stats),
        logger_(logger),
        token_(std::move(token)) {}

  // Starts the next fetch if one is needed and none is running.
  void kick();
  // The principal changed: a fetch in flight belongs to the previous one.
  void restart() {
    ++generation_;
    in_flight_ = false;
  }

 private:
  void list_tickets(const std::string &cursor);
  void fetch_ticket(const std::string &id);
  void fetch_messages(const std::string &id, const std::string &cursor);
  bool accepted(const HttpResponse &r, const std::string &id, uint64_t generation);

  sqlite3 *db_;
  Meta &meta_;
  TicketStore &tickets_;
  Transport &transport_;
  const RequestBuilder &requests_;
  const SyncStats &stats_;
  const Logger &logger_;
  std::function<std::string()> token_;
  bool in_flight_ = false;
  uint64_t generation_ = 0;
};

}  // namespace helpline::detail
