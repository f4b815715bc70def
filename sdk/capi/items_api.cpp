// extern "C" shims that queue items: survey answers and diagnostics events.
#include <optional>

#include "capi/guard.hpp"
#include "diagnostics/diagnostic_event.hpp"
#include "surveys/survey.hpp"

using namespace helpline::detail;

extern "C" {

helpline_status_t helpline_survey_submit(helpline_t *h, helpline_survey_t kind, int score, const char *ticket_id,
                                         const char *comment) {
  return guard(__func__, [&] {
    auto client = require_client(h, __func__);
    std::optional<std::string> ticket, text;
    if (ticket_id != nullptr) ticket = std::string(require_text(ticket_id, __func__, "ticket_id", 64));
    if (comment != nullptr) text = std::string(require_text(comment, __func__, "comment", 2000, true));
    client->enqueue(make_survey_item(kind, score, ticket, text));
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_diagnostics_send(helpline_t *h, const char *kind, const char *attributes_json) {
  return guard(__func__, [&] {
    auto client = require_client(h, __func__);
    std::string_view name = require_text(kind, __func__, "kind", 200);
    std::string_view attributes;
    if (attributes_json != nullptr) {
      attributes = require_text(attributes_json, __func__, "attributes_json", kMaxDiagnosticAttributesBytes);
    }
    if (!client->diagnostics_consent()) {
      throw Error(HELPLINE_E_NO_CONSENT,
                  "helpline_diagnostics_send: no diagnostics consent (helpline_set_consent); the event was discarded");
    }
    client->enqueue(make_diagnostic_event(name, attributes));
    return HELPLINE_OK;
  });
}

}  // extern "C"
