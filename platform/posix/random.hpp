// Cryptographically strong random bytes from the OS (getrandom), used for ids and jitter seeds.
#pragma once

#include <cstddef>
#include <cstdint>

namespace helpline::detail::platform {

void random_bytes(void *out, std::size_t n);
uint64_t random_u64();

}  // namespace helpline::detail::platform
