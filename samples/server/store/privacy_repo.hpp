// Privacy: erase and export a user's data (docs/protocol.md section 20), and the pseudonymous audit of both.
#pragma once
#include "store/attachment_repo.hpp"
#include "store/diagnostics_repo.hpp"
#include "store/identity_repo.hpp"
#include "store/survey_repo.hpp"
#include "store/ticket_repo.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace helpline::server {

// What one erasure removes: everything owned by `owners` ("user:<sub>", "device:<id>") and every
// device-keyed row of `devices`. Tickets, their agent messages, surveys and deflections stay as anonymous
// tombstones (owner "erased", fresh ids) so the metrics do not change.
struct EraseScope {
  std::vector<std::string> owners;
  std::vector<std::string> devices;
  int64_t at = 0;  // erase time: open tombstones leave the backlog then
};

struct EraseCounts {
  int64_t tickets = 0;
  int64_t messages = 0;
  int64_t attachments = 0;
  int64_t surveys_anonymised = 0;
  int64_t diagnostics = 0;
  int64_t devices = 0;
};

// One audit row: an erase or export happened, when, by whom, for which pseudonymous owner.
struct ErasureRecord {
  std::string id;
  std::string pseudonym;     // hex HMAC-SHA256(app secret, owner)
  std::string scope;         // user | device
  std::string action;        // erase | export
  std::string requested_by;  // self | agent:<agent id>
  int64_t at = 0;
};

struct FaqVoteRecord {
  std::string article_id;
  std::string device_id;
  bool helpful = false;
};

struct NoticeAckRecord {
  std::string notice_id;
  std::string device_id;
  int64_t acked_at = 0;
};

// Everything stored for an export scope (same scope as an erasure).
struct ExportData {
  std::vector<AttributeRecord> user_attributes;
  std::vector<std::pair<std::string, std::vector<AttributeRecord>>> attribute_sets;  // owner -> attributes
  std::vector<DeviceRecord> devices;                                 // PUT /v1/device documents
  std::vector<std::pair<std::string, PushTokenRecord>> push_tokens;  // device id -> token
  std::vector<TicketRecord> tickets;
  std::vector<MessageRecord> messages;        // of those tickets, by ticket and seq
  std::vector<AttachmentRecord> attachments;  // owned by the owners or linked to those tickets (no data)
  std::vector<SurveyRecord> surveys;
  std::vector<DeflectionRecord> deflections;
  std::vector<DiagnosticRecord> diagnostics;  // newest first, at most the limit asked for
  bool diagnostics_truncated = false;
  std::vector<FaqVoteRecord> faq_votes;
  std::vector<NoticeAckRecord> notice_acks;
};

class PrivacyRepo {
 public:
  virtual ~PrivacyRepo() = default;
  // Devices linked to the user: devices.user_sub = sub, plus the devices that wrote the user's tickets,
  // messages, surveys or deflections.
  virtual std::vector<std::string> user_devices(const std::string &app, const std::string &sub) = 0;
  virtual EraseCounts erase(const std::string &app, const EraseScope &scope) = 0;
  // Removes the link of a device to a user (devices.user_sub) without erasing the device.
  virtual void unlink_device(const std::string &app, const std::string &device_id,
                             const std::string &sub) = 0;
  virtual ExportData export_data(const std::string &app, const EraseScope &scope, int max_diagnostics) = 0;
  virtual void insert_erasure(const std::string &app, const ErasureRecord &r) = 0;
  virtual std::vector<ErasureRecord> erasures(const std::string &app, int limit) = 0;  // newest first
};

}  // namespace helpline::server
