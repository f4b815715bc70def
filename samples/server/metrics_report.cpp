#include "metrics_report.hpp"

#include <rapidjson/document.h>

#include <cstdio>
#include <ctime>

namespace helpline::server {

namespace {

bool inside(int64_t t, int64_t from, int64_t to) {
  return t >= from && t < to;
}

std::optional<double> ratio_percent(int64_t part, int64_t whole) {
  if (whole == 0) return std::nullopt;
  return 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

std::optional<double> mean(int64_t sum, int64_t n) {
  if (n == 0) return std::nullopt;
  return static_cast<double>(sum) / static_cast<double>(n);
}

// A non-empty string member of a JSON object text, looked up by a path of keys.
std::optional<std::string> string_at(const std::string &json, std::initializer_list<const char *> path) {
  if (json.empty()) return std::nullopt;
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError()) return std::nullopt;
  const rapidjson::Value *v = &d;
  for (const char *k : path) {
    if (!v->IsObject()) return std::nullopt;
    auto it = v->FindMember(k);
    if (it == v->MemberEnd()) return std::nullopt;
    v = &it->value;
  }
  if (!v->IsString() || v->GetStringLength() == 0) return std::nullopt;
  return std::string(v->GetString(), v->GetStringLength());
}

// The dimensions a ticket is counted under (docs/metrics.md "Breakdowns").
std::string channel_of(const TicketFact &t) {
  if (auto c = string_at(t.fields_json, {"channel"})) return *c;
  if (auto c = string_at(t.device_json, {"attributes", "channel"})) return *c;
  return "sdk";
}

std::string device_value(const TicketFact &t, const char *key) {
  if (auto v = string_at(t.device_json, {key})) return *v;
  if (auto v = string_at(t.device_attrs_json, {key})) return *v;
  return "unknown";
}

void opt_number(JsonOut &j, const char *key, const std::optional<double> &v) {
  j.key(key);
  if (v)
    j.number(*v);
  else
    j.null();
}

void counts(JsonOut &j, const char *key, const std::map<std::string, int64_t> &m) {
  j.key(key).begin_object();
  for (const auto &[k, v] : m) j.field(k.c_str(), v);
  j.end_object();
}

std::string iso8601(int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string cell(const std::optional<double> &v) {
  if (!v) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", *v);
  return buf;
}

}  // namespace

std::optional<double> Metrics::csat() const {
  return ratio_percent(csat_satisfied, csat_responses);
}
std::optional<double> Metrics::nps() const {
  if (nps_responses == 0) return std::nullopt;
  return *ratio_percent(nps_promoters, nps_responses) - *ratio_percent(nps_detractors, nps_responses);
}
std::optional<double> Metrics::ces() const {
  return mean(ces_sum, ces_responses);
}
std::optional<double> Metrics::frt_ms() const {
  return mean(frt_sum_ms, frt_tickets);
}
std::optional<double> Metrics::art_ms() const {
  return mean(resolution_sum_ms, resolved);
}
std::optional<double> Metrics::fcr() const {
  return ratio_percent(first_contact, resolved);
}
std::optional<double> Metrics::bot_resolved_share() const {
  return ratio_percent(bot_resolved, resolved);
}
std::optional<double> Metrics::deflection_rate() const {
  return ratio_percent(deflections_shown - deflections_followed, deflections_shown);
}

Metrics compute_metrics(const MetricFacts &facts, int64_t from, int64_t to, int64_t backlog) {
  Metrics m;
  m.from = from;
  m.to = to;
  m.backlog = backlog;
  for (const auto &t : facts.tickets) {
    if (!inside(t.created_at, from, to)) continue;
    ++m.tickets_created;
    ++m.by_channel[channel_of(t)];
    ++m.by_app_version[device_value(t, "app_version")];
    ++m.by_device_model[device_value(t, "model")];
  }
  for (const auto &r : facts.first_replies) {
    if (!inside(r.first_reply_at, from, to)) continue;
    ++m.frt_tickets;
    m.frt_sum_ms += r.first_reply_at - r.created_at;
  }
  for (const auto &r : facts.resolutions) {
    if (!inside(r.resolved_at, from, to)) continue;
    ++m.resolved;
    m.resolution_sum_ms += r.resolved_at - r.created_at;
    if (r.agent_replies == 1 && r.reopens == 0) ++m.first_contact;
    if (r.agent_replies == 0) ++m.bot_resolved;
  }
  for (const auto &s : facts.surveys) {
    if (!inside(s.created_at, from, to)) continue;
    if (s.kind == "csat") {
      ++m.csat_responses;
      if (s.score >= 4) ++m.csat_satisfied;
    } else if (s.kind == "nps") {
      ++m.nps_responses;
      if (s.score >= 9)
        ++m.nps_promoters;
      else if (s.score >= 7)
        ++m.nps_passives;
      else
        ++m.nps_detractors;
    } else if (s.kind == "ces") {
      ++m.ces_responses;
      m.ces_sum += s.score;
    }
  }
  for (const auto &d : facts.deflections) {
    if (!inside(d.created_at, from, to)) continue;
    ++m.deflections_shown;
    if (d.ticket_created) ++m.deflections_followed;
  }
  return m;
}

void render_metrics(JsonOut &j, const Metrics &m) {
  j.begin_object().field("from", m.from).field("to", m.to).field("tickets_created", m.tickets_created);
  j.key("csat").begin_object();
  opt_number(j, "value", m.csat());
  j.field("responses", m.csat_responses).field("satisfied", m.csat_satisfied).end_object();
  j.key("nps").begin_object();
  opt_number(j, "value", m.nps());
  j.field("responses", m.nps_responses)
      .field("promoters", m.nps_promoters)
      .field("passives", m.nps_passives)
      .field("detractors", m.nps_detractors)
      .end_object();
  j.key("ces").begin_object();
  opt_number(j, "value", m.ces());
  j.field("responses", m.ces_responses).end_object();
  j.key("frt_ms").begin_object();
  opt_number(j, "value", m.frt_ms());
  j.field("tickets", m.frt_tickets).end_object();
  j.key("art_ms").begin_object();
  opt_number(j, "value", m.art_ms());
  j.field("tickets", m.resolved).end_object();
  j.key("fcr").begin_object();
  opt_number(j, "value", m.fcr());
  j.field("solved", m.resolved).field("first_contact", m.first_contact).end_object();
  j.key("bot_resolved").begin_object();
  opt_number(j, "value", m.bot_resolved_share());
  j.field("solved", m.resolved).field("without_agent", m.bot_resolved).end_object();
  j.field("backlog", m.backlog);
  j.key("deflection").begin_object();
  opt_number(j, "value", m.deflection_rate());
  j.field("shown", m.deflections_shown)
      .field("followed_by_ticket", m.deflections_followed)
      .field("deflected", m.deflections_shown - m.deflections_followed)
      .end_object();
  counts(j, "tickets_by_channel", m.by_channel);
  counts(j, "tickets_by_app_version", m.by_app_version);
  counts(j, "tickets_by_device_model", m.by_device_model);
  j.end_object();
}

std::string metrics_csv_header() {
  return "from,to,from_iso,to_iso,tickets_created,csat,csat_responses,nps,nps_responses,ces,ces_responses,"
         "frt_ms,frt_tickets,art_ms,solved,fcr,bot_resolved,backlog,deflection_rate,deflections_shown\r\n";
}

std::string metrics_csv_row(const Metrics &m) {
  std::string r;
  auto add = [&r](const std::string &v) {
    if (!r.empty()) r += ',';
    r += v;
  };
  add(std::to_string(m.from));
  add(std::to_string(m.to));
  add(iso8601(m.from));
  add(iso8601(m.to));
  add(std::to_string(m.tickets_created));
  add(cell(m.csat()));
  add(std::to_string(m.csat_responses));
  add(cell(m.nps()));
  add(std::to_string(m.nps_responses));
  add(cell(m.ces()));
  add(std::to_string(m.ces_responses));
  add(cell(m.frt_ms()));
  add(std::to_string(m.frt_tickets));
  add(cell(m.art_ms()));
  add(std::to_string(m.resolved));
  add(cell(m.fcr()));
  add(cell(m.bot_resolved_share()));
  add(std::to_string(m.backlog));
  add(cell(m.deflection_rate()));
  add(std::to_string(m.deflections_shown));
  return r + "\r\n";
}

}  // namespace helpline::server
