// Diagnostics ingest writer: one thread that owns diagnostics inserts and commits the batches of many
// requests in one transaction (group commit). I/O threads parse and validate, then hand the batch over and
// move on to other connections instead of blocking on the database write lock.
#pragma once
#include "api_error.hpp"
#include "store/store.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace helpline::server {

struct IngestItem {
  std::optional<std::string> key;
  DiagnosticRecord rec;
  std::optional<ApiError> error;
  bool duplicate = false;
};

struct IngestJob {
  std::string app;
  std::string device_id;
  std::string owner;
  std::vector<IngestItem> items;
  bool failed = false;                     // the transaction failed: nothing of this job was stored
  std::function<void(IngestJob &&)> done;  // called on the ingest thread
};

// The fresh (non-duplicate) diagnostics of one request, after their transaction committed.
struct CommittedDiagnostics {
  std::string app;
  std::string device_id;
  std::string owner;
  std::vector<DiagnosticRecord> items;  // with seq set
};

// Gets every committed group on the ingest thread, after the requests have been answered. A sink must be
// quick or hand the work to its own thread: the next group commit waits for it.
class DiagnosticsSink {
 public:
  virtual ~DiagnosticsSink() = default;
  virtual void committed(const std::vector<CommittedDiagnostics> &groups) = 0;
};

class DiagnosticsIngest {
 public:
  explicit DiagnosticsIngest(Store &store);
  ~DiagnosticsIngest();
  void submit(IngestJob job);
  void stop();  // finishes queued jobs, then joins
  // Adds a consumer of committed diagnostics (rules, OTLP export). Call before the first submit().
  void add_sink(DiagnosticsSink *sink) { sinks_.push_back(sink); }

 private:
  void loop();
  void write(std::vector<IngestJob> &jobs);

  Store &store_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<IngestJob> queue_;
  std::vector<DiagnosticsSink *> sinks_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace helpline::server
