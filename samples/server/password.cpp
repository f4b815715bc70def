#include "password.hpp"

#include <sodium.h>

#include <stdexcept>

namespace helpline::server {

void password_init() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium initialisation failed");
}

std::string password_hash(const std::string &password) {
  char out[crypto_pwhash_STRBYTES];
  // Interactive limits: logins stay well under a second on small servers.
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("password hashing failed (out of memory)");
  return out;
}

bool password_verify(const std::string &hash, const std::string &password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace helpline::server
