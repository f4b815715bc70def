#pragma once
// A local OTLP/HTTP JSON collector for the export tests: a small Boost.Beast server on 127.0.0.1 that records
// every POST, answers 200 (or a scripted failure status), and a validator for the OTLP JSON mapping of
// ExportLogsServiceRequest / ExportMetricsServiceRequest
// (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): lowerCamelCase field names only, 64-bit
// integers (fixed64 times, intValue) as decimal strings, enums as numbers in range, AnyValue objects with
// exactly one value field, required fields present.
#include <rapidjson/document.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace otlp_test {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

struct Received {
  std::string path;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

class Receiver {
 public:
  Receiver() : acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { run(); });
  }
  ~Receiver() {
    stopping_ = true;
    boost::system::error_code ec;
    tcp::socket wake(ioc_);
    wake.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
    wake.close(ec);
    if (thread_.joinable()) thread_.join();
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  /// The next `n` requests are answered with `status` (e.g. 503) and not recorded as accepted.
  void fail_next(int n, int status) {
    std::lock_guard<std::mutex> g(mutex_);
    for (int i = 0; i < n; ++i) failures_.push_back(status);
  }
  std::vector<Received> received() {
    std::lock_guard<std::mutex> g(mutex_);
    return accepted_;
  }
  int refused() {
    std::lock_guard<std::mutex> g(mutex_);
    return refused_;
  }

 private:
  void run() {
    for (;;) {
      tcp::socket socket(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (stopping_ || ec) return;
      serve(socket);  // one connection at a time: the exporter keeps one keep-alive connection
    }
  }
  void serve(tcp::socket &socket) {
    boost::beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> req;
      http::request_parser<http::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      boost::system::error_code ec;
      http::read(socket, buffer, parser, ec);
      if (ec) return;
      req = parser.release();
      int status = 200;
      {
        std::lock_guard<std::mutex> g(mutex_);
        if (!failures_.empty()) {
          status = failures_.front();
          failures_.pop_front();
          ++refused_;
        } else {
          Received r;
          r.path = std::string(req.target());
          for (const auto &f : req) {
            std::string name(f.name_string());
            for (auto &c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            r.headers[name] = std::string(f.value());
          }
          r.body = req.body();
          accepted_.push_back(std::move(r));
        }
      }
      http::response<http::string_body> res{static_cast<http::status>(status), req.version()};
      res.set(http::field::content_type, "application/json");
      res.body() = status == 200 ? "{}" : R"({"code":14,"message":"unavailable"})";
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      http::write(socket, res, ec);
      if (ec || !req.keep_alive() || stopping_) return;
    }
  }

  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::deque<int> failures_;
  std::vector<Received> accepted_;
  int refused_ = 0;
  std::thread thread_;
};

// ---- validation of the OTLP JSON mapping; each function appends "path: problem" strings to `errors`.

class Validator {
 public:
  std::vector<std::string> errors;

  void logs_request(const rapidjson::Value &v) {
    object(v, "$", {"resourceLogs"}, {"resourceLogs"});
    each(v, "resourceLogs", "$", [&](const rapidjson::Value &rl, const std::string &p) {
      object(rl, p, {"resource", "scopeLogs", "schemaUrl"}, {"resource", "scopeLogs"});
      resource(member(rl, "resource"), p + ".resource");
      each(rl, "scopeLogs", p, [&](const rapidjson::Value &sl, const std::string &q) {
        object(sl, q, {"scope", "logRecords", "schemaUrl"}, {"logRecords"});
        scope(member(sl, "scope"), q + ".scope");
        each(sl, "logRecords", q,
             [&](const rapidjson::Value &lr, const std::string &r) { log_record(lr, r); });
      });
    });
  }

  void metrics_request(const rapidjson::Value &v) {
    object(v, "$", {"resourceMetrics"}, {"resourceMetrics"});
    each(v, "resourceMetrics", "$", [&](const rapidjson::Value &rm, const std::string &p) {
      object(rm, p, {"resource", "scopeMetrics", "schemaUrl"}, {"resource", "scopeMetrics"});
      resource(member(rm, "resource"), p + ".resource");
      each(rm, "scopeMetrics", p, [&](const rapidjson::Value &sm, const std::string &q) {
        object(sm, q, {"scope", "metrics", "schemaUrl"}, {"metrics"});
        scope(member(sm, "scope"), q + ".scope");
        each(sm, "metrics", q, [&](const rapidjson::Value &m, const std::string &r) { metric(m, r); });
      });
    });
  }

 private:
  static const rapidjson::Value *member(const rapidjson::Value &o, const char *k) {
    if (!o.IsObject()) return nullptr;
    auto it = o.FindMember(k);
    return it == o.MemberEnd() ? nullptr : &it->value;
  }
  void fail(const std::string &path, const std::string &what) { errors.push_back(path + ": " + what); }

  // Only the message's fields (lowerCamelCase, as the mapping requires), and the required ones present.
  void object(const rapidjson::Value &v, const std::string &path, std::set<std::string> allowed,
              std::set<std::string> required) {
    if (!v.IsObject()) return fail(path, "must be an object");
    for (const auto &m : v.GetObject()) {
      std::string k = m.name.GetString();
      if (!allowed.count(k)) fail(path + "." + k, "unknown field (not lowerCamelCase OTLP JSON)");
    }
    for (const auto &k : required)
      if (!member(v, k.c_str())) fail(path + "." + k, "required");
  }
  template <class F>
  void each(const rapidjson::Value &o, const char *key, const std::string &path, F f) {
    const rapidjson::Value *a = member(o, key);
    std::string p = path + "." + key;
    if (!a) return;
    if (!a->IsArray()) return fail(p, "must be an array");
    if (a->Empty()) fail(p, "empty (an exporter sends none rather than empty lists)");
    for (rapidjson::SizeType i = 0; i < a->Size(); ++i) f((*a)[i], p + "[" + std::to_string(i) + "]");
  }
  void fixed64(const rapidjson::Value *v, const std::string &path, bool required) {
    if (!v) {
      if (required) fail(path, "required");
      return;
    }
    if (!v->IsString()) return fail(path, "64-bit integers must be JSON strings");
    std::string s = v->GetString();
    if (s.empty() || s.size() > 20 || s.find_first_not_of("0123456789") != std::string::npos)
      return fail(path, "not an unsigned decimal integer: " + s);
    if (s.size() == 20 && s > "18446744073709551615") fail(path, "out of fixed64 range");
  }
  void resource(const rapidjson::Value *r, const std::string &path) {
    if (!r) return;
    object(*r, path, {"attributes", "droppedAttributesCount"}, {});
    attributes(member(*r, "attributes"), path + ".attributes");
  }
  void scope(const rapidjson::Value *s, const std::string &path) {
    if (!s) return;
    object(*s, path, {"name", "version", "attributes", "droppedAttributesCount"}, {});
    if (const auto *n = member(*s, "name"); n && !n->IsString()) fail(path + ".name", "must be a string");
  }
  void attributes(const rapidjson::Value *a, const std::string &path) {
    if (!a) return;
    if (!a->IsArray()) return fail(path, "must be an array of KeyValue");
    for (rapidjson::SizeType i = 0; i < a->Size(); ++i)
      key_value((*a)[i], path + "[" + std::to_string(i) + "]");
  }
  void key_value(const rapidjson::Value &kv, const std::string &path) {
    object(kv, path, {"key", "value"}, {"key"});
    if (const auto *k = member(kv, "key"); k && !k->IsString()) fail(path + ".key", "must be a string");
    if (const auto *v = member(kv, "value")) any_value(*v, path + ".value");
  }
  void any_value(const rapidjson::Value &v, const std::string &path) {
    object(v, path,
           {"stringValue", "boolValue", "intValue", "doubleValue", "arrayValue", "kvlistValue", "bytesValue"},
           {});
    if (!v.IsObject()) return;
    if (v.MemberCount() > 1) fail(path, "AnyValue holds more than one value");
    if (const auto *s = member(v, "stringValue"); s && !s->IsString())
      fail(path, "stringValue must be a string");
    if (const auto *b = member(v, "boolValue"); b && !b->IsBool()) fail(path, "boolValue must be a boolean");
    if (const auto *d = member(v, "doubleValue"); d && !d->IsNumber())
      fail(path, "doubleValue must be a number");
    if (const auto *i = member(v, "intValue")) {
      if (!i->IsString())
        fail(path, "intValue (int64) must be a JSON string");
      else {
        std::string s = i->GetString();
        if (s.empty() || s.find_first_not_of("-0123456789") != std::string::npos)
          fail(path, "intValue: " + s);
      }
    }
    if (const auto *a = member(v, "arrayValue")) {
      object(*a, path + ".arrayValue", {"values"}, {});
      if (const auto *vals = member(*a, "values")) {
        if (!vals->IsArray()) return fail(path, "arrayValue.values must be an array");
        for (rapidjson::SizeType i = 0; i < vals->Size(); ++i)
          any_value((*vals)[i], path + ".arrayValue.values[" + std::to_string(i) + "]");
      }
    }
    if (const auto *kl = member(v, "kvlistValue")) {
      object(*kl, path + ".kvlistValue", {"values"}, {});
      if (const auto *vals = member(*kl, "values")) attributes(vals, path + ".kvlistValue.values");
    }
  }
  void log_record(const rapidjson::Value &lr, const std::string &path) {
    object(lr, path,
           {"timeUnixNano", "observedTimeUnixNano", "severityNumber", "severityText", "body", "attributes",
            "droppedAttributesCount", "flags", "traceId", "spanId", "eventName"},
           {"timeUnixNano"});
    fixed64(member(lr, "timeUnixNano"), path + ".timeUnixNano", true);
    fixed64(member(lr, "observedTimeUnixNano"), path + ".observedTimeUnixNano", false);
    if (const auto *s = member(lr, "severityNumber")) {
      if (!s->IsInt() || s->GetInt() < 0 || s->GetInt() > 24)
        fail(path + ".severityNumber", "enum SeverityNumber must be an integer 0..24");
    }
    if (const auto *t = member(lr, "severityText"); t && !t->IsString())
      fail(path + ".severityText", "string");
    if (const auto *b = member(lr, "body")) any_value(*b, path + ".body");
    attributes(member(lr, "attributes"), path + ".attributes");
  }
  void number_point(const rapidjson::Value &p, const std::string &path, bool sum) {
    std::set<std::string> allowed{"attributes", "timeUnixNano", "startTimeUnixNano", "asDouble", "asInt",
                                  "exemplars",  "flags"};
    object(p, path, allowed, {"timeUnixNano"});
    fixed64(member(p, "timeUnixNano"), path + ".timeUnixNano", true);
    fixed64(member(p, "startTimeUnixNano"), path + ".startTimeUnixNano", sum);
    const auto *d = member(p, "asDouble");
    const auto *i = member(p, "asInt");
    if ((d != nullptr) == (i != nullptr)) fail(path, "exactly one of asDouble, asInt");
    if (d && !d->IsNumber()) fail(path + ".asDouble", "must be a number");
    if (i && !i->IsString()) fail(path + ".asInt", "sfixed64 must be a JSON string");
    attributes(member(p, "attributes"), path + ".attributes");
  }
  void metric(const rapidjson::Value &m, const std::string &path) {
    object(m, path,
           {"name", "description", "unit", "gauge", "sum", "histogram", "exponentialHistogram", "summary",
            "metadata"},
           {"name"});
    if (const auto *n = member(m, "name"); !n || !n->IsString() || n->GetStringLength() == 0)
      fail(path + ".name", "non-empty string required");
    int kinds = 0;
    for (const char *k : {"gauge", "sum", "histogram", "exponentialHistogram", "summary"})
      kinds += member(m, k) ? 1 : 0;
    if (kinds != 1) fail(path, "exactly one data field (gauge, sum, ...)");
    if (const auto *g = member(m, "gauge")) {
      object(*g, path + ".gauge", {"dataPoints"}, {"dataPoints"});
      each(*g, "dataPoints", path + ".gauge",
           [&](const rapidjson::Value &p, const std::string &q) { number_point(p, q, false); });
    }
    if (const auto *s = member(m, "sum")) {
      object(*s, path + ".sum", {"dataPoints", "aggregationTemporality", "isMonotonic"},
             {"dataPoints", "aggregationTemporality"});
      const auto *t = member(*s, "aggregationTemporality");
      if (t && (!t->IsInt() || t->GetInt() < 1 || t->GetInt() > 2))
        fail(path + ".sum.aggregationTemporality", "enum must be the number 1 (DELTA) or 2 (CUMULATIVE)");
      if (const auto *mono = member(*s, "isMonotonic"); mono && !mono->IsBool())
        fail(path + ".sum.isMonotonic", "bool");
      each(*s, "dataPoints", path + ".sum",
           [&](const rapidjson::Value &p, const std::string &q) { number_point(p, q, true); });
    }
  }
};

}  // namespace otlp_test
