// Small durable settings: device id, sync cursor, consents.
#pragma once

#include <optional>
#include <string>

#include "base/sqlite.hpp"

namespace helpline::detail {

class Meta {
 public:
  explicit Meta(sqlite3 *db);
  std::optional<std::string> get(const std::string &key);
  void set(const std::string &key, const std::string &value);
  void remove(const std::string &key);

 private:
  Statement get_;
  Statement set_;
  Statement remove_;
};

}  // namespace helpline::detail
