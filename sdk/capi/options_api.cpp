// extern "C" shims for helpline_options_*.
#include "base/options.hpp"
#include "capi/guard.hpp"
#include "capi/limits.hpp"
#include "diagnostics/redaction.hpp"

using namespace helpline::detail;

extern "C" {

helpline_options_t *helpline_options_new(void) {
  try {
    return new helpline_options_s();
  } catch (...) {
    set_last_error("helpline_options_new: out of memory");
    return nullptr;
  }
}

void helpline_options_free(helpline_options_t *o) {
  delete o;
}

helpline_status_t helpline_options_set_endpoint(helpline_options_t *o, const char *base_url) {
  return guard(__func__, [&] {
    require(o, __func__, "o");
    std::string_view url = require_text(base_url, __func__, "base_url", limits::kEndpointBytes);
    if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
      throw Error(HELPLINE_E_INVALID_ARGUMENT,
                  "helpline_options_set_endpoint: base_url must start with https:// "
                  "(or http:// for testing)");
    }
    while (!url.empty() && url.back() == '/') url.remove_suffix(1);
    o->options.endpoint.assign(url);
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_options_set_app_key(helpline_options_t *o, const char *app_key) {
  return guard(__func__, [&] {
    require(o, __func__, "o");
    o->options.app_key.assign(require_text(app_key, __func__, "app_key", limits::kAppKeyBytes));
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_options_set_data_dir(helpline_options_t *o, const char *path) {
  return guard(__func__, [&] {
    require(o, __func__, "o");
    std::string_view p = require_text(path, __func__, "path", limits::kPathBytes);
    if (p.front() != '/') {
      throw Error(HELPLINE_E_INVALID_ARGUMENT,
                  "helpline_options_set_data_dir: path must be absolute (got '" + std::string(p) + "')");
    }
    while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
    o->options.data_dir.assign(p);
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_options_set_event_callback(helpline_options_t *o, helpline_event_cb cb,
                                                      void *user) {
  return guard(__func__, [&] {
    require(o, __func__, "o");
    o->options.event_cb = cb;
    o->options.event_user = user;
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_options_set_event_delivery(helpline_options_t *o, helpline_delivery_t mode,
                                                      uint32_t queue_capacity) {
  return guard(__func__, [&] {
    require(o, __func__, "o");
    if (mode != HELPLINE_DELIVERY_WORKER && mode != HELPLINE_DELIVERY_DISPATCH) {
      throw Error(HELPLINE_E_INVALID_ARGUMENT,
                  "helpline_options_set_event_delivery: unknown mode " + std::to_string(mode));
    }
    if (queue_capacity < 1 || queue_capacity > limits::kEventQueueMax) {
      throw Error(HELPLINE_E_INVALID_ARGUMENT,
                  "helpline_options_set_event_delivery: queue_capacity must be 1..65536");
    }
    o->options.delivery = mode;
    o->options.event_queue_capacity = queue_capacity;
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_options_set_log_callback(helpline_options_t *o, helpline_log_cb cb, void *user,
                                                    helpline_log_level_t min_level) {
  return guard(__func__, [&] {
    require(o, __func__, "o");
    if (min_level < HELPLINE_LOG_DEBUG || min_level > HELPLINE_LOG_OFF) {
      throw Error(HELPLINE_E_INVALID_ARGUMENT, "helpline_options_set_log_callback: min_level out of range");
    }
    o->options.log_cb = cb;
    o->options.log_user = user;
    o->options.log_level = min_level;
    return HELPLINE_OK;
  });
}

}  // extern "C"

extern "C" {

helpline_status_t helpline_options_set_storage_limit(helpline_options_t *o, uint64_t max_bytes) {
  return guard(__func__, [&] {
    require(o, __func__, "o");
    if (max_bytes < limits::kStorageLimitMin) {
      throw Error(HELPLINE_E_INVALID_ARGUMENT, "helpline_options_set_storage_limit: at least 65536 bytes");
    }
    o->options.storage_limit = max_bytes;
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_options_set_tls(helpline_options_t *o, const char *ca_file,
                                           const char *pinned_public_key) {
  return guard(__func__, [&] {
    require(o, __func__, "o");
    o->options.ca_file =
        ca_file ? std::string(require_text(ca_file, __func__, "ca_file", limits::kPathBytes)) : std::string();
    o->options.pinned_public_key =
        pinned_public_key
            ? std::string(require_text(pinned_public_key, __func__, "pinned_public_key", limits::kPathBytes))
            : std::string();
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_options_set_before_send(helpline_options_t *o, helpline_before_send_fn fn,
                                                   void *user) {
  return guard(__func__, [&] {
    require(o, __func__, "o");
    o->options.before_send = fn;
    o->options.before_send_user = user;
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_options_set_log_provider(helpline_options_t *o, helpline_log_provider_fn fn,
                                                    void *user) {
  return guard(__func__, [&] {
    require(o, __func__, "o");
    o->options.log_provider = fn;
    o->options.log_provider_user = user;
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_options_add_redaction_pattern(helpline_options_t *o, const char *posix_ere) {
  return guard(__func__, [&] {
    require(o, __func__, "o");
    std::string pattern(require_text(posix_ere, __func__, "posix_ere", limits::kRedactionPatternBytes));
    if (o->options.redaction_patterns.size() >= limits::kRedactionPatterns) {
      throw Error(HELPLINE_E_INVALID_ARGUMENT, "helpline_options_add_redaction_pattern: at most 32 patterns");
    }
    Redactor().add_pattern(pattern);  // compiles it now, so a bad pattern is refused here
    o->options.redaction_patterns.push_back(pattern);
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_options_set_builtin_redaction(helpline_options_t *o, int enabled) {
  return guard(__func__, [&] {
    require(o, __func__, "o");
    o->options.builtin_redaction = enabled != 0;
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_options_set_heartbeat_interval(helpline_options_t *o, uint32_t seconds) {
  return guard(__func__, [&] {
    require(o, __func__, "o");
    if (seconds < limits::kHeartbeatMinS || seconds > limits::kHeartbeatMaxS) {
      throw Error(HELPLINE_E_INVALID_ARGUMENT, "helpline_options_set_heartbeat_interval: 10..86400 seconds");
    }
    o->options.heartbeat_s = seconds;
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_options_set_consent_required(helpline_options_t *o, helpline_consent_t what,
                                                        int required) {
  return guard(__func__, [&] {
    require(o, __func__, "o");
    if (what != HELPLINE_CONSENT_DIAGNOSTICS) {
      throw Error(HELPLINE_E_INVALID_ARGUMENT, "helpline_options_set_consent_required: unknown consent");
    }
    o->options.diagnostics_consent_required = required != 0;
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_options_set_survey_prompt_interval(helpline_options_t *o, uint32_t seconds) {
  return guard(__func__, [&] {
    require(o, __func__, "o");
    if (seconds > limits::kSurveyPromptIntervalMaxS) {
      throw Error(HELPLINE_E_INVALID_ARGUMENT,
                  "helpline_options_set_survey_prompt_interval: 0..31536000 seconds");
    }
    o->options.survey_prompt_interval_s = seconds;
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_options_set_long_poll(helpline_options_t *o, uint32_t wait_seconds) {
  return guard(__func__, [&] {
    require(o, __func__, "o");
    if (wait_seconds > limits::kLongPollMaxS)
      throw Error(HELPLINE_E_INVALID_ARGUMENT, "helpline_options_set_long_poll: 0..30 seconds");
    o->options.long_poll_s = wait_seconds;
    return HELPLINE_OK;
  });
}

helpline_status_t helpline_options_set_transport(helpline_options_t *o, helpline_transport_fn fn,
                                                 void *user) {
  return guard(__func__, [&] {
    require(o, __func__, "o");
    o->options.transport_fn = fn;
    o->options.transport_user = user;
    return HELPLINE_OK;
  });
}

}  // extern "C"
