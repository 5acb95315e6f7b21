/* listen_conf.c - the options of `netinv listen`: the configuration file
 * and the command line over it, and SIGHUP's reload (what a running daemon
 * can take, and what needs a restart). See listen.h. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "listen.h"
#include "netinv/config.h"
#include "netinv/eol.h"
#include "netinv/inventory.h"
#include "scan.h"

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
              "      --as-of DATE       judge end of life as on DATE (YYYY-MM-DD; default today)\n"
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
int listen_config(struct listener *L, struct config *cfg)
{
        const char *path = scan_config_path(L->argc, L->argv);
        char err[512];
        if (config_load(path, cfg, err, sizeof(err)) < 0) {
                cmd_error("%s", err);
                return NETINV_EXIT_USAGE;
        }
        listen_defaults(L, cfg);
        scan_opts_from_config(cfg, &L->o);
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
int listen_parse_args(struct listener *L)
{
        enum { OPT_SAVE = 256, OPT_PUSHINT, OPT_ONNEW, OPT_SYSLOG };
        static const struct option lo[] = {
                { "interface", required_argument, NULL, 'i' },
                { "read", required_argument, NULL, 'r' },
                { "config", required_argument, NULL, 'c' },
                SCAN_COMMON_OPTIONS,
                { "save-interval", required_argument, NULL, OPT_SAVE },
                { "push-interval", required_argument, NULL, OPT_PUSHINT },
                { "push-on-new", no_argument, NULL, OPT_ONNEW },
                { "syslog", no_argument, NULL, OPT_SYSLOG },
                { "quiet", no_argument, NULL, 'q' },
                { "verbose", no_argument, NULL, 'v' },
                { "help", no_argument, NULL, 'h' },
                { 0 },
        };
        struct scan_opts *o = &L->o;
        bool iface_cli = false;
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
                default: {
                        int r = scan_common_option(c, optarg, o);
                        if (r < 0)
                                return -1;
                        if (r == 0)
                                return cmd_option_error(c, "listen", L->argv);
                }
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
int listen_fix_strings(struct listener *L)
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

/* SIGHUP: read the config and the command line again, take what a running
 * daemon can change, name what needs a restart. A config that does not load
 * keeps the running one. */
void listen_reload(struct listener *L)
{
        struct listener n = *L;
        struct config *cfg = malloc(sizeof(*cfg));
        char *secret = NULL;

        if (!cfg) {
                cmd_error("out of memory: configuration not reloaded");
                return;
        }
        if (listen_config(&n, cfg) || listen_parse_args(&n)) {
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
        char spool[sizeof(L->spool)];
        if (push_changed && push_begin(&n.o, spool, sizeof(spool), &secret) != 0) {
                /* The running strings point into the running config: keep
                 * all of it rather than half. */
                cmd_error("configuration not reloaded; the running one stays");
                free(cfg);
                return;
        }
        if (push_changed) {
                memcpy(L->spool, spool, sizeof(spool));
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
        o->as_of_set = n.o.as_of_set;
        o->quiet = n.o.quiet;
        o->verbose = n.o.verbose;
        cmd_quiet = o->quiet;
        L->on_new = n.on_new;
        L->use_syslog = n.use_syslog;
        cmd_syslog(L->use_syslog);
        uint64_t t = listen_mono_usec();
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
