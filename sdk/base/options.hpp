// Settings gathered by helpline_options_* and handed to the client at open.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "helpline/helpline.h"

namespace helpline::detail {

struct Options {
  std::string endpoint;
  std::string app_key;
  std::string data_dir;

  helpline_event_cb event_cb = nullptr;
  void *event_user = nullptr;
  helpline_delivery_t delivery = HELPLINE_DELIVERY_WORKER;
  uint32_t event_queue_capacity = 1024;

  helpline_log_cb log_cb = nullptr;
  void *log_user = nullptr;
  helpline_log_level_t log_level = HELPLINE_LOG_WARN;

  uint64_t storage_limit = 64ull << 20;
  std::string ca_file;
  std::string pinned_public_key;
  uint32_t long_poll_s = 25;
  uint32_t survey_prompt_interval_s = 86400;
  helpline_transport_fn transport_fn = nullptr;
  void *transport_user = nullptr;
  std::vector<std::string> redaction_patterns;
  bool builtin_redaction = true;
  helpline_before_send_fn before_send = nullptr;
  void *before_send_user = nullptr;
  helpline_log_provider_fn log_provider = nullptr;
  void *log_provider_user = nullptr;
  uint32_t heartbeat_s = 3600;
  bool diagnostics_consent_required = true;
};

}  // namespace helpline::detail

// The opaque options handle of the C interface.
struct helpline_options_s {
  helpline::detail::Options options;
};

// The scratch text of the C interface's callbacks.
struct helpline_buffer_s {
  std::string text;
};
