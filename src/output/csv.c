/* csv.c - one device per row (RFC 4180), for spreadsheets.
 *
 * Multi-valued cells are joined with spaces (addresses) or " | " (identity
 * strings). A cell that begins with = + - @ is prefixed with a quote so that
 * a spreadsheet does not run a hostname as a formula (CSV injection).
 */
#include <string.h>

#include "internal.h"
#include "netinv/identify.h"
#include "netinv/util.h"

/* Joined multi-valued cells are cut at this many bytes of wire text. */
#define CSV_JOINED_MAX 4096

static void cell(FILE *f, const char *s, size_t len)
{
        char buf[CSV_JOINED_MAX * 4 + 8];       /* sanitising grows text up to 4x */
        size_t n = sanitize_term(buf, sizeof(buf), s, len);
        fputc('"', f);
        if (n && strchr("=+-@", buf[0]))
                fputc('\'', f);
        for (size_t i = 0; i < n; i++) {
                if (buf[i] == '"')
                        fputc('"', f);
                fputc(buf[i], f);
        }
        fputc('"', f);
}

/* Append n bytes (which may include NUL) to buf of cap bytes holding at;
 * the new length, always < cap. */
static size_t append(char *buf, size_t cap, size_t at, const void *p, size_t n)
{
        if (at + 1 >= cap)
                return at;
        if (n > cap - 1 - at)
                n = cap - 1 - at;
        memcpy(buf + at, p, n);
        return at + n;
}

int output_csv(FILE *f, const struct scan_info *si, const struct inventory *inv)
{
        char mac[18], ip[64], t1[32], t2[32];
        (void)si;
        fputs("mac,vendor,ipv4,ipv6,hostnames,sources,first_seen,last_seen,identity,type,os\r\n", f);
        for (size_t i = 0; i < inventory_count(inv); i++) {
                const struct device *d = inventory_get(inv, i);
                fmt_mac(mac, sizeof(mac), d->mac);
                fprintf(f, "%s,", mac);
                cell(f, d->vendor ? d->vendor : "", d->vendor ? strlen(d->vendor) : 0);
                fputs(",\"", f);
                for (size_t k = 0; k < d->n_ipv4; k++) {
                        fmt_ip(ip, sizeof(ip), 4, d->ipv4[k]);
                        fprintf(f, "%s%s", k ? " " : "", ip);
                }
                fputs("\",\"", f);
                for (size_t k = 0; k < d->n_ipv6; k++) {
                        fmt_ip(ip, sizeof(ip), 6, d->ipv6[k]);
                        fprintf(f, "%s%s", k ? " " : "", ip);
                }
                fputs("\",", f);
                /* hostnames and identity strings are wire text: one cell each, escaped */
                char joined[CSV_JOINED_MAX];
                size_t jl = 0;
                for (size_t k = 0; k < d->n_hostnames && jl < sizeof(joined); k++)
                        jl += (size_t)snprintf(joined + jl, sizeof(joined) - jl, "%s%s",
                                               k ? " " : "", d->hostnames[k]);
                cell(f, joined, jl < sizeof(joined) ? jl : sizeof(joined) - 1);
                fputs(",\"", f);
                const char *sep = "";
                for (unsigned p = 0; p < PROTO_MAX; p++)
                        if (d->sources & (1u << p)) {
                                fprintf(f, "%s%s", sep, proto_name((enum proto)p));
                                sep = " ";
                        }
                fmt_rfc3339(t1, sizeof(t1), d->first_seen);
                fmt_rfc3339(t2, sizeof(t2), d->last_seen);
                fprintf(f, "\",%s,%s,", t1, t2);
                /* Values may hold NUL bytes: copied by length, not with %s,
                 * so the rest of a value is shown (escaped), not lost. */
                jl = 0;
                for (size_t k = 0; k < d->n_obs; k++) {
                        const struct dev_obs *e = &d->obs[k];
                        if (k)
                                jl = append(joined, sizeof(joined), jl, " | ", 3);
                        jl = append(joined, sizeof(joined), jl, e->key, strlen(e->key));
                        jl = append(joined, sizeof(joined), jl, "=", 1);
                        jl = append(joined, sizeof(joined), jl, e->value, e->len);
                }
                cell(f, joined, jl);
                /* type and os: empty until identified */
                const struct identity *id = d->ident;
                const char *type = id ? identify_type_name((enum dev_type)id->type) : "";
                fprintf(f, ",%s,", type);
                jl = 0;
                if (id && (id->name[0] || id->family[0])) {
                        const char *nm = id->name[0] ? id->name : id->family;
                        jl = append(joined, sizeof(joined), jl, nm, strlen(nm));
                        if (id->version[0]) {
                                jl = append(joined, sizeof(joined), jl, " ", 1);
                                jl = append(joined, sizeof(joined), jl, id->version,
                                            strlen(id->version));
                        }
                }
                cell(f, joined, jl);
                fputs("\r\n", f);
        }
        return 0;
}
