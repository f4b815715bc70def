// extern "C" shims for survey answers and diagnostics: events, breadcrumbs, metrics, rules, notices.
#include <optional>

#include <cmath>

#include "capi/guard.hpp"
#include "capi/limits.hpp"
#include "core/client.hpp"
#include "diagnostics/diagnostics.hpp"
#include "protocol/wire.hpp"
#include "surveys/survey.hpp"

using namespace helpline::detail;

extern "C" {

helpline_status_t helpline_survey_submit(helpline_t *h, helpline_survey_t kind, int score,
                                         const char *ticket_id, const char *comment) {
  return guard(__func__, [&] {
    auto client = require_client(h, __func__);
    std::optional<std::string> ticket, text;
    if (ticket_id != nullptr)
      ticket = std::string(require_text(ticket_id, __func__, "ticket_id", wire::limit::kIdBytes));
    if (comment != nullptr)
      text = std::string(require_text(comment, __func__, "comment", wire::limit::kSurveyCommentBytes, true));
    client->enqueue(make_survey_item(kind, score, ticket, text));
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_diagnostics_send(helpline_t *h, const char *kind, const char *attributes_json) {
  return guard(__func__, [&] {
    auto client = require_client(h, __func__);
    std::string name(require_text(kind, __func__, "kind", wire::limit::kDiagnosticNameBytes));
    std::string_view attributes;
    if (attributes_json != nullptr) {
      attributes = require_text(attributes_json, __func__, "attributes_json", kMaxDiagnosticAttributesBytes);
    }
    client->diagnostics().send(name, attributes);
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_breadcrumb(helpline_t *h, const char *category, const char *message) {
  return helpline_breadcrumb_level(h, HELPLINE_LOG_INFO, category, message);
}

helpline_status_t helpline_breadcrumb_level(helpline_t *h, helpline_log_level_t level, const char *category,
                                            const char *message) {
  return guard(__func__, [&] {
    auto client = require_client(h, __func__);
    if (level < HELPLINE_LOG_DEBUG || level > HELPLINE_LOG_ERROR) {
      throw Error(HELPLINE_E_INVALID_ARGUMENT,
                  "helpline_breadcrumb_level: level must be HELPLINE_LOG_DEBUG..ERROR");
    }
    std::string_view c = require_text(category, __func__, "category", limits::kBreadcrumbCategoryBytes);
    std::string_view m = require_text(message, __func__, "message", limits::kBreadcrumbMessageBytes, true);
    client->diagnostics().breadcrumb(level, c, m);
    return HELPLINE_OK;
  });
}

namespace {
helpline_status_t metric(helpline_t *h, const char *function, const char *name, double value, bool counter) {
  return guard(function, [&] {
    auto client = require_client(h, function);
    std::string n(require_text(name, function, "name", limits::kMetricNameBytes));
    if (!std::isfinite(value))
      throw Error(HELPLINE_E_INVALID_ARGUMENT, std::string(function) + ": value is not finite");
    client->diagnostics().metric(n, value, counter);
    return HELPLINE_OK;
  });
}
}  // namespace

helpline_status_t helpline_metric_add(helpline_t *h, const char *name, double delta) {
  return metric(h, __func__, name, delta, true);
}

helpline_status_t helpline_metric_set(helpline_t *h, const char *name, double value) {
  return metric(h, __func__, name, value, false);
}

helpline_status_t helpline_rules_load_json(helpline_t *h, const char *rules_json) {
  return guard(__func__, [&] {
    auto client = require_client(h, __func__);
    client->diagnostics().load_rules(
        std::string(require_text(rules_json, __func__, "rules_json", limits::kRulesJsonBytes)));
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_notices_json(helpline_t *h, char **out_json) {
  return guard(__func__, [&] {
    require(out_json, __func__, "out_json");
    *out_json = nullptr;
    auto client = require_client(h, __func__);
    *out_json = copy_out(client->notices_json());
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_notice_mark(helpline_t *h, const char *notice_id, helpline_notice_state_t state) {
  return guard(__func__, [&] {
    auto client = require_client(h, __func__);
    client->notice_mark(
        std::string(require_text(notice_id, __func__, "notice_id", wire::limit::kNoticeIdBytes)), state);
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_buffer_set(helpline_buffer_t *b, const char *text) {
  return guard(__func__, [&] {
    require(b, __func__, "b");
    std::string_view t = require_text(text, __func__, "text", limits::kCallbackTextBytes, true);
    b->text.assign(t.data(), t.size());
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_buffer_append(helpline_buffer_t *b, const char *text) {
  return guard(__func__, [&] {
    require(b, __func__, "b");
    std::string_view t = require_text(text, __func__, "text", limits::kCallbackTextBytes, true);
    if (b->text.size() + t.size() > limits::kCallbackTextBytes) {
      throw Error(HELPLINE_E_TOO_LARGE, "helpline_buffer_append: buffers are capped at 1 MiB");
    }
    b->text.append(t.data(), t.size());
    return HELPLINE_OK;
  });
}

}  // extern "C"
