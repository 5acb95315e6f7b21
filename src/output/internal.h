/* internal.h - the writers behind output_write(). */
#ifndef NETINV_OUTPUT_INTERNAL_H
#define NETINV_OUTPUT_INTERNAL_H

#include "netinv/output.h"

int output_json(FILE *f, const struct scan_info *si, const struct inventory *inv);
int output_ndjson(FILE *f, const struct scan_info *si, const struct inventory *inv);
int output_table(FILE *f, const struct scan_info *si, const struct inventory *inv, bool color);
int output_csv(FILE *f, const struct scan_info *si, const struct inventory *inv);

/* services.c: what a device offers, from its service and tcp.open
 * observations. name and banner point into the observations. */
struct device;
struct service {
        bool udp;
        uint16_t port;
        const char *name, *banner;      /* banner NULL: none */
        size_t name_len, banner_len;
        uint64_t seen;
};
#define DEVICE_SERVICES_MAX 64
size_t device_services(const struct device *d, struct service *out, size_t cap);
/* 32, 64, 128 or 255, or -1 when no reply carried a TTL. */
int device_ttl_class(const struct device *d);

#endif
