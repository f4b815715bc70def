// Server rules (protocol.md 14.3), the device rule set pushed through sync (14.4), and the OTLP export's
// counters (18.2).
#include "api/api.hpp"
#include "api/render.hpp"
#include "api_error.hpp"
#include "ids.hpp"
#include "json_fields.hpp"
#include "json_out.hpp"
#include "otlp/otlp_exporter.hpp"
#include "rules/device_rule_set.hpp"
#include "rules/server_rule.hpp"

namespace helpline::server {

namespace {

void require_admin_role(const Call &c) {
  if (c.agent->agent.role != "admin") throw ApiError(403, "forbidden", "admin role required");
}

Reply no_content_reply() {
  Reply r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

void render_rule(JsonOut &j, const ServerRuleRecord &r, int64_t firings) {
  rapidjson::Document d;
  d.Parse(r.definition_json.data(), r.definition_json.size());
  j.obj().kv("id", r.id);
  for (const char *k : {"name", "match", "action"}) {
    auto it = d.FindMember(k);
    j.key(k);
    if (it == d.MemberEnd())
      j.null();
    else
      j.raw(to_json(it->value));
  }
  j.kv("enabled", r.enabled)
      .kv("agent_id", r.agent_id)
      .kv("firings", firings)
      .kv("created_at", r.created_at)
      .kv("updated_at", r.updated_at)
      .end_obj();
}

std::string rule_json(Call &c, const ServerRuleRecord &r) {
  JsonOut j;
  render_rule(j, r, c.tx->rule_firing_count(c.app->app_key, r.id));
  return j.take();
}

void render_rule_set(JsonOut &j, const std::optional<DeviceRuleSetRecord> &r) {
  j.obj().kv("version", r ? r->version : int64_t(0)).key("rules").raw(r ? r->rules_json : std::string("[]"));
  j.key("updated_at");
  if (r)
    j.i64(r->updated_at);
  else
    j.null();
  j.kv_opt("agent_id", r ? r->agent_id : std::nullopt).end_obj();
}

}  // namespace

Reply Api::rules_list(Call &c) {
  JsonOut j;
  j.obj().key("items").arr();
  for (const auto &r : c.tx->list_server_rules(c.app->app_key))
    render_rule(j, r, c.tx->rule_firing_count(c.app->app_key, r.id));
  j.end_arr().end_obj();
  return json(200, j.take());
}

Reply Api::rule_get(Call &c) {
  auto r = c.tx->find_server_rule(c.app->app_key, c.params[0]);
  if (!r) throw not_found("rule");
  return json(200, rule_json(c, *r));
}

Reply Api::rule_create(Call &c) {
  require_admin_role(c);
  const JsonValue &b = *c.body;
  auto id = opt_id(b, "id");
  ServerRule parsed = parse_server_rule(b);
  if (id && c.tx->find_server_rule(c.app->app_key, *id)) throw ApiError(409, "conflict", "rule id exists");
  ServerRuleRecord r;
  r.id = id ? *id : new_id("r_");
  r.definition_json = server_rule_definition(b);
  r.enabled = parsed.enabled;
  r.agent_id = c.agent->agent.id;
  r.created_at = r.updated_at = now_ms();
  c.tx->upsert_server_rule(c.app->app_key, r);
  return json(201, rule_json(c, r));
}

Reply Api::rule_patch(Call &c) {
  require_admin_role(c);
  auto r = c.tx->find_server_rule(c.app->app_key, c.params[0]);
  if (!r) throw not_found("rule");
  rapidjson::Document merged;
  merged.Parse(r->definition_json.data(), r->definition_json.size());
  auto &al = merged.GetAllocator();
  const JsonValue &b = *c.body;
  for (const char *k : {"name", "match", "action"}) {
    auto it = b.FindMember(k);
    if (it == b.MemberEnd()) continue;
    merged.RemoveMember(k);
    merged.AddMember(rapidjson::StringRef(k), rapidjson::Value(it->value, al), al);
  }
  parse_server_rule(merged);  // the result must still be a valid rule
  if (auto e = opt_bool(b, "enabled")) r->enabled = *e;
  r->definition_json = server_rule_definition(merged);
  r->updated_at = std::max(now_ms(), r->updated_at + 1);  // the rule engine reloads on a changed updated_at
  c.tx->upsert_server_rule(c.app->app_key, *r);
  rules_.forget(c.app->app_key, r->id);
  return json(200, rule_json(c, *r));
}

Reply Api::rule_delete(Call &c) {
  require_admin_role(c);
  if (!c.tx->delete_server_rule(c.app->app_key, c.params[0])) throw not_found("rule");
  rules_.forget(c.app->app_key, c.params[0]);
  return no_content_reply();
}

Reply Api::device_rules_get(Call &c) {
  JsonOut j;
  render_rule_set(j, c.tx->find_device_rule_set(c.app->app_key));
  return json(200, j.take());
}

// A new version goes to every device of the app as one broadcast `rules` sync item; devices that sync later
// (or from an older cursor) receive it from the feed, and a page carries only the newest `rules` item.
Reply Api::device_rules_put(Call &c) {
  require_admin_role(c);
  std::string rules = validate_device_rules(field(*c.body, "rules"));
  auto current = c.tx->find_device_rule_set(c.app->app_key);
  if (current && current->rules_json == rules) {
    JsonOut j;
    render_rule_set(j, current);
    return json(200, j.take());
  }
  DeviceRuleSetRecord r;
  r.version = (current ? current->version : 0) + 1;
  r.rules_json = rules;
  r.agent_id = c.agent->agent.id;
  r.updated_at = now_ms();
  c.tx->save_device_rule_set(c.app->app_key, r);
  EventRecord e;
  e.broadcast = true;
  e.type = "rules";
  JsonOut data;
  data.obj().kv("version", r.version).key("rules").raw(r.rules_json).kv("updated_at", r.updated_at).end_obj();
  e.data_json = data.take();
  emit(c, std::move(e));
  JsonOut j;
  render_rule_set(j, r);
  return json(200, j.take());
}

Reply Api::otlp_stats(Call &) {
  OtlpStats s = otlp_ ? otlp_->stats() : OtlpStats{};
  JsonOut j;
  j.obj()
      .kv("enabled", s.enabled)
      .kv("endpoint", s.endpoint)
      .kv("queued", s.queued)
      .kv("accepted", s.accepted)
      .kv("dropped_queue_full", s.dropped_queue_full)
      .kv("dropped_failed", s.dropped_failed)
      .kv("exported_log_records", s.exported_log_records)
      .kv("exported_metric_points", s.exported_metric_points)
      .kv("requests_ok", s.requests_ok)
      .kv("requests_failed", s.requests_failed)
      .kv("last_error", s.last_error)
      .end_obj();
  return json(200, j.take());
}

}  // namespace helpline::server
