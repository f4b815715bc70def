#include "gzip.hpp"

#include <zlib.h>

namespace helpline::server {

GunzipResult gunzip(const std::string &in, size_t max_out, std::string &out) {
  out.clear();
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return GunzipResult::corrupt;
  zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  char chunk[65536];
  int rc = Z_OK;
  GunzipResult result = GunzipResult::ok;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef *>(chunk);
    zs.avail_out = sizeof chunk;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      result = GunzipResult::corrupt;
      break;
    }
    out.append(chunk, sizeof chunk - zs.avail_out);
    if (out.size() > max_out) {
      result = GunzipResult::too_large;
      break;
    }
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
      result = GunzipResult::corrupt;
      break;
    }
  }
  inflateEnd(&zs);
  if (result != GunzipResult::ok) out.clear();
  return result;
}

}  // namespace helpline::server
