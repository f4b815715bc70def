#include "posix/device_info.hpp"

#include <sys/utsname.h>

#include <cctype>
#include <cstdlib>

namespace helpline::detail::platform {
namespace {

std::string locale_from_env() {
  for (const char *name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char *v = std::getenv(name);
    if (v == nullptr || *v == '\0') continue;
    std::string s(v);
    s = s.substr(0, s.find_first_of(".@"));  // "de_DE.UTF-8@euro" -> "de_DE"
    if (s == "C" || s == "POSIX" || s.empty()) return std::string();
    for (auto &c : s) {
      if (c == '_') c = '-';
    }
    return s;
  }
  return std::string();
}

}  // namespace

OsInfo read_os_info() {
  OsInfo info;
  struct utsname u {};
  if (uname(&u) == 0) {
    info.os = u.sysname;
    for (auto &c : info.os) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    info.os_version = u.release;
    info.arch = u.machine;
  }
  info.locale = locale_from_env();
  return info;
}

}  // namespace helpline::detail::platform
