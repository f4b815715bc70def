// The FAQ for devices: full snapshot or delta with tombstones and query expansions (ETag), one article,
// votes.
#pragma once
#include "api/router.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace helpline::server {

struct ApiContext;

class FaqHandlers {
 public:
  explicit FaqHandlers(ApiContext &ctx) : ctx_(ctx) {}
  void add_routes(Router &r);

 private:
  ApiContext &ctx_;
  Reply faq_get(Call &c);
  Reply faq_article_get(Call &c);
  Reply faq_vote(Call &c);
};

// The GET /v1/faq body: everything (delta false) or what changed after `since`, up to `current`. The
// query expansion table as stored (FaqExpansionCache::refresh brings it up to date) comes with a full
// snapshot, and with a delta when it changed after `since`.
std::string faq_document(Call &c, int64_t current, int64_t since, bool delta,
                         const std::optional<std::string> &locale);
// Appends the faq_changed sync item (for every device of the app) of a change made at `seq`.
// The broadcast `faq_changed` sync item for the catalog at change sequence `seq`.
EventRecord faq_changed_event(int64_t seq);
void emit_faq_changed(Call &c, int64_t seq);

}  // namespace helpline::server
