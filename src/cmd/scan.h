/* scan.h - what scan.c, scan_plan.c, scan_common.c and listen.c share: the
 * options of `netinv scan`, the active part of a scan (plan, dry run, probe
 * sockets), and identification, state texts and push (scan_common.c). */
#ifndef NETINV_CMD_SCAN_H
#define NETINV_CMD_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netinv/identify.h"
#include "netinv/output.h"
#include "netinv/probe.h"
#include "netinv/prober.h"

#define SCAN_MAX_RANGES   64
#define SCAN_MAX_EXCLUDES 64

struct scan_opts {
        const char *iface, *read, *output, *oui, *user;
        enum out_format format;
        bool format_set, passive, promisc, quiet, verbose;
        int color;                      /* -1 auto, 0 never, 1 always */
        double duration;
        bool duration_set;
        size_t max_devices;
        /* Active probing. */
        bool no_arp, force, dry_run;
        struct pacer_cfg pacer;
        bool no_probe[PROBER_N];        /* --no-ipv6, --no-mdns, ... */
        struct prober_opts probes;      /* --ports, --payload-ports, --snmp-community */
        size_t n_ranges, n_excl_nets, n_excl_macs;
        struct ip4_net ranges[SCAN_MAX_RANGES];
        struct ip4_net excl_nets[SCAN_MAX_EXCLUDES];
        uint8_t excl_macs[SCAN_MAX_EXCLUDES][6];
        /* The persistent inventory (man netinv(8), STATE); NULL: none. */
        const char *state_dir, *site;
        uint32_t forget_after, stale_days;
        /* Identification and end of life (man netinv(8), IDENTIFICATION). */
        bool no_identify, fail_on_eol;
        int32_t as_of;                  /* days since the epoch */
        bool as_of_set;                 /* --as-of or as_of given: else today */
        /* Push to the register (man netinv(8), PUSH); url NULL: none. */
        const char *push_url, *push_format, *token_file, *ca_file, *client_cert, *client_key;
        const char *spool_dir;
        uint64_t spool_max_bytes;
        unsigned connect_timeout_ms, timeout_ms;
        unsigned retry_total_ms;        /* 0: push's default (listen sets less) */
};

/* Does this scan probe at all? (an interface, not --passive, a probe on) */
bool scan_active(const struct scan_opts *o);
/* Is any probe after the sweep on? */
bool scan_probers(const struct scan_opts *o);

/* Build the plan for o: the interface's addresses, --range, --exclude
 * (addresses, and the addresses the kernel's ARP table gives for excluded
 * MACs). Logs its own errors and warnings. 0, or an exit code. */
int scan_plan(const struct scan_opts *o, struct probe_iface *ifc, struct probe_plan *plan);
/* --dry-run: the plan on f. */
void scan_plan_print(FILE *f, const struct scan_opts *o, const struct probe_iface *ifc,
                     const struct probe_plan *plan);

/* scan_opts.c: the options. scan_defaults, then scan_config (the file:
 * 0 or an exit code), then scan_parse_args (0, 1 for --help, -1 usage). */
struct config;
void scan_defaults(struct scan_opts *o);
int scan_config(int argc, char **argv, struct config *cfg, struct scan_opts *o);
int scan_parse_args(int argc, char **argv, struct scan_opts *o);
/* Shared with listen: --config's argument (NULL: the default file), the
 * config keys both read, and the long options both take. */
const char *scan_config_path(int argc, char **argv);
void scan_opts_from_config(const struct config *cfg, struct scan_opts *o);
enum {
        SOPT_STATEDIR = 0x1000, SOPT_SITE, SOPT_ASOF, SOPT_NOIDENT, SOPT_PUSH, SOPT_PUSHFMT,
        SOPT_TOKEN, SOPT_CA, SOPT_SPOOL, SOPT_FORGET, SOPT_STALE, SOPT_MAXDEV, SOPT_OUI,
        SOPT_USER, SOPT_NOPROMISC,
};
#define SCAN_COMMON_OPTIONS \
        { "state-dir", required_argument, NULL, SOPT_STATEDIR }, \
        { "site", required_argument, NULL, SOPT_SITE }, \
        { "as-of", required_argument, NULL, SOPT_ASOF }, \
        { "no-identify", no_argument, NULL, SOPT_NOIDENT }, \
        { "push", required_argument, NULL, SOPT_PUSH }, \
        { "push-format", required_argument, NULL, SOPT_PUSHFMT }, \
        { "token-file", required_argument, NULL, SOPT_TOKEN }, \
        { "ca-file", required_argument, NULL, SOPT_CA }, \
        { "spool-dir", required_argument, NULL, SOPT_SPOOL }, \
        { "forget-after", required_argument, NULL, SOPT_FORGET }, \
        { "stale", required_argument, NULL, SOPT_STALE }, \
        { "max-devices", required_argument, NULL, SOPT_MAXDEV }, \
        { "oui", required_argument, NULL, SOPT_OUI }, \
        { "user", required_argument, NULL, SOPT_USER }, \
        { "no-promisc", no_argument, NULL, SOPT_NOPROMISC }
/* One of SCAN_COMMON_OPTIONS into o: 1 done, 0 not one of them, -1 a bad
 * value (said on stderr). */
int scan_common_option(int c, const char *arg, struct scan_opts *o);

/* scan_common.c: what `netinv scan` and `netinv listen` share. */
struct eol_db;
struct eol_verdict;
struct identify_rules;
struct inventory;
struct device;
struct scan_info;

/* For the state's os and eol histories: "Ubuntu 20.04", "eol". The texts
 * live in os_text[i] for the i-th device of the (MAC-sorted) inventory. */
struct ident_texts {
        const struct inventory *inv;
        char (*os_text)[IDENT_NAME_MAX + IDENT_VERSION_MAX + 2];
};

/* Identification rules and end-of-life tables, read before the privilege
 * drop. 0 or an exit code; *rules NULL when none are installed. */
int load_knowledge(const struct scan_opts *o, struct identify_rules **rules,
                   struct eol_db **db);
/* Identify every device and judge what was identified; the verdicts stay
 * in *ret (freed by the caller), the devices point at them. 0 or -ENOMEM. */
int identify_and_judge(const struct scan_opts *o, const struct identify_rules *rules,
                       const struct eol_db *db, struct inventory *inv,
                       struct eol_verdict **ret, size_t *ret_eol);
/* state_set_ident's callback; user is a struct ident_texts. */
void state_ident(const struct device *d, void *user, const char **ret_os,
                 const char **ret_eol);
/* A capture that did not open, said in one line; the exit code. cmd is
 * "scan" or "listen" (for the hint). */
struct capture_open_err;
int scan_capture_error(const char *cmd, const char *what, const struct capture_open_err *e);
/* Before the drop: the spool directory and the secret. 0 or an exit code. */
int push_begin(const struct scan_opts *o, char *spool, size_t n, char **secret);
/* Spool the JSON document of si/inv, then send the spool, oldest first.
 * 0, 1 (a document refused, kept in failed/) or 4 (documents still spooled). */
int push_after(const struct scan_opts *o, const struct scan_info *si,
               const struct inventory *inv, const char *spool, const char *secret,
               const char *agent_id);

#endif
