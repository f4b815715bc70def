// Agent accounts and their sessions (bearer tokens and console cookies, stored as hashes).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace helpline::server {

struct AgentRecord {
  std::string id;
  std::string email;
  std::string name;
  std::string role;
  std::string password_hash;
  int64_t created_at = 0;
};

class AgentRepo {
 public:
  virtual ~AgentRepo() = default;
  virtual void insert(const std::string &app, const AgentRecord &a) = 0;
  virtual std::optional<AgentRecord> find_by_email(const std::string &app, const std::string &email) = 0;
  virtual std::optional<AgentRecord> find(const std::string &app, const std::string &id) = 0;
  virtual std::vector<AgentRecord> list(const std::string &app) = 0;  // by email
  virtual void insert_session(const std::string &token_hash, const std::string &app,
                              const std::string &agent_id, int64_t expires_at) = 0;
  // Returns (app, agent id) of a live session.
  virtual std::optional<std::pair<std::string, std::string>> find_session(const std::string &token_hash,
                                                                          int64_t now) = 0;
  virtual void delete_session(const std::string &token_hash) = 0;
};

}  // namespace helpline::server
