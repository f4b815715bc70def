// Survey prompts from the server (sync item "survey_prompt": CSAT when a ticket is solved, NPS
// scheduled for a segment) become HELPLINE_EVENT_SURVEY_PROMPT, but never more than one per
// principal within the configured interval: the last prompt time is kept in the store, so a
// restart does not reset it. Worker thread only.
#pragma once

#include <cstdint>
#include <string>

#include <rapidjson/document.h>

#include "store/meta.hpp"
#include "tickets/ticket_store.hpp"

namespace helpline::detail {

class SurveyPrompts {
 public:
  SurveyPrompts(Meta &meta, EmitFn emit, uint32_t interval_s)
      : meta_(meta), emit_(std::move(emit)), interval_ms_(int64_t{interval_s} * 1000) {}

  // A /v1/sync item of type survey_prompt: emitted or suppressed. False for other types.
  bool handle_sync_item(const rapidjson::Value &item, const std::string &principal);
  int64_t suppressed() const noexcept { return suppressed_; }

 private:
  Meta &meta_;
  EmitFn emit_;
  const int64_t interval_ms_;
  int64_t suppressed_ = 0;
};

}  // namespace helpline::detail
