// SQLite side of PrivacyRepo (store/privacy_repo.hpp).
#include "store/sqlite/sqlite_repos.hpp"
#include "store/sqlite/sqlite_rows.hpp"

#include "ids.hpp"
#include "json_fields.hpp"

#include <rapidjson/document.h>

namespace helpline::server {

namespace {

// `s` as a JSON string literal: how an id appears inside a stored response body.
std::string quoted(const std::string &s) {
  JsonOut j;
  j.str(s);
  return j.take();
}

// A non-empty string member of a JSON object text (docs/metrics.md "Breakdowns" reads the same way).
std::optional<std::string> string_member(const rapidjson::Document &d, const char *key) {
  if (!d.IsObject()) return std::nullopt;
  auto it = d.FindMember(key);
  if (it == d.MemberEnd() || !it->value.IsString() || it->value.GetStringLength() == 0) return std::nullopt;
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

rapidjson::Document parse(const std::string &text) {
  rapidjson::Document d;
  if (!text.empty()) d.Parse(text.data(), text.size());
  if (text.empty() || d.HasParseError()) d.SetNull();
  return d;
}

// The breakdown dimensions of a ticket (model, app version: from its device context, else from the creating
// device's PUT /v1/device document), so the tombstone counts under the same keys without that device row.
std::optional<std::string> dimension(const rapidjson::Document &device, const rapidjson::Document &attrs,
                                     const char *key) {
  if (auto v = string_member(device, key)) return v;
  return string_member(attrs, key);
}

// Tombstone `fields`: only "channel", when present.
std::string tombstone_fields(const std::string &fields_json) {
  rapidjson::Document f = parse(fields_json);
  JsonOut j;
  j.begin_object();
  if (f.IsObject()) {
    auto it = f.FindMember("channel");
    if (it != f.MemberEnd()) j.key("channel").raw_or_null(to_json(it->value));
  }
  j.end_object();
  return j.take();
}

// Tombstone `device`: {"model", "app_version", "attributes": {"channel"}}, each only when known.
std::string tombstone_device(const std::string &device_json, const std::string &attrs_json) {
  rapidjson::Document d = parse(device_json), a = parse(attrs_json);
  JsonOut j;
  j.begin_object();
  if (auto m = dimension(d, a, "model")) j.field("model", *m);
  if (auto v = dimension(d, a, "app_version")) j.field("app_version", *v);
  if (d.IsObject()) {
    auto at = d.FindMember("attributes");
    if (at != d.MemberEnd() && at->value.IsObject()) {
      auto ch = at->value.FindMember("channel");
      if (ch != at->value.MemberEnd())
        j.key("attributes").begin_object().key("channel").raw_or_null(to_json(ch->value)).end_object();
    }
  }
  j.end_object();
  return j.take();
}

// Another owner's ticket created on an erased device: its device context gains the model/app version the
// metrics used to read from that device's row (which is deleted), so its breakdown does not change.
std::string keep_dimensions(const std::string &device_json, const std::string &attrs_json) {
  rapidjson::Document a = parse(attrs_json);
  rapidjson::Document d = parse(device_json);
  if (!d.IsObject()) d.SetObject();
  bool changed = false;
  for (const char *key : {"model", "app_version"}) {
    if (string_member(d, key)) continue;
    auto v = string_member(a, key);
    if (!v) continue;
    rapidjson::Value val(v->c_str(), static_cast<rapidjson::SizeType>(v->size()), d.GetAllocator());
    auto it = d.FindMember(key);
    if (it != d.MemberEnd())
      it->value = val;
    else
      d.AddMember(rapidjson::Value(key, d.GetAllocator()), val, d.GetAllocator());
    changed = true;
  }
  if (!changed) return device_json;
  return to_json(d);
}

// The statements that anonymise one table's rows (literals: SqliteConnection caches statements by their
// text's address).
struct AnonymiseSql {
  const char *owned_ids;      // ?1 app, ?2 owners (JSON array)
  const char *anonymise_row;  // ?1 app, ?2 id, ?3 fresh id
  const char
      *clear_devices;  // ?1 app, ?2 devices (JSON array): other owners' rows written on an erased device
  const char *id_prefix;
};
const AnonymiseSql kSurveys{
    "SELECT id FROM surveys WHERE app=?1 AND owner IN (SELECT value FROM json_each(?2))",
    "UPDATE surveys SET id=?3, owner='erased', device_id='', ticket_id=NULL, comment=NULL WHERE app=?1 AND "
    "id=?2",
    "UPDATE surveys SET device_id='' WHERE app=?1 AND device_id IN (SELECT value FROM json_each(?2))", "s_"};
const AnonymiseSql kDeflections{
    "SELECT id FROM deflections WHERE app=?1 AND owner IN (SELECT value FROM json_each(?2))",
    "UPDATE deflections SET id=?3, owner='erased', device_id='', query=NULL, article_ids='[]' WHERE app=?1 "
    "AND id=?2",
    "UPDATE deflections SET device_id='' WHERE app=?1 AND device_id IN (SELECT value FROM json_each(?2))",
    "df_"};

// Gives every row the owners have in a table a fresh id and strips it (sql.anonymise_row), and clears the
// erased devices from other owners' rows. The old ids go to `gone`. Returns the owners' rows.
int64_t anonymise(SqliteConnection &db, const std::string &app, const std::string &owners,
                  const std::string &devices, const AnonymiseSql &sql, std::vector<std::string> &gone) {
  std::vector<std::string> ids;
  {
    Query q(db, sql.owned_ids);
    q.bind(1, app).bind(2, owners);
    while (q.step()) ids.push_back(q.text(0));
  }
  for (const auto &id : ids) {
    gone.push_back(quoted(id));
    Query u(db, sql.anonymise_row);
    u.bind(1, app).bind(2, id).bind(3, new_id(sql.id_prefix)).run();
  }
  Query u(db, sql.clear_devices);
  u.bind(1, app).bind(2, devices).run();
  return static_cast<int64_t>(ids.size());
}

struct OldTicket {
  std::string id, fields, device, attrs, status;
};

}  // namespace

std::vector<std::string> SqlitePrivacyRepo::user_devices(const std::string &app, const std::string &sub) {
  Query q(db_,
          "SELECT device_id FROM devices WHERE app=?1 AND user_sub=?2 "
          "UNION SELECT device_id FROM tickets WHERE app=?1 AND owner=?3 AND device_id IS NOT NULL "
          "AND device_id<>'' "
          "UNION SELECT m.author_device FROM messages m JOIN tickets t ON t.app=m.app AND t.id=m.ticket_id "
          "WHERE m.app=?1 AND t.owner=?3 AND m.author_device IS NOT NULL "
          "UNION SELECT device_id FROM surveys WHERE app=?1 AND owner=?3 AND device_id<>'' "
          "UNION SELECT device_id FROM deflections WHERE app=?1 AND owner=?3 AND device_id<>''");
  q.bind(1, app).bind(2, sub).bind(3, "user:" + sub);
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.text(0));
  return out;
}

EraseCounts SqlitePrivacyRepo::erase(const std::string &app, const EraseScope &scope) {
  keys_.forget();  // diag_devices rows may go
  const std::string owners = json_array(scope.owners);
  const std::string devices = json_array(scope.devices);
  EraseCounts n;
  // Quoted ids of everything removed: stored idempotent responses that mention one of them are dropped too.
  std::vector<std::string> gone;
  for (const auto &o : scope.owners) {
    gone.push_back(quoted(o));
    if (o.rfind("user:", 0) == 0)  // a sub may be short and common: match it only as a ticket's requester
      gone.push_back("\"type\":\"user\",\"id\":" + quoted(o.substr(5)));
    else
      gone.push_back(quoted(o.substr(o.find(':') + 1)));
  }
  for (const auto &d : scope.devices) gone.push_back(quoted(d));

  // 1. The owners' tickets become tombstones: fresh id, owner "erased", no device, subject or requester,
  //    only the breakdown dimensions; only agent messages stay (empty, fresh ids) for FRT/FCR/bot-resolved.
  std::vector<OldTicket> tickets;
  {
    Query q(db_,
            "SELECT t.id, t.fields, t.device, d.attrs, t.status FROM tickets t LEFT JOIN devices d ON "
            "d.app=t.app AND "
            "d.device_id=t.device_id WHERE t.app=?1 AND t.owner IN (SELECT value FROM json_each(?2)) "
            "ORDER BY t.seq");
    q.bind(1, app).bind(2, owners);
    while (q.step()) tickets.push_back(OldTicket{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4)});
  }
  for (const auto &t : tickets) {
    const std::string nid = new_id("t_");
    gone.push_back(quoted(t.id));
    std::vector<std::pair<std::string, bool>> messages;  // id, kept (agent)
    {
      Query q(db_, "SELECT id, author_type='agent' FROM messages WHERE app=?1 AND ticket_id=?2");
      q.bind(1, app).bind(2, t.id);
      while (q.step()) messages.emplace_back(q.text(0), q.i64(1) != 0);
    }
    for (const auto &m : messages) {
      gone.push_back(quoted(m.first));
      ++n.messages;
      if (m.second) {
        Query u(db_,
                "UPDATE messages SET id=?3, ticket_id=?4, body='', author_device=NULL, attachments='[]' "
                "WHERE app=?1 AND id=?2");
        u.bind(1, app).bind(2, m.first).bind(3, new_id("m_")).bind(4, nid).run();
      } else {
        Query d(db_, "DELETE FROM messages WHERE app=?1 AND id=?2");
        d.bind(1, app).bind(2, m.first).run();
      }
    }
    {
      Query q(db_, "SELECT id FROM attachments WHERE app=?1 AND ticket_id=?2");
      q.bind(1, app).bind(2, t.id);
      while (q.step()) gone.push_back(quoted(q.text(0)));
    }
    {
      Query d(db_, "DELETE FROM attachments WHERE app=?1 AND ticket_id=?2");
      d.bind(1, app).bind(2, t.id).run();
      n.attachments += d.changes();
    }
    {
      Query u(db_, "UPDATE ticket_status_log SET ticket_id=?3 WHERE app=?1 AND ticket_id=?2");
      u.bind(1, app).bind(2, t.id).bind(3, nid).run();
    }
    {
      Query u(db_, "UPDATE deflections SET ticket_id=?3 WHERE app=?1 AND ticket_id=?2");
      u.bind(1, app).bind(2, t.id).bind(3, nid).run();
    }
    {
      Query u(db_, "UPDATE survey_prompts SET ticket_id=?3 WHERE app=?1 AND ticket_id=?2");
      u.bind(1, app).bind(2, t.id).bind(3, nid).run();
    }
    {
      Query u(db_, "UPDATE surveys SET ticket_id=NULL WHERE app=?1 AND ticket_id=?2");
      u.bind(1, app).bind(2, t.id).run();
    }
    {
      Query u(db_,
              "UPDATE diagnostics SET ticket_id=NULL WHERE ticket_id=?2 AND dev IN "
              "(SELECT id FROM diag_devices WHERE app=?1)");
      u.bind(1, app).bind(2, t.id).run();
    }
    {
      Query d(db_, "DELETE FROM diagnostics_requests WHERE app=?1 AND ticket_id=?2");
      d.bind(1, app).bind(2, t.id).run();
    }
    {
      Query u(db_, "UPDATE rule_firings SET ticket_id=NULL WHERE app=?1 AND ticket_id=?2");
      u.bind(1, app).bind(2, t.id).run();
    }
    {
      Query u(db_,
              "UPDATE tickets SET id=?3, owner='erased', device_id=NULL, subject='', fields=?4, device=?5, "
              "requester_name=NULL, requester_email=NULL WHERE app=?1 AND id=?2");
      u.bind(1, app)
          .bind(2, t.id)
          .bind(3, nid)
          .bind(4, tombstone_fields(t.fields))
          .bind(5, tombstone_device(t.device, t.attrs))
          .run();
    }
    if (t.status == "open" || t.status == "pending") {
      // Nobody can work on it any more: it leaves the backlog from now on (status "erased" is neither open
      // nor a resolution, so every metric of a window ending before the erase stays the same).
      Query u(db_, "UPDATE tickets SET status='erased', updated_at=?3 WHERE app=?1 AND id=?2");
      u.bind(1, app).bind(2, nid).bind(3, scope.at).run();
      Query l(db_,
              "INSERT INTO ticket_status_log(app, ticket_id, status, previous, changed_by, at) "
              "VALUES(?1, ?2, 'erased', ?3, 'system', ?4)");
      l.bind(1, app).bind(2, nid).bind(3, t.status).bind(4, scope.at).run();
    }
    ++n.tickets;
  }

  // 2. Uploads of the owners not linked to any ticket.
  {
    Query q(db_, "SELECT id FROM attachments WHERE app=?1 AND owner IN (SELECT value FROM json_each(?2))");
    q.bind(1, app).bind(2, owners);
    while (q.step()) gone.push_back(quoted(q.text(0)));
  }
  {
    Query d(db_, "DELETE FROM attachments WHERE app=?1 AND owner IN (SELECT value FROM json_each(?2))");
    d.bind(1, app).bind(2, owners).run();
    n.attachments += d.changes();
  }

  // 3. Surveys and deflections: anonymous (kind, score, time) / (time, followed by a ticket) rows.
  n.surveys_anonymised = anonymise(db_, app, owners, devices, kSurveys, gone);
  anonymise(db_, app, owners, devices, kDeflections, gone);

  // 4. Other owners' tickets and messages written on an erased device lose the device id (not their data).
  std::vector<OldTicket> foreign;
  {
    Query q(db_,
            "SELECT t.id, '', t.device, d.attrs FROM tickets t LEFT JOIN devices d ON d.app=t.app AND "
            "d.device_id=t.device_id WHERE t.app=?1 AND t.device_id IN (SELECT value FROM json_each(?2))");
    q.bind(1, app).bind(2, devices);
    while (q.step()) foreign.push_back(OldTicket{q.text(0), q.text(1), q.text(2), q.text(3), {}});
  }
  for (const auto &t : foreign) {
    Query u(db_, "UPDATE tickets SET device_id=NULL, device=?3 WHERE app=?1 AND id=?2");
    u.bind(1, app).bind(2, t.id).bind(3, keep_dimensions(t.device, t.attrs)).run();
  }
  {
    Query u(db_,
            "UPDATE messages SET author_device=NULL WHERE app=?1 AND author_device IN "
            "(SELECT value FROM json_each(?2))");
    u.bind(1, app).bind(2, devices).run();
  }

  // 5. Device-keyed rows and the owners' remaining rows.
  {
    Query q(db_,
            "SELECT count(*) FROM json_each(?2) j WHERE "
            "EXISTS(SELECT 1 FROM devices WHERE app=?1 AND device_id=j.value) OR "
            "EXISTS(SELECT 1 FROM diag_devices WHERE app=?1 AND device_id=j.value) OR "
            "EXISTS(SELECT 1 FROM push_tokens WHERE app=?1 AND device_id=j.value)");
    q.bind(1, app).bind(2, devices);
    if (q.step()) n.devices = q.i64(0);
  }
  {
    Query d(db_,
            "DELETE FROM diagnostics WHERE dev IN (SELECT id FROM diag_devices WHERE app=?1 AND device_id IN "
            "(SELECT value FROM json_each(?2)))");
    d.bind(1, app).bind(2, devices).run();
    n.diagnostics = d.changes();
  }
  // The erased devices' own rows (the articles' helpful/not_helpful counters are aggregates and keep the
  // votes).
  static const char *const kDeviceRows[] = {
      "DELETE FROM diag_devices WHERE app=?1 AND device_id IN (SELECT value FROM json_each(?2))",
      "DELETE FROM devices WHERE app=?1 AND device_id IN (SELECT value FROM json_each(?2))",
      "DELETE FROM push_tokens WHERE app=?1 AND device_id IN (SELECT value FROM json_each(?2))",
      "DELETE FROM faq_votes WHERE app=?1 AND device_id IN (SELECT value FROM json_each(?2))",
      "DELETE FROM notice_acks WHERE app=?1 AND device_id IN (SELECT value FROM json_each(?2))",
      "DELETE FROM rule_firings WHERE app=?1 AND device_id IN (SELECT value FROM json_each(?2))",
  };
  for (const char *sql : kDeviceRows) {
    Query d(db_, sql);
    d.bind(1, app).bind(2, devices).run();
  }
  {
    Query d(
        db_,
        "DELETE FROM diagnostics_requests WHERE app=?1 AND (device_id IN (SELECT value FROM json_each(?2)) "
        "OR owner IN (SELECT value FROM json_each(?3)))");
    d.bind(1, app).bind(2, devices).bind(3, owners).run();
  }
  {
    Query d(
        db_,
        "DELETE FROM principal_attributes WHERE app=?1 AND principal IN (SELECT value FROM json_each(?2))");
    d.bind(1, app).bind(2, owners).run();
  }
  {
    Query d(db_,
            "DELETE FROM events WHERE app=?1 AND (owner IN (SELECT value FROM json_each(?2)) OR device_id IN "
            "(SELECT value FROM json_each(?3)))");
    d.bind(1, app).bind(2, owners).bind(3, devices).run();
  }
  {
    // Another owner's sync items that came from an erased device stay (for that owner's other devices).
    Query u(db_,
            "UPDATE events SET origin_device=NULL WHERE app=?1 AND origin_device IN (SELECT value FROM "
            "json_each(?2))");
    u.bind(1, app).bind(2, devices).run();
  }
  {
    Query d(
        db_,
        "DELETE FROM idempotency WHERE app=?1 AND (scope IN (SELECT 'device:' || value FROM json_each(?2)) "
        "OR EXISTS(SELECT 1 FROM json_each(?3) g WHERE instr(idempotency.body, g.value) > 0))");
    d.bind(1, app).bind(2, devices).bind(3, json_array(gone)).run();
  }
  return n;
}

void SqlitePrivacyRepo::unlink_device(const std::string &app, const std::string &device_id,
                                      const std::string &sub) {
  Query q(db_, "UPDATE devices SET user_sub=NULL WHERE app=?1 AND device_id=?2 AND user_sub=?3");
  q.bind(1, app).bind(2, device_id).bind(3, sub).run();
}

ExportData SqlitePrivacyRepo::export_data(const std::string &app, const EraseScope &scope,
                                          int max_diagnostics) {
  const std::string owners = json_array(scope.owners);
  const std::string devices = json_array(scope.devices);
  ExportData x;
  {
    Query q(db_,
            "SELECT principal, key, value FROM principal_attributes WHERE app=?1 AND principal IN "
            "(SELECT value FROM json_each(?2)) ORDER BY principal, key");
    q.bind(1, app).bind(2, owners);
    while (q.step()) {
      std::string principal = q.text(0);
      if (x.attribute_sets.empty() || x.attribute_sets.back().first != principal)
        x.attribute_sets.emplace_back(principal, std::vector<AttributeRecord>{});
      x.attribute_sets.back().second.push_back(AttributeRecord{q.text(1), q.text(2)});
    }
    for (const auto &s : x.attribute_sets)
      if (s.first.rfind("user:", 0) == 0) x.user_attributes = s.second;
  }
  {
    Query q(db_,
            "SELECT device_id, user_sub, attrs, updated_at FROM devices WHERE app=?1 AND device_id IN "
            "(SELECT value FROM json_each(?2)) ORDER BY device_id");
    q.bind(1, app).bind(2, devices);
    while (q.step()) x.devices.push_back(DeviceRecord{q.text(0), q.opt_text(1), q.text(2), q.i64(3)});
  }
  {
    Query q(db_,
            "SELECT device_id, platform, token, updated_at FROM push_tokens WHERE app=?1 AND device_id IN "
            "(SELECT value FROM json_each(?2)) ORDER BY device_id");
    q.bind(1, app).bind(2, devices);
    while (q.step()) x.push_tokens.emplace_back(q.text(0), PushTokenRecord{q.text(1), q.text(2), q.i64(3)});
  }
  {
    Query q(db_, "SELECT " TICKET_COLS
                 " FROM tickets WHERE app=?1 AND owner IN (SELECT value FROM json_each(?2)) "
                 "ORDER BY seq");
    q.bind(1, app).bind(2, owners);
    while (q.step()) x.tickets.push_back(ticket_row(q));
  }
  for (const auto &t : x.tickets) {
    Query q(db_, "SELECT " MESSAGE_COLS " FROM messages WHERE app=?1 AND ticket_id=?2 ORDER BY seq");
    q.bind(1, app).bind(2, t.id);
    while (q.step()) x.messages.push_back(message_row(q));
  }
  {
    Query q(db_,
            "SELECT id, owner, filename, content_type, size, sha256, ticket_id, message_id, created_at "
            "FROM attachments WHERE app=?1 AND (owner IN (SELECT value FROM json_each(?2)) OR ticket_id IN "
            "(SELECT id FROM tickets WHERE app=?1 AND owner IN (SELECT value FROM json_each(?2)))) "
            "ORDER BY created_at, id");
    q.bind(1, app).bind(2, owners);
    while (q.step()) {
      AttachmentRecord a;
      a.id = q.text(0);
      a.owner = q.text(1);
      a.filename = q.text(2);
      a.content_type = q.text(3);
      a.size = q.i64(4);
      a.sha256 = q.text(5);
      a.ticket_id = q.opt_text(6);
      a.message_id = q.opt_text(7);
      a.created_at = q.i64(8);
      x.attachments.push_back(std::move(a));
    }
  }
  {
    Query q(
        db_,
        "SELECT id, owner, device_id, kind, score, ticket_id, comment, created_at FROM surveys WHERE app=?1 "
        "AND owner IN (SELECT value FROM json_each(?2)) ORDER BY created_at, id");
    q.bind(1, app).bind(2, owners);
    while (q.step())
      x.surveys.push_back(SurveyRecord{q.text(0), q.text(1), q.text(2), q.text(3), q.i64(4), q.opt_text(5),
                                       q.opt_text(6), q.i64(7)});
  }
  {
    Query q(db_,
            "SELECT id, owner, device_id, article_ids, query, ticket_id, created_at FROM deflections WHERE "
            "app=?1 AND owner IN (SELECT value FROM json_each(?2)) ORDER BY created_at, id");
    q.bind(1, app).bind(2, owners);
    while (q.step())
      x.deflections.push_back(DeflectionRecord{q.text(0), q.text(1), q.text(2), q.text(3), q.opt_text(4),
                                               q.opt_text(5), q.i64(6)});
  }
  {
    Query q(db_, "SELECT " DIAGNOSTIC_COLS
                 " FROM diagnostics d JOIN diag_devices dd ON dd.id=d.dev "
                 "WHERE dd.app=?1 AND dd.device_id IN (SELECT value FROM json_each(?2)) "
                 "ORDER BY d.seq DESC LIMIT ?3");
    q.bind(1, app).bind(2, devices).bind(3, static_cast<int64_t>(max_diagnostics) + 1);
    while (q.step()) x.diagnostics.push_back(diagnostic_row(q));
    if (x.diagnostics.size() > static_cast<size_t>(max_diagnostics)) {
      x.diagnostics.resize(static_cast<size_t>(max_diagnostics));
      x.diagnostics_truncated = true;
    }
  }
  {
    Query q(db_,
            "SELECT article_id, device_id, helpful FROM faq_votes WHERE app=?1 AND device_id IN "
            "(SELECT value FROM json_each(?2)) ORDER BY device_id, article_id");
    q.bind(1, app).bind(2, devices);
    while (q.step()) x.faq_votes.push_back(FaqVoteRecord{q.text(0), q.text(1), q.i64(2) != 0});
  }
  {
    Query q(db_,
            "SELECT notice_id, device_id, acked_at FROM notice_acks WHERE app=?1 AND device_id IN "
            "(SELECT value FROM json_each(?2)) ORDER BY device_id, notice_id");
    q.bind(1, app).bind(2, devices);
    while (q.step()) x.notice_acks.push_back(NoticeAckRecord{q.text(0), q.text(1), q.i64(2)});
  }
  return x;
}

void SqlitePrivacyRepo::insert_erasure(const std::string &app, const ErasureRecord &r) {
  Query q(db_,
          "INSERT INTO erasures(app, id, pseudonym, scope, action, requested_by, at) "
          "VALUES(?1,?2,?3,?4,?5,?6,?7)");
  q.bind(1, app)
      .bind(2, r.id)
      .bind(3, r.pseudonym)
      .bind(4, r.scope)
      .bind(5, r.action)
      .bind(6, r.requested_by)
      .bind(7, r.at)
      .run();
}

std::vector<ErasureRecord> SqlitePrivacyRepo::erasures(const std::string &app, int limit) {
  Query q(db_,
          "SELECT id, pseudonym, scope, action, requested_by, at FROM erasures WHERE app=?1 "
          "ORDER BY seq DESC LIMIT ?2");
  q.bind(1, app).bind(2, limit);
  std::vector<ErasureRecord> out;
  while (q.step())
    out.push_back(ErasureRecord{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.i64(5)});
  return out;
}

}  // namespace helpline::server
