/* csv.c - one device per row (RFC 4180), for spreadsheets.
 *
 * Multi-valued cells are joined with spaces (addresses) or " | " (identity
 * strings). A cell that begins with = + - @ is prefixed with a quote so that
 * a spreadsheet does not run a hostname as a formula (CSV injection).
 */
#include <string.h>

#include "internal.h"
#include "netinv/util.h"

static void cell(FILE *f, const char *s, size_t len)
{
        char buf[OBS_VALUE_MAX * 4 + 8];
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

int output_csv(FILE *f, const struct scan_info *si, const struct inventory *inv)
{
        char mac[18], ip[64], t1[32], t2[32];
        (void)si;
        fputs("mac,vendor,ipv4,ipv6,hostnames,sources,first_seen,last_seen,identity\r\n", f);
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
                char joined[4096];
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
                jl = 0;
                for (size_t k = 0; k < d->n_obs && jl < sizeof(joined); k++) {
                        const struct dev_obs *e = &d->obs[k];
                        int w = snprintf(joined + jl, sizeof(joined) - jl, "%s%s=%.*s",
                                         k ? " | " : "", e->key, (int)e->len, e->value);
                        if (w < 0)
                                break;
                        jl += (size_t)w;
                }
                cell(f, joined, jl < sizeof(joined) ? jl : sizeof(joined) - 1);
                fputs("\r\n", f);
        }
        return 0;
}
