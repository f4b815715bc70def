// Agent API: login/session, agent accounts, the ticket queue, replies and status changes.
#pragma once
#include "api/context.hpp"
#include "api/router.hpp"

namespace helpline::server {

class AgentHandlers {
 public:
  explicit AgentHandlers(ApiContext &ctx);
  void add_routes(Router &r);

 private:
  Reply agent_login(Call &c);
  Reply agent_logout(Call &c);
  Reply agent_me(Call &c);
  Reply agents_list(Call &c);
  Reply agents_create(Call &c);
  Reply agent_tickets_list(Call &c);
  Reply agent_ticket_get(Call &c);
  Reply agent_ticket_patch(Call &c);
  Reply agent_message_create(Call &c);

  ApiContext &ctx_;
};

}  // namespace helpline::server
