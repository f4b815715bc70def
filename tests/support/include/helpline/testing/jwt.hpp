#pragma once
// Identity tokens for tests: HS256 JWTs as a host app's backend would mint them, plus the bad ones the server
// must refuse (alg none, wrong secret, expired, tampered payload).

#include <cstdint>
#include <string>

namespace helpline::testing {

/// Seconds since the Unix epoch, now.
std::int64_t unix_now();

/// A compact JWT `base64url(header).base64url(claims).base64url(sig)`.
/// `claims_json` is used verbatim (so tests can send odd payloads). `alg`: "HS256", "HS384", "HS512" sign
/// with HMAC-SHA-*; "none" produces an unsigned token with an empty signature part; anything else is put in
/// the header and signed with HS256 (for "alg mismatch" tests). Throws std::runtime_error if HMAC fails.
std::string mint_jwt(const std::string &secret, const std::string &claims_json,
                     const std::string &alg = "HS256");

/// Claims `{"sub":..., "exp": now + ttl, "iat": now}` plus optional name/email (empty: omitted).
std::string identity_claims(const std::string &sub, std::int64_t ttl_seconds = 3600,
                            const std::string &name = "", const std::string &email = "");

/// An identity JWT for `user` signed with the default app's secret, kAppSecret (ttl in seconds; negative:
/// expired).
std::string user_jwt(const std::string &user, std::int64_t ttl_seconds = 3600);

/// `token` with its payload replaced by `claims_json` and the original header and signature kept.
std::string tamper_payload(const std::string &token, const std::string &claims_json);

std::string base64url_encode(const std::string &data);
std::string base64url_decode(const std::string &data);  ///< throws std::runtime_error on invalid input

}  // namespace helpline::testing
