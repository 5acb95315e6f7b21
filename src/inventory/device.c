/* device.c - the device table. See inventory.h.
 *
 * Devices live in an array in order of first sight; an open-addressing hash
 * of MAC → index finds them. Observations on a device are deduplicated by
 * (source, key, value) with a stored hash, so a station that repeats itself
 * costs a counter increment, not memory.
 */
#include "netinv/inventory.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "netinv/oui.h"

struct inventory {
        size_t max_devices;
        size_t n, cap;
        struct device **dev;
        uint32_t *slots;        /* index + 1 into dev; 0 empty */
        size_t nslots;          /* power of two */
        struct inventory_stats stats;
};

static uint64_t mac_key(const uint8_t mac[6])
{
        uint64_t k = 0;
        for (int i = 0; i < 6; i++)
                k = (k << 8) | mac[i];
        return k;
}

static size_t mac_hash(const uint8_t mac[6], size_t mask)
{
        uint64_t k = mac_key(mac) * 0x9e3779b97f4a7c15ull;
        return (size_t)(k >> 32) & mask;
}

struct inventory *inventory_new(size_t max_devices)
{
        struct inventory *inv = calloc(1, sizeof(*inv));
        if (!inv)
                return NULL;
        inv->max_devices = max_devices ? max_devices : INV_MAX_DEVICES_DEFAULT;
        inv->nslots = 1024;
        inv->slots = calloc(inv->nslots, sizeof(*inv->slots));
        if (!inv->slots) {
                free(inv);
                return NULL;
        }
        return inv;
}

static void device_free(struct device *d)
{
        if (!d)
                return;
        for (size_t i = 0; i < d->n_hostnames; i++)
                free(d->hostnames[i]);
        for (size_t i = 0; i < d->n_obs; i++)
                free(d->obs[i].value);
        free(d->obs);
        free(d->ident);
        free(d);
}

void inventory_free(struct inventory *inv)
{
        if (!inv)
                return;
        for (size_t i = 0; i < inv->n; i++)
                device_free(inv->dev[i]);
        free(inv->dev);
        free(inv->slots);
        free(inv);
}

static void rehash(struct inventory *inv)
{
        memset(inv->slots, 0, inv->nslots * sizeof(*inv->slots));
        for (size_t i = 0; i < inv->n; i++) {
                size_t h = mac_hash(inv->dev[i]->mac, inv->nslots - 1);
                while (inv->slots[h])
                        h = (h + 1) & (inv->nslots - 1);
                inv->slots[h] = (uint32_t)i + 1;
        }
}

struct device *inventory_find(const struct inventory *inv, const uint8_t mac[6])
{
        size_t mask = inv->nslots - 1;
        for (size_t h = mac_hash(mac, mask);; h = (h + 1) & mask) {
                uint32_t s = inv->slots[h];
                if (!s)
                        return NULL;
                if (memcmp(inv->dev[s - 1]->mac, mac, 6) == 0)
                        return inv->dev[s - 1];
        }
}

static int find_or_add(struct inventory *inv, const uint8_t mac[6], struct device **ret)
{
        struct device *d = inventory_find(inv, mac);
        if (d) {
                *ret = d;
                return 0;
        }
        if (inv->n >= inv->max_devices) {
                inv->stats.devices_dropped++;
                return -ENOSPC;
        }
        if (inv->n == inv->cap) {
                size_t nc = inv->cap ? inv->cap * 2 : 256;
                struct device **nd = realloc(inv->dev, nc * sizeof(*nd));
                if (!nd)
                        return -ENOMEM;
                inv->dev = nd;
                inv->cap = nc;
        }
        /* Keep the load factor under 1/2 so probes stay short. */
        if ((inv->n + 1) * 2 > inv->nslots) {
                uint32_t *ns = calloc(inv->nslots * 2, sizeof(*ns));
                if (!ns)
                        return -ENOMEM;
                free(inv->slots);
                inv->slots = ns;
                inv->nslots *= 2;
                rehash(inv);
        }
        d = calloc(1, sizeof(*d));
        if (!d)
                return -ENOMEM;
        memcpy(d->mac, mac, 6);
        inv->dev[inv->n] = d;
        size_t h = mac_hash(mac, inv->nslots - 1);
        while (inv->slots[h])
                h = (h + 1) & (inv->nslots - 1);
        inv->slots[h] = (uint32_t)++inv->n;
        *ret = d;
        return 0;
}

static int add_ipv4(struct inventory *inv, struct device *d, const uint8_t ip[4])
{
        for (size_t i = 0; i < d->n_ipv4; i++)
                if (memcmp(d->ipv4[i], ip, 4) == 0)
                        return 0;
        if (d->n_ipv4 >= DEV_MAX_IPV4) {
                inv->stats.addresses_dropped++;
                return -ENOSPC;
        }
        memcpy(d->ipv4[d->n_ipv4++], ip, 4);
        return 0;
}

static int add_ipv6(struct inventory *inv, struct device *d, const uint8_t ip[16])
{
        for (size_t i = 0; i < d->n_ipv6; i++)
                if (memcmp(d->ipv6[i], ip, 16) == 0)
                        return 0;
        if (d->n_ipv6 >= DEV_MAX_IPV6) {
                inv->stats.addresses_dropped++;
                return -ENOSPC;
        }
        memcpy(d->ipv6[d->n_ipv6++], ip, 16);
        return 0;
}

static int add_hostname(struct inventory *inv, struct device *d, const char *name, size_t len)
{
        /* A trailing root dot is not part of the name people know. */
        while (len && name[len - 1] == '.')
                len--;
        if (!len || memchr(name, '\0', len))
                return 0;
        for (size_t i = 0; i < d->n_hostnames; i++)
                if (strlen(d->hostnames[i]) == len && strncasecmp(d->hostnames[i], name, len) == 0)
                        return 0;
        if (d->n_hostnames >= DEV_MAX_HOSTNAMES) {
                inv->stats.hostnames_dropped++;
                return -ENOSPC;
        }
        char *copy = strndup(name, len);
        if (!copy)
                return -ENOMEM;
        d->hostnames[d->n_hostnames++] = copy;
        return 0;
}

/* FNV-1a over the source, the key and the value. */
static uint32_t obs_hash(uint8_t source, const char *key, const char *val, size_t len)
{
        uint32_t h = 2166136261u;
        h = (h ^ source) * 16777619u;
        for (const char *p = key; *p; p++)
                h = (h ^ (uint8_t)*p) * 16777619u;
        h = (h ^ 0xff) * 16777619u;
        for (size_t i = 0; i < len; i++)
                h = (h ^ (uint8_t)val[i]) * 16777619u;
        return h;
}

static int add_attr(struct inventory *inv, struct device *d, const struct obs *o, uint64_t ts)
{
        uint32_t h = obs_hash(o->source, o->key, o->val, o->val_len);
        for (size_t i = 0; i < d->n_obs; i++) {
                struct dev_obs *e = &d->obs[i];
                if (e->hash == h && e->source == o->source && e->len == o->val_len &&
                    (e->key == o->key || strcmp(e->key, o->key) == 0) &&
                    memcmp(e->value, o->val, o->val_len) == 0) {
                        e->count++;
                        /* Capture files are not always in time order. */
                        if (ts < e->first_seen)
                                e->first_seen = ts;
                        if (ts > e->last_seen)
                                e->last_seen = ts;
                        return 0;
                }
        }
        if (d->n_obs >= DEV_MAX_OBS) {
                inv->stats.observations_dropped++;
                return -ENOSPC;
        }
        if (d->n_obs == d->cap_obs) {
                size_t nc = d->cap_obs ? d->cap_obs * 2 : 8;
                if (nc > DEV_MAX_OBS)
                        nc = DEV_MAX_OBS;
                struct dev_obs *no = realloc(d->obs, nc * sizeof(*no));
                if (!no)
                        return -ENOMEM;
                d->obs = no;
                d->cap_obs = nc;
        }
        char *v = malloc((size_t)o->val_len + 1);
        if (!v)
                return -ENOMEM;
        memcpy(v, o->val, o->val_len);
        v[o->val_len] = '\0';
        d->obs[d->n_obs++] = (struct dev_obs){
                .key = o->key, .value = v, .len = o->val_len, .source = o->source,
                .hash = h, .count = 1, .first_seen = ts, .last_seen = ts,
        };
        return 0;
}

int inventory_add(struct inventory *inv, const struct obs *o, uint64_t ts_usec)
{
        struct device *d;

        if (!mac_is_unicast(o->mac) || o->source >= PROTO_MAX)
                return 0;
        int r = find_or_add(inv, o->mac, &d);
        if (r < 0)
                return r;
        /* No source yet: a new device (a timestamp of 0 is a valid time). */
        if (!d->sources || ts_usec < d->first_seen)
                d->first_seen = ts_usec;
        if (ts_usec > d->last_seen)
                d->last_seen = ts_usec;
        d->sources |= 1u << o->source;
        switch (o->kind) {
        case OBS_IPV4:
                return add_ipv4(inv, d, o->addr);
        case OBS_IPV6:
                return add_ipv6(inv, d, o->addr);
        case OBS_HOSTNAME:
                return add_hostname(inv, d, o->val, o->val_len);
        case OBS_ATTR:
                return o->key ? add_attr(inv, d, o, ts_usec) : 0;
        default:
                return 0;
        }
}

int inventory_add_sink(struct inventory *inv, const struct obs_sink *s, uint64_t ts_usec)
{
        int ret = 0;
        inv->stats.observations_dropped += s->dropped;
        for (size_t i = 0; i < s->n; i++) {
                int r = inventory_add(inv, &s->obs[i], ts_usec);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        ret = r;
        }
        return ret;
}

size_t inventory_count(const struct inventory *inv)
{
        return inv->n;
}

struct device *inventory_get(const struct inventory *inv, size_t i)
{
        return i < inv->n ? inv->dev[i] : NULL;
}

static int cmp_mac(const void *a, const void *b)
{
        const struct device *da = *(struct device *const *)a, *db = *(struct device *const *)b;
        return memcmp(da->mac, db->mac, 6);
}

void inventory_sort(struct inventory *inv)
{
        if (inv->n > 1)
                qsort(inv->dev, inv->n, sizeof(*inv->dev), cmp_mac);
        rehash(inv);
}

const struct inventory_stats *inventory_stats(const struct inventory *inv)
{
        return &inv->stats;
}

void inventory_set_vendors(struct inventory *inv, const struct oui_db *db)
{
        for (size_t i = 0; i < inv->n; i++)
                inv->dev[i]->vendor = db ? oui_lookup(db, inv->dev[i]->mac) : NULL;
}
