// Ticket operations the device API and the agent API share: finding a ticket the caller may see, adding a
// message, changing the status (with its sync item, history row and CSAT prompt).
#pragma once
#include "api/call.hpp"

#include <optional>
#include <string>
#include <vector>

namespace helpline::server {

bool known_ticket_status(const std::string &s);  // open | pending | solved | closed

TicketRecord owned_ticket(Call &c, const std::string &id);  // 404 unless the calling device's owner owns it
TicketRecord app_ticket(Call &c, const std::string &id);    // agent view: any ticket of the app

// Adds a message by the caller (device user or agent), linking `attachment_ids` (unlinked uploads of the
// caller); `id` is the client's id, if it sent one (409 when taken).
MessageRecord add_message(Call &c, TicketRecord &t, const std::string &body,
                          const std::vector<std::string> &attachment_ids,
                          const std::optional<std::string> &id);
// `by`: user | agent | system. No-op when unchanged.
void change_status(Call &c, TicketRecord &t, const std::string &status, const char *by);

// GET .../tickets/{id}/messages for a device (its own tickets) or an agent (any ticket).
Reply ticket_messages(Call &c);

}  // namespace helpline::server
