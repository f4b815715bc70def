// gzip request bodies (zlib), with a cap on the decompressed size (gzip bombs).
#pragma once
#include <string>

namespace helpline::server {

enum class GunzipResult { ok, corrupt, too_large };
GunzipResult gunzip(const std::string &in, size_t max_out, std::string &out);

}  // namespace helpline::server
