#include "surveys/survey_prompts.hpp"

#include "base/clock.hpp"
#include "base/json_out.hpp"

namespace helpline::detail {

bool SurveyPrompts::handle_sync_item(const rapidjson::Value &item) {
  if (!item.HasMember("data") || !item["data"].IsObject()) return true;  // malformed: dropped
  const std::string key = "survey_prompt_at:" + identity_.committed_user();
  const int64_t now = now_ms();
  const std::string last = meta_.get(key).value_or("");
  if (!last.empty() && now - std::stoll(last) < interval_ms_) {
    ++suppressed_;
    return true;
  }
  meta_.set(key, std::to_string(now));
  emit_(HELPLINE_EVENT_SURVEY_PROMPT, to_json(item["data"]));
  return true;
}

}  // namespace helpline::detail
