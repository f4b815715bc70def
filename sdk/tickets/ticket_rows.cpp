#include "tickets/ticket_rows.hpp"

namespace helpline::detail {

void write_message(JsonOut &w, const MessageRow &m) {
  w.begin_object().field("id", m.id).field("ticket_id", m.ticket_id).key("seq");
  if (m.seq) {
    w.i64(*m.seq);
  } else {
    w.null();
  }
  w.key("author").begin_object().field("type", m.author_type).key("name");
  if (m.author_name) {
    w.str(*m.author_name);
  } else {
    w.null();
  }
  w.end_object();
  w.field("body", m.body)
      .field("created_at", m.created_at)
      .field("delivery", m.delivery)
      .field("read", m.read);
  w.key("attachments").begin_array();
  for (const auto &a : m.attachments) {
    w.begin_object().field("id", a.id).field("filename", a.filename).field("content_type", a.content_type);
    w.field("size", a.size).field("state", a.state).end_object();
  }
  w.end_array().end_object();
}

void write_ticket(JsonOut &w, const TicketRow &t) {
  w.begin_object().field("id", t.id).field("subject", t.subject).field("status", t.status).key("fields");
  // Stored as validated JSON text: embedded as is (an unreadable one shows as {}).
  rapidjson::Document fields;
  fields.Parse(t.fields_json.data(), t.fields_json.size());
  if (!fields.HasParseError() && fields.IsObject()) {
    w.value(fields);
  } else {
    w.begin_object().end_object();
  }
  w.field("created_at", t.created_at).field("updated_at", t.updated_at).field("unread_count", t.unread);
  w.field("message_count", t.message_count).field("delivery", t.delivery).key("last_message");
  if (t.last) {
    write_message(w, *t.last);
  } else {
    w.null();
  }
  w.end_object();
}

std::string message_json(const MessageRow &m) {
  JsonOut w;
  write_message(w, m);
  return w.take();
}

std::string ticket_json(const TicketRow &t) {
  JsonOut w;
  write_ticket(w, t);
  return w.take();
}

MessageRow read_message(const Statement &s) {
  MessageRow m;
  m.id = s.column_text(0);
  m.ticket_id = s.column_text(1);
  if (sqlite3_column_type(s.get(), 2) != SQLITE_NULL) m.seq = s.column_int64(2);
  m.author_type = s.column_text(3);
  if (sqlite3_column_type(s.get(), 4) != SQLITE_NULL) m.author_name = s.column_text(4);
  m.body = s.column_text(5);
  m.delivery = s.column_text(6);
  m.read = s.column_int64(7) != 0;
  m.created_at = s.column_int64(8);
  return m;
}

}  // namespace helpline::detail
