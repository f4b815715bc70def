#include "api/render.hpp"

namespace helpline::server {

std::string cursor_string(int64_t v) {
  return std::to_string(v);
}

namespace {

void ticket_common(JsonOut &j, const TicketRecord &t,
                   const std::vector<AttributeRecord> *requester_attributes) {
  bool user = t.owner.rfind("user:", 0) == 0;
  std::string rid = t.owner.substr(t.owner.find(':') + 1);
  j.begin_object().field("id", t.id).field("subject", t.subject).field("status", t.status);
  j.key("fields").raw_or_null(t.fields_json.empty() ? std::string("{}") : t.fields_json);
  j.raw_or_null_field("device", t.device_json);
  j.key("requester")
      .begin_object()
      .field("type", user ? "user" : "device")
      .field("id", rid)
      .opt_field("name", t.requester_name)
      .opt_field("email", t.requester_email);
  if (requester_attributes) {
    j.key("attributes");
    render_attributes(j, *requester_attributes);
  }
  j.end_object();
  j.opt_field("assignee", t.assignee_id)
      .field("proactive", t.proactive_rule.has_value())
      .opt_field("rule_id", t.proactive_rule)
      .field("message_count", t.message_count)
      .field("created_at", t.created_at)
      .field("updated_at", t.updated_at)
      .end_object();
}

}  // namespace

void render_attributes(JsonOut &j, const std::vector<AttributeRecord> &attrs) {
  j.begin_object();
  for (const auto &a : attrs) j.key(a.key.c_str()).raw_or_null(a.value_json);
  j.end_object();
}

void render_ticket(JsonOut &j, const TicketRecord &t) {
  ticket_common(j, t, nullptr);
}

void render_ticket_agent(JsonOut &j, const TicketRecord &t,
                         const std::vector<AttributeRecord> &requester_attributes) {
  ticket_common(j, t, &requester_attributes);
}

void render_message(JsonOut &j, const MessageRecord &m) {
  j.begin_object().field("id", m.id).field("ticket_id", m.ticket_id).field("seq", m.seq);
  j.key("author").begin_object().field("type", m.author_type).opt_field("name", m.author_name).end_object();
  j.field("body", m.body);
  j.key("attachments");
  if (m.attachments_json.empty())
    j.begin_array().end_array();
  else
    j.raw_or_null(m.attachments_json);
  j.field("created_at", m.created_at).end_object();
}

std::string ticket_json(const TicketRecord &t) {
  JsonOut j;
  render_ticket(j, t);
  return j.take();
}

std::string message_json(const MessageRecord &m) {
  JsonOut j;
  render_message(j, m);
  return j.take();
}

void render_attachment(JsonOut &j, const AttachmentRecord &a) {
  j.begin_object()
      .field("id", a.id)
      .field("filename", a.filename)
      .field("content_type", a.content_type)
      .field("size", a.size)
      .field("sha256", a.sha256)
      .field("created_at", a.created_at)
      .end_object();
}

void render_section(JsonOut &j, const FaqSectionRecord &s) {
  j.begin_object()
      .field("id", s.id)
      .field("locale", s.locale)
      .field("title", s.title)
      .field("position", s.position)
      .field("updated_at", s.updated_at)
      .end_object();
}

void render_article(JsonOut &j, const FaqArticleRecord &a, bool agent_view) {
  j.begin_object()
      .field("id", a.id)
      .field("section_id", a.section_id)
      .field("locale", a.locale)
      .field("title", a.title)
      .field("body", a.body);
  j.key("tags").raw_or_null(a.tags_json.empty() ? std::string("[]") : a.tags_json);
  j.field("position", a.position)
      .field("helpful_count", a.helpful)
      .field("not_helpful_count", a.not_helpful)
      .field("updated_at", a.updated_at);
  if (agent_view) j.field("published", a.published);
  j.end_object();
}

static void notice_common(JsonOut &j, const NoticeRecord &n) {
  j.field("id", n.id)
      .field("title", n.title)
      .field("body", n.body)
      .field("severity", n.severity)
      .opt_field("url", n.url);
  j.key("starts_at");
  if (n.starts_at)
    j.i64(*n.starts_at);
  else
    j.null();
  j.key("ends_at");
  if (n.ends_at)
    j.i64(*n.ends_at);
  else
    j.null();
  j.field("updated_at", n.updated_at).opt_field("faq_article_id", n.faq_article_id);
  j.key("target").raw_or_null(n.target_json.empty() ? std::string("{}") : n.target_json);
}

void render_notice(JsonOut &j, const NoticeRecord &n, bool acknowledged) {
  j.begin_object();
  notice_common(j, n);
  j.field("acknowledged", acknowledged).end_object();
}

void render_notice_agent(JsonOut &j, const NoticeRecord &n, int64_t ack_count) {
  j.begin_object();
  notice_common(j, n);
  j.field("active", n.active).field("created_at", n.created_at).field("ack_count", ack_count).end_object();
}

void render_agent(JsonOut &j, const AgentRecord &a) {
  j.begin_object()
      .field("id", a.id)
      .field("email", a.email)
      .field("name", a.name)
      .field("role", a.role)
      .field("created_at", a.created_at)
      .end_object();
}

void render_diag_request(JsonOut &j, const DiagnosticsRequestRecord &r) {
  j.begin_object().field("id", r.id).opt_field("ticket_id", r.ticket_id).opt_field("device_id", r.device_id);
  j.key("kinds").raw_or_null(r.kinds_json.empty() ? std::string("[]") : r.kinds_json);
  j.opt_field("message", r.message).field("status", r.status).field("created_at", r.created_at).end_object();
}

void render_diagnostic(JsonOut &j, const DiagnosticRecord &d) {
  j.begin_object()
      .field("id", d.seq)
      .field("device_id", d.device_id)
      .field("kind", d.kind)
      .field("name", d.name)
      .field("ts", d.ts)
      .opt_field("level", d.level)
      .opt_field("message", d.message);
  j.key("value");
  if (d.value)
    j.number(*d.value);
  else
    j.null();
  j.raw_or_null_field("attributes", d.attributes_json)
      .opt_field("ticket_id", d.ticket_id)
      .opt_field("request_id", d.request_id)
      .field("received_at", d.received_at)
      .end_object();
}

}  // namespace helpline::server
