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
  j.obj().kv("id", t.id).kv("subject", t.subject).kv("status", t.status);
  j.key("fields").raw(t.fields_json.empty() ? std::string("{}") : t.fields_json);
  j.kv_raw("device", t.device_json);
  j.key("requester")
      .obj()
      .kv("type", user ? "user" : "device")
      .kv("id", rid)
      .kv_opt("name", t.requester_name)
      .kv_opt("email", t.requester_email);
  if (requester_attributes) {
    j.key("attributes");
    render_attributes(j, *requester_attributes);
  }
  j.end_obj();
  j.kv_opt("assignee", t.assignee_id)
      .kv("proactive", t.proactive_rule.has_value())
      .kv_opt("rule_id", t.proactive_rule)
      .kv("message_count", t.message_count)
      .kv("created_at", t.created_at)
      .kv("updated_at", t.updated_at)
      .end_obj();
}

}  // namespace

void render_attributes(JsonOut &j, const std::vector<AttributeRecord> &attrs) {
  j.obj();
  for (const auto &a : attrs) j.key(a.key.c_str()).raw(a.value_json);
  j.end_obj();
}

void render_ticket(JsonOut &j, const TicketRecord &t) {
  ticket_common(j, t, nullptr);
}

void render_ticket_agent(JsonOut &j, const TicketRecord &t,
                         const std::vector<AttributeRecord> &requester_attributes) {
  ticket_common(j, t, &requester_attributes);
}

void render_message(JsonOut &j, const MessageRecord &m) {
  j.obj().kv("id", m.id).kv("ticket_id", m.ticket_id).kv("seq", m.seq);
  j.key("author").obj().kv("type", m.author_type).kv_opt("name", m.author_name).end_obj();
  j.kv("body", m.body);
  j.key("attachments");
  if (m.attachments_json.empty())
    j.arr().end_arr();
  else
    j.raw(m.attachments_json);
  j.kv("created_at", m.created_at).end_obj();
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
  j.obj()
      .kv("id", a.id)
      .kv("filename", a.filename)
      .kv("content_type", a.content_type)
      .kv("size", a.size)
      .kv("sha256", a.sha256)
      .kv("created_at", a.created_at)
      .end_obj();
}

void render_section(JsonOut &j, const FaqSectionRecord &s) {
  j.obj()
      .kv("id", s.id)
      .kv("locale", s.locale)
      .kv("title", s.title)
      .kv("position", s.position)
      .kv("updated_at", s.updated_at)
      .end_obj();
}

void render_article(JsonOut &j, const FaqArticleRecord &a, bool agent_view) {
  j.obj()
      .kv("id", a.id)
      .kv("section_id", a.section_id)
      .kv("locale", a.locale)
      .kv("title", a.title)
      .kv("body", a.body);
  j.key("tags").raw(a.tags_json.empty() ? std::string("[]") : a.tags_json);
  j.kv("position", a.position)
      .kv("helpful_count", a.helpful)
      .kv("not_helpful_count", a.not_helpful)
      .kv("updated_at", a.updated_at);
  if (agent_view) j.kv("published", a.published);
  j.end_obj();
}

static void notice_common(JsonOut &j, const NoticeRecord &n) {
  j.kv("id", n.id).kv("title", n.title).kv("body", n.body).kv("severity", n.severity).kv_opt("url", n.url);
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
  j.kv("updated_at", n.updated_at).kv_opt("faq_article_id", n.faq_article_id);
  j.key("target").raw(n.target_json.empty() ? std::string("{}") : n.target_json);
}

void render_notice(JsonOut &j, const NoticeRecord &n, bool acknowledged) {
  j.obj();
  notice_common(j, n);
  j.kv("acknowledged", acknowledged).end_obj();
}

void render_notice_agent(JsonOut &j, const NoticeRecord &n, int64_t ack_count) {
  j.obj();
  notice_common(j, n);
  j.kv("active", n.active).kv("created_at", n.created_at).kv("ack_count", ack_count).end_obj();
}

void render_agent(JsonOut &j, const AgentRecord &a) {
  j.obj()
      .kv("id", a.id)
      .kv("email", a.email)
      .kv("name", a.name)
      .kv("role", a.role)
      .kv("created_at", a.created_at)
      .end_obj();
}

void render_diag_request(JsonOut &j, const DiagnosticsRequestRecord &r) {
  j.obj().kv("id", r.id).kv_opt("ticket_id", r.ticket_id).kv_opt("device_id", r.device_id);
  j.key("kinds").raw(r.kinds_json.empty() ? std::string("[]") : r.kinds_json);
  j.kv_opt("message", r.message).kv("status", r.status).kv("created_at", r.created_at).end_obj();
}

void render_diagnostic(JsonOut &j, const DiagnosticRecord &d) {
  j.obj()
      .kv("id", d.seq)
      .kv("device_id", d.device_id)
      .kv("kind", d.kind)
      .kv("name", d.name)
      .kv("ts", d.ts)
      .kv_opt("level", d.level)
      .kv_opt("message", d.message);
  j.key("value");
  if (d.value)
    j.dbl(*d.value);
  else
    j.null();
  j.kv_raw("attributes", d.attributes_json)
      .kv_opt("ticket_id", d.ticket_id)
      .kv_opt("request_id", d.request_id)
      .kv("received_at", d.received_at)
      .end_obj();
}

}  // namespace helpline::server
