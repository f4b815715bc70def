// The FAQ feature's outbox items — votes and deflection reports — with their kinds and builders
// (Faq::register_items registers them).
#pragma once

#include <string>
#include <vector>

#include "items/item.hpp"
#include "protocol/wire.hpp"

namespace helpline::detail {

inline constexpr ItemKind kDeflectionKind{wire::kind::kDeflection, Channel::kBatch, kPrioritySurvey};
inline constexpr ItemKind kFaqVoteKind{wire::kind::kFaqVote, Channel::kBatch, kPrioritySurvey};

// The FAQ articles shown while the user wrote a ticket (ticket_id empty: no ticket followed).
NewItem make_deflection_item(const std::vector<std::string> &article_ids, const std::string &query,
                             const std::string &ticket_id);
NewItem make_faq_vote_item(const std::string &article_id, bool helpful);

}  // namespace helpline::detail
