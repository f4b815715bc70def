// Diagnostics: batch ingest with per-item results, agent views, diagnostics requests.
#include "api/diagnostics.hpp"

#include "api/diagnostics_ingest.hpp"
#include "api/render.hpp"
#include "api/ticket_actions.hpp"
#include "api_error.hpp"
#include "ids.hpp"
#include "json_fields.hpp"

#include <unordered_map>

namespace helpline::server {

namespace {

bool known_kind(const std::string &k) {
  return k == "event" || k == "breadcrumb" || k == "metric" || k == "snapshot" || k == "log";
}

}  // namespace

namespace {

void parse_item(const JsonValue &item, IngestItem &p) {
  DiagnosticRecord &d = p.rec;
  if (!item.IsObject()) throw bad_request("item: must be an object");
  p.key = req_string(item, "idempotency_key", 1, 128);
  d.idempotency_key = *p.key;
  d.kind = req_string(item, "kind", 1, 16);
  if (!known_kind(d.kind)) throw bad_request("kind: one of event, breadcrumb, metric, snapshot, log");
  d.name = req_string(item, "name", 1, wire::limit::kDiagnosticNameBytes);
  d.ts = req_int(item, "ts");
  d.level = opt_string(item, "level", 32);
  d.message = opt_string(item, "message", wire::limit::kDiagnosticMessageBytes);
  if (const JsonValue *v = field(item, "value")) {
    if (!v->IsNumber()) throw bad_request("value: must be a number");
    d.value = v->GetDouble();
  }
  auto attrs = opt_object_json(item, "attributes", wire::limit::kDiagnosticAttributesBytes);
  if (attrs) d.attributes_json = std::move(*attrs);
  d.ticket_id = opt_id(item, "ticket_id");
  d.request_id = opt_id(item, "request_id");
}

}  // namespace

namespace {

std::string ingest_reply(const IngestJob &job) {
  int64_t accepted = 0, duplicates = 0, rejected = 0;
  for (const auto &p : job.items) {
    if (p.error)
      ++rejected;
    else if (p.duplicate)
      ++duplicates;
    else
      ++accepted;
  }
  JsonOut j;
  j.begin_object()
      .field("accepted", accepted)
      .field("duplicates", duplicates)
      .field("rejected", rejected)
      .key("results")
      .begin_array();
  for (const auto &p : job.items) {
    j.begin_object().opt_field("idempotency_key", p.key);
    if (p.error) {
      j.field("outcome", "error")
          .field("retryable", false)
          .key("error")
          .begin_object()
          .field("code", p.error->code())
          .field("message", p.error->what())
          .end_object();
    } else {
      j.field("outcome", p.duplicate ? "duplicate" : "ok");
    }
    j.end_object();
  }
  j.end_array().end_object();
  return j.take();
}

}  // namespace

DiagnosticsHandlers::DiagnosticsHandlers(ApiContext &ctx) : ctx_(ctx) {}

void DiagnosticsHandlers::add_routes(Router &r) {
  using K = RouteKind;
  using B = BodyKind;
  // Inserts happen on the ingest thread (TxMode::own): the reply is deferred until they have committed.
  r.add({"POST", wire::path::kDiagnosticsBatch, handler(this, &DiagnosticsHandlers::diagnostics_batch),
         K::device, B::json, false, false, false, TxMode::own});
  r.add({"GET", "/v1/agent/tickets/{}/diagnostics",
         handler(this, &DiagnosticsHandlers::agent_ticket_diagnostics), K::agent, B::none, false, false,
         false});
  r.add({"POST", "/v1/agent/diagnostics-requests",
         handler(this, &DiagnosticsHandlers::agent_diag_request_create), K::agent, B::json, true, true,
         false});
  r.add({"GET", "/v1/agent/diagnostics-requests",
         handler(this, &DiagnosticsHandlers::agent_diag_requests_list), K::agent, B::none, false, false,
         false});
}

// Parsing and validation run here on the I/O thread; the inserts run on the ingest thread, batched with other
// requests into one transaction. The response is produced when that transaction has committed.
Reply DiagnosticsHandlers::diagnostics_batch(Call &c) {
  const JsonValue *items = field(*c.body, "items");
  if (!items || !items->IsArray() || items->Empty()) throw bad_request("items: must be a non-empty array");
  if (items->Size() > c.app->limits.max_diagnostics_batch_items)
    throw ApiError(
        413, "payload_too_large",
        "at most " + std::to_string(c.app->limits.max_diagnostics_batch_items) + " items per batch");
  IngestJob job;
  job.app = c.app->app_key;
  job.device_id = c.device->device_id;
  job.owner = c.device->owner;
  job.items.resize(items->Size());
  int64_t now = now_ms();
  size_t i = 0;
  for (const auto &item : items->GetArray()) {
    IngestItem &p = job.items[i++];
    p.rec.device_id = job.device_id;
    p.rec.owner = job.owner;
    p.rec.received_at = now;
    try {
      parse_item(item, p);
    } catch (const ApiError &e) {
      p.error = e;
    }
  }
  auto shared = std::make_shared<IngestJob>(std::move(job));
  c.deferred = [this, shared](std::function<void(HttpResponse)> complete) {
    shared->done = [complete](IngestJob &&finished) {
      HttpResponse r;
      if (finished.failed) {
        r.status = 500;
        r.body = error_body("internal", "diagnostics could not be stored; retry later");
      } else {
        r.body = ingest_reply(finished);
      }
      complete(std::move(r));
    };
    ctx_.ingest.submit(std::move(*shared));
  };
  return Reply{};
}

Reply DiagnosticsHandlers::agent_ticket_diagnostics(Call &c) {
  TicketRecord t = app_ticket(c, c.params[0]);
  auto [cursor, limit] = page_params(c, 100, 50);
  std::optional<std::string> kind;
  if (const std::string *k = c.query_param("kind"))
    if (!k->empty()) kind = *k;
  auto devices = c.tx->tickets().devices(c.app->app_key, t.id);
  auto rows = c.tx->diagnostics().for_ticket(c.app->app_key, t.id, devices, kind, cursor, limit + 1);
  return json(200, page_json(std::move(rows), limit, render_diagnostic));
}

Reply DiagnosticsHandlers::agent_diag_request_create(Call &c) {
  const JsonValue &b = *c.body;
  auto ticket_id = opt_id(b, "ticket_id");
  auto device_id = opt_string(b, "device_id", 128);
  if (!ticket_id && !device_id) throw bad_request("ticket_id or device_id: one is required");
  auto kinds = opt_string_array(b, "kinds", 10, 32);
  auto message = opt_string(b, "message", 2000);
  DiagnosticsRequestRecord r;
  r.id = new_id("dr_");
  r.ticket_id = ticket_id;
  r.device_id = device_id;
  if (ticket_id) {
    TicketRecord t = app_ticket(c, *ticket_id);
    if (!device_id) r.owner = t.owner;
  }
  JsonOut kj;
  kj.begin_array();
  for (const auto &k : kinds) kj.str(k);
  kj.end_array();
  r.kinds_json = kj.take();
  r.message = message;
  r.status = "pending";
  r.agent_id = c.agent->agent.id;
  r.created_at = now_ms();
  c.tx->diagnostics().insert_request(c.app->app_key, r);

  JsonOut data;
  data.begin_object()
      .field("id", r.id)
      .opt_field("ticket_id", r.ticket_id)
      .key("kinds")
      .raw_or_null(r.kinds_json)
      .opt_field("message", r.message)
      .field("created_at", r.created_at)
      .end_object();
  EventRecord e;
  e.type = wire::sync_type::kDiagnosticsRequest;
  e.data_json = data.take();
  if (r.device_id)
    e.device_id = r.device_id;
  else {
    e.owner = r.owner;
    e.device_id = owner_device(*r.owner);
  }
  emit(c, std::move(e));
  JsonOut j;
  render_diag_request(j, r);
  return json(201, j.take());
}

Reply DiagnosticsHandlers::agent_diag_requests_list(Call &c) {
  std::optional<std::string> ticket_id;
  if (const std::string *t = c.query_param("ticket_id"))
    if (!t->empty()) ticket_id = *t;
  JsonOut j;
  j.begin_object().key("items").begin_array();
  for (const auto &r : c.tx->diagnostics().requests(c.app->app_key, ticket_id)) render_diag_request(j, r);
  j.end_array().end_object();
  return json(200, j.take());
}

}  // namespace helpline::server
