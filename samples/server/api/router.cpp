#include "api/router.hpp"

#include <string_view>

namespace helpline::server {

namespace {

std::vector<std::string_view> split_path(std::string_view p) {
  std::vector<std::string_view> out;
  size_t i = 1;
  while (i <= p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    out.push_back(p.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

}  // namespace

std::string id_pattern(const char *prefix, const char *suffix) {
  return std::string(prefix) + "{}" + suffix;
}

void Router::add(Route r) {
  std::vector<std::string> segs;
  for (auto v : split_path(r.pattern)) segs.emplace_back(v);
  segments_.push_back(std::move(segs));
  routes_.push_back(std::move(r));
}

const Route *Router::match(const std::string &method, const std::string &path,
                           std::vector<std::string> &params, std::string *allow) const {
  auto segs = split_path(path);
  const Route *found = nullptr;
  for (size_t ri = 0; ri < routes_.size(); ++ri) {
    const Route &r = routes_[ri];
    const auto &psegs = segments_[ri];
    if (psegs.size() != segs.size()) continue;
    std::vector<std::string> ps;
    bool ok = true;
    for (size_t i = 0; i < segs.size() && ok; ++i) {
      if (psegs[i] == "{}") {
        if (segs[i].empty())
          ok = false;
        else
          ps.emplace_back(segs[i]);
      } else if (psegs[i] != segs[i]) {
        ok = false;
      }
    }
    if (!ok) continue;
    if (method == r.method || (method == "HEAD" && std::string(r.method) == "GET")) {
      if (!found) {
        found = &r;
        params = std::move(ps);
      }
    } else if (allow) {
      if (!allow->empty()) *allow += ", ";
      *allow += r.method;
    }
  }
  return found;
}

}  // namespace helpline::server
