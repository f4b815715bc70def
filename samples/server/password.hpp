// Agent password hashing: libsodium crypto_pwhash_str (argon2id).
#pragma once
#include <string>

namespace helpline::server {

void password_init();  // sodium_init; call once before threads start
std::string password_hash(const std::string &password);
bool password_verify(const std::string &hash, const std::string &password);

}  // namespace helpline::server
