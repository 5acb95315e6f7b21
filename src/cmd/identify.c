/* identify.c - `netinv identify --read FILE`: the scan pipeline over a
 * capture file, then identification, then either the result (as `scan`
 * writes it, with type and os) or, with --explain MAC, the evidence chain
 * of one device. Also `--check`: load the rules and report errors, for an
 * admin who edited them.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "netinv/capture.h"
#include "netinv/dissect.h"
#include "netinv/identify.h"
#include "netinv/inventory.h"
#include "netinv/oui.h"
#include "netinv/output.h"
#include "netinv/util.h"

struct id_pipeline {
        struct inventory *inv;
        struct obs_sink *sink;
        uint64_t frames, malformed, truncated;
        int oom;
};

static void on_frame(void *user, enum linktype lt, const uint8_t *data, uint32_t caplen,
                     uint64_t ts)
{
        struct id_pipeline *pl = user;
        obs_sink_reset(pl->sink);
        pl->sink->dropped = 0;
        enum dissect_res r = dissect_frame(lt, data, caplen, ts, pl->sink);
        pl->frames++;
        if (r == DISSECT_TRUNCATED)
                pl->truncated++;
        if (r == DISSECT_MALFORMED || r == DISSECT_TRUNCATED)
                pl->malformed++;
        if ((pl->sink->n || pl->sink->dropped) &&
            inventory_add_sink(pl->inv, pl->sink, ts) == -ENOMEM)
                pl->oom = 1;
}

static void usage(FILE *f)
{
        fputs("usage: netinv identify --read FILE [--explain MAC] [options]\n"
              "       netinv identify --check [--rules-dir DIR]\n"
              "\n"
              "  -r, --read FILE        read a pcap/pcapng capture (\"-\": standard input)\n"
              "  -e, --explain MAC      print the evidence chain of this device only\n"
              "      --check            load the rules, report errors and the rule count\n"
              "      --rules-dir DIR    identification rules (default: NETINV_DATA_DIR/identify,\n"
              "                         /etc/netinv/identify over the installed rules)\n"
              "  -f, --format FMT       table, json, ndjson or csv (default: table on a\n"
              "                         terminal, json otherwise)\n"
              "      --oui FILE         IEEE OUI file (default: found in /usr/share); \"none\"\n"
              "  -q, --quiet            no warnings on stderr\n"
              "  -h, --help             this text\n",
              f);
}

struct id_opts {
        const char *read, *explain, *rules_dir, *oui;
        enum out_format format;
        bool format_set, check, quiet;
        uint8_t mac[6];
};

static int parse_args(int argc, char **argv, struct id_opts *o)
{
        enum { OPT_CHECK = 256, OPT_RULES, OPT_OUI };
        static const struct option lo[] = {
                { "read", required_argument, NULL, 'r' },
                { "explain", required_argument, NULL, 'e' },
                { "check", no_argument, NULL, OPT_CHECK },
                { "rules-dir", required_argument, NULL, OPT_RULES },
                { "format", required_argument, NULL, 'f' },
                { "oui", required_argument, NULL, OPT_OUI },
                { "quiet", no_argument, NULL, 'q' },
                { "help", no_argument, NULL, 'h' },
                { 0 },
        };
        int c;
        opterr = 0;
        optind = 1;
        while ((c = getopt_long(argc, argv, ":r:e:f:qh", lo, NULL)) != -1) {
                switch (c) {
                case 'r':
                        o->read = optarg;
                        break;
                case 'e':
                        o->explain = optarg;
                        if (!parse_mac(optarg, o->mac))
                                return cmd_usage_error("--explain '%s': want a MAC like 00:11:22:33:44:55",
                                                       optarg);
                        break;
                case OPT_CHECK:
                        o->check = true;
                        break;
                case OPT_RULES:
                        o->rules_dir = optarg;
                        break;
                case 'f':
                        o->format = out_format_parse(optarg);
                        if (o->format == OUT_FORMAT_MAX)
                                return cmd_usage_error("--format '%s': want table, json, ndjson or csv",
                                                       optarg);
                        o->format_set = true;
                        break;
                case OPT_OUI:
                        o->oui = optarg;
                        break;
                case 'q':
                        o->quiet = true;
                        break;
                case 'h':
                        usage(stdout);
                        return 1;
                default:
                        return cmd_option_error(c, "identify", argv);
                }
        }
        if (optind < argc)
                return cmd_usage_error("unexpected argument '%s' (try: netinv identify --help)",
                                       argv[optind]);
        if (!o->read && !o->check)
                return cmd_usage_error("no capture given (try: netinv identify --read FILE)");
        return 0;
}

static int load_rules(const struct id_opts *o, struct identify_rules **rules)
{
        const char *dirs[4];
        char buf[4096], err[512];
        size_t n = identify_default_dirs(o->rules_dir, dirs, buf, sizeof(buf));
        int r = identify_load(dirs, n, rules, err, sizeof(err));
        if (r == 0)
                return 0;
        if (r == -EINVAL || r == -ENOENT)
                cmd_error("rules: %s", err);
        else
                cmd_error("rules: %s", strerror(-r));
        return r == -ENOENT && o->rules_dir ? NETINV_EXIT_USAGE : NETINV_EXIT_FAILURE;
}

int cmd_identify(int argc, char **argv)
{
        struct id_opts o = { .format = OUT_TABLE };
        struct identify_rules *rules = NULL;
        struct capture *cap = NULL;
        struct oui_db *oui = NULL;
        struct id_pipeline pl = { 0 };
        struct capture_open_err ce = { 0 };
        int ret = parse_args(argc, argv, &o);

        if (ret)
                return ret > 0 ? NETINV_EXIT_OK : NETINV_EXIT_USAGE;
        cmd_quiet = o.quiet;
        if (!o.format_set)
                o.format = isatty(STDOUT_FILENO) ? OUT_TABLE : OUT_JSON;
        ret = load_rules(&o, &rules);
        if (ret)
                goto out;
        if (o.check) {
                printf("%zu rules\n", identify_rule_count(rules));
                if (!o.read)
                        goto out;
        }
        if (!o.oui || strcmp(o.oui, "none") != 0) {
                int r = oui_load(o.oui, &oui);
                if (r < 0 && o.oui) {
                        cmd_error("'%s': cannot read OUI file: %s", o.oui, strerror(-r));
                        ret = NETINV_EXIT_USAGE;
                        goto out;
                }
        }
        pl.sink = malloc(sizeof(*pl.sink));
        pl.inv = inventory_new(0);
        if (!pl.sink || !pl.inv) {
                cmd_error("out of memory");
                ret = NETINV_EXIT_FAILURE;
                goto out;
        }
        memset(pl.sink, 0, sizeof(*pl.sink));
        if (capture_open_file(o.read, &cap, &ce) < 0) {
                cmd_error("'%s': %s", o.read,
                          ce.why == CAPTURE_FAIL_NOT_FOUND ? "no such file" : ce.msg);
                ret = ce.why == CAPTURE_FAIL_NOT_FOUND ? NETINV_EXIT_USAGE : NETINV_EXIT_FAILURE;
                goto out;
        }
        struct scan_info si = { 0 };
        uuid_v4(si.id, sizeof(si.id));
        si.started_usec = now_usec();
        for (;;) {
                long n = capture_dispatch(cap, on_frame, &pl);
                if (pl.oom) {
                        cmd_error("out of memory while building the inventory");
                        ret = NETINV_EXIT_FAILURE;
                        goto out;
                }
                if (n == -1)
                        break;
                if (n == -2) {
                        cmd_error("'%s': %s", o.read, capture_error(cap));
                        ret = NETINV_EXIT_FAILURE;
                        break;
                }
        }
        inventory_set_vendors(pl.inv, oui);
        inventory_sort(pl.inv);
        if (identify_inventory(rules, pl.inv) < 0) {
                cmd_error("out of memory while identifying");
                ret = NETINV_EXIT_FAILURE;
                goto out;
        }
        si.finished_usec = now_usec();
        if (o.explain) {
                const struct device *d = inventory_find(pl.inv, o.mac);
                if (!d) {
                        cmd_error("'%s': no such device in '%s'", o.explain, o.read);
                        ret = NETINV_EXIT_FAILURE;
                        goto out;
                }
                if (identify_explain(stdout, d, d->ident) < 0)
                        ret = NETINV_EXIT_FAILURE;
                goto out;
        }
        char host[256] = "";
        gethostname(host, sizeof(host) - 1);
        si.file = o.read;
        si.hostname = host;
        si.version = NETINV_VERSION;
        si.oui_source = oui_source(oui);
        si.packets_seen = pl.frames;
        si.packets_malformed = pl.malformed;
        si.packets_truncated = pl.truncated;
        si.inv = inventory_stats(pl.inv);
        int w = output_write(stdout, o.format, &si, pl.inv,
                             isatty(STDOUT_FILENO) && !getenv("NO_COLOR"));
        if (w < 0) {
                cmd_error("cannot write the result: %s", strerror(-w));
                ret = NETINV_EXIT_FAILURE;
        }
out:
        capture_close(cap);
        oui_free(oui);
        inventory_free(pl.inv);
        free(pl.sink);
        identify_free(rules);
        return ret;
}
