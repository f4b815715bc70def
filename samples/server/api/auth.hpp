// Who is calling (docs/protocol.md section 3): a device (app key, device id, optionally an identity JWT) or
// an agent (bearer token or console session cookie, with a CSRF token on writes).
#pragma once
#include "api/call.hpp"
#include "config.hpp"
#include "http_types.hpp"
#include "store/store.hpp"

namespace helpline::server {

// Sets `app` and `p`, or throws 400/401.
void authenticate_device(const ServerConfig &config, const HttpRequest &req, const AppConfig *&app,
                         Principal &p);
// Sets `app` and `s`, or throws 401 (403 for a cookie session's write without the CSRF token).
void authenticate_agent(const ServerConfig &config, Store &store, const HttpRequest &req,
                        const AppConfig *&app, AgentSession &s, bool write);

}  // namespace helpline::server
