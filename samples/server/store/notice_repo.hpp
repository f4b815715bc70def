// Proactive notices (targeted by device attributes) and their acknowledgements.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace helpline::server {

struct NoticeRecord {
  std::string id;
  std::string title;
  std::string body;
  std::string severity;
  std::optional<std::string> url;
  std::string target_json;  // object
  std::optional<int64_t> starts_at;
  std::optional<int64_t> ends_at;
  bool active = true;
  bool deleted = false;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::optional<std::string> faq_article_id;  // FAQ article the device can link to
};

class NoticeRepo {
 public:
  virtual ~NoticeRepo() = default;
  virtual void upsert(const std::string &app, const NoticeRecord &n) = 0;
  virtual std::optional<NoticeRecord> find(const std::string &app, const std::string &id) = 0;
  virtual std::vector<NoticeRecord> list(const std::string &app) = 0;  // not deleted
  virtual void ack(const std::string &app, const std::string &id, const std::string &device_id,
                   int64_t now) = 0;
  virtual std::optional<int64_t> ack_time(const std::string &app, const std::string &id,
                                          const std::string &device_id) = 0;
  virtual int64_t ack_count(const std::string &app, const std::string &id) = 0;
};

}  // namespace helpline::server
