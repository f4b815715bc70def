// How features raise events for the host: the instance delivers them on the worker (callback) or
// queues them for helpline_dispatch(), per the delivery mode (core/client.cpp).
#pragma once

#include <functional>
#include <string>

#include "helpline/helpline.h"

namespace helpline::detail {

using EmitFn = std::function<void(helpline_event_type_t, std::string json)>;

}  // namespace helpline::detail
