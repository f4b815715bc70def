#include "api/auth.hpp"

#include "api/console.hpp"
#include "api_error.hpp"
#include "crypto.hpp"
#include "ids.hpp"
#include "jwt.hpp"

namespace helpline::server {

namespace {

bool valid_device_id(const std::string &s) {
  if (s.size() < 8 || s.size() > 128) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '_' || c == ':' || c == '-'))
      return false;
  return true;
}

ApiError retired_error() {
  return ApiError(410, "device_erased",
                  "this device id was retired by an erasure; nothing is accepted under it");
}

// Reads only: a claim (the first secret for an id) is returned in `claim`, for claim_device() after the rate
// limits, so that a flood of fresh ids meets a 429 before it costs a write.
void check_device(Store &store, const std::string &app, const std::string &device_id,
                  const std::string *secret, std::string &claim) {
  DeviceStanding standing;
  {
    auto tx = store.read();
    standing = tx->identity().device_standing(app, device_id, device_pseudonym(app, device_id));
  }
  if (standing.retired) throw retired_error();
  if (standing.secret_hash) {
    if (!secret || !constant_time_equal(sha256_hex(*secret), *standing.secret_hash))
      throw ApiError(401, "invalid_device_secret", "X-Helpline-Device-Secret does not prove this device id");
    return;
  }
  if (secret)
    claim = sha256_hex(*secret);  // else an id no request has claimed yet (a client without secrets)
}

}  // namespace

void claim_device(Store &store, const std::string &app, const std::string &device_id,
                  const std::string &secret_hash) {
  std::string held;
  {
    auto tx = store.write();
    held = tx->identity().claim_device(app, device_id, secret_hash, now_ms());
    tx->commit();
  }
  if (!constant_time_equal(held, secret_hash))  // another secret came first
    throw ApiError(401, "invalid_device_secret", "X-Helpline-Device-Secret does not prove this device id");
}

std::string device_pseudonym(const std::string &app, const std::string &device_id) {
  return sha256_hex(app + "\n" + device_id);
}

void refuse_retired(StoreTx &tx, const std::string &app, const std::string &device_id) {
  if (tx.identity().device_standing(app, device_id, device_pseudonym(app, device_id)).retired)
    throw retired_error();
}

bool valid_device_secret(const std::string &s) {
  if (s.size() < 32 || s.size() > 128) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return false;
  return true;
}

void authenticate_device(const ServerConfig &config, Store &store, const HttpRequest &req,
                         const AppConfig *&app, Principal &p, std::string &claim) {
  const std::string *key = req.header("x-helpline-app-key");
  if (!key || key->empty()) throw ApiError(401, "unauthenticated", "missing X-Helpline-App-Key");
  app = config.app(*key);
  if (!app) throw ApiError(401, "invalid_app_key", "unknown app key");
  const std::string *dev = req.header("x-helpline-device-id");
  if (!dev || dev->empty()) throw ApiError(401, "unauthenticated", "missing X-Helpline-Device-Id");
  if (!valid_device_id(*dev)) throw bad_request("X-Helpline-Device-Id: must match [A-Za-z0-9._:-]{8,128}");
  p.device_id = *dev;
  const std::string *secret = req.header("x-helpline-device-secret");
  if (secret && !valid_device_secret(*secret))
    throw bad_request("X-Helpline-Device-Secret: must match [A-Za-z0-9_-]{32,128}");
  const std::string *auth = req.header("authorization");
  if (!auth) {
    if (!app->settings.allow_anonymous)
      throw ApiError(401, "unauthenticated", "this app requires a signed-in user");
    p.owner = "device:" + p.device_id;
    check_device(store, app->app_key, p.device_id, secret, claim);
    return;
  }
  if (auth->compare(0, 7, "Bearer ") != 0 || auth->size() <= 7)
    throw ApiError(401, "unauthenticated", "Authorization must be 'Bearer <identity JWT>'");
  Identity id;
  JwtError err =
      verify_jwt(auth->substr(7), app->app_secret, now_ms() / 1000, app->settings.jwt_leeway_seconds, id);
  switch (err) {
    case JwtError::none:
      break;
    case JwtError::expired:
      throw ApiError(401, "token_expired", "identity token expired");
    case JwtError::bad_alg:
      throw ApiError(401, "invalid_token", "identity token must be signed with HS256");
    case JwtError::bad_signature:
      throw ApiError(401, "invalid_token", "identity token signature mismatch");
    case JwtError::missing_claim:
      throw ApiError(401, "invalid_token", "identity token lacks sub or exp");
    case JwtError::not_yet_valid:
      throw ApiError(401, "invalid_token", "identity token not valid yet (nbf)");
    case JwtError::malformed:
      throw ApiError(401, "invalid_token", "identity token is malformed");
  }
  p.owner = "user:" + id.sub;
  p.user = std::move(id);
  check_device(store, app->app_key, p.device_id, secret, claim);
}

void authenticate_agent(const ServerConfig &config, Store &store, const HttpRequest &req,
                        const AppConfig *&app, AgentSession &s, bool write) {
  const std::string *auth = req.header("authorization");
  std::string token;
  if (auth) {
    if (auth->compare(0, 7, "Bearer ") != 0 || auth->size() <= 7)
      throw ApiError(401, "invalid_agent_token", "missing agent token");
    token = auth->substr(7);
  } else if (auto c = cookie(req, kSessionCookie); c && !c->empty()) {
    token = *c;
    s.via_cookie = true;
  } else {
    throw ApiError(401, "invalid_agent_token", "missing agent token");
  }
  s.token_hash = sha256_hex(token);
  auto tx = store.read();
  auto sess = tx->agents().find_session(s.token_hash, now_ms());
  if (!sess) throw ApiError(401, "invalid_agent_token", "unknown or expired agent token");
  app = config.app(sess->first);
  const std::string *key = req.header("x-helpline-app-key");
  if (!app || (key && *key != app->app_key))
    throw ApiError(401, "invalid_agent_token", "agent token does not belong to this app");
  auto agent = tx->agents().find(app->app_key, sess->second);
  if (!agent) throw ApiError(401, "invalid_agent_token", "agent no longer exists");
  s.agent = std::move(*agent);
  // A cookie rides along with any request the browser makes; a write must also prove it comes from the
  // console's own script, which alone can read the CSRF cookie (double submit, bound to the session).
  if (s.via_cookie && write) {
    const std::string *sent = req.header("x-csrf-token");
    if (!sent || !constant_time_equal(*sent, csrf_token_for(token)))
      throw ApiError(403, "csrf_failed", "missing or wrong X-CSRF-Token for this console session");
  }
}

}  // namespace helpline::server
