// Agent-managed content: FAQ sections and articles (change sequence, tombstones) and notices.
#pragma once
#include "api/router.hpp"

namespace helpline::server {

class AgentContentHandlers {
 public:
  void add_routes(Router &r);

 private:
  Reply agent_faq_get(Call &c);
  Reply faq_section_create(Call &c);
  Reply faq_section_patch(Call &c);
  Reply faq_section_delete(Call &c);
  Reply faq_article_create(Call &c);
  Reply faq_article_patch(Call &c);
  Reply faq_article_delete(Call &c);
  Reply agent_notices_list(Call &c);
  Reply notice_create(Call &c);
  Reply notice_patch(Call &c);
  Reply notice_delete(Call &c);
};

}  // namespace helpline::server
