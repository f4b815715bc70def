// Survey prompts from the server (sync item "survey_prompt": CSAT when a ticket is solved, NPS
// scheduled for a segment) become HELPLINE_EVENT_SURVEY_PROMPT, but never more than one per
// principal within the configured interval: the last prompt time is kept in the store, so a
// restart does not reset it. Worker thread only.
#pragma once

#include <cstdint>
#include <string>

#include <rapidjson/document.h>

#include "identity/identity.hpp"
#include "items/emit.hpp"
#include "store/meta.hpp"

namespace helpline::detail {

class SurveyPrompts {
 public:
  // `identity`: the prompt is for its committed principal.
  SurveyPrompts(Meta &meta, const Identity &identity, EmitFn emit, uint32_t interval_s)
      : meta_(meta), identity_(identity), emit_(std::move(emit)), interval_ms_(int64_t{interval_s} * 1000) {}

  // A /v1/sync item of type survey_prompt: emitted or suppressed (registered in survey.cpp).
  bool handle_sync_item(const rapidjson::Value &item);
  int64_t suppressed() const noexcept { return suppressed_; }

 private:
  Meta &meta_;
  const Identity &identity_;
  EmitFn emit_;
  const int64_t interval_ms_;
  int64_t suppressed_ = 0;
};

}  // namespace helpline::detail
