#include "sync/gzip.hpp"

#include <zlib.h>

#include "base/error.hpp"

namespace helpline::detail {

std::string gzip_compress(const std::string &data) {
  z_stream zs{};
  // windowBits 15 + 16 selects the gzip wrapper; level 6 is zlib's speed/size balance.
  if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw Error(HELPLINE_E_NO_MEMORY, "deflateInit2 failed");
  }
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(data.size())) + 32);
  zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef *>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw Error(HELPLINE_E_INTERNAL, "gzip: deflate did not finish");
  out.resize(zs.total_out);
  return out;
}

}  // namespace helpline::detail
