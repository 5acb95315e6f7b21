/* eol.h - end-of-life tables and verdicts.
 *
 * Tables are endoflife.date API v1 product documents (one JSON file per
 * product, the format `GET /api/v1/products/<product>/` returns), shipped
 * under share/netinv/eol/ and overridable from /etc/netinv/eol/ and the
 * state directory's eol/ (what `netinv eol update` writes). Debian's
 * distro-info CSVs win for debian and ubuntu where installed.
 *
 * A verdict judges on the dates, never on isMaintained:
 *   supported  before the end of (security) support
 *   extended   past it, but paid/LTS/ESM/ESU support still runs
 *   eol        past every end
 *   unknown    no table, no matching cycle, or no date: never a guess.
 */
#ifndef NETINV_EOL_H
#define NETINV_EOL_H

#include <stddef.h>
#include <stdint.h>

enum eol_status { EOL_UNKNOWN, EOL_SUPPORTED, EOL_EXTENDED, EOL_EOL, EOL_STATUS_MAX };

const char *eol_status_name(enum eol_status s);

/* Days since 1970-01-01 (UTC); EOL_NO_DATE when a table gives none. */
#define EOL_NO_DATE INT32_MIN

struct eol_verdict {
        enum eol_status status;
        char product[48];       /* endoflife.date product id, e.g. "ubuntu" */
        char cycle[48];         /* release cycle, e.g. "20.04" */
        int32_t eol_date;       /* end of (security) support */
        int32_t extended_date;  /* end of extended support, or EOL_NO_DATE */
        int32_t days_left;      /* until the date that decides the status */
        char source[128];       /* where the table came from (file or URL) */
};

struct eol_db;

/* Load every *.json table in each directory, later directories overriding
 * earlier ones product by product; then the distro-info CSVs in
 * distro_info_dir (NULL: /usr/share/distro-info) when present.
 * 0, or -errno; a broken file is skipped and counted in eol_db_errors(). */
int eol_db_load(const char *const dirs[], size_t ndirs, const char *distro_info_dir,
                struct eol_db **ret);
void eol_db_free(struct eol_db *db);
size_t eol_db_errors(const struct eol_db *db);

/* Judge `version` of `product` on day `as_of` (days since the epoch).
 * Version forms understood: a cycle name or anything that starts with one
 * ("20.04", "22.04.3", "6.1.55" → "6.1", "12" / "12.7.1" for macOS);
 * Windows takes "10.0.19045" style builds. Always fills *ret (status
 * EOL_UNKNOWN when nothing matches) and returns 0, or -EINVAL. */
int eol_judge(const struct eol_db *db, const char *product, const char *version,
              int32_t as_of, struct eol_verdict *ret);

/* "2026-11-23" → days since the epoch; -1 when not a valid date. */
int32_t eol_parse_date(const char *s);

#endif
