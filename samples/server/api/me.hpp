// The caller's principal (GET /v1/me) and its attributes (PATCH /v1/me/attributes).
#pragma once
#include "api/router.hpp"

#include <string>

namespace helpline::server {

class MeHandlers {
 public:
  void add_routes(Router &r);

 private:
  Reply me_get(Call &c);
  Reply me_attributes_patch(Call &c);
};

// identify: moves `from`'s attributes to `to` (keys `to` has win; at most 64 kept) and deletes `from`'s.
void merge_attributes(Call &c, const std::string &from, const std::string &to);

}  // namespace helpline::server
