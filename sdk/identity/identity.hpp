// Who the instance speaks for: the anonymous device ('') or a signed-in user. The host side
// reads and switches the current user (stamped on every item as it is accepted, so items are
// sent with the credentials they were written under); the worker side keeps each user's token
// (table identities) until nothing of that user is queued any more.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "base/sqlite.hpp"
#include "store/meta.hpp"
#include "store/outbox.hpp"

namespace helpline::detail {

class Identity {
 public:
  // Host threads.
  std::string current_user() const;
  void set_current_user(const std::string &user_id);

  // Worker thread (or open/close, before/after the worker runs).
  void load(sqlite3 *db, Meta &meta);
  // The token to send for a principal ('' for the anonymous device, or when unknown).
  std::string token_for(const std::string &principal) const;
  // The principal inbound polling runs as (what the worker last committed).
  const std::string &committed_user() const noexcept { return committed_user_; }
  // Inside the commit's transaction.
  void apply_identify(sqlite3 *db, Meta &meta, const std::string &user_id, const std::string &token);
  void apply_logout(sqlite3 *db, Meta &meta, Outbox &outbox, const std::string &user_id);
  // Inside the erase transaction, after the identities table was pruned (privacy/local_erase.cpp):
  // nobody is signed in; the tokens still stored (those queued erase requests need) stay in use.
  void apply_erase(sqlite3 *db);
  // Deletes the tokens of signed-out users with nothing left queued. Returns how many.
  int forget_finished(sqlite3 *db, Outbox &outbox);

 private:
  mutable std::mutex mu_;
  std::string current_user_;
  // Worker thread only:
  std::string committed_user_;
  std::map<std::string, std::string> tokens_;
  bool logged_out_pending_ = false;
};

}  // namespace helpline::detail
