// The wire vocabulary of protocol /v1, spelled once: request paths, /v1/sync item types, outbox item
// kinds and the size limits both sides enforce. Used by the SDK, helpline-server and the tests, so a
// name can never drift between them. docs/protocol.md is the contract; this header is its spelling.
// Header-only, no dependencies: part of the named subset of SDK internals the server may include
// (docs/ARCHITECTURE.md), not part of the public API.
#pragma once

#include <cstddef>
#include <cstdint>

namespace helpline::wire {

// Request paths (docs/protocol.md). A path that takes an id is written as its prefix plus the
// percent-encoded id plus its suffix: kTicketsPrefix + id + kMessagesSuffix.
namespace path {
inline constexpr const char *kHealth = "/v1/health";
inline constexpr const char *kBatch = "/v1/batch";
inline constexpr const char *kSync = "/v1/sync";
inline constexpr const char *kIdentify = "/v1/identify";
inline constexpr const char *kDevice = "/v1/device";
inline constexpr const char *kPushToken = "/v1/device/push-token";
inline constexpr const char *kMe = "/v1/me";
inline constexpr const char *kMeAttributes = "/v1/me/attributes";
inline constexpr const char *kMeErase = "/v1/me/erase";
inline constexpr const char *kMeExport = "/v1/me/export";
inline constexpr const char *kTickets = "/v1/tickets";
inline constexpr const char *kTicketsPrefix = "/v1/tickets/";
inline constexpr const char *kMessagesSuffix = "/messages";
inline constexpr const char *kReopenSuffix = "/reopen";
inline constexpr const char *kAttachments = "/v1/attachments";
inline constexpr const char *kAttachmentsPrefix = "/v1/attachments/";  // + id: the download
inline constexpr const char *kSurveys = "/v1/surveys";
inline constexpr const char *kDeflections = "/v1/deflections";
inline constexpr const char *kFaq = "/v1/faq";
inline constexpr const char *kFaqArticlesPrefix = "/v1/faq/articles/";
inline constexpr const char *kVoteSuffix = "/vote";
inline constexpr const char *kNotices = "/v1/notices";
inline constexpr const char *kNoticesPrefix = "/v1/notices/";
inline constexpr const char *kAckSuffix = "/ack";
inline constexpr const char *kDiagnosticsBatch = "/v1/diagnostics/batch";
inline constexpr const char *kLogs = "/v1/logs";
inline constexpr const char *kMetrics = "/v1/metrics";
}  // namespace path

// The "type" of an item in a /v1/sync answer (docs/protocol.md section 13).
namespace sync_type {
inline constexpr const char *kMessage = "message";
inline constexpr const char *kTicket = "ticket";
inline constexpr const char *kTicketStatus = "ticket_status";
inline constexpr const char *kSurveyPrompt = "survey_prompt";
inline constexpr const char *kNotice = "notice";
inline constexpr const char *kNoticeWithdrawn = "notice_withdrawn";
inline constexpr const char *kDiagnosticsRequest = "diagnostics_request";
inline constexpr const char *kRules = "rules";
inline constexpr const char *kFaqChanged = "faq_changed";
inline constexpr const char *kErase = "erase";
}  // namespace sync_type

// Outbox item kinds: the SDK's name for what a queued row is (stored in its outbox table, shown in
// dead-letter events). Each is registered once by the feature that builds it (sdk/items/registry.hpp).
namespace kind {
inline constexpr const char *kTicket = "ticket";
inline constexpr const char *kMessage = "message";
inline constexpr const char *kAttachment = "attachment";
inline constexpr const char *kReopen = "reopen";
inline constexpr const char *kMarkRead = "mark_read";
inline constexpr const char *kIdentify = "identify";
inline constexpr const char *kLogout = "logout";
inline constexpr const char *kPushToken = "push_token";
inline constexpr const char *kUserAttribute = "user_attribute";
inline constexpr const char *kDeflection = "deflection";
inline constexpr const char *kFaqVote = "faq_vote";
inline constexpr const char *kSurvey = "survey";
inline constexpr const char *kDiagnostic = "diagnostic";
inline constexpr const char *kNoticeAck = "notice_ack";
inline constexpr const char *kErase = "erase";
inline constexpr const char *kExport = "export";
}  // namespace kind

// Limits in bytes (UTF-8) or counts. The server refuses larger values with 400/413; the SDK refuses
// them at the call with HELPLINE_E_TOO_LARGE, so nothing accepted is refused later.
namespace limit {
inline constexpr std::size_t kIdBytes = 64;  // ticket, message and attachment ids (UUIDs)
inline constexpr std::size_t kSubjectBytes = 200;
inline constexpr std::size_t kBodyBytes = 20000;
inline constexpr std::size_t kTicketFieldsBytes = 16 * 1024;          // what the SDK sends at most
inline constexpr std::size_t kTicketFieldsAcceptedBytes = 64 * 1024;  // what the server takes (any client)
inline constexpr int kTicketFields = 50;
inline constexpr std::size_t kTicketFieldValueBytes = 4000;
inline constexpr std::size_t kTicketDeviceBytes = 16 * 1024;  // a ticket's "device" object
inline constexpr int kAttachmentsPerMessage = 20;
inline constexpr std::size_t kUserIdBytes = 128;
inline constexpr std::size_t kIdentityTokenBytes = 8192;
inline constexpr std::size_t kPushTokenBytes = 4096;
inline constexpr std::size_t kAttributeKeyBytes = 64;
inline constexpr std::size_t kAttributeValueBytes = 4096;
inline constexpr std::size_t kDeviceAttributeValueBytes = 128;
inline constexpr std::size_t kSurveyCommentBytes = 2000;
inline constexpr std::size_t kDiagnosticNameBytes = 200;
inline constexpr std::size_t kDiagnosticMessageBytes = 4000;
inline constexpr std::size_t kDiagnosticAttributesBytes = 64 * 1024;
inline constexpr std::size_t kFaqArticleIdBytes = 128;
inline constexpr std::size_t kFaqQueryBytes = 1024;
inline constexpr std::size_t kDeflectionQueryBytes = 500;
inline constexpr std::size_t kNoticeIdBytes = 128;
inline constexpr std::size_t kIdempotencyKeyBytes = 255;  // 1..255 printable ASCII
inline constexpr std::size_t kBatchPathBytes = 2000;
inline constexpr int kMaxJsonDepth = 64;
}  // namespace limit

// An idempotency key the server accepts: 1..255 printable ASCII characters (docs/protocol.md 4).
constexpr bool valid_idempotency_key(const char *s, std::size_t n) noexcept {
  if (n == 0 || n > limit::kIdempotencyKeyBytes) return false;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace helpline::wire
