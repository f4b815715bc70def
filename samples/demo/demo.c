/*
 * helpline-demo: a sample host app in plain C. It opens the SDK against a running
 * helpline-server, shows the instance's lifecycle and state, and prints every event it gets.
 * While "offline" it opens a ticket and queues survey answers, breadcrumbs, metrics and
 * diagnostics (with consent); then it goes online and shows the durable outbox delivering them
 * exactly once, an on-device rule firing, and the FAQ synced from the server searched offline
 * (a misspelled question, an error code) and suggested before a ticket is written.
 *
 *   helpline-demo <endpoint> <app_key> <data_dir>
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <helpline/helpline.h>

static const char *event_name(helpline_event_type_t type) {
  switch (type) {
    case HELPLINE_EVENT_STORE_RECOVERED:
      return "store_recovered";
    case HELPLINE_EVENT_EVENTS_LOST:
      return "events_lost";
    case HELPLINE_EVENT_OPENED:
      return "opened";
    case HELPLINE_EVENT_DEAD_LETTER:
      return "dead_letter";
    case HELPLINE_EVENT_DROPPED:
      return "dropped";
    case HELPLINE_EVENT_STORE_ERROR:
      return "store_error";
    case HELPLINE_EVENT_SYNC_ITEM:
      return "sync_item";
    case HELPLINE_EVENT_CONNECTIVITY:
      return "connectivity";
    case HELPLINE_EVENT_MESSAGE:
      return "message";
    case HELPLINE_EVENT_TICKET_STATUS:
      return "ticket_status";
    case HELPLINE_EVENT_TICKET:
      return "ticket";
    case HELPLINE_EVENT_DELIVERY:
      return "delivery";
    case HELPLINE_EVENT_ATTACHMENT:
      return "attachment";
    case HELPLINE_EVENT_IDENTITY:
      return "identity";
    case HELPLINE_EVENT_SURVEY_PROMPT:
      return "survey_prompt";
    case HELPLINE_EVENT_DIAGNOSTICS_REQUEST:
      return "diagnostics_request";
    case HELPLINE_EVENT_NOTICE:
      return "notice";
    case HELPLINE_EVENT_NOTICE_WITHDRAWN:
      return "notice_withdrawn";
    case HELPLINE_EVENT_RULE_FIRED:
      return "rule_fired";
    case HELPLINE_EVENT_FAQ_UPDATED:
      return "faq_updated";
    default:
      return "other";
  }
}

static int g_faq_updated = 0;

static void on_event(void *user, helpline_event_type_t type, const char *json) {
  (void)user;
  if (type == HELPLINE_EVENT_FAQ_UPDATED) g_faq_updated = 1;
  printf("  event %-16s %.300s\n", event_name(type), json);
}

/* Prints a JSON result (shortened) and frees it. */
static void show(const char *label, helpline_status_t s, char *json) {
  if (s != HELPLINE_OK) {
    printf("%s: %s: %s\n", label, helpline_status_str(s), helpline_last_error(NULL));
    return;
  }
  printf("%s: %.600s%s\n", label, json, strlen(json) > 600 ? "..." : "");
  helpline_free(json);
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

  helpline_set_device_attribute(h, "app_version", "2.3.1");
  helpline_set_device_attribute(h, "model", "Thermo X100");

  printf("[offline queue] network off: queueing while offline\n");
  helpline_set_network_available(h, 0);

  {
    char *ticket = NULL, *json = NULL;
    if ((s = helpline_ticket_create(h, "Thermostat keeps disconnecting",
                                    "Since yesterday it drops off the Wi-Fi every hour.",
                                    "{\"room\":\"living\"}", &ticket)) != HELPLINE_OK)
      return fail("helpline_ticket_create", s);
    printf("[tickets] opened ticket %s while offline (it exists locally at once)\n", ticket);
    if ((s = helpline_message_send(h, ticket, "It also shows E42 sometimes.", NULL)) != HELPLINE_OK)
      return fail("helpline_message_send", s);
    s = helpline_ticket_messages_json(h, ticket, &json);
    show("[tickets] local view", s, json);
    helpline_free(ticket);
  }

  if ((s = helpline_survey_submit(h, HELPLINE_SURVEY_CSAT, 5, NULL, "quick and friendly")) != HELPLINE_OK)
    return fail("helpline_survey_submit", s);
  if ((s = helpline_survey_submit(h, HELPLINE_SURVEY_NPS, 9, NULL, NULL)) != HELPLINE_OK)
    return fail("helpline_survey_submit", s);
  printf("[offline queue] queued 2 survey answers (CSAT 5, NPS 9)\n");

  s = helpline_diagnostics_send(h, "wifi_disconnect", "{\"rssi\":-81}");
  printf("[diagnostics] without consent: %s (discarded, never sent later)\n", helpline_status_str(s));
  helpline_set_consent(h, HELPLINE_CONSENT_DIAGNOSTICS, 1);
  for (i = 0; i < 100; ++i) {
    if ((s = helpline_diagnostics_send(h, "wifi_disconnect", "{\"rssi\":-81,\"ssid\":\"home\"}")) !=
        HELPLINE_OK)
      return fail("helpline_diagnostics_send", s);
  }
  printf("[diagnostics] consent granted: queued 100 diagnostics events\n");
  helpline_breadcrumb(h, "ui", "opened settings as ann@example.com"); /* the e-mail is redacted */
  helpline_metric_add(h, "wifi_disconnects", 1);
  helpline_metric_set(h, "disk_free_pct", 42);
  s = helpline_rules_load_json(h,
                               "{\"rules\":[{\"id\":\"low_disk\",\"metric\":\"disk_free_pct\",\"op\":\"<\","
                               "\"value\":5,\"cooldown_s\":3600}]}");
  printf("[diagnostics] breadcrumb + metrics recorded, rule low_disk (disk_free_pct < 5) loaded: %s\n",
         helpline_status_str(s));
  helpline_metric_set(h, "disk_free_pct", 3);
  printf("[diagnostics] disk_free_pct = 3: the rule fires once and queues a proactive diagnostic\n");
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

  for (i = 0; i < 100 && !g_faq_updated; ++i) { /* the FAQ synced at open, once online */
    struct timespec pause = {0, 30 * 1000 * 1000};
    nanosleep(&pause, NULL);
    helpline_dispatch(h, 0);
  }
  {
    char *json = NULL;
    s = helpline_faq_search(h, "thermostt wont conect to wifi", "en", 3, &json);
    show("[faq] offline search \"thermostt wont conect to wifi\"", s, json);
    s = helpline_faq_search(h, "e42", "de-AT", 3, &json);
    show("[faq] offline search \"e42\" (de-AT, falls back to en)", s, json);
    s = helpline_faq_suggest_for_ticket(h, "How do I reset my password?", NULL, &json);
    show("[faq] suggestions before a ticket is written", s, json);
  }

  s = helpline_close(h, 2000);
  printf("[lifecycle] close: %s\n", helpline_status_str(s));
  s = helpline_close(h, 0);
  printf("[lifecycle] close again (safe): %s\n", helpline_status_str(s));
  return 0;
}
