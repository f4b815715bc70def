#include "api/idempotency.hpp"

#include "api_error.hpp"
#include "crypto.hpp"
#include "ids.hpp"

namespace helpline::server {

std::string request_fingerprint(const std::string &method, const std::string &target,
                                const std::string &body) {
  return sha256_hex(method + " " + target + "\n" + body);
}

Reply execute_write(Call &call, const Route &route, const std::string &idem_key,
                    const std::string &fingerprint) {
  // Routes that do not honour Idempotency-Key (erase, export) run again on a replayed key, unrecorded.
  if (!route.idempotent) return route.handler(call);
  std::string scope = call.agent ? "agent:" + call.agent->agent.id : "device:" + call.device->device_id;
  if (!idem_key.empty()) {
    auto rec = call.tx->idempotency().find(call.app->app_key, scope, idem_key);
    if (rec) {
      if (rec->fingerprint != fingerprint)
        throw ApiError(409, "idempotency_conflict", "Idempotency-Key was used for a different request");
      Reply r = json(rec->status, rec->body);
      r.headers.emplace_back("Idempotent-Replayed", "true");
      return r;
    }
  }
  Reply r = route.handler(call);
  if (!idem_key.empty() && r.status >= 200 && r.status < 300)
    call.tx->idempotency().save(call.app->app_key, scope, idem_key,
                                IdempotencyRecord{fingerprint, r.status, r.body}, now_ms());
  return r;
}

}  // namespace helpline::server
