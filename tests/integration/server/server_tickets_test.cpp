// Tickets, messages, attachments, devices and surveys (docs/protocol.md sections 6, 7, 8, 11, 15).
#define BOOST_TEST_MODULE server_tickets
#include "helpline/testing.hpp"
#include "helpline/testing/checks.hpp"
#include "helpline/testing/device_client.hpp"
#include "helpline/testing/json.hpp"
#include "helpline/testing/shared_server.hpp"
#include "helpline/testing/unique.hpp"

namespace hlt = helpline::testing;
using namespace helpline::testing;

namespace {

hlt::Response upload(Device &dev, const std::string &filename, const std::string &bytes,
                     const std::string &content_type = "text/plain") {
  hlt::Request req;
  req.method = "POST";
  req.path = "/v1/attachments?filename=" + hlt::url_encode(filename);
  req.content_type = content_type;
  req.body = bytes;
  return dev.http.send(req);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tickets)

BOOST_AUTO_TEST_CASE(create_returns_201_open_ticket_whose_body_is_message_seq_1) {
  Device dev(shared_server());
  const auto r = dev.http.post(
      "/v1/tickets", R"({"subject":"Printer jam","body":"It jams","fields":{"order":"A-17","qty":2},)"
                     R"("device":{"model":"X100"}})");
  REQUIRE_STATUS(r, 201);
  const auto doc = json(r);
  const std::string id = str_at(doc, "/id");
  BOOST_CHECK(!id.empty() && id != "<missing>");
  BOOST_CHECK_EQUAL(str_at(doc, "/status"), "open");
  BOOST_CHECK_EQUAL(str_at(doc, "/subject"), "Printer jam");
  BOOST_CHECK_EQUAL(str_at(doc, "/fields/order"), "A-17");
  BOOST_CHECK_EQUAL(str_at(doc, "/device/model"), "X100");
  BOOST_CHECK_EQUAL(str_at(doc, "/requester/type"), "device");
  BOOST_CHECK_EQUAL(int_at(doc, "/message_count"), 1);
  BOOST_CHECK_GT(int_at(doc, "/created_at"), 1600000000000LL);  // epoch milliseconds

  const auto msgs = dev.http.get("/v1/tickets/" + id + "/messages");
  REQUIRE_STATUS(msgs, 200);
  const auto m = json(msgs);
  BOOST_REQUIRE_EQUAL(size_at(m, "/items"), 1U);
  BOOST_CHECK_EQUAL(int_at(m, "/items/0/seq"), 1);
  BOOST_CHECK_EQUAL(str_at(m, "/items/0/body"), "It jams");
  BOOST_CHECK_EQUAL(str_at(m, "/items/0/author/type"), "user");
}

BOOST_AUTO_TEST_CASE(create_with_client_chosen_id_uses_that_id) {
  Device dev(shared_server());
  const std::string id = unique("01J9CLIENT");
  const auto r = dev.http.post("/v1/tickets", R"({"id":)" + q(id) + R"(,"subject":"s","body":"b"})");
  REQUIRE_STATUS(r, 201);
  BOOST_CHECK_EQUAL(str_at(json(r), "/id"), id);
  CHECK_STATUS(dev.http.get("/v1/tickets/" + id), 200);
}

BOOST_AUTO_TEST_CASE(create_with_an_existing_id_is_409_conflict) {
  Device dev(shared_server());
  const std::string id = unique("dup");
  const std::string body = R"({"id":)" + q(id) + R"(,"subject":"s","body":"b"})";
  REQUIRE_STATUS(dev.http.post("/v1/tickets", body), 201);
  CHECK_ERROR(dev.http.post("/v1/tickets", body), 409, "conflict");
}

// Another principal's id answers as an id it cannot see (404): a 409 would tell it the ticket exists.
BOOST_AUTO_TEST_CASE(create_with_an_id_owned_by_someone_else_is_404_not_found) {
  Device a(shared_server());
  const std::string id = unique("taken");
  REQUIRE_STATUS(a.http.post("/v1/tickets", R"({"id":)" + q(id) + R"(,"subject":"s","body":"b"})"), 201);
  Device b(shared_server());
  CHECK_ERROR(b.http.post("/v1/tickets", R"({"id":)" + q(id) + R"(,"subject":"s","body":"b"})"), 404,
              "not_found");
}

BOOST_AUTO_TEST_CASE(create_with_invalid_id_is_400_invalid_request) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.post("/v1/tickets", R"({"id":"has space","subject":"s","body":"b"})"), 400,
              "invalid_request");
}

BOOST_AUTO_TEST_CASE(fields_with_a_nested_object_value_is_400_invalid_request) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.post("/v1/tickets", R"({"subject":"s","body":"b","fields":{"a":{"b":1}}})"), 400,
              "invalid_request");
}

BOOST_AUTO_TEST_CASE(list_with_unknown_status_filter_is_400) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.get("/v1/tickets?status=archived"), 400, "invalid_request");
}

BOOST_AUTO_TEST_CASE(message_or_survey_with_an_existing_client_id_is_409_conflict) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  const std::string mid = unique("msg");
  const std::string mbody = R"({"id":)" + q(mid) + R"(,"body":"once"})";
  REQUIRE_STATUS(dev.http.post("/v1/tickets/" + ticket + "/messages", mbody), 201);
  CHECK_ERROR(dev.http.post("/v1/tickets/" + ticket + "/messages", mbody), 409, "conflict");
  const std::string sid = unique("srv");
  const std::string sbody = R"({"id":)" + q(sid) + R"(,"kind":"ces","score":3})";
  REQUIRE_STATUS(dev.http.post("/v1/surveys", sbody), 201);
  CHECK_ERROR(dev.http.post("/v1/surveys", sbody), 409, "conflict");
}

BOOST_AUTO_TEST_CASE(get_returns_the_ticket) {
  Device dev(shared_server());
  const std::string id = dev.new_ticket("Find me");
  const auto r = dev.http.get("/v1/tickets/" + id);
  REQUIRE_STATUS(r, 200);
  BOOST_CHECK_EQUAL(str_at(json(r), "/subject"), "Find me");
}

BOOST_AUTO_TEST_CASE(get_unknown_ticket_is_404_not_found) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.get("/v1/tickets/no-such-ticket"), 404, "not_found");
}

BOOST_AUTO_TEST_CASE(list_is_newest_first) {
  Device dev(shared_server());
  const std::string first = dev.new_ticket("first");
  const std::string second = dev.new_ticket("second");
  const auto r = dev.http.get("/v1/tickets");
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_REQUIRE_EQUAL(size_at(doc, "/items"), 2U);
  BOOST_CHECK_EQUAL(str_at(doc, "/items/0/id"), second);
  BOOST_CHECK_EQUAL(str_at(doc, "/items/1/id"), first);
  BOOST_CHECK(hlt::at(doc, "/next_cursor") != nullptr && hlt::at(doc, "/next_cursor")->IsNull());
}

BOOST_AUTO_TEST_CASE(list_filters_by_status) {
  Device dev(shared_server());
  const std::string open = dev.new_ticket("stays open");
  const std::string solved = dev.new_ticket("gets solved");
  REQUIRE_STATUS(dev.http.patch("/v1/tickets/" + solved, R"({"status":"solved"})"), 200);
  const auto r = dev.http.get("/v1/tickets?status=solved");
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_CHECK(hlt::contains_id(doc, "/items", solved));
  BOOST_CHECK(!hlt::contains_id(doc, "/items", open));
}

BOOST_AUTO_TEST_CASE(list_paginates_with_next_cursor_without_duplicates) {
  Device dev(shared_server());
  const std::string a = dev.new_ticket("a");
  const std::string b = dev.new_ticket("b");
  const std::string c = dev.new_ticket("c");
  const auto p1 = dev.http.get("/v1/tickets?limit=2");
  REQUIRE_STATUS(p1, 200);
  const auto d1 = json(p1);
  BOOST_REQUIRE_EQUAL(size_at(d1, "/items"), 2U);
  const std::string cursor = str_at(d1, "/next_cursor");
  BOOST_REQUIRE_NE(cursor, "<missing>");
  dev.new_ticket("created between pages");  // must not shift page 2
  const auto p2 = dev.http.get("/v1/tickets?limit=2&cursor=" + hlt::url_encode(cursor));
  REQUIRE_STATUS(p2, 200);
  const auto d2 = json(p2);
  BOOST_REQUIRE_EQUAL(size_at(d2, "/items"), 1U);
  BOOST_CHECK_EQUAL(str_at(d2, "/items/0/id"), a);
  BOOST_CHECK(hlt::at(d2, "/next_cursor")->IsNull());
  BOOST_CHECK(hlt::contains_id(d1, "/items", c) && hlt::contains_id(d1, "/items", b));
}

BOOST_AUTO_TEST_CASE(patch_to_solved_then_open_reopens) {
  Device dev(shared_server());
  const std::string id = dev.new_ticket();
  const auto solved = dev.http.patch("/v1/tickets/" + id, R"({"status":"solved"})");
  REQUIRE_STATUS(solved, 200);
  BOOST_CHECK_EQUAL(str_at(json(solved), "/status"), "solved");
  const auto reopened = dev.http.patch("/v1/tickets/" + id, R"({"status":"open"})");
  REQUIRE_STATUS(reopened, 200);
  BOOST_CHECK_EQUAL(str_at(json(reopened), "/status"), "open");
}

BOOST_AUTO_TEST_CASE(patch_to_pending_is_400_because_it_is_agent_only) {
  Device dev(shared_server());
  const std::string id = dev.new_ticket();
  CHECK_ERROR(dev.http.patch("/v1/tickets/" + id, R"({"status":"pending"})"), 400, "invalid_request");
}

BOOST_AUTO_TEST_CASE(patch_with_unknown_status_is_400_invalid_request) {
  Device dev(shared_server());
  const std::string id = dev.new_ticket();
  CHECK_ERROR(dev.http.patch("/v1/tickets/" + id, R"({"status":"archived"})"), 400, "invalid_request");
}

BOOST_AUTO_TEST_CASE(reopen_endpoint_sets_status_open) {
  Device dev(shared_server());
  const std::string id = dev.new_ticket();
  REQUIRE_STATUS(dev.http.patch("/v1/tickets/" + id, R"({"status":"closed"})"), 200);
  const auto r = dev.http.post("/v1/tickets/" + id + "/reopen", "{}");
  REQUIRE_STATUS(r, 200);
  BOOST_CHECK_EQUAL(str_at(json(r), "/status"), "open");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(messages)

BOOST_AUTO_TEST_CASE(post_message_returns_201_with_next_seq) {
  Device dev(shared_server());
  const std::string id = dev.new_ticket();
  const auto r = dev.send_message(id, "more details");
  REQUIRE_STATUS(r, 201);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(int_at(doc, "/seq"), 2);
  BOOST_CHECK_EQUAL(str_at(doc, "/ticket_id"), id);
  BOOST_CHECK_EQUAL(str_at(doc, "/author/type"), "user");
  const auto t = dev.http.get("/v1/tickets/" + id);
  BOOST_CHECK_EQUAL(int_at(json(t), "/message_count"), 2);
}

BOOST_AUTO_TEST_CASE(messages_are_listed_oldest_first) {
  Device dev(shared_server());
  const std::string id = dev.new_ticket("s");
  REQUIRE_STATUS(dev.send_message(id, "two"), 201);
  REQUIRE_STATUS(dev.send_message(id, "three"), 201);
  const auto r = dev.http.get("/v1/tickets/" + id + "/messages");
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_REQUIRE_EQUAL(size_at(doc, "/items"), 3U);
  BOOST_CHECK_EQUAL(str_at(doc, "/items/1/body"), "two");
  BOOST_CHECK_EQUAL(str_at(doc, "/items/2/body"), "three");
}

BOOST_AUTO_TEST_CASE(message_on_unknown_ticket_is_404) {
  Device dev(shared_server());
  CHECK_ERROR(dev.send_message("no-such-ticket", "hello"), 404, "not_found");
}

BOOST_AUTO_TEST_CASE(user_message_on_a_solved_ticket_reopens_it) {
  Device dev(shared_server());
  const std::string id = dev.new_ticket();
  REQUIRE_STATUS(dev.http.patch("/v1/tickets/" + id, R"({"status":"solved"})"), 200);
  REQUIRE_STATUS(dev.send_message(id, "still broken"), 201);
  BOOST_CHECK_EQUAL(str_at(json(dev.http.get("/v1/tickets/" + id)), "/status"), "open");
}

BOOST_AUTO_TEST_CASE(user_message_on_a_pending_ticket_sets_it_open) {
  Device dev(shared_server());
  const std::string id = dev.new_ticket();
  auto agent = hlt::agent_client(hlt::shared_agent());
  REQUIRE_STATUS(agent.patch("/v1/agent/tickets/" + id, R"({"status":"pending"})"), 200);
  REQUIRE_STATUS(dev.send_message(id, "answering your question"), 201);
  BOOST_CHECK_EQUAL(str_at(json(dev.http.get("/v1/tickets/" + id)), "/status"), "open");
}

BOOST_AUTO_TEST_CASE(messages_paginate_oldest_first_with_cursor) {
  Device dev(shared_server());
  const std::string id = dev.new_ticket("s");
  for (int i = 2; i <= 5; ++i) REQUIRE_STATUS(dev.send_message(id, "m" + std::to_string(i)), 201);
  const auto p1 = json(dev.http.get("/v1/tickets/" + id + "/messages?limit=3"));
  BOOST_REQUIRE_EQUAL(size_at(p1, "/items"), 3U);
  BOOST_CHECK_EQUAL(int_at(p1, "/items/0/seq"), 1);
  const std::string cursor = str_at(p1, "/next_cursor");
  const auto p2 =
      json(dev.http.get("/v1/tickets/" + id + "/messages?limit=3&cursor=" + hlt::url_encode(cursor)));
  BOOST_REQUIRE_EQUAL(size_at(p2, "/items"), 2U);
  BOOST_CHECK_EQUAL(int_at(p2, "/items/0/seq"), 4);
  BOOST_CHECK_EQUAL(str_at(p2, "/items/1/body"), "m5");
  BOOST_CHECK(hlt::at(p2, "/next_cursor")->IsNull());
}

BOOST_AUTO_TEST_CASE(empty_message_body_is_400_invalid_request) {
  Device dev(shared_server());
  const std::string id = dev.new_ticket();
  CHECK_ERROR(dev.send_message(id, ""), 400, "invalid_request");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(attachments)

BOOST_AUTO_TEST_CASE(upload_returns_201_metadata_and_download_returns_the_bytes) {
  Device dev(shared_server());
  const std::string bytes("line one\nline two\0binary\xff", 26);
  const auto r = upload(dev, "log.txt", bytes);
  REQUIRE_STATUS(r, 201);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(int_at(doc, "/size"), 26);
  BOOST_CHECK_EQUAL(str_at(doc, "/filename"), "log.txt");
  BOOST_CHECK_EQUAL(str_at(doc, "/content_type"), "text/plain");
  BOOST_CHECK_EQUAL(str_at(doc, "/sha256").size(), 64U);
  const auto got = dev.http.get("/v1/attachments/" + str_at(doc, "/id"));
  REQUIRE_STATUS(got, 200);
  BOOST_CHECK(got.body == bytes);
  BOOST_CHECK_EQUAL(got.header("Content-Type").value_or(""), "text/plain");
  BOOST_CHECK(got.header("Content-Disposition").value_or("").find("log.txt") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(filename_slashes_are_replaced_by_underscores) {
  Device dev(shared_server());
  const auto r = upload(dev, "../etc/passwd", "x");
  REQUIRE_STATUS(r, 201);
  BOOST_CHECK_EQUAL(str_at(json(r), "/filename"), ".._etc_passwd");
}

BOOST_AUTO_TEST_CASE(attachment_linked_to_a_message_is_listed_on_it) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  const auto up = upload(dev, "shot.png", "PNG...", "image/png");
  REQUIRE_STATUS(up, 201);
  const std::string att = str_at(json(up), "/id");
  const auto m = dev.http.post("/v1/tickets/" + ticket + "/messages",
                               R"({"body":"see attached","attachment_ids":[)" + q(att) + "]}");
  REQUIRE_STATUS(m, 201);
  const auto doc = json(m);
  BOOST_REQUIRE_EQUAL(size_at(doc, "/attachments"), 1U);
  BOOST_CHECK_EQUAL(str_at(doc, "/attachments/0/id"), att);
  BOOST_CHECK_EQUAL(str_at(doc, "/attachments/0/content_type"), "image/png");
}

BOOST_AUTO_TEST_CASE(linking_another_principals_attachment_is_400_invalid_request) {
  Device other(shared_server());
  const auto up = upload(other, "theirs.txt", "theirs");
  REQUIRE_STATUS(up, 201);
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  CHECK_ERROR(dev.http.post("/v1/tickets/" + ticket + "/messages",
                            R"({"body":"steal","attachment_ids":[)" + q(str_at(json(up), "/id")) + "]}"),
              400, "invalid_request");
}

BOOST_AUTO_TEST_CASE(linking_an_already_linked_attachment_is_400_invalid_request) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  const auto up = upload(dev, "once.txt", "once");
  REQUIRE_STATUS(up, 201);
  const std::string body = R"({"body":"m","attachment_ids":[)" + q(str_at(json(up), "/id")) + "]}";
  REQUIRE_STATUS(dev.http.post("/v1/tickets/" + ticket + "/messages", body), 201);
  CHECK_ERROR(dev.http.post("/v1/tickets/" + ticket + "/messages", body), 400, "invalid_request");
}

BOOST_AUTO_TEST_CASE(download_has_content_length_and_default_content_type) {
  Device dev(shared_server());
  hlt::Request req;
  req.method = "POST";
  req.path = "/v1/attachments";
  req.content_type = "";  // none: stored as application/octet-stream, filename "attachment"
  req.body = std::string(300, 'b');
  const auto r = dev.http.send(req);
  REQUIRE_STATUS(r, 201);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(str_at(doc, "/content_type"), "application/octet-stream");
  BOOST_CHECK_EQUAL(str_at(doc, "/filename"), "attachment");
  const auto got = dev.http.get("/v1/attachments/" + str_at(doc, "/id"));
  REQUIRE_STATUS(got, 200);
  BOOST_CHECK_EQUAL(got.header("Content-Length").value_or(""), "300");
}

BOOST_AUTO_TEST_CASE(replayed_upload_returns_the_same_attachment) {
  Device dev(shared_server());
  hlt::Request req;
  req.method = "POST";
  req.path = "/v1/attachments?filename=a.txt";
  req.content_type = "text/plain";
  req.body = "same bytes";
  req.headers = {{"Idempotency-Key", unique("up-")}};
  const auto first = dev.http.send(req);
  const auto again = dev.http.send(req);
  REQUIRE_STATUS(first, 201);
  REQUIRE_STATUS(again, 201);
  BOOST_CHECK_EQUAL(str_at(json(first), "/id"), str_at(json(again), "/id"));
  BOOST_CHECK_EQUAL(again.header("Idempotent-Replayed").value_or("<absent>"), "true");
}

BOOST_AUTO_TEST_CASE(unknown_attachment_is_404) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.get("/v1/attachments/a_nope"), 404, "not_found");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(devices)

BOOST_AUTO_TEST_CASE(put_device_stores_attributes_and_get_returns_them) {
  Device dev(shared_server());
  const auto r = dev.http.put("/v1/device", R"({"model":"X100","firmware_version":"2.3.1","locale":"de-DE",)"
                                            R"("attributes":{"region":"eu"}})");
  REQUIRE_STATUS(r, 200);
  BOOST_CHECK_EQUAL(str_at(json(r), "/device_id"), dev.id);
  const auto got = dev.http.get("/v1/device");
  REQUIRE_STATUS(got, 200);
  const auto doc = json(got);
  BOOST_CHECK_EQUAL(str_at(doc, "/model"), "X100");
  BOOST_CHECK_EQUAL(str_at(doc, "/attributes/region"), "eu");
}

BOOST_AUTO_TEST_CASE(put_device_replaces_previous_attributes) {
  Device dev(shared_server());
  REQUIRE_STATUS(dev.http.put("/v1/device", R"({"model":"X100","locale":"de-DE"})"), 200);
  REQUIRE_STATUS(dev.http.put("/v1/device", R"({"model":"X200"})"), 200);
  const auto doc = json(dev.http.get("/v1/device"));
  BOOST_CHECK_EQUAL(str_at(doc, "/model"), "X200");
  const auto *locale = hlt::at(doc, "/locale");
  BOOST_CHECK(locale == nullptr || locale->IsNull());
}

BOOST_AUTO_TEST_CASE(get_device_never_set_is_404) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.get("/v1/device"), 404, "not_found");
}

BOOST_AUTO_TEST_CASE(custom_attributes_must_be_strings_and_at_most_64) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.put("/v1/device", R"({"attributes":{"beta":true}})"), 400, "invalid_request");
  std::string many;
  for (int i = 0; i < 65; ++i) many += std::string(i ? "," : "") + "\"a" + std::to_string(i) + "\":\"v\"";
  CHECK_ERROR(dev.http.put("/v1/device", R"({"attributes":{)" + many + "}}"), 400, "invalid_request");
}

BOOST_AUTO_TEST_CASE(device_attribute_of_wrong_type_is_400) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.put("/v1/device", R"({"model":7})"), 400, "invalid_request");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(surveys)

BOOST_AUTO_TEST_CASE(csat_nps_ces_in_range_are_201) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  const auto csat = dev.http.post(
      "/v1/surveys", R"({"kind":"csat","score":5,"ticket_id":)" + q(ticket) + R"(,"comment":"great"})");
  REQUIRE_STATUS(csat, 201);
  BOOST_CHECK_EQUAL(int_at(json(csat), "/score"), 5);
  BOOST_CHECK_EQUAL(str_at(json(csat), "/ticket_id"), ticket);
  CHECK_STATUS(dev.http.post("/v1/surveys", R"({"kind":"nps","score":0})"), 201);
  CHECK_STATUS(dev.http.post("/v1/surveys", R"({"kind":"nps","score":10})"), 201);
  CHECK_STATUS(dev.http.post("/v1/surveys", R"({"kind":"ces","score":7})"), 201);
}

BOOST_AUTO_TEST_CASE(scores_out_of_range_are_400_invalid_request) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.post("/v1/surveys", R"({"kind":"csat","score":6})"), 400, "invalid_request");
  CHECK_ERROR(dev.http.post("/v1/surveys", R"({"kind":"csat","score":0})"), 400, "invalid_request");
  CHECK_ERROR(dev.http.post("/v1/surveys", R"({"kind":"nps","score":11})"), 400, "invalid_request");
  CHECK_ERROR(dev.http.post("/v1/surveys", R"({"kind":"ces","score":0})"), 400, "invalid_request");
  CHECK_ERROR(dev.http.post("/v1/surveys", R"({"kind":"ces","score":8})"), 400, "invalid_request");
}

BOOST_AUTO_TEST_CASE(unknown_survey_kind_is_400) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.post("/v1/surveys", R"({"kind":"stars","score":3})"), 400, "invalid_request");
}

BOOST_AUTO_TEST_CASE(survey_on_unknown_ticket_is_404) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.post("/v1/surveys", R"({"kind":"csat","score":3,"ticket_id":"t_nope"})"), 404,
              "not_found");
}

BOOST_AUTO_TEST_SUITE_END()
