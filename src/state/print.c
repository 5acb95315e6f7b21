/* print.c - the merged inventory as `netinv inventory` prints it: a table,
 * a JSON document ("netinv-inventory/1"), NDJSON or CSV.
 *
 * Every stored string came from the wire (made valid UTF-8 when stored):
 * the table and CSV pass it through sanitize_term, as the scan output does.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <string.h>

#include "netinv/output.h"
#include "netinv/state.h"
#include "netinv/util.h"

#define INVENTORY_SCHEMA "netinv-inventory/1"

static const char *latest(const struct state_device *d, enum state_hist_kind k)
{
        const struct state_value *v = state_latest(&d->h[k]);
        return v ? v->v : NULL;
}

static void day(char *buf, size_t n, uint64_t usec)
{
        if (!usec) {
                snprintf(buf, n, "never");
                return;
        }
        fmt_rfc3339(buf, n, usec);
        buf[10] = '\0';         /* the date is what a reviewer reads */
}

static cJSON *device_doc(const struct state_device *d, const struct state_print *o)
{
        cJSON *j = state_device_json(d);
        if (!j)
                return NULL;
        cJSON_AddBoolToObject(j, "stale", state_device_stale(d, o->now, o->stale_days));
        cJSON *cur = cJSON_AddObjectToObject(j, "current");
        static const enum state_hist_kind ks[] = { SH_IPV4, SH_IPV6, SH_HOSTNAME, SH_OS, SH_EOL };
        static const char *const names[] = { "ipv4", "ipv6", "hostname", "os", "eol" };
        for (size_t i = 0; i < 5; i++) {
                const char *v = latest(d, ks[i]);
                cJSON_AddItemToObject(cur, names[i],
                                      v ? cJSON_CreateString(v) : cJSON_CreateNull());
        }
        return j;
}

static void agent(cJSON *o, const struct state_print *p)
{
        cJSON_AddStringToObject(o, "agent_id", p->agent_id ? p->agent_id : "");
        cJSON_AddStringToObject(o, "site", p->site ? p->site : "");
}

static int put(FILE *f, cJSON *j, bool pretty)
{
        char *s = pretty ? cJSON_Print(j) : cJSON_PrintUnformatted(j);
        if (!s)
                return -ENOMEM;
        int r = fputs(s, f) == EOF || fputc('\n', f) == EOF ? -EIO : 0;
        cJSON_free(s);
        return r;
}

static int print_json(FILE *f, const struct state *st, const struct state_print *o)
{
        char t[32];
        cJSON *doc = cJSON_CreateObject();
        if (!doc)
                return -ENOMEM;
        cJSON_AddStringToObject(doc, "schema", INVENTORY_SCHEMA);
        cJSON *a = cJSON_AddObjectToObject(doc, "agent");
        cJSON_AddStringToObject(a, "id", o->agent_id ? o->agent_id : "");
        cJSON_AddStringToObject(a, "site", o->site ? o->site : "");
        cJSON_AddStringToObject(a, "hostname", o->hostname ? o->hostname : "");
        cJSON_AddStringToObject(a, "version", o->version ? o->version : "");
        cJSON *inv = cJSON_AddObjectToObject(doc, "inventory");
        fmt_rfc3339(t, sizeof(t), o->now);
        cJSON_AddStringToObject(inv, "generated", t);
        if (st->last_merge) {
                fmt_rfc3339(t, sizeof(t), st->last_merge);
                cJSON_AddStringToObject(inv, "last_merge", t);
        } else {
                cJSON_AddNullToObject(inv, "last_merge");
        }
        cJSON_AddNumberToObject(inv, "devices", (double)st->n);
        cJSON_AddNumberToObject(inv, "stale_days", o->stale_days);
        cJSON_AddNumberToObject(inv, "stale", (double)state_count_stale(st, o->now, o->stale_days));
        cJSON *devs = cJSON_AddArrayToObject(doc, "devices");
        for (size_t i = 0; i < st->n; i++) {
                if (o->only_stale && !state_device_stale(st->dev[i], o->now, o->stale_days))
                        continue;
                cJSON *d = device_doc(st->dev[i], o);
                if (!d) {
                        cJSON_Delete(doc);
                        return -ENOMEM;
                }
                cJSON_AddItemToArray(devs, d);
        }
        int r = put(f, doc, true);
        cJSON_Delete(doc);
        return r;
}

static int print_ndjson(FILE *f, const struct state *st, const struct state_print *o)
{
        for (size_t i = 0; i < st->n; i++) {
                if (o->only_stale && !state_device_stale(st->dev[i], o->now, o->stale_days))
                        continue;
                cJSON *d = device_doc(st->dev[i], o);
                if (!d)
                        return -ENOMEM;
                agent(d, o);
                int r = put(f, d, false);
                cJSON_Delete(d);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* A cell padded to `width` characters (not bytes: names are UTF-8), cut
 * at a character boundary and marked with ~ when longer. */
static void cell(FILE *f, const char *s, int width)
{
        char buf[STATE_VALUE_MAX * 4 + 8];
        size_t n = sanitize_term(buf, sizeof(buf), s ? s : "-", s ? strlen(s) : 1);
        size_t chars = 0, cut = n;
        for (size_t i = 0; i < n; i++) {
                if (((unsigned char)buf[i] & 0xc0) == 0x80)
                        continue;
                if (chars == (size_t)width - 1 && cut == n)
                        cut = i;
                chars++;
        }
        if (chars > (size_t)width) {
                buf[cut] = '\0';
                fprintf(f, "%s~", buf);
                return;
        }
        fprintf(f, "%s%*s", buf, (int)((size_t)width - chars), "");
}

static int print_table(FILE *f, const struct state *st, const struct state_print *o)
{
        char mac[18], seen[32], ident[32];
        const char *bold = o->color ? "\033[1m" : "", *off = o->color ? "\033[0m" : "";
        size_t shown = 0;
        fprintf(f, "%s%-17s  %-20s  %-15s  %-20s  %-16s  %-10s  %-10s  %-10s%s\n", bold, "MAC",
                "VENDOR", "IPV4", "HOSTNAME", "OS", "EOL", "LAST SEEN", "IDENTIFIED", off);
        for (size_t i = 0; i < st->n; i++) {
                const struct state_device *d = st->dev[i];
                bool stale = state_device_stale(d, o->now, o->stale_days);
                if (o->only_stale && !stale)
                        continue;
                shown++;
                fmt_mac(mac, sizeof(mac), d->mac);
                fprintf(f, "%s  ", mac);
                cell(f, d->vendor ? d->vendor : d->mac_random ? "(random)" : NULL, 20);
                fputs("  ", f);
                cell(f, latest(d, SH_IPV4), 15);
                fputs("  ", f);
                cell(f, latest(d, SH_HOSTNAME), 20);
                fputs("  ", f);
                cell(f, latest(d, SH_OS), 16);
                fputs("  ", f);
                cell(f, latest(d, SH_EOL), 10);
                day(seen, sizeof(seen), d->last_seen);
                day(ident, sizeof(ident), d->identified);
                fprintf(f, "  %-10s  %-10s%s\n", seen, ident, stale ? "  stale" : "");
                if (d->n_macs > 1) {
                        fputs("    macs", f);
                        for (unsigned m = 0; m < d->n_macs; m++) {
                                fmt_mac(mac, sizeof(mac), d->macs[m].mac);
                                fprintf(f, " %s", mac);
                        }
                        fputc('\n', f);
                }
        }
        fprintf(f, "%zu devices%s; %zu stale (not seen or not identified for %u days)\n",
                o->only_stale ? shown : st->n, o->only_stale ? " listed" : "",
                state_count_stale(st, o->now, o->stale_days), o->stale_days);
        return 0;
}

static void csv_cell(FILE *f, const char *s)
{
        char buf[STATE_VALUE_MAX * 4 * STATE_HIST_MAX + 8];
        size_t n = sanitize_term(buf, sizeof(buf), s ? s : "", s ? strlen(s) : 0);
        fputc('"', f);
        if (n && strchr("=+-@", buf[0]))
                fputc('\'', f);         /* no formulas from hostnames */
        for (size_t i = 0; i < n; i++) {
                if (buf[i] == '"')
                        fputc('"', f);
                fputc(buf[i], f);
        }
        fputc('"', f);
}

static void csv_hist(FILE *f, const struct state_hist *h)
{
        char buf[(STATE_VALUE_MAX + 1) * STATE_HIST_MAX + 1];
        size_t o = 0;
        buf[0] = '\0';
        for (unsigned i = 0; i < h->n; i++)
                o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s", i ? " " : "", h->e[i].v);
        csv_cell(f, buf);
}

static int print_csv(FILE *f, const struct state *st, const struct state_print *o)
{
        char mac[18], t1[32], t2[32], t3[32];
        fputs("mac,mac_random,macs,vendor,ipv4,ipv6,hostnames,os,eol,first_seen,last_seen,"
              "identified,stale\r\n", f);
        for (size_t i = 0; i < st->n; i++) {
                const struct state_device *d = st->dev[i];
                bool stale = state_device_stale(d, o->now, o->stale_days);
                if (o->only_stale && !stale)
                        continue;
                fmt_mac(mac, sizeof(mac), d->mac);
                fprintf(f, "%s,%s,\"", mac, d->mac_random ? "yes" : "no");
                for (unsigned m = 0; m < d->n_macs; m++) {
                        fmt_mac(mac, sizeof(mac), d->macs[m].mac);
                        fprintf(f, "%s%s", m ? " " : "", mac);
                }
                fputs("\",", f);
                csv_cell(f, d->vendor);
                for (unsigned k = SH_IPV4; k <= SH_HOSTNAME; k++) {
                        fputc(',', f);
                        csv_hist(f, &d->h[k]);
                }
                fputc(',', f);
                csv_cell(f, latest(d, SH_OS));
                fputc(',', f);
                csv_cell(f, latest(d, SH_EOL));
                fmt_rfc3339(t1, sizeof(t1), d->first_seen);
                fmt_rfc3339(t2, sizeof(t2), d->last_seen);
                if (d->identified)
                        fmt_rfc3339(t3, sizeof(t3), d->identified);
                else
                        t3[0] = '\0';
                fprintf(f, ",%s,%s,%s,%s\r\n", t1, t2, t3, stale ? "yes" : "no");
        }
        return 0;
}

int state_print(FILE *f, int format, const struct state *st, const struct state_print *o)
{
        int r;
        switch (format) {
        case OUT_TABLE:
                r = print_table(f, st, o);
                break;
        case OUT_JSON:
                r = print_json(f, st, o);
                break;
        case OUT_NDJSON:
                r = print_ndjson(f, st, o);
                break;
        case OUT_CSV:
                r = print_csv(f, st, o);
                break;
        default:
                return -EINVAL;
        }
        if (r == 0 && (fflush(f) == EOF || ferror(f)))
                r = -EIO;
        return r;
}

static cJSON *object(cJSON *doc, const char *name)
{
        cJSON *o = cJSON_GetObjectItemCaseSensitive(doc, name);
        return cJSON_IsObject(o) ? o : cJSON_AddObjectToObject(doc, name);
}

int state_annotate_json(cJSON *doc, const struct change_list *l, const struct state *st,
                        uint64_t now, uint32_t stale_days, const char *agent_id,
                        const char *site)
{
        cJSON *agent = object(doc, "agent"), *scan = object(doc, "scan");
        cJSON *ch = changes_json(l);
        if (!agent || !scan || !ch) {
                cJSON_Delete(ch);
                return -ENOMEM;
        }
        cJSON_DeleteItemFromObjectCaseSensitive(doc, "changes");
        cJSON_AddItemToObject(doc, "changes", ch);
        if (agent_id) {
                cJSON_DeleteItemFromObjectCaseSensitive(agent, "id");
                cJSON_AddStringToObject(agent, "id", agent_id);
        }
        if (site) {
                cJSON_DeleteItemFromObjectCaseSensitive(agent, "site");
                cJSON_AddStringToObject(agent, "site", site);
        }
        cJSON_DeleteItemFromObjectCaseSensitive(scan, "stale");
        cJSON *s = cJSON_AddObjectToObject(scan, "stale");
        if (!s)
                return -ENOMEM;
        cJSON_AddNumberToObject(s, "days", stale_days);
        cJSON_AddNumberToObject(s, "devices", (double)state_count_stale(st, now, stale_days));
        return 0;
}
