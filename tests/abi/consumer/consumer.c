/* The smallest real host: open a data_dir given on the command line, print stats, close. */
#define _POSIX_C_SOURCE 200809L

#include <helpline/helpline.h>

#include <stdio.h>

int main(int argc, char **argv) {
  helpline_options_t *o;
  helpline_t *h = NULL;
  char *stats = NULL;
  helpline_status_t s;

  if (argc != 2) {
    fprintf(stderr, "usage: %s <absolute data_dir>\n", argv[0]);
    return 2;
  }
  if (helpline_version() != HELPLINE_VERSION_NUMBER) {
    fprintf(stderr, "header %s does not match library %s\n", HELPLINE_VERSION_STRING,
            helpline_version_string());
    return 1;
  }
  o = helpline_options_new();
  if (o == NULL || helpline_options_set_data_dir(o, argv[1]) != HELPLINE_OK) {
    fprintf(stderr, "options: %s\n", helpline_last_error(NULL));
    helpline_options_free(o);
    return 1;
  }
  s = helpline_open(o, &h);
  if (s != HELPLINE_OK) {
    fprintf(stderr, "open: %s: %s\n", helpline_status_str(s), helpline_last_error(NULL));
    return 1;
  }
  s = helpline_stats_json(h, &stats);
  if (s == HELPLINE_OK) printf("%s\n", stats);
  helpline_free(stats);
  if (helpline_close(h, 2000) != HELPLINE_OK || s != HELPLINE_OK) {
    fprintf(stderr, "stats/close failed: %s\n", helpline_last_error(NULL));
    return 1;
  }
  return 0;
}
