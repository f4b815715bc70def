#pragma once
// The status an SDK-internal call throws, for the unit tests, benchmarks and fuzz targets that reach the
// SDK's internals (HELPLINE_INTERNAL_INCLUDES, helpline_static).

#include "base/error.hpp"
#include "helpline/helpline.h"

namespace helpline::testing {

/// The status of the helpline::detail::Error `fn` throws; HELPLINE_OK when it does not throw.
template <class Fn>
helpline_status_t status_of(Fn &&fn) {
  try {
    fn();
  } catch (const helpline::detail::Error &e) {
    return e.status();
  }
  return HELPLINE_OK;
}

}  // namespace helpline::testing
