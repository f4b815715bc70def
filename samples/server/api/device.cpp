// Device attributes, surveys and notices (device API).
#include "api/api.hpp"
#include "api/render.hpp"
#include "api_error.hpp"
#include "ids.hpp"
#include "json_fields.hpp"
#include "json_out.hpp"
#include "notice_targeting.hpp"

namespace helpline::server {

namespace {

const char *const kDeviceFields[] = {"model",       "os",          "os_version", "firmware_version",
                                     "app_version", "sdk_version", "locale"};

void render_push(JsonOut &j, const PushTokenRecord &p) {
  j.obj().kv("platform", p.platform).kv("token", p.token).kv("updated_at", p.updated_at).end_obj();
}

// The stored document plus device_id and updated_at; the agent view adds "push" (token or null).
std::string device_reply(const DeviceRecord &d, const std::optional<PushTokenRecord> *push = nullptr) {
  rapidjson::Document doc;
  doc.Parse(d.attrs_json.data(), d.attrs_json.size());
  JsonOut j;
  j.obj().kv("device_id", d.device_id);
  if (!doc.HasParseError() && doc.IsObject())
    for (const auto &m : doc.GetObject()) j.key(m.name.GetString()).raw(to_json(m.value));
  j.kv("updated_at", d.updated_at);
  if (push) {
    j.key("push");
    if (*push)
      render_push(j, **push);
    else
      j.null();
  }
  j.end_obj();
  return j.take();
}

bool notice_live(const NoticeRecord &n, int64_t now) {
  return n.active && !n.deleted && (!n.starts_at || *n.starts_at <= now) && (!n.ends_at || *n.ends_at > now);
}

}  // namespace

Reply Api::device_put(Call &c) {
  const JsonValue &b = *c.body;
  JsonOut j;
  j.obj();
  for (const char *f : kDeviceFields) {
    auto v = opt_string(b, f, 128);
    if (v) j.kv(f, *v);
  }
  if (const JsonValue *attrs = field(b, "attributes")) {
    if (!attrs->IsObject() || attrs->MemberCount() > 64)
      throw bad_request("attributes: must be an object with at most 64 string values");
    j.key("attributes").obj();
    for (const auto &m : attrs->GetObject()) {
      if (!m.value.IsString() || utf8_length(m.value.GetString()) > 128)
        throw bad_request(std::string("attributes.") + m.name.GetString() +
                          ": must be a string of <= 128 characters");
      j.kv(m.name.GetString(), std::string(m.value.GetString(), m.value.GetStringLength()));
    }
    j.end_obj();
  }
  j.end_obj();
  DeviceRecord d;
  d.device_id = c.device->device_id;
  if (c.device->user) d.user_sub = c.device->user->sub;
  d.attrs_json = j.take();
  d.updated_at = now_ms();
  c.tx->upsert_device(c.app->app_key, d);
  return json(200, device_reply(d));
}

Reply Api::device_get(Call &c) {
  auto d = c.tx->find_device(c.app->app_key, c.device->device_id);
  if (!d) throw not_found("device");
  return json(200, device_reply(*d));
}

Reply Api::push_token_put(Call &c) {
  PushTokenRecord p;
  p.platform = req_string(*c.body, "platform", 1, 16);
  p.token = req_string(*c.body, "token", 1, 4096);
  p.updated_at = now_ms();
  c.tx->upsert_push_token(c.app->app_key, c.device->device_id, p);
  JsonOut j;
  render_push(j, p);
  return json(200, j.take());
}

Reply Api::push_token_delete(Call &c) {
  c.tx->delete_push_token(c.app->app_key, c.device->device_id);
  Reply r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Reply Api::agent_ticket_device(Call &c) {
  TicketRecord t = app_ticket(c, c.params[0]);
  auto d = c.tx->find_device(c.app->app_key, t.device_id);
  auto push = c.tx->find_push_token(c.app->app_key, t.device_id);
  if (!d && !push) throw not_found("device");
  if (!d) {
    // A push token but no attributes yet (PUT /v1/device never called).
    d = DeviceRecord{t.device_id, std::nullopt, "{}", push->updated_at};
  }
  return json(200, device_reply(*d, &push));
}

Reply Api::surveys_create(Call &c) {
  const JsonValue &b = *c.body;
  auto id = opt_id(b, "id");
  std::string kind = req_string(b, "kind", 1, 8);
  int64_t score = req_int(b, "score");
  int64_t lo, hi;
  if (kind == "csat")
    lo = 1, hi = 5;
  else if (kind == "nps")
    lo = 0, hi = 10;
  else if (kind == "ces")
    lo = 1, hi = 7;
  else
    throw bad_request("kind: one of csat, nps, ces");
  if (score < lo || score > hi)
    throw bad_request("score: " + kind + " must be in " + std::to_string(lo) + ".." + std::to_string(hi));
  auto ticket_id = opt_id(b, "ticket_id");
  auto comment = opt_string(b, "comment", 2000);
  if (ticket_id) owned_ticket(c, *ticket_id);
  if (id && c.tx->survey_exists(c.app->app_key, *id))
    throw ApiError(409, "conflict", "a survey with this id already exists");
  SurveyRecord s;
  s.id = id ? *id : new_id("s_");
  s.owner = c.device->owner;
  s.device_id = c.device->device_id;
  s.kind = kind;
  s.score = score;
  s.ticket_id = ticket_id;
  s.comment = comment;
  s.created_at = now_ms();
  c.tx->insert_survey(c.app->app_key, s);
  JsonOut j;
  j.obj()
      .kv("id", s.id)
      .kv("kind", s.kind)
      .kv("score", s.score)
      .kv_opt("ticket_id", s.ticket_id)
      .kv_opt("comment", s.comment)
      .kv("created_at", s.created_at)
      .end_obj();
  return json(201, j.take());
}

Reply Api::notices_list(Call &c) {
  const std::string &app = c.app->app_key;
  auto dev = c.tx->find_device(app, c.device->device_id);
  std::string attrs = dev ? dev->attrs_json : std::string();
  int64_t now = now_ms();
  JsonOut j;
  j.obj().key("items").arr();
  for (const auto &n : c.tx->list_notices(app)) {
    if (!notice_live(n, now) || !target_matches(n.target_json, attrs)) continue;
    render_notice(j, n, c.tx->notice_ack_time(app, n.id, c.device->device_id).has_value());
  }
  j.end_arr().end_obj();
  return json(200, j.take());
}

Reply Api::notice_ack(Call &c) {
  auto n = c.tx->find_notice(c.app->app_key, c.params[0]);
  if (!n || n->deleted) throw not_found("notice");
  c.tx->ack_notice(c.app->app_key, n->id, c.device->device_id, now_ms());
  auto at = c.tx->notice_ack_time(c.app->app_key, n->id, c.device->device_id);
  JsonOut j;
  j.obj().kv("notice_id", n->id).kv("acknowledged_at", at ? *at : now_ms()).end_obj();
  return json(200, j.take());
}

}  // namespace helpline::server
