// extern "C" shims for network state, manual sync and consent.
#include "capi/guard.hpp"

using namespace helpline::detail;

extern "C" {

helpline_status_t helpline_set_network_available(helpline_t *h, int available) {
  return guard(__func__, [&] {
    require_client(h, __func__)->set_network_available(available != 0);
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_sync_now(helpline_t *h) {
  return guard(__func__, [&] {
    require_client(h, __func__)->sync_now();
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_set_consent(helpline_t *h, helpline_consent_t what, int granted) {
  return guard(__func__, [&] {
    auto client = require_client(h, __func__);
    if (what != HELPLINE_CONSENT_DIAGNOSTICS) {
      throw Error(HELPLINE_E_INVALID_ARGUMENT,
                  "helpline_set_consent: unknown consent " + std::to_string(what));
    }
    client->diagnostics().set_consent(granted != 0);
    return HELPLINE_OK;
  });
}

}  // extern "C"
