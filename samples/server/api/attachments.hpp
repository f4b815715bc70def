// Attachment upload (raw bytes) and download, for devices and agents.
#pragma once
#include "api/router.hpp"

namespace helpline::server {

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
