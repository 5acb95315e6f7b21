/* listen.c - `netinv listen`: the daemon. Watches one interface passively,
 * without end (or reads a capture file or pipe to its end), through the
 * same pipeline as scan (capture → dissect_frame → inventory), and keeps
 * the state directory current: every listen.save_interval it identifies
 * and judges the devices, merges them into the state and saves it; every
 * push.interval (and, with push.on_new, soon after a device the state did
 * not know) it spools and pushes the scan-format document with the changes
 * since the last push. SIGHUP reloads the configuration (what a running
 * daemon can take: push, intervals, site, staleness); SIGTERM and SIGINT
 * save the state, spool and push a last document and exit 0.
 *
 * Memory is bounded: one inventory for the daemon's life (--max-devices,
 * the per-device caps of limits.h, observations deduplicated by hash), the
 * state's bounded histories, and at most LISTEN_CHANGES_MAX changes kept
 * between two pushes. When the inventory is full it is started afresh
 * after a merge, so new devices are not refused for ever.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cmd.h"
#include "netinv/capture.h"
#include "netinv/config.h"
#include "netinv/dissect.h"
#include "netinv/eol.h"
#include "netinv/identify.h"
#include "netinv/inventory.h"
#include "netinv/oui.h"
#include "netinv/output.h"
#include "netinv/priv.h"
#include "netinv/state.h"
#include "netinv/util.h"
#include "scan.h"

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

static volatile sig_atomic_t got_term, got_hup;

static void on_signal(int sig)
{
        if (sig == SIGHUP)
                got_hup = 1;
        else
                got_term = 1;
}

static uint64_t mono_usec(void)
{
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

static void usage(FILE *f)
{
        fputs("usage: netinv listen IFACE [options]\n"
              "       netinv listen --read FILE [options]\n"
              "\n"
              "Listen without end (sending nothing), keep the state directory current and\n"
              "push the inventory to the register. SIGHUP reloads the configuration;\n"
              "SIGTERM or SIGINT saves, pushes and exits.\n"
              "\n"
              "  -i, --interface IFACE  listen on IFACE (also the first argument)\n"
              "  -r, --read FILE        read a capture file or pipe to its end (\"-\": stdin)\n"
              "  -c, --config FILE      configuration file (default /etc/netinv/netinv.conf)\n"
              "      --state-dir DIR    the state directory (default /var/lib/netinv)\n"
              "      --save-interval T  merge and save the state every T (default 60 s)\n"
              "      --site NAME        the site name put in the document\n"
              "      --push URL         push the document to the register\n"
              "      --push-interval T  push every T (default 300 s)\n"
              "      --push-on-new      also push 10 s after a device the state did not know\n"
              "      --push-format FMT  json (default) or glpi\n"
              "      --token-file FILE  bearer token for the push (or NETINV_TOKEN)\n"
              "      --ca-file FILE     private CA for the register's certificate\n"
              "      --spool-dir DIR    where documents wait (default: STATE_DIR/spool)\n"
              "      --forget-after DAYS  drop devices of the state not seen for DAYS\n"
              "      --stale DAYS       count devices not seen or re-identified for DAYS\n"
              "      --no-identify      no OS identification, no end-of-life verdicts\n"
              "      --max-devices N    keep at most N devices (default 65536)\n"
              "      --oui FILE         IEEE OUI file (default: found in /usr/share); \"none\"\n"
              "      --user USER        drop privileges to USER (default: netinv, else nobody)\n"
              "      --no-promisc       do not put the interface in promiscuous mode\n"
              "      --syslog           also send messages to syslog (facility daemon)\n"
              "  -q, --quiet            no warnings on stderr\n"
              "  -v, --verbose          say what is being done on stderr\n"
              "  -h, --help             this text\n"
              "\n"
              "T is seconds, or a number with s, m, h or d.\n",
              f);
}

static void listen_defaults(struct listener *L, const struct config *cfg)
{
        struct scan_opts *o = &L->o;
        memset(o, 0, sizeof(*o));
        o->format = OUT_JSON;
        o->promisc = true;
        o->passive = true;
        o->max_devices = INV_MAX_DEVICES_DEFAULT;
        o->stale_days = LISTEN_STALE_DAYS;
        o->as_of = eol_today();
        o->retry_total_ms = LISTEN_RETRY_TOTAL_MS;
        o->state_dir = cfg->state_dir;         /* listen always keeps a state */
        L->save_s = cfg->listen.save_interval;
        L->push_s = cfg->push.interval;
        L->on_new = cfg->push.on_new;
        L->use_syslog = cfg->syslog;
}

/* Load the configuration file (as scan does: /etc/netinv/netinv.conf when
 * it exists, or --config FILE) and make it the defaults. 0 or an exit
 * code, with the message already printed. */
static int listen_config(struct listener *L, struct config *cfg)
{
        const char *path = NULL;
        char err[512];
        struct scan_opts *o = &L->o;

        for (int i = 1; i < L->argc; i++) {
                if (strcmp(L->argv[i], "--") == 0)
                        break;
                if ((strcmp(L->argv[i], "--config") == 0 || strcmp(L->argv[i], "-c") == 0) &&
                    i + 1 < L->argc)
                        path = L->argv[++i];
                else if (strncmp(L->argv[i], "--config=", 9) == 0)
                        path = L->argv[i] + 9;
        }
        if (config_load(path, cfg, err, sizeof(err)) < 0) {
                cmd_error("%s", err);
                return NETINV_EXIT_USAGE;
        }
        listen_defaults(L, cfg);
#define SET(k) config_is_set(cfg, (k))
        if (SET(CK_INTERFACE) && cfg->interface[0])
                o->iface = cfg->interface;
        if (SET(CK_PROMISC))
                o->promisc = cfg->promisc;
        if (SET(CK_QUIET))
                o->quiet = cfg->quiet;
        if (SET(CK_VERBOSE))
                o->verbose = cfg->verbose;
        if (SET(CK_MAX_DEVICES))
                o->max_devices = cfg->max_devices;
        if (SET(CK_OUI) && cfg->oui[0])
                o->oui = cfg->oui;
        if (SET(CK_USER) && cfg->user[0])
                o->user = cfg->user;
        if (SET(CK_SITE) && cfg->site[0])
                o->site = cfg->site;
        if (SET(CK_FORGET_AFTER))
                o->forget_after = cfg->forget_after;
        if (SET(CK_STALE))
                o->stale_days = cfg->stale;
        if (SET(CK_AS_OF) && cfg->as_of >= 0)
                o->as_of = cfg->as_of;
        if (SET(CK_PUSH_URL) && cfg->push.url[0])
                o->push_url = cfg->push.url;
        if (SET(CK_PUSH_FORMAT))
                o->push_format = cfg->push.format == PUSH_FMT_GLPI ? "glpi" : "json";
        if (SET(CK_PUSH_TOKEN_FILE) && cfg->push.token_file[0])
                o->token_file = cfg->push.token_file;
        if (SET(CK_PUSH_CA_FILE) && cfg->push.ca_file[0])
                o->ca_file = cfg->push.ca_file;
        if (SET(CK_PUSH_CLIENT_CERT) && cfg->push.client_cert[0])
                o->client_cert = cfg->push.client_cert;
        if (SET(CK_PUSH_CLIENT_KEY) && cfg->push.client_key[0])
                o->client_key = cfg->push.client_key;
        if (SET(CK_SPOOL_DIR) && cfg->spool_dir[0])
                o->spool_dir = cfg->spool_dir;
        if (SET(CK_PUSH_SPOOL_MAX_MB))
                o->spool_max_bytes = (uint64_t)cfg->push.spool_max_mb << 20;
        if (SET(CK_PUSH_CONNECT_TIMEOUT))
                o->connect_timeout_ms = (unsigned)(cfg->push.connect_timeout * 1000);
        if (SET(CK_PUSH_TIMEOUT))
                o->timeout_ms = (unsigned)(cfg->push.timeout * 1000);
#undef SET
        return 0;
}

/* A time option in the config file's syntax (netinv.conf(5), time). */
static int parse_secs(enum config_key k, const char *opt, const char *arg, double *ret)
{
        struct config c;
        char err[256];
        config_defaults(&c);
        if (config_set(&c, k, arg, err, sizeof(err)) < 0)
                return cmd_usage_error("%s: %s", opt, err);
        *ret = k == CK_PUSH_INTERVAL ? c.push.interval : c.listen.save_interval;
        return 0;
}

/* The command line over the config. 0, 1 for --help, -1 for a usage error. */
static int parse_args(struct listener *L)
{
        enum { OPT_STATEDIR = 256, OPT_SAVE, OPT_SITE, OPT_PUSH, OPT_PUSHINT, OPT_ONNEW,
               OPT_PUSHFMT, OPT_TOKEN, OPT_CA, OPT_SPOOL, OPT_FORGET, OPT_STALE, OPT_NOIDENT,
               OPT_MAXDEV, OPT_OUI, OPT_USER, OPT_NOPROMISC, OPT_SYSLOG };
        static const struct option lo[] = {
                { "interface", required_argument, NULL, 'i' },
                { "read", required_argument, NULL, 'r' },
                { "config", required_argument, NULL, 'c' },
                { "state-dir", required_argument, NULL, OPT_STATEDIR },
                { "save-interval", required_argument, NULL, OPT_SAVE },
                { "site", required_argument, NULL, OPT_SITE },
                { "push", required_argument, NULL, OPT_PUSH },
                { "push-interval", required_argument, NULL, OPT_PUSHINT },
                { "push-on-new", no_argument, NULL, OPT_ONNEW },
                { "push-format", required_argument, NULL, OPT_PUSHFMT },
                { "token-file", required_argument, NULL, OPT_TOKEN },
                { "ca-file", required_argument, NULL, OPT_CA },
                { "spool-dir", required_argument, NULL, OPT_SPOOL },
                { "forget-after", required_argument, NULL, OPT_FORGET },
                { "stale", required_argument, NULL, OPT_STALE },
                { "no-identify", no_argument, NULL, OPT_NOIDENT },
                { "max-devices", required_argument, NULL, OPT_MAXDEV },
                { "oui", required_argument, NULL, OPT_OUI },
                { "user", required_argument, NULL, OPT_USER },
                { "no-promisc", no_argument, NULL, OPT_NOPROMISC },
                { "syslog", no_argument, NULL, OPT_SYSLOG },
                { "quiet", no_argument, NULL, 'q' },
                { "verbose", no_argument, NULL, 'v' },
                { "help", no_argument, NULL, 'h' },
                { 0 },
        };
        struct scan_opts *o = &L->o;
        bool iface_cli = false;
        char *end;
        int c;

        opterr = 0;
        optind = 0;             /* 0: getopt starts afresh (a reload parses again) */
        while ((c = getopt_long(L->argc, L->argv, ":c:i:r:qvh", lo, NULL)) != -1) {
                switch (c) {
                case 'c':
                        break;          /* read before the other options */
                case 'i':
                        o->iface = optarg;
                        iface_cli = true;
                        break;
                case 'r':
                        o->read = optarg;
                        break;
                case OPT_STATEDIR:
                        o->state_dir = optarg;
                        break;
                case OPT_SAVE:
                        if (parse_secs(CK_LISTEN_SAVE_INTERVAL, "--save-interval", optarg,
                                       &L->save_s) < 0)
                                return -1;
                        break;
                case OPT_PUSHINT:
                        if (parse_secs(CK_PUSH_INTERVAL, "--push-interval", optarg, &L->push_s) < 0)
                                return -1;
                        break;
                case OPT_ONNEW:
                        L->on_new = true;
                        break;
                case OPT_SITE:
                        o->site = optarg;
                        break;
                case OPT_PUSH:
                        o->push_url = optarg;
                        break;
                case OPT_PUSHFMT:
                        if (strcmp(optarg, "json") != 0 && strcmp(optarg, "glpi") != 0)
                                return cmd_usage_error("--push-format '%s': want json or glpi", optarg);
                        o->push_format = optarg;
                        break;
                case OPT_TOKEN:
                        o->token_file = optarg;
                        break;
                case OPT_CA:
                        o->ca_file = optarg;
                        break;
                case OPT_SPOOL:
                        o->spool_dir = optarg;
                        break;
                case OPT_FORGET:
                case OPT_STALE: {
                        errno = 0;
                        unsigned long v = strtoul(optarg, &end, 10);
                        if (errno || *end || optarg[0] < '0' || optarg[0] > '9' || v < 1 || v > 36500)
                                return cmd_usage_error("%s '%s': want days, from 1 to 36500",
                                                       c == OPT_FORGET ? "--forget-after" : "--stale",
                                                       optarg);
                        if (c == OPT_FORGET)
                                o->forget_after = (uint32_t)v;
                        else
                                o->stale_days = (uint32_t)v;
                        break;
                }
                case OPT_NOIDENT:
                        o->no_identify = true;
                        break;
                case OPT_MAXDEV: {
                        errno = 0;
                        unsigned long long v = strtoull(optarg, &end, 10);
                        if (errno || *end || v == 0 || v > UINT32_MAX - 1 || optarg[0] == '-')
                                return cmd_usage_error("--max-devices '%s': want a number from 1",
                                                       optarg);
                        o->max_devices = (size_t)v;
                        break;
                }
                case OPT_OUI:
                        o->oui = optarg;
                        break;
                case OPT_USER:
                        o->user = optarg;
                        break;
                case OPT_NOPROMISC:
                        o->promisc = false;
                        break;
                case OPT_SYSLOG:
                        L->use_syslog = true;
                        break;
                case 'q':
                        o->quiet = true;
                        break;
                case 'v':
                        o->verbose = true;
                        break;
                case 'h':
                        usage(stdout);
                        return 1;
                default:
                        return cmd_option_error(c, "listen", L->argv);
                }
        }
        if (optind < L->argc && !iface_cli) {
                o->iface = L->argv[optind++];
                iface_cli = true;
        }
        if (o->read && !iface_cli)
                o->iface = NULL;        /* --read wins over the configured interface */
        if (optind < L->argc)
                return cmd_usage_error("unexpected argument '%s' (try: netinv listen --help)",
                                       L->argv[optind]);
        if (o->iface && o->read)
                return cmd_usage_error("give an interface or --read FILE, not both");
        if (!o->iface && !o->read)
                return cmd_usage_error("no interface given (try: netinv listen eth0, or --read FILE)");
        if (o->iface && strlen(o->iface) >= IF_NAMESIZE)
                return cmd_usage_error("'%s': interface names are shorter than %d characters",
                                       o->iface, IF_NAMESIZE);
        return 0;
}

/* The options a reload cannot change are copied, so that the config they
 * came from can be replaced. */
static int fix_strings(struct listener *L)
{
        const char **p[] = { &L->o.iface, &L->o.read, &L->o.state_dir, &L->o.spool_dir,
                             &L->o.user, &L->o.oui };
        for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
                if (!*p[i])
                        continue;
                if (!(L->fixed[i] = strdup(*p[i])))
                        return -ENOMEM;
                *p[i] = L->fixed[i];
        }
        return 0;
}

static bool str_differ(const char *a, const char *b)
{
        return (a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0);
}

/* Open the capture. A pipe (a FIFO by name, or a standard input that is
 * not a regular file) is read through unbuffered stdio, record by record
 * as it arrives, so that poll() on it says whether a frame waits and the
 * timers run while the writer is quiet. 0 or an exit code. */
static int open_capture(struct listener *L)
{
        struct capture_open_err e = { 0 };
        const char *what = L->o.iface ? L->o.iface : L->o.read;
        int r;

        if (L->o.iface) {
                r = capture_open_live(L->o.iface, true, L->o.promisc, &L->cap, &e);
        } else {
                struct stat sb;
                const char *path = L->o.read;
                if (strcmp(path, "-") != 0 && stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
                        int fd = open(path, O_RDONLY | O_CLOEXEC);
                        if (fd < 0 || dup2(fd, STDIN_FILENO) < 0) {
                                cmd_error("'%s': cannot read: %s", path, strerror(errno));
                                if (fd >= 0)
                                        close(fd);
                                return NETINV_EXIT_FAILURE;
                        }
                        close(fd);
                        path = "-";
                }
                if (strcmp(path, "-") == 0) {
                        if (fstat(STDIN_FILENO, &sb) == 0 && S_ISREG(sb.st_mode)) {
                                path = "/dev/stdin";    /* a file: the fast reader */
                        } else {
                                setvbuf(stdin, NULL, _IONBF, 0);
                                L->can_break = true;
                        }
                }
                r = capture_open_file(path, &L->cap, &e);
        }
        if (r == 0)
                return 0;
        switch (e.why) {
        case CAPTURE_FAIL_NO_DEVICE:
                cmd_error("'%s': no such interface (try: ip -br link)", what);
                return NETINV_EXIT_USAGE;
        case CAPTURE_FAIL_PERM:
                cmd_error("capturing on '%s' needs root or CAP_NET_RAW (try: sudo netinv listen %s)",
                          what, what);
                return NETINV_EXIT_FAILURE;
        case CAPTURE_FAIL_NOT_FOUND:
                cmd_error("'%s': no such file", what);
                return NETINV_EXIT_USAGE;
        default:
                cmd_error("'%s': cannot open capture: %s", what, e.msg);
                return NETINV_EXIT_FAILURE;
        }
}

/* Lock and load the state, and hand its directory to the user the daemon
 * runs as. 0 or an exit code. */
static int open_state(struct listener *L)
{
        char err[512];
        int r = state_run_begin(L->o.state_dir, L->o.max_devices, now_usec(), &L->run, err,
                                sizeof(err));
        if (r < 0) {
                cmd_error("%s", err);
                return r == -EWOULDBLOCK ? NETINV_EXIT_TEMPFAIL : NETINV_EXIT_FAILURE;
        }
        L->have_state = true;
        if (L->run.set_aside)
                cmd_warn("%s; kept as '%s', starting a new inventory", err, L->run.aside);
        uid_t uid;
        gid_t gid;
        if (geteuid() == 0 && priv_lookup(L->o.user, &uid, &gid) == 0 &&
            chown(L->o.state_dir, uid, gid) < 0) {
                cmd_error("'%s': cannot hand the state directory to uid %u: %s", L->o.state_dir,
                          (unsigned)uid, strerror(errno));
                return NETINV_EXIT_FAILURE;
        }
        return 0;
}

/* A device the inventory got in this frame (index >= before) that the
 * state does not know. */
static bool new_to_state(const struct listener *L, size_t before)
{
        for (size_t i = before; i < inventory_count(L->inv); i++)
                if (!state_find(L->run.st, inventory_get(L->inv, i)->mac))
                        return true;
        return false;
}

static uint64_t next_deadline(const struct listener *L)
{
        uint64_t t = L->next_save < L->next_push ? L->next_save : L->next_push;
        if (L->new_due && L->new_due < t)
                t = L->new_due;
        return t;
}

static void on_frame(void *user, enum linktype lt, const uint8_t *data, uint32_t caplen,
                     uint64_t ts)
{
        struct listener *L = user;
        size_t before = inventory_count(L->inv);

        obs_sink_reset(L->sink);
        L->sink->dropped = 0;
        enum dissect_res r = dissect_frame(lt, data, caplen, ts, L->sink);
        L->st.frames++;
        L->st.by_res[r]++;
        if ((L->sink->n || L->sink->dropped) &&
            inventory_add_sink(L->inv, L->sink, ts) == -ENOMEM)
                L->oom = 1;
        if (L->on_new && L->o.push_url && !L->new_due && inventory_count(L->inv) > before &&
            new_to_state(L, before))
                L->new_due = mono_usec() + LISTEN_NEW_DEBOUNCE_US;
        /* Reading a pipe, libpcap would not return before its end: back to
         * the loop when the pipe is empty (it waits there with the timers),
         * a signal came or a timer is due. */
        if (L->can_break) {
                struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
                if (got_term || got_hup || L->oom || poll(&p, 1, 0) == 0 ||
                    (++L->since_check % LISTEN_CHECK_FRAMES == 0 && mono_usec() >= next_deadline(L)))
                        capture_break(L->cap);
        }
}

/* Keep at most LISTEN_CHANGES_MAX changes between two pushes. */
static void cap_changes(struct listener *L)
{
        struct change_list *l = &L->pending;
        while (l->n > LISTEN_CHANGES_MAX) {
                struct change *c = &l->c[--l->n];
                free(c->before);
                free(c->after);
                L->changes_dropped++;
        }
}

/* What the state adds to the pushed document, and the changes dropped. */
static int annotate_json(struct cJSON *doc, void *user)
{
        struct listener *L = user;
        int r = state_annotate_json(doc, &L->pending, L->run.st, now_usec(), L->o.stale_days,
                                    L->run.agent_id[0] ? L->run.agent_id : NULL, L->o.site);
        cJSON *scan = cJSON_GetObjectItemCaseSensitive(doc, "scan");
        if (r == 0 && L->changes_dropped && cJSON_IsObject(scan) &&
            !cJSON_AddNumberToObject(scan, "changes_dropped", (double)L->changes_dropped))
                r = -ENOMEM;
        return r;
}

/* Identify and judge, merge into the state and save it; with push, spool
 * and push the document too. 0, or -1 after an error was printed (the
 * daemon goes on; the caller decides at exit). */
static int cycle(struct listener *L, bool push)
{
        uint64_t now = now_usec();
        int ret = 0;

        inventory_set_vendors(L->inv, L->oui);
        inventory_sort(L->inv);        /* state_ident looks devices up by MAC */
        size_t n = inventory_count(L->inv);
        if (L->rules) {
                struct eol_verdict *v = NULL;
                size_t past = 0;
                for (size_t i = 0; i < n; i++)
                        inventory_get(L->inv, i)->eol = NULL;   /* into the old verdicts */
                if (identify_and_judge(&L->o, L->rules, L->eoldb, L->inv, &v, &past) < 0) {
                        cmd_error("out of memory while identifying devices");
                        return -1;
                }
                free(L->verdicts);
                L->verdicts = v;
        }
        void *t = realloc(L->texts.os_text, (n + 1) * sizeof(*L->texts.os_text));
        if (!t) {
                cmd_error("out of memory while merging the state");
                return -1;
        }
        L->texts.os_text = t;
        memset(L->texts.os_text, 0, (n + 1) * sizeof(*L->texts.os_text));
        L->texts.inv = L->inv;
        state_set_ident(L->run.st, state_ident, &L->texts);
        if (state_merge(L->run.st, L->inv, now, &L->pending) < 0) {
                cmd_error("out of memory while merging the state");
                return -1;
        }
        cap_changes(L);
        if (L->o.forget_after)
                state_forget(L->run.st, now, L->o.forget_after);
        int r = state_save(L->run.st, L->o.state_dir, now);
        if (r < 0) {
                cmd_error("'%s': cannot save the state: %s", L->o.state_dir, strerror(-r));
                ret = -1;
        }
        if (push && L->o.push_url) {
                struct scan_info si = { 0 };
                uuid_v4(si.id, sizeof(si.id));
                si.interface = L->o.iface;
                si.file = L->o.read;
                si.hostname = L->host;
                si.version = NETINV_VERSION;
                si.oui_source = oui_source(L->oui);
                si.started_usec = L->started;
                si.finished_usec = now;
                si.packets_seen = L->st.frames;
                si.packets_truncated = L->st.by_res[DISSECT_TRUNCATED];
                si.packets_malformed = L->st.by_res[DISSECT_MALFORMED] + si.packets_truncated;
                si.packets_dropped = L->o.iface ? capture_dropped(L->cap) : 0;
                si.inv = inventory_stats(L->inv);
                si.annotate_json = annotate_json;
                si.annotate_user = L;
                r = push_after(&L->o, &si, L->inv, L->spool, L->secret,
                               L->run.agent_id[0] ? L->run.agent_id : NULL);
                /* Spooled is done: what did not go waits for the next push. */
                if (r == NETINV_EXIT_FAILURE)
                        ret = -1;
                if (L->o.verbose && r == 0)
                        cmd_info("pushed document %s: %zu devices, %zu changes", si.id, n,
                                 L->pending.n);
                if (r == 0 || r == NETINV_EXIT_PENDING) {
                        change_list_done(&L->pending);
                        memset(&L->pending, 0, sizeof(L->pending));
                        L->changes_dropped = 0;
                        L->frames_at_push = L->st.frames;
                }
        }
        /* Full: begin afresh, so that the devices of tomorrow are not
         * refused because of those of last week. */
        if (n >= L->o.max_devices) {
                struct inventory *fresh = inventory_new(L->o.max_devices);
                if (fresh) {
                        cmd_warn("the inventory reached %zu devices (--max-devices): starting a new one",
                                 n);
                        inventory_free(L->inv);
                        L->inv = fresh;
                        L->texts.inv = fresh;
                }
        }
        return ret;
}

/* SIGHUP: read the config and the command line again, take what a running
 * daemon can change, name what needs a restart. A config that does not load
 * keeps the running one. */
static void reload(struct listener *L)
{
        struct listener n = *L;
        struct config *cfg = malloc(sizeof(*cfg));
        char *secret = NULL;

        if (!cfg) {
                cmd_error("out of memory: configuration not reloaded");
                return;
        }
        if (listen_config(&n, cfg) || parse_args(&n)) {
                cmd_error("configuration not reloaded; the running one stays");
                free(cfg);
                return;
        }
        const char *names[] = { "interface", "read", "state_dir", "spool_dir", "user", "oui" };
        const char *was[] = { L->o.iface, L->o.read, L->o.state_dir, L->o.spool_dir, L->o.user,
                              L->o.oui };
        const char *now[] = { n.o.iface, n.o.read, n.o.state_dir, n.o.spool_dir, n.o.user,
                              n.o.oui };
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                if (str_differ(was[i], now[i]))
                        cmd_warn("%s changed: it takes effect at the next start", names[i]);
        n.o.iface = L->o.iface;         /* push_begin below works in the running spool */
        n.o.read = L->o.read;
        n.o.state_dir = L->o.state_dir;
        n.o.spool_dir = L->o.spool_dir;
        n.o.user = L->o.user;
        if (n.o.max_devices != L->o.max_devices || n.o.promisc != L->o.promisc ||
            n.o.no_identify != L->o.no_identify)
                cmd_warn("max_devices, promisc or identification changed: they take effect at "
                         "the next start");
        bool push_changed = n.o.push_url &&
                            (str_differ(n.o.push_url, L->o.push_url) ||
                             str_differ(n.o.token_file, L->o.token_file));
        if (push_changed && push_begin(&n.o, L->spool, sizeof(L->spool), &secret) != 0) {
                cmd_error("push settings not reloaded; the running ones stay");
                n.o.push_url = L->o.push_url;
                n.o.token_file = L->o.token_file;
                push_changed = false;
        }
        if (push_changed) {
                if (L->secret) {
                        explicit_bzero(L->secret, strlen(L->secret));
                        free(L->secret);
                }
                L->secret = secret;
        }
        /* What a reload can change. */
        struct scan_opts *o = &L->o;
        o->push_url = n.o.push_url;
        o->token_file = n.o.token_file;
        o->push_format = n.o.push_format;
        o->ca_file = n.o.ca_file;
        o->client_cert = n.o.client_cert;
        o->client_key = n.o.client_key;
        o->spool_max_bytes = n.o.spool_max_bytes;
        o->connect_timeout_ms = n.o.connect_timeout_ms;
        o->timeout_ms = n.o.timeout_ms;
        o->site = n.o.site;
        o->forget_after = n.o.forget_after;
        o->stale_days = n.o.stale_days;
        o->as_of = n.o.as_of;
        o->quiet = n.o.quiet;
        o->verbose = n.o.verbose;
        cmd_quiet = o->quiet;
        L->on_new = n.on_new;
        L->use_syslog = n.use_syslog;
        cmd_syslog(L->use_syslog);
        uint64_t t = mono_usec();
        if (n.save_s != L->save_s)
                L->next_save = t + (uint64_t)(n.save_s * 1e6);
        if (n.push_s != L->push_s)
                L->next_push = t + (uint64_t)(n.push_s * 1e6);
        L->save_s = n.save_s;
        L->push_s = n.push_s;
        free(L->cfg);
        L->cfg = cfg;
        cmd_info("configuration reloaded%s%s%s", o->site ? " (site '" : "", o->site ? o->site : "",
                 o->site ? "')" : "");
}

/* Read until the end of the file or a signal, saving and pushing on time.
 * 0 or an exit code. */
static int run(struct listener *L)
{
        int fd = L->can_break ? STDIN_FILENO : capture_fd(L->cap), ret = 0;

        for (;;) {
                if (got_term)
                        break;
                if (got_hup) {
                        got_hup = 0;
                        reload(L);
                }
                uint64_t now = mono_usec();
                bool push = now >= L->next_push || (L->new_due && now >= L->new_due);
                if (push || now >= L->next_save) {
                        cycle(L, push);
                        now = mono_usec();
                        L->next_save = now + (uint64_t)(L->save_s * 1e6);
                        if (push) {
                                L->next_push = now + (uint64_t)(L->push_s * 1e6);
                                L->new_due = 0;
                        }
                }
                if (fd >= 0) {
                        uint64_t d = next_deadline(L), left = d > now ? d - now : 0;
                        if (left > CAPTURE_POLL_MS * 1000ull)
                                left = CAPTURE_POLL_MS * 1000ull;
                        struct timespec ts = { (time_t)(left / 1000000u), (long)(left % 1000000u) * 1000 };
                        struct pollfd p = { .fd = fd, .events = POLLIN };
                        int pr = ppoll(&p, 1, &ts, NULL);
                        if (pr < 0 && errno != EINTR) {
                                cmd_error("'%s': poll: %s", L->o.iface ? L->o.iface : L->o.read,
                                          strerror(errno));
                                ret = NETINV_EXIT_FAILURE;
                                break;
                        }
                        if (pr <= 0)
                                continue;
                }
                long k = capture_dispatch(L->cap, on_frame, L);
                if (L->oom) {
                        cmd_error("out of memory while building the inventory");
                        ret = NETINV_EXIT_FAILURE;
                        break;
                }
                if (k == -1)
                        break;          /* the end of the file */
                if (k == -2) {
                        if (got_term)   /* the signal interrupted the read */
                                break;
                        cmd_error("'%s': %s (stopping after %llu packets)",
                                  L->o.iface ? L->o.iface : L->o.read, capture_error(L->cap),
                                  (unsigned long long)L->st.frames);
                        ret = NETINV_EXIT_FAILURE;
                        break;
                }
        }
        return ret;
}

int cmd_listen(int argc, char **argv)
{
        struct listener *L = calloc(1, sizeof(*L));
        int ret;

        if (!L || !(L->cfg = malloc(sizeof(*L->cfg)))) {
                free(L);
                cmd_error("out of memory");
                return NETINV_EXIT_FAILURE;
        }
        L->argc = argc;
        L->argv = argv;
        L->run.lock_fd = -1;
        ret = listen_config(L, L->cfg);
        if (ret)
                goto out;
        ret = parse_args(L);
        if (ret) {
                ret = ret > 0 ? NETINV_EXIT_OK : NETINV_EXIT_USAGE;
                goto out;
        }
        if (fix_strings(L) < 0) {
                cmd_error("out of memory");
                ret = NETINV_EXIT_FAILURE;
                goto out;
        }
        cmd_quiet = L->o.quiet;
        cmd_syslog(L->use_syslog);
        L->sink = calloc(1, sizeof(*L->sink));
        L->inv = inventory_new(L->o.max_devices);
        if (!L->sink || !L->inv) {
                cmd_error("out of memory");
                ret = NETINV_EXIT_FAILURE;
                goto out;
        }

        /* Everything that needs privileges or the file system first. */
        if (!L->o.oui || strcmp(L->o.oui, "none") != 0) {
                int r = oui_load(L->o.oui, &L->oui);
                if (r < 0 && L->o.oui) {
                        cmd_error("'%s': cannot read OUI file: %s", L->o.oui, strerror(-r));
                        ret = NETINV_EXIT_USAGE;
                        goto out;
                }
                if (r < 0)
                        cmd_warn("no IEEE OUI file found; vendors stay empty (install ieee-data, or --oui FILE)");
        }
        ret = open_capture(L);
        if (ret)
                goto out;
        gethostname(L->host, sizeof(L->host) - 1);
        if (!L->o.no_identify) {
                ret = load_knowledge(&L->o, &L->rules, &L->eoldb);
                if (ret)
                        goto out;
        }
        ret = open_state(L);
        if (ret)
                goto out;
        if (L->o.push_url) {
                ret = push_begin(&L->o, L->spool, sizeof(L->spool), &L->secret);
                if (ret)
                        goto out;
        } else {
                /* A reload may turn the push on: it spools here. */
                if (L->o.spool_dir)
                        snprintf(L->spool, sizeof(L->spool), "%s", L->o.spool_dir);
                else
                        snprintf(L->spool, sizeof(L->spool), "%s/spool", L->o.state_dir);
        }

        /* Only now parse hostile bytes, and never as root. */
        if (L->o.iface || geteuid() == 0) {
                struct priv_result pr;
                char why[256];
                if (priv_drop(L->o.user, &pr, why, sizeof(why)) < 0) {
                        cmd_error("cannot drop privileges: %s", why);
                        ret = NETINV_EXIT_FAILURE;
                        goto out;
                }
        }

        /* The loop waits in poll(), which any signal interrupts. Inside a
         * read (the rest of a record from a pipe) SIGHUP lets the read go
         * on; SIGTERM and SIGINT end it. */
        struct sigaction sa = { .sa_handler = on_signal };
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        sa.sa_flags = SA_RESTART;
        sigaction(SIGHUP, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);

        L->started = now_usec();
        uint64_t t0 = mono_usec();
        L->next_save = t0 + (uint64_t)(L->save_s * 1e6);
        L->next_push = t0 + (uint64_t)(L->push_s * 1e6);
        if (L->o.verbose)
                cmd_info("%s '%s' (%s): state in '%s', saved every %g s%s%s%s", L->o.iface ?
                         "listening on" : "reading", L->o.iface ? L->o.iface : L->o.read,
                         capture_linktype_name(L->cap), L->o.state_dir, L->save_s,
                         L->o.push_url ? ", pushed to '" : "", L->o.push_url ? L->o.push_url : "",
                         L->o.push_url ? "'" : "");
        ret = run(L);

        /* The last save and push, on a signal and at the end of the file. */
        bool push = L->o.push_url && (L->st.frames > L->frames_at_push || L->pending.n);
        if (cycle(L, push) < 0 && !ret)
                ret = NETINV_EXIT_FAILURE;
        if (L->o.verbose)
                cmd_info("%llu packets, %llu malformed, %zu devices",
                         (unsigned long long)L->st.frames,
                         (unsigned long long)L->st.by_res[DISSECT_MALFORMED],
                         inventory_count(L->inv));
out:
        if (L->have_state) {
                char err[512];
                if (state_run_end(&L->run, false, now_usec(), err, sizeof(err)) < 0 && !ret) {
                        cmd_error("%s", err);
                        ret = NETINV_EXIT_FAILURE;
                }
        }
        change_list_done(&L->pending);
        capture_close(L->cap);
        oui_free(L->oui);
        inventory_free(L->inv);
        free(L->verdicts);
        free(L->texts.os_text);
        if (L->secret) {
                explicit_bzero(L->secret, strlen(L->secret));
                free(L->secret);
        }
        identify_free(L->rules);
        eol_db_free(L->eoldb);
        free(L->sink);
        for (size_t i = 0; i < sizeof(L->fixed) / sizeof(L->fixed[0]); i++)
                free(L->fixed[i]);
        free(L->cfg);
        free(L);
        cmd_syslog(false);
        return ret;
}
