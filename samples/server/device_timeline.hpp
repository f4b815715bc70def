// The per-device health timeline (protocol.md 14.5): diagnostics, server rule firings and tickets of one
// device bucketed per hour or day. Pure (no SQL): api/devices.cpp loads the facts, this shapes them.
#pragma once
#include "store/store.hpp"

#include <string>
#include <vector>

namespace helpline::server {

struct TimelineFacts {
  int64_t from = 0;  // aligned to the bucket
  int64_t to = 0;
  int64_t bucket = 3600000;
  std::vector<DiagnosticRecord> diagnostics;  // ts in [from, to), any order
  bool truncated = false;                     // more diagnostics than were loaded
  std::vector<RuleFiringRecord> server_firings;
  std::vector<TicketRecord> tickets;
};

std::string timeline_json(const std::string &device_id, const TimelineFacts &f);

}  // namespace helpline::server
