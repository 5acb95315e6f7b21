/* listen.h - what listen.c (the daemon's loop, cycles and pushes) and
 * listen_conf.c (its options and SIGHUP's reload) share. */
#ifndef NETINV_CMD_LISTEN_H
#define NETINV_CMD_LISTEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netinv/config.h"
#include "netinv/dissect.h"
#include "netinv/state.h"
#include "scan.h"

struct capture;
struct obs_sink;
struct oui_db;

#define LISTEN_NEW_DEBOUNCE_US  (10 * 1000000ull)  /* push.on_new: wait for the others */
#define LISTEN_CHANGES_MAX      10000u  /* changes kept between two pushes */
/* A push that cannot reach the register gives up after this long; the
 * document stays spooled and goes with the next push. A daemon that sat in
 * the push's five-minute backoff would not read its interface meanwhile. */
#define LISTEN_RETRY_TOTAL_MS   30000u
#define LISTEN_CHECK_FRAMES     64u     /* frames between clock checks (pipes) */
#define LISTEN_STALE_DAYS       180

struct listener {
        struct scan_opts o;             /* what scan_common.c takes */
        double save_s, push_s;          /* listen.save_interval, push.interval */
        bool on_new, use_syslog;
        struct config *cfg;             /* o's reloadable strings point into it */
        int argc;
        char **argv;
        char *fixed[6];                 /* owned copies of what a reload cannot change */

        struct capture *cap;
        bool can_break;                 /* libpcap reads a pipe: break to see the clock */
        struct inventory *inv;
        struct obs_sink *sink;
        struct dissect_stats st;
        struct oui_db *oui;
        struct identify_rules *rules;
        struct eol_db *eoldb;
        struct eol_verdict *verdicts;
        struct ident_texts texts;
        struct state_run run;
        bool have_state;
        struct change_list pending;     /* since the last push */
        uint64_t changes_dropped;       /* over LISTEN_CHANGES_MAX, since the last push */
        char spool[1100];
        char *secret;
        char host[256];
        uint64_t started;               /* µs since the epoch */
        uint64_t frames_at_push;
        uint64_t next_save, next_push, new_due;  /* monotonic µs; new_due 0: none */
        unsigned since_check;
        int oom;
};

/* Load the configuration file (as scan does: /etc/netinv/netinv.conf when
 * it exists, or --config FILE) into cfg and make it L's options. 0 or an
 * exit code, the message printed. */
int listen_config(struct listener *L, struct config *cfg);
/* The command line over the config. 0, 1 for --help, -1 for a usage error. */
int listen_parse_args(struct listener *L);
/* Copy the options a reload cannot change, so that their config can go. */
int listen_fix_strings(struct listener *L);
/* SIGHUP. */
void listen_reload(struct listener *L);
/* The timers' clock: monotonic, µs. */
uint64_t listen_mono_usec(void);

#endif
