// The identity feature's outbox items: sign in (identify), sign out (logout, local only), push
// token and user attributes — their kinds, builders and registration. What signing in or out does
// to the rest of the instance (the local view cleared, polling restarted) is the caller's: it is
// passed in as the local appliers.
#pragma once

#include <string>
#include <string_view>

#include "items/instance.hpp"
#include "items/item.hpp"
#include "items/registry.hpp"
#include "protocol/wire.hpp"

namespace helpline::detail {

// identify names its own principal (the user it signs in), so it is not stamped at enqueue.
inline constexpr ItemKind kIdentifyKind{wire::kind::kIdentify, Channel::kBatch, kPriorityControl, false};
inline constexpr ItemKind kLogoutKind{wire::kind::kLogout, Channel::kBatch, kPriorityControl};
inline constexpr ItemKind kPushTokenKind{wire::kind::kPushToken, Channel::kBatch, kPriorityControl};
inline constexpr ItemKind kUserAttributeKind{wire::kind::kUserAttribute, Channel::kBatch, kPriorityControl};

NewItem make_identify_item(const std::string &user_id, const std::string &token);
NewItem make_logout_item(const std::string &user_id);
NewItem make_push_token_item(std::string_view platform, std::string_view token);
// `value_json` already validated.
NewItem make_user_attribute_item(std::string_view key, const std::string &value_json);

// The identity kinds; a delivered identify raises HELPLINE_EVENT_IDENTITY "merged". What signing in
// and out changes locally (the Identify / Logout changes) is applied by the core, which owns the
// principal every other part follows (core/client.cpp).
void register_identity_items(ItemRegistry &registry, Instance &instance);

}  // namespace helpline::detail
