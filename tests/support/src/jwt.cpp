#include "helpline/testing/jwt.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <chrono>
#include <stdexcept>

#include "helpline/testing/server_config.hpp"

namespace helpline::testing {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int decode_char(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

const EVP_MD *digest_for(const std::string &alg) {
  if (alg == "HS384") return EVP_sha384();
  if (alg == "HS512") return EVP_sha512();
  return EVP_sha256();
}

std::string hmac(const std::string &alg, const std::string &secret, const std::string &data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  if (HMAC(digest_for(alg), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char *>(data.data()), data.size(), out.data(), &len) == nullptr) {
    throw std::runtime_error("HMAC failed");
  }
  return std::string(reinterpret_cast<const char *>(out.data()), len);
}

}  // namespace

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string base64url_encode(const std::string &data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(data[k]); };
  for (; i + 2 < data.size(); i += 3) {
    const unsigned v = (byte(i) << 16U) | (byte(i + 1) << 8U) | byte(i + 2);
    out += kAlphabet[(v >> 18U) & 63U];
    out += kAlphabet[(v >> 12U) & 63U];
    out += kAlphabet[(v >> 6U) & 63U];
    out += kAlphabet[v & 63U];
  }
  if (i + 1 == data.size()) {
    const unsigned v = byte(i) << 16U;
    out += kAlphabet[(v >> 18U) & 63U];
    out += kAlphabet[(v >> 12U) & 63U];
  } else if (i + 2 == data.size()) {
    const unsigned v = (byte(i) << 16U) | (byte(i + 1) << 8U);
    out += kAlphabet[(v >> 18U) & 63U];
    out += kAlphabet[(v >> 12U) & 63U];
    out += kAlphabet[(v >> 6U) & 63U];
  }
  return out;
}

std::string base64url_decode(const std::string &data) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : data) {
    if (c == '=') break;
    const int v = decode_char(c);
    if (v < 0) throw std::runtime_error("invalid base64url");
    buffer = (buffer << 6U) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> static_cast<unsigned>(bits)) & 0xFFU);
    }
  }
  return out;
}

std::string mint_jwt(const std::string &secret, const std::string &claims_json, const std::string &alg) {
  const std::string header = R"({"alg":")" + alg + R"(","typ":"JWT"})";
  const std::string signing_input = base64url_encode(header) + "." + base64url_encode(claims_json);
  if (alg == "none") {
    return signing_input + ".";
  }
  return signing_input + "." + base64url_encode(hmac(alg, secret, signing_input));
}

std::string identity_claims(const std::string &sub, std::int64_t ttl_seconds, const std::string &name,
                            const std::string &email) {
  const std::int64_t now = unix_now();
  std::string claims = R"({"sub":")" + sub + R"(","iat":)" + std::to_string(now) + R"(,"exp":)" +
                       std::to_string(now + ttl_seconds);
  if (!name.empty()) claims += R"(,"name":")" + name + "\"";
  if (!email.empty()) claims += R"(,"email":")" + email + "\"";
  return claims + "}";
}

std::string user_jwt(const std::string &user, std::int64_t ttl_seconds) {
  return mint_jwt(kAppSecret, identity_claims(user, ttl_seconds));
}

std::string tamper_payload(const std::string &token, const std::string &claims_json) {
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  if (first == std::string::npos || second == std::string::npos) {
    throw std::runtime_error("not a JWT: " + token);
  }
  return token.substr(0, first + 1) + base64url_encode(claims_json) + token.substr(second);
}

}  // namespace helpline::testing
