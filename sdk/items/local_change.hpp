// What a host call changes in the local view (tickets, identity, notices, votes, erase). It travels
// with the outbox item it belongs to and is written in the same transaction as that row (by the
// applier its feature registered, items/registry.hpp); until then readers overlay it on what the
// store holds, so a host sees its own writes at once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace helpline::detail {
namespace change {

struct Ticket {  // a ticket and its first message
  std::string ticket_id;
  std::string message_id;
  std::string subject;
  std::string body;
  std::string fields_json;
  int64_t at = 0;  // unix ms
};
struct Message {  // a user message (with an attachment when attachment_id is set)
  std::string ticket_id;
  std::string message_id;
  std::string body;
  int64_t at = 0;
  std::string attachment_id;
  std::string filename;
  std::string content_type;
  int64_t size = 0;
};
struct MarkRead {  // every message of the ticket read
  std::string ticket_id;
  int64_t at = 0;
};
struct Reopen {  // status back to open
  std::string ticket_id;
  int64_t at = 0;
};
struct Identify {  // user_id signed in with token
  std::string user_id;
  std::string token;
};
struct Logout {  // user_id signed out: local view cleared
  std::string user_id;
};
struct NoticeState {  // the notice is now "seen" or "dismissed"
  std::string notice_id;
  std::string state;
};
struct FaqVote {  // the article voted helpful or not
  std::string article_id;
  bool helpful = false;
};
struct Erase {             // every local trace of the user removed
  std::string request_id;  // the queued erase request ('' = none)
  std::string user_id;     // whose request it is ('' = the anonymous device)
  std::string origin;      // "app" (helpline_erase_all) | "server" (the server's erase sync item)
};

}  // namespace change

using LocalChange =
    std::variant<change::Ticket, change::Message, change::MarkRead, change::Reopen, change::Identify,
                 change::Logout, change::NoticeState, change::FaqVote, change::Erase>;

// Accepted and not yet committed, in order: what readers overlay on the store.
using Overlay = std::vector<std::shared_ptr<const LocalChange>>;

// The change as T, or nullptr when it is another alternative.
template <class T>
const T *as(const LocalChange &c) noexcept {
  return std::get_if<T>(&c);
}

// The ticket a change is about ('' for changes that are not about one ticket).
inline const std::string &ticket_of(const LocalChange &c) noexcept {
  static const std::string kNone;
  if (const auto *t = as<change::Ticket>(c)) return t->ticket_id;
  if (const auto *m = as<change::Message>(c)) return m->ticket_id;
  if (const auto *r = as<change::MarkRead>(c)) return r->ticket_id;
  if (const auto *o = as<change::Reopen>(c)) return o->ticket_id;
  return kNone;
}

}  // namespace helpline::detail
