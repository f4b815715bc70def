#include "json_fields.hpp"

#include "api_error.hpp"

#include <rapidjson/error/en.h>

namespace helpline::server {

bool json_depth_within(const std::string &text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

void parse_json_object(const std::string &text, rapidjson::Document &doc) {
  // Serialising and freeing documents recurse: hostile nesting must be refused before parsing.
  if (!json_depth_within(text, kMaxJsonDepth))
    throw ApiError(400, "malformed_json",
                   "body nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  // Without kParseStopWhenDoneFlag RapidJSON rejects anything but whitespace after the root value.
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
  if (doc.HasParseError())
    throw ApiError(
        400, "malformed_json",
        std::string("body is not valid JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()));
  if (!doc.IsObject()) throw ApiError(400, "malformed_json", "body must be a JSON object");
}

size_t utf8_length(const std::string &s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

bool is_valid_id(const std::string &s) {
  if (s.empty() || s.size() > wire::limit::kIdBytes) return false;
  for (char c : s) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

const JsonValue *field(const JsonValue &obj, const char *name) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

bool has_key(const JsonValue &obj, const char *name) {
  return obj.FindMember(name) != obj.MemberEnd();
}

std::optional<std::string> opt_string(const JsonValue &obj, const char *name, size_t max_len) {
  const JsonValue *v = field(obj, name);
  if (!v) return std::nullopt;
  if (!v->IsString()) throw bad_request(std::string(name) + ": must be a string");
  std::string s(v->GetString(), v->GetStringLength());
  if (utf8_length(s) > max_len)
    throw bad_request(std::string(name) + ": at most " + std::to_string(max_len) + " characters");
  return s;
}

std::string req_string(const JsonValue &obj, const char *name, size_t min_len, size_t max_len) {
  const JsonValue *v = field(obj, name);
  std::string what = std::string(name) + ": must be a string of " + std::to_string(min_len) + ".." +
                     std::to_string(max_len) + " characters";
  if (!v || !v->IsString()) throw bad_request(what);
  std::string s(v->GetString(), v->GetStringLength());
  size_t n = utf8_length(s);
  if (n < min_len || n > max_len) throw bad_request(what);
  return s;
}

std::optional<int64_t> opt_int(const JsonValue &obj, const char *name) {
  const JsonValue *v = field(obj, name);
  if (!v) return std::nullopt;
  if (!v->IsInt64()) throw bad_request(std::string(name) + ": must be an integer");
  return v->GetInt64();
}

int64_t req_int(const JsonValue &obj, const char *name) {
  auto v = opt_int(obj, name);
  if (!v) throw bad_request(std::string(name) + ": required integer");
  return *v;
}

std::optional<bool> opt_bool(const JsonValue &obj, const char *name) {
  const JsonValue *v = field(obj, name);
  if (!v) return std::nullopt;
  if (!v->IsBool()) throw bad_request(std::string(name) + ": must be a boolean");
  return v->GetBool();
}

std::optional<std::string> opt_id(const JsonValue &obj, const char *name) {
  const JsonValue *v = field(obj, name);
  if (!v) return std::nullopt;
  if (!v->IsString()) throw bad_request(std::string(name) + ": must be a string");
  std::string s(v->GetString(), v->GetStringLength());
  if (!is_valid_id(s)) throw bad_request(std::string(name) + ": must match [A-Za-z0-9_-]{1,64}");
  return s;
}

std::optional<std::string> opt_object_json(const JsonValue &obj, const char *name, size_t max_bytes) {
  const JsonValue *v = field(obj, name);
  if (!v) return std::nullopt;
  if (!v->IsObject()) throw bad_request(std::string(name) + ": must be an object");
  std::string s = to_json(*v);
  if (s.size() > max_bytes)
    throw bad_request(std::string(name) + ": at most " + std::to_string(max_bytes) + " bytes");
  return s;
}

std::vector<std::string> opt_string_array(const JsonValue &obj, const char *name, size_t max_items,
                                          size_t max_len) {
  std::vector<std::string> out;
  const JsonValue *v = field(obj, name);
  if (!v) return out;
  if (!v->IsArray() || v->Size() > max_items)
    throw bad_request(std::string(name) + ": must be an array of at most " + std::to_string(max_items) +
                      " strings");
  for (const auto &e : v->GetArray()) {
    if (!e.IsString()) throw bad_request(std::string(name) + ": must contain strings only");
    std::string s(e.GetString(), e.GetStringLength());
    if (s.empty() || utf8_length(s) > max_len)
      throw bad_request(std::string(name) + ": each entry 1.." + std::to_string(max_len) + " characters");
    out.push_back(std::move(s));
  }
  return out;
}

// `s` with every byte that does not start a well-formed UTF-8 sequence (RFC 3629: no overlongs, no
// surrogates, nothing past U+10FFFF) replaced by U+FFFD. Control characters are escaped by the JSON writer.
std::string valid_utf8(const std::string &s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = b(i);
    size_t len = c < 0x80                   ? 1
                 : (c >= 0xC2 && c <= 0xDF) ? 2
                 : (c >= 0xE0 && c <= 0xEF) ? 3
                 : (c >= 0xF0 && c <= 0xF4) ? 4
                                            : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) ok = (b(i + k) & 0xC0) == 0x80;
    if (ok && len == 3) {
      unsigned char d = b(i + 1);
      ok = !(c == 0xE0 && d < 0xA0) && !(c == 0xED && d >= 0xA0);
    }
    if (ok && len == 4) {
      unsigned char d = b(i + 1);
      ok = !(c == 0xF0 && d < 0x90) && !(c == 0xF4 && d >= 0x90);
    }
    if (!ok) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    out.append(s, i, len);
    i += len;
  }
  return out;
}

}  // namespace helpline::server
