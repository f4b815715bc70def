#include "tickets/ticket_rows.hpp"

#include <rapidjson/document.h>

namespace helpline::detail {
namespace {

void write_string(JsonOut &w, const char *key, const std::string &v) {
  w.Key(key);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

void write_attachment(JsonOut &w, const AttachmentRow &a) {
  w.StartObject();
  write_string(w, "id", a.id);
  write_string(w, "filename", a.filename);
  write_string(w, "content_type", a.content_type);
  w.Key("size");
  w.Int64(a.size);
  write_string(w, "state", a.state);
  w.EndObject();
}

std::string take(rapidjson::StringBuffer &buf) { return std::string(buf.GetString(), buf.GetSize()); }

}  // namespace

void write_message(JsonOut &w, const MessageRow &m) {
  w.StartObject();
  write_string(w, "id", m.id);
  write_string(w, "ticket_id", m.ticket_id);
  w.Key("seq");
  if (m.seq) {
    w.Int64(*m.seq);
  } else {
    w.Null();
  }
  w.Key("author");
  w.StartObject();
  write_string(w, "type", m.author_type);
  w.Key("name");
  if (m.author_name) {
    w.String(m.author_name->data(), static_cast<rapidjson::SizeType>(m.author_name->size()));
  } else {
    w.Null();
  }
  w.EndObject();
  write_string(w, "body", m.body);
  w.Key("created_at");
  w.Int64(m.created_at);
  write_string(w, "delivery", m.delivery);
  w.Key("read");
  w.Bool(m.read);
  w.Key("attachments");
  w.StartArray();
  for (const auto &a : m.attachments) write_attachment(w, a);
  w.EndArray();
  w.EndObject();
}

void write_ticket(JsonOut &w, const TicketRow &t) {
  w.StartObject();
  write_string(w, "id", t.id);
  write_string(w, "subject", t.subject);
  write_string(w, "status", t.status);
  w.Key("fields");
  // Stored as validated JSON text: embedded as is (an unreadable one shows as {}).
  rapidjson::Document fields;
  fields.Parse(t.fields_json.data(), t.fields_json.size());
  if (!fields.HasParseError() && fields.IsObject()) {
    fields.Accept(w);
  } else {
    w.StartObject();
    w.EndObject();
  }
  w.Key("created_at");
  w.Int64(t.created_at);
  w.Key("updated_at");
  w.Int64(t.updated_at);
  w.Key("unread_count");
  w.Int64(t.unread);
  w.Key("message_count");
  w.Int64(t.message_count);
  write_string(w, "delivery", t.delivery);
  w.Key("last_message");
  if (t.last) {
    write_message(w, *t.last);
  } else {
    w.Null();
  }
  w.EndObject();
}

std::string message_json(const MessageRow &m) {
  rapidjson::StringBuffer buf;
  JsonOut w(buf);
  write_message(w, m);
  return take(buf);
}

std::string ticket_json(const TicketRow &t) {
  rapidjson::StringBuffer buf;
  JsonOut w(buf);
  write_ticket(w, t);
  return take(buf);
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
