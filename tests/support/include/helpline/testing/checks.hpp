#pragma once
// Boost.Test assertions over HTTP responses and JSON text: a failure prints the response or the text.

#include <rapidjson/document.h>
#include <boost/test/unit_test.hpp>

#include <string>

#include "helpline/testing/http_client.hpp"
#include "helpline/testing/json.hpp"

namespace helpline::testing {

/// Parses JSON text; BOOST_REQUIREs that it parses.
inline rapidjson::Document parse(const std::string &json) {
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  BOOST_REQUIRE_MESSAGE(!d.HasParseError(), "not JSON: " << json.substr(0, 2000));
  return d;
}

/// The body as JSON; fails the test (with the response) when it is not.
inline rapidjson::Document json(const Response &r) {
  rapidjson::Document doc;
  doc.Parse(r.body.c_str(), r.body.size());
  BOOST_REQUIRE_MESSAGE(!doc.HasParseError(), "response is not JSON: " + r.describe());
  return doc;
}

/// `error.code` of an error response (docs/protocol.md 2), "<not json: ...>" when the body is not JSON.
inline std::string error_code(const Response &r) {
  rapidjson::Document doc;
  doc.Parse(r.body.c_str(), r.body.size());
  if (doc.HasParseError()) return "<not json: " + r.body.substr(0, 200) + ">";
  return str_at(doc, "/error/code");
}

}  // namespace helpline::testing

/// Asserts status and error code (docs/protocol.md 2), printing the response on failure.
#define CHECK_ERROR(resp, want_status, want_code)                                         \
  do {                                                                                    \
    const helpline::testing::Response &r_ = (resp);                                       \
    BOOST_CHECK_MESSAGE(r_.status == (want_status),                                       \
                        "status: want " << (want_status) << ", got " << r_.describe());   \
    BOOST_CHECK_MESSAGE(helpline::testing::error_code(r_) == (want_code),                 \
                        "error.code: want " << (want_code) << ", got " << r_.describe()); \
  } while (0)

#define CHECK_STATUS(resp, want_status)                                                 \
  do {                                                                                  \
    const helpline::testing::Response &r_ = (resp);                                     \
    BOOST_CHECK_MESSAGE(r_.status == (want_status),                                     \
                        "status: want " << (want_status) << ", got " << r_.describe()); \
  } while (0)

#define REQUIRE_STATUS(resp, want_status)                                                 \
  do {                                                                                    \
    const helpline::testing::Response &r_ = (resp);                                       \
    BOOST_REQUIRE_MESSAGE(r_.status == (want_status),                                     \
                          "status: want " << (want_status) << ", got " << r_.describe()); \
  } while (0)
