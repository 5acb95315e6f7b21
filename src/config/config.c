/* config.c - the configuration file parser and writer. See config.h and
 * man/netinv.conf.5 (the grammar and every key).
 *
 * One table describes every key: its name, type, where it lives in struct
 * config and its range. Parsing a line is: strip, section or "key = value",
 * unquote, look the key up, convert by type. Nothing is allocated.
 */
#include "netinv/config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>


enum ctype {
        T_STR,          /* printable text, no control characters */
        T_PATH,         /* text; "" not allowed */
        T_IFACE,
        T_URL,          /* http:// or https:// */
        T_BOOL,
        T_UINT,
        T_SECS,         /* seconds, decimals, optional s/m/h/d suffix */
        T_ENUM,
        T_NETS,         /* list of addresses or CIDR prefixes */
        T_PORTS,        /* list of ports and port ranges */
        T_PROBES,       /* list of probe names, "all", "none" */
        T_DATE,         /* YYYY-MM-DD, or "today" */
};

struct ckey {
        const char *name;
        enum ctype type;
        size_t off, size;       /* where in struct config, how big */
        double min, max;        /* T_UINT, T_SECS */
        const char *const *names;       /* T_ENUM, NULL-terminated */
        size_t count_off;       /* T_NETS, T_PORTS: the n_ member */
};

static const char *const fmt_names[] = { "table", "json", "ndjson", "csv", "auto", NULL };
static const char *const color_names[] = { "auto", "always", "never", NULL };
static const char *const push_fmt_names[] = { "netinv", "glpi", NULL };
static const char *const probe_names[PROBE_MAX] = {
        [PROBE_ARP] = "arp", [PROBE_NDP] = "ndp", [PROBE_MDNS] = "mdns", [PROBE_SSDP] = "ssdp",
        [PROBE_NBNS] = "nbns", [PROBE_TCP] = "tcp", [PROBE_SSH] = "ssh", [PROBE_HTTP] = "http",
        [PROBE_SMB] = "smb", [PROBE_RDP] = "rdp", [PROBE_SNMP] = "snmp", [PROBE_UPNP] = "upnp",
};

#define F(m) .off = offsetof(struct config, m), .size = sizeof(((struct config *)0)->m)
#define K(n, t, m) { .name = n, .type = t, F(m) }
#define KR(n, t, m, lo, hi) { .name = n, .type = t, F(m), .min = lo, .max = hi }
#define KE(n, m, nm) { .name = n, .type = T_ENUM, F(m), .names = nm }
#define KL(n, t, m, cnt) { .name = n, .type = t, F(m), .count_off = offsetof(struct config, cnt) }
#define YEAR_SECS 31536000.0

static const struct ckey keys[CK_MAX] = {
        [CK_INTERFACE] = K("interface", T_IFACE, interface),
        [CK_RANGES] = KL("ranges", T_NETS, ranges, n_ranges),
        [CK_EXCLUDE] = KL("exclude", T_NETS, exclude, n_exclude),
        [CK_PASSIVE] = K("passive", T_BOOL, passive),
        [CK_PROBES] = K("probes", T_PROBES, probes),
        [CK_RATE] = KR("rate", T_UINT, rate, 1, 100000),
        [CK_RETRIES] = KR("retries", T_UINT, retries, 0, 10),
        [CK_TIMEOUT] = KR("timeout", T_SECS, timeout, 0.001, 3600),
        [CK_PORTS] = KL("ports", T_PORTS, ports, n_ports),
        [CK_DURATION] = KR("duration", T_SECS, duration, 0.001, YEAR_SECS),
        [CK_PROMISC] = K("promisc", T_BOOL, promisc),
        [CK_FORMAT] = KE("format", format, fmt_names),
        [CK_OUTPUT] = K("output", T_PATH, output),
        [CK_COLOR] = KE("color", color, color_names),
        [CK_QUIET] = K("quiet", T_BOOL, quiet),
        [CK_VERBOSE] = K("verbose", T_BOOL, verbose),
        [CK_MAX_DEVICES] = KR("max_devices", T_UINT, max_devices, 1, 4294967294.0),
        [CK_OUI] = K("oui", T_PATH, oui),
        [CK_USER] = K("user", T_STR, user),
        [CK_STATE_DIR] = K("state_dir", T_PATH, state_dir),
        [CK_SPOOL_DIR] = K("spool_dir", T_PATH, spool_dir),
        [CK_SITE] = K("site", T_STR, site),
        [CK_AS_OF] = K("as_of", T_DATE, as_of),
        [CK_FAIL_ON_EOL] = K("fail_on_eol", T_BOOL, fail_on_eol),
        [CK_FORGET_AFTER] = KR("forget_after", T_UINT, forget_after, 0, 36500),
        [CK_STALE] = KR("stale", T_UINT, stale, 1, 36500),
        [CK_SYSLOG] = K("syslog", T_BOOL, syslog),
        [CK_PUSH_URL] = K("push.url", T_URL, push.url),
        [CK_PUSH_TOKEN_FILE] = K("push.token_file", T_PATH, push.token_file),
        [CK_PUSH_CA_FILE] = K("push.ca_file", T_PATH, push.ca_file),
        [CK_PUSH_CLIENT_CERT] = K("push.client_cert", T_PATH, push.client_cert),
        [CK_PUSH_CLIENT_KEY] = K("push.client_key", T_PATH, push.client_key),
        [CK_PUSH_FORMAT] = KE("push.format", push.format, push_fmt_names),
        [CK_PUSH_INTERVAL] = KR("push.interval", T_SECS, push.interval, 1, YEAR_SECS),
        [CK_PUSH_ON_NEW] = K("push.on_new", T_BOOL, push.on_new),
        [CK_PUSH_SPOOL_MAX_MB] = KR("push.spool_max_mb", T_UINT, push.spool_max_mb, 1, 1048576),
        [CK_PUSH_CONNECT_TIMEOUT] = KR("push.connect_timeout", T_SECS, push.connect_timeout,
                                       0.001, 3600),
        [CK_PUSH_TIMEOUT] = KR("push.timeout", T_SECS, push.timeout, 0.001, 3600),
        [CK_LISTEN_SAVE_INTERVAL] = KR("listen.save_interval", T_SECS, listen.save_interval,
                                       0.1, 86400),
};

void config_defaults(struct config *ret)
{
        memset(ret, 0, sizeof(*ret));
        ret->probes = CONFIG_PROBES_ALL;
        ret->rate = 200;
        ret->retries = 2;
        ret->timeout = 1.0;
        ret->duration = 30.0;
        ret->promisc = true;
        ret->format = CFMT_MAX;
        ret->color = COLOR_AUTO;
        ret->max_devices = 65536;
        snprintf(ret->state_dir, sizeof(ret->state_dir), "%s", CONFIG_STATE_DIR);
        ret->as_of = -1;
        ret->stale = 183;               /* the guides' "every six months" */
        ret->push.format = PUSH_FMT_NETINV;
        ret->push.interval = 300.0;
        ret->push.spool_max_mb = 64;
        ret->push.connect_timeout = 10.0;
        ret->push.timeout = 60.0;
        ret->listen.save_interval = 60.0;
}

const char *config_key_name(enum config_key k)
{
        return (unsigned)k < CK_MAX ? keys[k].name : "?";
}

enum config_key config_key_from_name(const char *name)
{
        for (unsigned i = 0; i < CK_MAX; i++)
                if (strcmp(keys[i].name, name) == 0)
                        return (enum config_key)i;
        return CK_MAX;
}

bool config_is_set(const struct config *c, enum config_key k)
{
        return (unsigned)k < CK_MAX && c->set[k];
}

const char *config_probe_name(enum config_probe p)
{
        return (unsigned)p < PROBE_MAX ? probe_names[p] : "?";
}

__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
        va_list ap;
        if (errlen) {
                va_start(ap, fmt);
                vsnprintf(err, errlen, fmt, ap);
                va_end(ap);
        }
        return -EINVAL;
}

/* Next list item (separated by commas and/or blanks) into item; false at the end. */
static bool next_item(const char **p, char *item, size_t cap, bool *toolong)
{
        const char *s = *p;
        while (*s == ',' || *s == ' ' || *s == '\t')
                s++;
        if (!*s)
                return false;
        size_t n = strcspn(s, ", \t");
        *toolong = n >= cap;
        if (n >= cap)
                n = cap - 1;
        memcpy(item, s, n);
        item[n] = '\0';
        *p = s + strcspn(s, ", \t");
        return true;
}

static int parse_net(const char *s, struct config_net *ret)
{
        char a[64];
        const char *slash = strchr(s, '/');
        size_t alen = slash ? (size_t)(slash - s) : strlen(s);
        if (alen == 0 || alen >= sizeof(a))
                return -1;
        memcpy(a, s, alen);
        a[alen] = '\0';
        struct config_net n = { 0 };
        if (inet_pton(AF_INET, a, n.addr) == 1)
                n.family = 4;
        else if (inet_pton(AF_INET6, a, n.addr) == 1)
                n.family = 6;
        else
                return -1;
        unsigned max = n.family == 4 ? 32 : 128;
        n.prefix = (uint8_t)max;
        if (slash) {
                char *end;
                if (!slash[1] || slash[1] == '-' || slash[1] == '+')
                        return -1;
                errno = 0;
                unsigned long p = strtoul(slash + 1, &end, 10);
                if (errno || *end || p > max)
                        return -1;
                n.prefix = (uint8_t)p;
        }
        for (unsigned bit = n.prefix; bit < max; bit++)
                n.addr[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
        *ret = n;
        return 0;
}

static int parse_port(const char *s, const char *end, uint16_t *ret)
{
        unsigned v = 0;
        if (s == end || end - s > 5)
                return -1;
        for (; s < end; s++) {
                if (*s < '0' || *s > '9')
                        return -1;
                v = v * 10 + (unsigned)(*s - '0');
        }
        if (v < 1 || v > 65535)
                return -1;
        *ret = (uint16_t)v;
        return 0;
}

static int parse_secs(const char *s, double min, double max, double *ret)
{
        char *end;
        if (!*s || !((*s >= '0' && *s <= '9') || *s == '.'))
                return -1;
        errno = 0;
        double v = strtod(s, &end);
        if (errno || end == s)
                return -1;
        double mult = 1;
        if (*end) {
                if (end[1])
                        return -1;
                switch (*end) {
                case 's': mult = 1; break;
                case 'm': mult = 60; break;
                case 'h': mult = 3600; break;
                case 'd': mult = 86400; break;
                default: return -1;
                }
        }
        v *= mult;
        if (!isfinite(v) || v < min || v > max)
                return -1;
        *ret = v;
        return 0;
}

/* "YYYY-MM-DD" → days since the epoch; -1 when not a real date from 1970. */
static int32_t parse_date(const char *s)
{
        int y, m, d, n = 0;
        if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
            s[4] != '-' || s[7] != '-' || y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
                return -1;
        for (int i = 0; i < 10; i++)
                if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
                        return -1;
        struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d };
        time_t t = timegm(&tm);
        if (t < 0 || tm.tm_mday != d)   /* timegm normalises 31 April to 1 May */
                return -1;
        return (int32_t)(t / 86400);
}

static bool printable(const char *s)
{
        for (; *s; s++)
                if ((unsigned char)*s < 0x20 || *s == 0x7f)
                        return false;
        return true;
}

int config_set(struct config *c, enum config_key k, const char *v, char *err, size_t errlen)
{
        if ((unsigned)k >= CK_MAX)
                return fail(err, errlen, "unknown key");
        const struct ckey *d = &keys[k];
        char *field = (char *)c + d->off;
        char item[128];
        bool toolong;

        switch (d->type) {
        case T_URL:
                if (strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0)
                        return fail(err, errlen, "'%s' is not an http:// or https:// URL", v);
                if (strchr(v, ' '))
                        return fail(err, errlen, "a URL has no spaces");
                __attribute__((fallthrough));
        case T_STR:
        case T_PATH:
        case T_IFACE:
                if (strlen(v) >= d->size)
                        return fail(err, errlen, "longer than %zu characters", d->size - 1);
                if (!printable(v))
                        return fail(err, errlen, "control characters are not allowed");
                if (d->type != T_STR && !*v)
                        return fail(err, errlen, "empty value");
                if (d->type == T_IFACE && (strchr(v, '/') || strchr(v, ' ')))
                        return fail(err, errlen, "'%s' is not an interface name", v);
                /* whole field rewritten: no tail of a longer earlier value */
                memset(field, 0, d->size);
                memcpy(field, v, strlen(v));
                break;
        case T_BOOL: {
                static const char *const yes[] = { "yes", "true", "on", "1" };
                static const char *const no[] = { "no", "false", "off", "0" };
                for (size_t i = 0; i < 4; i++) {
                        if (strcmp(v, yes[i]) == 0) {
                                *(bool *)field = true;
                                goto done;
                        }
                        if (strcmp(v, no[i]) == 0) {
                                *(bool *)field = false;
                                goto done;
                        }
                }
                return fail(err, errlen, "'%s' is not yes or no", v);
        }
        case T_UINT: {
                char *end;
                errno = 0;
                unsigned long long n = strtoull(v, &end, 10);
                if (!*v || *v < '0' || *v > '9' || errno || *end || (double)n < d->min ||
                    (double)n > d->max)
                        return fail(err, errlen, "'%s' is not a number from %.0f to %.0f", v,
                                    d->min, d->max);
                *(uint32_t *)field = (uint32_t)n;
                break;
        }
        case T_SECS:
                if (parse_secs(v, d->min, d->max, (double *)field) < 0)
                        return fail(err, errlen, "'%s' is not a time from %g to %g seconds "
                                    "(a number, optionally with s, m, h or d)", v, d->min, d->max);
                break;
        case T_ENUM:
                for (int i = 0; d->names[i]; i++)
                        if (strcmp(v, d->names[i]) == 0) {
                                *(int *)field = i;
                                goto done;
                        }
                return fail(err, errlen, "'%s' is not one of the allowed values", v);
        case T_DATE: {
                int32_t day = strcmp(v, "today") == 0 ? -1 : parse_date(v);
                if (day == -1 && strcmp(v, "today") != 0)
                        return fail(err, errlen, "'%s' is not a date YYYY-MM-DD or today", v);
                *(int32_t *)field = day;
                break;
        }
        case T_NETS: {
                struct config_net nets[CONFIG_LIST_MAX];
                size_t n = 0;
                while (next_item(&v, item, sizeof(item), &toolong)) {
                        if (n == CONFIG_LIST_MAX)
                                return fail(err, errlen, "more than %u entries", CONFIG_LIST_MAX);
                        if (toolong || parse_net(item, &nets[n]) < 0)
                                return fail(err, errlen, "'%s' is not an address or prefix "
                                            "(198.18.0.0/24, 2001:db8::/64)", item);
                        n++;
                }
                memset(field, 0, d->size);
                memcpy(field, nets, n * sizeof(nets[0]));
                *(size_t *)((char *)c + d->count_off) = n;
                break;
        }
        case T_PORTS: {
                struct config_ports ports[CONFIG_LIST_MAX];
                size_t n = 0;
                while (next_item(&v, item, sizeof(item), &toolong)) {
                        if (n == CONFIG_LIST_MAX)
                                return fail(err, errlen, "more than %u entries", CONFIG_LIST_MAX);
                        const char *dash = strchr(item, '-');
                        const char *e = item + strlen(item);
                        struct config_ports *p = &ports[n];
                        if (toolong || parse_port(item, dash ? dash : e, &p->lo) < 0 ||
                            (dash && parse_port(dash + 1, e, &p->hi) < 0))
                                return fail(err, errlen, "'%s' is not a port or range (1-65535)",
                                            item);
                        if (!dash)
                                p->hi = p->lo;
                        if (p->hi < p->lo)
                                return fail(err, errlen, "'%s': the range runs backwards", item);
                        n++;
                }
                memset(field, 0, d->size);
                memcpy(field, ports, n * sizeof(ports[0]));
                *(size_t *)((char *)c + d->count_off) = n;
                break;
        }
        case T_PROBES: {
                uint32_t bits = 0;
                bool any = false;
                while (next_item(&v, item, sizeof(item), &toolong)) {
                        any = true;
                        if (strcmp(item, "all") == 0) {
                                bits = CONFIG_PROBES_ALL;
                                continue;
                        }
                        if (strcmp(item, "none") == 0)
                                continue;
                        unsigned i;
                        for (i = 0; i < PROBE_MAX; i++)
                                if (strcmp(item, probe_names[i]) == 0)
                                        break;
                        if (i == PROBE_MAX || toolong)
                                return fail(err, errlen, "'%s' is not a probe (see netinv.conf(5))",
                                            item);
                        bits |= 1u << i;
                }
                if (!any)
                        return fail(err, errlen, "empty list (say none)");
                *(uint32_t *)field = bits;
                break;
        }
        }
done:
        c->set[k] = true;
        return 0;
}

/* Unquote value text in place: "..." with \" and \\, or a bare word that
 * ends at a " #" / " ;" comment. NULL when malformed (why in *why). */
static char *unquote(char *s, const char **why)
{
        if (*s != '"') {
                for (char *p = s; *p; p++)
                        if ((*p == '#' || *p == ';') && p > s && (p[-1] == ' ' || p[-1] == '\t')) {
                                *p = '\0';
                                break;
                        }
                size_t n = strlen(s);
                while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
                        s[--n] = '\0';
                if (strchr(s, '"')) {
                        *why = "a quote inside a bare value (quote the whole value)";
                        return NULL;
                }
                return s;
        }
        char *out = s, *p = s + 1;
        for (;; p++) {
                if (!*p) {
                        *why = "no closing quote";
                        return NULL;
                }
                if (*p == '"')
                        break;
                if (*p == '\\') {
                        p++;
                        if (*p != '"' && *p != '\\') {
                                *why = "only \\\" and \\\\ are escapes";
                                return NULL;
                        }
                }
                *out++ = *p;
        }
        p++;
        while (*p == ' ' || *p == '\t')
                p++;
        if (*p && *p != '#' && *p != ';') {
                *why = "text after the closing quote";
                return NULL;
        }
        *out = '\0';
        return s;
}

int config_parse(const char *name, const char *buf, size_t len, struct config *ret, char *err,
                 size_t errlen)
{
        struct config c;
        char line[CONFIG_LINE_MAX + 1], section[32] = "", key[96];
        size_t lineno = 0, pos = 0;
        char why[512];

        config_defaults(&c);
        if (len > CONFIG_FILE_MAX)
                return fail(err, errlen, "%s: bigger than %u bytes", name, CONFIG_FILE_MAX);
        if (memchr(buf, '\0', len))
                return fail(err, errlen, "%s: a NUL byte: not a text file", name);
        while (pos < len) {
                const char *nl = memchr(buf + pos, '\n', len - pos);
                size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
                lineno++;
                if (n > CONFIG_LINE_MAX)
                        return fail(err, errlen, "%s:%zu: line longer than %u bytes", name, lineno,
                                    CONFIG_LINE_MAX);
                memcpy(line, buf + pos, n);
                line[n] = '\0';
                pos += n + (nl ? 1 : 0);
                if (n && line[n - 1] == '\r')
                        line[--n] = '\0';

                char *s = line;
                while (*s == ' ' || *s == '\t')
                        s++;
                if (!*s || *s == '#' || *s == ';')
                        continue;
                if (*s == '[') {
                        char *close = strchr(s, ']');
                        char *rest = close ? close + 1 : NULL;
                        while (rest && (*rest == ' ' || *rest == '\t'))
                                rest++;
                        if (!close || (*rest && *rest != '#' && *rest != ';'))
                                return fail(err, errlen, "%s:%zu: a section header is [name]",
                                            name, lineno);
                        *close = '\0';
                        if (strcmp(s + 1, "push") != 0 && strcmp(s + 1, "listen") != 0 &&
                            strcmp(s + 1, "netinv") != 0) {
                                char safe[40];
                                snprintf(safe, sizeof(safe), "%s", s + 1);
                                return fail(err, errlen, "%s:%zu: [%s]: unknown section "
                                            "(there are [netinv], [push] and [listen])", name, lineno,
                                            printable(safe) ? safe : "?");
                        }
                        snprintf(section, sizeof(section), "%s",
                                 strcmp(s + 1, "netinv") ? s + 1 : "");
                        continue;
                }
                char *eq = strchr(s, '=');
                if (!eq)
                        return fail(err, errlen, "%s:%zu: want key = value", name, lineno);
                char *ke = eq;
                while (ke > s && (ke[-1] == ' ' || ke[-1] == '\t'))
                        ke--;
                *ke = '\0';
                if (ke - s >= 64 || !printable(s)) {
                        return fail(err, errlen, "%s:%zu: unknown key", name, lineno);
                }
                snprintf(key, sizeof(key), "%.31s%s%.63s", section, *section ? "." : "", s);
                enum config_key k = config_key_from_name(key);
                if (k == CK_MAX)
                        return fail(err, errlen, "%s:%zu: %s: unknown key", name, lineno, key);
                char *v = eq + 1;
                while (*v == ' ' || *v == '\t')
                        v++;
                const char *bad = NULL;
                v = unquote(v, &bad);
                if (!v)
                        return fail(err, errlen, "%s:%zu: %s: %s", name, lineno, key, bad);
                if (config_set(&c, k, v, why, sizeof(why)) < 0)
                        return fail(err, errlen, "%s:%zu: %s: %s", name, lineno, key, why);
        }
        *ret = c;
        return 0;
}

int config_load(const char *path, struct config *ret, char *err, size_t errlen)
{
        const char *p = path ? path : CONFIG_DEFAULT_PATH;
        int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
                int e = errno;
                if (!path && e == ENOENT) {
                        config_defaults(ret);
                        return 0;
                }
                fail(err, errlen, "%s: cannot read: %s", p, strerror(e));
                return -e;
        }
        struct stat st;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
                close(fd);
                fail(err, errlen, "%s: cannot read: not a regular file", p);
                return -EINVAL;
        }
        char *buf = malloc(CONFIG_FILE_MAX + 1);
        if (!buf) {
                close(fd);
                fail(err, errlen, "%s: out of memory", p);
                return -ENOMEM;
        }
        size_t len = 0;
        for (;;) {
                ssize_t r = read(fd, buf + len, CONFIG_FILE_MAX + 1 - len);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0) {
                        int e = errno;
                        close(fd);
                        free(buf);
                        fail(err, errlen, "%s: cannot read: %s", p, strerror(e));
                        return -e;
                }
                if (r == 0 || (len += (size_t)r) > CONFIG_FILE_MAX)
                        break;
        }
        close(fd);
        int r = config_parse(p, buf, len, ret, err, errlen);
        free(buf);
        return r;
}

/* A value as config_parse reads it back: quoted when it needs to be. */
static void put_str(FILE *f, const char *k, const char *v)
{
        fprintf(f, "%s = \"", k);
        for (; *v; v++) {
                if (*v == '"' || *v == '\\')
                        fputc('\\', f);
                fputc(*v, f);
        }
        fputs("\"\n", f);
}

static void put_nets(FILE *f, const char *k, const struct config_net *n, size_t cnt)
{
        char a[64];
        fprintf(f, "%s =", k);
        for (size_t i = 0; i < cnt; i++) {
                inet_ntop(n[i].family == 4 ? AF_INET : AF_INET6, n[i].addr, a, sizeof(a));
                fprintf(f, "%s %s/%u", i ? "," : "", a, n[i].prefix);
        }
        fputc('\n', f);
}

int config_write(FILE *f, const struct config *c)
{
        for (unsigned i = 0; i < CK_MAX; i++) {
                const struct ckey *d = &keys[i];
                const char *field = (const char *)c + d->off;
                switch (d->type) {
                case T_STR:
                case T_PATH:
                case T_IFACE:
                case T_URL:
                        if (*field || d->type == T_STR)
                                put_str(f, d->name, field);
                        else
                                fprintf(f, "# %s is not set\n", d->name);
                        break;
                case T_BOOL:
                        fprintf(f, "%s = %s\n", d->name, *(const bool *)field ? "yes" : "no");
                        break;
                case T_UINT:
                        fprintf(f, "%s = %u\n", d->name, *(const uint32_t *)field);
                        break;
                case T_SECS:
                        fprintf(f, "%s = %.17g\n", d->name, *(const double *)field);
                        break;
                case T_ENUM:
                        fprintf(f, "%s = %s\n", d->name, d->names[*(const int *)field]);
                        break;
                case T_DATE: {
                        int32_t day = *(const int32_t *)field;
                        if (day == -1) {
                                fprintf(f, "%s = today\n", d->name);
                                break;
                        }
                        time_t t = (time_t)day * 86400;
                        struct tm tm;
                        char b[16];
                        gmtime_r(&t, &tm);
                        strftime(b, sizeof(b), "%Y-%m-%d", &tm);
                        fprintf(f, "%s = %s\n", d->name, b);
                        break;
                }
                case T_NETS:
                        put_nets(f, d->name, (const struct config_net *)field,
                                 *(const size_t *)((const char *)c + d->count_off));
                        break;
                case T_PORTS: {
                        const struct config_ports *p = (const struct config_ports *)field;
                        size_t cnt = *(const size_t *)((const char *)c + d->count_off);
                        fprintf(f, "%s =", d->name);
                        for (size_t j = 0; j < cnt; j++) {
                                if (p[j].lo == p[j].hi)
                                        fprintf(f, "%s %u", j ? "," : "", p[j].lo);
                                else
                                        fprintf(f, "%s %u-%u", j ? "," : "", p[j].lo, p[j].hi);
                        }
                        fputc('\n', f);
                        break;
                }
                case T_PROBES: {
                        uint32_t bits = *(const uint32_t *)field;
                        fprintf(f, "%s =", d->name);
                        if (!bits)
                                fputs(" none", f);
                        for (unsigned j = 0; j < PROBE_MAX; j++)
                                if (bits & (1u << j))
                                        fprintf(f, " %s", probe_names[j]);
                        fputc('\n', f);
                        break;
                }
                }
        }
        return ferror(f) ? -EIO : 0;
}
