#include "api/diagnostics_ingest.hpp"

#include "api/auth.hpp"

#include "rules/diagnostic_values.hpp"

#include <algorithm>
#include <cstdio>
#include <unordered_map>

namespace helpline::server {

namespace {
constexpr size_t kMaxItemsPerCommit = 20000;

// Moves the fresh records out of the jobs (their replies only need keys and outcomes).
std::vector<CommittedDiagnostics> take_committed(std::vector<IngestJob> &jobs) {
  std::vector<CommittedDiagnostics> out;
  for (auto &job : jobs) {
    if (job.failed) continue;
    CommittedDiagnostics c;
    for (auto &p : job.items)
      if (!p.error && !p.duplicate) c.items.push_back(std::move(p.rec));
    if (c.items.empty()) continue;
    c.app = job.app;
    c.device_id = job.device_id;
    c.owner = job.owner;
    out.push_back(std::move(c));
  }
  return out;
}

// When the device was heard from, and whether it reported a warning or an error (device health).
DeviceSeen seen_of(const IngestJob &job) {
  DeviceSeen s;
  for (const auto &p : job.items) {
    if (p.error || p.duplicate) continue;
    s.at = std::max(s.at, p.rec.received_at);
    int rank = level_rank(p.rec.level);
    if (rank >= 4) s.error_at = p.rec.received_at;
    if (rank == 3) s.warning_at = p.rec.received_at;
  }
  return s;
}
}  // namespace

DiagnosticsIngest::DiagnosticsIngest(Store &store) : store_(store), thread_([this] { loop(); }) {}

DiagnosticsIngest::~DiagnosticsIngest() {
  stop();
}

void DiagnosticsIngest::submit(IngestJob job) {
  {
    std::lock_guard<std::mutex> g(mutex_);
    if (!stopping_) {
      queue_.push_back(std::move(job));
      cv_.notify_one();
      return;
    }
  }
  job.failed = true;  // only reachable after stop(): answer instead of dropping the request
  job.done(std::move(job));
}

void DiagnosticsIngest::stop() {
  {
    std::lock_guard<std::mutex> g(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void DiagnosticsIngest::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty() && stopping_) return;
    std::vector<IngestJob> jobs;
    size_t items = 0;
    while (!queue_.empty() && (jobs.empty() || items + queue_.front().items.size() <= kMaxItemsPerCommit)) {
      items += queue_.front().items.size();
      jobs.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();
    write(jobs);
    std::vector<CommittedDiagnostics> committed;
    if (!sinks_.empty()) committed = take_committed(jobs);
    for (auto &j : jobs) j.done(std::move(j));
    if (!committed.empty())
      for (auto *sink : sinks_) {
        try {
          sink->committed(committed);
        } catch (const std::exception &e) {
          std::fprintf(stderr, "helpline-server: diagnostics consumer failed: %s\n", e.what());
        }
      }
    lock.lock();
  }
}

void DiagnosticsIngest::write(std::vector<IngestJob> &jobs) {
  try {
    auto tx = store_.write();
    for (auto &job : jobs) {
      // Retired by an erasure that committed after this batch was authenticated: nothing of it is kept.
      try {
        refuse_retired(*tx, job.app, job.device_id);
      } catch (const ApiError &e) {
        for (auto &p : job.items) p.error = e;
        continue;
      }
      std::unordered_map<std::string, bool> ticket_ok;
      for (auto &p : job.items) {
        if (p.error) continue;
        DiagnosticRecord &d = p.rec;
        try {
          if (d.ticket_id) {
            auto it = ticket_ok.find(*d.ticket_id);
            if (it == ticket_ok.end()) {
              auto t = tx->tickets().find(job.app, *d.ticket_id);
              it = ticket_ok.emplace(*d.ticket_id, t && t->owner == job.owner).first;
            }
            if (!it->second) throw not_found("ticket");
          }
          std::optional<DiagnosticsRequestRecord> req;
          if (d.request_id) {
            req = tx->diagnostics().find_request(job.app, *d.request_id);
            if (!req || !((req->device_id && *req->device_id == job.device_id) ||
                          (req->owner && *req->owner == job.owner)))
              throw not_found("diagnostics request");
          }
          bool fresh = tx->diagnostics().insert(job.app, d);
          if (fresh && req && req->status != "fulfilled") tx->diagnostics().fulfil_request(job.app, req->id);
          p.duplicate = !fresh;
        } catch (const ApiError &e) {
          p.error = e;
        }
      }
      DeviceSeen seen = seen_of(job);
      if (seen.at > 0) tx->diagnostics().touch_device(job.app, job.device_id, seen);
    }
    tx->commit();
  } catch (const std::exception &e) {
    std::fprintf(stderr, "helpline-server: diagnostics ingest failed: %s\n", e.what());
    for (auto &job : jobs) job.failed = true;
  }
}

}  // namespace helpline::server
