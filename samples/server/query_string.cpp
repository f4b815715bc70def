#include "query_string.hpp"

#include <cctype>

namespace helpline::server {

std::string url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else if (s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

QueryParams parse_query(std::string_view qs) {
  QueryParams out;
  while (!qs.empty()) {
    size_t amp = qs.find('&');
    std::string_view part = qs.substr(0, amp);
    if (!part.empty()) {
      size_t eq = part.find('=');
      out.emplace_back(url_decode(part.substr(0, eq)),
                       eq == std::string_view::npos ? std::string() : url_decode(part.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    qs = qs.substr(amp + 1);
  }
  return out;
}

}  // namespace helpline::server
