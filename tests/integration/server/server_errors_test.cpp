// Error statuses and the request envelope (docs/protocol.md sections 1, 2, 3.1, 15, 16, 17).
#define BOOST_TEST_MODULE server_errors
#include "helpline/testing.hpp"
#include "helpline/testing/checks.hpp"
#include "helpline/testing/device_client.hpp"
#include "helpline/testing/json.hpp"
#include "helpline/testing/shared_server.hpp"
#include "helpline/testing/unique.hpp"

namespace hlt = helpline::testing;
using namespace helpline::testing;

namespace {

hlt::Request post_tickets(const std::string &body) {
  hlt::Request req;
  req.method = "POST";
  req.path = "/v1/tickets";
  req.body = body;
  return req;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(health)

BOOST_AUTO_TEST_CASE(health_answers_200_ok_without_any_auth) {
  hlt::HttpClient http(shared_server().base_url());
  const auto r = http.get("/v1/health");
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(str_at(doc, "/status"), "ok");
  BOOST_CHECK_EQUAL(str_at(doc, "/protocol"), "v1");
}

BOOST_AUTO_TEST_CASE(every_response_carries_x_request_id) {
  Device dev(shared_server());
  const auto ok = dev.http.get("/v1/tickets");
  const auto err = dev.http.get("/v1/no-such-route");
  BOOST_CHECK(ok.header("X-Request-Id").has_value() && !ok.header("X-Request-Id")->empty());
  BOOST_CHECK(err.header("X-Request-Id").has_value() && !err.header("X-Request-Id")->empty());
  BOOST_CHECK(ok.header("X-Request-Id") != err.header("X-Request-Id"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(routing)

BOOST_AUTO_TEST_CASE(unknown_route_is_404_not_found_with_json_error) {
  Device dev(shared_server());
  const auto r = dev.http.get("/v1/does-not-exist");
  CHECK_ERROR(r, 404, "not_found");
  BOOST_CHECK(!str_at(json(r), "/error/message").empty());
}

BOOST_AUTO_TEST_CASE(wrong_method_on_known_path_is_405_with_allow_header) {
  Device dev(shared_server());
  const auto r = dev.http.del("/v1/tickets");
  CHECK_ERROR(r, 405, "method_not_allowed");
  const auto allow = r.header("Allow");
  BOOST_REQUIRE_MESSAGE(allow.has_value(), "no Allow header");
  BOOST_CHECK(allow->find("GET") != std::string::npos);
  BOOST_CHECK(allow->find("POST") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(device_auth_headers)

BOOST_AUTO_TEST_CASE(missing_app_key_is_401_unauthenticated) {
  hlt::HttpClient http(shared_server().base_url());
  http.set_default_header("X-Helpline-Device-Id", hlt::unique("dev-"));
  CHECK_ERROR(http.get("/v1/tickets"), 401, "unauthenticated");
}

BOOST_AUTO_TEST_CASE(unknown_app_key_is_401_invalid_app_key) {
  Device dev(shared_server(), "no-such-app");
  CHECK_ERROR(dev.http.get("/v1/tickets"), 401, "invalid_app_key");
}

BOOST_AUTO_TEST_CASE(missing_device_id_is_401_unauthenticated) {
  hlt::HttpClient http(shared_server().base_url());
  http.set_default_header("X-Helpline-App-Key", hlt::kAppKey);
  CHECK_ERROR(http.get("/v1/tickets"), 401, "unauthenticated");
}

BOOST_AUTO_TEST_CASE(malformed_device_id_is_400_invalid_request) {
  Device too_short(shared_server(), hlt::kAppKey, "short");
  CHECK_ERROR(too_short.http.get("/v1/tickets"), 400, "invalid_request");
  Device bad_chars(shared_server(), hlt::kAppKey, "device id with spaces");
  CHECK_ERROR(bad_chars.http.get("/v1/tickets"), 400, "invalid_request");
}

BOOST_AUTO_TEST_CASE(anonymous_device_on_app_without_anonymous_access_is_401_unauthenticated) {
  Device dev(shared_server(), hlt::kClosedAppKey);
  CHECK_ERROR(dev.http.get("/v1/tickets"), 401, "unauthenticated");
  dev.sign_in(hlt::unique("u-"), hlt::kClosedAppSecret);
  CHECK_STATUS(dev.http.get("/v1/tickets"), 200);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(malformed_bodies)

BOOST_AUTO_TEST_CASE(malformed_json_is_400_malformed_json) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.post("/v1/tickets", R"({"subject": "x", )"), 400, "malformed_json");
}

BOOST_AUTO_TEST_CASE(json_that_is_not_an_object_is_400_malformed_json) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.post("/v1/tickets", R"(["subject", "body"])"), 400, "malformed_json");
}

BOOST_AUTO_TEST_CASE(empty_body_on_post_is_400_malformed_json) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.send(post_tickets("")), 400, "malformed_json");
}

BOOST_AUTO_TEST_CASE(invalid_utf8_is_400_malformed_json) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.post("/v1/tickets", "{\"subject\": \"bad \xC3\x28 utf8\", \"body\": \"b\"}"), 400,
              "malformed_json");
}

BOOST_AUTO_TEST_CASE(wrong_field_type_is_400_invalid_request_naming_the_field) {
  Device dev(shared_server());
  const auto r = dev.http.post("/v1/tickets", R"({"subject": 42, "body": "b"})");
  CHECK_ERROR(r, 400, "invalid_request");
  BOOST_CHECK_MESSAGE(str_at(json(r), "/error/message").find("subject") != std::string::npos, r.describe());
}

BOOST_AUTO_TEST_CASE(missing_required_field_is_400_invalid_request) {
  Device dev(shared_server());
  const auto r = dev.http.post("/v1/tickets", R"({"subject": "only a subject"})");
  CHECK_ERROR(r, 400, "invalid_request");
  BOOST_CHECK_MESSAGE(str_at(json(r), "/error/message").find("body") != std::string::npos, r.describe());
}

BOOST_AUTO_TEST_CASE(subject_longer_than_200_code_points_is_400_invalid_request) {
  Device dev(shared_server());
  CHECK_ERROR(dev.create_ticket(std::string(201, 'x')), 400, "invalid_request");
}

BOOST_AUTO_TEST_CASE(subject_of_200_multibyte_code_points_is_accepted) {
  Device dev(shared_server());
  std::string subject;
  for (int i = 0; i < 200; ++i) subject += "\xC3\xA9";  // 200 x U+00E9, 400 bytes
  CHECK_STATUS(dev.create_ticket(subject), 201);
}

BOOST_AUTO_TEST_CASE(non_json_content_type_is_415_unsupported_media_type) {
  Device dev(shared_server());
  auto req = post_tickets(R"({"subject":"s","body":"b"})");
  req.content_type = "text/plain";
  CHECK_ERROR(dev.http.send(req), 415, "unsupported_media_type");
}

BOOST_AUTO_TEST_CASE(json_content_type_with_charset_is_accepted) {
  Device dev(shared_server());
  auto req = post_tickets(R"({"subject":"s","body":"b"})");
  req.content_type = "application/json; charset=utf-8";
  CHECK_STATUS(dev.http.send(req), 201);
}

BOOST_AUTO_TEST_CASE(content_encoding_other_than_gzip_is_415_unsupported_encoding) {
  Device dev(shared_server());
  CHECK_ERROR(
      dev.http.post("/v1/tickets", R"({"subject":"s","body":"b"})", {{"Content-Encoding", "deflate"}}), 415,
      "unsupported_encoding");
}

BOOST_AUTO_TEST_CASE(corrupt_gzip_body_is_400_malformed_body) {
  Device dev(shared_server());
  std::string gz = hlt::gzip_compress(R"({"subject":"s","body":"b"})");
  gz[gz.size() / 2] = static_cast<char>(gz[gz.size() / 2] ^ 0x5A);
  gz.resize(gz.size() - 4);
  CHECK_ERROR(dev.http.post("/v1/tickets", gz, {{"Content-Encoding", "gzip"}}), 400, "malformed_body");
}

BOOST_AUTO_TEST_CASE(gzip_request_body_is_decoded_and_stored) {
  Device dev(shared_server());
  auto req = post_tickets(R"({"subject":"gzipped subject","body":"gzipped body"})");
  req.gzip = true;
  const auto r = dev.http.send(req);
  REQUIRE_STATUS(r, 201);
  const std::string id = str_at(json(r), "/id");
  const auto got = dev.http.get("/v1/tickets/" + id);
  REQUIRE_STATUS(got, 200);
  BOOST_CHECK_EQUAL(str_at(json(got), "/subject"), "gzipped subject");
}

BOOST_AUTO_TEST_CASE(responses_are_not_compressed_even_when_gzip_is_accepted) {
  Device dev(shared_server());
  hlt::Request req;
  req.path = "/v1/tickets";
  req.headers = {{"Accept-Encoding", "gzip"}};
  const auto r = dev.http.send(req);
  REQUIRE_STATUS(r, 200);
  BOOST_CHECK(!r.header("Content-Encoding").has_value() || *r.header("Content-Encoding") == "identity");
  json(r);  // plain JSON on the wire
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(size_caps)

BOOST_AUTO_TEST_CASE(json_body_over_max_body_bytes_is_413_payload_too_large) {
  Device dev(shared_server(), hlt::kCapsAppKey);
  CHECK_ERROR(dev.create_ticket("big", std::string(5000, 'x')), 413, "payload_too_large");
}

BOOST_AUTO_TEST_CASE(gzip_body_over_cap_after_decompression_is_413) {
  Device dev(shared_server(), hlt::kCapsAppKey);
  auto req = post_tickets(R"({"subject":"bomb","body":")" + std::string(200000, 'a') + "\"}");
  req.gzip = true;  // ~ 200 KB -> a few hundred bytes on the wire
  BOOST_REQUIRE_LT(hlt::gzip_compress(req.body).size(), 4096U);
  CHECK_ERROR(dev.http.send(req), 413, "payload_too_large");
}

BOOST_AUTO_TEST_CASE(size_cap_is_checked_before_authentication) {
  hlt::HttpClient http(shared_server().base_url());
  http.set_default_header("X-Helpline-App-Key", hlt::kCapsAppKey);  // no device id: 401 would follow
  CHECK_ERROR(http.post("/v1/tickets", R"({"subject":"s","body":")" + std::string(5000, 'x') + "\"}"), 413,
              "payload_too_large");
}

BOOST_AUTO_TEST_CASE(attachment_over_max_attachment_bytes_is_413) {
  Device dev(shared_server(), hlt::kCapsAppKey);
  hlt::Request req;
  req.method = "POST";
  req.path = "/v1/attachments?filename=big.bin";
  req.content_type = "application/octet-stream";
  req.body = std::string(1025, 'z');
  CHECK_ERROR(dev.http.send(req), 413, "payload_too_large");
  req.body = std::string(1024, 'z');
  CHECK_STATUS(dev.http.send(req), 201);
}

BOOST_AUTO_TEST_CASE(batch_with_more_than_max_batch_items_is_413) {
  Device dev(shared_server(), hlt::kCapsAppKey);
  std::string items;
  for (int i = 0; i < 4; ++i) {
    items += std::string(i ? "," : "") + R"({"idempotency_key":"k)" + std::to_string(i) +
             R"(","method":"POST","path":"/v1/tickets","body":{"subject":"s","body":"b"}})";
  }
  CHECK_ERROR(dev.http.post("/v1/batch", R"({"items":[)" + items + "]}"), 413, "payload_too_large");
}

BOOST_AUTO_TEST_CASE(diagnostics_batch_over_max_items_is_413) {
  Device dev(shared_server(), hlt::kCapsAppKey);
  std::string items;
  for (int i = 0; i < 6; ++i) {
    items += std::string(i ? "," : "") + R"({"idempotency_key":"d)" + std::to_string(i) +
             R"(","kind":"event","name":"e","ts":1700000000000})";
  }
  CHECK_ERROR(dev.http.post("/v1/diagnostics/batch", R"({"items":[)" + items + "]}"), 413,
              "payload_too_large");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(query_parameters)

BOOST_AUTO_TEST_CASE(limit_out_of_range_is_400_invalid_request) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.get("/v1/tickets?limit=0"), 400, "invalid_request");
  CHECK_ERROR(dev.http.get("/v1/tickets?limit=101"), 400, "invalid_request");
}

BOOST_AUTO_TEST_CASE(cursor_not_from_this_server_is_400_invalid_cursor) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.get("/v1/tickets?cursor=not-a-cursor"), 400, "invalid_cursor");
}

BOOST_AUTO_TEST_CASE(idempotency_key_over_255_chars_is_400_invalid_request) {
  Device dev(shared_server());
  CHECK_ERROR(dev.create_ticket("s", "b", {{"Idempotency-Key", std::string(256, 'k')}}), 400,
              "invalid_request");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(check_order)

BOOST_AUTO_TEST_CASE(size_cap_413_wins_over_content_type_415) {
  Device dev(shared_server(), hlt::kCapsAppKey);
  auto req = post_tickets(R"({"subject":"s","body":")" + std::string(5000, 'x') + "\"}");
  req.content_type = "text/plain";
  CHECK_ERROR(dev.http.send(req), 413, "payload_too_large");
}

BOOST_AUTO_TEST_CASE(content_type_415_wins_over_authentication_401) {
  hlt::HttpClient http(shared_server().base_url());
  auto req = post_tickets(R"({"subject":"s","body":"b"})");
  req.content_type = "text/plain";
  CHECK_ERROR(http.send(req), 415, "unsupported_media_type");
}

BOOST_AUTO_TEST_CASE(authentication_401_wins_over_malformed_json_400) {
  hlt::HttpClient http(shared_server().base_url());
  http.set_default_header("X-Helpline-App-Key", hlt::kAppKey);
  CHECK_ERROR(http.post("/v1/tickets", "{broken"), 401, "unauthenticated");
}

BOOST_AUTO_TEST_CASE(malformed_json_400_wins_over_unknown_resource_404) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.post("/v1/tickets/no-such-ticket/messages", "{broken"), 400, "malformed_json");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(more_validation)

BOOST_AUTO_TEST_CASE(idempotency_key_with_a_control_character_is_400_invalid_request) {
  Device dev(shared_server());
  CHECK_ERROR(dev.create_ticket("s", "b", {{"Idempotency-Key", "bad\x01key"}}), 400, "invalid_request");
}

BOOST_AUTO_TEST_CASE(patch_with_empty_body_is_400_malformed_json) {
  Device dev(shared_server());
  const std::string id = dev.new_ticket();
  hlt::Request req;
  req.method = "PATCH";
  req.path = "/v1/tickets/" + id;
  CHECK_ERROR(dev.http.send(req), 400, "malformed_json");
}

BOOST_AUTO_TEST_CASE(fields_that_is_an_array_is_400_invalid_request) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.post("/v1/tickets", R"({"subject":"s","body":"b","fields":["a"]})"), 400,
              "invalid_request");
}

BOOST_AUTO_TEST_CASE(fields_with_more_than_50_keys_is_400_invalid_request) {
  Device dev(shared_server());
  std::string fields;
  for (int i = 0; i < 51; ++i) fields += std::string(i ? "," : "") + "\"k" + std::to_string(i) + "\":1";
  CHECK_ERROR(dev.http.post("/v1/tickets", R"({"subject":"s","body":"b","fields":{)" + fields + "}}"), 400,
              "invalid_request");
}

BOOST_AUTO_TEST_CASE(device_context_over_16_kib_is_400_invalid_request) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.post("/v1/tickets", R"({"subject":"s","body":"b","device":{"blob":")" +
                                               std::string(17 * 1024, 'd') + "\"}}"),
              400, "invalid_request");
}

BOOST_AUTO_TEST_CASE(sync_limit_out_of_range_is_400_invalid_request) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.get("/v1/sync?limit=0"), 400, "invalid_request");
  CHECK_ERROR(dev.http.get("/v1/sync?limit=501"), 400, "invalid_request");
}

BOOST_AUTO_TEST_CASE(negative_wait_is_400_invalid_request) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.get("/v1/sync?wait=-1"), 400, "invalid_request");
}

BOOST_AUTO_TEST_CASE(device_id_with_dots_and_colons_is_accepted) {
  Device dev(shared_server(), hlt::kAppKey, "mac:00:11:22.install-1");
  CHECK_STATUS(dev.http.get("/v1/tickets"), 200);
}

BOOST_AUTO_TEST_CASE(survey_comment_over_2000_code_points_is_400) {
  Device dev(shared_server());
  CHECK_ERROR(
      dev.http.post("/v1/surveys", R"({"kind":"nps","score":5,"comment":)" + q(std::string(2001, 'c')) + "}"),
      400, "invalid_request");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(hostile_input)

BOOST_AUTO_TEST_CASE(deeply_nested_json_is_400_and_the_server_survives) {
  hlt::ServerProcess server(hlt::shared_config());  // its own server: a crash must not take the others down
  Device dev(server);
  const std::string deep = std::string(300000, '[') + std::string(300000, ']');
  const auto r = dev.http.post("/v1/tickets", deep);
  CHECK_ERROR(r, 400, "malformed_json");
  const std::string nested_field = R"({"subject":"s","body":"b","device":{"x":)" + std::string(200000, '[') +
                                   std::string(200000, ']') + "}}";
  const auto r2 = dev.http.post("/v1/tickets", nested_field);
  BOOST_CHECK_MESSAGE(r2.status == 400 || r2.status == 413, r2.describe());
  hlt::HttpClient fresh(server.base_url());
  CHECK_STATUS(fresh.get("/v1/health"), 200);
  BOOST_CHECK_MESSAGE(server.running(), "server died; log tail: " << server.log().substr(
                                            server.log().size() > 2000 ? server.log().size() - 2000 : 0));
}

BOOST_AUTO_TEST_CASE(oversized_headers_and_url_are_refused_and_the_server_survives) {
  hlt::ServerProcess server(hlt::shared_config());
  Device dev(server);
  const auto big_header = dev.http.get("/v1/tickets", {{"X-Padding", std::string(200 * 1024, 'h')}});
  BOOST_CHECK_MESSAGE(big_header.status >= 400 || !big_header.transport_ok(), big_header.describe());
  const auto big_url = dev.http.get("/v1/tickets?q=" + std::string(200 * 1024, 'u'));
  BOOST_CHECK_MESSAGE(big_url.status >= 400 || !big_url.transport_ok(), big_url.describe());
  Device after(server);
  CHECK_STATUS(after.http.get("/v1/tickets"), 200);
  BOOST_CHECK(server.running());
}

BOOST_AUTO_TEST_CASE(non_numeric_query_numbers_are_400_invalid_request) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.get("/v1/tickets?limit=abc"), 400, "invalid_request");
  CHECK_ERROR(dev.http.get("/v1/tickets?limit=99999999999999999999"), 400, "invalid_request");
  CHECK_ERROR(dev.http.get("/v1/sync?wait=soon"), 400, "invalid_request");
}

BOOST_AUTO_TEST_CASE(fractional_or_huge_numbers_for_integer_fields_are_400) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.post("/v1/surveys", R"({"kind":"nps","score":5.5})"), 400, "invalid_request");
  CHECK_ERROR(dev.http.post("/v1/surveys", R"({"kind":"nps","score":1e400})"), 400, "malformed_json");
}

BOOST_AUTO_TEST_CASE(device_id_over_128_chars_is_400_invalid_request) {
  Device dev(shared_server(), hlt::kAppKey, std::string(129, 'd'));
  CHECK_ERROR(dev.http.get("/v1/tickets"), 400, "invalid_request");
}

BOOST_AUTO_TEST_CASE(filename_with_crlf_and_quotes_cannot_inject_response_headers) {
  Device dev(shared_server());
  hlt::Request up;
  up.method = "POST";
  up.path = "/v1/attachments?filename=" + hlt::url_encode("evil\"\r\nX-Injected: 1\r\n.txt");
  up.content_type = "text/plain";
  up.body = "payload";
  const auto r = dev.http.send(up);
  REQUIRE_STATUS(r, 201);
  const auto got = dev.http.get("/v1/attachments/" + str_at(json(r), "/id"));
  CHECK_STATUS(got, 200);
  BOOST_CHECK(!got.header("X-Injected").has_value());
  BOOST_CHECK_EQUAL(got.body, "payload");
}

BOOST_AUTO_TEST_CASE(chunked_request_body_is_accepted) {
  Device dev(shared_server());
  auto req = post_tickets(R"({"subject":"chunked","body":"b"})");
  req.headers = {{"Transfer-Encoding", "chunked"}};
  CHECK_STATUS(dev.http.send(req), 201);
}

BOOST_AUTO_TEST_CASE(chunked_request_body_over_the_cap_is_413) {
  Device dev(shared_server(), hlt::kCapsAppKey);
  auto req = post_tickets(R"({"subject":"chunked","body":")" + std::string(8000, 'c') + "\"}");
  req.headers = {{"Transfer-Encoding", "chunked"}};
  CHECK_ERROR(dev.http.send(req), 413, "payload_too_large");
}

BOOST_AUTO_TEST_CASE(connection_stays_usable_after_a_413) {
  Device dev(shared_server(), hlt::kCapsAppKey);
  CHECK_STATUS(dev.create_ticket("big", std::string(5000, 'x')), 413);
  CHECK_STATUS(dev.create_ticket("small", "b"), 201);
}

BOOST_AUTO_TEST_SUITE_END()
