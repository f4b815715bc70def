#include "access_log.hpp"

#include "crypto.hpp"
#include "ids.hpp"
#include "json_fields.hpp"

#include <stdexcept>

namespace helpline::server {

std::string AccessLog::device_pseudonym(const std::string &app, const std::string &device) const {
  return hex(hmac_sha256(key_, app + "\n" + device)).substr(0, 16);
}

AccessLog::AccessLog(const std::string &where, const std::string &key)
    : key_(key.empty() ? random_hex(32) : key) {
  if (where == "off") return;
  if (where == "-" || where.empty()) {
    out_ = stderr;
    return;
  }
  out_ = std::fopen(where.c_str(), "a");
  if (!out_) throw std::runtime_error("cannot open access log " + where);
  owned_ = true;
  std::setvbuf(out_, nullptr, _IOLBF, 1 << 16);
}

AccessLog::~AccessLog() {
  if (owned_) std::fclose(out_);
}

void AccessLog::write(const AccessEntry &e) {
  if (!out_) return;
  JsonOut j;
  j.begin_object()
      .field("ts", now_ms())
      .field("req_id", valid_utf8(e.req_id))
      .field("remote", valid_utf8(e.remote))
      .field("method", valid_utf8(e.method))
      .field("path", valid_utf8(e.path))
      .field("status", e.status)
      .field("bytes_in", static_cast<int64_t>(e.bytes_in))
      .field("bytes_out", static_cast<int64_t>(e.bytes_out))
      .field("dur_us", e.dur_us);
  if (!e.app.empty()) j.field("app", valid_utf8(e.app));
  if (!e.device.empty()) j.field("device", device_pseudonym(e.app, e.device));
  if (!e.fault.empty()) j.field("fault", valid_utf8(e.fault));
  j.end_object();
  std::string line = j.take();
  line.push_back('\n');
  std::lock_guard<std::mutex> g(mutex_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

}  // namespace helpline::server
