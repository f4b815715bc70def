// Forwards log lines to the host's log callback; silent without one.
#pragma once

#include <string>

#include "helpline/helpline.h"

namespace helpline::detail {

class Logger {
 public:
  Logger() = default;
  Logger(helpline_log_cb cb, void *user, helpline_log_level_t min_level)
      : cb_(cb), user_(user), min_level_(min_level) {}

  bool enabled(helpline_log_level_t level) const noexcept { return cb_ != nullptr && level >= min_level_; }
  void log(helpline_log_level_t level, const std::string &message) const noexcept {
    if (enabled(level)) cb_(user_, level, message.c_str());
  }
  void debug(const std::string &m) const noexcept { log(HELPLINE_LOG_DEBUG, m); }
  void info(const std::string &m) const noexcept { log(HELPLINE_LOG_INFO, m); }
  void warn(const std::string &m) const noexcept { log(HELPLINE_LOG_WARN, m); }
  void error(const std::string &m) const noexcept { log(HELPLINE_LOG_ERROR, m); }

 private:
  helpline_log_cb cb_ = nullptr;
  void *user_ = nullptr;
  helpline_log_level_t min_level_ = HELPLINE_LOG_WARN;
};

}  // namespace helpline::detail
