/* helpline-cli: tickets from a terminal, through libhelpline (C99, the public header only).
 *
 *   helpline-cli [options] ticket new <subject> <body> [--attach FILE [--mime TYPE]]
 *   helpline-cli [options] ticket list
 *   helpline-cli [options] ticket show <ticket id>
 *   helpline-cli [options] ticket reply <ticket id> <body>
 *   helpline-cli [options] survey csat|nps|ces <score> [ticket id]
 *   helpline-cli [options] privacy erase | privacy export
 *
 * Options (or environment): --endpoint URL (HELPLINE_ENDPOINT), --app-key KEY (HELPLINE_APP_KEY),
 * --data-dir DIR (HELPLINE_DATA_DIR, default ~/.helpline-cli), --user ID and --token JWT to sign in,
 * --wait MS (how long to wait for delivery and news from the server, default 3000).
 * Works offline: what cannot be sent now stays queued in data-dir and goes with the next run.
 * Exit status: 0 done, 1 an SDK call failed, 2 bad usage. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helpline/helpline.h"

static int g_news = 0;     /* events from the server seen during this run */
static int g_exported = 0; /* the export asked for arrived */

static void on_event(void *user, helpline_event_type_t type, const char *json) {
  (void)user;
  switch (type) {
    case HELPLINE_EVENT_MESSAGE:
      printf("  <- new message: %s\n", json);
      g_news++;
      break;
    case HELPLINE_EVENT_TICKET_STATUS:
      printf("  <- status change: %s\n", json);
      g_news++;
      break;
    case HELPLINE_EVENT_TICKET:
      printf("  <- ticket from another device: %s\n", json);
      g_news++;
      break;
    case HELPLINE_EVENT_DELIVERY:
      printf("  -> delivered: %s\n", json);
      break;
    case HELPLINE_EVENT_ATTACHMENT:
      printf("  -> attachment: %s\n", json);
      break;
    case HELPLINE_EVENT_DEAD_LETTER:
      printf("  !! refused by the server: %s\n", json);
      break;
    case HELPLINE_EVENT_IDENTITY:
      printf("  .. identity: %s\n", json);
      break;
    case HELPLINE_EVENT_SURVEY_PROMPT:
      printf("  <- survey prompt: %s\n", json);
      g_news++;
      break;
    case HELPLINE_EVENT_ERASED:
      printf("  .. erased: %s\n", json);
      break;
    case HELPLINE_EVENT_EXPORT:
      printf("  <- export: %s\n", json);
      g_news++;
      g_exported = 1;
      break;
    default:
      break;
  }
}

static int usage(const char *argv0) {
  fprintf(stderr,
          "usage: %s [--endpoint URL] [--app-key KEY] [--data-dir DIR] [--user ID --token JWT] [--wait MS]\n"
          "          ticket new <subject> <body> [--attach FILE [--mime TYPE]]\n"
          "          ticket list | ticket show <id> | ticket reply <id> <body>\n"
          "          survey csat|nps|ces <score> [ticket id]\n"
          "          privacy erase | privacy export\n",
          argv0);
  return 2;
}

static int failed(helpline_t *h, const char *what, helpline_status_t s) {
  fprintf(stderr, "helpline-cli: %s: %s: %s\n", what, helpline_status_str(s), helpline_last_error(h));
  return 1;
}

/* Delivers events on this thread for about `ms` milliseconds (the SDK works meanwhile). */
static void pump(helpline_t *h, long ms) {
  struct timespec step = {0, 20 * 1000 * 1000};
  long waited;
  for (waited = 0; waited < ms; waited += 20) {
    helpline_dispatch(h, 0);
    nanosleep(&step, NULL);
  }
  helpline_dispatch(h, 0);
}

static void print_json(const char *label, char *json) {
  printf("%s%s\n", label, json);
  helpline_free(json);
}

int main(int argc, char **argv) {
  const char *endpoint = getenv("HELPLINE_ENDPOINT");
  const char *app_key = getenv("HELPLINE_APP_KEY");
  const char *data_dir = getenv("HELPLINE_DATA_DIR");
  const char *user = NULL, *token = NULL, *attach = NULL, *mime = NULL;
  const char *args[4] = {NULL, NULL, NULL, NULL};
  char default_dir[4096];
  long wait_ms = 3000;
  int nargs = 0, i, rc = 0;
  helpline_options_t *o;
  helpline_t *h = NULL;
  helpline_status_t s;

  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *next = i + 1 < argc ? argv[i + 1] : NULL;
    if (a[0] == '-' && a[1] == '-' && next == NULL) return usage(argv[0]);
    if (strcmp(a, "--endpoint") == 0)
      endpoint = argv[++i];
    else if (strcmp(a, "--app-key") == 0)
      app_key = argv[++i];
    else if (strcmp(a, "--data-dir") == 0)
      data_dir = argv[++i];
    else if (strcmp(a, "--user") == 0)
      user = argv[++i];
    else if (strcmp(a, "--token") == 0)
      token = argv[++i];
    else if (strcmp(a, "--attach") == 0)
      attach = argv[++i];
    else if (strcmp(a, "--mime") == 0)
      mime = argv[++i];
    else if (strcmp(a, "--wait") == 0)
      wait_ms = strtol(argv[++i], NULL, 10);
    else if (nargs < 4)
      args[nargs++] = a;
    else
      return usage(argv[0]);
  }
  if (nargs < 2 ||
      (strcmp(args[0], "ticket") != 0 && strcmp(args[0], "survey") != 0 && strcmp(args[0], "privacy") != 0)) {
    return usage(argv[0]);
  }
  if (data_dir == NULL) {
    const char *home = getenv("HOME");
    snprintf(default_dir, sizeof default_dir, "%s/.helpline-cli", home != NULL ? home : "/tmp");
    data_dir = default_dir;
  }

  o = helpline_options_new();
  if (o == NULL) return 1;
  if ((s = helpline_options_set_data_dir(o, data_dir)) != HELPLINE_OK ||
      (endpoint != NULL && (s = helpline_options_set_endpoint(o, endpoint)) != HELPLINE_OK) ||
      (app_key != NULL && (s = helpline_options_set_app_key(o, app_key)) != HELPLINE_OK) ||
      (s = helpline_options_set_event_callback(o, on_event, NULL)) != HELPLINE_OK ||
      (s = helpline_options_set_event_delivery(o, HELPLINE_DELIVERY_DISPATCH, 256)) != HELPLINE_OK ||
      (s = helpline_options_set_long_poll(o, 1)) != HELPLINE_OK) {
    helpline_options_free(o);
    return failed(NULL, "options", s);
  }
  if ((s = helpline_open(o, &h)) != HELPLINE_OK) return failed(NULL, "helpline_open", s);
  if (user != NULL && (s = helpline_identify(h, user, token)) != HELPLINE_OK) {
    rc = failed(h, "helpline_identify", s);
    goto done;
  }
  helpline_set_device_attribute(h, "app_version", "helpline-cli " HELPLINE_VERSION_STRING);

  if (strcmp(args[0], "survey") == 0) {
    helpline_survey_t kind = strcmp(args[1], "csat") == 0  ? HELPLINE_SURVEY_CSAT
                             : strcmp(args[1], "nps") == 0 ? HELPLINE_SURVEY_NPS
                             : strcmp(args[1], "ces") == 0 ? HELPLINE_SURVEY_CES
                                                           : 0;
    if (nargs < 3 || kind == 0) {
      helpline_close(h, 0);
      return usage(argv[0]);
    }
    if ((s = helpline_survey_submit(h, kind, atoi(args[2]), nargs == 4 ? args[3] : NULL, NULL)) !=
        HELPLINE_OK) {
      rc = failed(h, "helpline_survey_submit", s);
      goto done;
    }
    printf("%s answer %s queued\n", args[1], args[2]);
  } else if (strcmp(args[0], "privacy") == 0 && strcmp(args[1], "erase") == 0 && nargs == 2) {
    /* Local data is gone when this returns; the server is asked durably (now or on a later run). */
    if ((s = helpline_erase_all(h)) != HELPLINE_OK) {
      rc = failed(h, "helpline_erase_all", s);
      goto done;
    }
    printf("local data erased; erase request queued for the server\n");
  } else if (strcmp(args[0], "privacy") == 0 && strcmp(args[1], "export") == 0 && nargs == 2) {
    long waited;
    if ((s = helpline_export_request(h)) != HELPLINE_OK) {
      rc = failed(h, "helpline_export_request", s);
      goto done;
    }
    for (waited = 0; waited < wait_ms && !g_exported; waited += 100) pump(h, 100);
    if (!g_exported) printf("export requested; it arrives on a later run when the server is reachable\n");
  } else if (strcmp(args[0], "privacy") == 0) {
    helpline_close(h, 0);
    return usage(argv[0]);
  } else if (strcmp(args[1], "new") == 0 && nargs == 4) {
    char *id = NULL;
    if ((s = helpline_ticket_create(h, args[2], args[3], NULL, &id)) != HELPLINE_OK) {
      rc = failed(h, "helpline_ticket_create", s);
      goto done;
    }
    printf("ticket %s created\n", id);
    if (attach != NULL && (s = helpline_attachment_add(h, id, attach, mime, NULL)) != HELPLINE_OK) {
      rc = failed(h, "helpline_attachment_add", s);
    }
    helpline_free(id);
  } else if (strcmp(args[1], "list") == 0 && nargs == 2) {
    char *json = NULL;
    pump(h, wait_ms); /* news from the server first */
    if ((s = helpline_tickets_json(h, &json)) != HELPLINE_OK) {
      rc = failed(h, "helpline_tickets_json", s);
      goto done;
    }
    print_json("", json);
  } else if (strcmp(args[1], "show") == 0 && nargs == 3) {
    char *json = NULL;
    pump(h, wait_ms);
    if ((s = helpline_ticket_messages_json(h, args[2], &json)) != HELPLINE_OK) {
      rc = failed(h, "helpline_ticket_messages_json", s);
      goto done;
    }
    print_json("", json);
    helpline_ticket_mark_read(h, args[2]);
  } else if (strcmp(args[1], "reply") == 0 && nargs == 4) {
    char *id = NULL;
    if ((s = helpline_message_send(h, args[2], args[3], &id)) != HELPLINE_OK) {
      rc = failed(h, "helpline_message_send", s);
      goto done;
    }
    printf("message %s queued\n", id);
    helpline_free(id);
  } else {
    helpline_close(h, 0);
    return usage(argv[0]);
  }

done:
  /* Deliver what this run queued (what does not go now stays on disk for the next run). */
  s = helpline_flush(h, (uint32_t)wait_ms);
  helpline_dispatch(h, 0);
  if (s == HELPLINE_E_TIMEOUT) printf("(offline: kept in %s, sent on a later run)\n", data_dir);
  helpline_close(h, 0);
  if (g_news > 0) printf("%d update(s) from the server\n", g_news);
  return rc;
}
