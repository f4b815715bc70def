// Deflection: the FAQ articles suggested while the user writes a ticket (helpline_faq_suggest_for_
// ticket) are reported to the server with the ticket that follows, or alone once the window passed
// without a ticket (the FAQ answered the user). Thread-safe: suggestions arrive on host threads,
// the report timer runs on the worker.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "items/instance.hpp"
#include "items/item.hpp"

namespace helpline::detail {

class Deflection {
 public:
  // Suggestions followed by a ticket within this window are reported with the ticket.
  static constexpr int64_t kWindowMs = 30 * 60 * 1000;

  explicit Deflection(Instance &instance) : instance_(instance) {}

  // Host: what suggest_for_ticket returned (its "hits" JSON) for this subject and body; arms the
  // report timer (one, however many suggestions are typed).
  void suggested(const std::string &hits_json, std::string_view subject, std::string_view body);
  // Host: the report that goes right after the ticket being created, if anything was suggested.
  std::optional<NewItem> take_for_ticket(const std::string &ticket_id);
  // Reports suggestions at least `older_than_ms` old as answered by the FAQ (no ticket followed).
  void flush(int64_t older_than_ms);
  void clear();  // erase: nothing suggested is reported

 private:
  void on_timer();

  Instance &instance_;
  std::mutex mu_;
  std::vector<std::string> article_ids_;
  std::string query_;
  int64_t at_ = 0;
  std::atomic<bool> timer_{false};
};

}  // namespace helpline::detail
