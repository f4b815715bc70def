// Server rules (protocol.md 14.3), the device rule set pushed through sync (14.4), and the OTLP export's
// counters (18.2).
#include "api/rules.hpp"

#include "api/render.hpp"
#include "api/rule_engine.hpp"
#include "api_error.hpp"
#include "ids.hpp"
#include "json_fields.hpp"
#include "otlp/otlp_exporter.hpp"
#include "rules/device_rule_set.hpp"
#include "rules/server_rule.hpp"

namespace helpline::server {

namespace {

void render_rule(JsonOut &j, const ServerRuleRecord &r, int64_t firings) {
  rapidjson::Document d;
  d.Parse(r.definition_json.data(), r.definition_json.size());
  j.begin_object().field("id", r.id);
  for (const char *k : {"name", "match", "action"}) {
    auto it = d.FindMember(k);
    j.key(k);
    if (it == d.MemberEnd())
      j.null();
    else
      j.raw_or_null(to_json(it->value));
  }
  j.field("enabled", r.enabled)
      .field("agent_id", r.agent_id)
      .field("firings", firings)
      .field("created_at", r.created_at)
      .field("updated_at", r.updated_at)
      .end_object();
}

std::string rule_json(Call &c, const ServerRuleRecord &r) {
  JsonOut j;
  render_rule(j, r, c.tx->rules().firing_count(c.app->app_key, r.id));
  return j.take();
}

void render_rule_set(JsonOut &j, const std::optional<DeviceRuleSetRecord> &r) {
  j.begin_object()
      .field("version", r ? r->version : int64_t(0))
      .key("rules")
      .raw_or_null(r ? r->rules_json : std::string("[]"));
  j.key("updated_at");
  if (r)
    j.i64(r->updated_at);
  else
    j.null();
  j.opt_field("agent_id", r ? r->agent_id : std::nullopt).end_object();
}

}  // namespace

RuleHandlers::RuleHandlers(ApiContext &ctx) : ctx_(ctx) {}

void RuleHandlers::add_routes(Router &r) {
  using K = RouteKind;
  using B = BodyKind;
  using H = RuleHandlers;
  r.add({"GET", "/v1/agent/rules", handler(this, &H::rules_list), K::agent, B::none, false, false, false});
  r.add({"POST", "/v1/agent/rules", handler(this, &H::rule_create), K::agent, B::json, true, true, false});
  r.add({"GET", "/v1/agent/rules/{}", handler(this, &H::rule_get), K::agent, B::none, false, false, false});
  r.add({"PATCH", "/v1/agent/rules/{}", handler(this, &H::rule_patch), K::agent, B::json, true, true, false});
  r.add(
      {"DELETE", "/v1/agent/rules/{}", handler(this, &H::rule_delete), K::agent, B::none, true, true, false});
  r.add({"GET", "/v1/agent/device-rules", handler(this, &H::device_rules_get), K::agent, B::none, false,
         false, false});
  r.add({"PUT", "/v1/agent/device-rules", handler(this, &H::device_rules_put), K::agent, B::json, true, true,
         false});
  r.add({"GET", "/v1/agent/otlp", handler(this, &H::otlp_stats), K::agent, B::none, false, false, false});
}

Reply RuleHandlers::rules_list(Call &c) {
  JsonOut j;
  j.begin_object().key("items").begin_array();
  for (const auto &r : c.tx->rules().list(c.app->app_key))
    render_rule(j, r, c.tx->rules().firing_count(c.app->app_key, r.id));
  j.end_array().end_object();
  return json(200, j.take());
}

Reply RuleHandlers::rule_get(Call &c) {
  auto r = c.tx->rules().find(c.app->app_key, c.params[0]);
  if (!r) throw not_found("rule");
  return json(200, rule_json(c, *r));
}

Reply RuleHandlers::rule_create(Call &c) {
  require_admin(c);
  const JsonValue &b = *c.body;
  auto id = opt_id(b, "id");
  ServerRule parsed = parse_server_rule(b);
  if (id && c.tx->rules().find(c.app->app_key, *id)) throw ApiError(409, "conflict", "rule id exists");
  ServerRuleRecord r;
  r.id = id ? *id : new_id("r_");
  r.definition_json = server_rule_definition(b);
  r.enabled = parsed.enabled;
  r.agent_id = c.agent->agent.id;
  r.created_at = r.updated_at = now_ms();
  c.tx->rules().upsert(c.app->app_key, r);
  return json(201, rule_json(c, r));
}

Reply RuleHandlers::rule_patch(Call &c) {
  require_admin(c);
  auto r = c.tx->rules().find(c.app->app_key, c.params[0]);
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
  c.tx->rules().upsert(c.app->app_key, *r);
  ctx_.rules.forget(c.app->app_key, r->id);
  return json(200, rule_json(c, *r));
}

Reply RuleHandlers::rule_delete(Call &c) {
  require_admin(c);
  if (!c.tx->rules().remove(c.app->app_key, c.params[0])) throw not_found("rule");
  ctx_.rules.forget(c.app->app_key, c.params[0]);
  return no_content();
}

Reply RuleHandlers::device_rules_get(Call &c) {
  JsonOut j;
  render_rule_set(j, c.tx->rules().find_device_rule_set(c.app->app_key));
  return json(200, j.take());
}

// A new version goes to every device of the app as one broadcast `rules` sync item; devices that sync later
// (or from an older cursor) receive it from the feed, and a page carries only the newest `rules` item.
Reply RuleHandlers::device_rules_put(Call &c) {
  require_admin(c);
  std::string rules = validate_device_rules(field(*c.body, "rules"));
  auto current = c.tx->rules().find_device_rule_set(c.app->app_key);
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
  c.tx->rules().save_device_rule_set(c.app->app_key, r);
  EventRecord e;
  e.broadcast = true;
  e.type = wire::sync_type::kRules;
  JsonOut data;
  data.begin_object()
      .field("version", r.version)
      .key("rules")
      .raw_or_null(r.rules_json)
      .field("updated_at", r.updated_at)
      .end_object();
  e.data_json = data.take();
  emit(c, std::move(e));
  JsonOut j;
  render_rule_set(j, r);
  return json(200, j.take());
}

Reply RuleHandlers::otlp_stats(Call &) {
  OtlpStats s = ctx_.otlp ? ctx_.otlp->stats() : OtlpStats{};
  JsonOut j;
  j.begin_object()
      .field("enabled", s.enabled)
      .field("endpoint", s.endpoint)
      .field("queued", s.queued)
      .field("accepted", s.accepted)
      .field("dropped_queue_full", s.dropped_queue_full)
      .field("dropped_failed", s.dropped_failed)
      .field("exported_log_records", s.exported_log_records)
      .field("exported_metric_points", s.exported_metric_points)
      .field("requests_ok", s.requests_ok)
      .field("requests_failed", s.requests_failed)
      .field("last_error", s.last_error)
      .end_object();
  return json(200, j.take());
}

}  // namespace helpline::server
