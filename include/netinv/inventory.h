/* inventory.h - the device table: every station seen, keyed by MAC.
 *
 * The inventory owns its devices and everything in them; values handed in
 * through observations are copied. Growth is bounded by limits.h and by the
 * max_devices given at creation: what a cap refuses is counted in the stats,
 * never silently lost.
 */
#ifndef NETINV_INVENTORY_H
#define NETINV_INVENTORY_H

#include <stddef.h>
#include <stdint.h>

#include "netinv/limits.h"
#include "netinv/obs.h"

struct identity;
struct eol_verdict;

struct dev_obs {
        const char *key;        /* static string from the dissector */
        char *value;            /* owned, NUL-terminated, may hold any bytes */
        uint16_t len;
        uint8_t source;         /* enum proto */
        uint32_t hash;          /* of (source, key, value), for dedup */
        uint32_t count;
        uint64_t first_seen, last_seen;  /* µs since the epoch */
};

struct device {
        uint8_t mac[6];
        uint8_t n_ipv4, n_ipv6, n_hostnames;
        uint32_t sources;       /* bit (1 << enum proto) */
        uint64_t first_seen, last_seen;
        const char *vendor;     /* from the OUI table, not owned; NULL unknown */
        uint8_t ipv4[DEV_MAX_IPV4][4];
        uint8_t ipv6[DEV_MAX_IPV6][16];
        char *hostnames[DEV_MAX_HOSTNAMES];     /* owned */
        size_t n_obs, cap_obs;
        struct dev_obs *obs;    /* owned, in order of first sight */
        struct identity *ident; /* owned (identify.h); NULL until identified */
        /* The end-of-life verdict (eol.h) for ident's eol_product/version:
         * not owned (the scan keeps the verdicts); NULL when not judged. */
        const struct eol_verdict *eol;
};

struct inventory_stats {
        uint64_t devices_dropped;       /* observations refused: max_devices reached */
        uint64_t addresses_dropped;     /* DEV_MAX_IPV4 / DEV_MAX_IPV6 */
        uint64_t hostnames_dropped;     /* DEV_MAX_HOSTNAMES */
        uint64_t observations_dropped;  /* DEV_MAX_OBS, and the per-frame sink */
};

struct inventory;

struct inventory *inventory_new(size_t max_devices);
void inventory_free(struct inventory *inv);

/* Merge one observation made at ts_usec. 0, -ENOSPC when a cap refused it
 * (counted), -ENOMEM. */
int inventory_add(struct inventory *inv, const struct obs *o, uint64_t ts_usec);
/* Merge a whole frame's sink, counting the sink's own drops. */
int inventory_add_sink(struct inventory *inv, const struct obs_sink *s, uint64_t ts_usec);

size_t inventory_count(const struct inventory *inv);
/* i-th device, in order of first sight (or MAC order after inventory_sort). */
struct device *inventory_get(const struct inventory *inv, size_t i);
struct device *inventory_find(const struct inventory *inv, const uint8_t mac[6]);
/* Order the devices by MAC, for stable output. */
void inventory_sort(struct inventory *inv);
const struct inventory_stats *inventory_stats(const struct inventory *inv);

/* Fill each device's vendor from the OUI table (oui.h). */
struct oui_db;
void inventory_set_vendors(struct inventory *inv, const struct oui_db *db);

#endif
