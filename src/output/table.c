/* table.c - the table a person reads in a terminal.
 *
 * One line per device (MAC, vendor, first IPv4, first hostname, sources),
 * then indented lines with its other addresses and every identity string it
 * announced. Wire text goes through sanitize_term(): a hostile banner cannot
 * move the cursor or recolour the terminal.
 */
#include <string.h>

#include "internal.h"
#include "netinv/eol.h"
#include "netinv/identify.h"
#include "netinv/util.h"

#define COL_VENDOR 24
#define COL_HOST   24

/* Characters (not bytes) in valid UTF-8: one column each, which is right
 * for the scripts vendor and host names use. */
static size_t columns(const char *s, size_t n)
{
        size_t c = 0;
        for (size_t i = 0; i < n; i++)
                c += ((unsigned char)s[i] & 0xc0) != 0x80;
        return c;
}

static void put_cell(FILE *f, const char *s, size_t width)
{
        char buf[1024];
        size_t n = sanitize_term(buf, sizeof(buf), s ? s : "-", s ? strlen(s) : 1);
        size_t cols = columns(buf, n);
        if (cols > width) {
                /* keep width - 1 characters and mark the cut */
                size_t keep = 0, i = 0;
                for (; i < n; i++) {
                        if (((unsigned char)buf[i] & 0xc0) != 0x80 && ++keep > width - 1)
                                break;
                }
                buf[i] = '\0';
                fprintf(f, "%s~", buf);
                return;
        }
        fprintf(f, "%s%*s", buf, (int)(width - cols), "");
}

/* Does name contain word as a whole word ("macOS 12 Monterey", "12")? */
static bool has_word(const char *name, const char *word)
{
        size_t n = strlen(word);
        for (const char *p = strstr(name, word); p; p = strstr(p + 1, word))
                if ((p == name || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
                        return true;
        return false;
}

/* "eol  ubuntu 20.04: extended support until 2032-04-27 (1982 days)";
 * past end of life stands out in red on a terminal. */
static void eol_line(FILE *f, const struct eol_verdict *v, bool color, const char *dim,
                     const char *off)
{
        char d1[16], d2[16], what[96];
        if (!v || v->status == EOL_UNKNOWN) {
                fprintf(f, "    %seol%s unknown\n", dim, off);
                return;
        }
        eol_fmt_date(d1, sizeof(d1), v->eol_date);
        eol_fmt_date(d2, sizeof(d2), v->extended_date);
        snprintf(what, sizeof(what), "%s %s", v->product, v->cycle);
        char safe[256];
        sanitize_term(safe, sizeof(safe), what, strlen(what));
        const char *red = color && v->status == EOL_EOL ? "\033[1;31m" : "";
        const char *yellow = color && v->status == EOL_EXTENDED ? "\033[33m" : "";
        switch (v->status) {
        case EOL_SUPPORTED:
                fprintf(f, "    %seol%s %s: supported until %s (%d days)\n", dim, off, safe, d1,
                        (int)v->days_left);
                break;
        case EOL_EXTENDED:
                fprintf(f, "    %seol%s %s%s: END OF SUPPORT %s, extended support only until %s%s\n",
                        dim, off, yellow, safe, d1, d2, color ? off : "");
                break;
        default:
                fprintf(f, "    %seol%s %s%s: PAST END OF LIFE since %s%s\n", dim, off, red, safe,
                        v->extended_date != EOL_NO_DATE ? d2 : d1, color ? off : "");
                break;
        }
}

int output_table(FILE *f, const struct scan_info *si, const struct inventory *inv, bool color)
{
        char buf[OBS_VALUE_MAX * 4 + 64], mac[18], ip[64];
        const char *bold = color ? "\033[1m" : "", *dim = color ? "\033[2m" : "",
                   *off = color ? "\033[0m" : "";

        fprintf(f, "%s%-17s  %-*s  %-15s  %-*s  %s%s\n", bold, "MAC", COL_VENDOR, "VENDOR",
                "IPV4", COL_HOST, "HOSTNAME", "SOURCES", off);
        for (size_t i = 0; i < inventory_count(inv); i++) {
                const struct device *d = inventory_get(inv, i);
                fmt_mac(mac, sizeof(mac), d->mac);
                fprintf(f, "%s  ", mac);
                put_cell(f, d->vendor ? d->vendor : (d->mac[0] & 2) ? "(local)" : NULL,
                         COL_VENDOR);
                fputs("  ", f);
                if (d->n_ipv4)
                        fmt_ip(ip, sizeof(ip), 4, d->ipv4[0]);
                fprintf(f, "%-15s  ", d->n_ipv4 ? ip : "-");
                put_cell(f, d->n_hostnames ? d->hostnames[0] : NULL, COL_HOST);
                fputs("  ", f);
                const char *sep = "";
                for (unsigned p = 0; p < PROTO_MAX; p++)
                        if (d->sources & (1u << p)) {
                                fprintf(f, "%s%s", sep, proto_name((enum proto)p));
                                sep = ",";
                        }
                fputc('\n', f);
                if (d->ident && (d->ident->family[0] || d->ident->type)) {
                        const struct identity *id = d->ident;
                        char os[IDENT_NAME_MAX + IDENT_VERSION_MAX + 8];
                        /* "macOS 12 Monterey" already says its version */
                        bool ver = id->version[0] && !has_word(id->name, id->version);
                        if (id->name[0])
                                snprintf(os, sizeof(os), "%s%s%s", id->name, ver ? " " : "",
                                         ver ? id->version : "");
                        else
                                snprintf(os, sizeof(os), "%s", id->family[0] ? id->family : "unknown");
                        sanitize_term(buf, sizeof(buf), os, strlen(os));
                        fprintf(f, "    %sos%s %s", dim, off, buf);
                        if (id->confidence)
                                fprintf(f, " (%u%%)", id->confidence);
                        fprintf(f, "  %stype%s %s\n", dim, off,
                                identify_type_name((enum dev_type)id->type));
                        eol_line(f, d->eol, color, dim, off);
                }
                struct service sv[DEVICE_SERVICES_MAX];
                size_t ns = device_services(d, sv, DEVICE_SERVICES_MAX);
                int ttl = device_ttl_class(d);
                if (ns || ttl > 0) {
                        fprintf(f, "    %sservices%s", dim, off);
                        for (size_t k = 0; k < ns; k++) {
                                sanitize_term(buf, sizeof(buf), sv[k].name, sv[k].name_len);
                                fprintf(f, " %u/%s %s", (unsigned)sv[k].port, sv[k].udp ? "udp" : "tcp", buf);
                        }
                        if (!ns)
                                fprintf(f, " none found");
                        if (ttl > 0)
                                fprintf(f, "  %sttl%s %d", dim, off, ttl);
                        fputc('\n', f);
                }
                for (size_t k = 1; k < d->n_ipv4; k++) {
                        fmt_ip(ip, sizeof(ip), 4, d->ipv4[k]);
                        fprintf(f, "    %sipv4%s %s\n", dim, off, ip);
                }
                for (size_t k = 0; k < d->n_ipv6; k++) {
                        fmt_ip(ip, sizeof(ip), 6, d->ipv6[k]);
                        fprintf(f, "    %sipv6%s %s\n", dim, off, ip);
                }
                for (size_t k = 1; k < d->n_hostnames; k++) {
                        sanitize_term(buf, sizeof(buf), d->hostnames[k], strlen(d->hostnames[k]));
                        fprintf(f, "    %shostname%s %s\n", dim, off, buf);
                }
                for (size_t k = 0; k < d->n_obs; k++) {
                        const struct dev_obs *e = &d->obs[k];
                        sanitize_term(buf, sizeof(buf), e->value, e->len);
                        fprintf(f, "    %s%s%s %s\n", dim, e->key, off, buf);
                }
        }
        double secs = si->finished_usec > si->started_usec
                              ? (double)(si->finished_usec - si->started_usec) / 1e6 : 0.0;
        if (si->annotate_table)
                si->annotate_table(f, si->annotate_user);
        size_t past = 0, soon = 0, judged = 0;
        for (size_t i = 0; i < inventory_count(inv); i++) {
                const struct eol_verdict *v = inventory_get(inv, i)->eol;
                if (!v || v->status == EOL_UNKNOWN)
                        continue;
                judged++;
                if (v->status == EOL_EOL)
                        past++;
                else if (v->days_left != EOL_NO_DATE && v->days_left <= OUTPUT_EOL_SOON_DAYS)
                        soon++;
        }
        fprintf(f, "%zu devices; %llu packets (%llu malformed) in %.1f s\n", inventory_count(inv),
                (unsigned long long)si->packets_seen, (unsigned long long)si->packets_malformed,
                secs);
        if (judged)
                fprintf(f, "%s%zu past end of life%s, %zu reach it within %d days, %zu judged, "
                           "%zu unknown\n",
                        color && past ? "\033[1;31m" : "", past, color && past ? off : "", soon,
                        OUTPUT_EOL_SOON_DAYS, judged, inventory_count(inv) - judged);
        const struct inventory_stats *st = si->inv;
        if (st && (st->devices_dropped || st->addresses_dropped || st->hostnames_dropped ||
                   st->observations_dropped))
                fprintf(f, "dropped by caps: %llu device observations, %llu addresses, "
                           "%llu hostnames, %llu observations\n",
                        (unsigned long long)st->devices_dropped,
                        (unsigned long long)st->addresses_dropped,
                        (unsigned long long)st->hostnames_dropped,
                        (unsigned long long)st->observations_dropped);
        return 0;
}
