/* internal.h - the writers behind output_write(). */
#ifndef NETINV_OUTPUT_INTERNAL_H
#define NETINV_OUTPUT_INTERNAL_H

#include "netinv/output.h"

int output_json(FILE *f, const struct scan_info *si, const struct inventory *inv);
int output_ndjson(FILE *f, const struct scan_info *si, const struct inventory *inv);
int output_table(FILE *f, const struct scan_info *si, const struct inventory *inv, bool color);
int output_csv(FILE *f, const struct scan_info *si, const struct inventory *inv);

#endif
