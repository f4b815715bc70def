// Percent-decoding of request targets: the path and query string of an HTTP request, and the "path" of a
// /v1/batch item. No Boost: the transport and the API share it.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace helpline::server {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// %XX and '+' (space) decoded; a malformed escape stays as it is.
std::string url_decode(std::string_view s);
// "a=1&b=&c" -> {a,1}, {b,""}, {c,""}: names and values decoded, empty parts skipped, order kept.
QueryParams parse_query(std::string_view query);

}  // namespace helpline::server
