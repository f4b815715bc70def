#include "surveys/survey.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"

namespace helpline::detail {
namespace {

struct SurveyKind {
  const char *name;
  int min;
  int max;
};

SurveyKind kind_of(helpline_survey_t kind) {
  switch (kind) {
    case HELPLINE_SURVEY_CSAT: return {"csat", 1, 5};
    case HELPLINE_SURVEY_NPS: return {"nps", 0, 10};
    case HELPLINE_SURVEY_CES: return {"ces", 1, 7};
    default: throw Error(HELPLINE_E_INVALID_ARGUMENT, "helpline_survey_submit: unknown kind " + std::to_string(kind));
  }
}

}  // namespace

NewItem make_survey_item(helpline_survey_t kind, int score, const std::optional<std::string> &ticket_id,
                         const std::optional<std::string> &comment) {
  SurveyKind k = kind_of(kind);
  if (score < k.min || score > k.max) {
    throw Error(HELPLINE_E_INVALID_ARGUMENT, std::string("helpline_survey_submit: ") + k.name + " score must be " +
                                                 std::to_string(k.min) + ".." + std::to_string(k.max) + ", got " +
                                                 std::to_string(score));
  }
  NewItem item{Channel::kBatch, "survey", kPrioritySurvey, new_uuid_v7(), {}, now_ms(), {}, nullptr};
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("idempotency_key");
  w.String(item.idempotency_key.c_str());
  w.Key("method");
  w.String("POST");
  w.Key("path");
  w.String("/v1/surveys");
  w.Key("body");
  w.StartObject();
  w.Key("id");
  w.String(item.idempotency_key.c_str());
  w.Key("kind");
  w.String(k.name);
  w.Key("score");
  w.Int(score);
  if (ticket_id) {
    w.Key("ticket_id");
    w.String(ticket_id->c_str());
  }
  if (comment) {
    w.Key("comment");
    w.String(comment->c_str());
  }
  w.EndObject();
  w.EndObject();
  item.payload.assign(buf.GetString(), buf.GetSize());
  return item;
}

}  // namespace helpline::detail
