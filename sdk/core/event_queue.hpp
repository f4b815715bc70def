// Bounded queue of events waiting for helpline_dispatch() on a host thread. When full, the
// oldest event is dropped and counted, and the loss itself is reported as an event.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "helpline/helpline.h"

namespace helpline::detail {

struct Event {
  helpline_event_type_t type;
  std::string json;
};

class EventQueue {
 public:
  explicit EventQueue(std::size_t capacity) : capacity_(capacity) {}

  void push(Event event);
  // Takes the next event; false when empty. A pending loss is reported first.
  bool pop(Event &out);

  std::size_t pending() const;
  uint64_t lost() const;

 private:
  void compact();

  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::vector<Event> events_;  // waiting from head_ on, oldest first
  std::size_t head_ = 0;
  uint64_t lost_total_ = 0;
  uint64_t lost_unreported_ = 0;
};

}  // namespace helpline::detail
