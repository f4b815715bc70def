#pragma once

#include <cstddef>
#include <string_view>

namespace helpline::detail {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view s) noexcept;

// At most `max_bytes` of `s`, shortened so that no UTF-8 sequence is cut (a cut one would make the
// text invalid UTF-8, which the server refuses for the whole request).
std::string_view utf8_head(std::string_view s, std::size_t max_bytes) noexcept;

}  // namespace helpline::detail
