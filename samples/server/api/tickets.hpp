// Tickets and messages (device API), and POST /v1/identify.
#pragma once
#include "api/context.hpp"
#include "api/router.hpp"

#include <string>

namespace helpline::server {

class TicketHandlers {
 public:
  explicit TicketHandlers(ApiContext &ctx);
  void add_routes(Router &r);

 private:
  Reply identify(Call &c);
  Reply tickets_create(Call &c);
  Reply tickets_list(Call &c);
  Reply ticket_get(Call &c);
  Reply ticket_patch(Call &c);
  Reply ticket_reopen(Call &c);
  Reply messages_create(Call &c);
  // The automated answer to a new ticket (apps with settings.faq_auto_answer): a bot message with FAQ hits.
  void post_faq_answer(Call &c, TicketRecord &t, const std::string &subject, const std::string &body);

  ApiContext &ctx_;
};

}  // namespace helpline::server
