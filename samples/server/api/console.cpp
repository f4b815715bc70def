// The agent web console: its static files under /console/, and the cookie session it uses on the agent API
// (protocol section 14.1): HttpOnly SameSite=Strict session cookie plus a double-submit CSRF token.
#include "api/console.hpp"

#include "api_error.hpp"
#include "client_address.hpp"
#include "config.hpp"
#include "crypto.hpp"

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>

namespace helpline::server {

namespace {

const char *content_type_for(const std::string &name) {
  auto ends = [&](const char *ext) {
    std::string e(ext);
    return name.size() >= e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".json")) return "application/json";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".txt")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

// Only plain relative names: no "..", no empty segments, a small character set.
bool safe_asset_name(const std::string &name) {
  if (name.empty() || name.size() > 200 || name.front() == '/' || name.front() == '.') return false;
  if (name.find("..") != std::string::npos || name.find("//") != std::string::npos) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '-' || c == '_' || c == '/'))
      return false;
  return true;
}

// The regular file `name` names inside `dir`, after resolving symbolic links: never a directory, never a file
// outside the console directory (a link pointing out of it is refused like a missing file).
std::optional<std::filesystem::path> console_file(const std::string &dir, const std::string &name) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path root = fs::canonical(dir, ec);
  if (ec) return std::nullopt;
  fs::path file = fs::canonical(root / name, ec);
  if (ec || !fs::is_regular_file(file, ec) || ec) return std::nullopt;
  auto r = root.begin(), f = file.begin();
  for (; r != root.end(); ++r, ++f)
    if (f == file.end() || *r != *f) return std::nullopt;
  if (f == file.end()) return std::nullopt;
  return file;
}

}  // namespace

bool is_console_path(const std::string &path) {
  return path == "/console" || path.rfind("/console/", 0) == 0;
}

ConsoleHandlers::ConsoleHandlers(const ApiContext &ctx) : ctx_(ctx) {}

Reply ConsoleHandlers::serve(const HttpRequest &req) const {
  if (req.method != "GET" && req.method != "HEAD") {
    Reply r = json(405, error_body("method_not_allowed", req.method + " is not allowed here"));
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  if (req.path == "/console") {
    Reply r;
    r.status = 301;
    r.content_type.clear();
    r.headers.emplace_back("Location", "/console/");
    return r;
  }
  std::string name = req.path.substr(std::string("/console/").size());
  if (name.empty()) name = "index.html";
  if (ctx_.console_dir.empty() || !safe_asset_name(name))
    throw ApiError(404, "not_found", "no such console file");
  std::optional<std::filesystem::path> file = console_file(ctx_.console_dir, name);
  if (!file) throw ApiError(404, "not_found", "no such console file");
  std::ifstream in(*file, std::ios::binary);
  if (!in) throw ApiError(404, "not_found", "no such console file");
  std::ostringstream data;
  data << in.rdbuf();
  Reply r;
  r.status = 200;
  r.body = data.str();
  r.content_type = content_type_for(name);
  // Everything the console needs comes from this origin; no inline script or style, no framing.
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                         "form-action 'self'; frame-ancestors 'none'");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

std::string csrf_token_for(const std::string &session_token) {
  return sha256_hex("helpline-csrf\n" + session_token);
}

std::optional<std::string> cookie(const HttpRequest &req, const std::string &name) {
  for (const auto &h : req.headers) {
    if (h.first != "cookie") continue;
    const std::string &v = h.second;
    size_t i = 0;
    while (i < v.size()) {
      size_t end = v.find(';', i);
      if (end == std::string::npos) end = v.size();
      size_t b = v.find_first_not_of(' ', i);
      if (b < end) {
        size_t eq = v.find('=', b);
        if (eq != std::string::npos && eq < end && v.compare(b, eq - b, name) == 0 && eq - b == name.size())
          return v.substr(eq + 1, end - eq - 1);
      }
      i = end + 1;
    }
  }
  return std::nullopt;
}

// The Secure flag follows how the browser reached us (client_address.hpp; the Host header can only add it):
// always set, except over plain HTTP from a loopback peer that is not a proxy (the console on
// http://127.0.0.1).
bool cookie_secure(const ServerConfig &config, const HttpRequest &req) {
  return browser_uses_https(config, req);
}

void set_session_cookies(bool secure, Reply &r, const std::string &token, int64_t max_age_s) {
  std::string attrs = "; SameSite=Strict; Max-Age=" + std::to_string(max_age_s);
  if (secure) attrs += "; Secure";
  r.headers.emplace_back("Set-Cookie",
                         std::string(kSessionCookie) + "=" + token + "; Path=/v1/agent; HttpOnly" + attrs);
  // Readable by the console's script (double submit); useless without the HttpOnly session cookie.
  r.headers.emplace_back("Set-Cookie", std::string(kCsrfCookie) + "=" +
                                           (token.empty() ? std::string() : csrf_token_for(token)) +
                                           "; Path=/" + attrs);
}

}  // namespace helpline::server
