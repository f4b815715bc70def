#include "tickets/ticket_view.hpp"

#include <algorithm>
#include <map>

#include "core/error.hpp"

namespace helpline::detail {
namespace {

// One read transaction per call: every query of a call sees the same snapshot.
class ReadSnapshot {
 public:
  ReadSnapshot(Statement &begin, Statement &commit) : commit_(commit) { begin.run(); }
  ~ReadSnapshot() {
    sqlite3_step(commit_.get());
    commit_.reset();
  }
  ReadSnapshot(const ReadSnapshot &) = delete;
  ReadSnapshot &operator=(const ReadSnapshot &) = delete;

 private:
  Statement &commit_;
};

const std::string kTicketColumns =
    "SELECT id, subject, status, fields, delivery, created_at, updated_at, "
    "(SELECT count(*) FROM messages m WHERE m.ticket_id = t.id AND m.read = 0), "
    "(SELECT count(*) FROM messages m WHERE m.ticket_id = t.id) FROM tickets t ";

MessageRow queued_message(const LocalChange &c) {
  MessageRow m;
  m.id = c.message_id;
  m.ticket_id = c.ticket_id;
  m.author_type = "user";
  m.body = c.body;
  m.delivery = "queued";
  m.read = true;
  m.created_at = c.at;
  if (!c.attachment_id.empty()) {
    m.attachments.push_back(AttachmentRow{c.attachment_id, c.filename, c.content_type, c.size, "queued"});
  }
  return m;
}

std::string render(const std::vector<TicketRow> &tickets) {
  JsonOut w;
  w.begin_object().key("tickets").begin_array();
  for (const auto &t : tickets) write_ticket(w, t);
  w.end_array().end_object();
  return w.take();
}

}  // namespace

TicketView::TicketView(sqlite3 *read_db) : db_(read_db) {}

Statement &TicketView::use(std::unique_ptr<Statement> &slot, const char *sql) {
  if (!slot) slot = std::make_unique<Statement>(db_, sql);
  slot->reset();  // whatever an earlier call that threw left behind
  return *slot;
}

std::vector<TicketRow> TicketView::load_tickets(const std::string *only_id) {
  static const std::string list_sql =
      kTicketColumns + "ORDER BY updated_at DESC LIMIT " + std::to_string(kMaxTickets);
  static const std::string one_sql = kTicketColumns + "WHERE id = ?1";
  Statement &s = only_id != nullptr ? use(one_, one_sql.c_str()) : use(list_, list_sql.c_str());
  if (only_id != nullptr) s.bind(1, *only_id);
  std::vector<TicketRow> rows;
  try {
    while (s.step()) {
      TicketRow t;
      t.id = s.column_text(0);
      t.subject = s.column_text(1);
      t.status = s.column_text(2);
      t.fields_json = s.column_text(3);
      t.delivery = s.column_text(4);
      t.created_at = s.column_int64(5);
      t.updated_at = s.column_int64(6);
      t.unread = s.column_int64(7);
      t.message_count = s.column_int64(8);
      rows.push_back(std::move(t));
    }
  } catch (...) {
    s.reset();
    throw;
  }
  s.reset();
  static const std::string last_sql = std::string("SELECT ") + kMessageColumns +
                                      " FROM messages WHERE ticket_id = ?1 "
                                      "ORDER BY seq IS NULL DESC, seq DESC, created_at DESC, rowid DESC LIMIT 1";
  Statement &last = use(last_, last_sql.c_str());
  for (auto &t : rows) {
    last.bind(1, t.id);
    if (last.step()) t.last = read_message(last);
    last.reset();
  }
  return rows;
}

std::vector<MessageRow> TicketView::load_messages(const std::string &ticket_id) {
  static const std::string sql = std::string("SELECT ") + kMessageColumns +
                                 " FROM messages WHERE ticket_id = ?1 ORDER BY seq IS NULL, seq, created_at, rowid";
  Statement &s = use(messages_, sql.c_str());
  s.bind(1, ticket_id);
  std::vector<MessageRow> rows;
  std::map<std::string, std::size_t> index;
  while (s.step()) {
    rows.push_back(read_message(s));
    index[rows.back().id] = rows.size() - 1;
  }
  s.reset();
  Statement &a = use(attachments_,
                     "SELECT message_id, id, filename, content_type, size, state FROM attachments "
                     "WHERE ticket_id = ?1 ORDER BY rowid");
  a.bind(1, ticket_id);
  while (a.step()) {
    auto it = index.find(a.column_text(0));
    if (it == index.end()) continue;
    rows[it->second].attachments.push_back(
        AttachmentRow{a.column_text(1), a.column_text(2), a.column_text(3), a.column_int64(4), a.column_text(5)});
  }
  a.reset();
  return rows;
}

bool TicketView::message_stored(const std::string &message_id) {
  Statement &s = use(stored_, "SELECT 1 FROM messages WHERE id = ?1");
  s.bind(1, message_id);
  bool found = s.step();
  s.reset();
  return found;
}

void TicketView::apply(std::vector<TicketRow> &tickets, std::vector<MessageRow> *messages, const Overlay &overlay) {
  auto find = [&](const std::string &id) {
    return std::find_if(tickets.begin(), tickets.end(), [&](const TicketRow &t) { return t.id == id; });
  };
  auto listed = [&](const std::string &id) {
    return messages != nullptr &&
           std::any_of(messages->begin(), messages->end(), [&](const MessageRow &m) { return m.id == id; });
  };
  for (const auto &change : overlay) {
    const LocalChange &c = *change;
    auto t = find(c.ticket_id);
    switch (c.kind) {
      case LocalChange::Kind::kLogout:
      case LocalChange::Kind::kErase:
        tickets.clear();
        if (messages != nullptr) messages->clear();
        break;
      case LocalChange::Kind::kTicket:
        // The overlay only adds what the store does not show yet; messages_json asks about one
        // ticket (tickets holds it alone, or nothing when it is not stored yet).
        if (t != tickets.end() || (messages != nullptr && !tickets.empty())) break;
        if (messages != nullptr && !messages->empty()) break;
        {
          TicketRow row;
          row.id = c.ticket_id;
          row.subject = c.subject;
          row.status = "open";
          row.fields_json = c.fields_json.empty() ? "{}" : c.fields_json;
          row.delivery = "queued";
          row.created_at = row.updated_at = c.at;
          row.message_count = 1;
          row.last = queued_message(c);
          if (messages != nullptr) messages->push_back(*row.last);
          tickets.push_back(std::move(row));
        }
        break;
      case LocalChange::Kind::kMessage:
        if (t == tickets.end() || listed(c.message_id) || message_stored(c.message_id)) break;
        t->message_count += 1;
        t->last = queued_message(c);
        t->updated_at = std::max(t->updated_at, c.at);
        t->status = "open";
        if (messages != nullptr) messages->push_back(*t->last);
        break;
      case LocalChange::Kind::kMarkRead:
        if (t == tickets.end()) break;
        t->unread = 0;
        if (messages != nullptr) {
          for (auto &m : *messages) m.read = true;
        }
        break;
      case LocalChange::Kind::kReopen:
        if (t != tickets.end()) t->status = "open";
        break;
      case LocalChange::Kind::kIdentify:
      case LocalChange::Kind::kNoticeState:
      case LocalChange::Kind::kFaqVote:
        break;
    }
  }
}

std::string TicketView::tickets_json(const Overlay &overlay) {
  std::vector<TicketRow> tickets;
  {
    ReadSnapshot snapshot(use(begin_, "BEGIN"), use(commit_, "COMMIT"));
    tickets = load_tickets(nullptr);
    apply(tickets, nullptr, overlay);
  }
  std::stable_sort(tickets.begin(), tickets.end(),
                   [](const TicketRow &a, const TicketRow &b) { return a.updated_at > b.updated_at; });
  if (tickets.size() > static_cast<std::size_t>(kMaxTickets)) tickets.resize(kMaxTickets);
  return render(tickets);
}

std::string TicketView::messages_json(const std::string &ticket_id, const Overlay &overlay) {
  std::vector<TicketRow> tickets;
  std::vector<MessageRow> messages;
  {
    ReadSnapshot snapshot(use(begin_, "BEGIN"), use(commit_, "COMMIT"));
    tickets = load_tickets(&ticket_id);
    if (!tickets.empty()) messages = load_messages(ticket_id);
    // Only this ticket's changes matter.
    Overlay mine;
    for (const auto &c : overlay) {
      if (c->ticket_id == ticket_id || c->kind == LocalChange::Kind::kLogout) mine.push_back(c);
    }
    apply(tickets, &messages, mine);
  }
  if (tickets.empty()) throw Error(HELPLINE_E_NOT_FOUND, "no ticket " + ticket_id + " in the local view");
  JsonOut w;
  w.begin_object().key("ticket");
  write_ticket(w, tickets.front());
  w.key("messages").begin_array();
  for (const auto &m : messages) write_message(w, m);
  w.end_array().end_object();
  return w.take();
}

bool TicketView::exists(const std::string &ticket_id, const Overlay &overlay) {
  bool found = false;
  for (const auto &c : overlay) {
    if (c->kind == LocalChange::Kind::kLogout) found = false;
    if (c->kind == LocalChange::Kind::kTicket && c->ticket_id == ticket_id) found = true;
  }
  if (found) return true;
  ReadSnapshot snapshot(use(begin_, "BEGIN"), use(commit_, "COMMIT"));
  Statement &s = use(exists_, "SELECT 1 FROM tickets WHERE id = ?1");
  s.bind(1, ticket_id);
  bool stored = s.step();
  s.reset();
  // A logout still in the overlay hides what the store holds.
  for (const auto &c : overlay) {
    if (c->kind == LocalChange::Kind::kLogout) stored = false;
  }
  return stored;
}

}  // namespace helpline::detail
