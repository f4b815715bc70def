// Server support for the SDK's tickets, attachments and identity: client-chosen attachment ids,
// attachment-only messages, push tokens, principal attributes (GET /v1/me, PATCH /v1/me/attributes), identify
// inside a batch, cross-user isolation, body caps and message order (docs/protocol.md sections 3, 5, 6, 7, 8,
// 14, 16).
#define BOOST_TEST_MODULE server_identity
#include "helpline/testing.hpp"
#include "helpline/testing/checks.hpp"
#include "helpline/testing/device_client.hpp"
#include "helpline/testing/json.hpp"
#include "helpline/testing/shared_server.hpp"
#include "helpline/testing/unique.hpp"

#include <sqlite3.h>

#include <string>

namespace hlt = helpline::testing;
using namespace helpline::testing;

namespace {

hlt::Response upload(Device &dev, const std::string &query, const std::string &bytes,
                     const hlt::Headers &headers = {}) {
  hlt::Request req;
  req.method = "POST";
  req.path = "/v1/attachments" + query;
  req.content_type = "text/plain";
  req.body = bytes;
  req.headers = headers;
  return dev.http.send(req);
}

/// Keys of the object at `ptr`, in order ("<missing>" when it is not an object).
std::string keys_at(const rapidjson::Value &doc, const char *ptr) {
  const auto *v = hlt::at(doc, ptr);
  if (v == nullptr || !v->IsObject()) return "<missing>";
  std::string out;
  for (const auto &m : v->GetObject()) out += std::string(out.empty() ? "" : ",") + m.name.GetString();
  return out;
}

}  // namespace

// ---- 8. Attachments with a client-chosen id

BOOST_AUTO_TEST_SUITE(attachment_client_id)

BOOST_AUTO_TEST_CASE(upload_with_client_id_uses_it_and_it_is_linkable_and_downloadable) {
  Device dev(shared_server());
  const std::string aid = unique("01JATT");
  const auto r = upload(dev, "?id=" + aid + "&filename=log.txt", "hello");
  REQUIRE_STATUS(r, 201);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(str_at(doc, "/id"), aid);
  BOOST_CHECK_EQUAL(str_at(doc, "/filename"), "log.txt");
  BOOST_CHECK_EQUAL(int_at(doc, "/size"), 5);
  const std::string ticket = dev.new_ticket();
  const auto m = dev.http.post("/v1/tickets/" + ticket + "/messages",
                               R"({"body":"see log","attachment_ids":[)" + q(aid) + "]}");
  REQUIRE_STATUS(m, 201);
  BOOST_CHECK_EQUAL(str_at(json(m), "/attachments/0/id"), aid);
  const auto get = dev.http.get("/v1/attachments/" + aid);
  REQUIRE_STATUS(get, 200);
  BOOST_CHECK_EQUAL(get.body, "hello");
}

// The owner's own id is a conflict; another principal learns nothing (404, as for any id it cannot see).
BOOST_AUTO_TEST_CASE(upload_with_an_existing_id_is_409_for_its_owner_and_404_for_anyone_else) {
  Device dev(shared_server());
  const std::string aid = unique("att-dup");
  REQUIRE_STATUS(upload(dev, "?id=" + aid, "one"), 201);
  CHECK_ERROR(upload(dev, "?id=" + aid, "one"), 409, "conflict");
  CHECK_ERROR(upload(dev, "?id=" + aid, "other bytes"), 409, "conflict");
  Device other(shared_server());
  CHECK_ERROR(upload(other, "?id=" + aid, "one"), 404, "not_found");
  // The stored attachment is unchanged.
  const auto get = dev.http.get("/v1/attachments/" + aid);
  REQUIRE_STATUS(get, 200);
  BOOST_CHECK_EQUAL(get.body, "one");
}

BOOST_AUTO_TEST_CASE(idempotent_replay_of_a_client_id_upload_returns_the_stored_201) {
  Device dev(shared_server());
  const std::string aid = unique("att-idem");
  const std::string key = unique("k-att-");
  const auto first = upload(dev, "?id=" + aid + "&filename=a.txt", "payload", {{"Idempotency-Key", key}});
  REQUIRE_STATUS(first, 201);
  const auto again = upload(dev, "?id=" + aid + "&filename=a.txt", "payload", {{"Idempotency-Key", key}});
  REQUIRE_STATUS(again, 201);
  BOOST_CHECK_EQUAL(again.body, first.body);
  BOOST_CHECK_EQUAL(again.header("Idempotent-Replayed").value_or(""), "true");
  // A new key for the same id is a new request: conflict.
  CHECK_ERROR(upload(dev, "?id=" + aid + "&filename=a.txt", "payload", {{"Idempotency-Key", key + "x"}}), 409,
              "conflict");
}

BOOST_AUTO_TEST_CASE(upload_with_an_invalid_id_is_400_invalid_request) {
  Device dev(shared_server());
  CHECK_ERROR(upload(dev, "?id=" + hlt::url_encode("has space"), "x"), 400, "invalid_request");
  CHECK_ERROR(upload(dev, "?id=" + std::string(65, 'a'), "x"), 400, "invalid_request");
  CHECK_ERROR(upload(dev, "?id=", "x"), 400, "invalid_request");
}

BOOST_AUTO_TEST_CASE(upload_without_id_gets_a_server_id) {
  Device dev(shared_server());
  const auto r = upload(dev, "?filename=x.txt", "x");
  REQUIRE_STATUS(r, 201);
  BOOST_CHECK_EQUAL(str_at(json(r), "/id").rfind("a_", 0), 0U);
}

BOOST_AUTO_TEST_SUITE_END()

// ---- 7. Messages that only carry attachments

BOOST_AUTO_TEST_SUITE(attachment_only_messages)

BOOST_AUTO_TEST_CASE(message_with_attachments_and_absent_or_empty_body_is_201) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  const std::string a1 = str_at(json(upload(dev, "?filename=1.png", "png1")), "/id");
  const std::string a2 = str_at(json(upload(dev, "?filename=2.png", "png2")), "/id");
  const auto absent =
      dev.http.post("/v1/tickets/" + ticket + "/messages", R"({"attachment_ids":[)" + q(a1) + "]}");
  REQUIRE_STATUS(absent, 201);
  BOOST_CHECK_EQUAL(str_at(json(absent), "/body"), "");
  BOOST_CHECK_EQUAL(size_at(json(absent), "/attachments"), 1U);
  const auto empty =
      dev.http.post("/v1/tickets/" + ticket + "/messages", R"({"body":"","attachment_ids":[)" + q(a2) + "]}");
  REQUIRE_STATUS(empty, 201);
  BOOST_CHECK_EQUAL(str_at(json(empty), "/body"), "");
  const auto list = dev.http.get("/v1/tickets/" + ticket + "/messages");
  REQUIRE_STATUS(list, 200);
  const auto doc = json(list);
  BOOST_REQUIRE_EQUAL(size_at(doc, "/items"), 3U);
  BOOST_CHECK_EQUAL(str_at(doc, "/items/1/attachments/0/id"), a1);
  BOOST_CHECK_EQUAL(str_at(doc, "/items/2/attachments/0/id"), a2);
}

BOOST_AUTO_TEST_CASE(message_without_attachments_still_needs_a_body) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  CHECK_ERROR(dev.http.post("/v1/tickets/" + ticket + "/messages", "{}"), 400, "invalid_request");
  CHECK_ERROR(dev.http.post("/v1/tickets/" + ticket + "/messages", R"({"body":""})"), 400, "invalid_request");
  CHECK_ERROR(dev.http.post("/v1/tickets/" + ticket + "/messages", R"({"body":"","attachment_ids":[]})"), 400,
              "invalid_request");
  CHECK_ERROR(dev.http.post("/v1/tickets/" + ticket + "/messages", R"({"body":1,"attachment_ids":["x"]})"),
              400, "invalid_request");
}

BOOST_AUTO_TEST_CASE(ticket_create_keeps_a_required_body) {
  Device dev(shared_server());
  const std::string a = str_at(json(upload(dev, "", "x")), "/id");
  CHECK_ERROR(dev.http.post("/v1/tickets", R"({"subject":"s","body":"","attachment_ids":[)" + q(a) + "]}"),
              400, "invalid_request");
  CHECK_ERROR(dev.http.post("/v1/tickets", R"({"subject":"s","attachment_ids":[)" + q(a) + "]}"), 400,
              "invalid_request");
}

BOOST_AUTO_TEST_CASE(body_over_20000_characters_is_400_even_with_attachments) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  const std::string a = str_at(json(upload(dev, "", "x")), "/id");
  CHECK_ERROR(
      dev.http.post("/v1/tickets/" + ticket + "/messages",
                    R"({"body":)" + q(std::string(20001, 'b')) + R"(,"attachment_ids":[)" + q(a) + "]}"),
      400, "invalid_request");
}

BOOST_AUTO_TEST_SUITE_END()

// ---- 6. Push tokens

BOOST_AUTO_TEST_SUITE(push_tokens)

BOOST_AUTO_TEST_CASE(put_replaces_the_token_agents_see_it_and_delete_removes_it) {
  Device dev(shared_server());
  REQUIRE_STATUS(dev.http.put("/v1/device", R"({"model":"X100"})"), 200);
  const std::string ticket = dev.new_ticket();
  auto ag = shared_agent_client();

  const auto first = dev.http.put("/v1/device/push-token", R"({"platform":"fcm","token":"tok-1"})");
  REQUIRE_STATUS(first, 200);
  BOOST_CHECK_EQUAL(str_at(json(first), "/platform"), "fcm");
  BOOST_CHECK_EQUAL(str_at(json(first), "/token"), "tok-1");
  BOOST_CHECK_GT(int_at(json(first), "/updated_at"), 1600000000000LL);

  const auto second = dev.http.put("/v1/device/push-token", R"({"platform":"apns","token":"tok-2"})");
  REQUIRE_STATUS(second, 200);
  auto view = ag.get("/v1/agent/tickets/" + ticket + "/device");
  REQUIRE_STATUS(view, 200);
  auto doc = json(view);
  BOOST_CHECK_EQUAL(str_at(doc, "/model"), "X100");
  BOOST_CHECK_EQUAL(str_at(doc, "/push/platform"), "apns");
  BOOST_CHECK_EQUAL(str_at(doc, "/push/token"), "tok-2");
  BOOST_CHECK_EQUAL(int_at(doc, "/push/updated_at"), int_at(json(second), "/updated_at"));

  const auto del = dev.http.del("/v1/device/push-token");
  CHECK_STATUS(del, 204);
  BOOST_CHECK(del.body.empty());
  CHECK_STATUS(dev.http.del("/v1/device/push-token"), 204);  // idempotent by nature
  view = ag.get("/v1/agent/tickets/" + ticket + "/device");
  REQUIRE_STATUS(view, 200);
  doc = json(view);
  const auto *push = hlt::at(doc, "/push");
  BOOST_CHECK(push != nullptr && push->IsNull());
  BOOST_CHECK_EQUAL(str_at(doc, "/model"), "X100");
}

BOOST_AUTO_TEST_CASE(agent_device_view_with_a_push_token_but_no_attributes_is_200) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  auto ag = shared_agent_client();
  CHECK_ERROR(ag.get("/v1/agent/tickets/" + ticket + "/device"), 404, "not_found");
  REQUIRE_STATUS(dev.http.put("/v1/device/push-token", R"({"platform":"fcm","token":"t"})"), 200);
  const auto view = ag.get("/v1/agent/tickets/" + ticket + "/device");
  REQUIRE_STATUS(view, 200);
  const auto doc = json(view);
  BOOST_CHECK_EQUAL(str_at(doc, "/device_id"), dev.id);
  BOOST_CHECK_EQUAL(str_at(doc, "/push/token"), "t");
  // The device API is unchanged: no attributes were ever PUT.
  CHECK_ERROR(dev.http.get("/v1/device"), 404, "not_found");
}

BOOST_AUTO_TEST_CASE(push_token_validation) {
  Device dev(shared_server());
  CHECK_ERROR(dev.http.put("/v1/device/push-token", R"({"token":"t"})"), 400, "invalid_request");
  CHECK_ERROR(dev.http.put("/v1/device/push-token", R"({"platform":"fcm"})"), 400, "invalid_request");
  CHECK_ERROR(dev.http.put("/v1/device/push-token", R"({"platform":"","token":"t"})"), 400,
              "invalid_request");
  CHECK_ERROR(dev.http.put("/v1/device/push-token", R"({"platform":"fcm","token":""})"), 400,
              "invalid_request");
  CHECK_ERROR(
      dev.http.put("/v1/device/push-token", R"({"platform":)" + q(std::string(17, 'p')) + R"(,"token":"t"})"),
      400, "invalid_request");
  CHECK_ERROR(dev.http.put("/v1/device/push-token",
                           R"({"platform":"fcm","token":)" + q(std::string(4097, 't')) + "}"),
              400, "invalid_request");
  CHECK_STATUS(dev.http.put("/v1/device/push-token", R"({"platform":)" + q(std::string(16, 'p')) +
                                                         R"(,"token":)" + q(std::string(4096, 't')) + "}"),
               200);
  CHECK_ERROR(dev.http.get("/v1/device/push-token"), 405, "method_not_allowed");
}

BOOST_AUTO_TEST_CASE(push_token_writes_are_batchable) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  const auto r = dev.http.post(
      "/v1/batch",
      R"({"items":[)" +
          batch_item("p1", "PUT", "/v1/device/push-token", R"({"platform":"fcm","token":"b1"})") + "," +
          batch_item("p2", "DELETE", "/v1/device/push-token") + "," +
          batch_item("p3", "PUT", "/v1/device/push-token", R"({"platform":"fcm","token":"b3"})") + "]}");
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(str_at(doc, "/results/0/outcome"), "ok");
  BOOST_CHECK_EQUAL(int_at(doc, "/results/0/status"), 200);
  BOOST_CHECK_EQUAL(str_at(doc, "/results/1/outcome"), "ok");
  BOOST_CHECK_EQUAL(int_at(doc, "/results/1/status"), 204);
  BOOST_CHECK_EQUAL(str_at(doc, "/results/2/body/token"), "b3");
  auto ag = shared_agent_client();
  const auto view = ag.get("/v1/agent/tickets/" + ticket + "/device");
  REQUIRE_STATUS(view, 200);
  BOOST_CHECK_EQUAL(str_at(json(view), "/push/token"), "b3");
}

BOOST_AUTO_TEST_SUITE_END()

// ---- 3.4 Principal attributes

BOOST_AUTO_TEST_SUITE(principal_attributes)

BOOST_AUTO_TEST_CASE(me_of_an_anonymous_device_has_no_attributes) {
  Device dev(shared_server());
  const auto r = dev.http.get("/v1/me");
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(str_at(doc, "/principal/type"), "device");
  BOOST_CHECK_EQUAL(str_at(doc, "/principal/id"), dev.id);
  BOOST_CHECK_EQUAL(keys_at(doc, "/attributes"), "");
}

BOOST_AUTO_TEST_CASE(patch_sets_any_json_values_and_null_removes_a_key) {
  Device dev(shared_server());
  auto r = dev.http.patch("/v1/me/attributes",
                          R"({"plan":"pro","seats":3,"beta":true,"tags":["a","b"],"meta":{"x":1.5}})");
  REQUIRE_STATUS(r, 200);
  auto doc = json(r);
  BOOST_CHECK_EQUAL(keys_at(doc, "/attributes"), "beta,meta,plan,seats,tags");
  BOOST_CHECK_EQUAL(str_at(doc, "/attributes/plan"), "pro");
  BOOST_CHECK_EQUAL(int_at(doc, "/attributes/seats"), 3);
  BOOST_CHECK_EQUAL(str_at(doc, "/attributes/tags/1"), "b");

  r = dev.http.patch("/v1/me/attributes", R"({"plan":null,"seats":4,"never-set":null})");
  REQUIRE_STATUS(r, 200);
  doc = json(r);
  BOOST_CHECK_EQUAL(keys_at(doc, "/attributes"), "beta,meta,seats,tags");
  BOOST_CHECK_EQUAL(int_at(doc, "/attributes/seats"), 4);

  const auto me = dev.http.get("/v1/me");
  REQUIRE_STATUS(me, 200);
  const auto medoc = json(me);
  BOOST_CHECK_EQUAL(keys_at(medoc, "/attributes"), "beta,meta,seats,tags");
  const auto *beta = hlt::at(medoc, "/attributes/beta");
  BOOST_CHECK(beta != nullptr && beta->IsTrue());
  BOOST_CHECK_EQUAL(hlt::at(medoc, "/attributes/meta/x")->GetDouble(), 1.5);

  // An empty patch changes nothing and returns the stored set.
  r = dev.http.patch("/v1/me/attributes", "{}");
  REQUIRE_STATUS(r, 200);
  BOOST_CHECK_EQUAL(keys_at(json(r), "/attributes"), "beta,meta,seats,tags");
}

BOOST_AUTO_TEST_CASE(key_and_value_limits_are_400_and_change_nothing) {
  Device dev(shared_server());
  REQUIRE_STATUS(dev.http.patch("/v1/me/attributes", R"({"keep":1})"), 200);
  CHECK_ERROR(dev.http.patch("/v1/me/attributes", R"({"ok":1,)" + q(std::string(65, 'k')) + ":1}"), 400,
              "invalid_request");
  CHECK_ERROR(dev.http.patch("/v1/me/attributes", R"({"":1})"), 400, "invalid_request");
  // Value: 4096 bytes serialised is fine (a string of 4094 characters plus quotes), 4097 is not.
  CHECK_STATUS(dev.http.patch("/v1/me/attributes", R"({"big":)" + q(std::string(4094, 'v')) + "}"), 200);
  CHECK_ERROR(dev.http.patch("/v1/me/attributes", R"({"ok":2,"big":)" + q(std::string(4095, 'v')) + "}"), 400,
              "invalid_request");
  CHECK_STATUS(dev.http.patch("/v1/me/attributes", std::string(R"({"k":)") + q(std::string(64, 'k')) + "}"),
               200);
  const auto me = json(dev.http.get("/v1/me"));
  BOOST_CHECK_EQUAL(keys_at(me, "/attributes"), "big,k,keep");  // "ok" never stored
  CHECK_ERROR(dev.http.patch("/v1/me/attributes", "[1]"), 400, "malformed_json");
}

BOOST_AUTO_TEST_CASE(at_most_64_keys_are_stored) {
  Device dev(shared_server());
  std::string body = "{";
  for (int i = 0; i < 64; ++i) body += std::string(i ? "," : "") + q("k" + std::to_string(100 + i)) + ":1";
  body += "}";
  const auto full = dev.http.patch("/v1/me/attributes", body);
  REQUIRE_STATUS(full, 200);
  BOOST_CHECK_EQUAL(hlt::at(json(full), "/attributes")->MemberCount(), 64U);
  CHECK_ERROR(dev.http.patch("/v1/me/attributes", R"({"one-more":1})"), 400, "invalid_request");
  // Replacing a value, or removing one key and adding another, stays within the cap.
  CHECK_STATUS(dev.http.patch("/v1/me/attributes", R"({"k100":2})"), 200);
  CHECK_STATUS(dev.http.patch("/v1/me/attributes", R"({"k100":null,"one-more":1})"), 200);
  const auto me = json(dev.http.get("/v1/me"));
  BOOST_CHECK_EQUAL(hlt::at(me, "/attributes")->MemberCount(), 64U);
  BOOST_CHECK_EQUAL(int_at(me, "/attributes/one-more"), 1);
}

BOOST_AUTO_TEST_CASE(user_and_device_principals_have_separate_attributes) {
  Device dev(shared_server());
  REQUIRE_STATUS(dev.http.patch("/v1/me/attributes", R"({"anon":1})"), 200);
  const std::string sub = unique("u-attr-");
  dev.sign_in(sub);
  const auto me = dev.http.get("/v1/me");
  REQUIRE_STATUS(me, 200);
  const auto doc = json(me);
  BOOST_CHECK_EQUAL(str_at(doc, "/principal/type"), "user");
  BOOST_CHECK_EQUAL(str_at(doc, "/principal/id"), sub);
  BOOST_CHECK_EQUAL(keys_at(doc, "/attributes"), "");
  REQUIRE_STATUS(dev.http.patch("/v1/me/attributes", R"({"vip":true})"), 200);
  // Another device of the same user sees the user's attributes.
  Device other(shared_server());
  other.sign_in(sub);
  BOOST_CHECK_EQUAL(keys_at(json(other.http.get("/v1/me")), "/attributes"), "vip");
  dev.sign_out();
  BOOST_CHECK_EQUAL(keys_at(json(dev.http.get("/v1/me")), "/attributes"), "anon");
}

BOOST_AUTO_TEST_CASE(identify_merges_device_attributes_into_the_user_and_the_users_keys_win) {
  const std::string sub = unique("u-merge-");
  Device laptop(shared_server());
  laptop.sign_in(sub);
  REQUIRE_STATUS(laptop.http.patch("/v1/me/attributes", R"({"plan":"user-plan","lang":"de"})"), 200);

  Device phone(shared_server());
  REQUIRE_STATUS(phone.http.patch("/v1/me/attributes", R"({"plan":"device-plan","model":"X100"})"), 200);
  phone.sign_in(sub);
  REQUIRE_STATUS(phone.http.post("/v1/identify", "{}"), 200);
  const auto me = json(phone.http.get("/v1/me"));
  BOOST_CHECK_EQUAL(keys_at(me, "/attributes"), "lang,model,plan");
  BOOST_CHECK_EQUAL(str_at(me, "/attributes/plan"), "user-plan");
  BOOST_CHECK_EQUAL(str_at(me, "/attributes/model"), "X100");
  phone.sign_out();
  BOOST_CHECK_EQUAL(keys_at(json(phone.http.get("/v1/me")), "/attributes"), "");  // the device's are gone
}

BOOST_AUTO_TEST_CASE(agents_see_requester_attributes_on_ticket_get_list_and_patch) {
  Device dev(shared_server());
  const std::string sub = unique("u-agentview-");
  dev.sign_in(sub);
  REQUIRE_STATUS(dev.http.patch("/v1/me/attributes", R"({"plan":"pro","seats":5})"), 200);
  const std::string ticket = dev.new_ticket();
  auto ag = shared_agent_client();
  const auto get = ag.get("/v1/agent/tickets/" + ticket);
  REQUIRE_STATUS(get, 200);
  BOOST_CHECK_EQUAL(str_at(json(get), "/requester/attributes/plan"), "pro");
  BOOST_CHECK_EQUAL(int_at(json(get), "/requester/attributes/seats"), 5);
  const auto list = ag.get("/v1/agent/tickets?requester=" + hlt::url_encode("user:" + sub));
  REQUIRE_STATUS(list, 200);
  BOOST_CHECK_EQUAL(str_at(json(list), "/items/0/id"), ticket);
  BOOST_CHECK_EQUAL(str_at(json(list), "/items/0/requester/attributes/plan"), "pro");
  const auto patch = ag.patch("/v1/agent/tickets/" + ticket, R"({"status":"pending"})");
  REQUIRE_STATUS(patch, 200);
  BOOST_CHECK_EQUAL(str_at(json(patch), "/requester/attributes/plan"), "pro");

  // An anonymous requester without attributes has an empty object.
  Device anon(shared_server());
  const std::string t2 = anon.new_ticket();
  BOOST_CHECK_EQUAL(keys_at(json(ag.get("/v1/agent/tickets/" + t2)), "/requester/attributes"), "");
}

BOOST_AUTO_TEST_CASE(attribute_patches_are_batchable_and_run_in_order) {
  Device dev(shared_server());
  const auto r = dev.http.post(
      "/v1/batch", R"({"items":[)" + batch_item("a1", "PATCH", "/v1/me/attributes", R"({"x":1,"y":1})") +
                       "," + batch_item("a2", "PATCH", "/v1/me/attributes", R"({"x":null,"z":"z"})") + "," +
                       batch_item("a3", "PATCH", "/v1/me/attributes", R"({"":1})") + "]}");
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(str_at(doc, "/results/0/outcome"), "ok");
  BOOST_CHECK_EQUAL(keys_at(doc, "/results/1/body/attributes"), "y,z");
  BOOST_CHECK_EQUAL(str_at(doc, "/results/2/outcome"), "error");
  BOOST_CHECK_EQUAL(int_at(doc, "/results/2/status"), 400);
  BOOST_CHECK_EQUAL(keys_at(json(dev.http.get("/v1/me")), "/attributes"), "y,z");
}

BOOST_AUTO_TEST_SUITE_END()

// ---- 3.2 / 5 identify inside a batch; the merged history on the user's other device

BOOST_AUTO_TEST_SUITE(identify_in_batch)

BOOST_AUTO_TEST_CASE(batched_identify_merges_and_the_users_other_device_gets_the_ticket_and_its_messages) {
  const std::string sub = unique("u-batch-");
  Device b(shared_server());
  b.sign_in(sub);
  const std::string b_cursor = drained_cursor(b);

  Device a(shared_server());
  const std::string ticket = a.new_ticket("from the anonymous device");
  REQUIRE_STATUS(a.send_message(ticket, "second message"), 201);

  a.sign_in(sub);  // the batch's Authorization is the user's
  const auto r =
      a.http.post("/v1/batch", R"({"items":[)" + batch_item("id-1", "POST", "/v1/identify") + "]}");
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(str_at(doc, "/results/0/outcome"), "ok");
  BOOST_CHECK_EQUAL(int_at(doc, "/results/0/status"), 200);
  BOOST_CHECK_EQUAL(str_at(doc, "/results/0/body/user/id"), sub);
  BOOST_CHECK_EQUAL(int_at(doc, "/results/0/body/merged_tickets"), 1);

  const auto s = b.sync(b_cursor);
  REQUIRE_STATUS(s, 200);
  const auto sdoc = json(s);
  const auto tickets = hlt::items_of_type(sdoc, "ticket");
  BOOST_REQUIRE_EQUAL(tickets.size(), 1U);
  BOOST_CHECK_EQUAL(str_at(*tickets[0], "/data/id"), ticket);
  BOOST_CHECK_EQUAL(str_at(*tickets[0], "/data/requester/type"), "user");
  BOOST_CHECK_EQUAL(str_at(*tickets[0], "/data/requester/id"), sub);
  BOOST_CHECK_EQUAL(int_at(*tickets[0], "/data/message_count"), 2);

  const auto msgs = b.http.get("/v1/tickets/" + ticket + "/messages");
  REQUIRE_STATUS(msgs, 200);
  const auto mdoc = json(msgs);
  BOOST_REQUIRE_EQUAL(size_at(mdoc, "/items"), 2U);
  BOOST_CHECK_EQUAL(str_at(mdoc, "/items/0/body"), "It jams");
  BOOST_CHECK_EQUAL(int_at(mdoc, "/items/0/seq"), 1);
  BOOST_CHECK_EQUAL(str_at(mdoc, "/items/1/body"), "second message");
  BOOST_CHECK_EQUAL(int_at(mdoc, "/items/1/seq"), 2);

  // The anonymous principal no longer has it; the replayed batch item is a duplicate.
  a.sign_out();
  CHECK_ERROR(a.http.get("/v1/tickets/" + ticket), 404, "not_found");
  a.sign_in(sub);
  const auto again =
      a.http.post("/v1/batch", R"({"items":[)" + batch_item("id-1", "POST", "/v1/identify") + "]}");
  REQUIRE_STATUS(again, 200);
  BOOST_CHECK_EQUAL(str_at(json(again), "/results/0/outcome"), "duplicate");
  BOOST_CHECK_EQUAL(int_at(json(again), "/results/0/body/merged_tickets"), 1);
}

BOOST_AUTO_TEST_CASE(identify_then_writes_in_one_batch_belong_to_the_user) {
  const std::string sub = unique("u-batch2-");
  Device a(shared_server());
  const std::string old_ticket = a.new_ticket("anonymous");
  a.sign_in(sub);
  const std::string new_id = unique("t-after-");
  const auto r = a.http.post(
      "/v1/batch",
      R"({"items":[)" + batch_item("i1", "POST", "/v1/identify") + "," +
          batch_item("i2", "POST", "/v1/tickets/" + old_ticket + "/messages",
                     R"({"body":"after identify"})") +
          "," +
          batch_item("i3", "POST", "/v1/tickets", R"({"id":)" + q(new_id) + R"(,"subject":"s","body":"b"})") +
          "]}");
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  for (int i = 0; i < 3; ++i) {
    const std::string p = "/results/" + std::to_string(i) + "/outcome";
    BOOST_CHECK_EQUAL(str_at(doc, p.c_str()), "ok");
  }
  BOOST_CHECK_EQUAL(str_at(doc, "/results/2/body/requester/type"), "user");
  Device other(shared_server());
  other.sign_in(sub);
  const auto list = json(other.http.get("/v1/tickets"));
  BOOST_CHECK(hlt::contains_id(list, "/items", old_ticket));
  BOOST_CHECK(hlt::contains_id(list, "/items", new_id));
}

BOOST_AUTO_TEST_CASE(batched_identify_without_authorization_is_an_item_error_401) {
  Device a(shared_server());
  const auto r = a.http.post("/v1/batch", R"({"items":[)" + batch_item("n1", "POST", "/v1/identify") + "]}");
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(str_at(doc, "/results/0/outcome"), "error");
  BOOST_CHECK_EQUAL(int_at(doc, "/results/0/status"), 401);
  BOOST_CHECK_EQUAL(str_at(doc, "/results/0/error/code"), "unauthenticated");
  const auto *retry = hlt::at(doc, "/results/0/retryable");
  BOOST_CHECK(retry != nullptr && retry->IsFalse());
}

BOOST_AUTO_TEST_SUITE_END()

// ---- 3.1 isolation between users, 16 caps, 5 order within a batch

BOOST_AUTO_TEST_SUITE(isolation_caps_order)

BOOST_AUTO_TEST_CASE(user_a_cannot_read_or_write_user_bs_tickets_messages_or_attachments) {
  Device bdev(shared_server());
  bdev.sign_in(unique("u-b-"));
  const std::string linked = str_at(json(upload(bdev, "?filename=b.txt", "secret of b")), "/id");
  const std::string unlinked = str_at(json(upload(bdev, "?filename=c.txt", "also b")), "/id");
  const auto t = bdev.http.post(
      "/v1/tickets", R"({"subject":"b's","body":"b's body","attachment_ids":[)" + q(linked) + "]}");
  REQUIRE_STATUS(t, 201);
  const std::string ticket = str_at(json(t), "/id");

  Device adev(shared_server());
  adev.sign_in(unique("u-a-"));
  CHECK_ERROR(adev.http.get("/v1/tickets/" + ticket), 404, "not_found");
  CHECK_ERROR(adev.http.get("/v1/tickets/" + ticket + "/messages"), 404, "not_found");
  CHECK_ERROR(adev.http.get("/v1/attachments/" + linked), 404, "not_found");
  CHECK_ERROR(adev.http.get("/v1/attachments/" + unlinked), 404, "not_found");
  CHECK_ERROR(adev.send_message(ticket, "intrusion"), 404, "not_found");
  CHECK_ERROR(adev.http.patch("/v1/tickets/" + ticket, R"({"status":"closed"})"), 404, "not_found");
  CHECK_ERROR(adev.http.post("/v1/tickets/" + ticket + "/reopen", "{}"), 404, "not_found");
  // Linking someone else's attachment: 400 as for any attachment that is not an unlinked one of yours.
  CHECK_ERROR(
      adev.http.post("/v1/tickets", R"({"subject":"s","body":"b","attachment_ids":[)" + q(unlinked) + "]}"),
      400, "invalid_request");
  const auto list = adev.http.get("/v1/tickets");
  REQUIRE_STATUS(list, 200);
  BOOST_CHECK(!hlt::contains_id(json(list), "/items", ticket));
  // The same device id with B's token reads it: ownership is the principal, not the device.
  adev.sign_in(str_at(json(bdev.http.get("/v1/me")), "/principal/id"));
  CHECK_STATUS(adev.http.get("/v1/tickets/" + ticket), 200);
  const auto b_msgs = bdev.http.get("/v1/tickets/" + ticket + "/messages");
  REQUIRE_STATUS(b_msgs, 200);
  BOOST_CHECK_EQUAL(size_at(json(b_msgs), "/items"), 1U);
}

BOOST_AUTO_TEST_CASE(ticket_create_with_a_10_mib_body_is_413_payload_too_large) {
  Device dev(shared_server());
  const auto r = dev.create_ticket("big", std::string(10 * 1024 * 1024, 'x'));
  CHECK_ERROR(r, 413, "payload_too_large");
  // Under the wire cap but over the field limit: 400 naming the field.
  const auto r2 = dev.create_ticket("big", std::string(20001, 'x'));
  CHECK_ERROR(r2, 400, "invalid_request");
  BOOST_CHECK(r2.body.find("body") != std::string::npos);
  const auto list = dev.http.get("/v1/tickets");
  REQUIRE_STATUS(list, 200);
  BOOST_CHECK_EQUAL(size_at(json(list), "/items"), 0U);
}

BOOST_AUTO_TEST_CASE(messages_posted_in_one_batch_keep_their_order) {
  Device dev(shared_server());
  const std::string ticket = unique("t-order-");
  std::string items =
      batch_item("o0", "POST", "/v1/tickets", R"({"id":)" + q(ticket) + R"(,"subject":"s","body":"m0"})");
  for (int i = 1; i <= 20; ++i) {
    items += "," + batch_item("o" + std::to_string(i), "POST", "/v1/tickets/" + ticket + "/messages",
                              R"({"id":)" + q(ticket + "-m" + std::to_string(i)) + R"(,"body":)" +
                                  q("m" + std::to_string(i)) + "}");
  }
  const auto r = dev.http.post("/v1/batch", R"({"items":[)" + items + "]}");
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  for (int i = 1; i <= 20; ++i) {
    const std::string p = "/results/" + std::to_string(i) + "/body/seq";
    BOOST_CHECK_EQUAL(int_at(doc, p.c_str()), i + 1);
  }
  const auto list = dev.http.get("/v1/tickets/" + ticket + "/messages?limit=100");
  REQUIRE_STATUS(list, 200);
  const auto ldoc = json(list);
  BOOST_REQUIRE_EQUAL(size_at(ldoc, "/items"), 21U);
  for (int i = 0; i <= 20; ++i) {
    const std::string body_ptr = "/items/" + std::to_string(i) + "/body";
    const std::string seq_ptr = "/items/" + std::to_string(i) + "/seq";
    BOOST_CHECK_EQUAL(str_at(ldoc, body_ptr.c_str()), "m" + std::to_string(i));
    BOOST_CHECK_EQUAL(int_at(ldoc, seq_ptr.c_str()), i + 1);
  }
  const auto t = json(dev.http.get("/v1/tickets/" + ticket));
  BOOST_CHECK_EQUAL(int_at(t, "/message_count"), 21);
}

BOOST_AUTO_TEST_SUITE_END()

// ---- 18 schema migration: a database written by the previous schema (v1) is upgraded in place

BOOST_AUTO_TEST_SUITE(schema_upgrade)

namespace {

void exec_sql(const std::string &db_path, const std::string &sql) {
  sqlite3 *db = nullptr;
  BOOST_REQUIRE_EQUAL(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  char *err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  const std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  BOOST_REQUIRE_MESSAGE(rc == SQLITE_OK, "sqlite: " + msg);
}

int user_version(const std::string &db_path) {
  sqlite3 *db = nullptr;
  BOOST_REQUIRE_EQUAL(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt *st = nullptr;
  int v = -1;
  if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_v1_database_is_migrated_and_keeps_its_data) {
  hlt::ServerProcess server(hlt::shared_config());
  Device dev(server);
  const std::string ticket = dev.new_ticket("before the upgrade");
  BOOST_REQUIRE(server.stop().exited);
  // Schema v1 is the current schema without what migrations 2..6 add (shipped migrations never change).
  exec_sql(
      server.db_path().string(),
      "DROP TABLE push_tokens; DROP TABLE principal_attributes; DROP TABLE ticket_status_log; "
      "DROP INDEX tickets_created; DROP INDEX surveys_created; DROP INDEX messages_agent; "
      "DROP TABLE deflections; DROP TABLE survey_prompts; "
      "DROP INDEX tickets_proactive; DROP INDEX tickets_device; DROP INDEX diagnostics_dev_ts; "
      "ALTER TABLE tickets DROP COLUMN proactive_rule; ALTER TABLE notices DROP COLUMN faq_article_id; "
      "ALTER TABLE diag_devices DROP COLUMN last_seen; ALTER TABLE diag_devices DROP COLUMN last_error_at; "
      "ALTER TABLE diag_devices DROP COLUMN last_warning_at; "
      "DROP TABLE server_rules; DROP TABLE rule_firings; DROP TABLE device_rule_sets; "
      "DROP TABLE erasures; DROP INDEX events_device; DROP INDEX events_owner; "
      "DROP TABLE device_credentials; DROP TABLE retired_devices; DROP TABLE faq_synonyms; "
      "DROP TABLE faq_expansions; DROP TABLE faq_expansion_state; PRAGMA user_version=1;");
  server.start();
  CHECK_STATUS(dev.http.get("/v1/tickets/" + ticket), 200);
  CHECK_STATUS(dev.http.patch("/v1/me/attributes", R"({"after":"upgrade"})"), 200);
  CHECK_STATUS(dev.http.put("/v1/device/push-token", R"({"platform":"fcm","token":"t"})"), 200);
  BOOST_CHECK_EQUAL(str_at(json(dev.http.get("/v1/me")), "/attributes/after"), "upgrade");
  BOOST_REQUIRE(server.stop().exited);
  BOOST_CHECK_EQUAL(user_version(server.db_path().string()), 7);
}

BOOST_AUTO_TEST_SUITE_END()
