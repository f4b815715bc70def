// libFuzzer target: helpline-server's request handling below the HTTP parser (Api::handle: routing, auth,
// bodies, idempotency, handlers, batch items) over a real SQLite store. Input format:
// server_fuzz_targets.hpp.
//   build/fuzz/tests/fuzz/helpline_server_api_fuzz <scratch corpus dir> tests/fuzz/corpus/server
#include "server_fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return helpline_server_fuzz::fuzz_server_request(data, size);
}
