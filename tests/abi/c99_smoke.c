/* A C99 host: includes only the public header, links the shared library, and walks the
 * lifecycle (open, stats, dispatch, flush, close) in a temporary data_dir. Exits non-zero on
 * any failure. Compiled with -std=c99 -Wall -Wextra -Werror -pedantic. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, rmdir, unlink */

#include <helpline/helpline.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures = 0;

#define CHECK(cond)                                                                            \
  do {                                                                                         \
    if (!(cond)) {                                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s (last error: %s)\n", __FILE__, __LINE__, #cond, \
              helpline_last_error(NULL));                                                      \
      ++failures;                                                                              \
    }                                                                                          \
  } while (0)

struct counter {
  int events;
  int opened;
};

static void on_event(void *user, helpline_event_type_t type, const char *json) {
  struct counter *c = (struct counter *)user;
  c->events++;
  if (type == HELPLINE_EVENT_OPENED && json != NULL && strstr(json, "schema_version") != NULL) c->opened++;
}

static void remove_data_dir(const char *dir) {
  static const char *const files[] = {"helpline.db", "helpline.db-wal", "helpline.db-shm", "helpline.lock"};
  char path[512];
  size_t i;
  for (i = 0; i < sizeof files / sizeof files[0]; ++i) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    unlink(path);
  }
  rmdir(dir);
}

int main(void) {
  char root[] = "/tmp/helpline-abi-c99-XXXXXX";
  char dir[256];
  struct counter counter = {0, 0};
  helpline_options_t *o;
  helpline_t *h = NULL;
  char *json = NULL;
  helpline_status_t s;
  int n;

  CHECK(helpline_version() == HELPLINE_VERSION_NUMBER);
  CHECK(strcmp(helpline_version_string(), HELPLINE_VERSION_STRING) == 0);
  CHECK(strcmp(helpline_status_str(HELPLINE_E_LOCKED), "HELPLINE_E_LOCKED") == 0);
  CHECK(helpline_flush(NULL, 0) == HELPLINE_E_INVALID_ARGUMENT);
  CHECK(helpline_flush_v2(NULL, 0, HELPLINE_FLUSH_DURABLE) == HELPLINE_E_INVALID_ARGUMENT);
  CHECK(helpline_flush_v2(NULL, 0, HELPLINE_FLUSH_DELIVERED) == HELPLINE_E_INVALID_ARGUMENT);
  CHECK(helpline_close(NULL, 0) == HELPLINE_E_INVALID_ARGUMENT);
  helpline_free(NULL);
  helpline_options_free(NULL);

  if (mkdtemp(root) == NULL) {
    perror("mkdtemp");
    return 2;
  }
  snprintf(dir, sizeof dir, "%s/data", root);

  o = helpline_options_new();
  CHECK(o != NULL);
  if (o == NULL) return 1;
  CHECK(helpline_options_set_data_dir(o, dir) == HELPLINE_OK);
  CHECK(helpline_options_set_endpoint(o, "http://127.0.0.1:9") == HELPLINE_OK);
  CHECK(helpline_options_set_app_key(o, "c99-test") == HELPLINE_OK);
  CHECK(helpline_options_set_event_callback(o, on_event, &counter) == HELPLINE_OK);
  CHECK(helpline_options_set_event_delivery(o, HELPLINE_DELIVERY_DISPATCH, 16) == HELPLINE_OK);
  s = helpline_open(o, &h);
  CHECK(s == HELPLINE_OK);
  if (s != HELPLINE_OK) {
    fprintf(stderr, "open: %s\n", helpline_status_str(s));
    remove_data_dir(dir);
    rmdir(root);
    return 1;
  }

  CHECK(helpline_stats_json(h, &json) == HELPLINE_OK);
  CHECK(json != NULL && json[0] == '{' && strstr(json, "\"outbox_depth\"") != NULL);
  helpline_free(json);

  n = helpline_dispatch(h, 0);
  CHECK(n == 1);
  CHECK(counter.opened == 1);
  CHECK(helpline_flush(h, 2000) == HELPLINE_OK);
  CHECK(helpline_flush_v2(h, 2000, HELPLINE_FLUSH_DURABLE) == HELPLINE_OK);
  CHECK(helpline_flush_v2(h, 0, 7) == HELPLINE_E_INVALID_ARGUMENT);
  CHECK(helpline_close(h, 2000) == HELPLINE_OK);
  CHECK(helpline_close(h, 2000) == HELPLINE_E_CLOSED);

  remove_data_dir(dir);
  rmdir(root);
  if (failures != 0) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("c99 host: ok (library %s)\n", helpline_version_string());
  return 0;
}
