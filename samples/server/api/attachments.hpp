// Attachment upload (raw bytes) and download, for devices and agents.
#pragma once
#include "api/router.hpp"
#include "http_types.hpp"

#include <string>

namespace helpline::server {

// SHA-256 (hex) of a raw request body: the spooled file's bytes, read in chunks, when the transport spooled
// it (HttpRequest::body_file), else `in_memory`.
std::string body_sha256_hex(const HttpRequest &req, const std::string &in_memory);

class AttachmentHandlers {
 public:
  void add_routes(Router &r);

 private:
  Reply attachment_upload(Call &c);
  Reply attachment_get(Call &c);
  Reply agent_attachment_upload(Call &c);
  Reply agent_attachment_get(Call &c);
};

}  // namespace helpline::server
