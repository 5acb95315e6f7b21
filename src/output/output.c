/* output.c - format names and the dispatch to each writer. */
#include <errno.h>
#include <string.h>

#include "internal.h"

static const char *const names[OUT_FORMAT_MAX] = {
        [OUT_TABLE] = "table", [OUT_JSON] = "json", [OUT_NDJSON] = "ndjson", [OUT_CSV] = "csv",
};

enum out_format out_format_parse(const char *s)
{
        for (unsigned i = 0; i < OUT_FORMAT_MAX; i++)
                if (strcmp(s, names[i]) == 0)
                        return (enum out_format)i;
        return OUT_FORMAT_MAX;
}

int output_write(FILE *f, enum out_format fmt, const struct scan_info *si,
                 const struct inventory *inv, bool color)
{
        int r;
        switch (fmt) {
        case OUT_TABLE:
                r = output_table(f, si, inv, color);
                break;
        case OUT_JSON:
                r = output_json(f, si, inv);
                break;
        case OUT_NDJSON:
                r = output_ndjson(f, si, inv);
                break;
        case OUT_CSV:
                r = output_csv(f, si, inv);
                break;
        default:
                return -EINVAL;
        }
        if (r == 0 && (fflush(f) == EOF || ferror(f)))
                r = -EIO;
        return r;
}
