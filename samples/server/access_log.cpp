#include "access_log.hpp"

#include "ids.hpp"
#include "json_out.hpp"

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
  j.obj()
      .kv("ts", now_ms())
      .kv("req_id", e.req_id)
      .kv("remote", e.remote)
      .kv("method", e.method)
      .kv("path", e.path)
      .kv("status", e.status)
      .kv("bytes_in", static_cast<int64_t>(e.bytes_in))
      .kv("bytes_out", static_cast<int64_t>(e.bytes_out))
      .kv("dur_us", e.dur_us);
  if (!e.app.empty()) j.kv("app", e.app);
  if (!e.device.empty()) j.kv("device", e.device);
  if (!e.fault.empty()) j.kv("fault", e.fault);
  j.end_obj();
  std::string line = j.take();
  line.push_back('\n');
  std::lock_guard<std::mutex> g(mutex_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

}  // namespace helpline::server
