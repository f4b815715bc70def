// Survey answers (CSAT / NPS / CES) as outbox items for POST /v1/surveys through /v1/batch.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "helpline/helpline.h"
#include "items/item.hpp"
#include "items/registry.hpp"
#include "protocol/wire.hpp"

namespace helpline::detail {

// Validates and builds the item. Throws Error(HELPLINE_E_INVALID_ARGUMENT) for an unknown kind or
// a score out of its range (CSAT 1..5, NPS 0..10, CES 1..7).
inline constexpr ItemKind kSurveyKind{wire::kind::kSurvey, Channel::kBatch, kPrioritySurvey};

NewItem make_survey_item(helpline_survey_t kind, int score, const std::optional<std::string> &ticket_id,
                         const std::optional<std::string> &comment);

class SurveyPrompts;
// The survey kind and the survey_prompt sync items.
void register_survey_items(ItemRegistry &registry, SurveyPrompts &prompts);

}  // namespace helpline::detail
