// Agents' synonyms for the FAQ's query expansions (docs/protocol.md section 9.1): list, create, replace,
// delete. Each change advances the FAQ change sequence with a faq_changed sync item; GET /v1/faq then
// recomputes the table devices receive (api/faq_expansion_cache.hpp).
#pragma once
#include "api/router.hpp"

#include <cstddef>

namespace helpline::server {

class FaqSynonymHandlers {
 public:
  static constexpr size_t kMaxPerApp = 2000;
  static constexpr size_t kMaxTermBytes = 64;
  static constexpr size_t kMaxTermWords = 3;
  static constexpr size_t kMaxTargets = 8;
  static constexpr size_t kMaxTargetBytes = 64;

  void add_routes(Router &r);

 private:
  Reply list(Call &c);
  Reply create(Call &c);
  Reply replace(Call &c);
  Reply remove(Call &c);
};

}  // namespace helpline::server
