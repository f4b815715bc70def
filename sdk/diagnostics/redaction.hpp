// PII redaction for diagnostics (breadcrumbs, event attributes, logs): applied on the device
// before anything is stored, so redacted text never reaches the disk or the network.
// Built in (on by default): e-mail addresses -> "[email]", IPv4/IPv6 addresses -> "[ip]", runs of
// 9 or more digits (phone, card, account numbers; single spaces or dashes between groups allowed)
// -> "[number]". Hosts add POSIX extended regular expressions; matches become "[redacted]".
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

namespace helpline::detail {

class Redactor {
 public:
  Redactor();
  ~Redactor();
  Redactor(const Redactor &) = delete;
  Redactor &operator=(const Redactor &) = delete;

  void set_builtin(bool on) noexcept { builtin_ = on; }
  // Throws Error(HELPLINE_E_INVALID_ARGUMENT) when the pattern does not compile.
  void add_pattern(const std::string &posix_ere);

  std::string apply(std::string_view text) const;
  // Redacts every string value (not keys) of a parsed JSON value in place.
  void apply(rapidjson::Value &v, rapidjson::Document::AllocatorType &alloc) const;

 private:
  struct Pattern;
  bool builtin_ = true;
  std::vector<std::unique_ptr<Pattern>> patterns_;
};

}  // namespace helpline::detail
