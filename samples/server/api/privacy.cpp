// Privacy: erase and export a user's data (docs/protocol.md section 20), for the caller (device API) and by
// agents (agent API), with the audit of every erasure and export.
#include "api/privacy.hpp"
#include "api/auth.hpp"

#include "api/render.hpp"
#include "api_error.hpp"
#include "crypto.hpp"
#include "ids.hpp"
#include "json_fields.hpp"

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
  j.begin_object()
      .key("erased")
      .begin_object()
      .field("tickets", n.tickets)
      .field("messages", n.messages)
      .field("attachments", n.attachments)
      .field("surveys_anonymised", n.surveys_anonymised)
      .field("diagnostics", n.diagnostics)
      .field("devices", n.devices)
      .end_object()
      .field("at", at)
      .end_object();
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

  j.begin_object().key("export").begin_object();
  j.field("format", "helpline-export/1").field("generated_at", now).field("principal", principal);
  j.key("user");
  if (principal.rfind("user:", 0) == 0) {
    j.begin_object().field("sub", principal.substr(5)).key("attributes");
    render_attributes(j, x.user_attributes);
    j.end_object();
  } else {
    j.null();
  }

  j.key("devices").begin_array();
  for (const auto &id : devices) {
    auto d = device_rows.find(id);
    auto p = push.find(id);
    if (d == device_rows.end() && p == push.end()) continue;
    j.begin_object().field("device_id", id).key("attributes");
    if (d != device_rows.end())
      j.raw_or_null(d->second->attrs_json);
    else
      j.null();
    j.key("push_token");
    if (p != push.end())
      j.begin_object().field("platform", p->second->platform).field("token", p->second->token).end_object();
    else
      j.null();
    int64_t updated = 0;
    if (d != device_rows.end()) updated = d->second->updated_at;
    if (p != push.end()) updated = std::max(updated, p->second->updated_at);
    j.field("updated_at", updated).end_object();
  }
  j.end_array();

  auto render_file = [&](const std::string &id, const std::string &filename, const std::string &content_type,
                         int64_t size) {
    auto a = attachments.find(id);
    j.begin_object()
        .field("id", id)
        .field("filename", filename)
        .field("content_type", content_type)
        .field("size", size)
        .key("sha256");
    if (a != attachments.end())
      j.str(a->second->sha256);
    else
      j.null();
    j.field("url", wire::path::kAttachmentsPrefix + id).end_object();
  };

  j.key("tickets").begin_array();
  size_t mi = 0;
  for (const auto &t : x.tickets) {
    j.begin_object().field("id", t.id).field("subject", t.subject).field("status", t.status);
    j.key("fields").raw_or_null(t.fields_json.empty() ? std::string("{}") : t.fields_json);
    j.raw_or_null_field("device", t.device_json)
        .opt_field("requester_name", t.requester_name)
        .opt_field("requester_email", t.requester_email)
        .field("created_at", t.created_at)
        .field("updated_at", t.updated_at);
    j.key("messages").begin_array();
    while (mi < x.messages.size() && x.messages[mi].ticket_id == t.id) {
      const MessageRecord &m = x.messages[mi++];
      j.begin_object()
          .field("id", m.id)
          .field("seq", m.seq)
          .field("author_type", m.author_type)
          .opt_field("author_name", m.author_name)
          .field("body", m.body)
          .field("created_at", m.created_at);
      j.key("attachments").begin_array();
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
      j.end_array().end_object();
    }
    j.end_array().end_object();
  }
  j.end_array();

  // Uploads not (yet) linked to a message.
  j.key("attachments").begin_array();
  for (const auto &a : x.attachments) {
    if (a.message_id) continue;
    render_file(a.id, a.filename, a.content_type, a.size);
  }
  j.end_array();

  j.key("surveys").begin_array();
  for (const auto &s : x.surveys)
    j.begin_object()
        .field("id", s.id)
        .field("kind", s.kind)
        .field("score", s.score)
        .opt_field("ticket_id", s.ticket_id)
        .opt_field("comment", s.comment)
        .field("device_id", s.device_id)
        .field("created_at", s.created_at)
        .end_object();
  j.end_array();

  j.key("deflections").begin_array();
  for (const auto &d : x.deflections) {
    j.begin_object()
        .field("id", d.id)
        .key("article_ids")
        .raw_or_null(d.article_ids_json.empty() ? "[]" : d.article_ids_json);
    j.opt_field("query", d.query)
        .opt_field("ticket_id", d.ticket_id)
        .field("device_id", d.device_id)
        .field("created_at", d.created_at)
        .end_object();
  }
  j.end_array();

  j.key("diagnostics").begin_array();
  for (const auto &d : x.diagnostics) render_diagnostic(j, d);
  j.end_array().field("diagnostics_truncated", x.diagnostics_truncated);

  j.key("faq_votes").begin_array();
  for (const auto &v : x.faq_votes)
    j.begin_object()
        .field("article_id", v.article_id)
        .field("helpful", v.helpful)
        .field("device_id", v.device_id)
        .end_object();
  j.end_array();

  j.key("notice_acks").begin_array();
  for (const auto &a : x.notice_acks)
    j.begin_object()
        .field("notice_id", a.notice_id)
        .field("device_id", a.device_id)
        .field("acked_at", a.acked_at)
        .end_object();
  j.end_array();

  j.key("attribute_sets").begin_array();
  for (const auto &s : x.attribute_sets) {
    j.begin_object().field("principal", s.first).key("attributes");
    render_attributes(j, s.second);
    j.end_object();
  }
  j.end_array();

  j.end_object().end_object();
}

bool export_empty(const ExportData &x) {
  return x.attribute_sets.empty() && x.devices.empty() && x.push_tokens.empty() && x.tickets.empty() &&
         x.attachments.empty() && x.surveys.empty() && x.deflections.empty() && x.diagnostics.empty() &&
         x.faq_votes.empty() && x.notice_acks.empty();
}

void audit_privacy(Call &c, const std::string &owner, const char *action, const std::string &requested_by) {
  ErasureRecord r;
  r.id = new_id("er_");
  r.pseudonym = hex(hmac_sha256(c.app->app_secret, owner));
  r.scope = owner.rfind("user:", 0) == 0 ? "user" : "device";
  r.action = action;
  r.requested_by = requested_by;
  r.at = now_ms();
  c.tx->privacy().insert_erasure(c.app->app_key, r);
}

// Erases `scope`, then asks each device of `notify` (by device id only) to erase its local data.
Reply run_erase(Call &c, const EraseScope &scope, const std::vector<std::string> &notify,
                const char *reason) {
  const int64_t at = now_ms();
  EraseScope timed = scope;
  timed.at = at;
  EraseCounts n = c.tx->privacy().erase(c.app->app_key, timed);
  for (const auto &d : notify) {
    JsonOut j;
    j.begin_object().field("reason", reason).field("erased_at", at).end_object();
    EventRecord e;
    e.device_id = d;
    e.type = wire::sync_type::kErase;
    e.data_json = j.take();
    emit(c, std::move(e));
  }
  return json(200, erase_reply(n, at));
}

// `device_id` in an erase body: an id with a recorded secret needs it (`device_secret`); an unclaimed one (a
// client without device secrets) is taken at its word, as before device secrets existed.
void require_device_secret(Call &c, const std::string &device_id) {
  const std::string &app = c.app->app_key;
  DeviceStanding s = c.tx->identity().device_standing(app, device_id, device_pseudonym(app, device_id));
  if (s.retired || !s.secret_hash) return;  // erased already (a replay), or unclaimed
  auto it = c.body->FindMember("device_secret");
  if (it == c.body->MemberEnd() || !it->value.IsString())
    throw ApiError(403, "device_secret_required", "device_secret: the secret of device_id is required");
  std::string secret(it->value.GetString(), it->value.GetStringLength());
  if (!constant_time_equal(sha256_hex(secret), *s.secret_hash))
    throw ApiError(403, "invalid_device_secret", "device_secret does not prove device_id");
}

}  // namespace

void PrivacyHandlers::add_routes(Router &r) {
  using K = RouteKind;
  using B = BodyKind;
  using H = PrivacyHandlers;
  // Erase is idempotent by nature and export is a read, so neither is recorded in the idempotency table (a
  // replayed key runs again); both are batch items (the SDK's outbox). An export also writes its audit row:
  // it runs in a write transaction (TxMode::audited) but is authenticated as a read (no CSRF token).
  r.add({"POST", wire::path::kMeErase, handler(this, &H::me_erase), K::device, B::optional_json, true, false,
         true});
  r.add({"GET", wire::path::kMeExport, handler(this, &H::me_export), K::device, B::none, false, false, false,
         TxMode::audited});
  r.add({"POST", wire::path::kMeExport, handler(this, &H::me_export), K::device, B::optional_json, true,
         false, true, TxMode::audited});
  r.add({"GET", "/v1/agent/principals/{}/export", handler(this, &H::agent_principal_export), K::agent,
         B::none, false, false, false, TxMode::audited});
  r.add({"POST", "/v1/agent/principals/{}/erase", handler(this, &H::agent_principal_erase), K::agent,
         B::optional_json, true, false, false});
  r.add({"GET", "/v1/agent/erasures", handler(this, &H::agent_erasures_list), K::agent, B::none, false, false,
         false});
}

Reply PrivacyHandlers::me_erase(Call &c) {
  const std::string &app = c.app->app_key;
  const std::string &header = c.device->device_id;
  std::string named = header;
  auto it = c.body->FindMember("device_id");
  if (it != c.body->MemberEnd()) {
    if (!it->value.IsString() || it->value.GetStringLength() == 0 || it->value.GetStringLength() > 128)
      throw bad_request("device_id: must be a string of 1..128 bytes");
    named.assign(it->value.GetString(), it->value.GetStringLength());
  }
  std::vector<std::string> linked;
  if (c.device->user) linked = c.tx->privacy().user_devices(app, c.device->user->sub);
  // The SDK rotates its device id on erase and names the retired one: that id must be the caller's, proved
  // by its secret, or by being a device of the signed-in user erasing.
  if (named != header && std::find(linked.begin(), linked.end(), named) == linked.end())
    require_device_secret(c, named);
  EraseScope scope;
  std::vector<std::string> notify;
  std::string audited = "device:" + named;
  if (c.device->user) {
    audited = c.device->owner;
    add_unique(scope.owners, c.device->owner);
    for (const auto &d : linked) {
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
  if (c.device->user && header != named) c.tx->privacy().unlink_device(app, header, c.device->user->sub);
  // The retired id keeps a tombstone: requests still on the wire under it are refused when they land.
  if (header != named) c.tx->identity().retire_device(app, named, device_pseudonym(app, named), now_ms());
  audit_privacy(c, audited, "erase", "self");
  return r;
}

Reply PrivacyHandlers::me_export(Call &c) {
  EraseScope scope;
  add_unique(scope.owners, c.device->owner);
  if (c.device->user) {
    for (const auto &d : c.tx->privacy().user_devices(c.app->app_key, c.device->user->sub)) {
      add_unique(scope.devices, d);
      add_unique(scope.owners, "device:" + d);
    }
  }
  add_unique(scope.devices, c.device->device_id);
  if (!c.device->user) add_unique(scope.owners, "device:" + c.device->device_id);
  ExportData x = c.tx->privacy().export_data(c.app->app_key, scope, kMaxExportDiagnostics);
  audit_privacy(c, c.device->owner, "export", "self");
  JsonOut j;
  render_export(j, x, c.device->owner, scope.devices, now_ms());
  return json(200, j.take());
}

Reply PrivacyHandlers::agent_principal_export(Call &c) {
  NamedPrincipal p = parse_principal(c.params[0]);
  EraseScope scope;
  scope.owners.push_back(p.owner());
  if (p.user) {
    for (const auto &d : c.tx->privacy().user_devices(c.app->app_key, p.id)) {
      add_unique(scope.devices, d);
      add_unique(scope.owners, "device:" + d);
    }
  } else {
    scope.devices.push_back(p.id);
  }
  ExportData x = c.tx->privacy().export_data(c.app->app_key, scope, kMaxExportDiagnostics);
  if (export_empty(x)) throw not_found("principal");
  audit_privacy(c, p.owner(), "export", "agent:" + c.agent->agent.id);
  JsonOut j;
  render_export(j, x, p.owner(), scope.devices, now_ms());
  return json(200, j.take());
}

Reply PrivacyHandlers::agent_principal_erase(Call &c) {
  require_admin(c);
  NamedPrincipal p = parse_principal(c.params[0]);
  EraseScope scope;
  std::vector<std::string> notify;
  scope.owners.push_back(p.owner());
  if (p.user) {
    for (const auto &d : c.tx->privacy().user_devices(c.app->app_key, p.id)) {
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

Reply PrivacyHandlers::agent_erasures_list(Call &c) {
  require_admin(c);
  int limit = limit_param(c, 500, 100);
  JsonOut j;
  j.begin_object().key("items").begin_array();
  for (const auto &e : c.tx->privacy().erasures(c.app->app_key, limit))
    j.begin_object()
        .field("id", e.id)
        .field("pseudonym", e.pseudonym)
        .field("scope", e.scope)
        .field("action", e.action)
        .field("requested_by", e.requested_by)
        .field("at", e.at)
        .end_object();
  j.end_array().end_object();
  return json(200, j.take());
}

}  // namespace helpline::server
