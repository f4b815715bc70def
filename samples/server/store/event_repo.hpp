// The sync feed: every item GET /v1/sync delivers, in one sequence per app.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace helpline::server {

struct EventRecord {
  int64_t seq = 0;
  std::optional<std::string> owner;          // principal it is for
  std::optional<std::string> device_id;      // device it is for
  bool broadcast = false;                    // every device of the app
  std::optional<std::string> origin_device;  // not delivered back to this device
  std::string type;                          // wire::sync_type
  std::string data_json;
  std::string target_json;  // notices: targeting evaluated at read time
  int64_t created_at = 0;
};

class EventRepo {
 public:
  virtual ~EventRepo() = default;
  virtual int64_t insert(const std::string &app, const EventRecord &e) = 0;  // returns its seq
  virtual int64_t max_seq(const std::string &app) = 0;
  // Items for this principal/device (or broadcast) with after < seq <= upto, oldest first.
  virtual std::vector<EventRecord> since(const std::string &app, const std::string &owner,
                                         const std::string &device_id, int64_t after, int64_t upto,
                                         int limit) = 0;
};

}  // namespace helpline::server
