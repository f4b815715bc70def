// Diagnostics: the items devices send, the requests agents make for them, and the device views built on them
// (device list with health, per-device diagnostics).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace helpline::server {

struct DiagnosticRecord {
  int64_t seq = 0;
  std::string device_id;
  std::string owner;
  std::string idempotency_key;
  std::string kind;
  std::string name;
  int64_t ts = 0;
  std::optional<std::string> level;
  std::optional<std::string> message;
  std::optional<double> value;
  std::string attributes_json;
  std::optional<std::string> ticket_id;
  std::optional<std::string> request_id;
  int64_t received_at = 0;
};

struct DiagnosticsRequestRecord {
  std::string id;
  std::optional<std::string> ticket_id;
  std::optional<std::string> device_id;
  std::optional<std::string> owner;
  std::string kinds_json;
  std::optional<std::string> message;
  std::string status;  // pending | fulfilled
  std::string agent_id;
  int64_t created_at = 0;
};

// A device as agents see it: registered by PUT /v1/device and/or by sending diagnostics.
struct DeviceSummaryRecord {
  int64_t seq = 0;  // internal keyset order (registration order)
  std::string device_id;
  std::optional<std::string> user_sub;
  std::string attrs_json;  // PUT /v1/device document ("" if never sent)
  std::optional<int64_t> attrs_updated_at;
  std::optional<int64_t> last_seen;        // received_at of its newest diagnostics
  std::optional<int64_t> last_error_at;    // ... with level error/fatal/critical
  std::optional<int64_t> last_warning_at;  // ... with level warning/warn
};

struct DeviceFilter {
  std::optional<std::string> contains;  // substring of the device id or of its attributes document
  int64_t before_seq = 0;
  int limit = 50;
};

struct DiagnosticFilter {
  std::optional<std::string> kind;
  std::optional<std::string> name;
  std::optional<std::string> level;
  std::optional<int64_t> from;  // ts >= from
  std::optional<int64_t> to;    // ts < to
  int64_t before_seq = 0;
  int limit = 50;
};

// What the ingest thread learnt about a device from one request's fresh diagnostics.
struct DeviceSeen {
  int64_t at = 0;
  std::optional<int64_t> error_at;
  std::optional<int64_t> warning_at;
};

class DiagnosticsRepo {
 public:
  virtual ~DiagnosticsRepo() = default;
  virtual bool insert(const std::string &app, DiagnosticRecord &d) = 0;  // false: duplicate key; sets d.seq
  // Newest first: items from `devices` or naming the ticket.
  virtual std::vector<DiagnosticRecord> for_ticket(const std::string &app, const std::string &ticket_id,
                                                   const std::vector<std::string> &devices,
                                                   const std::optional<std::string> &kind, int64_t before_seq,
                                                   int limit) = 0;

  // diagnostics requests
  virtual void insert_request(const std::string &app, const DiagnosticsRequestRecord &r) = 0;
  virtual std::optional<DiagnosticsRequestRecord> find_request(const std::string &app,
                                                               const std::string &id) = 0;
  virtual void fulfil_request(const std::string &app, const std::string &id) = 0;
  virtual std::vector<DiagnosticsRequestRecord> requests(const std::string &app,
                                                         const std::optional<std::string> &ticket_id) = 0;

  // device views (agent API)
  virtual void touch_device(const std::string &app, const std::string &device_id, const DeviceSeen &seen) = 0;
  virtual std::vector<DeviceSummaryRecord> device_summaries(const std::string &app,
                                                            const DeviceFilter &f) = 0;
  virtual std::optional<DeviceSummaryRecord> find_device_summary(const std::string &app,
                                                                 const std::string &device_id) = 0;
  virtual std::vector<DiagnosticRecord> for_device(const std::string &app, const std::string &device_id,
                                                   const DiagnosticFilter &f) = 0;
};

}  // namespace helpline::server
