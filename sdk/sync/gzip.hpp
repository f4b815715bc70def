#pragma once

#include <string>

namespace helpline::detail {

// gzip (RFC 1952) of `data` with zlib, for Content-Encoding: gzip request bodies.
std::string gzip_compress(const std::string &data);

}  // namespace helpline::detail
