// What a host call changes in the local view (tickets, messages, attachments, identity). It
// travels with the outbox item it belongs to and is written in the same transaction as that
// row; until then readers overlay it on what the store holds (ticket_view.cpp).
#pragma once

#include <cstdint>
#include <string>

namespace helpline::detail {

struct LocalChange {
  enum class Kind {
    kTicket,    // a ticket and its first message
    kMessage,   // a user message (with an attachment when attachment_id is set)
    kMarkRead,  // every message of the ticket read
    kReopen,    // status back to open
    kIdentify,  // user_id signed in with token
    kLogout,    // user_id signed out: local view cleared
    kNoticeState,  // notice_id is now notice_state ("seen" / "dismissed")
    kFaqVote,      // article_id voted helpful or not
    kErase,        // every local trace of the user removed; request_id: the queued erase request ('' = none)
  };
  Kind kind;
  std::string ticket_id;
  std::string message_id;
  std::string subject;      // kTicket
  std::string body;         // kTicket, kMessage
  std::string fields_json;  // kTicket
  int64_t at = 0;           // unix ms
  // kMessage carrying an attachment:
  std::string attachment_id;
  std::string filename;
  std::string content_type;
  int64_t size = 0;
  // kIdentify / kLogout:
  std::string user_id;
  std::string token;
  // kNoticeState:
  std::string notice_id;
  std::string notice_state;
  // kFaqVote:
  std::string article_id;
  bool helpful = false;
  // kErase (user_id: whose request it is, '' = the anonymous device):
  std::string request_id;
  std::string origin;  // "app" (helpline_erase_all) | "server" (the server's erase sync item)
};

}  // namespace helpline::detail
