// Identity JWTs (docs/protocol.md section 3): HS256 only, exp/nbf with leeway, required claims.
#define BOOST_TEST_MODULE helpline_server_jwt
#include <boost/test/unit_test.hpp>

#include "crypto.hpp"
#include "jwt.hpp"

#include <string>

using namespace helpline::server;

namespace {

const std::string kSecret = "at-least-16-chars-secret";
constexpr int64_t kNow = 1700000000;

// A token with any header and payload, signed with HS256 over them (so only the checks after the signature
// can refuse it, unless the header says otherwise).
std::string signed_token(const std::string &header, const std::string &payload,
                         const std::string &secret = kSecret) {
  std::string signing = base64url_encode(header) + "." + base64url_encode(payload);
  return signing + "." + base64url_encode(hmac_sha256(secret, signing));
}

const std::string kHs256 = R"({"alg":"HS256","typ":"JWT"})";

JwtError verify(const std::string &token, Identity &out, int64_t leeway = 30) {
  return verify_jwt(token, kSecret, kNow, leeway, out);
}

JwtError verify(const std::string &token) {
  Identity id;
  return verify(token, id);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_minted_token_verifies_and_yields_its_claims) {
  std::string token =
      mint_jwt(kSecret, "user-7", kNow + 60, std::string("Ada"), std::string("ada@example.com"));
  Identity id;
  BOOST_TEST(static_cast<int>(verify(token, id)) == static_cast<int>(JwtError::none));
  BOOST_TEST(id.sub == "user-7");
  BOOST_TEST(id.exp == kNow + 60);
  BOOST_TEST(*id.name == "Ada");
  BOOST_TEST(*id.email == "ada@example.com");
}

BOOST_AUTO_TEST_CASE(optional_claims_are_absent_when_not_sent_and_reset_between_calls) {
  Identity id;
  id.name = "stale";
  id.email = "stale@example.com";
  BOOST_TEST(static_cast<int>(verify(mint_jwt(kSecret, "u", kNow + 60, std::nullopt, std::nullopt), id)) ==
             static_cast<int>(JwtError::none));
  BOOST_TEST(!id.name.has_value());
  BOOST_TEST(!id.email.has_value());
}

BOOST_AUTO_TEST_CASE(expiry_honours_the_leeway_on_both_sides_of_the_boundary) {
  // Refused when exp <= now - leeway.
  BOOST_TEST(static_cast<int>(verify(mint_jwt(kSecret, "u", kNow - 29, {}, {}))) ==
             static_cast<int>(JwtError::none));
  BOOST_TEST(static_cast<int>(verify(mint_jwt(kSecret, "u", kNow - 30, {}, {}))) ==
             static_cast<int>(JwtError::expired));
  Identity id;
  BOOST_TEST(static_cast<int>(verify(mint_jwt(kSecret, "u", kNow, {}, {}), id, 0)) ==
             static_cast<int>(JwtError::expired));
}

BOOST_AUTO_TEST_CASE(not_before_honours_the_leeway) {
  BOOST_TEST(
      static_cast<int>(verify(signed_token(kHs256, R"({"sub":"u","exp":1800000000,"nbf":1700000030})"))) ==
      static_cast<int>(JwtError::none));
  BOOST_TEST(
      static_cast<int>(verify(signed_token(kHs256, R"({"sub":"u","exp":1800000000,"nbf":1700000031})"))) ==
      static_cast<int>(JwtError::not_yet_valid));
  BOOST_TEST(static_cast<int>(verify(signed_token(kHs256, R"({"sub":"u","exp":1800000000,"nbf":"soon"})"))) ==
             static_cast<int>(JwtError::malformed));
}

BOOST_AUTO_TEST_CASE(only_hs256_is_accepted) {
  BOOST_TEST(static_cast<int>(verify(signed_token(R"({"alg":"none"})", R"({"sub":"u","exp":1800000000})"))) ==
             static_cast<int>(JwtError::bad_alg));
  BOOST_TEST(
      static_cast<int>(verify(signed_token(R"({"alg":"HS512"})", R"({"sub":"u","exp":1800000000})"))) ==
      static_cast<int>(JwtError::bad_alg));
  BOOST_TEST(static_cast<int>(verify(signed_token(R"({"typ":"JWT"})", R"({"sub":"u","exp":1800000000})"))) ==
             static_cast<int>(JwtError::bad_alg));
  // "alg":"none" with no signature at all is still a bad algorithm, not a missing signature.
  std::string unsigned_token =
      base64url_encode(R"({"alg":"none"})") + "." + base64url_encode(R"({"sub":"u","exp":1800000000})") + ".";
  BOOST_TEST(static_cast<int>(verify(unsigned_token)) == static_cast<int>(JwtError::bad_alg));
}

BOOST_AUTO_TEST_CASE(a_wrong_secret_or_a_changed_payload_breaks_the_signature) {
  BOOST_TEST(static_cast<int>(verify(
                 signed_token(kHs256, R"({"sub":"u","exp":1800000000})", "another-16-chars-secret"))) ==
             static_cast<int>(JwtError::bad_signature));
  std::string good = mint_jwt(kSecret, "u", kNow + 60, {}, {});
  size_t d1 = good.find('.'), d2 = good.rfind('.');
  std::string forged =
      good.substr(0, d1 + 1) + base64url_encode(R"({"sub":"admin","exp":1800000000})") + good.substr(d2);
  BOOST_TEST(static_cast<int>(verify(forged)) == static_cast<int>(JwtError::bad_signature));
}

BOOST_AUTO_TEST_CASE(malformed_tokens) {
  BOOST_TEST(static_cast<int>(verify("")) == static_cast<int>(JwtError::malformed));
  BOOST_TEST(static_cast<int>(verify("abc")) == static_cast<int>(JwtError::malformed));
  BOOST_TEST(static_cast<int>(verify("a.b")) == static_cast<int>(JwtError::malformed));
  std::string good = mint_jwt(kSecret, "u", kNow + 60, {}, {});
  BOOST_TEST(static_cast<int>(verify(good + ".x")) == static_cast<int>(JwtError::malformed));  // four parts
  BOOST_TEST(static_cast<int>(verify("!!!." + good.substr(good.find('.') + 1))) ==
             static_cast<int>(JwtError::malformed));  // header not base64url
  BOOST_TEST(static_cast<int>(verify(signed_token("[1]", R"({"sub":"u","exp":1800000000})"))) ==
             static_cast<int>(JwtError::malformed));  // header not an object
  BOOST_TEST(static_cast<int>(verify(signed_token(kHs256, "not json"))) ==
             static_cast<int>(JwtError::malformed));
  std::string deep(100, '[');
  BOOST_TEST(static_cast<int>(verify(signed_token(kHs256, deep))) == static_cast<int>(JwtError::malformed));
}

BOOST_AUTO_TEST_CASE(sub_and_exp_are_required_and_sub_is_at_most_128_bytes) {
  BOOST_TEST(static_cast<int>(verify(signed_token(kHs256, R"({"exp":1800000000})"))) ==
             static_cast<int>(JwtError::missing_claim));
  BOOST_TEST(static_cast<int>(verify(signed_token(kHs256, R"({"sub":"u"})"))) ==
             static_cast<int>(JwtError::missing_claim));
  BOOST_TEST(static_cast<int>(verify(signed_token(kHs256, R"({"sub":"","exp":1800000000})"))) ==
             static_cast<int>(JwtError::missing_claim));
  BOOST_TEST(static_cast<int>(verify(signed_token(kHs256, R"({"sub":7,"exp":1800000000})"))) ==
             static_cast<int>(JwtError::missing_claim));
  std::string sub128(128, 's'), sub129(129, 's');
  BOOST_TEST(
      static_cast<int>(verify(signed_token(kHs256, R"({"sub":")" + sub128 + R"(","exp":1800000000})"))) ==
      static_cast<int>(JwtError::none));
  BOOST_TEST(
      static_cast<int>(verify(signed_token(kHs256, R"({"sub":")" + sub129 + R"(","exp":1800000000})"))) ==
      static_cast<int>(JwtError::missing_claim));
}

BOOST_AUTO_TEST_CASE(a_fractional_exp_is_truncated_to_seconds) {
  Identity id;
  BOOST_TEST(static_cast<int>(verify(signed_token(kHs256, R"({"sub":"u","exp":1800000000.9})"), id)) ==
             static_cast<int>(JwtError::none));
  BOOST_TEST(id.exp == 1800000000);
}

// Security issue #16: a base64url text has exactly one canonical form. Unused trailing bits, padding,
// characters outside the URL-safe alphabet and impossible lengths are refused, so an altered signature never
// verifies.
BOOST_AUTO_TEST_CASE(base64url_accepts_only_canonical_encodings) {
  std::string out;
  BOOST_TEST(base64url_decode("", out));
  BOOST_TEST(out.empty());
  BOOST_TEST(base64url_decode("QQ", out));  // "A": 01000001 -> Q(010000) Q(010000): 4 unused bits, all zero
  BOOST_TEST(out == "A");
  BOOST_TEST(base64url_decode("QUI", out));  // "AB": 2 unused bits, zero
  BOOST_TEST(out == "AB");
  BOOST_TEST(base64url_decode("QUJD", out));
  BOOST_TEST(out == "ABC");
  BOOST_TEST(!base64url_decode("QR", out));   // unused bits 0001
  BOOST_TEST(!base64url_decode("QX", out));   // unused bits 0111
  BOOST_TEST(!base64url_decode("QUJ", out));  // unused bits 01
  BOOST_TEST(!base64url_decode("QUK", out));  // unused bits 10
  BOOST_TEST(!base64url_decode("QQ==", out));
  BOOST_TEST(!base64url_decode("QUI=", out));
  BOOST_TEST(!base64url_decode("QU+D", out));
  BOOST_TEST(!base64url_decode("QU/D", out));
  BOOST_TEST(!base64url_decode("QU D", out));
  BOOST_TEST(!base64url_decode("Q", out));  // length % 4 == 1 carries no whole byte
  BOOST_TEST(!base64url_decode("QUJDQ", out));
  for (const std::string &data : {std::string(), std::string("x"), std::string("xy"), std::string("xyz"),
                                  std::string("\xff\x00\x80", 3), hmac_sha256(kSecret, "round trip")}) {
    BOOST_TEST(base64url_decode(base64url_encode(data), out));
    BOOST_TEST(out == data);
  }
}

BOOST_AUTO_TEST_CASE(a_signature_with_altered_trailing_bits_does_not_verify) {
  const std::string token = mint_jwt(kSecret, "user-7", kNow + 60, std::nullopt, std::nullopt);
  BOOST_TEST(static_cast<int>(verify(token)) == static_cast<int>(JwtError::none));
  // 32 bytes of HMAC are 43 characters: the last one carries 4 data bits and 2 unused ones. Flipping an
  // unused bit leaves the decoded bytes unchanged in a lax decoder; it must not verify.
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const size_t last = alphabet.find(token.back());
  BOOST_REQUIRE(last != std::string::npos);
  for (size_t flip : {1u, 2u, 3u}) {
    std::string altered = token;
    altered.back() = alphabet[last ^ flip];
    Identity id;
    BOOST_TEST(static_cast<int>(verify(altered, id)) != static_cast<int>(JwtError::none), "flip " << flip);
  }
  BOOST_TEST(static_cast<int>(verify(token + "=")) != static_cast<int>(JwtError::none));
}
