// Identity JWT verification (HS256 only) and minting (test controls).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace helpline::server {

struct Identity {
  std::string sub;
  std::optional<std::string> name;
  std::optional<std::string> email;
  int64_t exp = 0;
};

enum class JwtError { none, malformed, bad_alg, bad_signature, expired, not_yet_valid, missing_claim };

// Verifies `token` with `secret`. now_s in Unix seconds; leeway applies to exp and nbf.
JwtError verify_jwt(const std::string &token, const std::string &secret, int64_t now_s, int64_t leeway_s,
                    Identity &out);
std::string mint_jwt(const std::string &secret, const std::string &sub, int64_t exp_s,
                     const std::optional<std::string> &name, const std::optional<std::string> &email);

}  // namespace helpline::server
