// extern "C" shims for identity, erase/export, principal and device attributes, and push tokens.
#include <rapidjson/document.h>

#include "capi/guard.hpp"
#include "core/client.hpp"
#include "json/json_out.hpp"
#include "tickets/ticket_items.hpp"

using namespace helpline::detail;

extern "C" {

helpline_status_t helpline_identify(helpline_t *h, const char *user_id, const char *identity_token) {
  return guard(__func__, [&] {
    auto client = require_client(h, __func__);
    std::string user(require_text(user_id, __func__, "user_id", 128));
    std::string token;
    if (identity_token != nullptr) token = std::string(require_text(identity_token, __func__, "identity_token", 8192));
    client->identify(user, token);
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_logout(helpline_t *h) {
  return guard(__func__, [&] {
    require_client(h, __func__)->logout();
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_erase_all(helpline_t *h) {
  return guard(__func__, [&] {
    require_client(h, __func__)->erase_all();
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_export_request(helpline_t *h) {
  return guard(__func__, [&] {
    require_client(h, __func__)->export_request();
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_set_user_attribute(helpline_t *h, const char *key, const char *json_value) {
  return guard(__func__, [&] {
    auto client = require_client(h, __func__);
    std::string_view k = require_text(key, __func__, "key", 64);
    std::string_view v = require_text(json_value, __func__, "json_value", 4096);
    rapidjson::Document d;
    d.Parse(v.data(), v.size());
    if (d.HasParseError()) throw Error(HELPLINE_E_INVALID_JSON, std::string(__func__) + ": json_value is not JSON");
    client->enqueue(make_user_attribute_item(k, to_json(d)));
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_set_device_attribute(helpline_t *h, const char *key, const char *value) {
  return guard(__func__, [&] {
    auto client = require_client(h, __func__);
    std::string k(require_text(key, __func__, "key", 64));
    std::optional<std::string> v;
    if (value != nullptr) v = std::string(require_text(value, __func__, "value", 128, true));
    client->set_device_attribute(k, v);
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_set_push_token(helpline_t *h, const char *platform, const char *token) {
  return guard(__func__, [&] {
    auto client = require_client(h, __func__);
    std::string_view p = require_text(platform, __func__, "platform", 16);
    std::string_view t = require_text(token, __func__, "token", 4096);
    client->enqueue(make_push_token_item(p, t));
    return HELPLINE_OK;
  });
}

}  // extern "C"
