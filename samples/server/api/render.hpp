// JSON shapes of protocol objects (tickets, messages, FAQ, notices, ...), in one place.
#pragma once
#include "json_fields.hpp"
#include "store/store.hpp"

#include <string>
#include <vector>

namespace helpline::server {

void render_ticket(JsonOut &j, const TicketRecord &t);
// Agent view: requester.attributes = the owner principal's attributes.
void render_ticket_agent(JsonOut &j, const TicketRecord &t,
                         const std::vector<AttributeRecord> &requester_attributes);
void render_attributes(JsonOut &j, const std::vector<AttributeRecord> &attrs);  // {"key": value, ...}
void render_message(JsonOut &j, const MessageRecord &m);
void render_attachment(JsonOut &j, const AttachmentRecord &a);
void render_section(JsonOut &j, const FaqSectionRecord &s);
void render_article(JsonOut &j, const FaqArticleRecord &a, bool agent_view);
void render_notice(JsonOut &j, const NoticeRecord &n, bool acknowledged);
void render_notice_agent(JsonOut &j, const NoticeRecord &n, int64_t ack_count);
void render_agent(JsonOut &j, const AgentRecord &a);
void render_diag_request(JsonOut &j, const DiagnosticsRequestRecord &r);
void render_diagnostic(JsonOut &j, const DiagnosticRecord &d);
std::string ticket_json(const TicketRecord &t);
std::string message_json(const MessageRecord &m);
std::string cursor_string(int64_t v);

// {"items": [...], "next_cursor": "<seq of the last item>" | null} for a page fetched with
// limit + 1 rows (the extra row only tells that there is more).
template <class Row, class Render>
std::string page_json(std::vector<Row> rows, int limit, Render render) {
  bool more = static_cast<int>(rows.size()) > limit;
  if (more) rows.resize(static_cast<size_t>(limit));
  JsonOut j;
  j.begin_object().key("items").begin_array();
  for (const auto &row : rows) render(j, row);
  j.end_array().key("next_cursor");
  if (more)
    j.str(cursor_string(rows.back().seq));
  else
    j.null();
  j.end_object();
  return j.take();
}

}  // namespace helpline::server
