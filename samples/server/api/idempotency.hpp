// Idempotent writes (docs/protocol.md section 4): a write with an Idempotency-Key runs once; a replay of the
// same request gets the stored response, a different request under the same key a 409.
#pragma once
#include "api/router.hpp"

#include <string>

namespace helpline::server {

// The request as the key's fingerprint sees it: method, target and body (JSON re-serialised, so whitespace
// does not matter; raw uploads byte-exact).
std::string request_fingerprint(const std::string &method, const std::string &target,
                                const std::string &body);

// Runs a single call or a batch item through idempotency and its handler, inside the caller's transaction.
Reply execute_write(Call &call, const Route &route, const std::string &idem_key,
                    const std::string &fingerprint);

}  // namespace helpline::server
