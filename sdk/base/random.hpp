// Cryptographically strong random bytes, used for ids and jitter seeds. A port: declared here so that the
// base layer can use it, implemented by the platform layer (platform/posix/random.cpp: getrandom).
#pragma once

#include <cstddef>
#include <cstdint>

namespace helpline::detail::platform {

void random_bytes(void *out, std::size_t n);
uint64_t random_u64();

}  // namespace helpline::detail::platform
