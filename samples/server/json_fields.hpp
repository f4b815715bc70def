// JSON in the server: reading and validating request fields (every failure is a 400 naming the field), and
// writing with the SDK's JsonOut (base/json_out.hpp).
#pragma once
#include "base/json_out.hpp"
#include "protocol/wire.hpp"

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace helpline::server {

using JsonValue = rapidjson::Value;
using detail::JsonOut;
using detail::to_json;  // compact re-serialisation of a parsed value

constexpr int kMaxJsonDepth = wire::limit::kMaxJsonDepth;
bool json_depth_within(const std::string &text, int max_depth);

// Parses `text` (must be a JSON object, valid UTF-8) or throws 400 malformed_json.
void parse_json_object(const std::string &text, rapidjson::Document &doc);

size_t utf8_length(const std::string &s);
bool is_valid_id(const std::string &s);
// `s` with every byte that does not start a well-formed UTF-8 sequence (RFC 3629: no overlongs, no
// surrogates, nothing past U+10FFFF) replaced by U+FFFD: for text that echoes what a client sent (error
// messages, the access log). Control characters are escaped by the JSON writer.
std::string valid_utf8(const std::string &s);

const JsonValue *field(const JsonValue &obj, const char *name);  // nullptr if absent or null
std::string req_string(const JsonValue &obj, const char *name, size_t min_len, size_t max_len);
std::optional<std::string> opt_string(const JsonValue &obj, const char *name, size_t max_len);
std::optional<int64_t> opt_int(const JsonValue &obj, const char *name);
int64_t req_int(const JsonValue &obj, const char *name);
std::optional<bool> opt_bool(const JsonValue &obj, const char *name);
std::optional<std::string> opt_id(const JsonValue &obj, const char *name);
std::optional<std::string> opt_object_json(const JsonValue &obj, const char *name, size_t max_bytes);
std::vector<std::string> opt_string_array(const JsonValue &obj, const char *name, size_t max_items,
                                          size_t max_len);
// True when the key is present (even with a null value): PATCH semantics.
bool has_key(const JsonValue &obj, const char *name);

}  // namespace helpline::server
