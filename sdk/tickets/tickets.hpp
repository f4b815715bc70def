// Tickets and conversations for the host: create, reply, mark read, reopen, attach files, and the
// local view (tickets_json / ticket_messages_json) read on the caller's thread through the read
// connection. Writes become outbox items (tickets/ticket_items.hpp) handed to the group commit.
// Thread-safe (host threads).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "items/instance.hpp"
#include "items/item.hpp"
#include "store/read_connection.hpp"
#include "tickets/ticket_view.hpp"

namespace helpline::detail {

class Tickets {
 public:
  struct Wiring {
    // The "device" object a new ticket carries (device context plus recent diagnostics).
    std::function<std::string()> device_json;
    // The item that goes right after a new ticket (the FAQ articles suggested while it was written).
    std::function<std::optional<NewItem>(const std::string &ticket_id)> follow_up;
  };

  Tickets(ReadConnection &read, std::string data_dir, Instance &instance, Wiring wiring);

  // Throw Error (HELPLINE_E_NOT_FOUND for a ticket not in the local view, _CLOSED, _BUSY, ...).
  std::string create(std::string_view subject, std::string_view body, const std::string &fields_json);
  std::string message_send(const std::string &ticket_id, std::string_view body);
  void mark_read(const std::string &ticket_id);
  void reopen(const std::string &ticket_id);
  std::string attachment_add(const std::string &ticket_id, const std::string &path, const std::string &mime);
  std::string tickets_json();
  std::string messages_json(const std::string &ticket_id);
  // The local view was cleared (logout, erase): tickets known so far are forgotten.
  void forget_known();

 private:
  template <class Fn>
  auto with_view(Fn &&fn);
  void require(const std::string &ticket_id, const char *function);
  void remember(const std::string &ticket_id);

  static constexpr std::size_t kKnownTicketsMax = 4096;
  ReadConnection &read_;
  const std::string data_dir_;
  Instance &instance_;
  Wiring wiring_;
  std::unique_ptr<TicketView> view_;  // under the read connection's lock
  std::mutex known_mu_;
  std::unordered_set<std::string> known_;
};

}  // namespace helpline::detail
