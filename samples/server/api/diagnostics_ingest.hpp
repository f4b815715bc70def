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

class DiagnosticsIngest {
 public:
  explicit DiagnosticsIngest(Store &store);
  ~DiagnosticsIngest();
  void submit(IngestJob job);
  void stop();  // finishes queued jobs, then joins

 private:
  void loop();
  void write(std::vector<IngestJob> &jobs);

  Store &store_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<IngestJob> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace helpline::server
