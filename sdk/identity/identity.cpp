#include "identity/identity.hpp"

namespace helpline::detail {
namespace {
constexpr const char *kUserKey = "user_id";
}  // namespace

std::string Identity::current_user() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_user_;
}

void Identity::set_current_user(const std::string &user_id) {
  std::lock_guard<std::mutex> lock(mu_);
  current_user_ = user_id;
}

void Identity::load(sqlite3 *db, Meta &meta) {
  committed_user_ = meta.get(kUserKey).value_or("");
  set_current_user(committed_user_);
  tokens_.clear();
  Statement s(db, "SELECT user_id, token, logged_out FROM identities");
  while (s.step()) {
    tokens_[s.column_text(0)] = s.column_text(1);
    if (s.column_int64(2) != 0) logged_out_pending_ = true;
  }
}

std::string Identity::token_for(const std::string &principal) const {
  if (principal.empty()) return std::string();
  auto it = tokens_.find(principal);
  return it == tokens_.end() ? std::string() : it->second;
}

void Identity::apply_identify(sqlite3 *db, Meta &meta, const std::string &user_id, const std::string &token) {
  Statement(db,
            "INSERT INTO identities (user_id, token, logged_out) VALUES (?1, ?2, 0) "
            "ON CONFLICT (user_id) DO UPDATE SET token = excluded.token, logged_out = 0")
      .bind(1, user_id)
      .bind(2, token)
      .run();
  meta.set(kUserKey, user_id);
  tokens_[user_id] = token;
  committed_user_ = user_id;
}

void Identity::apply_logout(sqlite3 *db, Meta &meta, Outbox &outbox, const std::string &user_id) {
  meta.set(kUserKey, "");
  committed_user_.clear();
  if (user_id.empty()) return;
  if (outbox.has_principal(user_id)) {
    // Still needed to deliver what the user wrote: dropped by forget_finished() later.
    Statement(db, "UPDATE identities SET logged_out = 1 WHERE user_id = ?1").bind(1, user_id).run();
    logged_out_pending_ = true;
  } else {
    Statement(db, "DELETE FROM identities WHERE user_id = ?1").bind(1, user_id).run();
    tokens_.erase(user_id);
  }
}

void Identity::apply_erase(sqlite3 *db) {
  committed_user_.clear();
  tokens_.clear();
  Statement s(db, "SELECT user_id, token FROM identities");
  while (s.step()) tokens_[s.column_text(0)] = s.column_text(1);
  logged_out_pending_ = !tokens_.empty();
}

int Identity::forget_finished(sqlite3 *db, Outbox &outbox) {
  if (!logged_out_pending_) return 0;
  std::vector<std::string> done;
  bool still_pending = false;
  {
    Statement s(db, "SELECT user_id FROM identities WHERE logged_out = 1");
    while (s.step()) {
      std::string user = s.column_text(0);
      if (outbox.has_principal(user)) {
        still_pending = true;
      } else {
        done.push_back(std::move(user));
      }
    }
  }
  for (const auto &user : done) {
    Statement(db, "DELETE FROM identities WHERE user_id = ?1 AND logged_out = 1").bind(1, user).run();
    tokens_.erase(user);
  }
  logged_out_pending_ = still_pending;
  return static_cast<int>(done.size());
}

}  // namespace helpline::detail
