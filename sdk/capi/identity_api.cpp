// extern "C" shims for identity, erase/export, principal and device attributes, and push tokens.
#include <rapidjson/document.h>

#include "base/json_out.hpp"
#include "capi/guard.hpp"
#include "capi/limits.hpp"
#include "core/client.hpp"
#include "identity/identity_items.hpp"
#include "protocol/wire.hpp"

using namespace helpline::detail;

extern "C" {

helpline_status_t helpline_identify(helpline_t *h, const char *user_id, const char *identity_token) {
  return guard(__func__, [&] {
    auto client = require_client(h, __func__);
    std::string user(require_text(user_id, __func__, "user_id", wire::limit::kUserIdBytes));
    std::string token;
    if (identity_token != nullptr)
      token = std::string(
          require_text(identity_token, __func__, "identity_token", wire::limit::kIdentityTokenBytes));
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
    auto client = require_client(h, __func__);
    if (client->closing()) throw Error(HELPLINE_E_CLOSED, "the instance is closed");
    client->privacy().erase_all();
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_export_request(helpline_t *h) {
  return guard(__func__, [&] {
    auto client = require_client(h, __func__);
    client->privacy().export_request();
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_set_user_attribute(helpline_t *h, const char *key, const char *json_value) {
  return guard(__func__, [&] {
    auto client = require_client(h, __func__);
    std::string_view k = require_text(key, __func__, "key", limits::kAttributeKeyBytes);
    std::string_view v = require_text(json_value, __func__, "json_value", wire::limit::kAttributeValueBytes);
    rapidjson::Document d;
    d.Parse(v.data(), v.size());
    if (d.HasParseError())
      throw Error(HELPLINE_E_INVALID_JSON, std::string(__func__) + ": json_value is not JSON");
    client->enqueue(make_user_attribute_item(k, to_json(d)));
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_set_device_attribute(helpline_t *h, const char *key, const char *value) {
  return guard(__func__, [&] {
    auto client = require_client(h, __func__);
    std::string k(require_text(key, __func__, "key", limits::kAttributeKeyBytes));
    std::optional<std::string> v;
    if (value != nullptr)
      v = std::string(require_text(value, __func__, "value", wire::limit::kDeviceAttributeValueBytes, true));
    client->device().set_attribute(k, v);
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_set_push_token(helpline_t *h, const char *platform, const char *token) {
  return guard(__func__, [&] {
    auto client = require_client(h, __func__);
    std::string_view p = require_text(platform, __func__, "platform", limits::kPushPlatformBytes);
    std::string_view t = require_text(token, __func__, "token", wire::limit::kPushTokenBytes);
    client->enqueue(make_push_token_item(p, t));
    return HELPLINE_OK;
  });
}

}  // extern "C"
