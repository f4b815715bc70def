// The agent web console: its static files under /console/, and the cookie session it uses on the agent API
// (protocol section 14.1): HttpOnly SameSite=Strict session cookie plus a double-submit CSRF token.
#pragma once
#include "api/context.hpp"
#include "api/router.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace helpline::server {

inline constexpr const char *kSessionCookie = "hl_session";
inline constexpr const char *kCsrfCookie = "hl_csrf";

bool is_console_path(const std::string &path);  // /console and below: served before routing

class ConsoleHandlers {
 public:
  explicit ConsoleHandlers(const ApiContext &ctx);
  Reply serve(const HttpRequest &req) const;  // GET/HEAD of a console file

 private:
  const ApiContext &ctx_;
};

std::string csrf_token_for(const std::string &session_token);
std::optional<std::string> cookie(const HttpRequest &req, const std::string &name);
// Whether the console's cookies get the Secure flag: yes, unless the request came over plain HTTP from a
// loopback peer that is not a proxy; behind a trusted proxy (config trusted_proxies), its X-Forwarded-Proto.
bool cookie_secure(const ServerConfig &config, const HttpRequest &req);
// Sets (token non-empty) or clears (token empty, max_age 0) the session and CSRF cookies.
void set_session_cookies(bool secure, Reply &r, const std::string &token, int64_t max_age_s);

}  // namespace helpline::server
