// Identity JWTs, anonymous -> user merge, and isolation between principals and apps
// (docs/protocol.md sections 3, 7, 8).
#define BOOST_TEST_MODULE server_auth
#include "helpline/testing.hpp"
#include "helpline/testing/checks.hpp"
#include "helpline/testing/device_client.hpp"
#include "helpline/testing/json.hpp"
#include "helpline/testing/shared_server.hpp"
#include "helpline/testing/unique.hpp"

namespace hlt = helpline::testing;
using namespace helpline::testing;

namespace {

/// A device using `token` as its identity JWT.
Device with_token(const std::string &token) {
  Device dev(shared_server());
  dev.http.set_default_header("Authorization", "Bearer " + token);
  return dev;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(identity_jwt)

BOOST_AUTO_TEST_CASE(valid_hs256_token_makes_the_caller_that_user) {
  const std::string sub = unique("u-");
  Device dev =
      with_token(hlt::mint_jwt(hlt::kAppSecret, hlt::identity_claims(sub, 3600, "Ann", "ann@example.com")));
  const auto r = dev.create_ticket();
  REQUIRE_STATUS(r, 201);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(str_at(doc, "/requester/type"), "user");
  BOOST_CHECK_EQUAL(str_at(doc, "/requester/id"), sub);
  BOOST_CHECK_EQUAL(str_at(doc, "/requester/name"), "Ann");
}

BOOST_AUTO_TEST_CASE(expired_token_is_401_token_expired) {
  const std::string claims = R"({"sub":"u-exp","exp":)" + std::to_string(hlt::unix_now() - 120) + "}";
  CHECK_ERROR(with_token(hlt::mint_jwt(hlt::kAppSecret, claims)).http.get("/v1/tickets"), 401,
              "token_expired");
}

BOOST_AUTO_TEST_CASE(token_expired_within_the_leeway_is_accepted) {
  const std::string claims = R"({"sub":"u-leeway","exp":)" + std::to_string(hlt::unix_now() - 5) + "}";
  CHECK_STATUS(with_token(hlt::mint_jwt(hlt::kAppSecret, claims)).http.get("/v1/tickets"), 200);
}

BOOST_AUTO_TEST_CASE(token_signed_with_wrong_secret_is_401_invalid_token) {
  const auto token = hlt::mint_jwt("not-the-app-secret-at-all", hlt::identity_claims("u-wrong"));
  CHECK_ERROR(with_token(token).http.get("/v1/tickets"), 401, "invalid_token");
}

BOOST_AUTO_TEST_CASE(token_signed_with_another_apps_secret_is_401_invalid_token) {
  const auto token = hlt::mint_jwt(hlt::kOtherAppSecret, hlt::identity_claims("u-other-app"));
  CHECK_ERROR(with_token(token).http.get("/v1/tickets"), 401, "invalid_token");
}

BOOST_AUTO_TEST_CASE(token_with_alg_none_is_401_invalid_token) {
  const auto token = hlt::mint_jwt("", hlt::identity_claims("u-none"), "none");
  CHECK_ERROR(with_token(token).http.get("/v1/tickets"), 401, "invalid_token");
}

BOOST_AUTO_TEST_CASE(token_with_alg_none_and_a_valid_hs256_signature_is_401_invalid_token) {
  // Header says none, but a signature computed with the real secret is attached: alg must be exactly HS256.
  const auto none = hlt::mint_jwt("", hlt::identity_claims("u-none2"), "none");
  const auto hs = hlt::mint_jwt(hlt::kAppSecret, hlt::identity_claims("u-none2"));
  const auto token = none + hs.substr(hs.rfind('.') + 1);
  CHECK_ERROR(with_token(token).http.get("/v1/tickets"), 401, "invalid_token");
}

BOOST_AUTO_TEST_CASE(token_with_alg_hs512_is_401_invalid_token) {
  const auto token = hlt::mint_jwt(hlt::kAppSecret, hlt::identity_claims("u-512"), "HS512");
  CHECK_ERROR(with_token(token).http.get("/v1/tickets"), 401, "invalid_token");
}

BOOST_AUTO_TEST_CASE(token_with_tampered_payload_is_401_invalid_token) {
  const auto good = hlt::mint_jwt(hlt::kAppSecret, hlt::identity_claims("u-victim-not"));
  const auto token = hlt::tamper_payload(good, hlt::identity_claims("u-victim"));
  CHECK_ERROR(with_token(token).http.get("/v1/tickets"), 401, "invalid_token");
}

BOOST_AUTO_TEST_CASE(token_without_sub_is_401_invalid_token) {
  const std::string claims = R"({"exp":)" + std::to_string(hlt::unix_now() + 3600) + "}";
  CHECK_ERROR(with_token(hlt::mint_jwt(hlt::kAppSecret, claims)).http.get("/v1/tickets"), 401,
              "invalid_token");
}

BOOST_AUTO_TEST_CASE(token_with_nbf_in_the_future_is_401_invalid_token) {
  const auto now = hlt::unix_now();
  const std::string claims = R"({"sub":"u-nbf","exp":)" + std::to_string(now + 7200) + R"(,"nbf":)" +
                             std::to_string(now + 3600) + "}";
  CHECK_ERROR(with_token(hlt::mint_jwt(hlt::kAppSecret, claims)).http.get("/v1/tickets"), 401,
              "invalid_token");
}

BOOST_AUTO_TEST_CASE(token_without_exp_is_401_invalid_token) {
  CHECK_ERROR(with_token(hlt::mint_jwt(hlt::kAppSecret, R"({"sub":"u-noexp"})")).http.get("/v1/tickets"), 401,
              "invalid_token");
}

BOOST_AUTO_TEST_CASE(token_with_numeric_sub_is_401_invalid_token) {
  const std::string claims = R"({"sub":42,"exp":)" + std::to_string(hlt::unix_now() + 3600) + "}";
  CHECK_ERROR(with_token(hlt::mint_jwt(hlt::kAppSecret, claims)).http.get("/v1/tickets"), 401,
              "invalid_token");
}

BOOST_AUTO_TEST_CASE(token_with_sub_over_128_chars_is_401_invalid_token) {
  const auto token = hlt::mint_jwt(hlt::kAppSecret, hlt::identity_claims(std::string(129, 's')));
  CHECK_ERROR(with_token(token).http.get("/v1/tickets"), 401, "invalid_token");
}

BOOST_AUTO_TEST_CASE(token_with_the_signature_stripped_is_401_invalid_token) {
  const auto good = hlt::mint_jwt(hlt::kAppSecret, hlt::identity_claims("u-strip"));
  CHECK_ERROR(with_token(good.substr(0, good.rfind('.') + 1)).http.get("/v1/tickets"), 401, "invalid_token");
  CHECK_ERROR(with_token(good.substr(0, good.rfind('.'))).http.get("/v1/tickets"), 401, "invalid_token");
}

BOOST_AUTO_TEST_CASE(token_with_string_exp_is_401_invalid_token) {
  const std::string claims = R"({"sub":"u-strexp","exp":")" + std::to_string(hlt::unix_now() + 3600) + "\"}";
  CHECK_ERROR(with_token(hlt::mint_jwt(hlt::kAppSecret, claims)).http.get("/v1/tickets"), 401,
              "invalid_token");
}

BOOST_AUTO_TEST_CASE(garbage_bearer_token_is_401_invalid_token) {
  CHECK_ERROR(with_token("abc.def").http.get("/v1/tickets"), 401, "invalid_token");
}

BOOST_AUTO_TEST_CASE(invalid_token_does_not_fall_back_to_anonymous_on_writes) {
  Device dev = with_token(hlt::mint_jwt("wrong-secret-wrong-secret", hlt::identity_claims("u-x")));
  CHECK_ERROR(dev.create_ticket(), 401, "invalid_token");
  dev.sign_out();
  const auto list = dev.http.get("/v1/tickets");
  REQUIRE_STATUS(list, 200);
  BOOST_CHECK_EQUAL(hlt::size_at(json(list), "/items"), 0U);
}

BOOST_AUTO_TEST_CASE(agent_token_on_the_device_api_is_401_invalid_token) {
  Device dev = with_token(hlt::shared_agent().token);
  CHECK_ERROR(dev.http.get("/v1/tickets"), 401, "invalid_token");
}

BOOST_AUTO_TEST_CASE(identity_jwt_on_the_agent_api_is_401_invalid_agent_token) {
  hlt::HttpClient http(shared_server().base_url());
  http.set_default_header("Authorization",
                          "Bearer " + hlt::mint_jwt(hlt::kAppSecret, hlt::identity_claims("u-a")));
  CHECK_ERROR(http.get("/v1/agent/tickets"), 401, "invalid_agent_token");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(identify_merge)

BOOST_AUTO_TEST_CASE(identify_without_authorization_is_401_unauthenticated) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.post("/v1/identify", "{}"), 401, "unauthenticated");
}

BOOST_AUTO_TEST_CASE(identify_moves_the_devices_anonymous_tickets_to_the_user) {
  Device dev(shared_server());
  const std::string t1 = dev.new_ticket("anon one");
  const std::string t2 = dev.new_ticket("anon two");
  const std::string sub = unique("u-");
  dev.sign_in(sub);
  const auto r = dev.http.post("/v1/identify", "{}");
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(hlt::int_at(doc, "/merged_tickets"), 2);
  BOOST_CHECK_EQUAL(str_at(doc, "/user/id"), sub);

  // The user's history now has both tickets, with the user as requester...
  const auto t = dev.http.get("/v1/tickets/" + t1);
  REQUIRE_STATUS(t, 200);
  BOOST_CHECK_EQUAL(str_at(json(t), "/requester/type"), "user");
  // ...and the anonymous device principal has none left.
  dev.sign_out();
  const auto anon = dev.http.get("/v1/tickets");
  REQUIRE_STATUS(anon, 200);
  BOOST_CHECK(!hlt::contains_id(json(anon), "/items", t1));
  BOOST_CHECK(!hlt::contains_id(json(anon), "/items", t2));
}

BOOST_AUTO_TEST_CASE(merged_history_follows_the_user_to_another_device) {
  Device phone(shared_server());
  const std::string ticket = phone.new_ticket("before sign-in");
  REQUIRE_STATUS(phone.send_message(ticket, "second message"), 201);
  const std::string sub = unique("u-");
  phone.sign_in(sub);
  REQUIRE_STATUS(phone.http.post("/v1/identify", "{}"), 200);

  Device laptop(shared_server());
  laptop.sign_in(sub);
  const auto list = laptop.http.get("/v1/tickets");
  REQUIRE_STATUS(list, 200);
  BOOST_CHECK(hlt::contains_id(json(list), "/items", ticket));
  const auto msgs = laptop.http.get("/v1/tickets/" + ticket + "/messages");
  REQUIRE_STATUS(msgs, 200);
  BOOST_CHECK_EQUAL(hlt::size_at(json(msgs), "/items"), 2U);
}

BOOST_AUTO_TEST_CASE(identify_moves_attachments_so_the_user_reads_them_on_another_device) {
  Device phone(shared_server());
  hlt::Request up;
  up.method = "POST";
  up.path = "/v1/attachments?filename=pre-login.txt";
  up.content_type = "text/plain";
  up.body = "uploaded before sign-in";
  const auto r = phone.http.send(up);
  REQUIRE_STATUS(r, 201);
  const std::string id = str_at(json(r), "/id");
  const std::string sub = unique("u-");
  phone.sign_in(sub);
  REQUIRE_STATUS(phone.http.post("/v1/identify", "{}"), 200);
  Device laptop(shared_server());
  laptop.sign_in(sub);
  const auto got = laptop.http.get("/v1/attachments/" + id);
  CHECK_STATUS(got, 200);
  BOOST_CHECK_EQUAL(got.body, "uploaded before sign-in");
}

BOOST_AUTO_TEST_CASE(identify_merges_into_a_user_who_already_has_tickets) {
  const std::string sub = unique("u-");
  Device laptop(shared_server());
  laptop.sign_in(sub);
  const std::string old_ticket = laptop.new_ticket("from before");
  Device phone(shared_server());
  const std::string anon_ticket = phone.new_ticket("anonymous");
  phone.sign_in(sub);
  REQUIRE_STATUS(phone.http.post("/v1/identify", "{}"), 200);
  const auto list = json(phone.http.get("/v1/tickets"));
  BOOST_CHECK(hlt::contains_id(list, "/items", old_ticket));
  BOOST_CHECK(hlt::contains_id(list, "/items", anon_ticket));
}

BOOST_AUTO_TEST_CASE(second_identify_moves_nothing) {
  Device dev(shared_server());
  dev.new_ticket();
  dev.sign_in(unique("u-"));
  REQUIRE_STATUS(dev.http.post("/v1/identify", "{}"), 200);
  const auto again = dev.http.post("/v1/identify", "{}");
  REQUIRE_STATUS(again, 200);
  BOOST_CHECK_EQUAL(hlt::int_at(json(again), "/merged_tickets"), 0);
}

BOOST_AUTO_TEST_CASE(identify_emits_a_ticket_sync_item_for_the_users_other_devices) {
  const std::string sub = unique("u-");
  Device laptop(shared_server());
  laptop.sign_in(sub);
  const auto before = laptop.sync();
  REQUIRE_STATUS(before, 200);
  const std::string cursor = str_at(json(before), "/cursor");

  Device phone(shared_server());
  const std::string ticket = phone.new_ticket("made anonymously");
  phone.sign_in(sub);
  REQUIRE_STATUS(phone.http.post("/v1/identify", "{}"), 200);

  const auto after = laptop.sync(cursor);
  REQUIRE_STATUS(after, 200);
  const auto doc = json(after);
  bool found = false;
  for (const auto *item : hlt::items_of_type(doc, "ticket")) {
    found = found || str_at(*item, "/data/id") == ticket;
  }
  BOOST_CHECK_MESSAGE(found, "no ticket item for " << ticket << " in " << after.body);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(isolation)

BOOST_AUTO_TEST_CASE(another_user_cannot_read_a_users_ticket_404) {
  Device ann(shared_server());
  ann.sign_in(unique("ann-"));
  const std::string ticket = ann.new_ticket();
  Device bob(shared_server());
  bob.sign_in(unique("bob-"));
  CHECK_ERROR(bob.http.get("/v1/tickets/" + ticket), 404, "not_found");
  CHECK_ERROR(bob.http.get("/v1/tickets/" + ticket + "/messages"), 404, "not_found");
}

BOOST_AUTO_TEST_CASE(another_user_cannot_write_to_a_users_ticket_404) {
  Device ann(shared_server());
  ann.sign_in(unique("ann-"));
  const std::string ticket = ann.new_ticket();
  Device bob(shared_server());
  bob.sign_in(unique("bob-"));
  CHECK_ERROR(bob.send_message(ticket, "hijack"), 404, "not_found");
  CHECK_ERROR(bob.http.patch("/v1/tickets/" + ticket, R"({"status":"closed"})"), 404, "not_found");
  const auto msgs = ann.http.get("/v1/tickets/" + ticket + "/messages");
  REQUIRE_STATUS(msgs, 200);
  BOOST_CHECK_EQUAL(hlt::size_at(json(msgs), "/items"), 1U);
}

BOOST_AUTO_TEST_CASE(another_users_ticket_is_not_listed) {
  Device ann(shared_server());
  ann.sign_in(unique("ann-"));
  const std::string ticket = ann.new_ticket();
  Device bob(shared_server());
  bob.sign_in(unique("bob-"));
  const auto list = bob.http.get("/v1/tickets");
  REQUIRE_STATUS(list, 200);
  BOOST_CHECK(!hlt::contains_id(json(list), "/items", ticket));
}

BOOST_AUTO_TEST_CASE(another_anonymous_device_cannot_read_a_devices_ticket_404) {
  Device a(shared_server());
  const std::string ticket = a.new_ticket();
  Device b(shared_server());
  CHECK_ERROR(b.http.get("/v1/tickets/" + ticket), 404, "not_found");
}

BOOST_AUTO_TEST_CASE(signed_in_user_cannot_read_the_same_devices_anonymous_ticket_404) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  dev.sign_in(unique("u-"));  // no identify: the anonymous principal still owns it
  CHECK_ERROR(dev.http.get("/v1/tickets/" + ticket), 404, "not_found");
}

BOOST_AUTO_TEST_CASE(same_device_and_user_on_another_app_cannot_read_the_ticket_404) {
  const std::string sub = unique("u-");
  Device mine(shared_server());
  mine.sign_in(sub);
  const std::string ticket = mine.new_ticket();
  Device other(shared_server(), hlt::kOtherAppKey, mine.id);
  other.sign_in(sub, hlt::kOtherAppSecret);
  CHECK_ERROR(other.http.get("/v1/tickets/" + ticket), 404, "not_found");
}

BOOST_AUTO_TEST_CASE(another_user_cannot_download_an_attachment_404) {
  Device ann(shared_server());
  ann.sign_in(unique("ann-"));
  hlt::Request up;
  up.method = "POST";
  up.path = "/v1/attachments?filename=secret.txt";
  up.content_type = "text/plain";
  up.body = "top secret";
  const auto r = ann.http.send(up);
  REQUIRE_STATUS(r, 201);
  const std::string id = str_at(json(r), "/id");
  Device bob(shared_server());
  bob.sign_in(unique("bob-"));
  CHECK_ERROR(bob.http.get("/v1/attachments/" + id), 404, "not_found");
}

BOOST_AUTO_TEST_CASE(survey_on_another_users_ticket_is_404) {
  Device ann(shared_server());
  ann.sign_in(unique("ann-"));
  const std::string ticket = ann.new_ticket();
  Device bob(shared_server());
  bob.sign_in(unique("bob-"));
  CHECK_ERROR(bob.http.post("/v1/surveys", R"({"kind":"csat","score":1,"ticket_id":)" + q(ticket) + "}"), 404,
              "not_found");
}

BOOST_AUTO_TEST_SUITE_END()
