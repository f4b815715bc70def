// The support metrics (docs/metrics.md) from stored facts: windows, formulas, breakdowns, JSON and CSV.
// Expected values are worked out by hand in the comments.
#define BOOST_TEST_MODULE helpline_server_metrics_report
#include <boost/test/tools/floating_point_comparison.hpp>
#include <boost/test/unit_test.hpp>

#include "metrics_report.hpp"
#include "server_test_support.hpp"

#include <algorithm>
#include <map>
#include <string>

using namespace helpline::server;
using helpline::server::test::parse;

namespace {

// Facts around the window [1000, 2000); rows at 999 and at 2000 lie outside it.
MetricFacts sample_facts() {
  MetricFacts f;
  f.tickets = {
      {999, R"({"channel":"web"})", "", ""},                                          // before the window
      {1000, R"({"channel":"email"})", R"({"model":"X1","app_version":"2.0"})", ""},  // email, 2.0, X1
      {1500, "", "", ""},                                                             // sdk, unknown, unknown
      {1999, "{}", R"({"attributes":{"channel":"kiosk"}})", R"({"model":"Y2"})"},     // kiosk, unknown, Y2
      {2000, "", "", ""},                                                             // after the window
  };
  f.first_replies = {{500, 1500}, {1000, 1100}, {0, 2000}};  // in: 1000 ms and 100 ms
  f.resolutions = {
      {1000, 1600, 1, 0},  // 600 ms, first contact
      {1200, 1800, 0, 0},  // 600 ms, no agent reply: resolved by the bot
      {0, 1999, 2, 1},     // 1999 ms
      {0, 2500, 1, 0},     // outside
  };
  f.surveys = {
      {"csat", 5, 1000}, {"csat", 4, 1100}, {"csat", 3, 1200},                    // 2 of 3 satisfied
      {"nps", 10, 1000}, {"nps", 9, 1000},  {"nps", 7, 1000},  {"nps", 3, 1000},  // 2 promoters, 1 detractor
      {"ces", 2, 1000},  {"ces", 5, 1000},                                        // mean 3.5
      {"csat", 1, 2000},                                                          // outside
  };
  f.deflections = {{1000, false}, {1100, true}, {1200, false}, {1999, false}, {2000, true}};
  return f;
}

}  // namespace

BOOST_AUTO_TEST_CASE(counts_and_formulas_over_a_window_from_inclusive_to_exclusive) {
  Metrics m = compute_metrics(sample_facts(), 1000, 2000, 7);
  BOOST_TEST(m.from == 1000);
  BOOST_TEST(m.to == 2000);
  BOOST_TEST(m.tickets_created == 3);
  BOOST_TEST(m.backlog == 7);

  BOOST_TEST(m.frt_tickets == 2);
  BOOST_TEST(*m.frt_ms() == 550.0);  // (1000 + 100) / 2

  BOOST_TEST(m.resolved == 3);
  BOOST_TEST(m.first_contact == 1);
  BOOST_TEST(m.bot_resolved == 1);
  BOOST_TEST(*m.art_ms() == 3199.0 / 3, boost::test_tools::tolerance(1e-9));  // (600 + 600 + 1999) / 3
  BOOST_TEST(*m.fcr() == 100.0 / 3, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(*m.bot_resolved_share() == 100.0 / 3, boost::test_tools::tolerance(1e-9));

  BOOST_TEST(m.csat_responses == 3);
  BOOST_TEST(m.csat_satisfied == 2);  // score >= 4
  BOOST_TEST(*m.csat() == 200.0 / 3, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(m.nps_responses == 4);
  BOOST_TEST(m.nps_promoters == 2);   // 9..10
  BOOST_TEST(m.nps_passives == 1);    // 7..8
  BOOST_TEST(m.nps_detractors == 1);  // 0..6
  BOOST_TEST(*m.nps() == 25.0);       // 50 % - 25 %
  BOOST_TEST(*m.ces() == 3.5);

  BOOST_TEST(m.deflections_shown == 4);
  BOOST_TEST(m.deflections_followed == 1);
  BOOST_TEST(*m.deflection_rate() == 75.0);  // (4 - 1) / 4
}

BOOST_AUTO_TEST_CASE(tickets_are_broken_down_by_channel_app_version_and_model) {
  Metrics m = compute_metrics(sample_facts(), 1000, 2000, 0);
  std::map<std::string, int64_t> channels{{"email", 1}, {"kiosk", 1}, {"sdk", 1}};
  std::map<std::string, int64_t> versions{{"2.0", 1}, {"unknown", 2}};
  std::map<std::string, int64_t> models{{"X1", 1}, {"Y2", 1}, {"unknown", 1}};
  BOOST_CHECK(m.by_channel == channels);
  BOOST_CHECK(m.by_app_version == versions);
  BOOST_CHECK(m.by_device_model == models);
}

BOOST_AUTO_TEST_CASE(nothing_to_divide_by_gives_null_not_zero) {
  Metrics m = compute_metrics(MetricFacts{}, 0, 1, 0);
  BOOST_TEST(!m.csat().has_value());
  BOOST_TEST(!m.nps().has_value());
  BOOST_TEST(!m.ces().has_value());
  BOOST_TEST(!m.frt_ms().has_value());
  BOOST_TEST(!m.art_ms().has_value());
  BOOST_TEST(!m.fcr().has_value());
  BOOST_TEST(!m.bot_resolved_share().has_value());
  BOOST_TEST(!m.deflection_rate().has_value());

  JsonOut j;
  render_metrics(j, m);
  rapidjson::Document d = parse(j.take());
  BOOST_TEST(d["csat"]["value"].IsNull());
  BOOST_TEST(d["nps"]["value"].IsNull());
  BOOST_TEST(d["deflection"]["value"].IsNull());
  BOOST_TEST(d["tickets_created"].GetInt64() == 0);
  BOOST_TEST(d["tickets_by_channel"].ObjectEmpty());
}

BOOST_AUTO_TEST_CASE(the_json_report_carries_values_and_their_counts) {
  JsonOut j;
  render_metrics(j, compute_metrics(sample_facts(), 1000, 2000, 7));
  rapidjson::Document d = parse(j.take());
  BOOST_TEST(d["from"].GetInt64() == 1000);
  BOOST_TEST(d["to"].GetInt64() == 2000);
  BOOST_TEST(d["nps"]["value"].GetDouble() == 25.0);
  BOOST_TEST(d["nps"]["promoters"].GetInt64() == 2);
  BOOST_TEST(d["ces"]["value"].GetDouble() == 3.5);
  BOOST_TEST(d["frt_ms"]["value"].GetDouble() == 550.0);
  BOOST_TEST(d["frt_ms"]["tickets"].GetInt64() == 2);
  BOOST_TEST(d["fcr"]["solved"].GetInt64() == 3);
  BOOST_TEST(d["bot_resolved"]["without_agent"].GetInt64() == 1);
  BOOST_TEST(d["backlog"].GetInt64() == 7);
  BOOST_TEST(d["deflection"]["shown"].GetInt64() == 4);
  BOOST_TEST(d["deflection"]["followed_by_ticket"].GetInt64() == 1);
  BOOST_TEST(d["deflection"]["deflected"].GetInt64() == 3);
  BOOST_TEST(d["tickets_by_channel"]["kiosk"].GetInt64() == 1);
  BOOST_TEST(d["tickets_by_device_model"]["unknown"].GetInt64() == 1);
}

BOOST_AUTO_TEST_CASE(csv_rows_round_to_two_decimals_and_leave_nulls_empty) {
  std::string header = metrics_csv_header();
  BOOST_TEST(header.substr(header.size() - 2) == "\r\n");
  BOOST_TEST(std::count(header.begin(), header.end(), ',') == 19);  // 20 columns

  BOOST_TEST(
      metrics_csv_row(compute_metrics(sample_facts(), 1000, 2000, 7)) ==
      "1000,2000,1970-01-01T00:00:01Z,1970-01-01T00:00:02Z,3,66.67,3,25.00,4,3.50,2,550.00,2,1066.33,3,"
      "33.33,33.33,7,75.00,4\r\n");
  BOOST_TEST(metrics_csv_row(compute_metrics(MetricFacts{}, 0, 1, 0)) ==
             "0,1,1970-01-01T00:00:00Z,1970-01-01T00:00:00Z,0,,0,,0,,0,,0,,0,,,0,,0\r\n");
}

BOOST_AUTO_TEST_CASE(iso_dates_are_utc) {
  // 2024-02-29T23:59:59Z = 1709251199 s.
  Metrics m = compute_metrics(MetricFacts{}, 1709251199000LL, 1709251200000LL, 0);
  std::string row = metrics_csv_row(m);
  BOOST_TEST(row.find(",2024-02-29T23:59:59Z,2024-03-01T00:00:00Z,") != std::string::npos);
}
