#include "tickets/ticket_store.hpp"

#include "base/clock.hpp"
#include "base/json_writer.hpp"
#include "tickets/ticket_rows.hpp"

namespace helpline::detail {
namespace {

std::string str(const rapidjson::Value &o, const char *key, const std::string &fallback = std::string()) {
  if (o.IsObject() && o.HasMember(key) && o[key].IsString()) {
    return std::string(o[key].GetString(), o[key].GetStringLength());
  }
  return fallback;
}

int64_t num(const rapidjson::Value &o, const char *key, int64_t fallback) {
  if (o.IsObject() && o.HasMember(key) && o[key].IsInt64()) return o[key].GetInt64();
  return fallback;
}

// Outbox keys of ticket kinds are "<letter>:<local id>" (see ticket_items.cpp).
std::string local_id(const QueuedItem &item) {
  return item.idempotency_key.size() > 2 ? item.idempotency_key.substr(2) : std::string();
}

bool known_status(const std::string &s) {
  return s == "open" || s == "pending" || s == "solved" || s == "closed";
}

}  // namespace

TicketStore::TicketStore(sqlite3 *db, EmitFn emit) : db_(db), emit_(std::move(emit)) {}

// The user's own message, queued (its ticket's first message, or one written later).
void TicketStore::insert_queued_message(const std::string &ticket_id, const std::string &message_id,
                                        const std::string &body, int64_t at) {
  Statement(db_,
            "INSERT OR IGNORE INTO messages (id, ticket_id, author_type, body, delivery, read, created_at) "
            "VALUES (?1, ?2, 'user', ?3, 'queued', 1, ?4)")
      .bind(1, message_id)
      .bind(2, ticket_id)
      .bind(3, body)
      .bind(4, at)
      .run();
}

void TicketStore::apply(const change::Ticket &c) {
  Statement(db_,
            "INSERT OR IGNORE INTO tickets (id, subject, status, fields, delivery, created_at, updated_at) "
            "VALUES (?1, ?2, 'open', ?3, 'queued', ?4, ?4)")
      .bind(1, c.ticket_id)
      .bind(2, c.subject)
      .bind(3, c.fields_json.empty() ? std::string("{}") : c.fields_json)
      .bind(4, c.at)
      .run();
  insert_queued_message(c.ticket_id, c.message_id, c.body, c.at);
}

void TicketStore::apply(const change::Message &c) {
  insert_queued_message(c.ticket_id, c.message_id, c.body, c.at);
  if (!c.attachment_id.empty()) {
    Statement(
        db_,
        "INSERT OR IGNORE INTO attachments (id, ticket_id, message_id, filename, content_type, size, state) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'queued')")
        .bind(1, c.attachment_id)
        .bind(2, c.ticket_id)
        .bind(3, c.message_id)
        .bind(4, c.filename)
        .bind(5, c.content_type)
        .bind(6, c.size)
        .run();
  }
  // The server reopens a ticket the user writes on; the local view does the same at once.
  Statement(db_,
            "UPDATE tickets SET updated_at = max(updated_at, ?2), "
            "status = CASE WHEN status = 'open' THEN status ELSE 'open' END WHERE id = ?1")
      .bind(1, c.ticket_id)
      .bind(2, c.at)
      .run();
}

void TicketStore::apply(const change::MarkRead &c) {
  Statement(db_, "UPDATE messages SET read = 1 WHERE ticket_id = ?1 AND read = 0").bind(1, c.ticket_id).run();
}

void TicketStore::apply(const change::Reopen &c) {
  Statement(db_, "UPDATE tickets SET status = 'open', updated_at = max(updated_at, ?2) WHERE id = ?1")
      .bind(1, c.ticket_id)
      .bind(2, c.at)
      .run();
}

void TicketStore::set_message_delivery(const std::string &message_id, const char *delivery,
                                       std::optional<int64_t> seq, const std::string &error_json) {
  Statement update(db_, "UPDATE OR IGNORE messages SET delivery = ?2, seq = coalesce(?3, seq) WHERE id = ?1");
  update.bind(1, message_id).bind(2, std::string(delivery));
  if (seq) update.bind(3, *seq);
  update.run();
  Statement ticket(db_, "SELECT ticket_id FROM messages WHERE id = ?1");
  ticket.bind(1, message_id);
  if (!ticket.step()) return;
  JsonObjectWriter w;
  w.field("ticket_id", ticket.column_text(0)).field("message_id", message_id).field("delivery", delivery);
  if (error_json.empty()) {
    w.null_field("error");
  } else {
    w.raw_field("error", error_json);
  }
  emit_(HELPLINE_EVENT_DELIVERY, w.finish());
}

void TicketStore::ticket_delivered(const QueuedItem &item) {
  const std::string id = local_id(item);
  Statement(db_, "UPDATE tickets SET delivery = 'sent' WHERE id = ?1").bind(1, id).run();
  Statement first(db_,
                  "SELECT id FROM messages WHERE ticket_id = ?1 AND author_type = 'user' "
                  "ORDER BY created_at, rowid LIMIT 1");
  first.bind(1, id);
  if (first.step()) set_message_delivery(first.column_text(0), "sent", int64_t{1}, std::string());
}

void TicketStore::ticket_refused(const QueuedItem &item, const std::string &error_json) {
  const std::string id = local_id(item);
  Statement(db_, "UPDATE tickets SET delivery = 'failed' WHERE id = ?1").bind(1, id).run();
  Statement messages(db_, "SELECT id FROM messages WHERE ticket_id = ?1 AND delivery = 'queued'");
  messages.bind(1, id);
  std::vector<std::string> ids;
  while (messages.step()) ids.push_back(messages.column_text(0));
  for (const auto &m : ids) set_message_delivery(m, "failed", std::nullopt, error_json);
}

void TicketStore::message_delivered(const QueuedItem &item, const rapidjson::Value *body) {
  std::optional<int64_t> seq;
  if (body != nullptr && body->IsObject() && body->HasMember("seq") && (*body)["seq"].IsInt64()) {
    seq = (*body)["seq"].GetInt64();
  }
  set_message_delivery(local_id(item), "sent", seq, std::string());
}

void TicketStore::message_refused(const QueuedItem &item, const std::string &error_json) {
  set_message_delivery(local_id(item), "failed", std::nullopt, error_json);
}

void TicketStore::upload_done(const QueuedItem &item, bool uploaded) {
  attachment_state(local_id(item), uploaded ? "uploaded" : "failed");
}

void TicketStore::attachment_state(const std::string &attachment_id, const std::string &state) {
  Statement(db_, "UPDATE attachments SET state = ?2 WHERE id = ?1")
      .bind(1, attachment_id)
      .bind(2, state)
      .run();
}

bool TicketStore::upsert_ticket(const rapidjson::Value &t, bool from_history) {
  const std::string id = str(t, "id");
  const std::string status = str(t, "status");
  if (id.empty() || !known_status(status)) return false;
  Statement existing(db_, "SELECT 1 FROM tickets WHERE id = ?1 AND subject != ''");
  existing.bind(1, id);
  const bool is_new = !existing.step();
  std::string fields =
      t.HasMember("fields") && t["fields"].IsObject() ? to_json(t["fields"]) : std::string("{}");
  const int64_t created = num(t, "created_at", 0);
  Statement(
      db_,
      "INSERT INTO tickets (id, subject, status, fields, delivery, created_at, updated_at, needs_history) "
      "VALUES (?1, ?2, ?3, ?4, 'sent', ?5, ?6, ?7) ON CONFLICT (id) DO UPDATE SET subject = "
      "excluded.subject, "
      "status = excluded.status, fields = excluded.fields, delivery = 'sent', "
      "updated_at = max(updated_at, excluded.updated_at), "
      "needs_history = max(needs_history, excluded.needs_history)")
      .bind(1, id)
      .bind(2, str(t, "subject"))
      .bind(3, status)
      .bind(4, fields)
      .bind(5, created)
      .bind(6, num(t, "updated_at", created))
      .bind(7, int64_t{is_new && !from_history ? 1 : 0})
      .run();
  if (is_new) {
    TicketRow row;
    row.id = id;
    row.subject = str(t, "subject");
    row.status = status;
    row.fields_json = fields;
    row.delivery = "sent";
    row.created_at = created;
    row.updated_at = num(t, "updated_at", created);
    row.message_count = num(t, "message_count", 0);
    emit_(HELPLINE_EVENT_TICKET, JsonObjectWriter().raw_field("ticket", ticket_json(row)).finish());
  }
  return is_new;
}

namespace {
const rapidjson::Value *data_of(const rapidjson::Value &item) {
  return item.HasMember("data") && item["data"].IsObject() ? &item["data"] : nullptr;
}
}  // namespace

bool TicketStore::on_sync_message(const rapidjson::Value &item) {
  const rapidjson::Value *data = data_of(item);
  if (data != nullptr) insert_message(*data, true);
  return data != nullptr;
}

bool TicketStore::on_sync_ticket(const rapidjson::Value &item) {
  const rapidjson::Value *data = data_of(item);
  if (data != nullptr) upsert_ticket(*data, false);
  return data != nullptr;
}

bool TicketStore::on_sync_status(const rapidjson::Value &item) {
  const rapidjson::Value *data = data_of(item);
  if (data == nullptr) return false;
  const std::string ticket_id = str(*data, "ticket_id");
  const std::string status = str(*data, "status");
  auto previous = set_status(ticket_id, status);
  if (previous && *previous != status) {
    emit_(HELPLINE_EVENT_TICKET_STATUS,
          JsonObjectWriter()
              .field("ticket_id", ticket_id)
              .field("status", status)
              .field("previous_status", str(*data, "previous_status", *previous))
              .field("changed_by", str(*data, "changed_by", "system"))
              .finish());
  }
  return true;
}

bool TicketStore::insert_message(const rapidjson::Value &m, bool notify) {
  MessageRow row;
  row.id = str(m, "id");
  row.ticket_id = str(m, "ticket_id");
  if (row.id.empty() || row.ticket_id.empty() || !m.HasMember("seq") || !m["seq"].IsInt64()) return false;
  row.seq = m["seq"].GetInt64();
  const rapidjson::Value &author = m.HasMember("author") ? m["author"] : m["id"];
  row.author_type = str(author, "type", "system");
  if (author.IsObject() && author.HasMember("name") && author["name"].IsString())
    row.author_name = str(author, "name");
  row.body = str(m, "body");
  row.delivery = "sent";
  row.read = row.author_type == "user";
  row.created_at = num(m, "created_at", 0);
  Statement insert(
      db_,
      "INSERT OR IGNORE INTO messages (id, ticket_id, seq, author_type, author_name, body, delivery, "
      "read, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'sent', ?7, ?8)");
  insert.bind(1, row.id).bind(2, row.ticket_id).bind(3, *row.seq).bind(4, row.author_type);
  if (row.author_name) insert.bind(5, *row.author_name);
  insert.bind(6, row.body).bind(7, int64_t{row.read ? 1 : 0}).bind(8, row.created_at);
  insert.run();
  if (sqlite3_changes(db_) == 0) return false;
  if (m.HasMember("attachments") && m["attachments"].IsArray()) {
    for (const auto &a : m["attachments"].GetArray()) {
      AttachmentRow att{str(a, "id"), str(a, "filename"), str(a, "content_type"), num(a, "size", 0),
                        "uploaded"};
      if (att.id.empty()) continue;
      Statement(
          db_,
          "INSERT INTO attachments (id, ticket_id, message_id, filename, content_type, size, state) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'uploaded') ON CONFLICT (id) DO UPDATE SET state = 'uploaded'")
          .bind(1, att.id)
          .bind(2, row.ticket_id)
          .bind(3, row.id)
          .bind(4, att.filename)
          .bind(5, att.content_type)
          .bind(6, att.size)
          .run();
      row.attachments.push_back(std::move(att));
    }
  }
  // A message for a ticket this device has not seen yet: a placeholder row whose ticket and
  // history are fetched (next_needing_history).
  Statement(db_,
            "INSERT INTO tickets (id, subject, status, delivery, created_at, updated_at, needs_history) "
            "VALUES (?1, '', 'open', 'sent', ?2, ?2, 1) "
            "ON CONFLICT (id) DO UPDATE SET updated_at = max(updated_at, excluded.updated_at)")
      .bind(1, row.ticket_id)
      .bind(2, row.created_at)
      .run();
  if (notify) {
    emit_(HELPLINE_EVENT_MESSAGE, JsonObjectWriter()
                                      .field("ticket_id", row.ticket_id)
                                      .raw_field("message", message_json(row))
                                      .finish());
  }
  return true;
}

std::optional<std::string> TicketStore::set_status(const std::string &ticket_id, const std::string &status) {
  if (!known_status(status)) return std::nullopt;
  Statement previous(db_, "SELECT status FROM tickets WHERE id = ?1");
  previous.bind(1, ticket_id);
  if (!previous.step()) return std::nullopt;
  std::string before = previous.column_text(0);
  Statement(db_, "UPDATE tickets SET status = ?2, updated_at = max(updated_at, ?3) WHERE id = ?1")
      .bind(1, ticket_id)
      .bind(2, status)
      .bind(3, now_ms())
      .run();
  return before;
}

std::optional<std::string> TicketStore::next_needing_history() {
  Statement s(db_, "SELECT id FROM tickets WHERE needs_history != 0 LIMIT 1");
  if (!s.step()) return std::nullopt;
  return s.column_text(0);
}

void TicketStore::history_done(const std::string &ticket_id) {
  Statement(db_, "UPDATE tickets SET needs_history = 0 WHERE id = ?1").bind(1, ticket_id).run();
}

void TicketStore::history_refused(const std::string &ticket_id) {
  Statement placeholder(db_, "SELECT 1 FROM tickets WHERE id = ?1 AND subject = ''");
  placeholder.bind(1, ticket_id);
  if (placeholder.step()) {
    Transaction tx(db_);
    for (const char *sql :
         {"DELETE FROM attachments WHERE ticket_id = ?1", "DELETE FROM messages WHERE ticket_id = ?1",
          "DELETE FROM tickets WHERE id = ?1"}) {
      Statement(db_, sql).bind(1, ticket_id).run();
    }
    tx.commit();
    return;
  }
  history_done(ticket_id);
}

void TicketStore::clear() {
  exec(db_, "DELETE FROM attachments; DELETE FROM messages; DELETE FROM tickets;");
}

}  // namespace helpline::detail
