/* inventory.c - `netinv inventory`: print the merged inventory of the state
 * directory; with --forget-after, drop the devices not seen for that long
 * (under the run lock) first. See netinv(8), INVENTORY and STATE.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "netinv/config.h"
#include "netinv/output.h"
#include "netinv/state.h"
#include "netinv/util.h"

struct inv_opts {
        const char *config, *state_dir, *output;
        enum out_format format;
        bool format_set;
        int color;                      /* -1 auto */
        uint32_t stale;
        bool only_stale;
        uint32_t forget_after;          /* 0: keep */
};

static void usage(FILE *f)
{
        fputs("usage: netinv inventory [options]\n"
              "\n"
              "  -c, --config FILE       configuration file (default /etc/netinv/netinv.conf)\n"
              "      --state-dir DIR     the state directory (default /var/lib/netinv)\n"
              "  -f, --format FMT        table, json, ndjson or csv (default: table on a\n"
              "                          terminal, json otherwise)\n"
              "  -o, --output FILE       write to FILE instead of stdout\n"
              "      --stale DAYS        list only the devices not seen, or not identified,\n"
              "                          for DAYS days\n"
              "      --forget-after DAYS drop the devices not seen for DAYS days (saved)\n"
              "      --color WHEN        auto, always or never\n"
              "  -q, --quiet             no warnings on stderr\n"
              "  -h, --help              this text\n",
              f);
}

static int days_arg(const char *opt, const char *s, uint32_t *ret)
{
        char *end;
        errno = 0;
        unsigned long v = strtoul(s, &end, 10);
        if (errno || *end || !*s || *s < '0' || *s > '9' || v < 1 || v > 36500)
                return cmd_usage_error("%s '%s': want a number of days from 1 to 36500", opt, s);
        *ret = (uint32_t)v;
        return 0;
}

/* Two passes: the first finds --config, the second overrides the file. */
static int parse_args(int argc, char **argv, struct inv_opts *o, struct config *cfg, bool pass2)
{
        enum { OPT_STATE_DIR = 256, OPT_STALE, OPT_FORGET, OPT_COLOR };
        static const struct option lo[] = {
                { "config", required_argument, NULL, 'c' },
                { "state-dir", required_argument, NULL, OPT_STATE_DIR },
                { "format", required_argument, NULL, 'f' },
                { "output", required_argument, NULL, 'o' },
                { "stale", required_argument, NULL, OPT_STALE },
                { "forget-after", required_argument, NULL, OPT_FORGET },
                { "color", required_argument, NULL, OPT_COLOR },
                { "quiet", no_argument, NULL, 'q' },
                { "help", no_argument, NULL, 'h' },
                { 0 },
        };
        int c;
        opterr = 0;
        optind = 1;
        while ((c = getopt_long(argc, argv, ":c:f:o:qh", lo, NULL)) != -1) {
                if (!pass2) {
                        if (c == 'c')
                                o->config = optarg;
                        else if (c == 'h') {
                                usage(stdout);
                                return 1;
                        }
                        continue;
                }
                switch (c) {
                case 'c':
                        break;
                case OPT_STATE_DIR:
                        o->state_dir = optarg;
                        break;
                case 'f':
                        o->format = out_format_parse(optarg);
                        if (o->format == OUT_FORMAT_MAX)
                                return cmd_usage_error("--format '%s': want table, json, ndjson or csv",
                                                       optarg);
                        o->format_set = true;
                        break;
                case 'o':
                        o->output = optarg;
                        break;
                case OPT_STALE:
                        if (days_arg("--stale", optarg, &o->stale))
                                return -1;
                        o->only_stale = true;
                        break;
                case OPT_FORGET:
                        if (days_arg("--forget-after", optarg, &o->forget_after))
                                return -1;
                        break;
                case OPT_COLOR:
                        if (cmd_parse_color(optarg, &o->color) < 0)
                                return -1;
                        break;
                case 'q':
                        cmd_quiet = true;
                        break;
                default:
                        return cmd_option_error(c, "inventory", argv);
                }
        }
        if (pass2 && optind < argc)
                return cmd_usage_error("unexpected argument '%s' (try: netinv inventory --help)",
                                       argv[optind]);
        (void)cfg;
        return 0;
}

int cmd_inventory(int argc, char **argv)
{
        struct inv_opts o = { .color = -1 };
        struct config *cfg = malloc(sizeof(*cfg));
        struct state *st = NULL;
        FILE *out = stdout;
        char err[1024], id[40] = "", host[256] = "";
        int lock_fd = -1, ret;

        if (!cfg) {
                cmd_error("out of memory");
                return NETINV_EXIT_FAILURE;
        }
        ret = parse_args(argc, argv, &o, cfg, false);
        if (ret) {
                ret = ret > 0 ? NETINV_EXIT_OK : NETINV_EXIT_USAGE;
                goto out;
        }
        if (config_load(o.config, cfg, err, sizeof(err)) < 0) {
                cmd_error("%s", err);
                ret = NETINV_EXIT_USAGE;
                goto out;
        }
        o.stale = cfg->stale;
        o.color = cfg->color == COLOR_ALWAYS ? 1 : cfg->color == COLOR_NEVER ? 0 : -1;
        cmd_quiet = cfg->quiet;
        if (cfg->format != CFMT_MAX) {
                o.format = (enum out_format)cfg->format;
                o.format_set = true;
        }
        ret = parse_args(argc, argv, &o, cfg, true);
        if (ret) {
                ret = NETINV_EXIT_USAGE;
                goto out;
        }
        if (!o.state_dir)
                o.state_dir = cfg->state_dir;
        if (!o.format_set)
                o.format = (!o.output && isatty(STDOUT_FILENO)) ? OUT_TABLE : OUT_JSON;

        struct stat sb;
        if (stat(o.state_dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
                cmd_error("'%s': no state directory (a scan creates it; or --state-dir DIR)",
                          o.state_dir);
                ret = NETINV_EXIT_FAILURE;
                goto out;
        }
        if (o.forget_after) {
                long pid = 0;
                int r = state_lock(o.state_dir, &lock_fd, &pid);
                if (r == -EWOULDBLOCK) {
                        if (pid)
                                cmd_error("another netinv run (pid %ld) is using '%s'; try again later",
                                          pid, o.state_dir);
                        else
                                cmd_error("another netinv run is using '%s'; try again later",
                                          o.state_dir);
                        ret = NETINV_EXIT_TEMPFAIL;
                        goto out;
                }
                if (r < 0) {
                        cmd_error("'%s/%s': cannot lock: %s", o.state_dir, STATE_LOCK_FILE,
                                  strerror(-r));
                        ret = NETINV_EXIT_FAILURE;
                        goto out;
                }
        }
        int r = state_load(o.state_dir, cfg->max_devices, &st, err, sizeof(err));
        if (r < 0) {
                cmd_error("%s", err);
                ret = NETINV_EXIT_FAILURE;
                goto out;
        }
        uint64_t now = now_usec();
        if (o.forget_after) {
                size_t n = state_forget(st, now, o.forget_after);
                if (n) {
                        r = state_save(st, o.state_dir, now);
                        if (r < 0) {
                                cmd_error("'%s/%s': cannot write: %s", o.state_dir, STATE_FILE,
                                          strerror(-r));
                                ret = NETINV_EXIT_FAILURE;
                                goto out;
                        }
                }
                if (!cmd_quiet)
                        cmd_info("forgot %zu device%s not seen for %u days", n, n == 1 ? "" : "s",
                                 o.forget_after);
        }
        if (state_agent_id(o.state_dir, id, sizeof(id)) < 0)
                id[0] = '\0';   /* a read-only look at someone else's state */
        gethostname(host, sizeof(host) - 1);
        if (o.output) {
                out = fopen(o.output, "we");
                if (!out) {
                        cmd_error("'%s': cannot write: %s", o.output, strerror(errno));
                        out = stdout;
                        ret = NETINV_EXIT_FAILURE;
                        goto out;
                }
        }
        struct state_print p = {
                .now = now, .stale_days = o.stale, .only_stale = o.only_stale,
                .color = o.color >= 0 ? o.color
                                      : (out == stdout && isatty(STDOUT_FILENO) && !getenv("NO_COLOR")),
                .agent_id = id, .site = cfg->site, .hostname = host, .version = NETINV_VERSION,
        };
        r = state_print(out, o.format, st, &p);
        if (r < 0 || (out != stdout && fclose(out) != 0)) {
                cmd_error("'%s': cannot write the inventory: %s", o.output ? o.output : "stdout",
                          strerror(r < 0 ? -r : errno));
                ret = NETINV_EXIT_FAILURE;
        }
        out = stdout;
out:
        if (out != stdout)
                fclose(out);
        state_unlock(lock_fd);
        state_free(st);
        free(cfg);
        return ret;
}
