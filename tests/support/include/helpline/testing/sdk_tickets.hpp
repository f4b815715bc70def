#pragma once
// Tickets and messages through the SDK's C API and its local view, with Boost.Test checks on every call.
//
// Header-only: calls the SDK's C API (see sdk.hpp).

#include <rapidjson/document.h>
#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <string>
#include <vector>

#include "helpline/helpline.h"
#include "helpline/testing/checks.hpp"
#include "helpline/testing/json.hpp"

namespace helpline::testing {

/// helpline_tickets_json as text ("{\"tickets\":[]}" and a failed check when the call fails).
inline std::string tickets_text(helpline_t *h) {
  char *json = nullptr;
  helpline_status_t s = helpline_tickets_json(h, &json);
  BOOST_CHECK_MESSAGE(s == HELPLINE_OK,
                      "helpline_tickets_json: " << helpline_status_str(s) << " " << helpline_last_error(h));
  if (s != HELPLINE_OK) return "{\"tickets\":[]}";
  std::string out(json);
  helpline_free(json);
  return out;
}
inline rapidjson::Document tickets_doc(helpline_t *h) {
  return parse(tickets_text(h));
}

/// The local view's ticket `id` (a copy into `out`); false when it is not listed.
inline bool local_ticket(helpline_t *h, const std::string &id, rapidjson::Document &out) {
  rapidjson::Document d = tickets_doc(h);
  if (!d.IsObject() || !d.HasMember("tickets") || !d["tickets"].IsArray()) return false;
  for (auto &t : d["tickets"].GetArray()) {
    if (str_of(t, "id") == id) {
      out.CopyFrom(t, out.GetAllocator());
      return true;
    }
  }
  return false;
}
/// How many tickets the local view lists (with id `id`, when given).
inline std::size_t local_ticket_count(helpline_t *h, const std::string &id = "") {
  rapidjson::Document d = tickets_doc(h);
  std::size_t n = 0;
  for (auto &t : d["tickets"].GetArray()) {
    if (id.empty() || str_of(t, "id") == id) ++n;
  }
  return n;
}

/// helpline_ticket_messages_json: the status, and the document in *out when OK.
inline helpline_status_t messages_doc(helpline_t *h, const std::string &ticket_id, rapidjson::Document &out) {
  char *json = nullptr;
  helpline_status_t s = helpline_ticket_messages_json(h, ticket_id.c_str(), &json);
  if (s != HELPLINE_OK) return s;
  out.Parse(json);
  helpline_free(json);
  BOOST_REQUIRE(!out.HasParseError());
  return s;
}

/// The bodies of a message list ({"items": [...]} or {"messages": [...]}) in order.
inline std::vector<std::string> bodies(const rapidjson::Value &list) {
  std::vector<std::string> out;
  for (const auto &m : list.GetArray()) out.push_back(str_of(m, "body"));
  return out;
}

/// A ticket created through the SDK, its id returned (BOOST_REQUIREs success).
inline std::string create_ticket(helpline_t *h, const std::string &subject, const std::string &body,
                                 const char *fields = nullptr) {
  char *id = nullptr;
  helpline_status_t s = helpline_ticket_create(h, subject.c_str(), body.c_str(), fields, &id);
  BOOST_REQUIRE_MESSAGE(
      s == HELPLINE_OK && id != nullptr,
      "helpline_ticket_create: " << helpline_status_str(s) << " " << helpline_last_error(h));
  std::string out(id);
  helpline_free(id);
  return out;
}
/// A message sent through the SDK, its id returned (BOOST_REQUIREs success).
inline std::string send_message(helpline_t *h, const std::string &ticket_id, const std::string &body) {
  char *id = nullptr;
  helpline_status_t s = helpline_message_send(h, ticket_id.c_str(), body.c_str(), &id);
  BOOST_REQUIRE_MESSAGE(s == HELPLINE_OK && id != nullptr,
                        "helpline_message_send: " << helpline_status_str(s) << " " << helpline_last_error(h));
  std::string out(id);
  helpline_free(id);
  return out;
}

}  // namespace helpline::testing
