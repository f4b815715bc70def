#include "notices/notices.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <vector>

#include "base/clock.hpp"
#include "base/ids.hpp"
#include "base/json_out.hpp"
#include "base/json_writer.hpp"
#include "items/batch_item.hpp"
#include "sync/request_builder.hpp"

namespace helpline::detail {
namespace {

// Dotted-numeric compare ("2.10" > "2.9"); non-numeric parts compare as text.
int version_compare(const std::string &a, const std::string &b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    std::size_t ei = a.find('.', i), ej = b.find('.', j);
    std::string pa = a.substr(i, ei == std::string::npos ? std::string::npos : ei - i);
    std::string pb = b.substr(j, ej == std::string::npos ? std::string::npos : ej - j);
    char *end_a = nullptr, *end_b = nullptr;
    long na = std::strtol(pa.c_str(), &end_a, 10), nb = std::strtol(pb.c_str(), &end_b, 10);
    if (*end_a == '\0' && *end_b == '\0' && !pa.empty() && !pb.empty()) {
      if (na != nb) return na < nb ? -1 : 1;
    } else if (pa != pb) {
      return pa < pb ? -1 : 1;
    }
    i = ei == std::string::npos ? a.size() : ei + 1;
    j = ej == std::string::npos ? b.size() : ej + 1;
  }
  return 0;
}

bool condition_matches(const rapidjson::Value &c, const std::string &value) {
  if (c.IsString()) return value == c.GetString();
  if (c.IsArray()) {
    for (const auto &e : c.GetArray()) {
      if (e.IsString() && value == e.GetString()) return true;
    }
    return false;
  }
  if (!c.IsObject()) return false;
  if (c.HasMember("min") && c["min"].IsString() && version_compare(value, c["min"].GetString()) < 0)
    return false;
  if (c.HasMember("max") && c["max"].IsString() && version_compare(value, c["max"].GetString()) > 0)
    return false;
  if (c.HasMember("prefix") && c["prefix"].IsString() && value.rfind(c["prefix"].GetString(), 0) != 0)
    return false;
  return true;
}

std::string str(const rapidjson::Value &o, const char *key) {
  return o.HasMember(key) && o[key].IsString() ? o[key].GetString() : std::string();
}

// The notice as the host sees it: the server's fields plus the local state.
std::string with_state(const std::string &json, const std::string &state) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject()) return "{}";
  d.RemoveMember("state");
  d.RemoveMember("target");
  d.AddMember("state", rapidjson::Value(state.c_str(), d.GetAllocator()), d.GetAllocator());
  return to_json(d);
}

}  // namespace

bool target_matches(const rapidjson::Value &target, const std::map<std::string, std::string> &attributes) {
  if (!target.IsObject()) return true;
  for (const auto &m : target.GetObject()) {
    auto it = attributes.find(m.name.GetString());
    if (it == attributes.end() || !condition_matches(m.value, it->second)) return false;
  }
  return true;
}

bool NoticeStore::on_withdrawn(const rapidjson::Value &item) {
  if (!item.HasMember("data") || !item["data"].IsObject()) return true;
  const std::string id = str(item["data"], "notice_id");
  Statement(db_, "DELETE FROM notices WHERE id = ?1").bind(1, id).run();
  if (sqlite3_changes(db_) > 0)
    emit_(HELPLINE_EVENT_NOTICE_WITHDRAWN, JsonObjectWriter().field("notice_id", id).finish());
  return true;
}

bool NoticeStore::on_notice(const rapidjson::Value &item,
                            const std::map<std::string, std::string> &attributes) {
  if (!item.HasMember("data") || !item["data"].IsObject()) return true;
  const rapidjson::Value &data = item["data"];
  const std::string id = str(data, "id");
  if (id.empty()) return true;
  if (data.HasMember("target") && !target_matches(data["target"], attributes)) {
    // Targeted at devices like this one when the server looked, not any more: not shown.
    Statement(db_, "DELETE FROM notices WHERE id = ?1").bind(1, id).run();
    return true;
  }
  std::string state = "new";
  Statement existing(db_, "SELECT state FROM notices WHERE id = ?1");
  existing.bind(1, id);
  if (existing.step()) state = existing.column_text(0);
  const std::string json = to_json(data);
  Statement(db_,
            "INSERT INTO notices (id, json, state, updated_at) VALUES (?1, ?2, ?3, ?4) "
            "ON CONFLICT (id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at")
      .bind(1, id)
      .bind(2, json)
      .bind(3, state)
      .bind(4, now_ms())
      .run();
  if (state != "dismissed") emit_(HELPLINE_EVENT_NOTICE, with_state(json, state));
  return true;
}

void NoticeStore::apply(const change::NoticeState &c) {
  // "seen" never undoes "dismissed".
  Statement(db_, "UPDATE notices SET state = ?2 WHERE id = ?1 AND NOT (state = 'dismissed' AND ?2 = 'seen')")
      .bind(1, c.notice_id)
      .bind(2, c.state)
      .run();
}

void NoticeStore::reconcile(const rapidjson::Value &items,
                            const std::map<std::string, std::string> &attributes, int64_t asked_at) {
  if (!items.IsArray()) return;
  std::map<std::string, std::string> local;  // id -> json, stored before the list was asked for
  std::set<std::string> newer;               // stored (from /v1/sync) while the list was on its way
  {
    Statement s(db_, "SELECT id, json, updated_at FROM notices");
    while (s.step()) {
      if (s.column_int64(2) >= asked_at) {
        newer.insert(s.column_text(0));
      } else {
        local[s.column_text(0)] = s.column_text(1);
      }
    }
  }
  std::set<std::string> listed;
  for (const auto &n : items.GetArray()) {
    if (!n.IsObject()) continue;
    const std::string id = str(n, "id");
    if (id.empty()) continue;
    listed.insert(id);
    if (newer.count(id) != 0) continue;  // /v1/sync already brought this one, at least as new
    auto it = local.find(id);
    if (it != local.end()) {
      rapidjson::Document old;
      old.Parse(it->second.data(), it->second.size());
      const bool same = !old.HasParseError() && old.IsObject() && old.HasMember("updated_at") &&
                        n.HasMember("updated_at") && old["updated_at"] == n["updated_at"];
      if (same) continue;  // nothing new: no second event
    }
    rapidjson::Document item;
    item.SetObject();
    item.AddMember("type", rapidjson::StringRef(wire::sync_type::kNotice), item.GetAllocator());
    rapidjson::Value data;
    data.CopyFrom(n, item.GetAllocator());
    data.RemoveMember("acknowledged");
    item.AddMember("data", data, item.GetAllocator());
    on_notice(item, attributes);
  }
  for (const auto &[id, json] : local) {
    if (listed.count(id) != 0) continue;
    Statement(db_, "DELETE FROM notices WHERE id = ?1").bind(1, id).run();
    emit_(HELPLINE_EVENT_NOTICE_WITHDRAWN, JsonObjectWriter().field("notice_id", id).finish());
  }
}

void NoticeStore::clear() {
  exec(db_, "DELETE FROM notices");
}

std::string NoticeView::notices_json(const Overlay &overlay, int64_t now) {
  struct Row {
    std::string id, json, state;
    int64_t updated_at;
  };
  std::vector<Row> rows;
  {
    Statement s(db_, "SELECT id, json, state, updated_at FROM notices ORDER BY updated_at DESC LIMIT 100");
    while (s.step())
      rows.push_back(Row{s.column_text(0), s.column_text(1), s.column_text(2), s.column_int64(3)});
  }
  for (const auto &c : overlay) {
    const auto *n = as<change::NoticeState>(*c);
    if (n == nullptr) continue;
    for (auto &r : rows) {
      if (r.id == n->notice_id && !(r.state == "dismissed" && n->state == "seen")) r.state = n->state;
    }
  }
  JsonOut w;
  w.begin_object().key("notices").begin_array();
  for (const auto &r : rows) {
    if (r.state == "dismissed") continue;
    rapidjson::Document d;
    d.Parse(r.json.data(), r.json.size());
    if (d.HasParseError() || !d.IsObject()) continue;
    if (d.HasMember("starts_at") && d["starts_at"].IsInt64() && d["starts_at"].GetInt64() > now) continue;
    if (d.HasMember("ends_at") && d["ends_at"].IsInt64() && d["ends_at"].GetInt64() < now) continue;
    w.raw(with_state(r.json, r.state));
  }
  w.end_array().end_object();
  return w.take();
}

bool NoticeView::exists(const std::string &id) {
  Statement s(db_, "SELECT 1 FROM notices WHERE id = ?1");
  s.bind(1, id);
  return s.step();
}

NewItem make_notice_ack_item(const std::string &notice_id, helpline_notice_state_t state) {
  auto change = std::make_shared<LocalChange>(
      change::NoticeState{notice_id, state == HELPLINE_NOTICE_SEEN ? "seen" : "dismissed"});
  if (state != HELPLINE_NOTICE_DISMISSED) return make_local_item(kNoticeAckKind, std::move(change));
  // Dismissing tells the server too (seen stays on the device).
  return make_batch_item(kNoticeAckKind, new_uuid_v7(), "POST",
                         wire::path::kNoticesPrefix + percent_encode(notice_id) + wire::path::kAckSuffix,
                         "{}", std::move(change));
}

void register_notice_items(ItemRegistry &registry, NoticeStore &store) {
  registry.add_kind(kNoticeAckKind);
  registry.add_local<change::NoticeState>(&store, [](void *owner, const LocalChange &c) {
    owner_as<NoticeStore>(owner).apply(std::get<change::NoticeState>(c));
  });
  registry.add_sync_type(wire::sync_type::kNotice, &store, [](void *owner, const rapidjson::Value &item) {
    NoticeStore &notices = owner_as<NoticeStore>(owner);
    return notices.on_notice(item, notices.device().flat());
  });
  registry.add_sync_type(wire::sync_type::kNoticeWithdrawn, &store,
                         [](void *owner, const rapidjson::Value &item) {
                           return owner_as<NoticeStore>(owner).on_withdrawn(item);
                         });
}

}  // namespace helpline::detail
