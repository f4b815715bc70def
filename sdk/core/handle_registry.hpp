// Maps the opaque helpline_t* handles given to hosts onto live clients.
//
// A handle is a never-reused number dressed as a pointer, not the address of the client: a
// call with a closed (or never valid) handle finds nothing and returns HELPLINE_E_CLOSED
// instead of touching freed memory, and a stale handle can never reach a newer instance.
#pragma once

#include <memory>

#include "core/client.hpp"

namespace helpline::detail {

class HandleRegistry {
 public:
  static helpline_t *add(std::shared_ptr<Client> client);
  // Shared ownership for the duration of one call; nullptr when the handle is not open.
  static std::shared_ptr<Client> find(const helpline_t *handle);
  // Unregisters; later find() calls fail. Returns the client (nullptr if already gone).
  static std::shared_ptr<Client> remove(const helpline_t *handle);
};

}  // namespace helpline::detail
