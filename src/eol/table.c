/* table.c - end-of-life tables: parse endoflife.date API v1 product
 * documents (untrusted when downloaded: size-capped, every type checked)
 * and Debian distro-info CSVs, load them from directories, index them.
 *
 * The db owns its products and cycles; eol_db_free releases everything. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "internal.h"

/* ---- dates ---- */

/* Days from civil date (proleptic Gregorian), exact for any year here. */
static int32_t days_from_civil(int y, int m, int d)
{
        y -= m <= 2;
        const int era = (y >= 0 ? y : y - 399) / 400;
        const int yoe = y - era * 400;
        const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
}

int32_t eol_parse_date(const char *s)
{
        int v[3] = {0, 0, 0};
        static const int width[3] = {4, 2, 2};
        if (!s)
                return -1;
        for (int f = 0; f < 3; f++) {
                for (int i = 0; i < width[f]; i++, s++) {
                        if (!isdigit((unsigned char)*s))
                                return -1;
                        v[f] = v[f] * 10 + (*s - '0');
                }
                if (f < 2 && *s++ != '-')
                        return -1;
        }
        if (*s != '\0')
                return -1;
        static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        const bool leap = (v[0] % 4 == 0 && v[0] % 100 != 0) || v[0] % 400 == 0;
        if (v[0] < 1970 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > mdays[v[1] - 1] ||
            (v[1] == 2 && v[2] == 29 && !leap))
                return -1;
        return days_from_civil(v[0], v[1], v[2]);
}

void eol_fmt_date(char *buf, size_t n, int32_t days)
{
        if (days == EOL_NO_DATE) {
                snprintf(buf, n, "-");
                return;
        }
        /* civil_from_days */
        const int32_t z = days + 719468;
        const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
        const int32_t doe = z - era * 146097;
        const int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        const int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        const int32_t mp = (5 * doy + 2) / 153;
        const int32_t d = doy - (153 * mp + 2) / 5 + 1;
        const int32_t m = mp + (mp < 10 ? 3 : -9);
        const int32_t y = yoe + era * 400 + (m <= 2);
        snprintf(buf, n, "%04d-%02d-%02d", (int)y, (int)m, (int)d);
}

int32_t eol_today(void)
{
        return (int32_t)(time(NULL) / 86400);
}

/* "2026-11-22T00:00:00+00:00" → its date; EOL_NO_DATE otherwise. */
static int32_t parse_stamp(const char *s)
{
        char d[11];
        if (!s || strlen(s) < 10)
                return EOL_NO_DATE;
        memcpy(d, s, 10);
        d[10] = '\0';
        int32_t v = eol_parse_date(d);
        return v < 0 ? EOL_NO_DATE : v;
}

/* ---- names ---- */

/* Product ids name files: [a-z0-9._-], not starting with '.'. */
static bool valid_id(const char *s)
{
        size_t n = strlen(s);
        if (n == 0 || n >= EOL_NAME_MAX || s[0] == '.')
                return false;
        for (size_t i = 0; i < n; i++)
                if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) ||
                      s[i] == '.' || s[i] == '_' || s[i] == '-'))
                        return false;
        return true;
}

/* Cycle names are printed and compared: printable ASCII only. */
static bool valid_cycle(const char *s)
{
        size_t n = strlen(s);
        if (n == 0 || n >= EOL_NAME_MAX)
                return false;
        for (size_t i = 0; i < n; i++)
                if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
                        return false;
        return true;
}

/* Copy a JSON string capped and lower-cased up to the first blank (for
 * codenames: "Focal Fossa" → "focal"). */
static void copy_word(char *dst, size_t cap, const char *src)
{
        size_t i = 0;
        for (; src[i] && src[i] != ' ' && i + 1 < cap; i++)
                dst[i] = (char)tolower((unsigned char)src[i]);
        dst[i] = '\0';
}

static void copy_cap(char *dst, size_t cap, const char *src)
{
        snprintf(dst, cap, "%s", src);
}

/* ---- API v1 documents ---- */

/* An end field pair: "<x>From" (date string or null) and "is<X>" (bool or
 * null). A wrong type rejects the document. */
static int parse_end(const cJSON *rel, const char *from_key, const char *is_key,
                     uint8_t *ret_kind, int32_t *ret_date)
{
        const cJSON *from = cJSON_GetObjectItemCaseSensitive(rel, from_key);
        const cJSON *is = cJSON_GetObjectItemCaseSensitive(rel, is_key);
        *ret_kind = END_NONE;
        *ret_date = EOL_NO_DATE;
        if (from && !cJSON_IsNull(from)) {
                if (!cJSON_IsString(from))
                        return -EINVAL;
                int32_t d = eol_parse_date(from->valuestring);
                if (d < 0)
                        return -EINVAL;
                *ret_kind = END_DATE;
                *ret_date = d;
                return 0;
        }
        if (is && !cJSON_IsNull(is)) {
                if (!cJSON_IsBool(is))
                        return -EINVAL;
                *ret_kind = cJSON_IsTrue(is) ? END_PAST : END_OPEN;
        }
        return 0;
}

static const char *opt_string(const cJSON *obj, const char *key, int *err)
{
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
        if (!v || cJSON_IsNull(v))
                return NULL;
        if (!cJSON_IsString(v)) {
                *err = -EINVAL;
                return NULL;
        }
        return v->valuestring;
}

static int parse_release(const cJSON *rel, struct eol_cycle *c)
{
        int err = 0;
        memset(c, 0, sizeof(*c));
        if (!cJSON_IsObject(rel))
                return -EINVAL;
        const char *name = opt_string(rel, "name", &err);
        if (!name || !valid_cycle(name))
                return -EINVAL;
        copy_cap(c->name, sizeof(c->name), name);
        const char *code = opt_string(rel, "codename", &err);
        if (code)
                copy_word(c->codename, sizeof(c->codename), code);
        const cJSON *latest = cJSON_GetObjectItemCaseSensitive(rel, "latest");
        if (latest && !cJSON_IsNull(latest)) {
                if (!cJSON_IsObject(latest))
                        return -EINVAL;
                const char *ln = opt_string(latest, "name", &err);
                if (ln)
                        copy_cap(c->latest, sizeof(c->latest), ln);
        }
        if (err < 0)
                return err;
        eol_cycle_build(c);
        int r = parse_end(rel, "eolFrom", "isEol", &c->eol_kind, &c->eol);
        if (r < 0)
                return r;
        return parse_end(rel, "eoesFrom", "isEoes", &c->ext_kind, &c->ext);
}

static int parse_doc(const char *buf, size_t len, const char *source, struct eol_product *p)
{
        int r = -EINVAL, err = 0;
        memset(p, 0, sizeof(*p));
        if (len > EOL_DOC_MAX)
                return -E2BIG;
        cJSON *root = cJSON_ParseWithLength(buf, len);
        if (!root)
                return -EINVAL;
        const cJSON *res = cJSON_GetObjectItemCaseSensitive(root, "result");
        if (!cJSON_IsObject(root) || !cJSON_IsObject(res))
                goto out;
        const char *name = opt_string(res, "name", &err);
        if (!name || !valid_id(name))
                goto out;
        copy_cap(p->name, sizeof(p->name), name);
        const char *label = opt_string(res, "label", &err);
        copy_cap(p->label, sizeof(p->label), label ? label : name);
        p->generated = parse_stamp(opt_string(root, "generated_at", &err));
        p->alt_generated = EOL_NO_DATE;
        copy_cap(p->source, sizeof(p->source), source ? source : "");
        /* Tables netinv's authors wrote from vendor pages say so in an extra
         * top-level object the API does not have: {"netinv": {"origin":
         * "vendor", ...}}. Everything else is an endoflife.date product. */
        p->upstream = true;
        const cJSON *extra = cJSON_GetObjectItemCaseSensitive(root, "netinv");
        if (cJSON_IsObject(extra)) {
                const char *origin = opt_string(extra, "origin", &err);
                p->upstream = !origin || strcmp(origin, "endoflife.date") == 0;
        }
        if (err < 0)
                goto out;

        const cJSON *aliases = cJSON_GetObjectItemCaseSensitive(res, "aliases");
        const cJSON *a;
        if (aliases && !cJSON_IsNull(aliases)) {
                if (!cJSON_IsArray(aliases))
                        goto out;
                cJSON_ArrayForEach(a, aliases) {
                        if (cJSON_IsString(a) && valid_id(a->valuestring) &&
                            p->naliases < EOL_MAX_ALIASES)
                                copy_cap(p->aliases[p->naliases++], EOL_NAME_MAX, a->valuestring);
                }
        }

        const cJSON *rels = cJSON_GetObjectItemCaseSensitive(res, "releases");
        if (!cJSON_IsArray(rels))
                goto out;
        const int n = cJSON_GetArraySize(rels);
        if (n <= 0 || (unsigned)n > EOL_MAX_CYCLES) {
                r = n <= 0 ? -EINVAL : -E2BIG;
                goto out;
        }
        p->cycles = calloc((size_t)n, sizeof(*p->cycles));
        if (!p->cycles) {
                r = -ENOMEM;
                goto out;
        }
        const cJSON *rel;
        cJSON_ArrayForEach(rel, rels) {
                struct eol_cycle *c = &p->cycles[p->ncycles];
                r = parse_release(rel, c);
                if (r < 0)
                        goto out;
                bool dup = false;       /* first of a name wins */
                for (size_t i = 0; i < p->ncycles && !dup; i++)
                        dup = strcasecmp(p->cycles[i].name, c->name) == 0;
                if (!dup)
                        p->ncycles++;
        }
        r = 0;
out:
        cJSON_Delete(root);
        if (r < 0) {
                free(p->cycles);
                p->cycles = NULL;
                p->ncycles = 0;
        }
        return r;
}

int eol_doc_check(const char *buf, size_t len, char ret_name[EOL_NAME_MAX])
{
        struct eol_product p;
        int r = parse_doc(buf, len, NULL, &p);
        if (r < 0)
                return r;
        if (ret_name)
                memcpy(ret_name, p.name, EOL_NAME_MAX);
        free(p.cycles);
        return 0;
}

/* ---- the db ---- */

int eol_db_new(struct eol_db **ret)
{
        struct eol_db *db = calloc(1, sizeof(*db));
        if (!db)
                return -ENOMEM;
        *ret = db;
        return 0;
}

void eol_db_free(struct eol_db *db)
{
        if (!db)
                return;
        for (size_t i = 0; i < db->nproducts; i++)
                free(db->products[i].cycles);
        free(db->products);
        free(db->aliases);
        free(db);
}

size_t eol_db_errors(const struct eol_db *db)
{
        return db->errors;
}

static struct eol_product *find_exact(struct eol_db *db, const char *name)
{
        for (size_t i = 0; i < db->nproducts; i++)
                if (strcmp(db->products[i].name, name) == 0)
                        return &db->products[i];
        return NULL;
}

/* Takes ownership of p->cycles. */
static int db_put(struct eol_db *db, struct eol_product *p)
{
        struct eol_product *old = find_exact(db, p->name);
        if (old) {
                free(old->cycles);
                *old = *p;
                return 0;
        }
        if (db->nproducts >= EOL_MAX_PRODUCTS) {
                free(p->cycles);
                return -E2BIG;
        }
        if (db->nproducts == db->cap) {
                size_t nc = db->cap ? db->cap * 2 : 64;
                struct eol_product *np = realloc(db->products, nc * sizeof(*np));
                if (!np) {
                        free(p->cycles);
                        return -ENOMEM;
                }
                db->products = np;
                db->cap = nc;
        }
        db->products[db->nproducts++] = *p;
        db->finished = false;
        return 0;
}

int eol_db_add_json(struct eol_db *db, const char *buf, size_t len, const char *source)
{
        struct eol_product p;
        int r = parse_doc(buf, len, source, &p);
        if (r < 0)
                return r;
        db->finished = false;
        return db_put(db, &p);
}

/* ---- distro-info CSV ---- */

/* Split one CSV line (no quoting in distro-info) into at most `max` fields
 * in place; returns the count. */
static size_t split_csv(char *line, char *f[], size_t max)
{
        size_t n = 0;
        char *s = line;
        while (n < max) {
                f[n++] = s;
                char *comma = strchr(s, ',');
                if (!comma)
                        break;
                *comma = '\0';
                s = comma + 1;
        }
        return n;
}

static int col(char *const hdr[], size_t n, const char *name)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(hdr[i], name) == 0)
                        return (int)i;
        return -1;
}

static int32_t field_date(char *const f[], size_t n, int c)
{
        if (c < 0 || (size_t)c >= n || !f[c][0])
                return EOL_NO_DATE;
        int32_t d = eol_parse_date(f[c]);
        return d < 0 ? EOL_NO_DATE : d;
}

#define CSV_MAX_FIELDS 16

int eol_db_add_distro_info(struct eol_db *db, const char *product, const char *csv,
                           size_t len, const char *source)
{
        if (len > EOL_DOC_MAX || !valid_id(product))
                return -EINVAL;
        char *text = malloc(len + 1);
        if (!text)
                return -ENOMEM;
        memcpy(text, csv, len);
        text[len] = '\0';

        int r = -EINVAL;
        char *save = NULL, *hdr[CSV_MAX_FIELDS];
        char *line = strtok_r(text, "\r\n", &save);
        if (!line)
                goto out;
        size_t nh = split_csv(line, hdr, CSV_MAX_FIELDS);
        const int c_ver = col(hdr, nh, "version"), c_series = col(hdr, nh, "series"),
                  c_eol = col(hdr, nh, "eol");
        /* Paid or volunteer extended phases: Debian LTS and ELTS, Ubuntu ESM
         * and Legacy. eol-server (older Ubuntu LTS servers) is ignored: we
         * cannot tell server from desktop, and the earlier date is the safe one. */
        const int c_ext[] = {col(hdr, nh, "eol-lts"), col(hdr, nh, "eol-elts"),
                             col(hdr, nh, "eol-esm"), col(hdr, nh, "eol-legacy")};
        if (c_ver < 0 || c_eol < 0)
                goto out;

        struct eol_product *p = find_exact(db, product), fresh;
        if (!p) {
                memset(&fresh, 0, sizeof(fresh));
                copy_cap(fresh.name, sizeof(fresh.name), product);
                copy_cap(fresh.label, sizeof(fresh.label), product);
                copy_cap(fresh.source, sizeof(fresh.source), source ? source : "");
                fresh.generated = EOL_NO_DATE;
                fresh.upstream = true;  /* debian and ubuntu are endoflife.date products */
                r = db_put(db, &fresh);
                if (r < 0)
                        goto out;
                p = find_exact(db, product);
        }
        copy_cap(p->alt_source, sizeof(p->alt_source), source ? source : "");
        p->alt_generated = EOL_NO_DATE;

        while ((line = strtok_r(NULL, "\r\n", &save))) {
                char *f[CSV_MAX_FIELDS];
                size_t n = split_csv(line, f, CSV_MAX_FIELDS);
                if ((size_t)c_ver >= n)
                        continue;
                int32_t eol = field_date(f, n, c_eol);
                if (eol == EOL_NO_DATE)
                        continue;       /* unreleased or no end known: nothing to judge on */
                struct eol_cycle c = {0};
                copy_word(c.name, sizeof(c.name), f[c_ver]);   /* "6.06 LTS" → "6.06" */
                if (!valid_cycle(c.name))
                        continue;
                if (c_series >= 0 && (size_t)c_series < n)
                        copy_word(c.codename, sizeof(c.codename), f[c_series]);
                c.eol_kind = END_DATE;
                c.eol = eol;
                c.ext = EOL_NO_DATE;
                for (size_t k = 0; k < sizeof(c_ext) / sizeof(c_ext[0]); k++) {
                        int32_t d = field_date(f, n, c_ext[k]);
                        if (d != EOL_NO_DATE && (c.ext == EOL_NO_DATE || d > c.ext))
                                c.ext = d;
                }
                c.ext_kind = c.ext == EOL_NO_DATE ? END_NONE : END_DATE;
                c.from_alt = 1;

                size_t i = 0;
                while (i < p->ncycles && strcasecmp(p->cycles[i].name, c.name) != 0)
                        i++;
                eol_cycle_build(&c);
                if (i < p->ncycles) {
                        if (!c.latest[0]) {
                                copy_cap(c.latest, sizeof(c.latest), p->cycles[i].latest);
                                eol_cycle_build(&c);
                        }
                        p->cycles[i] = c;
                        continue;
                }
                if (p->ncycles >= EOL_MAX_CYCLES)
                        continue;
                struct eol_cycle *nc = realloc(p->cycles, (p->ncycles + 1) * sizeof(*nc));
                if (!nc) {
                        r = -ENOMEM;
                        goto out;
                }
                p->cycles = nc;
                p->cycles[p->ncycles++] = c;
        }
        db->finished = false;
        r = 0;
out:
        free(text);
        return r;
}

/* ---- loading ---- */

/* Read a whole file of at most EOL_DOC_MAX bytes. */
static int read_file(int dirfd, const char *name, char **ret_buf, size_t *ret_len)
{
        /* O_NONBLOCK: a FIFO named *.json must not hang the load (regular
         * files ignore it). */
        int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0)
                return -errno;
        int r;
        struct stat st;
        char *buf = NULL;
        if (fstat(fd, &st) < 0) {
                r = -errno;
                goto out;
        }
        if (!S_ISREG(st.st_mode)) {
                r = -EINVAL;
                goto out;
        }
        if (st.st_size > (off_t)EOL_DOC_MAX) {
                r = -E2BIG;
                goto out;
        }
        size_t cap = (size_t)st.st_size + 1, len = 0;
        buf = malloc(cap);
        if (!buf) {
                r = -ENOMEM;
                goto out;
        }
        for (;;) {
                ssize_t k = read(fd, buf + len, cap - len);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0) {
                        r = -errno;
                        goto out;
                }
                if (k == 0)
                        break;
                len += (size_t)k;
                if (len == cap) {       /* grew while we read it */
                        r = -E2BIG;
                        goto out;
                }
        }
        *ret_buf = buf;
        *ret_len = len;
        buf = NULL;
        r = 0;
out:
        free(buf);
        close(fd);
        return r;
}

static bool ends_with(const char *s, const char *suffix)
{
        size_t n = strlen(s), m = strlen(suffix);
        return n > m && strcmp(s + n - m, suffix) == 0;
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_dir(struct eol_db *db, const char *dir)
{
        DIR *d = opendir(dir);
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        /* Sorted, so which of two files naming one product wins is stable. */
        char **names = NULL;
        size_t n = 0, cap = 0;
        int r = 0;
        struct dirent *e;
        while ((e = readdir(d))) {
                if (e->d_name[0] == '.' || !ends_with(e->d_name, ".json"))
                        continue;
                if (n == cap) {
                        size_t nc = cap ? cap * 2 : 64;
                        char **nn = realloc(names, nc * sizeof(*nn));
                        if (!nn) {
                                r = -ENOMEM;
                                goto out;
                        }
                        names = nn;
                        cap = nc;
                }
                if (!(names[n] = strdup(e->d_name))) {
                        r = -ENOMEM;
                        goto out;
                }
                n++;
        }
        if (n)
                qsort(names, n, sizeof(*names), cmp_str);
        for (size_t i = 0; i < n; i++) {
                char *buf, path[4096];
                size_t len;
                snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
                if (read_file(dirfd(d), names[i], &buf, &len) < 0) {
                        db->errors++;
                        continue;
                }
                int k = eol_db_add_json(db, buf, len, path);
                free(buf);
                if (k == -ENOMEM) {
                        r = k;
                        goto out;
                }
                if (k < 0)
                        db->errors++;
        }
out:
        for (size_t i = 0; i < n; i++)
                free(names[i]);
        free(names);
        closedir(d);
        return r;
}

static int load_distro_info(struct eol_db *db, const char *dir, const char *product)
{
        char file[64], path[4096], *buf;
        size_t len;
        snprintf(file, sizeof(file), "%s.csv", product);
        snprintf(path, sizeof(path), "%s/%s", dir, file);
        int r = read_file(AT_FDCWD, path, &buf, &len);
        if (r == -ENOENT)
                return 0;
        if (r < 0) {
                db->errors++;
                return 0;
        }
        r = eol_db_add_distro_info(db, product, buf, len, path);
        free(buf);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                db->errors++;
        return 0;
}

int eol_db_load(const char *const dirs[], size_t ndirs, const char *distro_info_dir,
                struct eol_db **ret)
{
        struct eol_db *db;
        int r = eol_db_new(&db);
        if (r < 0)
                return r;
        for (size_t i = 0; i < ndirs; i++) {
                r = load_dir(db, dirs[i]);
                if (r == -ENOMEM)
                        goto fail;
                if (r < 0)
                        db->errors++;
        }
        const char *di = distro_info_dir ? distro_info_dir : "/usr/share/distro-info";
        if ((r = load_distro_info(db, di, "debian")) < 0 ||
            (r = load_distro_info(db, di, "ubuntu")) < 0)
                goto fail;
        eol_db_finish(db);
        *ret = db;
        return 0;
fail:
        eol_db_free(db);
        return r;
}

/* ---- index ---- */

static int cmp_product(const void *a, const void *b)
{
        return strcmp(((const struct eol_product *)a)->name, ((const struct eol_product *)b)->name);
}

static int cmp_alias(const void *a, const void *b)
{
        const struct eol_alias *x = a, *y = b;
        int c = strcasecmp(x->name, y->name);
        if (c)
                return c;
        return x->product < y->product ? -1 : x->product > y->product;
}

/* Aliases netinv's identification may use that endoflife.date does not
 * list (or that name the products added by hand). */
static const struct { const char *alias, *product; } builtin_alias[] = {
        {"alpine", "alpine-linux"},    {"pan-os", "panos"},
        {"kernel", "linux"},           {"linux-kernel", "linux"},
        {"vmware-esxi", "esxi"},       {"mikrotik", "routeros"},
        {"mikrotik-routeros", "routeros"}, {"mac-os-x", "macos"},
        {"osx", "macos"},              {"dsm", "synology-dsm"},
        {"synology", "synology-dsm"},  {"qts", "qnap-qts"},
        {"qnap", "qnap-qts"},          {"chrome-os", "chromeos"},
        {"junos-os", "junos"},         {"ios-xe", "cisco-ios-xe"},
        {"ios-classic", "cisco-ios"},  {"nx-os", "cisco-nx-os"},
        {"asa", "cisco-asa"},          {"suse", "sles"},
        {"red-hat", "rhel"},           {"rocky", "rocky-linux"},
        {"alma", "almalinux"},         {"ubuntu-linux", "ubuntu"},
};

void eol_db_finish(struct eol_db *db)
{
        if (db->nproducts)
                qsort(db->products, db->nproducts, sizeof(*db->products), cmp_product);
        free(db->aliases);
        db->aliases = NULL;
        db->naliases = 0;
        size_t n = db->nproducts;
        for (size_t i = 0; i < db->nproducts; i++)
                n += db->products[i].naliases;
        n += sizeof(builtin_alias) / sizeof(builtin_alias[0]);
        db->aliases = calloc(n ? n : 1, sizeof(*db->aliases));
        if (!db->aliases)
                return;         /* judging then finds nothing: unknown, never wrong */
        for (size_t i = 0; i < db->nproducts; i++) {
                const struct eol_product *p = &db->products[i];
                db->aliases[db->naliases++] = (struct eol_alias){p->name, i};
                for (unsigned k = 0; k < p->naliases; k++)
                        db->aliases[db->naliases++] = (struct eol_alias){p->aliases[k], i};
        }
        for (size_t k = 0; k < sizeof(builtin_alias) / sizeof(builtin_alias[0]); k++) {
                struct eol_product *p = NULL;
                for (size_t i = 0; i < db->nproducts && !p; i++)
                        if (strcmp(db->products[i].name, builtin_alias[k].product) == 0)
                                p = &db->products[i];
                if (p)
                        db->aliases[db->naliases++] =
                                (struct eol_alias){builtin_alias[k].alias, (size_t)(p - db->products)};
        }
        if (db->naliases > 1)
                qsort(db->aliases, db->naliases, sizeof(*db->aliases), cmp_alias);
        db->finished = true;
}

long eol_db_find(const struct eol_db *db, const char *product)
{
        if (!db || !db->finished || !product)
                return -1;
        /* A product's own name beats another product's alias. */
        size_t lo = 0, hi = db->nproducts;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = strcasecmp(product, db->products[mid].name);
                if (c == 0)
                        return (long)mid;
                if (c < 0)
                        hi = mid;
                else
                        lo = mid + 1;
        }
        lo = 0;
        hi = db->naliases;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = strcasecmp(product, db->aliases[mid].name);
                if (c == 0) {
                        while (mid > 0 && strcasecmp(product, db->aliases[mid - 1].name) == 0)
                                mid--;  /* the lowest product index: stable */
                        return (long)db->aliases[mid].product;
                }
                if (c < 0)
                        hi = mid;
                else
                        lo = mid + 1;
        }
        return -1;
}

size_t eol_db_count(const struct eol_db *db)
{
        return db->finished ? db->nproducts : 0;
}

int eol_db_info(const struct eol_db *db, size_t i, struct eol_product_info *ret)
{
        if (!db->finished || i >= db->nproducts)
                return -EINVAL;
        const struct eol_product *p = &db->products[i];
        *ret = (struct eol_product_info){p->name, p->label, p->source, p->generated, p->ncycles,
                                         p->upstream};
        return 0;
}
