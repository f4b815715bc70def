// The server unit tests' shortcuts over helpline_test_support: a temporary directory that names and writes
// files, and JSON parsing of what the code produced (a failed parse fails the test).
#pragma once

#include <string>

#include "helpline/testing/checks.hpp"
#include "helpline/testing/temp_dir.hpp"

namespace helpline::server::test {

using helpline::testing::parse;

class TempDir : public helpline::testing::TempDir {
 public:
  TempDir() : helpline::testing::TempDir("helpline-server-unit-") {}
  std::string file(const std::string &name) const { return sub(name); }
  // Writes `text` to `name` in the directory; returns its path.
  std::string write(const std::string &name, const std::string &text) const {
    helpline::testing::write_file(path() / name, text);
    return sub(name);
  }
};

}  // namespace helpline::server::test
