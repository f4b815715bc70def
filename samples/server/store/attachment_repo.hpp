// Uploaded files: stored on upload, linked to a ticket and message when a message names them.
#pragma once
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

namespace helpline::server {

struct AttachmentRecord {
  std::string id;
  std::string owner;  // principal or "agent:<id>"
  std::string filename;
  std::string content_type;
  int64_t size = 0;
  std::string sha256;
  std::optional<std::string> ticket_id;
  std::optional<std::string> message_id;
  int64_t created_at = 0;
  std::string data;  // filled only by find(with_data=true)
  // insert() only: when set, the `size` bytes are read from this file (from its start) instead of `data`,
  // and copied into the store in chunks (an upload spooled to disk by the transport).
  std::FILE *data_file = nullptr;
};

class AttachmentRepo {
 public:
  virtual ~AttachmentRepo() = default;
  virtual void insert(const std::string &app, const AttachmentRecord &a) = 0;
  virtual std::optional<AttachmentRecord> find(const std::string &app, const std::string &id,
                                               bool with_data) = 0;
  virtual void link(const std::string &app, const std::string &id, const std::string &ticket_id,
                    const std::string &message_id) = 0;
};

}  // namespace helpline::server
