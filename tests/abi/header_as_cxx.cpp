// helpline.h must also be valid C++ (-Wall -Wextra -Werror -pedantic): a host that only wants the
// C interface from C++ includes it directly, without helpline.hpp.
#include <helpline/helpline.h>

#include <cstdio>
#include <cstring>

static_assert(sizeof(helpline_status_t) == 4, "helpline_status_t is a 32-bit integer");

int main() {
  if (helpline_version() != HELPLINE_VERSION_NUMBER) return 1;
  if (std::strcmp(helpline_status_str(HELPLINE_OK), "HELPLINE_OK") != 0) return 1;
  helpline_options_t *o = helpline_options_new();
  if (o == nullptr) return 1;
  helpline_status_t s = helpline_options_set_data_dir(o, "relative");
  helpline_options_free(o);
  if (s != HELPLINE_E_INVALID_ARGUMENT) return 1;
  std::puts("c++ host of helpline.h: ok");
  return 0;
}
