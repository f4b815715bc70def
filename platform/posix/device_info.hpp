// What the OS says about the device: name and version (uname), architecture, and the user's
// locale from the environment (LC_ALL, LC_MESSAGES, LANG) as a BCP 47 tag.
#pragma once

#include <string>

namespace helpline::detail::platform {

struct OsInfo {
  std::string os;          // "linux"
  std::string os_version;  // kernel release
  std::string arch;        // "x86_64"
  std::string locale;      // "de-DE", or "" when unset / "C" / "POSIX"
};

OsInfo read_os_info();

}  // namespace helpline::detail::platform
