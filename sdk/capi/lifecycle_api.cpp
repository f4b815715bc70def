// extern "C" shims for open / flush / close / dispatch / stats.
#include <memory>

#include "base/options.hpp"
#include "capi/guard.hpp"

using namespace helpline::detail;

extern "C" {

helpline_status_t helpline_open(helpline_options_t *o, helpline_t **out) {
  std::unique_ptr<helpline_options_s> owned(o);  // consumed on every path
  return guard(__func__, [&] {
    require(out, __func__, "out");
    *out = nullptr;
    require(o, __func__, "o");
    auto client = Client::open(std::move(owned->options));
    *out = HandleRegistry::add(std::move(client));
    return HELPLINE_OK;
  });
}

namespace {

helpline_status_t flush_call(const char *fn, helpline_t *h, uint32_t timeout_ms, helpline_flush_mode_t mode) {
  return guard(fn, [&] {
    if (mode != HELPLINE_FLUSH_DELIVERED && mode != HELPLINE_FLUSH_DURABLE) {
      throw Error(HELPLINE_E_INVALID_ARGUMENT, "helpline_flush_v2: unknown mode");
    }
    return require_client(h, fn)->flush(timeout_ms, mode == HELPLINE_FLUSH_DURABLE);
  });
}

}  // namespace

helpline_status_t helpline_flush(helpline_t *h, uint32_t timeout_ms) {
  return flush_call(__func__, h, timeout_ms, HELPLINE_FLUSH_DELIVERED);
}

helpline_status_t helpline_flush_v2(helpline_t *h, uint32_t timeout_ms, helpline_flush_mode_t mode) {
  return flush_call(__func__, h, timeout_ms, mode);
}

helpline_status_t helpline_close(helpline_t *h, uint32_t timeout_ms) {
  return guard(__func__, [&] {
    auto client = require_client(h, __func__);
    if (client->in_own_callback()) {
      throw Error(HELPLINE_E_INVALID_STATE, "helpline_close: must not be called from an event callback");
    }
    client = HandleRegistry::remove(h);
    if (!client) throw Error(HELPLINE_E_CLOSED, "helpline_close: already closed by another thread");
    return client->close(timeout_ms);
  });
}

int helpline_dispatch(helpline_t *h, int max_events) {
  int delivered = 0;
  helpline_status_t s = guard(__func__, [&] {
    delivered = require_client(h, __func__)->dispatch(max_events);
    return HELPLINE_OK;
  });
  return s == HELPLINE_OK ? delivered : s;
}

helpline_status_t helpline_stats_json(helpline_t *h, char **out_json) {
  return guard(__func__, [&] {
    require(out_json, __func__, "out_json");
    *out_json = nullptr;
    *out_json = copy_out(require_client(h, __func__)->stats_json());
    return HELPLINE_OK;
  });
}

}  // extern "C"
