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
 * A date is the last day of its phase: on the eol date itself a cycle is
 * still supported (as endoflife.date computes isEol: date < today).
 *
 * The db owns everything it returns pointers to; it is read-only after
 * loading, so judging needs no locks and does no I/O or parsing.
 */
#ifndef NETINV_EOL_H
#define NETINV_EOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum eol_status { EOL_UNKNOWN, EOL_SUPPORTED, EOL_EXTENDED, EOL_EOL, EOL_STATUS_MAX };

const char *eol_status_name(enum eol_status s);

/* Days since 1970-01-01 (UTC); EOL_NO_DATE when a table gives none. */
#define EOL_NO_DATE INT32_MIN

/* Caps on what a table may hold. A download is untrusted bytes: the
 * largest real document (routeros) is 29 KiB, so 4 MiB is generous and
 * still bounds memory; the largest product has ~100 cycles. */
#define EOL_DOC_MAX             (4u * 1024u * 1024u)
#define EOL_MAX_CYCLES          1024u
#define EOL_MAX_PRODUCTS        1024u
#define EOL_MAX_ALIASES         16u
/* A cycle marked supported with no announced end ("eol": false upstream)
 * is believed only this many days past the table's generated_at: after
 * that the table may be stale and the answer is unknown, not supported. */
#define EOL_STALE_DAYS          180

#define EOL_NAME_MAX            48      /* product ids and cycle names */

struct eol_verdict {
        enum eol_status status;
        char product[EOL_NAME_MAX];     /* endoflife.date product id, e.g. "ubuntu" */
        char cycle[EOL_NAME_MAX];       /* release cycle, e.g. "20.04" */
        int32_t eol_date;       /* end of (security) support, or EOL_NO_DATE */
        int32_t extended_date;  /* end of extended support, or EOL_NO_DATE */
        int32_t days_left;      /* until the date that decides the status
                                 * (negative: days since); EOL_NO_DATE if none */
        const char *source;     /* where the table came from (file or URL), never
                                 * NULL ("" if unknown); points into the db: valid
                                 * while it is loaded (65,536 copies of a path
                                 * would be 8 MiB of a large scan's budget) */
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

/* Building blocks of eol_db_load, for tests and the updater.
 * eol_db_new: an empty db. eol_db_add_json: parse one API v1 product
 * document (untrusted: at most EOL_DOC_MAX bytes, every type checked) and
 * add it, replacing a product of the same name; 0 or -EINVAL/-E2BIG/-ENOMEM.
 * eol_db_add_distro_info: merge a distro-info CSV into `product` (its rows
 * replace cycles of the same name; rows without an eol date are skipped).
 * eol_db_finish: sort and index; call once after the last add (eol_db_load
 * does). Judging an unfinished db finds nothing. */
int eol_db_new(struct eol_db **ret);
int eol_db_add_json(struct eol_db *db, const char *buf, size_t len, const char *source);
int eol_db_add_distro_info(struct eol_db *db, const char *product, const char *csv,
                           size_t len, const char *source);
void eol_db_finish(struct eol_db *db);

/* Check one API v1 document without keeping it: 0 when eol_db_add_json
 * would accept it (ret_name, if given, gets result.name), else -errno. */
int eol_doc_check(const char *buf, size_t len, char ret_name[EOL_NAME_MAX]);

/* Listing. Products are sorted by name. */
struct eol_product_info {
        const char *name;
        const char *label;
        const char *source;
        int32_t generated;      /* generated_at, or EOL_NO_DATE */
        size_t ncycles;
        bool upstream;          /* on endoflife.date (not a table netinv wrote by hand) */
};
size_t eol_db_count(const struct eol_db *db);
int eol_db_info(const struct eol_db *db, size_t i, struct eol_product_info *ret);
/* The verdict for cycle c of product i on day as_of (for listing). */
int eol_judge_cycle(const struct eol_db *db, size_t i, size_t c, int32_t as_of,
                    struct eol_verdict *ret);
/* Index of a product by id or alias (case-insensitive), or -1. */
long eol_db_find(const struct eol_db *db, const char *product);

/* Judge `version` of `product` on day `as_of` (days since the epoch).
 * product: an id or alias ("ubuntu", "alpine", "pan-os", "kernel").
 * Version forms understood: a cycle name or anything that starts with one
 * at a component boundary ("20.04", "22.04.3 LTS", "6.1.55" → "6.1",
 * "12" / "12.7.1" for macOS, "21.4R3-S5" → "21.4"; longest cycle wins);
 * a codename's first word ("bookworm", "jammy").
 * Windows ("windows", "windows-server"): a build "10.0.19045[.NNNN]" or
 * "19045" (matched against each cycle's latest version), or a release
 * "10 22H2", "11 23H2", "2019", "2012 R2"; optionally followed by an
 * edition word: ltsc/ltsb, iot, enterprise/education, home/pro, sac/ac.
 * Without one, client Windows means the ordinary (non-LTSC, non-IoT)
 * editions and Windows Server means LTSC; where editions of one build
 * differ (Home/Pro vs Enterprise), the most pessimistic verdict is given.
 * Always fills *ret (status EOL_UNKNOWN when nothing matches) and returns
 * 0, or -EINVAL. */
int eol_judge(const struct eol_db *db, const char *product, const char *version,
              int32_t as_of, struct eol_verdict *ret);

/* "2026-11-23" → days since the epoch; -1 when not a valid date. */
int32_t eol_parse_date(const char *s);
/* Days since the epoch → "YYYY-MM-DD"; buf >= 11. */
void eol_fmt_date(char *buf, size_t n, int32_t days);
/* Today (UTC) in days since the epoch. */
int32_t eol_today(void);

/* `netinv eol update`: download https://.../<product>/ for each product
 * from base_url (ending in "/"), check each document, and replace
 * dir/<product>.json atomically (temp file, fsync, rename, fsync dir).
 * A product that fails keeps its old file. ca_file: NULL for the system
 * store. Returns the number of products that failed (0: all updated), or
 * -errno when dir cannot be used; err_cb (may be NULL) hears each failure. */
struct eol_update_opts {
        const char *base_url;
        const char *ca_file;
        const char *dir;
        long timeout_s;
        void (*err_cb)(void *ctx, const char *product, const char *why);
        void (*ok_cb)(void *ctx, const char *product, size_t bytes);
        void *ctx;
};
int eol_update(const struct eol_update_opts *o, const char *const products[], size_t n);

#endif
