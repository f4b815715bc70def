#include "tickets/tickets.hpp"

#include <vector>

#include "base/ids.hpp"
#include "posix/fs.hpp"
#include "tickets/ticket_items.hpp"

namespace helpline::detail {
namespace {

constexpr const char *kAttachmentsDir = "attachments";

}  // namespace

Tickets::Tickets(ReadConnection &read, std::string data_dir, Instance &instance, Wiring wiring)
    : read_(read), data_dir_(std::move(data_dir)), instance_(instance), wiring_(std::move(wiring)) {
  read_.on_close([this] { view_.reset(); });
}

template <class Fn>
auto Tickets::with_view(Fn &&fn) {
  return read_.with([&](sqlite3 *db, const Overlay &overlay) {
    if (!view_) view_ = std::make_unique<TicketView>(db);
    return fn(*view_, overlay);
  });
}

void Tickets::require(const std::string &ticket_id, const char *function) {
  {
    // Tickets found once stay (until a logout): a conversation's messages skip the store read.
    std::lock_guard<std::mutex> lock(known_mu_);
    if (known_.count(ticket_id) != 0) return;
  }
  bool found = with_view([&](TicketView &v, const Overlay &o) { return v.exists(ticket_id, o); });
  if (!found) {
    throw Error(HELPLINE_E_NOT_FOUND,
                std::string(function) + ": no ticket " + ticket_id + " in the local view");
  }
  remember(ticket_id);
}

void Tickets::remember(const std::string &ticket_id) {
  std::lock_guard<std::mutex> lock(known_mu_);
  if (known_.size() >= kKnownTicketsMax) known_.clear();  // bounded; refilled on demand
  known_.insert(ticket_id);
}

void Tickets::forget_known() {
  std::lock_guard<std::mutex> lock(known_mu_);
  known_.clear();
}

std::string Tickets::create(std::string_view subject, std::string_view body, const std::string &fields_json) {
  std::string ticket_id = new_uuid_v7();
  std::vector<NewItem> items;
  items.push_back(
      make_ticket_item(ticket_id, new_uuid_v7(), subject, body, fields_json, wiring_.device_json()));
  if (auto next = wiring_.follow_up(ticket_id)) items.push_back(std::move(*next));
  instance_.enqueue(std::move(items));
  remember(ticket_id);
  return ticket_id;
}

std::string Tickets::message_send(const std::string &ticket_id, std::string_view body) {
  require(ticket_id, "helpline_message_send");
  std::string message_id = new_uuid_v7();
  instance_.enqueue(make_message_item(ticket_id, message_id, body));
  return message_id;
}

void Tickets::mark_read(const std::string &ticket_id) {
  require(ticket_id, "helpline_ticket_mark_read");
  instance_.enqueue(make_mark_read_item(ticket_id));
}

void Tickets::reopen(const std::string &ticket_id) {
  require(ticket_id, "helpline_ticket_reopen");
  instance_.enqueue(make_reopen_item(ticket_id));
}

std::string Tickets::attachment_add(const std::string &ticket_id, const std::string &path,
                                    const std::string &mime) {
  require(ticket_id, "helpline_attachment_add");
  AttachmentFile f;
  f.id = new_uuid_v7();
  f.ticket_id = ticket_id;
  f.message_id = new_uuid_v7();
  auto slash = path.find_last_of('/');
  f.filename = slash == std::string::npos ? path : path.substr(slash + 1);
  if (f.filename.empty()) f.filename = "attachment";
  f.content_type = mime.empty() ? "application/octet-stream" : mime;
  f.stored_path = std::string(kAttachmentsDir) + "/" + f.id;
  platform::ensure_private_dir(data_dir_ + "/" + kAttachmentsDir);
  const std::string copy = data_dir_ + "/" + f.stored_path;
  f.size = platform::copy_file_private(path, copy, HELPLINE_MAX_ATTACHMENT_BYTES);
  std::vector<NewItem> items;
  items.push_back(make_upload_item(f));
  items.push_back(make_attachment_message_item(f));
  try {
    instance_.enqueue(std::move(items));
  } catch (...) {
    platform::remove_file(copy);
    throw;
  }
  return f.id;
}

std::string Tickets::tickets_json() {
  return with_view([](TicketView &v, const Overlay &o) { return v.tickets_json(o); });
}

std::string Tickets::messages_json(const std::string &ticket_id) {
  return with_view([&](TicketView &v, const Overlay &o) { return v.messages_json(ticket_id, o); });
}

}  // namespace helpline::detail
