#include "identity/identity_items.hpp"

#include <memory>

#include "base/ids.hpp"
#include "base/json_out.hpp"
#include "base/json_writer.hpp"
#include "items/batch_item.hpp"

namespace helpline::detail {

NewItem make_identify_item(const std::string &user_id, const std::string &token) {
  return make_batch_item(kIdentifyKind, new_uuid_v7(), "POST", wire::path::kIdentify, "{}",
                         std::make_shared<LocalChange>(change::Identify{user_id, token}));
}

NewItem make_logout_item(const std::string &user_id) {
  return make_local_item(kLogoutKind, std::make_shared<LocalChange>(change::Logout{user_id}));
}

NewItem make_push_token_item(std::string_view platform, std::string_view token) {
  JsonOut w;
  w.begin_object().field("platform", platform).field("token", token).end_object();
  return make_batch_item(kPushTokenKind, new_uuid_v7(), "PUT", wire::path::kPushToken, w.take());
}

NewItem make_user_attribute_item(std::string_view key, const std::string &value_json) {
  JsonOut w;
  w.begin_object().raw_field(key, value_json).end_object();
  return make_batch_item(kUserAttributeKind, new_uuid_v7(), "PATCH", wire::path::kMeAttributes, w.take());
}

void register_identity_items(ItemRegistry &registry, Instance &instance) {
  registry.add_kind(
      kIdentifyKind, &instance, [](void *owner, const QueuedItem &item, const rapidjson::Value *body) {
        const int64_t merged = body != nullptr && body->IsObject() && body->HasMember("merged_tickets") &&
                                       (*body)["merged_tickets"].IsInt64()
                                   ? (*body)["merged_tickets"].GetInt64()
                                   : 0;
        owner_as<Instance>(owner).emit(HELPLINE_EVENT_IDENTITY, JsonObjectWriter()
                                                                    .field("state", "merged")
                                                                    .field("user_id", item.principal)
                                                                    .field("merged_tickets", merged)
                                                                    .finish());
      });
  registry.add_kind(kLogoutKind);
  registry.add_kind(kPushTokenKind);
  registry.add_kind(kUserAttributeKind);
}

}  // namespace helpline::detail
