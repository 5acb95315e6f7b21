/* verdict.c - match an identified (product, version) to a release cycle
 * and judge it on a given day. Pure: reads the finished db, no I/O, no
 * allocation; cheap enough to run for every device of a large inventory
 * (a binary search for the product, one pass over its cycles). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

const char *eol_status_name(enum eol_status s)
{
        static const char *const names[EOL_STATUS_MAX] = {
                [EOL_UNKNOWN] = "unknown", [EOL_SUPPORTED] = "supported",
                [EOL_EXTENDED] = "extended", [EOL_EOL] = "eol",
        };
        return (unsigned)s < EOL_STATUS_MAX ? names[s] : "unknown";
}

/* ---- judging one cycle ---- */

/* A boolean "no announced end" is believed while the table is fresh. */
static bool fresh(int32_t generated, int32_t as_of)
{
        return generated != EOL_NO_DATE && (int64_t)as_of <= (int64_t)generated + EOL_STALE_DAYS;
}

void eol_judge_one(const struct eol_product *p, const struct eol_cycle *c, int32_t as_of,
                   struct eol_verdict *ret)
{
        const int32_t generated = c->from_alt ? p->alt_generated : p->generated;
        ret->status = EOL_UNKNOWN;
        snprintf(ret->product, sizeof(ret->product), "%s", p->name);
        snprintf(ret->cycle, sizeof(ret->cycle), "%s", c->name);
        ret->source = c->from_alt ? p->alt_source : p->source;
        ret->eol_date = c->eol_kind == END_DATE ? c->eol : EOL_NO_DATE;
        ret->extended_date = c->ext_kind == END_DATE ? c->ext : EOL_NO_DATE;
        ret->days_left = EOL_NO_DATE;

        switch (c->eol_kind) {
        case END_DATE:
                if (as_of <= c->eol) {
                        ret->status = EOL_SUPPORTED;
                        ret->days_left = c->eol - as_of;
                        return;
                }
                break;
        case END_OPEN:
                if (fresh(generated, as_of))
                        ret->status = EOL_SUPPORTED;
                return;
        case END_PAST:
                /* Ended on a day nobody recorded: true from the table's
                 * date on, unknowable before it. */
                if (generated == EOL_NO_DATE || as_of < generated)
                        return;
                break;
        default:
                return;
        }

        /* Past the end of security support. */
        ret->status = EOL_EOL;
        if (c->eol_kind == END_DATE)
                ret->days_left = c->eol - as_of;
        switch (c->ext_kind) {
        case END_DATE:
                ret->days_left = c->ext - as_of;
                if (as_of <= c->ext)
                        ret->status = EOL_EXTENDED;
                break;
        case END_OPEN:
                /* Extended support with no announced end: believed while
                 * the table is fresh; after that only "past security
                 * support" is certain, and that is eol. */
                if (fresh(generated, as_of)) {
                        ret->status = EOL_EXTENDED;
                        ret->days_left = EOL_NO_DATE;
                }
                break;
        default:
                break;
        }
}

int eol_judge_cycle(const struct eol_db *db, size_t i, size_t c, int32_t as_of,
                    struct eol_verdict *ret)
{
        if (!db || !db->finished || i >= db->nproducts || c >= db->products[i].ncycles)
                return -EINVAL;
        eol_judge_one(&db->products[i], &db->products[i].cycles[c], as_of, ret);
        return 0;
}

/* ---- matching ---- */

#define VER_MAX 128

/* Lower case, blanks trimmed, a leading "v" before a digit dropped. */
static void normalise(char *dst, const char *src)
{
        while (*src == ' ' || *src == '\t')
                src++;
        if ((src[0] == 'v' || src[0] == 'V') && isdigit((unsigned char)src[1]))
                src++;
        size_t n = 0;
        for (; src[n] && n + 1 < VER_MAX; n++)
                dst[n] = (char)tolower((unsigned char)src[n]);
        while (n > 0 && (dst[n - 1] == ' ' || dst[n - 1] == '\t'))
                n--;
        dst[n] = '\0';
}

/* Does cycle name `c` start `v` and end at a component boundary? "6.1"
 * starts "6.1.55" but not "6.10"; "21.4" starts "21.4r3-s5". */
static bool prefix_at_boundary(const char *v, const char *c)
{
        size_t n = strlen(c);
        if (strncasecmp(v, c, n) != 0)
                return false;
        const unsigned char next = (unsigned char)v[n];
        if (next == '\0' || !isalnum(next))
                return true;
        return isdigit((unsigned char)c[n - 1]) && isalpha(next);
}

static const struct eol_cycle *match_generic(const struct eol_product *p, const char *v)
{
        const struct eol_cycle *best = NULL;
        size_t best_len = 0;
        for (size_t i = 0; i < p->ncycles; i++) {
                const struct eol_cycle *c = &p->cycles[i];
                if (strcasecmp(v, c->name) == 0)
                        return c;
                size_t n = strlen(c->name);
                if (n > best_len && prefix_at_boundary(v, c->name)) {
                        best = c;
                        best_len = n;
                }
        }
        if (best)
                return best;
        /* A codename: "bookworm", "jammy", "Focal Fossa". */
        char word[32];
        size_t k = 0;
        for (; v[k] && v[k] != ' ' && k + 1 < sizeof(word); k++)
                word[k] = v[k];
        word[k] = '\0';
        for (size_t i = 0; i < p->ncycles && k > 0; i++)
                if (p->cycles[i].codename[0] && strcmp(word, p->cycles[i].codename) == 0)
                        return &p->cycles[i];
        return NULL;
}

/* ---- Windows ---- */

enum win_hint { H_LTS = 1, H_IOT = 2, H_E = 4, H_W = 8, H_SAC = 16 };

static unsigned hint_of(const char *t)
{
        static const struct { const char *word; unsigned hint; } words[] = {
                {"ltsc", H_LTS}, {"ltsb", H_LTS}, {"lts", H_LTS}, {"iot", H_IOT},
                {"enterprise", H_E}, {"education", H_E}, {"e", H_E},
                {"home", H_W}, {"pro", H_W}, {"professional", H_W}, {"w", H_W},
                {"sac", H_SAC}, {"ac", H_SAC},
        };
        for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
                if (strcmp(t, words[i].word) == 0)
                        return words[i].hint;
        return 0;
}

/* Words that name the family or a server edition, not a lifecycle. */
static bool noise_word(const char *t)
{
        static const char *const words[] = {"microsoft", "windows", "server", "standard",
                                            "datacenter", "essentials", "edition"};
        for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
                if (strcmp(t, words[i]) == 0)
                        return true;
        return false;
}

static bool has_token(const char *name, const char *tok)
{
        size_t n = strlen(tok);
        for (const char *s = name; *s; ) {
                const char *dash = strchr(s, '-');
                size_t len = dash ? (size_t)(dash - s) : strlen(s);
                if (len == n && strncasecmp(s, tok, n) == 0)
                        return true;
                if (!dash)
                        break;
                s = dash + 1;
        }
        return false;
}

/* After `core` + "-", only edition and service-pack tokens may follow:
 * "2008" is "2008-sp2", never "2008-r2-sp1"; "10" alone matches nothing. */
static bool edition_suffix(const char *rest)
{
        static const char *const ok[] = {"e", "w", "lts", "iot", "sac", "ac", "sp1", "sp2", "sp3"};
        while (*rest) {
                const char *dash = strchr(rest, '-');
                size_t len = dash ? (size_t)(dash - rest) : strlen(rest);
                bool found = false;
                for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]) && !found; i++)
                        found = strlen(ok[i]) == len && strncasecmp(rest, ok[i], len) == 0;
                if (!found)
                        return false;
                if (!dash)
                        break;
                rest = dash + 1;
        }
        return true;
}

/* "a.b.c[.d]" with small non-negative parts → ret[3]; false otherwise. */
static bool parse_build(const char *v, int32_t ret[3])
{
        int32_t part[3] = {0, 0, 0};
        int k = 0, digits = 0;
        for (;; v++) {
                if (*v >= '0' && *v <= '9') {
                        if (++digits > 6)
                                return false;
                        part[k] = part[k] * 10 + (*v - '0');
                } else if ((*v == '.' || *v == '\0') && digits) {
                        digits = 0;
                        if (++k == 3 || *v == '\0')
                                break;
                } else {
                        return false;
                }
        }
        if (k != 3)
                return false;
        memcpy(ret, part, sizeof(part));
        return true;
}

void eol_cycle_build(struct eol_cycle *c)
{
        if (!parse_build(c->latest, c->build))
                c->build[0] = c->build[1] = c->build[2] = -1;
}

/* "10.0.19045.3803" (or "19045") is the cycle whose latest is 10.0.19045. */
static bool same_build(const struct eol_cycle *c, const int32_t b[3], bool bare)
{
        if (c->build[0] < 0)
                return false;
        if (bare)
                return c->build[2] == b[2];
        return c->build[0] == b[0] && c->build[1] == b[1] && c->build[2] == b[2];
}

/* A Windows build: "10.0.19045[.NNNN]", or five digits "19045". */
static bool is_build(const char *v, int32_t ret[3], bool *ret_bare)
{
        const size_t n = strlen(v);
        if (strspn(v, "0123456789") == n) {
                if (n != 5)
                        return false;
                ret[0] = ret[1] = -1;
                ret[2] = (int32_t)atoi(v);
                *ret_bare = true;
                return true;
        }
        *ret_bare = false;
        if (strspn(v, "0123456789.") != n)
                return false;
        /* Only the first three parts count: the fourth is the patch level. */
        char head[VER_MAX];
        size_t dots = 0, i = 0;
        for (; v[i] && i + 1 < sizeof(head); i++) {
                if (v[i] == '.' && ++dots == 3)
                        break;
                head[i] = v[i];
        }
        head[i] = '\0';
        return parse_build(head, ret);
}

static bool keep(const char *name, unsigned hint, bool server)
{
        const bool lts = has_token(name, "lts"), iot = has_token(name, "iot"),
                   e = has_token(name, "e"), w = has_token(name, "w"),
                   sac = has_token(name, "sac") || has_token(name, "ac");
        if (server)
                return (hint & H_SAC) ? sac : !sac;
        if (hint & H_IOT)
                return iot && (!(hint & H_LTS) || lts);
        if (hint & H_LTS)
                return lts && !iot;
        if (hint & H_E)
                return !lts && !iot && (e || !w);
        if (hint & H_W)
                return !lts && !iot && (w || !e);
        return !lts && !iot;
}

/* Severity for picking among editions: a wrong "supported" is the worst
 * error, so the most pessimistic candidate wins. */
static int severity(enum eol_status s)
{
        switch (s) {
        case EOL_EOL: return 3;
        case EOL_EXTENDED: return 2;
        case EOL_UNKNOWN: return 1;
        default: return 0;
        }
}

static bool worse(const struct eol_verdict *a, const struct eol_verdict *b)
{
        if (severity(a->status) != severity(b->status))
                return severity(a->status) > severity(b->status);
        const int64_t da = a->days_left == EOL_NO_DATE ? INT64_MAX : a->days_left;
        const int64_t db = b->days_left == EOL_NO_DATE ? INT64_MAX : b->days_left;
        return da < db;
}

static void judge_windows(const struct eol_product *p, const char *v, int32_t as_of,
                          struct eol_verdict *ret)
{
        const bool server = strstr(p->name, "server") != NULL;
        char core[VER_MAX] = "", tok[VER_MAX];
        unsigned hint = 0;
        size_t cn = 0;
        for (const char *s = v; *s; ) {
                size_t len = strcspn(s, " \t,()");
                if (len > 0 && len < sizeof(tok)) {
                        memcpy(tok, s, len);
                        tok[len] = '\0';
                        unsigned h = hint_of(tok);
                        if (h)
                                hint |= h;
                        else if (!noise_word(tok) && cn + len + 2 < sizeof(core))
                                cn += (size_t)snprintf(core + cn, sizeof(core) - cn, "%s%s",
                                                       cn ? "-" : "", tok);
                }
                s += len;
                if (*s)
                        s++;
        }
        if (!cn)
                return;
        /* A cycle id given as is ("10-1809-e-lts", "2019"). */
        for (size_t i = 0; i < p->ncycles; i++)
                if (strcasecmp(core, p->cycles[i].name) == 0) {
                        eol_judge_one(p, &p->cycles[i], as_of, ret);
                        return;
                }
        int32_t b[3];
        bool bare = false;
        const bool build = is_build(core, b, &bare);
        bool any = false;
        for (int pass = 0; pass < 2 && !any; pass++) {
                /* Pass 1 keeps the editions the hint (or the default) names;
                 * without a hint, pass 2 takes every edition of the release. */
                if (pass == 1 && hint)
                        break;
                for (size_t i = 0; i < p->ncycles; i++) {
                        const struct eol_cycle *c = &p->cycles[i];
                        bool cand;
                        if (build) {
                                cand = same_build(c, b, bare);
                        } else {
                                size_t n = strlen(core);
                                cand = strncasecmp(c->name, core, n) == 0 && c->name[n] == '-' &&
                                       edition_suffix(c->name + n + 1);
                        }
                        if (!cand || (pass == 0 && !keep(c->name, hint, server)))
                                continue;
                        struct eol_verdict v1;
                        eol_judge_one(p, c, as_of, &v1);
                        if (!any || worse(&v1, ret))
                                *ret = v1;
                        any = true;
                }
        }
}

int eol_judge(const struct eol_db *db, const char *product, const char *version,
              int32_t as_of, struct eol_verdict *ret)
{
        if (!ret)
                return -EINVAL;
        memset(ret, 0, sizeof(*ret));
        ret->source = "";
        ret->status = EOL_UNKNOWN;
        ret->eol_date = ret->extended_date = ret->days_left = EOL_NO_DATE;
        if (!db || !product || !version)
                return -EINVAL;
        snprintf(ret->product, sizeof(ret->product), "%s", product);
        long i = eol_db_find(db, product);
        if (i < 0)
                return 0;
        const struct eol_product *p = &db->products[i];
        snprintf(ret->product, sizeof(ret->product), "%s", p->name);
        ret->source = p->source;

        char v[VER_MAX];
        normalise(v, version);
        if (!v[0])
                return 0;
        if (strncmp(p->name, "windows", 7) == 0) {
                judge_windows(p, v, as_of, ret);
                return 0;
        }
        const struct eol_cycle *c = match_generic(p, v);
        if (c)
                eol_judge_one(p, c, as_of, ret);
        return 0;
}
