/* changes.c - merging a scan into the state, and what changed.
 *
 * A device of the scan is found in the state by any MAC it ever used. An
 * unknown random (locally administered) MAC is linked to an existing device
 * only on strong evidence, in this order:
 *   1. the same DHCPv4 client identifier (dhcp.client_id) or DHCPv6 DUID
 *      (dhcpv6.duid);
 *   2. the same host name together with the same DHCP fingerprint (the
 *      parameter request list and vendor class), the name not a generic one
 *      ("iPhone", "android", "localhost" ...);
 * and only when exactly one device matches and that device was not already
 * seen in this scan under another MAC. Everything else is a new device.
 *
 * Times are kept in whole seconds (the file's precision), so a state that
 * was saved and loaded compares equal to the one in memory.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "netinv/util.h"

#define USEC 1000000ull
#define DAY_USEC (86400ull * USEC)
#define JOIN_MAX 1024u          /* before/after text of one change */

static const char *const kind_names[CH_KIND_MAX] = {
        [CH_NEW] = "new", [CH_GONE] = "gone", [CH_IP] = "ip", [CH_HOSTNAME] = "hostname",
        [CH_OS] = "os", [CH_EOL] = "eol", [CH_MAC] = "mac",
};

const char *change_kind_name(enum change_kind k)
{
        return (unsigned)k < CH_KIND_MAX ? kind_names[k] : "?";
}

void change_list_done(struct change_list *l)
{
        for (size_t i = 0; i < l->n; i++) {
                free(l->c[i].before);
                free(l->c[i].after);
        }
        free(l->c);
        memset(l, 0, sizeof(*l));
}

static int change_add(struct change_list *l, enum change_kind k, const uint8_t mac[6],
                      const char *before, const char *after)
{
        if (l->n == l->cap) {
                size_t nc = l->cap ? l->cap * 2 : 16;
                struct change *n = realloc(l->c, nc * sizeof(*n));
                if (!n)
                        return -ENOMEM;
                l->c = n;
                l->cap = nc;
        }
        struct change *c = &l->c[l->n];
        memset(c, 0, sizeof(*c));
        c->kind = k;
        memcpy(c->mac, mac, 6);
        if ((before && !(c->before = strdup(before))) || (after && !(c->after = strdup(after)))) {
                free(c->before);
                return -ENOMEM;
        }
        l->n++;
        return 0;
}

bool mac_is_random(const uint8_t mac[6])
{
        return mac_is_unicast(mac) && (mac[0] & 0x02);
}

/* ---- the index ---------------------------------------------------------- */

uint64_t mac_key(const uint8_t mac[6])
{
        uint64_t k = 0;
        for (int i = 0; i < 6; i++)
                k = (k << 8) | mac[i];
        return k;
}

int idx_add(struct idx *x, uint64_t key, uint32_t dev)
{
        if (x->n == x->cap) {
                size_t nc = x->cap ? x->cap * 2 : 256;
                struct idx_entry *n = realloc(x->e, nc * sizeof(*n));
                if (!n)
                        return -ENOMEM;
                x->e = n;
                x->cap = nc;
        }
        x->e[x->n++] = (struct idx_entry){ key, dev };
        return 0;
}

static int cmp_entry(const void *a, const void *b)
{
        const struct idx_entry *x = a, *y = b;
        if (x->key != y->key)
                return x->key < y->key ? -1 : 1;
        return x->dev < y->dev ? -1 : x->dev > y->dev;
}

void idx_sort(struct idx *x)
{
        if (x->n > 1)
                qsort(x->e, x->n, sizeof(*x->e), cmp_entry);
}

const struct idx_entry *idx_find(const struct idx *x, uint64_t key, size_t *ret_count)
{
        size_t lo = 0, hi = x->n;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (x->e[mid].key < key)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        size_t n = 0;
        while (lo + n < x->n && x->e[lo + n].key == key)
                n++;
        *ret_count = n;
        return n ? &x->e[lo] : NULL;
}

void idx_done(struct idx *x)
{
        free(x->e);
        memset(x, 0, sizeof(*x));
}

int idx_macs(const struct state *st, struct idx *ret)
{
        for (size_t i = 0; i < st->n; i++)
                for (unsigned m = 0; st->dev[i] && m < st->dev[i]->n_macs; m++)
                        if (idx_add(ret, mac_key(st->dev[i]->macs[m].mac), (uint32_t)i) < 0)
                                return -ENOMEM;
        idx_sort(ret);
        return 0;
}

struct state_device *state_find(const struct state *st, const uint8_t mac[6])
{
        for (size_t i = 0; i < st->n; i++)
                for (unsigned m = 0; m < st->dev[i]->n_macs; m++)
                        if (memcmp(st->dev[i]->macs[m].mac, mac, 6) == 0)
                                return st->dev[i];
        return NULL;
}

/* ---- evidence ----------------------------------------------------------- */

enum { EV_CLIENT_ID = 1, EV_DUID, EV_NAME_FP };

/* FNV-1a 64 of the kind and the text (hostnames without regard to case). */
static uint64_t ev_key(int kind, const char *a, const char *b, bool fold)
{
        uint64_t h = 14695981039346656037ull;
        h = (h ^ (uint64_t)kind) * 1099511628211ull;
        for (const char *p = a; *p; p++)
                h = (h ^ (uint8_t)(fold && *p >= 'A' && *p <= 'Z' ? *p + 32 : *p)) *
                    1099511628211ull;
        h = (h ^ 0xff) * 1099511628211ull;
        for (const char *p = b ? b : ""; *p; p++)
                h = (h ^ (uint8_t)*p) * 1099511628211ull;
        return h;
}

/* Names that many different devices carry out of the box. */
static bool generic_name(const char *name)
{
        static const char *const g[] = {
                "localhost", "iphone", "ipad", "android", "unknown", "espressif", "host",
                "raspberrypi", "ubuntu", "debian", "macbook", "macbook-pro", "macbook-air",
                "galaxy", "phone", "laptop", "pc", "desktop", "client", "none",
        };
        size_t n = strlen(name);
        if (n > 6 && strcasecmp(name + n - 6, ".local") == 0)
                n -= 6;
        for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++)
                if (strlen(g[i]) == n && strncasecmp(name, g[i], n) == 0)
                        return true;
        return false;
}

static int ev_index(const struct state *st, struct idx *x)
{
        for (size_t i = 0; i < st->n; i++) {
                const struct state_device *d = st->dev[i];
                const struct state_value *fp = state_latest(&d->h[SH_FINGERPRINT]);
                for (unsigned k = 0; k < d->h[SH_CLIENT_ID].n; k++)
                        if (idx_add(x, ev_key(EV_CLIENT_ID, d->h[SH_CLIENT_ID].e[k].v, NULL, false),
                                    (uint32_t)i) < 0)
                                return -ENOMEM;
                for (unsigned k = 0; k < d->h[SH_DUID].n; k++)
                        if (idx_add(x, ev_key(EV_DUID, d->h[SH_DUID].e[k].v, NULL, false),
                                    (uint32_t)i) < 0)
                                return -ENOMEM;
                for (unsigned k = 0; fp && k < d->h[SH_HOSTNAME].n; k++)
                        if (!generic_name(d->h[SH_HOSTNAME].e[k].v) &&
                            idx_add(x, ev_key(EV_NAME_FP, d->h[SH_HOSTNAME].e[k].v, fp->v, true),
                                    (uint32_t)i) < 0)
                                return -ENOMEM;
        }
        idx_sort(x);
        return 0;
}

/* Stored text of a value from the wire: valid UTF-8, capped. */
static void store_text(char *buf, const char *v, size_t len)
{
        sanitize_utf8(buf, STATE_VALUE_MAX + 1, v, len);
}

/* The device's values of one attribute key, made storable. At most max. */
static size_t attr_values(const struct device *d, const char *key, char (*out)[STATE_VALUE_MAX + 1],
                          size_t max)
{
        size_t n = 0;
        for (size_t i = 0; i < d->n_obs && n < max; i++)
                if (strcmp(d->obs[i].key, key) == 0 && d->obs[i].len)
                        store_text(out[n++], d->obs[i].value, d->obs[i].len);
        return n;
}

struct scan_dev {               /* one inventory device, as the state sees it */
        size_t n_v4, n_v6, n_names, n_cid, n_duid;
        char v4[DEV_MAX_IPV4][STATE_VALUE_MAX + 1];
        char v6[DEV_MAX_IPV6][STATE_VALUE_MAX + 1];
        char names[DEV_MAX_HOSTNAMES][STATE_VALUE_MAX + 1];
        char cid[4][STATE_VALUE_MAX + 1];
        char duid[4][STATE_VALUE_MAX + 1];
        char fp[STATE_VALUE_MAX + 1];           /* "" when none */
        const char *os, *eol;
};

static void scan_dev_fill(const struct state *st, const struct device *d, struct scan_dev *s)
{
        char prl[1][STATE_VALUE_MAX + 1], vc[1][STATE_VALUE_MAX + 1];
        s->n_v4 = d->n_ipv4;
        for (size_t i = 0; i < d->n_ipv4; i++)
                fmt_ip(s->v4[i], sizeof(s->v4[i]), 4, d->ipv4[i]);
        s->n_v6 = d->n_ipv6;
        for (size_t i = 0; i < d->n_ipv6; i++)
                fmt_ip(s->v6[i], sizeof(s->v6[i]), 6, d->ipv6[i]);
        s->n_names = d->n_hostnames;
        for (size_t i = 0; i < d->n_hostnames; i++)
                store_text(s->names[i], d->hostnames[i], strlen(d->hostnames[i]));
        s->n_cid = attr_values(d, "dhcp.client_id", s->cid, 4);
        s->n_duid = attr_values(d, "dhcpv6.duid", s->duid, 4);
        s->fp[0] = '\0';
        if (attr_values(d, "dhcp.prl", prl, 1)) {
                if (!attr_values(d, "dhcp.vendor_class", vc, 1))
                        vc[0][0] = '\0';
                snprintf(s->fp, sizeof(s->fp), "%.120s|%.120s", prl[0], vc[0]);
        }
        s->os = s->eol = NULL;
        if (st->ident)
                st->ident(d, st->ident_user, &s->os, &s->eol);
        if (s->os && !*s->os)
                s->os = NULL;
        if (s->eol && !*s->eol)
                s->eol = NULL;
}

/* The one device the evidence points at, or -1 (none, or ambiguous). */
static long link_candidate(const struct state *st, const struct idx *ev, const bool *seen,
                           const struct scan_dev *s)
{
        uint64_t keys[2][DEV_MAX_HOSTNAMES + 8];
        size_t nk[2] = { 0, 0 };
        for (size_t i = 0; i < s->n_cid; i++)
                keys[0][nk[0]++] = ev_key(EV_CLIENT_ID, s->cid[i], NULL, false);
        for (size_t i = 0; i < s->n_duid; i++)
                keys[0][nk[0]++] = ev_key(EV_DUID, s->duid[i], NULL, false);
        for (size_t i = 0; s->fp[0] && i < s->n_names; i++)
                if (!generic_name(s->names[i]))
                        keys[1][nk[1]++] = ev_key(EV_NAME_FP, s->names[i], s->fp, true);
        for (int tier = 0; tier < 2; tier++) {
                long found = -1;
                for (size_t k = 0; k < nk[tier]; k++) {
                        size_t cnt;
                        const struct idx_entry *e = idx_find(ev, keys[tier][k], &cnt);
                        for (size_t j = 0; j < cnt; j++) {
                                if (!st->dev[e[j].dev])
                                        continue;
                                if (found >= 0 && found != (long)e[j].dev)
                                        return -1;
                                found = (long)e[j].dev;
                        }
                }
                if (found >= 0)
                        return seen[found] ? -1 : found;
        }
        return -1;
}

const struct state_value *state_latest(const struct state_hist *h)
{
        const struct state_value *best = NULL;
        for (unsigned i = 0; i < h->n; i++)
                if (!best || h->e[i].last_seen > best->last_seen ||
                    (h->e[i].last_seen == best->last_seen && h->e[i].last_scan > best->last_scan))
                        best = &h->e[i];
        return best;
}

/* Record value v seen from first to last in the merge at now. */
static int hist_put(struct state *st, struct state_hist *h, const char *v, uint64_t first,
                    uint64_t last, uint64_t now, bool fold)
{
        for (unsigned i = 0; i < h->n; i++) {
                struct state_value *e = &h->e[i];
                if (fold ? strcasecmp(e->v, v) : strcmp(e->v, v))
                        continue;
                if (first < e->first_seen)
                        e->first_seen = first;
                if (last > e->last_seen)
                        e->last_seen = last;
                e->last_scan = now;
                return 0;
        }
        char *copy = strdup(v);
        if (!copy)
                return -ENOMEM;
        struct state_value *slot;
        if (h->n < STATE_HIST_MAX) {
                slot = &h->e[h->n++];
        } else {
                slot = &h->e[0];
                for (unsigned i = 1; i < h->n; i++)
                        if (h->e[i].last_seen < slot->last_seen)
                                slot = &h->e[i];
                free(slot->v);
                st->stats.values_evicted++;
        }
        *slot = (struct state_value){ copy, first, last, now };
        return 0;
}

/* Values of h seen in the merge at `scan`, joined by spaces. */
static void join_scan(const struct state_hist *h, uint64_t scan, char *buf, size_t cap)
{
        size_t o = 0;
        buf[0] = '\0';
        for (unsigned i = 0; i < h->n && scan; i++)
                if (h->e[i].last_scan == scan && o + strlen(h->e[i].v) + 2 < cap)
                        o += (size_t)snprintf(buf + o, cap - o, "%s%s", o ? " " : "", h->e[i].v);
}

static void join_list(char (*v)[STATE_VALUE_MAX + 1], size_t n, char *buf, size_t cap)
{
        size_t o = 0;
        buf[0] = '\0';
        for (size_t i = 0; i < n; i++)
                if (o + strlen(v[i]) + 2 < cap)
                        o += (size_t)snprintf(buf + o, cap - o, "%s%s", o ? " " : "", v[i]);
}

/* Did the scan see a value the device did not have in its previous scan? */
static bool gained(const struct state_hist *h, uint64_t prev_scan,
                   char (*v)[STATE_VALUE_MAX + 1], size_t n, bool fold)
{
        for (size_t i = 0; i < n; i++) {
                bool had = false;
                for (unsigned k = 0; k < h->n && !had; k++)
                        had = h->e[k].last_scan == prev_scan &&
                              !(fold ? strcasecmp(h->e[k].v, v[i]) : strcmp(h->e[k].v, v[i]));
                if (!had)
                        return true;
        }
        return false;
}

static int set_mac(struct state_device *sd, const uint8_t mac[6], uint64_t first, uint64_t last)
{
        struct state_mac *m = NULL;
        for (unsigned i = 0; i < sd->n_macs && !m; i++)
                if (memcmp(sd->macs[i].mac, mac, 6) == 0)
                        m = &sd->macs[i];
        if (!m) {
                if (sd->n_macs < STATE_MACS_MAX) {
                        m = &sd->macs[sd->n_macs++];
                } else {
                        m = &sd->macs[0];
                        for (unsigned i = 1; i < sd->n_macs; i++)
                                if (sd->macs[i].last_seen < m->last_seen)
                                        m = &sd->macs[i];
                }
                *m = (struct state_mac){ .first_seen = first, .last_seen = last };
                memcpy(m->mac, mac, 6);
        }
        if (first < m->first_seen)
                m->first_seen = first;
        if (last > m->last_seen)
                m->last_seen = last;
        memcpy(sd->mac, mac, 6);
        sd->mac_random = mac_is_random(mac);
        return 0;
}

struct evictor {                /* devices by last sight, oldest first, built once */
        size_t n, pos;
        uint32_t *order;
};

static const struct state *sort_st;     /* qsort has no user pointer */

static int cmp_oldest(const void *a, const void *b)
{
        uint64_t x = sort_st->dev[*(const uint32_t *)a]->last_seen;
        uint64_t y = sort_st->dev[*(const uint32_t *)b]->last_seen;
        return x < y ? -1 : x > y;
}

/* Make room for one device: drop the least recently seen one that this
 * merge has not seen. 0, -ENOSPC when every device is from this scan, or
 * -ENOMEM. */
static int evict_one(struct state *st, const bool *seen, size_t n_before, struct evictor *ev)
{
        if (!ev->order) {
                ev->order = malloc((n_before ? n_before : 1) * sizeof(*ev->order));
                if (!ev->order)
                        return -ENOMEM;
                for (size_t i = 0; i < n_before; i++)
                        if (st->dev[i])
                                ev->order[ev->n++] = (uint32_t)i;
                sort_st = st;
                qsort(ev->order, ev->n, sizeof(*ev->order), cmp_oldest);
        }
        while (ev->pos < ev->n) {
                uint32_t i = ev->order[ev->pos++];
                struct state_device *d = st->dev[i];
                if (!d || seen[i])
                        continue;
                for (unsigned k = 0; k < SH_MAX; k++)
                        for (unsigned j = 0; j < d->h[k].n; j++)
                                free(d->h[k].e[j].v);
                free(d->vendor);
                free(d);
                st->dev[i] = NULL;
                st->stats.devices_evicted++;
                return 0;
        }
        return -ENOSPC;
}

/* Fold one scanned device into sd; `prev` is sd's last_scan before (0 new). */
static int update(struct state *st, struct state_device *sd, const struct device *d,
                  struct scan_dev *s, uint64_t now, struct change_list *ret)
{
        uint64_t first = d->first_seen / USEC * USEC, last = d->last_seen / USEC * USEC;
        uint64_t prev = sd->last_scan;
        char before[JOIN_MAX], after[JOIN_MAX];
        const struct state_value *lv;
        int r = 0;

        if (first < sd->first_seen || !sd->first_seen)
                sd->first_seen = first;
        if (last > sd->last_seen)
                sd->last_seen = last;
        sd->last_scan = now;
        if (d->vendor && (!sd->vendor || strcmp(sd->vendor, d->vendor))) {
                char v[STATE_VALUE_MAX + 1], *copy;
                store_text(v, d->vendor, strlen(d->vendor));
                if (!(copy = strdup(v)))
                        return -ENOMEM;
                free(sd->vendor);
                sd->vendor = copy;
        }
        if (prev && s->n_v4 && gained(&sd->h[SH_IPV4], prev, s->v4, s->n_v4, false)) {
                join_scan(&sd->h[SH_IPV4], prev, before, sizeof(before));
                join_list(s->v4, s->n_v4, after, sizeof(after));
                r |= change_add(ret, CH_IP, d->mac, before[0] ? before : NULL, after);
        }
        if (prev && s->n_names && gained(&sd->h[SH_HOSTNAME], prev, s->names, s->n_names, true)) {
                join_scan(&sd->h[SH_HOSTNAME], prev, before, sizeof(before));
                join_list(s->names, s->n_names, after, sizeof(after));
                r |= change_add(ret, CH_HOSTNAME, d->mac, before[0] ? before : NULL, after);
        }
        if (s->os) {
                lv = state_latest(&sd->h[SH_OS]);
                if (prev && (!lv || strcmp(lv->v, s->os)))
                        r |= change_add(ret, CH_OS, d->mac, lv ? lv->v : NULL, s->os);
                if (last > sd->identified)
                        sd->identified = last;
        }
        if (s->eol) {
                lv = state_latest(&sd->h[SH_EOL]);
                if (prev && (!lv || strcmp(lv->v, s->eol)))
                        r |= change_add(ret, CH_EOL, d->mac, lv ? lv->v : NULL, s->eol);
        }
        if (r)
                return -ENOMEM;
        for (size_t i = 0; i < s->n_v4 && !r; i++)
                r = hist_put(st, &sd->h[SH_IPV4], s->v4[i], first, last, now, false);
        for (size_t i = 0; i < s->n_v6 && !r; i++)
                r = hist_put(st, &sd->h[SH_IPV6], s->v6[i], first, last, now, false);
        for (size_t i = 0; i < s->n_names && !r; i++)
                r = hist_put(st, &sd->h[SH_HOSTNAME], s->names[i], first, last, now, true);
        for (size_t i = 0; i < s->n_cid && !r; i++)
                r = hist_put(st, &sd->h[SH_CLIENT_ID], s->cid[i], first, last, now, false);
        for (size_t i = 0; i < s->n_duid && !r; i++)
                r = hist_put(st, &sd->h[SH_DUID], s->duid[i], first, last, now, false);
        if (!r && s->fp[0])
                r = hist_put(st, &sd->h[SH_FINGERPRINT], s->fp, first, last, now, false);
        if (!r && s->os)
                r = hist_put(st, &sd->h[SH_OS], s->os, first, last, now, false);
        if (!r && s->eol)
                r = hist_put(st, &sd->h[SH_EOL], s->eol, first, last, now, false);
        return r;
}

static int grow(struct state *st, bool **seen)
{
        if (st->n < st->cap)
                return 0;
        size_t nc = st->cap ? st->cap * 2 : 64;
        struct state_device **nd = realloc(st->dev, nc * sizeof(*nd));
        if (!nd)
                return -ENOMEM;
        st->dev = nd;
        bool *ns = realloc(*seen, nc * sizeof(*ns));
        if (!ns)
                return -ENOMEM;
        memset(ns + st->cap, 0, (nc - st->cap) * sizeof(*ns));
        *seen = ns;
        st->cap = nc;
        return 0;
}

int state_merge(struct state *st, const struct inventory *inv, uint64_t now,
                struct change_list *ret)
{
        struct idx macs = { 0 }, ev = { 0 };
        struct scan_dev *s = malloc(sizeof(*s));
        bool *seen = calloc(st->cap ? st->cap : 1, sizeof(*seen));
        size_t n_before = st->n, live = st->n;
        struct evictor evr = { 0 };
        uint64_t prev_merge = st->last_merge;
        int r = -ENOMEM;
        char mac[18];

        now = now / USEC * USEC;
        if (!s || !seen || idx_macs(st, &macs) < 0 || ev_index(st, &ev) < 0)
                goto out;
        if (!st->created)
                st->created = now;
        for (size_t i = 0; i < inventory_count(inv); i++) {
                const struct device *d = inventory_get(inv, i);
                size_t cnt;
                long at = -1;
                const struct idx_entry *e = idx_find(&macs, mac_key(d->mac), &cnt);
                if (e && st->dev[e->dev])
                        at = (long)e->dev;
                scan_dev_fill(st, d, s);
                if (at < 0 && mac_is_random(d->mac)) {
                        at = link_candidate(st, &ev, seen, s);
                        if (at >= 0) {
                                struct state_device *sd = st->dev[at];
                                char old[18];
                                fmt_mac(old, sizeof(old), sd->mac);
                                fmt_mac(mac, sizeof(mac), d->mac);
                                if (change_add(ret, CH_MAC, d->mac, old, mac) < 0)
                                        goto out;
                        }
                }
                if (at < 0) {
                        if (grow(st, &seen) < 0)
                                goto out;
                        if (live >= st->max_devices) {
                                int e2 = evict_one(st, seen, n_before, &evr);
                                if (e2 == -ENOMEM)
                                        goto out;
                                if (e2 < 0) {
                                        /* the scan alone has more than the cap */
                                        st->stats.devices_evicted++;
                                        continue;
                                }
                                live--;
                        }
                        live++;
                        struct state_device *sd = calloc(1, sizeof(*sd));
                        if (!sd)
                                goto out;
                        at = (long)st->n;
                        st->dev[st->n++] = sd;
                        if (change_add(ret, CH_NEW, d->mac, NULL, s->n_v4 ? s->v4[0] : NULL) < 0)
                                goto out;
                }
                uint64_t first = d->first_seen / USEC * USEC, last = d->last_seen / USEC * USEC;
                set_mac(st->dev[at], d->mac, first, last);
                if (update(st, st->dev[at], d, s, now, ret) < 0)
                        goto out;
                seen[at] = true;
        }
        /* Gone: in the previous scan, not in this one. */
        for (size_t i = 0; i < n_before; i++) {
                const struct state_device *sd = st->dev[i];
                if (!sd || seen[i] || !prev_merge || sd->last_scan != prev_merge)
                        continue;
                const struct state_value *v4 = state_latest(&sd->h[SH_IPV4]);
                if (change_add(ret, CH_GONE, sd->mac, v4 ? v4->v : NULL, NULL) < 0)
                        goto out;
        }
        st->last_merge = now;
        r = 0;
out:
        /* Close the gaps evictions left, keeping the order of first sight. */
        {
                size_t o = 0;
                for (size_t i = 0; i < st->n; i++)
                        if (st->dev[i])
                                st->dev[o++] = st->dev[i];
                st->n = o;
        }
        idx_done(&macs);
        idx_done(&ev);
        free(evr.order);
        free(seen);
        free(s);
        return r;
}

bool state_device_stale(const struct state_device *d, uint64_t now, uint32_t days)
{
        uint64_t span = (uint64_t)days * DAY_USEC;
        if (!days || now < span)
                return false;
        uint64_t limit = now - span;
        uint64_t ident = d->identified ? d->identified : d->first_seen;
        return d->last_seen < limit || ident < limit;
}

size_t state_count_stale(const struct state *st, uint64_t now, uint32_t days)
{
        size_t n = 0;
        for (size_t i = 0; i < st->n; i++)
                n += state_device_stale(st->dev[i], now, days);
        return n;
}

size_t state_forget(struct state *st, uint64_t now, uint32_t days)
{
        uint64_t span = (uint64_t)days * DAY_USEC;
        size_t o = 0, dropped = 0;
        if (!days || now < span)
                return 0;
        for (size_t i = 0; i < st->n; i++) {
                struct state_device *d = st->dev[i];
                if (d->last_seen >= now - span) {
                        st->dev[o++] = d;
                        continue;
                }
                for (unsigned k = 0; k < SH_MAX; k++)
                        for (unsigned j = 0; j < d->h[k].n; j++)
                                free(d->h[k].e[j].v);
                free(d->vendor);
                free(d);
                dropped++;
        }
        st->n = o;
        return dropped;
}

cJSON *changes_json(const struct change_list *l)
{
        char mac[18];
        cJSON *a = cJSON_CreateArray();
        for (size_t i = 0; a && i < l->n; i++) {
                const struct change *c = &l->c[i];
                cJSON *o = cJSON_CreateObject();
                if (!o) {
                        cJSON_Delete(a);
                        return NULL;
                }
                fmt_mac(mac, sizeof(mac), c->mac);
                cJSON_AddStringToObject(o, "kind", change_kind_name(c->kind));
                cJSON_AddStringToObject(o, "mac", mac);
                cJSON_AddItemToObject(o, "before", c->before ? cJSON_CreateString(c->before)
                                                             : cJSON_CreateNull());
                cJSON_AddItemToObject(o, "after", c->after ? cJSON_CreateString(c->after)
                                                           : cJSON_CreateNull());
                cJSON_AddItemToArray(a, o);
        }
        return a;
}

void changes_table(FILE *f, const struct change_list *l)
{
        char mac[18], b[JOIN_MAX * 4], a[JOIN_MAX * 4];
        if (!l->n)
                return;
        fprintf(f, "%zu change%s since the previous scan:\n", l->n, l->n == 1 ? "" : "s");
        for (size_t i = 0; i < l->n; i++) {
                const struct change *c = &l->c[i];
                fmt_mac(mac, sizeof(mac), c->mac);
                sanitize_term(b, sizeof(b), c->before ? c->before : "-",
                              c->before ? strlen(c->before) : 1);
                sanitize_term(a, sizeof(a), c->after ? c->after : "-",
                              c->after ? strlen(c->after) : 1);
                fprintf(f, "  %-8s %s  %s -> %s\n", change_kind_name(c->kind), mac, b, a);
        }
}
