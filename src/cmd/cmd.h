/* cmd.h - the commands, and the one place that prints errors and picks
 * exit codes (documented in netinv.8, EXIT STATUS). */
#ifndef NETINV_CMD_H
#define NETINV_CMD_H

#include <stdbool.h>

#define NETINV_EXIT_OK          0
#define NETINV_EXIT_FAILURE     1       /* runtime error: permission, I/O, corrupt input */
#define NETINV_EXIT_USAGE       2       /* the command line or the config file is wrong */
#define NETINV_EXIT_EOL         3       /* --fail-on-eol: a device is past its end of life */
#define NETINV_EXIT_TEMPFAIL    75      /* EX_TEMPFAIL: another run holds the state lock */
#define NETINV_EXIT_PENDING     4       /* push: documents still spooled */

extern bool cmd_quiet;

/* Also send every message to syslog (facility daemon, identity "netinv";
 * config key syslog), or stop. */
void cmd_syslog(bool on);

/* "netinv: <message>" on stderr, one line. Wire and user strings passed in
 * are sanitised. */
void cmd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cmd_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cmd_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* cmd_error, then returns -1 for parse_args to pass on. */
int cmd_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* getopt_long's ':' (a missing value) or '?' (an unknown option) as one
 * usage line naming the option and `netinv CMD --help`; returns -1. A short
 * option inside a cluster ("-xq") does not move optind: it is named by its
 * letter (optopt), not by a neighbour. */
int cmd_option_error(int c, const char *cmd, char **argv);

/* --color WHEN: auto → -1, always → 1, never → 0. -1 (and the message)
 * for anything else. */
int cmd_parse_color(const char *arg, int *ret);

int cmd_scan(int argc, char **argv);
int cmd_eol(int argc, char **argv);
int cmd_inventory(int argc, char **argv);
int cmd_push(int argc, char **argv);
/* The push's secret (--token-file, else NETINV_TOKEN) and its messages,
 * shared with scan --push. */
int cmd_push_secret(const char *token_file, char **ret);
void cmd_push_note(void *ctx, int level, const char *msg);
int cmd_identify(int argc, char **argv);
int cmd_listen(int argc, char **argv);

#endif
