// Device attributes, push token, surveys and notices (device API), and the agent view of a ticket's device.
#include "api/device.hpp"

#include "api/render.hpp"
#include "api/ticket_actions.hpp"
#include "api_error.hpp"
#include "ids.hpp"
#include "json_fields.hpp"
#include "notice_targeting.hpp"

namespace helpline::server {

namespace {

const char *const kDeviceFields[] = {"model",       "os",          "os_version", "firmware_version",
                                     "app_version", "sdk_version", "locale"};

void render_push(JsonOut &j, const PushTokenRecord &p) {
  j.begin_object()
      .field("platform", p.platform)
      .field("token", p.token)
      .field("updated_at", p.updated_at)
      .end_object();
}

// The stored document plus device_id and updated_at; the agent view adds "push" (token or null).
std::string device_reply(const DeviceRecord &d, const std::optional<PushTokenRecord> *push = nullptr) {
  rapidjson::Document doc;
  doc.Parse(d.attrs_json.data(), d.attrs_json.size());
  JsonOut j;
  j.begin_object().field("device_id", d.device_id);
  if (!doc.HasParseError() && doc.IsObject())
    for (const auto &m : doc.GetObject()) j.key(m.name.GetString()).raw_or_null(to_json(m.value));
  j.field("updated_at", d.updated_at);
  if (push) {
    j.key("push");
    if (*push)
      render_push(j, **push);
    else
      j.null();
  }
  j.end_object();
  return j.take();
}

bool notice_live(const NoticeRecord &n, int64_t now) {
  return n.active && !n.deleted && (!n.starts_at || *n.starts_at <= now) && (!n.ends_at || *n.ends_at > now);
}

}  // namespace

void DeviceHandlers::add_routes(Router &r) {
  using K = RouteKind;
  using B = BodyKind;
  namespace p = wire::path;
  r.add(
      {"PUT", p::kDevice, handler(this, &DeviceHandlers::device_put), K::device, B::json, true, true, true});
  r.add({"GET", p::kDevice, handler(this, &DeviceHandlers::device_get), K::device, B::none, false, false,
         false});
  r.add({"PUT", p::kPushToken, handler(this, &DeviceHandlers::push_token_put), K::device, B::json, true, true,
         true});
  r.add({"DELETE", p::kPushToken, handler(this, &DeviceHandlers::push_token_delete), K::device, B::none, true,
         true, true});
  r.add({"POST", p::kSurveys, handler(this, &DeviceHandlers::surveys_create), K::device, B::json, true, true,
         true});
  r.add({"GET", p::kNotices, handler(this, &DeviceHandlers::notices_list), K::device, B::none, false, false,
         false});
  r.add({"POST", id_pattern(p::kNoticesPrefix, p::kAckSuffix), handler(this, &DeviceHandlers::notice_ack),
         K::device, B::optional_json, true, true, true});
  r.add({"GET", "/v1/agent/tickets/{}/device", handler(this, &DeviceHandlers::agent_ticket_device), K::agent,
         B::none, false, false, false});
}

Reply DeviceHandlers::device_put(Call &c) {
  const JsonValue &b = *c.body;
  JsonOut j;
  j.begin_object();
  for (const char *f : kDeviceFields) {
    auto v = opt_string(b, f, 128);
    if (v) j.field(f, *v);
  }
  if (const JsonValue *attrs = field(b, "attributes")) {
    if (!attrs->IsObject() || attrs->MemberCount() > 64)
      throw bad_request("attributes: must be an object with at most 64 string values");
    j.key("attributes").begin_object();
    for (const auto &m : attrs->GetObject()) {
      if (!m.value.IsString() || utf8_length(m.value.GetString()) > wire::limit::kDeviceAttributeValueBytes)
        throw bad_request(std::string("attributes.") + m.name.GetString() +
                          ": must be a string of <= 128 characters");
      j.field(m.name.GetString(), std::string(m.value.GetString(), m.value.GetStringLength()));
    }
    j.end_object();
  }
  j.end_object();
  DeviceRecord d;
  d.device_id = c.device->device_id;
  if (c.device->user) d.user_sub = c.device->user->sub;
  d.attrs_json = j.take();
  d.updated_at = now_ms();
  c.tx->identity().upsert_device(c.app->app_key, d);
  return json(200, device_reply(d));
}

Reply DeviceHandlers::device_get(Call &c) {
  auto d = c.tx->identity().find_device(c.app->app_key, c.device->device_id);
  if (!d) throw not_found("device");
  return json(200, device_reply(*d));
}

Reply DeviceHandlers::push_token_put(Call &c) {
  PushTokenRecord p;
  p.platform = req_string(*c.body, "platform", 1, 16);
  p.token = req_string(*c.body, "token", 1, wire::limit::kPushTokenBytes);
  p.updated_at = now_ms();
  c.tx->identity().upsert_push_token(c.app->app_key, c.device->device_id, p);
  JsonOut j;
  render_push(j, p);
  return json(200, j.take());
}

Reply DeviceHandlers::push_token_delete(Call &c) {
  c.tx->identity().delete_push_token(c.app->app_key, c.device->device_id);
  return no_content();
}

Reply DeviceHandlers::agent_ticket_device(Call &c) {
  TicketRecord t = app_ticket(c, c.params[0]);
  auto d = c.tx->identity().find_device(c.app->app_key, t.device_id);
  auto push = c.tx->identity().find_push_token(c.app->app_key, t.device_id);
  if (!d && !push) throw not_found("device");
  if (!d) {
    // A push token but no attributes yet (PUT /v1/device never called).
    d = DeviceRecord{t.device_id, std::nullopt, "{}", push->updated_at};
  }
  return json(200, device_reply(*d, &push));
}

Reply DeviceHandlers::surveys_create(Call &c) {
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
  auto comment = opt_string(b, "comment", wire::limit::kSurveyCommentBytes);
  if (ticket_id) owned_ticket(c, *ticket_id);
  if (id && c.tx->surveys().exists(c.app->app_key, *id))
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
  c.tx->surveys().insert(c.app->app_key, s);
  JsonOut j;
  j.begin_object()
      .field("id", s.id)
      .field("kind", s.kind)
      .field("score", s.score)
      .opt_field("ticket_id", s.ticket_id)
      .opt_field("comment", s.comment)
      .field("created_at", s.created_at)
      .end_object();
  return json(201, j.take());
}

Reply DeviceHandlers::notices_list(Call &c) {
  const std::string &app = c.app->app_key;
  auto dev = c.tx->identity().find_device(app, c.device->device_id);
  std::string attrs = dev ? dev->attrs_json : std::string();
  int64_t now = now_ms();
  JsonOut j;
  j.begin_object().key("items").begin_array();
  for (const auto &n : c.tx->notices().list(app)) {
    if (!notice_live(n, now) || !target_matches(n.target_json, attrs)) continue;
    render_notice(j, n, c.tx->notices().ack_time(app, n.id, c.device->device_id).has_value());
  }
  j.end_array().end_object();
  return json(200, j.take());
}

Reply DeviceHandlers::notice_ack(Call &c) {
  auto n = c.tx->notices().find(c.app->app_key, c.params[0]);
  if (!n || n->deleted) throw not_found("notice");
  c.tx->notices().ack(c.app->app_key, n->id, c.device->device_id, now_ms());
  auto at = c.tx->notices().ack_time(c.app->app_key, n->id, c.device->device_id);
  JsonOut j;
  j.begin_object().field("notice_id", n->id).field("acknowledged_at", at ? *at : now_ms()).end_object();
  return json(200, j.take());
}

}  // namespace helpline::server
