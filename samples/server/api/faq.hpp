// The FAQ for devices: full snapshot or delta with tombstones (ETag), one article, votes.
#pragma once
#include "api/router.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace helpline::server {

class FaqHandlers {
 public:
  void add_routes(Router &r);

 private:
  Reply faq_get(Call &c);
  Reply faq_article_get(Call &c);
  Reply faq_vote(Call &c);
};

// The GET /v1/faq body: everything (delta false) or what changed after `since`, up to `current`.
std::string faq_document(Call &c, int64_t current, int64_t since, bool delta,
                         const std::optional<std::string> &locale);

}  // namespace helpline::server
