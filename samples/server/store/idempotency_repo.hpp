// Idempotency records (docs/protocol.md section 4): the response a write produced, kept per (app, scope, key)
// so a retried request gets the same answer.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace helpline::server {

struct IdempotencyRecord {
  std::string fingerprint;
  int status = 0;
  std::string body;
};

class IdempotencyRepo {
 public:
  virtual ~IdempotencyRepo() = default;
  virtual std::optional<IdempotencyRecord> find(const std::string &app, const std::string &scope,
                                                const std::string &key) = 0;
  virtual void save(const std::string &app, const std::string &scope, const std::string &key,
                    const IdempotencyRecord &rec, int64_t now) = 0;
  virtual void purge(int64_t older_than) = 0;
};

}  // namespace helpline::server
