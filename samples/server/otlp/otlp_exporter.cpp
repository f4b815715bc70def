#include "otlp/otlp_exporter.hpp"

#include "ids.hpp"
#include "otlp/otlp_json.hpp"
#include "protocol/wire.hpp"
#include "rules/diagnostic_values.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <random>

namespace helpline::server {

namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kMaxBackoffMs = 30000;
constexpr int64_t kAttrsTtlMs = 60000;

size_t discard(char *, size_t size, size_t n, void *) {
  return size * n;
}

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}

bool metric_item(const DiagnosticRecord &d) {
  return is_heartbeat(d) || (d.kind == "metric" && d.value);
}

}  // namespace

OtlpExporter::OtlpExporter(const OtlpConfig &config, Store &store) : config_(config), store_(store) {
  stats_.enabled = true;
  stats_.endpoint = config.endpoint;
  curl_global_init(CURL_GLOBAL_DEFAULT);  // the server owns the process: initialise once, before the thread
  curl_ = curl_easy_init();
  thread_ = std::thread([this] { loop(); });
}

OtlpExporter::~OtlpExporter() {
  stop(0);
  if (curl_) curl_easy_cleanup(static_cast<CURL *>(curl_));
}

void OtlpExporter::committed(const std::vector<CommittedDiagnostics> &groups) {
  size_t n = 0;
  for (const auto &g : groups) n += g.items.size();
  std::lock_guard<std::mutex> g(mutex_);
  if (stopping_) return;
  for (const auto &grp : groups)
    for (const auto &d : grp.items) {
      if (queue_.size() >= config_.max_queue_items) {
        ++stats_.dropped_queue_full;
        continue;
      }
      queue_.push_back(Item{grp.app, d});
      ++stats_.accepted;
    }
  if (n) cv_.notify_one();
}

void OtlpExporter::stop(int64_t grace_ms) {
  {
    std::lock_guard<std::mutex> g(mutex_);
    if (!stopping_) {
      stopping_ = true;
      stop_deadline_ = steady_ms() + grace_ms;
    }
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

OtlpStats OtlpExporter::stats() {
  std::lock_guard<std::mutex> g(mutex_);
  OtlpStats s = stats_;
  s.queued = static_cast<int64_t>(queue_.size());
  return s;
}

void OtlpExporter::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_ && (queue_.empty() || steady_ms() >= stop_deadline_)) {
      stats_.dropped_failed += static_cast<int64_t>(queue_.size());
      queue_.clear();
      return;
    }
    // Collect for batch_ms (or until a batch is full) so one request carries many diagnostics.
    auto until = Clock::now() + std::chrono::milliseconds(config_.batch_ms);
    cv_.wait_until(lock, until, [this] { return stopping_ || queue_.size() >= config_.max_batch_items; });
    std::vector<Item> batch;
    size_t take = std::min(queue_.size(), config_.max_batch_items);
    batch.reserve(take);
    for (size_t i = 0; i < take; ++i) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    bool final = stopping_;
    lock.unlock();
    try {
      export_batch(batch, final);
    } catch (const std::exception &e) {
      std::fprintf(stderr, "helpline-server: OTLP export failed: %s\n", e.what());
    }
    lock.lock();
  }
}

std::string OtlpExporter::device_attrs(const std::string &app, const std::string &device_id) {
  std::string key = app + "\n" + device_id;
  int64_t now = steady_ms();
  auto it = attrs_cache_.find(key);
  if (it != attrs_cache_.end() && now - it->second.at < kAttrsTtlMs) return it->second.json;
  if (attrs_cache_.size() > 50000) attrs_cache_.clear();
  auto tx = store_.read();
  auto d = tx->identity().find_device(app, device_id);
  CachedAttrs c{d ? d->attrs_json : std::string(), now};
  attrs_cache_[key] = c;
  return c.json;
}

void OtlpExporter::export_batch(std::vector<Item> &batch, bool final) {
  std::map<std::pair<std::string, std::string>, size_t> index;  // (app, device) -> devices[i]
  std::vector<OtlpDevice> devices;
  size_t log_items = 0, metric_items = 0;
  for (const auto &item : batch) {
    auto key = std::make_pair(item.app, item.rec.device_id);
    auto it = index.find(key);
    if (it == index.end()) {
      it = index.emplace(key, devices.size()).first;
      devices.push_back(
          OtlpDevice{item.app, item.rec.device_id, device_attrs(item.app, item.rec.device_id), {}});
    }
    devices[it->second].items.push_back(&item.rec);
    (metric_item(item.rec) ? metric_items : log_items) += 1;
  }
  size_t records = 0, points = 0;
  std::string logs = otlp_logs_request(devices, records);
  std::string metrics = otlp_metrics_request(devices, points);
  bool logs_ok = logs.empty() || deliver(wire::path::kLogs, logs, final);
  bool metrics_ok = metrics.empty() || deliver(wire::path::kMetrics, metrics, final);
  std::lock_guard<std::mutex> g(mutex_);
  if (logs_ok)
    stats_.exported_log_records += static_cast<int64_t>(records);
  else
    stats_.dropped_failed += static_cast<int64_t>(log_items);
  if (metrics_ok)
    stats_.exported_metric_points += static_cast<int64_t>(points);
  else
    stats_.dropped_failed += static_cast<int64_t>(metric_items);
}

bool OtlpExporter::deliver(const std::string &path, const std::string &body, bool final) {
  std::mt19937 rng(std::random_device{}());
  for (int64_t attempt = 0;; ++attempt) {
    std::string error;
    bool retryable = false;
    bool ok = post(path, body, error, retryable);
    std::unique_lock<std::mutex> lock(mutex_);
    if (ok) {
      ++stats_.requests_ok;
      return true;
    }
    ++stats_.requests_failed;
    stats_.last_error = path + ": " + error;
    if (!retryable || final || attempt >= config_.max_retries) return false;
    // Exponential backoff with jitter; a stop request cuts the wait short (and ends the retries).
    int64_t base = std::min(kMaxBackoffMs, config_.batch_ms << std::min<int64_t>(attempt, 20));
    int64_t delay = base / 2 + std::uniform_int_distribution<int64_t>(0, base / 2)(rng);
    if (cv_.wait_for(lock, std::chrono::milliseconds(delay), [this] { return stopping_; })) final = true;
  }
}

bool OtlpExporter::post(const std::string &path, const std::string &body, std::string &error,
                        bool &retryable) {
  CURL *c = static_cast<CURL *>(curl_);
  if (!c) {
    error = "curl_easy_init failed";
    retryable = false;
    return false;
  }
  std::string url = config_.endpoint + path;
  struct curl_slist *headers = curl_slist_append(nullptr, "Content-Type: application/json");
  for (const auto &[k, v] : config_.headers) headers = curl_slist_append(headers, (k + ": " + v).c_str());
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.timeout_ms));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min<int64_t>(config_.timeout_ms, 2000)));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
  CURLcode rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    error = curl_easy_strerror(rc);
    retryable = true;
    return false;
  }
  if (status >= 200 && status < 300) return true;
  error = "HTTP " + std::to_string(status);
  // OTLP/HTTP: 429, 502, 503 and 504 are retryable; any other error status is final for this batch.
  retryable = status == 429 || status == 502 || status == 503 || status == 504;
  return false;
}

}  // namespace helpline::server
