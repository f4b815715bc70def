// extern "C" setters a host transport uses to fill in a response.
#include <cctype>

#include "capi/guard.hpp"
#include "capi/limits.hpp"
#include "sync/host_transport.hpp"

using namespace helpline::detail;

extern "C" {

helpline_status_t helpline_http_response_set_status(helpline_http_response_t *r, int status) {
  return guard(__func__, [&] {
    require(r, __func__, "r");
    if (status < limits::kHttpStatusMin || status > limits::kHttpStatusMax) {
      throw Error(HELPLINE_E_INVALID_ARGUMENT, "helpline_http_response_set_status: status must be 100..599");
    }
    r->response.status = status;
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_http_response_append_body(helpline_http_response_t *r, const void *data,
                                                     size_t len) {
  return guard(__func__, [&] {
    require(r, __func__, "r");
    if (len > 0) require(data, __func__, "data");
    if (r->response.body.size() + len > limits::kHttpBodyBytes) {
      throw Error(HELPLINE_E_TOO_LARGE, "helpline_http_response_append_body: responses are capped at 64 MiB");
    }
    r->response.body.append(static_cast<const char *>(data), len);
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_http_response_set_header(helpline_http_response_t *r, const char *name,
                                                    const char *value) {
  return guard(__func__, [&] {
    require(r, __func__, "r");
    std::string n(require_text(name, __func__, "name", limits::kHeaderNameBytes));
    std::string v(require_text(value, __func__, "value", limits::kHeaderValueBytes, true));
    for (auto &c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    note_response_header(r->response, n, v);
    return HELPLINE_OK;
  });
}

}  // extern "C"
