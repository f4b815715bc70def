// Feedback: survey answers, "FAQ suggestions were shown" reports (deflections) and the survey prompts sent.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace helpline::server {

struct SurveyRecord {
  std::string id;
  std::string owner;
  std::string device_id;
  std::string kind;
  int64_t score = 0;
  std::optional<std::string> ticket_id;
  std::optional<std::string> comment;
  int64_t created_at = 0;
};

// One "FAQ suggestions were shown" report (POST /v1/deflections).
struct DeflectionRecord {
  std::string id;
  std::string owner;
  std::string device_id;
  std::string article_ids_json;  // array
  std::optional<std::string> query;
  std::optional<std::string> ticket_id;  // the ticket the user created anyway
  int64_t created_at = 0;
};

// A survey prompt sent to devices: per solved ticket (csat) or scheduled for a segment (nps).
struct SurveyPromptRecord {
  std::string id;
  std::string kind;
  std::string reason;  // ticket_solved | scheduled
  std::optional<std::string> ticket_id;
  std::optional<std::string> target_json;
  std::optional<std::string> agent_id;
  int64_t devices = 0;  // devices it was sent to (scheduled prompts)
  int64_t created_at = 0;
};

class SurveyRepo {
 public:
  virtual ~SurveyRepo() = default;
  virtual bool exists(const std::string &app, const std::string &id) = 0;
  virtual void insert(const std::string &app, const SurveyRecord &s) = 0;
  virtual bool deflection_exists(const std::string &app, const std::string &id) = 0;
  virtual void insert_deflection(const std::string &app, const DeflectionRecord &d) = 0;
  // The newest `limit` deflections that deflected a ticket (no ticket_id) and carry a query, newest first.
  virtual std::vector<DeflectionRecord> deflected_queries(const std::string &app, int limit) = 0;
  virtual bool prompt_exists(const std::string &app, const std::string &id) = 0;
  virtual void insert_prompt(const std::string &app, const SurveyPromptRecord &p) = 0;
  virtual std::vector<SurveyPromptRecord> prompts(const std::string &app, int limit) = 0;  // newest first
};

}  // namespace helpline::server
