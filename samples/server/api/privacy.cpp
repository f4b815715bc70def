// Privacy: erase and export a user's data (docs/protocol.md section 20), for the caller (device API) and by
// agents (agent API), with the audit of every erasure and export.
#include "api/api.hpp"
#include "api/render.hpp"
#include "api_error.hpp"
#include "crypto.hpp"
#include "ids.hpp"
#include "json_fields.hpp"
#include "json_out.hpp"

#include <algorithm>
#include <map>

namespace helpline::server {

namespace {

constexpr int kMaxExportDiagnostics = 100000;

void add_unique(std::vector<std::string> &v, const std::string &s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

// A principal named in an agent path: "user:<sub>" or "device:<id>" (1..128 bytes after the prefix).
struct NamedPrincipal {
  bool user = false;
  std::string id;  // sub or device id
  std::string owner() const { return (user ? "user:" : "device:") + id; }
};

NamedPrincipal parse_principal(const std::string &s) {
  NamedPrincipal p;
  if (s.rfind("user:", 0) == 0) {
    p.user = true;
    p.id = s.substr(5);
  } else if (s.rfind("device:", 0) == 0) {
    p.id = s.substr(7);
  } else {
    throw bad_request("principal: must be user:<sub> or device:<device id>");
  }
  if (p.id.empty() || p.id.size() > 128) throw bad_request("principal: the id must be 1..128 bytes");
  return p;
}

std::string erase_reply(const EraseCounts &n, int64_t at) {
  JsonOut j;
  j.obj()
      .key("erased")
      .obj()
      .kv("tickets", n.tickets)
      .kv("messages", n.messages)
      .kv("attachments", n.attachments)
      .kv("surveys_anonymised", n.surveys_anonymised)
      .kv("diagnostics", n.diagnostics)
      .kv("devices", n.devices)
      .end_obj()
      .kv("at", at)
      .end_obj();
  return j.take();
}

void render_export(JsonOut &j, const ExportData &x, const std::string &principal,
                   const std::vector<std::string> &devices, int64_t now) {
  std::map<std::string, const AttachmentRecord *> attachments;
  for (const auto &a : x.attachments) attachments[a.id] = &a;
  std::map<std::string, const DeviceRecord *> device_rows;
  for (const auto &d : x.devices) device_rows[d.device_id] = &d;
  std::map<std::string, const PushTokenRecord *> push;
  for (const auto &p : x.push_tokens) push[p.first] = &p.second;

  j.obj().key("export").obj();
  j.kv("format", "helpline-export/1").kv("generated_at", now).kv("principal", principal);
  j.key("user");
  if (principal.rfind("user:", 0) == 0) {
    j.obj().kv("sub", principal.substr(5)).key("attributes");
    render_attributes(j, x.user_attributes);
    j.end_obj();
  } else {
    j.null();
  }

  j.key("devices").arr();
  for (const auto &id : devices) {
    auto d = device_rows.find(id);
    auto p = push.find(id);
    if (d == device_rows.end() && p == push.end()) continue;
    j.obj().kv("device_id", id).key("attributes");
    if (d != device_rows.end())
      j.raw(d->second->attrs_json);
    else
      j.null();
    j.key("push_token");
    if (p != push.end())
      j.obj().kv("platform", p->second->platform).kv("token", p->second->token).end_obj();
    else
      j.null();
    int64_t updated = 0;
    if (d != device_rows.end()) updated = d->second->updated_at;
    if (p != push.end()) updated = std::max(updated, p->second->updated_at);
    j.kv("updated_at", updated).end_obj();
  }
  j.end_arr();

  auto render_file = [&](const std::string &id, const std::string &filename, const std::string &content_type,
                         int64_t size) {
    auto a = attachments.find(id);
    j.obj()
        .kv("id", id)
        .kv("filename", filename)
        .kv("content_type", content_type)
        .kv("size", size)
        .key("sha256");
    if (a != attachments.end())
      j.str(a->second->sha256);
    else
      j.null();
    j.kv("url", "/v1/attachments/" + id).end_obj();
  };

  j.key("tickets").arr();
  size_t mi = 0;
  for (const auto &t : x.tickets) {
    j.obj().kv("id", t.id).kv("subject", t.subject).kv("status", t.status);
    j.key("fields").raw(t.fields_json.empty() ? std::string("{}") : t.fields_json);
    j.kv_raw("device", t.device_json)
        .kv_opt("requester_name", t.requester_name)
        .kv_opt("requester_email", t.requester_email)
        .kv("created_at", t.created_at)
        .kv("updated_at", t.updated_at);
    j.key("messages").arr();
    while (mi < x.messages.size() && x.messages[mi].ticket_id == t.id) {
      const MessageRecord &m = x.messages[mi++];
      j.obj()
          .kv("id", m.id)
          .kv("seq", m.seq)
          .kv("author_type", m.author_type)
          .kv_opt("author_name", m.author_name)
          .kv("body", m.body)
          .kv("created_at", m.created_at);
      j.key("attachments").arr();
      rapidjson::Document snap;
      snap.Parse(m.attachments_json.data(), m.attachments_json.size());
      if (!snap.HasParseError() && snap.IsArray()) {
        for (const auto &a : snap.GetArray()) {
          if (!a.IsObject() || !a.HasMember("id") || !a["id"].IsString()) continue;
          auto str = [&](const char *k) {
            auto it = a.FindMember(k);
            return it != a.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString()) : "";
          };
          auto sz = a.FindMember("size");
          render_file(str("id"), str("filename"), str("content_type"),
                      sz != a.MemberEnd() && sz->value.IsInt64() ? sz->value.GetInt64() : 0);
        }
      }
      j.end_arr().end_obj();
    }
    j.end_arr().end_obj();
  }
  j.end_arr();

  // Uploads not (yet) linked to a message.
  j.key("attachments").arr();
  for (const auto &a : x.attachments) {
    if (a.message_id) continue;
    render_file(a.id, a.filename, a.content_type, a.size);
  }
  j.end_arr();

  j.key("surveys").arr();
  for (const auto &s : x.surveys)
    j.obj()
        .kv("id", s.id)
        .kv("kind", s.kind)
        .kv("score", s.score)
        .kv_opt("ticket_id", s.ticket_id)
        .kv_opt("comment", s.comment)
        .kv("device_id", s.device_id)
        .kv("created_at", s.created_at)
        .end_obj();
  j.end_arr();

  j.key("deflections").arr();
  for (const auto &d : x.deflections) {
    j.obj().kv("id", d.id).key("article_ids").raw(d.article_ids_json.empty() ? "[]" : d.article_ids_json);
    j.kv_opt("query", d.query)
        .kv_opt("ticket_id", d.ticket_id)
        .kv("device_id", d.device_id)
        .kv("created_at", d.created_at)
        .end_obj();
  }
  j.end_arr();

  j.key("diagnostics").arr();
  for (const auto &d : x.diagnostics) render_diagnostic(j, d);
  j.end_arr().kv("diagnostics_truncated", x.diagnostics_truncated);

  j.key("faq_votes").arr();
  for (const auto &v : x.faq_votes)
    j.obj().kv("article_id", v.article_id).kv("helpful", v.helpful).kv("device_id", v.device_id).end_obj();
  j.end_arr();

  j.key("notice_acks").arr();
  for (const auto &a : x.notice_acks)
    j.obj().kv("notice_id", a.notice_id).kv("device_id", a.device_id).kv("acked_at", a.acked_at).end_obj();
  j.end_arr();

  j.key("attribute_sets").arr();
  for (const auto &s : x.attribute_sets) {
    j.obj().kv("principal", s.first).key("attributes");
    render_attributes(j, s.second);
    j.end_obj();
  }
  j.end_arr();

  j.end_obj().end_obj();
}

bool export_empty(const ExportData &x) {
  return x.attribute_sets.empty() && x.devices.empty() && x.push_tokens.empty() && x.tickets.empty() &&
         x.attachments.empty() && x.surveys.empty() && x.deflections.empty() && x.diagnostics.empty() &&
         x.faq_votes.empty() && x.notice_acks.empty();
}

void require_admin(const Call &c) {
  if (c.agent->agent.role != "admin") throw ApiError(403, "forbidden", "admin role required");
}

}  // namespace

void Api::audit_privacy(Call &c, const std::string &owner, const char *action,
                        const std::string &requested_by) {
  ErasureRecord r;
  r.id = new_id("er_");
  r.pseudonym = hex(hmac_sha256(c.app->app_secret, owner));
  r.scope = owner.rfind("user:", 0) == 0 ? "user" : "device";
  r.action = action;
  r.requested_by = requested_by;
  r.at = now_ms();
  c.tx->insert_erasure(c.app->app_key, r);
}

// Erases `scope`, then asks each device of `notify` (by device id only) to erase its local data.
Reply Api::run_erase(Call &c, const EraseScope &scope, const std::vector<std::string> &notify,
                     const char *reason) {
  const int64_t at = now_ms();
  EraseScope timed = scope;
  timed.at = at;
  EraseCounts n = c.tx->erase(c.app->app_key, timed);
  for (const auto &d : notify) {
    JsonOut j;
    j.obj().kv("reason", reason).kv("erased_at", at).end_obj();
    EventRecord e;
    e.device_id = d;
    e.type = "erase";
    e.data_json = j.take();
    emit(c, std::move(e));
  }
  return json(200, erase_reply(n, at));
}

Reply Api::me_erase(Call &c) {
  const std::string &app = c.app->app_key;
  const std::string &header = c.device->device_id;
  std::string named = header;
  auto it = c.body->FindMember("device_id");
  if (it != c.body->MemberEnd()) {
    if (!it->value.IsString() || it->value.GetStringLength() == 0 || it->value.GetStringLength() > 128)
      throw bad_request("device_id: must be a string of 1..128 bytes");
    named.assign(it->value.GetString(), it->value.GetStringLength());
  }
  EraseScope scope;
  std::vector<std::string> notify;
  std::string audited = "device:" + named;
  if (c.device->user) {
    const std::string &sub = c.device->user->sub;
    audited = c.device->owner;
    add_unique(scope.owners, c.device->owner);
    for (const auto &d : c.tx->user_devices(app, sub)) {
      // The calling device is a fresh id (the SDK rotates it on erase): only its link to the user goes.
      if (d == header && d != named) continue;
      add_unique(scope.devices, d);
      add_unique(scope.owners, "device:" + d);
      if (d != header && d != named) add_unique(notify, d);
    }
  }
  add_unique(scope.devices, named);
  add_unique(scope.owners, "device:" + named);
  Reply r = run_erase(c, scope, notify, "user_erased");
  if (c.device->user && header != named) c.tx->unlink_device(app, header, c.device->user->sub);
  audit_privacy(c, audited, "erase", "self");
  return r;
}

Reply Api::me_export(Call &c) {
  EraseScope scope;
  add_unique(scope.owners, c.device->owner);
  if (c.device->user) {
    for (const auto &d : c.tx->user_devices(c.app->app_key, c.device->user->sub)) {
      add_unique(scope.devices, d);
      add_unique(scope.owners, "device:" + d);
    }
  }
  add_unique(scope.devices, c.device->device_id);
  if (!c.device->user) add_unique(scope.owners, "device:" + c.device->device_id);
  ExportData x = c.tx->export_data(c.app->app_key, scope, kMaxExportDiagnostics);
  audit_privacy(c, c.device->owner, "export", "self");
  JsonOut j;
  render_export(j, x, c.device->owner, scope.devices, now_ms());
  return json(200, j.take());
}

Reply Api::agent_principal_export(Call &c) {
  NamedPrincipal p = parse_principal(c.params[0]);
  EraseScope scope;
  scope.owners.push_back(p.owner());
  if (p.user) {
    for (const auto &d : c.tx->user_devices(c.app->app_key, p.id)) {
      add_unique(scope.devices, d);
      add_unique(scope.owners, "device:" + d);
    }
  } else {
    scope.devices.push_back(p.id);
  }
  ExportData x = c.tx->export_data(c.app->app_key, scope, kMaxExportDiagnostics);
  if (export_empty(x)) throw not_found("principal");
  audit_privacy(c, p.owner(), "export", "agent:" + c.agent->agent.id);
  JsonOut j;
  render_export(j, x, p.owner(), scope.devices, now_ms());
  return json(200, j.take());
}

Reply Api::agent_principal_erase(Call &c) {
  require_admin(c);
  NamedPrincipal p = parse_principal(c.params[0]);
  EraseScope scope;
  std::vector<std::string> notify;
  scope.owners.push_back(p.owner());
  if (p.user) {
    for (const auto &d : c.tx->user_devices(c.app->app_key, p.id)) {
      add_unique(scope.devices, d);
      add_unique(scope.owners, "device:" + d);
      add_unique(notify, d);
    }
  } else {
    scope.devices.push_back(p.id);
    notify.push_back(p.id);
  }
  Reply r = run_erase(c, scope, notify, "agent_erased");
  audit_privacy(c, p.owner(), "erase", "agent:" + c.agent->agent.id);
  return r;
}

Reply Api::agent_erasures_list(Call &c) {
  require_admin(c);
  int limit = 100;
  if (const std::string *l = c.query_param("limit")) {
    char *end = nullptr;
    long v = std::strtol(l->c_str(), &end, 10);
    if (l->empty() || *end || v < 1 || v > 500) throw bad_request("limit: must be an integer in 1..500");
    limit = static_cast<int>(v);
  }
  JsonOut j;
  j.obj().key("items").arr();
  for (const auto &e : c.tx->list_erasures(c.app->app_key, limit))
    j.obj()
        .kv("id", e.id)
        .kv("pseudonym", e.pseudonym)
        .kv("scope", e.scope)
        .kv("action", e.action)
        .kv("requested_by", e.requested_by)
        .kv("at", e.at)
        .end_obj();
  j.end_arr().end_obj();
  return json(200, j.take());
}

}  // namespace helpline::server
