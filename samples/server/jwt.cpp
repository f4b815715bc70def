#include "jwt.hpp"

#include "crypto.hpp"
#include "json_fields.hpp"

#include <rapidjson/document.h>

namespace helpline::server {

namespace {
bool parse_obj(const std::string &b64, rapidjson::Document &doc) {
  std::string text;
  if (!base64url_decode(b64, text) || !json_depth_within(text, kMaxJsonDepth)) return false;
  doc.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(text.data(), text.size());
  return !doc.HasParseError() && doc.IsObject();
}
}  // namespace

JwtError verify_jwt(const std::string &token, const std::string &secret, int64_t now_s, int64_t leeway_s,
                    Identity &out) {
  size_t d1 = token.find('.');
  if (d1 == std::string::npos) return JwtError::malformed;
  size_t d2 = token.find('.', d1 + 1);
  if (d2 == std::string::npos || token.find('.', d2 + 1) != std::string::npos) return JwtError::malformed;
  std::string h64 = token.substr(0, d1), p64 = token.substr(d1 + 1, d2 - d1 - 1), s64 = token.substr(d2 + 1);
  rapidjson::Document header;
  if (!parse_obj(h64, header)) return JwtError::malformed;
  auto alg = header.FindMember("alg");
  // Only HS256: "none" and every other algorithm are refused before any signature work.
  if (alg == header.MemberEnd() || !alg->value.IsString() || std::string(alg->value.GetString()) != "HS256")
    return JwtError::bad_alg;
  std::string sig;
  if (!base64url_decode(s64, sig)) return JwtError::malformed;
  if (!constant_time_equal(sig, hmac_sha256(secret, token.substr(0, d2)))) return JwtError::bad_signature;
  rapidjson::Document payload;
  if (!parse_obj(p64, payload)) return JwtError::malformed;
  auto sub = payload.FindMember("sub");
  if (sub == payload.MemberEnd() || !sub->value.IsString() || sub->value.GetStringLength() == 0 ||
      sub->value.GetStringLength() > 128)
    return JwtError::missing_claim;
  auto exp = payload.FindMember("exp");
  if (exp == payload.MemberEnd() || !exp->value.IsNumber()) return JwtError::missing_claim;
  int64_t exp_s = exp->value.IsInt64() ? exp->value.GetInt64() : static_cast<int64_t>(exp->value.GetDouble());
  if (exp_s <= now_s - leeway_s) return JwtError::expired;
  auto nbf = payload.FindMember("nbf");
  if (nbf != payload.MemberEnd()) {
    if (!nbf->value.IsNumber()) return JwtError::malformed;
    int64_t nbf_s =
        nbf->value.IsInt64() ? nbf->value.GetInt64() : static_cast<int64_t>(nbf->value.GetDouble());
    if (nbf_s > now_s + leeway_s) return JwtError::not_yet_valid;
  }
  out.sub = sub->value.GetString();
  out.exp = exp_s;
  out.name.reset();
  out.email.reset();
  auto name = payload.FindMember("name");
  if (name != payload.MemberEnd() && name->value.IsString()) out.name = name->value.GetString();
  auto email = payload.FindMember("email");
  if (email != payload.MemberEnd() && email->value.IsString()) out.email = email->value.GetString();
  return JwtError::none;
}

std::string mint_jwt(const std::string &secret, const std::string &sub, int64_t exp_s,
                     const std::optional<std::string> &name, const std::optional<std::string> &email) {
  std::string header = base64url_encode(R"({"alg":"HS256","typ":"JWT"})");
  JsonOut p;
  p.begin_object().field("sub", sub).field("exp", exp_s);
  if (name) p.field("name", *name);
  if (email) p.field("email", *email);
  p.end_object();
  std::string signing = header + "." + base64url_encode(p.take());
  return signing + "." + base64url_encode(hmac_sha256(secret, signing));
}

}  // namespace helpline::server
