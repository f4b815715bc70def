// The facts the support metrics are computed from (docs/metrics.md; formulas in metrics_report.cpp). Windows
// are [from, to) in ms.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace helpline::server {

struct TicketFact {  // a ticket created in the window
  int64_t created_at = 0;
  std::string fields_json;
  std::string device_json;        // device context sent with the ticket
  std::string device_attrs_json;  // PUT /v1/device document of the creating device ("" if none)
};
struct FirstReplyFact {  // a ticket whose first agent message was sent in the window
  int64_t created_at = 0;
  int64_t first_reply_at = 0;
};
struct ResolutionFact {  // a ticket (now solved or closed) whose latest resolution lies in the window
  int64_t created_at = 0;
  int64_t resolved_at = 0;
  int64_t agent_replies = 0;  // agent messages up to the resolution
  int64_t reopens = 0;        // solved/closed -> open/pending transitions, ever
};
struct SurveyFact {
  std::string kind;
  int64_t score = 0;
  int64_t created_at = 0;
};
struct DeflectionFact {
  int64_t created_at = 0;
  bool ticket_created = false;
};

class MetricsRepo {
 public:
  virtual ~MetricsRepo() = default;
  virtual std::vector<TicketFact> tickets(const std::string &app, int64_t from, int64_t to) = 0;
  virtual std::vector<FirstReplyFact> first_replies(const std::string &app, int64_t from, int64_t to) = 0;
  virtual std::vector<ResolutionFact> resolutions(const std::string &app, int64_t from, int64_t to) = 0;
  virtual std::vector<SurveyFact> surveys(const std::string &app, int64_t from, int64_t to) = 0;
  virtual std::vector<DeflectionFact> deflections(const std::string &app, int64_t from, int64_t to) = 0;
  // Tickets created before `at` whose status just before `at` was open or pending.
  virtual int64_t backlog(const std::string &app, int64_t at) = 0;
};

}  // namespace helpline::server
