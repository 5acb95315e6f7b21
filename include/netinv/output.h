/* output.h - the scan's result as a table, JSON document, NDJSON or CSV.
 *
 * The JSON document is described by doc/netinv-1.schema.json; its `schema`
 * field names the version ("netinv/1"), and changes to it are additive.
 */
#ifndef NETINV_OUTPUT_H
#define NETINV_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "netinv/inventory.h"

#define NETINV_SCHEMA "netinv/1"
/* "reach end of life soon": the table's summary counts these days ahead. */
#define OUTPUT_EOL_SOON_DAYS 180

struct cJSON;

enum out_format { OUT_TABLE, OUT_JSON, OUT_NDJSON, OUT_CSV, OUT_FORMAT_MAX };

/* "table", "json", ... → format; OUT_FORMAT_MAX when unknown. */
enum out_format out_format_parse(const char *s);

struct scan_info {
        char id[40];                    /* UUID */
        const char *interface;          /* live capture, or NULL */
        const char *file;               /* --read, or NULL */
        const char *hostname;           /* the agent's host */
        const char *version;
        const char *oui_source;         /* the OUI file used, or NULL */
        uint64_t started_usec, finished_usec;
        uint64_t packets_seen;          /* frames handed to the dissectors */
        uint64_t packets_malformed;     /* MALFORMED + TRUNCATED verdicts */
        uint64_t packets_truncated;     /* of which TRUNCATED */
        uint64_t packets_dropped;       /* by the kernel (live capture) */
        const struct inventory_stats *inv;
        /* What other modules add (the state: changes, agent id): called with
         * the JSON document before it is written, and after the table's
         * device lines. Either may be NULL. */
        int (*annotate_json)(struct cJSON *doc, void *user);
        void (*annotate_table)(FILE *f, void *user);
        void *annotate_user;
};

/* Write the whole result. 0 or -errno (the stream's error). */
int output_write(FILE *f, enum out_format fmt, const struct scan_info *si,
                 const struct inventory *inv, bool color);

#endif
