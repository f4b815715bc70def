// JSON shapes of protocol objects (tickets, messages, FAQ, notices, ...), in one place.
#pragma once
#include "json_out.hpp"
#include "store/store.hpp"

#include <string>

namespace helpline::server {

void render_ticket(JsonOut &j, const TicketRecord &t);
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

}  // namespace helpline::server
