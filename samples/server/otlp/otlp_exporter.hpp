// OpenTelemetry export (protocol.md 18.2): a DiagnosticsSink that copies committed diagnostics into a bounded
// queue (full: dropped and counted, never blocking ingest) and a thread of its own that POSTs them as
// OTLP/HTTP JSON to {endpoint}/v1/logs and {endpoint}/v1/metrics every batch_ms, retrying 429/502/503/504
// and network errors with exponential backoff, dropping (and counting) a batch after max_retries.
#pragma once
#include "api/diagnostics_ingest.hpp"
#include "config.hpp"
#include "store/store.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

namespace helpline::server {

struct OtlpStats {
  bool enabled = false;
  std::string endpoint;
  int64_t queued = 0;    // waiting in the queue now
  int64_t accepted = 0;  // taken into the queue
  int64_t dropped_queue_full = 0;
  int64_t dropped_failed = 0;  // items of batches given up after retries or refused by the collector
  int64_t exported_log_records = 0;
  int64_t exported_metric_points = 0;
  int64_t requests_ok = 0;
  int64_t requests_failed = 0;  // each failed attempt, including retried ones
  std::string last_error;
};

class OtlpExporter : public DiagnosticsSink {
 public:
  OtlpExporter(const OtlpConfig &config, Store &store);
  ~OtlpExporter() override;
  void committed(const std::vector<CommittedDiagnostics> &groups) override;
  // Sends what is queued (one attempt per batch, bounded by `grace_ms`), then joins the thread.
  void stop(int64_t grace_ms = 2000);
  OtlpStats stats();

 private:
  struct Item {
    std::string app;
    DiagnosticRecord rec;
  };
  void loop();
  void export_batch(std::vector<Item> &batch, bool final);
  // POSTs `body` to {endpoint}{path}; false with `error` (and whether a retry may succeed) on failure.
  bool post(const std::string &path, const std::string &body, std::string &error, bool &retryable);
  // Sends one body with retries; false when given up (counted by the caller).
  bool deliver(const std::string &path, const std::string &body, bool final);
  std::string device_attrs(const std::string &app, const std::string &device_id);

  OtlpConfig config_;
  Store &store_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  int64_t stop_deadline_ = 0;
  OtlpStats stats_;  // under mutex_
  struct CachedAttrs {
    std::string json;
    int64_t at = 0;
  };
  std::unordered_map<std::string, CachedAttrs> attrs_cache_;  // exporter thread only
  void *curl_ = nullptr;                                      // CURL*, exporter thread only
  std::thread thread_;
};

}  // namespace helpline::server
