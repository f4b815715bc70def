// Who is calling (docs/protocol.md section 3): a device (app key, device id, optionally an identity JWT) or
// an agent (bearer token or console session cookie, with a CSRF token on writes).
#pragma once
#include "api/call.hpp"
#include "config.hpp"
#include "http_types.hpp"
#include "store/store.hpp"

namespace helpline::server {

// Sets `app` and `p`, or throws 400/401/410. A device proves its id with its secret
// (X-Helpline-Device-Secret): the first request that presents one for an id records it; from then on every
// request under that id must present it (401 otherwise). An id an erasure retired is refused (410). Reads
// only: for an unclaimed id with a secret, `claim` is set to the secret's hash, to be recorded with
// claim_device() once the request passed the rate limits.
void authenticate_device(const ServerConfig &config, Store &store, const HttpRequest &req,
                         const AppConfig *&app, Principal &p, std::string &claim);
// Records `secret_hash` for the unclaimed `device_id`; throws 401 when another secret came first.
void claim_device(Store &store, const std::string &app, const std::string &device_id,
                  const std::string &secret_hash);

// The pseudonym a retired device id is remembered by (its tombstone): SHA-256 of the app key and the id.
std::string device_pseudonym(const std::string &app, const std::string &device_id);

// Throws 410 when an erasure retired `device_id` (read in `tx`, so a write checks it in its own transaction).
void refuse_retired(StoreTx &tx, const std::string &app, const std::string &device_id);

// A device secret as sent: 32..128 characters of [A-Za-z0-9_-].
bool valid_device_secret(const std::string &s);
// Sets `app` and `s`, or throws 401 (403 for a cookie session's write without the CSRF token).
void authenticate_agent(const ServerConfig &config, Store &store, const HttpRequest &req,
                        const AppConfig *&app, AgentSession &s, bool write);

}  // namespace helpline::server
