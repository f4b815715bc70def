// What the C interface accepts, in one place: the protocol's limits (protocol/wire.hpp) for anything that
// is sent, and the SDK's own bounds for what stays on the device (paths, options, callbacks' buffers).
// A value past its limit is refused at the call (HELPLINE_E_TOO_LARGE / _INVALID_ARGUMENT, docs/ABI.md).
#pragma once

#include <cstddef>
#include <cstdint>

#include "protocol/wire.hpp"

namespace helpline::detail::limits {

// Options.
inline constexpr std::size_t kEndpointBytes = 2048;
inline constexpr std::size_t kAppKeyBytes = 256;
inline constexpr std::size_t kPathBytes = 4096;  // data_dir, CA file, pinned key, attachment source
inline constexpr uint32_t kEventQueueMax = 65536;
inline constexpr uint64_t kStorageLimitMin = 64u << 10;
inline constexpr std::size_t kRedactionPatternBytes = 1024;
inline constexpr std::size_t kRedactionPatterns = 32;
inline constexpr uint32_t kHeartbeatMinS = 10;
inline constexpr uint32_t kHeartbeatMaxS = 86400;
inline constexpr uint32_t kSurveyPromptIntervalMaxS = 31536000;  // a year
inline constexpr uint32_t kLongPollMaxS = 30;

// Tickets, identity, surveys (sent: the protocol's limits).
inline constexpr std::size_t kMimeBytes = 255;
inline constexpr std::size_t kAttributeKeyBytes = wire::limit::kAttributeKeyBytes;
inline constexpr std::size_t kPushPlatformBytes = 16;
inline constexpr std::size_t kLocaleBytes = 35;

// Diagnostics recorded on the device.
inline constexpr std::size_t kBreadcrumbCategoryBytes = 64;
inline constexpr std::size_t kBreadcrumbMessageBytes = 64 * 1024;  // cut to the ring's size when stored
inline constexpr std::size_t kMetricNameBytes = 64;
inline constexpr std::size_t kRulesJsonBytes = 256 * 1024;
inline constexpr std::size_t kCallbackTextBytes = 1u << 20;  // before_send / log provider buffers

// The host transport's answers.
inline constexpr long kHttpStatusMin = 100;
inline constexpr long kHttpStatusMax = 599;
inline constexpr std::size_t kHttpBodyBytes = 64u << 20;
inline constexpr std::size_t kHeaderNameBytes = 256;
inline constexpr std::size_t kHeaderValueBytes = 8192;

}  // namespace helpline::detail::limits
