// Hashing, HMAC, base64url and randomness (OpenSSL), with constant-time comparison.
#pragma once
#include <string>

namespace helpline::server {

std::string sha256_hex(const std::string &data);
std::string sha256_raw(const std::string &data);
std::string hmac_sha256(const std::string &key, const std::string &data);
std::string base64url_encode(const std::string &data);
// Canonical base64url only (no padding, no other alphabet, unused trailing bits zero); false otherwise.
bool base64url_decode(const std::string &in, std::string &out);
bool constant_time_equal(const std::string &a, const std::string &b);
std::string random_hex(size_t bytes);
std::string hex(const std::string &data);

}  // namespace helpline::server
