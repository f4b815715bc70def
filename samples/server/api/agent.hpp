// Agent API: login/session, agent accounts, the ticket queue, replies and status changes.
#pragma once
#include "api/context.hpp"
#include "api/router.hpp"

#include <memory>

namespace helpline::server {

class LoginThrottle;
class PasswordPool;

class AgentHandlers {
 public:
  explicit AgentHandlers(ApiContext &ctx);
  ~AgentHandlers();  // waits for the password jobs being run
  void add_routes(Router &r);
  // At shutdown, while the transport still exists: finishes the password jobs running and answers the
  // queued ones (503), so no reply is posted to a transport that is gone.
  void stop();

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
  std::unique_ptr<LoginThrottle> throttle_;
  std::unique_ptr<PasswordPool> passwords_;  // after throttle_: stopped first, its jobs use the throttle
};

}  // namespace helpline::server
