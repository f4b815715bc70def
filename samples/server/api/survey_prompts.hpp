// Survey prompts (protocol section 11.1): a CSAT prompt for the owner when an agent solves a ticket, prompts
// an agent schedules for a segment of devices, and POST /v1/deflections.
#pragma once
#include "api/router.hpp"

namespace helpline::server {

class SurveyPromptHandlers {
 public:
  void add_routes(Router &r);

 private:
  Reply survey_prompt_create(Call &c);
  Reply survey_prompts_list(Call &c);
  Reply deflections_create(Call &c);
};

// Asks the ticket's owner for a CSAT answer (a `survey_prompt` sync item) and records the prompt.
void emit_csat_prompt(Call &c, const TicketRecord &t);

}  // namespace helpline::server
