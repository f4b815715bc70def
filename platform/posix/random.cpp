#include "base/random.hpp"

#include <sys/random.h>
#include <cerrno>
#include <cstring>

#include "base/error.hpp"

namespace helpline::detail::platform {

void random_bytes(void *out, std::size_t n) {
  auto *p = static_cast<unsigned char *>(out);
  while (n > 0) {
    ssize_t got = ::getrandom(p, n, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw Error(HELPLINE_E_INTERNAL, std::string("getrandom failed: ") + std::strerror(errno));
    }
    p += got;
    n -= static_cast<std::size_t>(got);
  }
}

uint64_t random_u64() {
  uint64_t v = 0;
  random_bytes(&v, sizeof v);
  return v;
}

}  // namespace helpline::detail::platform
