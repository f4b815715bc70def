// Support metrics computed from stored facts (formulas: docs/metrics.md). Pure functions: no SQL, no clock.
#pragma once
#include "json_fields.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace helpline::server {

// Everything needed for one report, fetched once for the whole requested window.
struct MetricFacts {
  std::vector<TicketFact> tickets;
  std::vector<FirstReplyFact> first_replies;
  std::vector<ResolutionFact> resolutions;
  std::vector<SurveyFact> surveys;
  std::vector<DeflectionFact> deflections;
};

// The metrics of one window [from, to). `std::nullopt` values are reported as null (nothing to divide by).
struct Metrics {
  int64_t from = 0;
  int64_t to = 0;
  int64_t tickets_created = 0;
  int64_t csat_responses = 0, csat_satisfied = 0;
  int64_t nps_responses = 0, nps_promoters = 0, nps_passives = 0, nps_detractors = 0;
  int64_t ces_responses = 0, ces_sum = 0;
  int64_t frt_tickets = 0, frt_sum_ms = 0;
  int64_t resolved = 0, resolution_sum_ms = 0, first_contact = 0, bot_resolved = 0;
  int64_t backlog = 0;
  int64_t deflections_shown = 0, deflections_followed = 0;
  std::map<std::string, int64_t> by_channel, by_app_version, by_device_model;

  std::optional<double> csat() const;
  std::optional<double> nps() const;
  std::optional<double> ces() const;
  std::optional<double> frt_ms() const;
  std::optional<double> art_ms() const;
  std::optional<double> fcr() const;
  std::optional<double> bot_resolved_share() const;
  std::optional<double> deflection_rate() const;
};

// Metrics of [from, to) from the facts that fall inside it; `backlog` is measured by the caller at `to`.
Metrics compute_metrics(const MetricFacts &facts, int64_t from, int64_t to, int64_t backlog);

void render_metrics(JsonOut &j, const Metrics &m);
// CSV header line and one row per window (nulls are empty cells).
std::string metrics_csv_header();
std::string metrics_csv_row(const Metrics &m);

}  // namespace helpline::server
