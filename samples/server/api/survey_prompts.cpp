// Survey prompts (protocol section 11.1): a CSAT prompt for the owner when an agent solves a ticket, and
// prompts an agent schedules for a segment of devices (notice targeting rules).
#include "api/survey_prompts.hpp"

#include "api/ticket_actions.hpp"
#include "api_error.hpp"
#include "ids.hpp"
#include "json_fields.hpp"
#include "notice_targeting.hpp"

namespace helpline::server {

namespace {

std::string prompt_data(const SurveyPromptRecord &p) {
  JsonOut j;
  j.begin_object()
      .field("id", p.id)
      .field("kind", p.kind)
      .opt_field("ticket_id", p.ticket_id)
      .field("reason", p.reason)
      .field("created_at", p.created_at)
      .end_object();
  return j.take();
}

void render_prompt_agent(JsonOut &j, const SurveyPromptRecord &p) {
  j.begin_object()
      .field("id", p.id)
      .field("kind", p.kind)
      .opt_field("ticket_id", p.ticket_id)
      .field("reason", p.reason)
      .key("target");
  if (p.target_json)
    j.raw_or_null(*p.target_json);
  else
    j.null();
  j.opt_field("agent_id", p.agent_id)
      .field("devices", p.devices)
      .field("created_at", p.created_at)
      .end_object();
}

}  // namespace

void emit_csat_prompt(Call &c, const TicketRecord &t) {
  SurveyPromptRecord p;
  p.id = new_id("sp_");
  p.kind = "csat";
  p.reason = "ticket_solved";
  p.ticket_id = t.id;
  if (c.agent) p.agent_id = c.agent->agent.id;
  p.created_at = now_ms();
  EventRecord e;
  e.owner = t.owner;
  e.device_id = owner_device(t.owner);
  e.type = wire::sync_type::kSurveyPrompt;
  e.data_json = prompt_data(p);
  emit(c, std::move(e));
  p.devices = 0;  // delivered to every device of the owner; not counted
  c.tx->surveys().insert_prompt(c.app->app_key, p);
}

void SurveyPromptHandlers::add_routes(Router &r) {
  using K = RouteKind;
  using B = BodyKind;
  r.add({"POST", wire::path::kDeflections, handler(this, &SurveyPromptHandlers::deflections_create),
         K::device, B::json, true, true, true});
  r.add({"GET", "/v1/agent/survey-prompts", handler(this, &SurveyPromptHandlers::survey_prompts_list),
         K::agent, B::none, false, false, false});
  r.add({"POST", "/v1/agent/survey-prompts", handler(this, &SurveyPromptHandlers::survey_prompt_create),
         K::agent, B::json, true, true, false});
}

Reply SurveyPromptHandlers::survey_prompt_create(Call &c) {
  const JsonValue &b = *c.body;
  auto id = opt_id(b, "id");
  SurveyPromptRecord p;
  p.kind = opt_string(b, "kind", 8).value_or("nps");
  if (p.kind != "nps" && p.kind != "csat" && p.kind != "ces")
    throw bad_request("kind: one of nps, csat, ces");
  auto target = opt_object_json(b, "target", 16 * 1024);
  p.target_json = target ? *target : std::string("{}");
  validate_target(*p.target_json);
  if (id && c.tx->surveys().prompt_exists(c.app->app_key, *id))
    throw ApiError(409, "conflict", "a survey prompt with this id already exists");
  p.id = id ? *id : new_id("sp_");
  p.reason = "scheduled";
  p.agent_id = c.agent->agent.id;
  p.created_at = now_ms();
  // Materialised per device now: the segment is the devices known (PUT /v1/device) and matching today, so a
  // device that registers next month is not asked about a campaign it never saw.
  std::string data = prompt_data(p);
  for (const auto &d : c.tx->identity().list_devices(c.app->app_key)) {
    if (!target_matches(*p.target_json, d.attrs_json)) continue;
    EventRecord e;
    e.device_id = d.device_id;
    e.type = wire::sync_type::kSurveyPrompt;
    e.data_json = data;
    emit(c, std::move(e));
    ++p.devices;
  }
  c.tx->surveys().insert_prompt(c.app->app_key, p);
  JsonOut j;
  render_prompt_agent(j, p);
  return json(201, j.take());
}

Reply SurveyPromptHandlers::survey_prompts_list(Call &c) {
  JsonOut j;
  j.begin_object().key("items").begin_array();
  for (const auto &p : c.tx->surveys().prompts(c.app->app_key, 200)) render_prompt_agent(j, p);
  j.end_array().end_object();
  return json(200, j.take());
}

Reply SurveyPromptHandlers::deflections_create(Call &c) {
  const JsonValue &b = *c.body;
  auto id = opt_id(b, "id");
  auto articles = opt_string_array(b, "article_ids", 20, 64);
  auto query = opt_string(b, "query", wire::limit::kDeflectionQueryBytes);
  auto ticket_id = opt_id(b, "ticket_id");
  if (ticket_id) owned_ticket(c, *ticket_id);
  if (id && c.tx->surveys().deflection_exists(c.app->app_key, *id))
    throw ApiError(409, "conflict", "a deflection with this id already exists");
  DeflectionRecord d;
  d.id = id ? *id : new_id("df_");
  d.owner = c.device->owner;
  d.device_id = c.device->device_id;
  JsonOut a;
  a.begin_array();
  for (const auto &s : articles) a.str(s);
  a.end_array();
  d.article_ids_json = a.take();
  d.query = query;
  d.ticket_id = ticket_id;
  d.created_at = now_ms();
  c.tx->surveys().insert_deflection(c.app->app_key, d);
  JsonOut j;
  j.begin_object()
      .field("id", d.id)
      .key("article_ids")
      .raw_or_null(d.article_ids_json)
      .opt_field("query", d.query)
      .opt_field("ticket_id", d.ticket_id)
      .field("created_at", d.created_at)
      .end_object();
  return json(201, j.take());
}

}  // namespace helpline::server
