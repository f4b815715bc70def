#pragma once
// Digests the tests compare with what the server stores or logs (OpenSSL): SHA-256 of device secrets and of
// retired device ids, and the access log's device pseudonyms.

#include <string>

namespace helpline::testing {

/// The key every ServerProcess passes as --access-log-key.
inline const std::string kAccessLogKey = "helpline-tests-access-log";

/// Lowercase hex SHA-256 of `data`.
std::string sha256_hex(const std::string &data);

/// How the access log names `device` of `app` (first 16 hex digits of HMAC-SHA256 with kAccessLogKey).
std::string log_device(const std::string &device, const std::string &app);

}  // namespace helpline::testing
