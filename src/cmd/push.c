/* push.c - `netinv push`: send the spool to the register now.
 *
 * Settings come from the command line for now (the configuration file
 * takes them over later). The secret comes from --token-file or the
 * NETINV_TOKEN environment variable, never from argv; it is read first,
 * wiped from the environment, never printed, and wiped before free.
 *
 * Exit: 0 the spool is empty afterwards; 4 documents are still spooled
 * (the register could not be reached in time); 1 a document was refused
 * and moved to failed/ this run, or a local error; 2 usage.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "netinv/limits.h"
#include "netinv/push.h"

enum {
        OPT_SPOOL = 0x100, OPT_URL, OPT_TOKEN_FILE, OPT_AUTH, OPT_CA, OPT_CERT, OPT_KEY,
        OPT_INSECURE, OPT_FORMAT, OPT_SITE, OPT_AGENT, OPT_CTIMEOUT, OPT_TIMEOUT,
        OPT_RETRY_TIME, OPT_RETRY_INITIAL, OPT_RETRY_MAX, OPT_NO_GZIP, OPT_ADD, OPT_MAX_MB,
        OPT_TOKEN_URL,
};

struct push_args {
        struct push_opts o;
        const char *token_file;
        const char *add[64];
        size_t n_add;
        uint64_t max_bytes;
        bool auth_set;
};

static void usage(FILE *f)
{
        fputs("usage: netinv push --spool DIR [--url URL] [options]\n"
              "  --spool DIR             spool directory\n"
              "  --url URL               register (https://, or http:// on this host)\n"
              "  --format json|glpi      what to send (default json)\n"
              "  --token-file FILE       secret (or the NETINV_TOKEN environment variable)\n"
              "  --auth bearer|basic|oauth|none  how the secret is sent (default bearer)\n"
              "  --token-url URL         OAuth client credentials: the token endpoint\n"
              "  --ca-file FILE          CA certificate(s) to verify the register with\n"
              "  --client-cert FILE, --client-key FILE   mutual TLS\n"
              "  --insecure              do not verify the register's certificate\n"
              "  --site NAME, --agent-id ID   who is sending\n"
              "  --connect-timeout S, --timeout S, --retry-time S,\n"
              "  --retry-initial S, --retry-max S   timing (seconds, decimals allowed)\n"
              "  --no-gzip               send uncompressed\n"
              "  --add FILE              queue a netinv JSON document first (repeatable)\n"
              "  --spool-max-mb N        spool bound when queueing (default 256)\n"
              "  -q, --quiet             no progress messages\n",
              f);
}

static int parse_seconds(const char *s, unsigned *ret_ms)
{
        char *end;
        errno = 0;
        double v = strtod(s, &end);
        if (errno || end == s || *end || !isfinite(v) || v < 0 || v > 86400.0)
                return cmd_usage_error("'%s': not a number of seconds (0 to 86400)", s);
        *ret_ms = (unsigned)(v * 1000.0 + 0.5);
        return 0;
}

static int parse_args(int argc, char **argv, struct push_args *a)
{
        static const struct option lo[] = {
                { "spool", required_argument, NULL, OPT_SPOOL },
                { "url", required_argument, NULL, OPT_URL },
                { "token-file", required_argument, NULL, OPT_TOKEN_FILE },
                { "auth", required_argument, NULL, OPT_AUTH },
                { "token-url", required_argument, NULL, OPT_TOKEN_URL },
                { "ca-file", required_argument, NULL, OPT_CA },
                { "client-cert", required_argument, NULL, OPT_CERT },
                { "client-key", required_argument, NULL, OPT_KEY },
                { "insecure", no_argument, NULL, OPT_INSECURE },
                { "format", required_argument, NULL, OPT_FORMAT },
                { "site", required_argument, NULL, OPT_SITE },
                { "agent-id", required_argument, NULL, OPT_AGENT },
                { "connect-timeout", required_argument, NULL, OPT_CTIMEOUT },
                { "timeout", required_argument, NULL, OPT_TIMEOUT },
                { "retry-time", required_argument, NULL, OPT_RETRY_TIME },
                { "retry-initial", required_argument, NULL, OPT_RETRY_INITIAL },
                { "retry-max", required_argument, NULL, OPT_RETRY_MAX },
                { "no-gzip", no_argument, NULL, OPT_NO_GZIP },
                { "add", required_argument, NULL, OPT_ADD },
                { "spool-max-mb", required_argument, NULL, OPT_MAX_MB },
                { "quiet", no_argument, NULL, 'q' },
                { "help", no_argument, NULL, 'h' },
                { 0 },
        };
        struct push_opts *o = &a->o;
        int c;
        optind = 1;
        while ((c = getopt_long(argc, argv, ":qh", lo, NULL)) != -1) {
                switch (c) {
                case OPT_SPOOL: o->spool_dir = optarg; break;
                case OPT_URL: o->url = optarg; break;
                case OPT_TOKEN_FILE: a->token_file = optarg; break;
                case OPT_TOKEN_URL: o->token_url = optarg; break;
                case OPT_CA: o->ca_file = optarg; break;
                case OPT_CERT: o->client_cert = optarg; break;
                case OPT_KEY: o->client_key = optarg; break;
                case OPT_INSECURE: o->insecure = true; break;
                case OPT_SITE: o->site = optarg; break;
                case OPT_AGENT: o->agent_id = optarg; break;
                case OPT_NO_GZIP: o->no_gzip = true; break;
                case 'q': cmd_quiet = true; break;
                case OPT_AUTH:
                        a->auth_set = true;
                        if (strcmp(optarg, "bearer") == 0)
                                o->auth = PUSH_AUTH_BEARER;
                        else if (strcmp(optarg, "basic") == 0)
                                o->auth = PUSH_AUTH_BASIC;
                        else if (strcmp(optarg, "oauth") == 0)
                                o->auth = PUSH_AUTH_OAUTH;
                        else if (strcmp(optarg, "none") == 0)
                                o->auth = PUSH_AUTH_NONE;
                        else
                                return cmd_usage_error("--auth '%s': one of bearer, basic, oauth, none", optarg);
                        break;
                case OPT_FORMAT:
                        if (strcmp(optarg, "json") == 0)
                                o->format = PUSH_FORMAT_JSON;
                        else if (strcmp(optarg, "glpi") == 0)
                                o->format = PUSH_FORMAT_GLPI;
                        else
                                return cmd_usage_error("--format '%s': one of json, glpi", optarg);
                        break;
                case OPT_CTIMEOUT:
                        if (parse_seconds(optarg, &o->connect_timeout_ms) < 0)
                                return -1;
                        break;
                case OPT_TIMEOUT:
                        if (parse_seconds(optarg, &o->timeout_ms) < 0)
                                return -1;
                        break;
                case OPT_RETRY_TIME:
                        if (parse_seconds(optarg, &o->retry_total_ms) < 0)
                                return -1;
                        break;
                case OPT_RETRY_INITIAL:
                        if (parse_seconds(optarg, &o->retry_initial_ms) < 0)
                                return -1;
                        break;
                case OPT_RETRY_MAX:
                        if (parse_seconds(optarg, &o->retry_max_ms) < 0)
                                return -1;
                        break;
                case OPT_ADD:
                        if (a->n_add == sizeof(a->add) / sizeof(a->add[0]))
                                return cmd_usage_error("--add: at most 64 files at once");
                        a->add[a->n_add++] = optarg;
                        break;
                case OPT_MAX_MB: {
                        char *end;
                        errno = 0;
                        unsigned long long v = strtoull(optarg, &end, 10);
                        if (errno || end == optarg || *end || v == 0 || v > 1024 * 1024)
                                return cmd_usage_error("--spool-max-mb '%s': a number of MiB, 1 or more", optarg);
                        a->max_bytes = v * 1024 * 1024;
                        break;
                }
                case 'h':
                        usage(stdout);
                        return 1;
                default:
                        return cmd_option_error(c, "push", argv);
                }
        }
        if (optind < argc)
                return cmd_usage_error("unexpected argument '%s' (try: netinv push --help)", argv[optind]);
        if (!o->spool_dir)
                return cmd_usage_error("no spool directory (try: netinv push --spool /var/spool/netinv --url URL)");
        if (!o->url && a->n_add == 0)
                return cmd_usage_error("no register URL (try: --url https://register.example/inventory)");
        if (o->site && !o->site[0])
                return cmd_usage_error("--site: empty name");
        if (o->agent_id && (strlen(o->agent_id) > 64 || !spool_scan_id_ok(o->agent_id)))
                return cmd_usage_error("--agent-id '%s': 1 to 64 letters, digits and '-'", o->agent_id);
        if (o->auth == PUSH_AUTH_OAUTH && !o->token_url)
                return cmd_usage_error("--auth oauth needs --token-url (GLPI 11: https://glpi.example/api.php/token)");
        if (o->timeout_ms == 0 || o->connect_timeout_ms == 0)
                return cmd_usage_error("timeouts must be more than 0 seconds");
        return 0;
}

/* The secret: --token-file, else NETINV_TOKEN (copied, then wiped from
 * the environment so that no child and no /proc/PID/environ reader sees
 * it). */
static int read_secret(struct push_args *a, char **ret)
{
        if (a->token_file) {
                int r = push_read_secret(a->token_file, ret);
                if (r == -EPERM)
                        cmd_error("'%s': readable by everyone; a token file must not be (try: chmod 600 '%s')",
                                  a->token_file, a->token_file);
                else if (r == -ENODATA)
                        cmd_error("'%s': empty; the token is its first line", a->token_file);
                else if (r < 0)
                        cmd_error("'%s': %s", a->token_file, strerror(-r));
                return r;
        }
        char *env = getenv("NETINV_TOKEN");
        if (env && env[0]) {
                char *s = strdup(env);
                explicit_bzero(env, strlen(env));
                unsetenv("NETINV_TOKEN");
                if (!s) {
                        cmd_error("out of memory");
                        return -ENOMEM;
                }
                s[strcspn(s, "\r\n")] = '\0';
                *ret = s;
        }
        return 0;
}

static void on_note(void *ctx, int level, const char *msg)
{
        if (level >= 2)
                cmd_error("%s", msg);
        else if (level == 1)
                cmd_warn("%s", msg);
        else if (!cmd_quiet)
                cmd_info("%s", msg);
}

/* For `netinv scan --push`: the same secret rules and messages. */
int cmd_push_secret(const char *token_file, char **ret)
{
        struct push_args a = { .token_file = token_file };
        return read_secret(&a, ret);
}

void cmd_push_note(void *ctx, int level, const char *msg)
{
        on_note(ctx, level, msg);
}

/* Queue a document file; its scan id is read from scan.id. */
static int add_file(const struct push_args *a, const char *path)
{
        struct spool_entry e;
        char *doc = NULL, *dir_copy = NULL;
        size_t len = 0;
        memset(&e, 0, sizeof(e));
        /* spool_read reads DIR/NAME: split the path. */
        const char *slash = strrchr(path, '/');
        if (slash) {
                dir_copy = strndup(path, (size_t)(slash - path) ? (size_t)(slash - path) : 1);
                snprintf(e.name, sizeof(e.name), "%s", slash + 1);
        } else {
                snprintf(e.name, sizeof(e.name), "%s", path);
        }
        int r = spool_read(dir_copy ? dir_copy : ".", &e, &doc, &len);
        free(dir_copy);
        if (r < 0) {
                cmd_error("'%s': %s", path, strerror(-r));
                return r;
        }
        char id[65] = "";
        cJSON *root = cJSON_ParseWithLength(doc, len);
        const cJSON *sid = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(root, "scan"), "id");
        if (cJSON_IsString(sid) && strlen(sid->valuestring) < sizeof(id))
                snprintf(id, sizeof(id), "%s", sid->valuestring);
        cJSON_Delete(root);
        if (!spool_scan_id_ok(id)) {
                cmd_error("'%s': no scan.id in it; is it a netinv JSON document?", path);
                free(doc);
                return -EINVAL;
        }
        struct spool_stats st;
        r = spool_put(a->o.spool_dir, id, doc, len, a->max_bytes, &st);
        free(doc);
        if (r == -EFBIG) {
                cmd_error("'%s': larger than the spool bound (--spool-max-mb); not queued", path);
                return r;
        }
        if (r < 0) {
                cmd_error("'%s': cannot queue it: %s", a->o.spool_dir, strerror(-r));
                return r;
        }
        if (st.dropped)
                /* Loud: even with -q (cmd_info ignores it). */
                cmd_info("warning: SPOOL FULL: dropped the %u oldest document%s from '%s' to queue scan %s; "
                         "%llu dropped since the register last heard (the next document carries the count)",
                         st.dropped, st.dropped == 1 ? "" : "s", a->o.spool_dir, id,
                         (unsigned long long)st.dropped_unreported);
        return 0;
}

int cmd_push(int argc, char **argv)
{
        struct push_args a;
        char *secret = NULL;
        int rc = NETINV_EXIT_FAILURE;
        memset(&a, 0, sizeof(a));
        push_opts_init(&a.o);
        a.max_bytes = SPOOL_MAX_BYTES_DEFAULT;
        a.o.note = on_note;

        int pr = parse_args(argc, argv, &a);
        if (pr != 0)
                return pr > 0 ? NETINV_EXIT_OK : NETINV_EXIT_USAGE;

        if (read_secret(&a, &secret) < 0)
                goto out;
        if (secret && !a.auth_set)
                a.o.auth = PUSH_AUTH_BEARER;
        if (a.o.auth != PUSH_AUTH_NONE && !secret) {
                cmd_error("--auth needs a secret (--token-file FILE or NETINV_TOKEN)");
                rc = NETINV_EXIT_USAGE;
                goto out;
        }
        a.o.secret = a.o.auth == PUSH_AUTH_NONE ? NULL : secret;

        for (size_t i = 0; i < a.n_add; i++)
                if (add_file(&a, a.add[i]) < 0)
                        goto out;
        if (!a.o.url) {
                struct spool_entry *v = NULL;
                int n = spool_list(a.o.spool_dir, &v);
                free(v);
                rc = n > 0 ? NETINV_EXIT_PENDING : n == 0 ? NETINV_EXIT_OK : NETINV_EXIT_FAILURE;
                goto out;
        }

        bool plain_remote = false;
        if (push_url_plain_remote(a.o.url, &plain_remote) < 0) {
                cmd_error("'%s': not an http:// or https:// URL", a.o.url);
                rc = NETINV_EXIT_USAGE;
                goto out;
        }
        bool plain_token = false;
        if (a.o.token_url && push_url_plain_remote(a.o.token_url, &plain_token) < 0) {
                cmd_error("'%s': not an http:// or https:// URL", a.o.token_url);
                rc = NETINV_EXIT_USAGE;
                goto out;
        }
        /* Security warnings are printed even with -q. */
        if (plain_token && a.o.secret)
                cmd_info("warning: '%s' is plain http to another host: the client secret crosses the network unencrypted (use https://)",
                         a.o.token_url);
        if (plain_remote && a.o.secret)
                cmd_info("warning: '%s' is plain http to another host: the token crosses the network unencrypted (use https://)",
                         a.o.url);
        if (a.o.insecure)
                cmd_info("warning: --insecure: the register's certificate is not verified; anyone on the path can read the token and the inventory");

        struct push_result res;
        int r = push_spool(&a.o, &res);
        if (r == -EWOULDBLOCK) {
                /* Not an error: that run sends what is queued. */
                cmd_warn("'%s': another netinv push is sending this spool now; left to it", a.o.spool_dir);
                rc = NETINV_EXIT_PENDING;
                goto out;
        }
        if (r == -EACCES) {
                cmd_error("no token for the register: %s; %u document%s still spooled", res.last_error,
                          res.pending, res.pending == 1 ? "" : "s");
                goto out;
        }
        if (r < 0) {
                cmd_error("'%s': %s", a.o.spool_dir, strerror(-r));
                goto out;
        }
        if (res.dropped_reported)
                cmd_warn("reported %llu document%s dropped from the full spool to the register",
                         (unsigned long long)res.dropped_reported, res.dropped_reported == 1 ? "" : "s");
        if (!cmd_quiet || res.failed || res.pending)
                cmd_info("push: %u sent, %u refused%s, %u still spooled (%u requests, %u retries)",
                         res.sent, res.failed, res.failed ? " (see failed/ in the spool)" : "",
                         res.pending, res.attempts, res.retries);
        rc = res.failed ? NETINV_EXIT_FAILURE : res.pending ? NETINV_EXIT_PENDING : NETINV_EXIT_OK;
out:
        if (secret) {
                explicit_bzero(secret, strlen(secret));
                free(secret);
        }
        return rc;
}
