#include "tickets/ticket_view.hpp"

#include <algorithm>
#include <map>

#include "base/error.hpp"

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

MessageRow queued_message(const std::string &ticket_id, const std::string &message_id,
                          const std::string &body, int64_t at) {
  MessageRow m;
  m.id = message_id;
  m.ticket_id = ticket_id;
  m.author_type = "user";
  m.body = body;
  m.delivery = "queued";
  m.read = true;
  m.created_at = at;
  return m;
}

MessageRow queued_message(const change::Message &c) {
  MessageRow m = queued_message(c.ticket_id, c.message_id, c.body, c.at);
  if (!c.attachment_id.empty()) {
    m.attachments.push_back(AttachmentRow{c.attachment_id, c.filename, c.content_type, c.size, "queued"});
  }
  return m;
}

// The newest first (updated_at descending; equal times keep their order), at most kMaxTickets. An
// insertion sort of pointers over at most a few hundred rows: no sort instantiated over TicketRow.
std::string render(const std::vector<TicketRow> &tickets, size_t max) {
  std::vector<const TicketRow *> order;
  for (const auto &t : tickets) {
    order.push_back(&t);
    for (size_t j = order.size() - 1; j > 0 && order[j]->updated_at > order[j - 1]->updated_at; --j)
      std::swap(order[j], order[j - 1]);
  }
  if (order.size() > max) order.resize(max);
  JsonOut w;
  w.begin_object().key("tickets").begin_array();
  for (const TicketRow *t : order) write_ticket(w, *t);
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
  static const std::string last_sql =
      std::string("SELECT ") + kMessageColumns +
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
  static const std::string sql =
      std::string("SELECT ") + kMessageColumns +
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
    rows[it->second].attachments.push_back(AttachmentRow{a.column_text(1), a.column_text(2), a.column_text(3),
                                                         a.column_int64(4), a.column_text(5)});
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

void TicketView::apply(std::vector<TicketRow> &tickets, std::vector<MessageRow> *messages,
                       const Overlay &overlay) {
  auto find = [&](const std::string &id) {
    return std::find_if(tickets.begin(), tickets.end(), [&](const TicketRow &t) { return t.id == id; });
  };
  auto listed = [&](const std::string &id) {
    return messages != nullptr &&
           std::any_of(messages->begin(), messages->end(), [&](const MessageRow &m) { return m.id == id; });
  };
  for (const auto &change : overlay) {
    const LocalChange &c = *change;
    auto t = find(ticket_of(c));
    if (as<change::Logout>(c) != nullptr || as<change::Erase>(c) != nullptr) {
      tickets.clear();
      if (messages != nullptr) messages->clear();
    } else if (const auto *nt = as<change::Ticket>(c)) {
      // The overlay only adds what the store does not show yet; messages_json asks about one
      // ticket (tickets holds it alone, or nothing when it is not stored yet).
      if (t != tickets.end() || (messages != nullptr && !tickets.empty())) continue;
      if (messages != nullptr && !messages->empty()) continue;
      TicketRow row;
      row.id = nt->ticket_id;
      row.subject = nt->subject;
      row.status = "open";
      row.fields_json = nt->fields_json.empty() ? "{}" : nt->fields_json;
      row.delivery = "queued";
      row.created_at = row.updated_at = nt->at;
      row.message_count = 1;
      row.last = queued_message(nt->ticket_id, nt->message_id, nt->body, nt->at);
      if (messages != nullptr) messages->push_back(*row.last);
      tickets.push_back(std::move(row));
    } else if (const auto *m = as<change::Message>(c)) {
      if (t == tickets.end() || listed(m->message_id) || message_stored(m->message_id)) continue;
      t->message_count += 1;
      t->last = queued_message(*m);
      t->updated_at = std::max(t->updated_at, m->at);
      t->status = "open";
      if (messages != nullptr) messages->push_back(*t->last);
    } else if (as<change::MarkRead>(c) != nullptr) {
      if (t == tickets.end()) continue;
      t->unread = 0;
      if (messages != nullptr) {
        for (auto &msg : *messages) msg.read = true;
      }
    } else if (as<change::Reopen>(c) != nullptr) {
      if (t != tickets.end()) t->status = "open";
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
  return render(tickets, static_cast<size_t>(kMaxTickets));
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
      if (ticket_of(*c) == ticket_id || as<change::Logout>(*c) != nullptr) mine.push_back(c);
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
    if (as<change::Logout>(*c) != nullptr) found = false;
    if (as<change::Ticket>(*c) != nullptr && ticket_of(*c) == ticket_id) found = true;
  }
  if (found) return true;
  ReadSnapshot snapshot(use(begin_, "BEGIN"), use(commit_, "COMMIT"));
  Statement &s = use(exists_, "SELECT 1 FROM tickets WHERE id = ?1");
  s.bind(1, ticket_id);
  bool stored = s.step();
  s.reset();
  // A logout still in the overlay hides what the store holds.
  for (const auto &c : overlay) {
    if (as<change::Logout>(*c) != nullptr) stored = false;
  }
  return stored;
}

}  // namespace helpline::detail
