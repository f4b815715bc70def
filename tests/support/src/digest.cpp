#include "helpline/testing/digest.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace helpline::testing {
namespace {

std::string hex(const unsigned char *p, unsigned n) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < n; ++i) {
    out.push_back(digits[p[i] >> 4]);
    out.push_back(digits[p[i] & 15]);
  }
  return out;
}

}  // namespace

std::string sha256_hex(const std::string &data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  if (EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed");
  return hex(md, n);
}

std::string log_device(const std::string &device, const std::string &app) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  const std::string data = app + "\n" + device;
  if (HMAC(EVP_sha256(), kAccessLogKey.data(), static_cast<int>(kAccessLogKey.size()),
           reinterpret_cast<const unsigned char *>(data.data()), data.size(), md, &n) == nullptr)
    throw std::runtime_error("HMAC failed");
  return hex(md, n).substr(0, 16);
}

}  // namespace helpline::testing
