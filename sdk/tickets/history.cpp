#include "tickets/history.hpp"
#include "protocol/wire.hpp"

#include <rapidjson/document.h>

namespace helpline::detail {

void History::kick() {
  if (in_flight_ || !stats_.online.load() || !requests_.configured()) return;
  if (meta_.get(kListPendingKey).value_or("") == "1") {
    list_tickets(std::string());
    return;
  }
  auto id = tickets_.next_needing_history();
  if (id) fetch_ticket(*id);
}

void History::list_tickets(const std::string &cursor) {
  in_flight_ = true;
  std::string path = std::string(wire::path::kTickets) + "?limit=100";
  if (!cursor.empty()) path += "&cursor=" + percent_encode(cursor);
  const uint64_t generation = generation_;
  transport_.start(requests_.get(path, 30000, token_()), [this, generation](HttpResponse r) {
    if (generation != generation_) return;
    in_flight_ = false;
    rapidjson::Document d;
    d.Parse(r.body.data(), r.body.size());
    if (r.status != 200 || d.HasParseError() || !d.IsObject() || !d.HasMember("items") ||
        !d["items"].IsArray()) {
      logger_.info("ticket list: " + (r.status == 0 ? r.error : "HTTP " + std::to_string(r.status)) +
                   "; tried again after the next inbound page");
      return;
    }
    {
      Transaction tx(db_);
      for (const auto &t : d["items"].GetArray()) tickets_.upsert_ticket(t, false);
      tx.commit();
    }
    if (d.HasMember("next_cursor") && d["next_cursor"].IsString() && d["next_cursor"].GetStringLength() > 0) {
      list_tickets(d["next_cursor"].GetString());
      return;
    }
    meta_.set(kListPendingKey, "0");
    kick();
  });
}

bool History::accepted(const HttpResponse &r, const std::string &id, uint64_t generation) {
  if (generation != generation_) return false;
  in_flight_ = false;
  if (r.status == 404) {
    // Not this principal's (any more): nothing to fetch.
    tickets_.history_refused(id);
    kick();
    return false;
  }
  if (r.status != 200) {
    // Tried again after the next inbound page (the poller's own backoff paces it).
    logger_.info("ticket history " + id + ": " +
                 (r.status == 0 ? r.error : "HTTP " + std::to_string(r.status)));
    return false;
  }
  return true;
}

void History::fetch_ticket(const std::string &id) {
  in_flight_ = true;
  const uint64_t generation = generation_;
  transport_.start(requests_.get(wire::path::kTicketsPrefix + percent_encode(id), 30000, token_()),
                   [this, id, generation](HttpResponse r) {
                     if (!accepted(r, id, generation)) return;
                     rapidjson::Document d;
                     d.Parse(r.body.data(), r.body.size());
                     if (d.HasParseError() || !d.IsObject()) {
                       logger_.warn("ticket history " + id + ": malformed ticket ignored");
                       tickets_.history_done(id);
                       return;
                     }
                     tickets_.upsert_ticket(d, true);
                     in_flight_ = true;
                     fetch_messages(id, std::string());
                   });
}

void History::fetch_messages(const std::string &id, const std::string &cursor) {
  std::string path =
      wire::path::kTicketsPrefix + percent_encode(id) + wire::path::kMessagesSuffix + "?limit=100";
  if (!cursor.empty()) path += "&cursor=" + percent_encode(cursor);
  const uint64_t generation = generation_;
  transport_.start(requests_.get(path, 30000, token_()), [this, id, generation](HttpResponse r) {
    if (!accepted(r, id, generation)) return;
    rapidjson::Document d;
    d.Parse(r.body.data(), r.body.size());
    if (d.HasParseError() || !d.IsObject() || !d.HasMember("items") || !d["items"].IsArray()) {
      logger_.warn("ticket history " + id + ": malformed page ignored");
      tickets_.history_done(id);
      return;
    }
    {
      Transaction tx(db_);
      for (const auto &m : d["items"].GetArray()) tickets_.insert_message(m, false);
      tx.commit();
    }
    if (d.HasMember("next_cursor") && d["next_cursor"].IsString() && d["next_cursor"].GetStringLength() > 0) {
      in_flight_ = true;
      fetch_messages(id, d["next_cursor"].GetString());
      return;
    }
    tickets_.history_done(id);
    kick();
  });
}

}  // namespace helpline::detail
