#include "access_log.hpp"

#include "ids.hpp"
#include "json_fields.hpp"

#include <stdexcept>

namespace helpline::server {

AccessLog::AccessLog(const std::string &where) {
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
      .field("req_id", e.req_id)
      .field("remote", e.remote)
      .field("method", e.method)
      .field("path", e.path)
      .field("status", e.status)
      .field("bytes_in", static_cast<int64_t>(e.bytes_in))
      .field("bytes_out", static_cast<int64_t>(e.bytes_out))
      .field("dur_us", e.dur_us);
  if (!e.app.empty()) j.field("app", e.app);
  if (!e.device.empty()) j.field("device", e.device);
  if (!e.fault.empty()) j.field("fault", e.fault);
  j.end_object();
  std::string line = j.take();
  line.push_back('\n');
  std::lock_guard<std::mutex> g(mutex_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

}  // namespace helpline::server
