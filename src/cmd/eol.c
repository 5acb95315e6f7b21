/* eol.c - `netinv eol list|check|update`: show the end-of-life tables,
 * judge one product version, download fresh tables.
 *
 * Tables are read from, in order (a later directory overrides a product):
 * --eol-dir DIR... if given; else the data directory ($NETINV_DATA_DIR/eol,
 * or the build-time share/netinv/eol), /etc/netinv/eol and STATE/eol
 * (what `eol update` writes); then /usr/share/distro-info for debian and
 * ubuntu. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cmd.h"
#include "netinv/eol.h"
#include "netinv/util.h"

#ifndef NETINV_DATADIR
#define NETINV_DATADIR "/usr/local/share/netinv"
#endif
#define EOL_SYSCONF_DIR         "/etc/netinv/eol"
#define STATE_DIR_DEFAULT       "/var/lib/netinv"
#define EOL_BASE_URL_DEFAULT    "https://endoflife.date/api/v1/products/"
#define EOL_DIRS_MAX            16

struct eol_opts {
        const char *dirs[EOL_DIRS_MAX];
        size_t ndirs;
        const char *distro_info;
        const char *state_dir;
        const char *base_url;
        const char *ca_file;
        long timeout;
        int32_t as_of;
        bool json;
        char data_dir[4096], state_eol[4096];
};

static void usage(FILE *f)
{
        fputs("usage: netinv eol list [PRODUCT] [options]\n"
              "       netinv eol check PRODUCT VERSION [options]\n"
              "       netinv eol update [PRODUCT...] [options]\n"
              "\n"
              "  --as-of YYYY-MM-DD      judge as on that day (default: today, UTC)\n"
              "  --eol-dir DIR           read tables only from DIR (repeatable; later wins)\n"
              "  --distro-info-dir DIR   Debian distro-info CSVs (default /usr/share/distro-info)\n"
              "  --state-dir DIR         state directory (default " STATE_DIR_DEFAULT "); update\n"
              "                          writes DIR/eol/PRODUCT.json\n"
              "  --base-url URL          API base (default " EOL_BASE_URL_DEFAULT ")\n"
              "  --ca-file FILE          trust the CAs in FILE for update (default: system store)\n"
              "  --timeout SECONDS       per download (default 60)\n"
              "  --json                  check: one JSON object\n"
              "  -q, --quiet             no warnings on stderr\n"
              "  -h, --help              this text\n",
              f);
}

static int parse_args(int argc, char **argv, struct eol_opts *o)
{
        enum { OPT_ASOF = 256, OPT_DIR, OPT_DI, OPT_STATE, OPT_URL, OPT_CA, OPT_TIMEOUT, OPT_JSON };
        static const struct option lo[] = {
                { "as-of", required_argument, NULL, OPT_ASOF },
                { "eol-dir", required_argument, NULL, OPT_DIR },
                { "distro-info-dir", required_argument, NULL, OPT_DI },
                { "state-dir", required_argument, NULL, OPT_STATE },
                { "base-url", required_argument, NULL, OPT_URL },
                { "ca-file", required_argument, NULL, OPT_CA },
                { "timeout", required_argument, NULL, OPT_TIMEOUT },
                { "json", no_argument, NULL, OPT_JSON },
                { "quiet", no_argument, NULL, 'q' },
                { "help", no_argument, NULL, 'h' },
                { 0 },
        };
        int c;
        char *end;
        o->as_of = eol_today();
        o->state_dir = STATE_DIR_DEFAULT;
        o->base_url = EOL_BASE_URL_DEFAULT;
        o->timeout = 60;
        opterr = 0;
        optind = 1;
        while ((c = getopt_long(argc, argv, ":qh", lo, NULL)) != -1) {
                switch (c) {
                case OPT_ASOF:
                        o->as_of = eol_parse_date(optarg);
                        if (o->as_of < 0)
                                return cmd_usage_error("--as-of '%s': want a date, YYYY-MM-DD", optarg);
                        break;
                case OPT_DIR:
                        if (o->ndirs == EOL_DIRS_MAX)
                                return cmd_usage_error("--eol-dir: at most %d directories", EOL_DIRS_MAX);
                        o->dirs[o->ndirs++] = optarg;
                        break;
                case OPT_DI:
                        o->distro_info = optarg;
                        break;
                case OPT_STATE:
                        o->state_dir = optarg;
                        break;
                case OPT_URL:
                        if (strncmp(optarg, "https://", 8) != 0)
                                return cmd_usage_error("--base-url '%s': want an https:// URL", optarg);
                        o->base_url = optarg;
                        break;
                case OPT_CA:
                        o->ca_file = optarg;
                        break;
                case OPT_TIMEOUT:
                        errno = 0;
                        o->timeout = strtol(optarg, &end, 10);
                        if (errno || *end || o->timeout < 1 || o->timeout > 3600)
                                return cmd_usage_error("--timeout '%s': want seconds, 1 to 3600", optarg);
                        break;
                case OPT_JSON:
                        o->json = true;
                        break;
                case 'q':
                        cmd_quiet = true;
                        break;
                case 'h':
                        usage(stdout);
                        return 1;
                default:
                        return cmd_option_error(c, "eol", argv);
                }
        }
        snprintf(o->state_eol, sizeof(o->state_eol), "%s/eol", o->state_dir);
        if (o->ndirs == 0) {
                /* NETINV_DATA_DIR: running from a source checkout or a test
                 * (meson's test environment sets it to the tree's data/). */
                const char *env = getenv("NETINV_DATA_DIR");
                snprintf(o->data_dir, sizeof(o->data_dir), "%s/eol",
                         env && env[0] ? env : NETINV_DATADIR);
                o->dirs[o->ndirs++] = o->data_dir;
                o->dirs[o->ndirs++] = EOL_SYSCONF_DIR;
                o->dirs[o->ndirs++] = o->state_eol;
        }
        return 0;
}

static int load(const struct eol_opts *o, struct eol_db **ret)
{
        int r = eol_db_load(o->dirs, o->ndirs, o->distro_info, ret);
        if (r < 0) {
                cmd_error("cannot load the end-of-life tables: %s", strerror(-r));
                return -1;
        }
        if (eol_db_errors(*ret))
                cmd_warn("%zu end-of-life table file(s) could not be read and were skipped",
                         eol_db_errors(*ret));
        if (eol_db_count(*ret) == 0) {
                cmd_error("no end-of-life tables found in %s%s (try: --eol-dir DIR, or netinv eol update)",
                          o->dirs[0], o->ndirs > 1 ? " and the other table directories" : "");
                eol_db_free(*ret);
                return -1;
        }
        return 0;
}

/* Text from a table (a download is untrusted) made terminal-safe. */
static const char *safe(char *buf, size_t n, const char *s)
{
        sanitize_term(buf, n, s, strlen(s));
        return buf;
}

static void print_verdict_line(const struct eol_verdict *v)
{
        char eol[11], ext[11], days[16], s1[200], s2[200], s3[400];
        eol_fmt_date(eol, sizeof(eol), v->eol_date);
        eol_fmt_date(ext, sizeof(ext), v->extended_date);
        if (v->days_left == EOL_NO_DATE)
                snprintf(days, sizeof(days), "-");
        else
                snprintf(days, sizeof(days), "%d", (int)v->days_left);
        printf("%-16s %-20s %-10s %-10s %-10s %6s  %s\n", safe(s1, sizeof(s1), v->product),
               safe(s2, sizeof(s2), v->cycle[0] ? v->cycle : "-"), eol_status_name(v->status), eol,
               ext, days, safe(s3, sizeof(s3), v->source[0] ? v->source : "-"));
}

static const char header[] = "PRODUCT          CYCLE                STATUS     EOL        EXTENDED   DAYS  SOURCE\n";

static int do_list(const struct eol_opts *o, int argc, char **argv)
{
        struct eol_db *db;
        if (argc > 1)
                return cmd_usage_error("eol list takes at most one PRODUCT"), NETINV_EXIT_USAGE;
        if (load(o, &db) < 0)
                return NETINV_EXIT_FAILURE;
        struct eol_product_info pi;
        char s1[200], s2[200], s3[400], gen[11];
        if (argc == 1) {
                long i = eol_db_find(db, argv[0]);
                if (i < 0) {
                        cmd_error("no table for product '%s' (try: netinv eol list)", argv[0]);
                        eol_db_free(db);
                        return NETINV_EXIT_USAGE;
                }
                eol_db_info(db, (size_t)i, &pi);
                fputs(header, stdout);
                for (size_t c = 0; c < pi.ncycles; c++) {
                        struct eol_verdict v;
                        eol_judge_cycle(db, (size_t)i, c, o->as_of, &v);
                        print_verdict_line(&v);
                }
        } else {
                printf("%-16s %6s  %-10s %-8s %-32s %s\n", "PRODUCT", "CYCLES", "GENERATED",
                       "ORIGIN", "LABEL", "SOURCE");
                for (size_t i = 0; i < eol_db_count(db); i++) {
                        eol_db_info(db, i, &pi);
                        eol_fmt_date(gen, sizeof(gen), pi.generated);
                        printf("%-16s %6zu  %-10s %-8s %-32s %s\n", safe(s1, sizeof(s1), pi.name),
                               pi.ncycles, gen, pi.upstream ? "eol.date" : "vendor",
                               safe(s2, sizeof(s2), pi.label), safe(s3, sizeof(s3), pi.source));
                }
        }
        eol_db_free(db);
        return NETINV_EXIT_OK;
}

static void add_date(cJSON *obj, const char *key, int32_t d)
{
        char b[11];
        if (d == EOL_NO_DATE) {
                cJSON_AddNullToObject(obj, key);
                return;
        }
        eol_fmt_date(b, sizeof(b), d);
        cJSON_AddStringToObject(obj, key, b);
}

static int do_check(const struct eol_opts *o, int argc, char **argv)
{
        if (argc != 2) {
                cmd_error("eol check wants PRODUCT VERSION (e.g. netinv eol check ubuntu 20.04)");
                return NETINV_EXIT_USAGE;
        }
        struct eol_db *db;
        if (load(o, &db) < 0)
                return NETINV_EXIT_FAILURE;
        struct eol_verdict v;
        eol_judge(db, argv[0], argv[1], o->as_of, &v);
        if (o->json) {
                char s[512];
                cJSON *obj = cJSON_CreateObject();
                cJSON_AddStringToObject(obj, "product", safe(s, sizeof(s), v.product));
                if (v.cycle[0])
                        cJSON_AddStringToObject(obj, "cycle", safe(s, sizeof(s), v.cycle));
                else
                        cJSON_AddNullToObject(obj, "cycle");
                cJSON_AddStringToObject(obj, "status", eol_status_name(v.status));
                add_date(obj, "date", v.eol_date);
                add_date(obj, "extended_date", v.extended_date);
                if (v.days_left == EOL_NO_DATE)
                        cJSON_AddNullToObject(obj, "days_left");
                else
                        cJSON_AddNumberToObject(obj, "days_left", v.days_left);
                if (v.source[0])
                        cJSON_AddStringToObject(obj, "source", safe(s, sizeof(s), v.source));
                else
                        cJSON_AddNullToObject(obj, "source");
                char *text = obj ? cJSON_PrintUnformatted(obj) : NULL;
                if (text)
                        puts(text);
                free(text);
                cJSON_Delete(obj);
        } else {
                fputs(header, stdout);
                print_verdict_line(&v);
        }
        eol_db_free(db);
        return NETINV_EXIT_OK;
}

static void update_err(void *ctx, const char *product, const char *why)
{
        (void)ctx;
        cmd_error("eol update: %s: %s (the old table is kept)", product, why);
}

static void update_ok(void *ctx, const char *product, size_t bytes)
{
        if (!cmd_quiet)
                cmd_info("eol update: %s: %zu bytes", product, bytes);
}

static int do_update(const struct eol_opts *o, int argc, char **argv)
{
        struct eol_db *db = NULL;
        const char **list = NULL;
        size_t n = 0;
        int rc = NETINV_EXIT_FAILURE;
        if (argc > 0) {
                list = (const char **)argv;
                n = (size_t)argc;
        } else {
                /* Every table that came from endoflife.date; the ones
                 * written from vendor pages are not there to fetch. */
                if (load(o, &db) < 0)
                        return NETINV_EXIT_FAILURE;
                list = calloc(eol_db_count(db) + 1, sizeof(*list));
                if (!list)
                        goto out;
                for (size_t i = 0; i < eol_db_count(db); i++) {
                        struct eol_product_info pi;
                        eol_db_info(db, i, &pi);
                        if (pi.upstream)
                                list[n++] = pi.name;
                }
        }
        struct eol_update_opts u = {
                .base_url = o->base_url, .ca_file = o->ca_file, .dir = o->state_eol,
                .timeout_s = o->timeout, .err_cb = update_err, .ok_cb = update_ok,
        };
        int r = eol_update(&u, list, n);
        if (r < 0)
                cmd_error("eol update: cannot use %s: %s", o->state_eol, strerror(-r));
        else if (r > 0)
                cmd_error("eol update: %d of %zu product(s) failed", r, n);
        else
                rc = NETINV_EXIT_OK;
out:
        if (list != (const char **)argv)
                free(list);
        eol_db_free(db);
        return rc;
}

int cmd_eol(int argc, char **argv)
{
        /* argv[0] is "eol", argv[1] the subcommand. */
        if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
                usage(argc < 2 ? stderr : stdout);
                return argc < 2 ? NETINV_EXIT_USAGE : NETINV_EXIT_OK;
        }
        const char *sub = argv[1];
        struct eol_opts o;
        memset(&o, 0, sizeof(o));
        int r = parse_args(argc - 1, argv + 1, &o);
        if (r > 0)
                return NETINV_EXIT_OK;
        if (r < 0)
                return NETINV_EXIT_USAGE;
        int rest = argc - 1 - optind;
        char **args = argv + 1 + optind;
        if (strcmp(sub, "list") == 0)
                return do_list(&o, rest, args);
        if (strcmp(sub, "check") == 0)
                return do_check(&o, rest, args);
        if (strcmp(sub, "update") == 0)
                return do_update(&o, rest, args);
        cmd_error("unknown eol command '%s' (try: netinv eol --help)", sub);
        return NETINV_EXIT_USAGE;
}
