#include "surveys/survey.hpp"

#include "surveys/survey_prompts.hpp"

#include "base/json_out.hpp"

#include "base/clock.hpp"
#include "base/error.hpp"
#include "base/ids.hpp"

namespace helpline::detail {
namespace {

struct SurveyKind {
  const char *name;
  int min;
  int max;
};

SurveyKind kind_of(helpline_survey_t kind) {
  switch (kind) {
    case HELPLINE_SURVEY_CSAT:
      return {"csat", 1, 5};
    case HELPLINE_SURVEY_NPS:
      return {"nps", 0, 10};
    case HELPLINE_SURVEY_CES:
      return {"ces", 1, 7};
    default:
      throw Error(HELPLINE_E_INVALID_ARGUMENT,
                  "helpline_survey_submit: unknown kind " + std::to_string(kind));
  }
}

}  // namespace

NewItem make_survey_item(helpline_survey_t kind, int score, const std::optional<std::string> &ticket_id,
                         const std::optional<std::string> &comment) {
  SurveyKind k = kind_of(kind);
  if (score < k.min || score > k.max) {
    throw Error(HELPLINE_E_INVALID_ARGUMENT, std::string("helpline_survey_submit: ") + k.name +
                                                 " score must be " + std::to_string(k.min) + ".." +
                                                 std::to_string(k.max) + ", got " + std::to_string(score));
  }
  NewItem item{&kSurveyKind, new_uuid_v7(), {}, now_ms(), {}, nullptr};
  JsonOut w;
  w.begin_object()
      .field("idempotency_key", item.idempotency_key)
      .field("method", "POST")
      .field("path", wire::path::kSurveys);
  w.key("body").begin_object().field("id", item.idempotency_key).field("kind", k.name).field("score", score);
  if (ticket_id) w.field("ticket_id", *ticket_id);
  if (comment) w.field("comment", *comment);
  w.end_object().end_object();
  item.payload = w.take();
  return item;
}

void register_survey_items(ItemRegistry &registry, SurveyPrompts &prompts) {
  registry.add_kind(kSurveyKind);
  registry.add_sync_type(wire::sync_type::kSurveyPrompt, &prompts,
                         [](void *owner, const rapidjson::Value &item) {
                           return owner_as<SurveyPrompts>(owner).handle_sync_item(item);
                         });
}

}  // namespace helpline::detail
