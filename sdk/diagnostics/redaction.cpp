#include "diagnostics/redaction.hpp"

#include <regex.h>

#include <cctype>

#include "base/error.hpp"

namespace helpline::detail {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_hex(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}
bool is_local(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '%' || c == '+' ||
         c == '-';
}
bool is_domain(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-';
}

// Length of an e-mail address starting at i (0 when none). Scans back is done by the caller.
std::size_t email_at(std::string_view s, std::size_t i) {
  std::size_t j = i;
  while (j < s.size() && is_local(s[j])) ++j;
  if (j == i || j >= s.size() || s[j] != '@') return 0;
  std::size_t k = j + 1;
  while (k < s.size() && is_domain(s[k])) ++k;
  while (k > j + 1 && (s[k - 1] == '.' || s[k - 1] == '-')) --k;  // trailing punctuation is not the domain
  // The last dot of the domain itself ("x@y.com." ends a sentence: that dot is not the domain's).
  std::size_t dot = 0;
  for (std::size_t p = j + 1; p < k; ++p) {
    if (s[p] == '.') dot = p;
  }
  if (dot == 0 || dot <= j + 1 || dot >= k - 1) return 0;
  return k - i;
}

std::size_t ipv4_at(std::string_view s, std::size_t i) {
  std::size_t k = i;
  for (int part = 0; part < 4; ++part) {
    std::size_t digits = 0;
    while (k < s.size() && is_digit(s[k]) && digits < 3) ++k, ++digits;
    if (digits == 0) return 0;
    if (part < 3) {
      if (k >= s.size() || s[k] != '.') return 0;
      ++k;
    }
  }
  if (k < s.size() && (is_digit(s[k]) || s[k] == '.')) return 0;  // a version number like 1.2.3.4.5
  return k - i;
}

bool is_word(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// Groups of 1..4 hex digits separated by colons, with one "::" or at least five colons (so "12:30:45" is a
// time), standing on its own: not glued to a word on either side, so C++ scopes ("std::vector",
// "Client::open") are not addresses.
std::size_t ipv6_at(std::string_view s, std::size_t i) {
  if (i > 0 && (is_word(s[i - 1]) || s[i - 1] == ':' || s[i - 1] == '.')) return 0;
  std::size_t k = i, colons = 0, run = 0, double_colons = 0;
  while (k < s.size() && (is_hex(s[k]) || s[k] == ':')) {
    if (s[k] == ':') {
      ++colons;
      run = 0;
      if (k > i && s[k - 1] == ':') {
        if (++double_colons > 1 || (k >= i + 2 && s[k - 2] == ':')) return 0;  // ":::" or a second "::"
      }
    } else if (++run > 4) {
      return 0;
    }
    ++k;
  }
  if (k >= i + 2 && s[k - 1] == ':' && s[k - 2] != ':') {  // "at ::1: refused": the last colon is punctuation
    --k;
    --colons;
  }
  if (k < s.size() && is_word(s[k])) return 0;
  if (colons < 2 || (double_colons == 0 && colons < 5)) return 0;
  return k - i;
}

// 9 or more digits, groups separated by one space or dash.
std::size_t number_at(std::string_view s, std::size_t i) {
  std::size_t k = i, digits = 0, end = i;
  while (k < s.size()) {
    if (is_digit(s[k])) {
      ++digits;
      end = ++k;
    } else if ((s[k] == ' ' || s[k] == '-') && k + 1 < s.size() && is_digit(s[k + 1]) && k > i) {
      ++k;
    } else {
      break;
    }
  }
  return digits >= 9 ? end - i : 0;
}

std::string builtin(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const bool word_start = i == 0 || !is_local(s[i - 1]);
    std::size_t n = 0;
    const char *label = nullptr;
    if (word_start && (n = email_at(s, i)) > 0) {
      label = "[email]";
    } else if ((i == 0 || !(is_hex(s[i - 1]) || s[i - 1] == ':')) && (n = ipv6_at(s, i)) > 0) {
      label = "[ip]";
    } else if ((i == 0 || !(is_digit(s[i - 1]) || s[i - 1] == '.')) && (n = ipv4_at(s, i)) > 0) {
      label = "[ip]";
    } else if ((i == 0 || !is_digit(s[i - 1])) && (n = number_at(s, i)) > 0) {
      label = "[number]";
    }
    if (label != nullptr) {
      out += label;
      i += n;
    } else {
      out.push_back(s[i++]);
    }
  }
  return out;
}

}  // namespace

struct Redactor::Pattern {
  regex_t re;
  ~Pattern() { regfree(&re); }
};

Redactor::Redactor() = default;
Redactor::~Redactor() = default;

void Redactor::add_pattern(const std::string &posix_ere) {
  regex_t re;
  int rc = regcomp(&re, posix_ere.c_str(), REG_EXTENDED);
  if (rc != 0) {
    char msg[256];
    regerror(rc, &re, msg, sizeof msg);
    throw Error(HELPLINE_E_INVALID_ARGUMENT, "redaction pattern \"" + posix_ere + "\": " + msg);
  }
  auto p = std::make_unique<Pattern>();
  p->re = re;  // the compiled pattern now has exactly one owner, which regfree()s it
  patterns_.push_back(std::move(p));
}

std::string Redactor::apply(std::string_view text) const {
  std::string s = builtin_ ? builtin(text) : std::string(text);
  for (const auto &p : patterns_) {
    std::string out;
    const char *cur = s.c_str();
    regmatch_t m;
    int flags = 0;
    while (*cur != '\0' && regexec(&p->re, cur, 1, &m, flags) == 0) {
      if (m.rm_eo == m.rm_so) {  // an empty match: keep one character and go on
        out.push_back(*cur++);
      } else {
        out.append(cur, static_cast<std::size_t>(m.rm_so));
        out += "[redacted]";
        cur += m.rm_eo;
      }
      flags = REG_NOTBOL;
    }
    out += cur;
    s = std::move(out);
  }
  return s;
}

void Redactor::apply(rapidjson::Value &v, rapidjson::Document::AllocatorType &alloc) const {
  if (v.IsString()) {
    std::string r = apply(std::string_view(v.GetString(), v.GetStringLength()));
    v.SetString(r.data(), static_cast<rapidjson::SizeType>(r.size()), alloc);
  } else if (v.IsObject()) {
    for (auto &m : v.GetObject()) apply(m.value, alloc);
  } else if (v.IsArray()) {
    for (auto &e : v.GetArray()) apply(e, alloc);
  }
}

}  // namespace helpline::detail
