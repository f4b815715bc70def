// The instance's read-only connection to its store (WAL: readers never wait for the writer), shared
// by the host-thread readers of every feature (ticket view, notices, FAQ search) one call at a time.
// Opened on first use. Each read also gets the overlay: the local changes accepted and not yet
// committed, so a host sees its own writes at once. Readers keep their prepared statements in views
// built on the connection; close() drops those views before the connection.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "base/sqlite.hpp"
#include "items/local_change.hpp"

namespace helpline::detail {

class ReadConnection {
 public:
  ReadConnection(std::string path, std::function<Overlay()> overlay)
      : path_(std::move(path)), overlay_(std::move(overlay)) {}

  // Runs fn(db, overlay) under the connection's lock. Throws Error(HELPLINE_E_CLOSED) after close().
  template <class Fn>
  auto with(Fn &&fn) {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) throw Error(HELPLINE_E_CLOSED, "the instance is closed");
    if (!db_) open();
    return fn(db_.get(), overlay_());
  }
  // Before any read: `drop` resets views built on the connection (called by close()).
  void on_close(std::function<void()> drop) { on_close_.push_back(std::move(drop)); }
  // Refuses further reads (HELPLINE_E_CLOSED).
  void refuse() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }
  void close();

 private:
  void open();

  const std::string path_;
  std::function<Overlay()> overlay_;
  std::vector<std::function<void()>> on_close_;
  std::mutex mu_;
  SqliteDb db_;
  bool closed_ = false;
};

}  // namespace helpline::detail
