// GET /v1/agent/metrics (JSON) and /v1/agent/metrics.csv: the support metrics of docs/metrics.md for the
// agent's app over [from, to), optionally as a series of buckets.
#include "api/metrics.hpp"

#include "api_error.hpp"
#include "ids.hpp"
#include "json_fields.hpp"
#include "metrics_report.hpp"

namespace helpline::server {

namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;
constexpr int64_t kMaxBuckets = 500;

struct MetricsQuery {
  int64_t from = 0;
  int64_t to = 0;
  int64_t bucket = 0;  // 0 = no series
};

MetricsQuery read_query(const Call &c) {
  MetricsQuery q;
  q.to = ms_param(c, "to").value_or(now_ms());
  q.from = ms_param(c, "from").value_or(q.to - 30 * kDayMs);
  if (q.from >= q.to) throw bad_request("from: must be before to");
  if (auto b = ms_param(c, "bucket")) {
    if (*b < 60000) throw bad_request("bucket: at least 60000 ms");
    if ((q.to - q.from + *b - 1) / *b > kMaxBuckets)
      throw bad_request("bucket: at most " + std::to_string(kMaxBuckets) + " buckets per request");
    q.bucket = *b;
  }
  return q;
}

MetricFacts load_facts(StoreTx &tx, const std::string &app, const MetricsQuery &q) {
  MetricFacts f;
  f.tickets = tx.metrics().tickets(app, q.from, q.to);
  f.first_replies = tx.metrics().first_replies(app, q.from, q.to);
  f.resolutions = tx.metrics().resolutions(app, q.from, q.to);
  f.surveys = tx.metrics().surveys(app, q.from, q.to);
  f.deflections = tx.metrics().deflections(app, q.from, q.to);
  return f;
}

// Buckets [from + k*bucket, min(to, from + (k+1)*bucket)).
std::vector<Metrics> series(StoreTx &tx, const std::string &app, const MetricFacts &f,
                            const MetricsQuery &q) {
  std::vector<Metrics> out;
  if (q.bucket == 0) return out;
  for (int64_t b = q.from; b < q.to; b += q.bucket) {
    int64_t e = std::min(q.to, b + q.bucket);
    out.push_back(compute_metrics(f, b, e, tx.metrics().backlog(app, e)));
  }
  return out;
}

}  // namespace

void MetricsHandlers::add_routes(Router &r) {
  r.add({"GET", "/v1/agent/metrics", handler(this, &MetricsHandlers::agent_metrics), RouteKind::agent,
         BodyKind::none, false, false, false});
  r.add({"GET", "/v1/agent/metrics.csv", handler(this, &MetricsHandlers::agent_metrics_csv), RouteKind::agent,
         BodyKind::none, false, false, false});
}

Reply MetricsHandlers::agent_metrics(Call &c) {
  MetricsQuery q = read_query(c);
  const std::string &app = c.app->app_key;
  MetricFacts facts = load_facts(*c.tx, app, q);
  JsonOut j;
  j.begin_object().field("from", q.from).field("to", q.to).key("bucket");
  if (q.bucket)
    j.i64(q.bucket);
  else
    j.null();
  j.key("totals");
  render_metrics(j, compute_metrics(facts, q.from, q.to, c.tx->metrics().backlog(app, q.to)));
  j.key("series").begin_array();
  for (const auto &m : series(*c.tx, app, facts, q)) render_metrics(j, m);
  j.end_array().end_object();
  return json(200, j.take());
}

Reply MetricsHandlers::agent_metrics_csv(Call &c) {
  MetricsQuery q = read_query(c);
  const std::string &app = c.app->app_key;
  MetricFacts facts = load_facts(*c.tx, app, q);
  std::string body = metrics_csv_header();
  if (q.bucket) {
    for (const auto &m : series(*c.tx, app, facts, q)) body += metrics_csv_row(m);
  } else {
    body += metrics_csv_row(compute_metrics(facts, q.from, q.to, c.tx->metrics().backlog(app, q.to)));
  }
  Reply r;
  r.status = 200;
  r.body = std::move(body);
  r.content_type = "text/csv; charset=utf-8";
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"helpline-metrics.csv\"");
  return r;
}

}  // namespace helpline::server
