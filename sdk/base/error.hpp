// Errors inside the SDK are exceptions carrying a helpline_status_t; the C waist (sdk/capi)
// catches every one of them and turns it into a status plus a per-thread message.
#pragma once

#include <stdexcept>
#include <string>

#include "helpline/helpline.h"

namespace helpline::detail {

class Error : public std::runtime_error {
 public:
  Error(helpline_status_t status, const std::string &message)
      : std::runtime_error(message), status_(status) {}
  helpline_status_t status() const noexcept { return status_; }

 private:
  helpline_status_t status_;
};

// The message shown by helpline_last_error() on this thread.
void set_last_error(const std::string &message) noexcept;
const char *last_error() noexcept;

}  // namespace helpline::detail
