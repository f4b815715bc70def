#include "helpline/testing/temp_dir.hpp"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace helpline::testing {

TempDir::TempDir(const std::string &prefix) {
  const char *env = std::getenv("TMPDIR");
  std::string base = (env != nullptr && *env != '\0') ? env : "/tmp";
  std::string templ = base + "/" + prefix + "XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed for " + templ);
  }
  path_ = buf.data();
}

TempDir::~TempDir() {
  const char *keep = std::getenv("HELPLINE_KEEP_TEMP");
  if (keep != nullptr && std::string(keep) == "1") {
    std::cerr << "HELPLINE_KEEP_TEMP: kept " << path_ << "\n";
    return;
  }
  // Best effort: a destructor must not throw.
  std::error_code ec;
  std::filesystem::permissions(path_, std::filesystem::perms::owner_all, std::filesystem::perm_options::add,
                               ec);
  std::filesystem::remove_all(path_, ec);
}

void write_file(const std::filesystem::path &file, const std::string &content) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) {
    throw std::runtime_error("cannot write " + file.string());
  }
}

std::string read_file(const std::filesystem::path &file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + file.string());
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string read_file_if_exists(const std::filesystem::path &file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return {};
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace helpline::testing
