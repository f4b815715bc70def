// Status codes come from one list (HELPLINE_STATUS_MAP in helpline.h): the enum, the names
// helpline_status_str() returns and the messages. These cases walk that list.
#define BOOST_TEST_MODULE helpline_status_codes
#include <boost/test/unit_test.hpp>

#include <climits>
#include <cstdint>
#include <cstring>
#include <set>
#include <string>

#include "helpline/helpline.h"

namespace {

struct Code {
  helpline_status_t enumerator;  // the constant, as a host writes it
  helpline_status_t value;       // the value column of the list
  const char *spelling;          // the constant's name as written in the list
  const char *message;
};

const Code kCodes[] = {
#define HELPLINE_TEST_CODE(name, value, message) {name, value, #name, message},
    HELPLINE_STATUS_MAP(HELPLINE_TEST_CODE)
#undef HELPLINE_TEST_CODE
};

bool listed(helpline_status_t s) {
  for (const auto &c : kCodes) {
    if (c.value == s) return true;
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_code_is_named_by_its_enumerator_spelling) {
  for (const auto &c : kCodes) {
    BOOST_TEST(std::string(helpline_status_str(c.enumerator)) == c.spelling, "value " << c.value);
  }
}

BOOST_AUTO_TEST_CASE(names_and_values_are_distinct) {
  std::set<std::string> names;
  std::set<helpline_status_t> values;
  for (const auto &c : kCodes) {
    BOOST_TEST(names.insert(helpline_status_str(c.enumerator)).second, "duplicate name " << c.spelling);
    BOOST_TEST(values.insert(c.value).second, "duplicate value " << c.value << " (" << c.spelling << ")");
  }
  BOOST_TEST(names.size() == sizeof kCodes / sizeof kCodes[0]);
}

BOOST_AUTO_TEST_CASE(every_code_has_a_message) {
  for (const auto &c : kCodes) {
    BOOST_TEST(c.message != nullptr);
    BOOST_TEST(std::strlen(c.message) > 0u, c.spelling << " has an empty message");
  }
}

BOOST_AUTO_TEST_CASE(the_enum_holds_the_values_of_the_list) {
  for (const auto &c : kCodes) BOOST_TEST(c.enumerator == c.value, c.spelling);
}

BOOST_AUTO_TEST_CASE(ok_is_zero_and_every_other_code_is_negative) {
  for (const auto &c : kCodes) {
    if (std::string(c.spelling) == "HELPLINE_OK") {
      BOOST_TEST(c.value == 0);
    } else {
      BOOST_TEST(c.value < 0, c.spelling);
    }
  }
}

// Values are ABI: hosts compiled against an older header compare against these numbers.
BOOST_AUTO_TEST_CASE(published_values_never_change) {
  BOOST_TEST(HELPLINE_OK == 0);
  BOOST_TEST(HELPLINE_E_INVALID_ARGUMENT == -1);
  BOOST_TEST(HELPLINE_E_INVALID_UTF8 == -2);
  BOOST_TEST(HELPLINE_E_TOO_LARGE == -3);
  BOOST_TEST(HELPLINE_E_NO_MEMORY == -4);
  BOOST_TEST(HELPLINE_E_IO == -5);
  BOOST_TEST(HELPLINE_E_STORE == -6);
  BOOST_TEST(HELPLINE_E_INCOMPATIBLE_STORE == -7);
  BOOST_TEST(HELPLINE_E_LOCKED == -8);
  BOOST_TEST(HELPLINE_E_CLOSED == -9);
  BOOST_TEST(HELPLINE_E_TIMEOUT == -10);
  BOOST_TEST(HELPLINE_E_NOT_FOUND == -11);
  BOOST_TEST(HELPLINE_E_NETWORK == -12);
  BOOST_TEST(HELPLINE_E_SERVER == -13);
  BOOST_TEST(HELPLINE_E_DISK_FULL == -14);
  BOOST_TEST(HELPLINE_E_NO_CONSENT == -15);
  BOOST_TEST(HELPLINE_E_INVALID_STATE == -16);
  BOOST_TEST(HELPLINE_E_INVALID_JSON == -17);
  BOOST_TEST(HELPLINE_E_BUSY == -18);
  BOOST_TEST(HELPLINE_E_INTERNAL == -99);
  BOOST_TEST(sizeof kCodes / sizeof kCodes[0] == 20u);
}

// Before the list, the hand-written switch had no case for it and answered "HELPLINE_E_UNKNOWN".
BOOST_AUTO_TEST_CASE(busy_is_named) {
  BOOST_TEST(std::string(helpline_status_str(HELPLINE_E_BUSY)) == "HELPLINE_E_BUSY");
}

BOOST_AUTO_TEST_CASE(a_value_outside_the_list_is_unknown) {
  for (helpline_status_t s : {1, -19, -98, -100, INT32_MIN, INT32_MAX}) {
    BOOST_TEST(std::string(helpline_status_str(s)) == "HELPLINE_E_UNKNOWN", "status " << s);
  }
  for (helpline_status_t s = -200; s <= 200; ++s) {
    if (!listed(s)) BOOST_TEST(std::string(helpline_status_str(s)) == "HELPLINE_E_UNKNOWN", "status " << s);
  }
}
