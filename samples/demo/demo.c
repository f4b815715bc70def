/*
 * helpline-demo: a sample host app in plain C. It opens the SDK against a running
 * helpline-server, shows the instance's lifecycle and state, and prints every event it gets.
 * It queues survey answers and diagnostics while "offline", then goes online and shows the
 * durable outbox delivering them exactly once. Later capabilities (tickets, FAQ search)
 * extend this program.
 *
 *   helpline-demo <endpoint> <app_key> <data_dir>
 */
#include <stdio.h>
#include <stdlib.h>

#include <helpline/helpline.h>

static const char *event_name(helpline_event_type_t type) {
  switch (type) {
    case HELPLINE_EVENT_STORE_RECOVERED: return "store_recovered";
    case HELPLINE_EVENT_EVENTS_LOST: return "events_lost";
    case HELPLINE_EVENT_OPENED: return "opened";
    case HELPLINE_EVENT_DEAD_LETTER: return "dead_letter";
    case HELPLINE_EVENT_DROPPED: return "dropped";
    case HELPLINE_EVENT_STORE_ERROR: return "store_error";
    case HELPLINE_EVENT_SYNC_ITEM: return "sync_item";
    case HELPLINE_EVENT_CONNECTIVITY: return "connectivity";
    default: return "other";
  }
}

static void on_event(void *user, helpline_event_type_t type, const char *json) {
  (void)user;
  printf("  event %-16s %s\n", event_name(type), json);
}

static void on_log(void *user, helpline_log_level_t level, const char *message) {
  (void)user;
  printf("  log[%d] %s\n", (int)level, message);
}

static int fail(const char *what, helpline_status_t s) {
  fprintf(stderr, "demo: %s failed: %s: %s\n", what, helpline_status_str(s), helpline_last_error(NULL));
  return 1;
}

int main(int argc, char **argv) {
  helpline_options_t *o;
  helpline_t *h = NULL;
  helpline_status_t s;
  char *stats = NULL;
  int n, i;

  if (argc != 4) {
    fprintf(stderr, "usage: %s <endpoint> <app_key> <data_dir>\n", argv[0]);
    return 2;
  }
  printf("helpline-demo: libhelpline %s (header %s)\n", helpline_version_string(), HELPLINE_VERSION_STRING);

  o = helpline_options_new();
  if (o == NULL) return fail("helpline_options_new", HELPLINE_E_NO_MEMORY);
  if ((s = helpline_options_set_endpoint(o, argv[1])) != HELPLINE_OK ||
      (s = helpline_options_set_app_key(o, argv[2])) != HELPLINE_OK ||
      (s = helpline_options_set_data_dir(o, argv[3])) != HELPLINE_OK ||
      (s = helpline_options_set_event_callback(o, on_event, NULL)) != HELPLINE_OK ||
      (s = helpline_options_set_event_delivery(o, HELPLINE_DELIVERY_DISPATCH, 256)) != HELPLINE_OK ||
      (s = helpline_options_set_log_callback(o, on_log, NULL, HELPLINE_LOG_INFO)) != HELPLINE_OK) {
    helpline_options_free(o);
    return fail("setting options", s);
  }

  printf("[lifecycle] opening SDK: endpoint=%s data_dir=%s\n", argv[1], argv[3]);
  if ((s = helpline_open(o, &h)) != HELPLINE_OK) return fail("helpline_open", s);

  n = helpline_dispatch(h, 0);
  printf("[lifecycle] dispatched %d event(s) on the host thread\n", n);

  printf("[offline queue] network off: queueing while offline\n");
  helpline_set_network_available(h, 0);
  if ((s = helpline_survey_submit(h, HELPLINE_SURVEY_CSAT, 5, NULL, "quick and friendly")) != HELPLINE_OK)
    return fail("helpline_survey_submit", s);
  if ((s = helpline_survey_submit(h, HELPLINE_SURVEY_NPS, 9, NULL, NULL)) != HELPLINE_OK)
    return fail("helpline_survey_submit", s);
  printf("[offline queue] queued 2 survey answers (CSAT 5, NPS 9)\n");

  s = helpline_diagnostics_send(h, "wifi_disconnect", "{\"rssi\":-81}");
  printf("[diagnostics] without consent: %s (discarded, never sent later)\n", helpline_status_str(s));
  helpline_set_consent(h, HELPLINE_CONSENT_DIAGNOSTICS, 1);
  for (i = 0; i < 100; ++i) {
    if ((s = helpline_diagnostics_send(h, "wifi_disconnect", "{\"rssi\":-81,\"ssid\":\"home\"}")) != HELPLINE_OK)
      return fail("helpline_diagnostics_send", s);
  }
  printf("[diagnostics] consent granted: queued 100 diagnostics events\n");
  s = helpline_survey_submit(h, HELPLINE_SURVEY_CES, 2, "t_does_not_exist", NULL);
  printf("[offline queue] queued a survey for a ticket the server does not know (will be dead-lettered)\n");

  if ((s = helpline_stats_json(h, &stats)) != HELPLINE_OK) return fail("helpline_stats_json", s);
  printf("[offline queue] stats while offline: %s\n", stats);
  helpline_free(stats);

  printf("[offline queue] network on: delivering\n");
  helpline_set_network_available(h, 1);
  s = helpline_flush(h, 10000);
  printf("[offline queue] flush: %s\n", helpline_status_str(s));
  n = helpline_dispatch(h, 0);
  printf("[lifecycle] dispatched %d event(s) on the host thread\n", n);

  if ((s = helpline_stats_json(h, &stats)) != HELPLINE_OK) return fail("helpline_stats_json", s);
  printf("[offline queue] stats after delivery: %s\n", stats);
  helpline_free(stats);

  s = helpline_close(h, 2000);
  printf("[lifecycle] close: %s\n", helpline_status_str(s));
  s = helpline_close(h, 0);
  printf("[lifecycle] close again (safe): %s\n", helpline_status_str(s));
  return 0;
}
