/* oui.c - MAC prefix → registered organisation. See oui.h.
 *
 * Formats read (detected per file):
 *   IEEE CSV (ieee-data)   Registry,Assignment,Organization Name,Organization Address
 *                          MA-L,002272,"Name, Inc.",...   (MA-M: 7 hex digits, MA-S: 9)
 *   arp-scan ieee-oui.txt  002272<TAB>Name
 *   Wireshark manuf        00:22:72<TAB>Short<TAB>Long name   (and 00:1B:C5:00:00:00/36)
 * Entries are kept sorted by (prefix, bits); a lookup tries 36, 28, then 24 bits.
 */
#include "netinv/oui.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct oui_entry {
        uint64_t prefix;        /* the MAC's 48 bits, masked to `bits` */
        uint32_t name;          /* offset into pool */
        uint8_t bits;           /* 24, 28 or 36 */
};

struct oui_db {
        struct oui_entry *e;
        size_t n, cap;
        char *pool;
        size_t pool_len, pool_cap;
        char *source;
};

static const char *const default_paths[] = {
        "/usr/share/ieee-data/oui.csv",
        "/usr/share/arp-scan/ieee-oui.txt",
        "/usr/share/wireshark/manuf",
        "/usr/local/share/ieee-data/oui.csv",
        "/usr/local/share/arp-scan/ieee-oui.txt",
};

static uint64_t mask_for(unsigned bits)
{
        return bits >= 48 ? 0xffffffffffffull : (0xffffffffffffull << (48 - bits)) & 0xffffffffffffull;
}

static int add(struct oui_db *db, uint64_t prefix, unsigned bits, const char *name, size_t len)
{
        while (len && isspace((unsigned char)name[len - 1]))
                len--;
        while (len && isspace((unsigned char)*name)) {
                name++;
                len--;
        }
        if (!len)
                return 0;
        if (db->n == db->cap) {
                size_t nc = db->cap ? db->cap * 2 : 4096;
                struct oui_entry *ne = realloc(db->e, nc * sizeof(*ne));
                if (!ne)
                        return -ENOMEM;
                db->e = ne;
                db->cap = nc;
        }
        if (db->pool_len + len + 1 > db->pool_cap) {
                size_t nc = db->pool_cap ? db->pool_cap * 2 : 256 * 1024;
                while (nc < db->pool_len + len + 1)
                        nc *= 2;
                char *np = realloc(db->pool, nc);
                if (!np)
                        return -ENOMEM;
                db->pool = np;
                db->pool_cap = nc;
        }
        memcpy(db->pool + db->pool_len, name, len);
        db->pool[db->pool_len + len] = '\0';
        db->e[db->n++] = (struct oui_entry){ .prefix = prefix & mask_for(bits),
                                             .name = (uint32_t)db->pool_len, .bits = (uint8_t)bits };
        db->pool_len += len + 1;
        return 0;
}

/* Hex digits (separators ':' '-' '.' skipped) into the top of a 48-bit
 * value; the number of bits read, or 0 when the text is not hex. */
static unsigned parse_hex_prefix(const char *s, size_t len, uint64_t *ret)
{
        uint64_t v = 0;
        unsigned nd = 0;
        for (size_t i = 0; i < len; i++) {
                int c = (unsigned char)s[i];
                if (c == ':' || c == '-' || c == '.')
                        continue;
                if (!isxdigit(c) || nd >= 12)
                        return 0;
                v = (v << 4) | (uint64_t)(isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10));
                nd++;
        }
        if (!nd)
                return 0;
        *ret = v << (48 - 4 * nd);
        return nd * 4;
}

/* One CSV field starting at *p (RFC 4180 quoting); returns its text in
 * buf and moves *p past the comma. */
static size_t csv_field(const char **p, char *buf, size_t bufsz)
{
        const char *s = *p;
        size_t n = 0;
        if (*s == '"') {
                s++;
                while (*s) {
                        if (*s == '"') {
                                if (s[1] == '"') {
                                        if (n + 1 < bufsz)
                                                buf[n++] = '"';
                                        s += 2;
                                        continue;
                                }
                                s++;
                                break;
                        }
                        if (n + 1 < bufsz)
                                buf[n++] = *s;
                        s++;
                }
                while (*s && *s != ',')
                        s++;
        } else {
                while (*s && *s != ',' && *s != '\n' && *s != '\r') {
                        if (n + 1 < bufsz)
                                buf[n++] = *s;
                        s++;
                }
        }
        if (*s == ',')
                s++;
        buf[n] = '\0';
        *p = s;
        return n;
}

static int load_file(struct oui_db *db, const char *path)
{
        FILE *f = fopen(path, "re");
        if (!f)
                return -errno;
        char *line = NULL;
        size_t cap = 0;
        ssize_t len;
        int r = 0;
        bool csv = false, first = true;

        while ((len = getline(&line, &cap, f)) > 0) {
                if (first) {
                        first = false;
                        if (strncmp(line, "Registry,Assignment", 19) == 0) {
                                csv = true;
                                continue;
                        }
                }
                if (line[0] == '#' || line[0] == '\n')
                        continue;
                uint64_t prefix;
                unsigned bits;
                if (csv) {
                        char reg[16], assign[32], name[512];
                        const char *p = line;
                        csv_field(&p, reg, sizeof(reg));
                        csv_field(&p, assign, sizeof(assign));
                        size_t nl = csv_field(&p, name, sizeof(name));
                        bits = parse_hex_prefix(assign, strlen(assign), &prefix);
                        if (bits == 24 || bits == 28 || bits == 36)
                                r = add(db, prefix, bits, name, nl);
                } else {
                        /* prefix<TAB>name[<TAB>long name]; manuf may add /bits */
                        char *tab = strchr(line, '\t');
                        if (!tab)
                                continue;
                        char *slash = memchr(line, '/', (size_t)(tab - line));
                        bits = parse_hex_prefix(line, (size_t)((slash ? slash : tab) - line), &prefix);
                        if (slash)
                                bits = (unsigned)atoi(slash + 1);
                        if (bits != 24 && bits != 28 && bits != 36)
                                continue;
                        char *name = tab + 1;
                        char *tab2 = strchr(name, '\t');
                        if (tab2 && tab2[1] && tab2[1] != '\n')
                                name = tab2 + 1;        /* manuf: prefer the long name */
                        size_t nl = strcspn(name, "\t\r\n");
                        r = add(db, prefix, bits, name, nl);
                }
                if (r < 0)
                        break;
        }
        free(line);
        if (ferror(f) && r == 0)
                r = -EIO;
        fclose(f);
        return r;
}

static int cmp_entry(const void *a, const void *b)
{
        const struct oui_entry *x = a, *y = b;
        if (x->prefix != y->prefix)
                return x->prefix < y->prefix ? -1 : 1;
        return (int)x->bits - (int)y->bits;
}

/* For ieee-data's oui.csv, also read its MA-M and MA-S siblings. */
static int load_siblings(struct oui_db *db, const char *path)
{
        const char *slash = strrchr(path, '/');
        if (!slash || strcmp(slash + 1, "oui.csv") != 0)
                return 0;
        static const char *const sib[] = { "mam.csv", "oui36.csv" };
        for (size_t i = 0; i < sizeof(sib) / sizeof(sib[0]); i++) {
                char p[4096];
                int n = snprintf(p, sizeof(p), "%.*s/%s", (int)(slash - path), path, sib[i]);
                if (n < 0 || (size_t)n >= sizeof(p))
                        continue;
                int r = load_file(db, p);
                if (r < 0 && r != -ENOENT)
                        return r;
        }
        return 0;
}

int oui_load(const char *path, struct oui_db **ret_db)
{
        struct oui_db *db = calloc(1, sizeof(*db));
        int r = -ENOENT;
        if (!db)
                return -ENOMEM;
        if (path) {
                r = load_file(db, path);
                if (r == 0)
                        r = load_siblings(db, path);
        } else {
                for (size_t i = 0; i < sizeof(default_paths) / sizeof(default_paths[0]); i++) {
                        path = default_paths[i];
                        r = load_file(db, path);
                        if (r == 0) {
                                r = load_siblings(db, path);
                                break;
                        }
                        if (r != -ENOENT && r != -EACCES)
                                break;
                }
        }
        if (r == 0 && db->n == 0)
                r = -ENOENT;
        if (r == 0 && !(db->source = strdup(path)))
                r = -ENOMEM;
        if (r < 0) {
                oui_free(db);
                return r;
        }
        qsort(db->e, db->n, sizeof(*db->e), cmp_entry);
        *ret_db = db;
        return 0;
}

void oui_free(struct oui_db *db)
{
        if (!db)
                return;
        free(db->e);
        free(db->pool);
        free(db->source);
        free(db);
}

const char *oui_lookup(const struct oui_db *db, const uint8_t mac[6])
{
        static const unsigned tries[] = { 36, 28, 24 };
        uint64_t m = 0;

        if (!db || mac_is_local(mac))
                return NULL;
        for (int i = 0; i < 6; i++)
                m = (m << 8) | mac[i];
        for (size_t t = 0; t < 3; t++) {
                struct oui_entry key = { .prefix = m & mask_for(tries[t]), .bits = (uint8_t)tries[t] };
                const struct oui_entry *e = bsearch(&key, db->e, db->n, sizeof(*db->e), cmp_entry);
                if (e)
                        return db->pool + e->name;
        }
        return NULL;
}

size_t oui_count(const struct oui_db *db)
{
        return db ? db->n : 0;
}

const char *oui_source(const struct oui_db *db)
{
        return db ? db->source : NULL;
}
