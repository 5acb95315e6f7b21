/* rules.c - the rule file parser (grammar: man/netinv-rules.5).
 *
 * Rule files are edited by admins, so every error names file:line and what
 * is wrong, and every quantity is capped (internal.h). Patterns are compiled
 * here, once; rules are indexed by their first match key, and exact matches
 * are hashed by (key, value), so the engine (match.c) never compiles or
 * searches linearly. The parser is fuzzed (tests/fuzz/fuzz-rules.c).
 */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RULES_TEXT_MAX  160u            /* bytes in one proposed value */

struct parser {
        struct identify_rules *r;
        const char *file;
        unsigned line;
        char *err;
        size_t errlen;
        enum { IN_NONE, IN_RULE, IN_TABLE } state;
        struct rule *cur_rule;          /* IN_RULE */
        struct table *cur_table;        /* IN_TABLE */
        unsigned block_line;
        bool conf_set;
};

__attribute__((format(printf, 2, 3)))
static int perr(struct parser *p, const char *fmt, ...)
{
        char msg[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        if (p->err && p->errlen)
                snprintf(p->err, p->errlen, "%s:%u: %s", p->file, p->line, msg);
        return -EINVAL;
}

uint32_t rules_hash(const char *key, const char *val, size_t len)
{
        uint32_t h = 2166136261u;
        for (const char *k = key; *k; k++)
                h = (h ^ (uint8_t)*k) * 16777619u;
        h = (h ^ 0xff) * 16777619u;
        for (size_t i = 0; i < len; i++)
                h = (h ^ (uint8_t)val[i]) * 16777619u;
        return h;
}

static const char *const type_names[DEV_TYPE_MAX] = {
        [DEV_TYPE_UNKNOWN] = "unknown", [DEV_TYPE_WORKSTATION] = "workstation",
        [DEV_TYPE_PHONE] = "phone", [DEV_TYPE_TABLET] = "tablet",
        [DEV_TYPE_PRINTER] = "printer", [DEV_TYPE_NAS] = "nas", [DEV_TYPE_SWITCH] = "switch",
        [DEV_TYPE_ROUTER] = "router", [DEV_TYPE_FIREWALL] = "firewall",
        [DEV_TYPE_ACCESS_POINT] = "access-point", [DEV_TYPE_CAMERA] = "camera",
        [DEV_TYPE_IOT] = "iot", [DEV_TYPE_SERVER] = "server", [DEV_TYPE_MEDIA] = "media",
        [DEV_TYPE_VOIP] = "voip", [DEV_TYPE_HYPERVISOR] = "hypervisor",
};

const char *identify_type_name(enum dev_type t)
{
        return (unsigned)t < DEV_TYPE_MAX ? type_names[t] : "unknown";
}

enum dev_type identify_type_from_name(const char *s)
{
        for (unsigned i = 0; i < DEV_TYPE_MAX; i++)
                if (strcmp(s, type_names[i]) == 0)
                        return (enum dev_type)i;
        return DEV_TYPE_MAX;
}

static void match_done(struct rule_match *m)
{
        free(m->key);
        free(m->pattern);
        free(m->prefix);
        free(m->need);
        if (m->compiled)
                regfree(&m->re);
}

static void rule_done(struct rule *ru)
{
        for (unsigned i = 0; i < ru->n_match; i++)
                match_done(&ru->m[i]);
        for (unsigned i = 0; i < RF_MAX; i++)
                free(ru->field[i]);
}

void identify_free(struct identify_rules *r)
{
        if (!r)
                return;
        for (size_t i = 0; i < r->n_rules; i++)
                rule_done(&r->rules[i]);
        free(r->rules);
        for (size_t i = 0; i < r->n_tables; i++) {
                for (size_t k = 0; k < r->tables[i].n; k++) {
                        free(r->tables[i].rows[k].key);
                        free(r->tables[i].rows[k].value);
                }
                free(r->tables[i].rows);
                free(r->tables[i].name);
        }
        free(r->tables);
        for (size_t i = 0; i < r->n_keys; i++) {
                free(r->keys[i].key);
                free(r->keys[i].rules);
        }
        free(r->keys);
        free(r->key_slots);
        free(r->eq);
        for (size_t i = 0; i < r->n_files; i++)
                free(r->files[i]);
        free(r->files);
        free(r);
}

size_t identify_rule_count(const struct identify_rules *r)
{
        return r ? r->n_rules : 0;
}

/* ---- lexing helpers ---- */

static bool is_name_char(int c)
{
        return isalnum(c) || c == '-' || c == '_' || c == '.';
}

static const char *skip_ws(const char *s)
{
        while (*s == ' ' || *s == '\t')
                s++;
        return s;
}

/* The next word (up to blank) into w; the rest after it. A word that
 * does not fit comes back empty, which every caller refuses. */
static const char *word(const char *s, char *w, size_t cap)
{
        size_t n = 0;
        s = skip_ws(s);
        while (*s && *s != ' ' && *s != '\t') {
                if (n + 1 < cap)
                        w[n] = *s;
                n++;
                s++;
        }
        w[n + 1 <= cap ? n : 0] = '\0';
        return skip_ws(s);
}

static bool valid_name(const char *s, size_t max)
{
        size_t n = strlen(s);
        if (!n || n >= max)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!is_name_char((unsigned char)s[i]))
                        return false;
        return true;
}

/* "key" or "key|key|...": each a valid name. */
static bool valid_keys(const char *s)
{
        char one[64];
        if (!*s || strlen(s) >= 256)
                return false;
        for (;;) {
                const char *bar = strchr(s, '|');
                size_t n = bar ? (size_t)(bar - s) : strlen(s);
                if (!n || n >= sizeof(one))
                        return false;
                memcpy(one, s, n);
                one[n] = '\0';
                if (!valid_name(one, sizeof(one)))
                        return false;
                if (!bar)
                        return true;
                s = bar + 1;
        }
}

bool rules_key_in(const char *list, const char *key)
{
        size_t kl = strlen(key);
        for (const char *s = list;;) {
                const char *bar = strchr(s, '|');
                size_t n = bar ? (size_t)(bar - s) : strlen(s);
                if (n == kl && memcmp(s, key, n) == 0)
                        return true;
                if (!bar)
                        return false;
                s = bar + 1;
        }
}

/* A quoted string: "..." with \" for a quote; other backslashes are kept
 * (regexes need them). Writes a malloc'd copy to *ret. */
static int quoted(struct parser *p, const char *s, char **ret, size_t *ret_len, const char **rest)
{
        if (*s != '"')
                return perr(p, "expected a quoted \"pattern\"");
        s++;
        char buf[RULES_LINE_MAX];
        size_t n = 0;
        while (*s && *s != '"') {
                if (s[0] == '\\' && s[1] == '"')
                        s++;
                if (n + 1 >= sizeof(buf))
                        return perr(p, "pattern too long");
                buf[n++] = *s++;
        }
        if (*s != '"')
                return perr(p, "unterminated quoted string");
        if (n > RULES_PATTERN_MAX)
                return perr(p, "pattern longer than %u bytes", RULES_PATTERN_MAX);
        buf[n] = '\0';
        *rest = skip_ws(s + 1);
        *ret = malloc(n + 1);
        if (!*ret)
                return -ENOMEM;
        memcpy(*ret, buf, n + 1);
        *ret_len = n;
        return 0;
}

static int stmt_match(struct parser *p, const char *s)
{
        struct rule *ru = p->cur_rule;
        char key[256], op[8];
        if (ru->n_match >= RULES_MATCH_MAX)
                return perr(p, "more than %u match lines in one rule", RULES_MATCH_MAX);
        s = word(s, key, sizeof(key));
        if (!valid_keys(key))
                return perr(p, "match: expected an observation key (like ssh.banner), or keys joined by |");
        s = word(s, op, sizeof(op));
        struct rule_match *m = &ru->m[ru->n_match];
        memset(m, 0, sizeof(*m));
        if (strcmp(op, "=") == 0)
                m->op = MOP_EQ;
        else if (strcmp(op, "^=") == 0)
                m->op = MOP_PREFIX;
        else if (strcmp(op, "*=") == 0)
                m->op = MOP_CONTAINS;
        else if (strcmp(op, "~") == 0)
                m->op = MOP_REGEX;
        else if (strcmp(op, "~*") == 0)
                m->op = MOP_REGEX_I;
        else
                return perr(p, "match: unknown operator '%.8s' (want = ^= *= ~ or ~*)", op);
        m->key = strdup(key);
        if (!m->key)
                return -ENOMEM;
        ru->n_match++;          /* from here rule_done frees what m holds */
        int e = quoted(p, s, &m->pattern, &m->pattern_len, &s);
        if (e)
                return e;
        if (*s)
                return perr(p, "match: unexpected text after the pattern");
        if (memchr(m->pattern, '\0', m->pattern_len))
                return perr(p, "NUL byte in pattern");
        if (m->op == MOP_REGEX || m->op == MOP_REGEX_I) {
                char why[128];
                if (rules_regex_safe(m->pattern, why, sizeof(why)))
                        return perr(p, "%s", why);
                int fl = REG_EXTENDED | (m->op == MOP_REGEX_I ? REG_ICASE : 0);
                int rc = regcomp(&m->re, m->pattern, fl);
                if (rc) {
                        regerror(rc, &m->re, why, sizeof(why));
                        return perr(p, "bad regular expression: %s", why);
                }
                m->compiled = true;
                if (m->re.re_nsub >= RULES_CAPTURES)
                        return perr(p, "more than %u groups in a pattern", RULES_CAPTURES - 1);
                if ((e = rules_regex_prefix(m)))
                        return e;
                return rules_regex_need(m);
        }
        if (!m->pattern_len)
                return perr(p, "empty pattern");
        return 0;
}

/* The $N and @table: references of a proposed value are checked at the
 * end of the rule (groups) and of the load (tables). */
static int check_refs(struct parser *p, const struct rule *ru, const char *v)
{
        size_t groups = ru->m[0].compiled ? ru->m[0].re.re_nsub : 0;
        for (const char *s = v; *s; s++) {
                if (*s != '$')
                        continue;
                if (!isdigit((unsigned char)s[1]))
                        return perr(p, "'$' must be followed by a group number (use $$ for a dollar)");
                if ((size_t)(s[1] - '0') > groups)
                        return perr(p, "$%c: the first match has only %zu groups", s[1], groups);
                s++;
        }
        return 0;
}

static int stmt_field(struct parser *p, enum rule_field f, const char *s)
{
        struct rule *ru = p->cur_rule;
        size_t n = strlen(s);
        if (ru->field[f])
                return perr(p, "this value is already set in this rule");
        if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
                s++;
                n -= 2;
        }
        if (!n)
                return perr(p, "empty value");
        if (n > RULES_TEXT_MAX)
                return perr(p, "value longer than %u bytes", RULES_TEXT_MAX);
        if (s[0] == '@') {
                const char *colon = memchr(s, ':', n);
                if (!colon || colon == s + 1)
                        return perr(p, "lookup: want @table:key (e.g. @windows-build:$1)");
                for (const char *q = s + 1; q < colon; q++)
                        if (!is_name_char((unsigned char)*q))
                                return perr(p, "lookup: bad table name");
        }
        ru->field[f] = strndup(s, n);
        return ru->field[f] ? 0 : -ENOMEM;
}

static int rule_begin(struct parser *p, const char *s)
{
        struct identify_rules *r = p->r;
        char name[IDENT_RULE_NAME_MAX + 8];
        s = word(s, name, sizeof(name));
        if (!valid_name(name, IDENT_RULE_NAME_MAX))
                return perr(p, "rule: want a name of letters, digits, - _ . (under %u characters)",
                            IDENT_RULE_NAME_MAX);
        if (*s)
                return perr(p, "rule: unexpected text after the name");
        for (size_t i = 0; i < r->n_rules; i++)
                if (strcmp(r->rules[i].name, name) == 0)
                        return perr(p, "rule '%s' already defined at %s:%u", name,
                                    r->rules[i].file, r->rules[i].line);
        if (r->n_rules >= RULES_MAX)
                return perr(p, "more than %u rules", RULES_MAX);
        if (r->n_rules == r->cap_rules) {
                size_t nc = r->cap_rules ? r->cap_rules * 2 : 64;
                struct rule *nr = realloc(r->rules, nc * sizeof(*nr));
                if (!nr)
                        return -ENOMEM;
                r->rules = nr;
                r->cap_rules = nc;
        }
        struct rule *ru = &r->rules[r->n_rules++];
        memset(ru, 0, sizeof(*ru));
        memcpy(ru->name, name, strlen(name) + 1);
        ru->file = r->files[r->n_files - 1];
        ru->line = p->line;
        p->cur_rule = ru;
        p->state = IN_RULE;
        p->block_line = p->line;
        p->conf_set = false;
        return 0;
}

static int rule_end(struct parser *p)
{
        struct rule *ru = p->cur_rule;
        if (!ru->n_match)
                return perr(p, "rule '%s' has no match line", ru->name);
        if (!p->conf_set)
                return perr(p, "rule '%s' has no confidence", ru->name);
        if (!ru->field[RF_FAMILY] && ru->type == DEV_TYPE_UNKNOWN)
                return perr(p, "rule '%s' proposes neither a family nor a type", ru->name);
        if (ru->field[RF_NAME] && !ru->field[RF_FAMILY])
                return perr(p, "rule '%s': a name needs a family", ru->name);
        if ((ru->field[RF_VERSION] || ru->field[RF_BUILD]) && !ru->field[RF_NAME])
                return perr(p, "rule '%s': a version or build needs a name", ru->name);
        if ((ru->field[RF_EOL] || ru->field[RF_EOL_VERSION]) && !ru->field[RF_VERSION])
                return perr(p, "rule '%s': eol needs a version", ru->name);
        for (unsigned f = 0; f < RF_MAX; f++) {
                int e = ru->field[f] ? check_refs(p, ru, ru->field[f]) : 0;
                if (e)
                        return e;
        }
        p->state = IN_NONE;
        p->cur_rule = NULL;
        return 0;
}

static int table_begin(struct parser *p, const char *s)
{
        struct identify_rules *r = p->r;
        char name[64];
        s = word(s, name, sizeof(name));
        if (!valid_name(name, sizeof(name)))
                return perr(p, "table: want a name of letters, digits, - _ .");
        if (*s)
                return perr(p, "table: unexpected text after the name");
        if (rules_table(r, name, strlen(name)))
                return perr(p, "table '%s' already defined", name);
        if (r->n_tables >= RULES_TABLES_MAX)
                return perr(p, "more than %u tables", RULES_TABLES_MAX);
        struct table *nt = realloc(r->tables, (r->n_tables + 1) * sizeof(*nt));
        if (!nt)
                return -ENOMEM;
        r->tables = nt;
        struct table *t = &r->tables[r->n_tables];
        memset(t, 0, sizeof(*t));
        t->name = strdup(name);
        if (!t->name)
                return -ENOMEM;
        t->file = p->file;
        r->n_tables++;
        p->cur_table = t;
        p->state = IN_TABLE;
        p->block_line = p->line;
        return 0;
}

static int table_row(struct parser *p, const char *s)
{
        struct table *t = p->cur_table;
        char key[128];
        s = word(s, key, sizeof(key));
        if (!key[0])
                return perr(p, "table row: key missing or longer than %zu bytes", sizeof(key) - 1);
        if (!*s)
                return perr(p, "table row '%s' has no value", key);
        if (strlen(s) > RULES_TEXT_MAX)
                return perr(p, "table value longer than %u bytes", RULES_TEXT_MAX);
        if (t->n >= RULES_TABLE_ROWS_MAX)
                return perr(p, "more than %u rows in table '%s'", RULES_TABLE_ROWS_MAX, t->name);
        /* duplicate keys are found after sorting (rules_link) */
        if (t->n == t->cap) {
                size_t nc = t->cap ? t->cap * 2 : 16;
                struct table_row *nr = realloc(t->rows, nc * sizeof(*nr));
                if (!nr)
                        return -ENOMEM;
                t->rows = nr;
                t->cap = nc;
        }
        char *k = strdup(key), *v = strdup(s);
        if (!k || !v) {
                free(k);
                free(v);
                return -ENOMEM;
        }
        t->rows[t->n++] = (struct table_row){ k, v, p->line };
        return 0;
}

static int parse_line(struct parser *p, char *line)
{
        /* trailing blanks and CR (files edited on Windows) */
        size_t n = strlen(line);
        while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
                line[--n] = '\0';
        const char *s = skip_ws(line);
        if (!*s || *s == '#')
                return 0;
        char kw[16];
        const char *rest = word(s, kw, sizeof(kw));

        if (p->state == IN_TABLE) {
                if (strcmp(kw, "end") == 0 && !*rest) {
                        p->state = IN_NONE;
                        return 0;
                }
                return table_row(p, s);
        }
        if (p->state == IN_NONE) {
                if (strcmp(kw, "rule") == 0)
                        return rule_begin(p, rest);
                if (strcmp(kw, "table") == 0)
                        return table_begin(p, rest);
                return perr(p, "expected 'rule NAME' or 'table NAME'");
        }
        /* in a rule */
        struct rule *ru = p->cur_rule;
        if (strcmp(kw, "end") == 0)
                return *rest ? perr(p, "end: unexpected text") : rule_end(p);
        if (strcmp(kw, "match") == 0)
                return stmt_match(p, rest);
        if (strcmp(kw, "family") == 0)
                return stmt_field(p, RF_FAMILY, rest);
        if (strcmp(kw, "name") == 0)
                return stmt_field(p, RF_NAME, rest);
        if (strcmp(kw, "version") == 0)
                return stmt_field(p, RF_VERSION, rest);
        if (strcmp(kw, "build") == 0)
                return stmt_field(p, RF_BUILD, rest);
        if (strcmp(kw, "eol") == 0)
                return stmt_field(p, RF_EOL, rest);
        if (strcmp(kw, "eol_version") == 0)
                return stmt_field(p, RF_EOL_VERSION, rest);
        if (strcmp(kw, "type") == 0) {
                enum dev_type t = identify_type_from_name(rest);
                if (t == DEV_TYPE_MAX || t == DEV_TYPE_UNKNOWN)
                        return perr(p, "type: unknown device type (see netinv-rules(5))");
                ru->type = (uint8_t)t;
                return 0;
        }
        if (strcmp(kw, "kernel") == 0) {
                if (*rest)
                        return perr(p, "kernel: takes no value");
                ru->kernel = true;
                return 0;
        }
        if (strcmp(kw, "confidence") == 0) {
                char *end;
                long v = strtol(rest, &end, 10);
                if (!isdigit((unsigned char)*rest) || *end || v < 1 || v > 100)
                        return perr(p, "confidence: want a number from 1 to 100");
                ru->confidence = (uint8_t)v;
                p->conf_set = true;
                return 0;
        }
        if (strcmp(kw, "rule") == 0 || strcmp(kw, "table") == 0)
                return perr(p, "'end' missing for the rule opened at line %u", p->block_line);
        return perr(p, "unknown statement '%.16s'", kw);
}

static int add_file_name(struct identify_rules *r, const char *name)
{
        char **nf = realloc(r->files, (r->n_files + 1) * sizeof(*nf));
        if (!nf)
                return -ENOMEM;
        r->files = nf;
        nf[r->n_files] = strdup(name);
        if (!nf[r->n_files])
                return -ENOMEM;
        r->n_files++;
        return 0;
}

/* Parse one file's text into r (not yet linked). */
int rules_parse_text(struct identify_rules *r, const char *name, const char *text, size_t len,
                      char *err, size_t errlen)
{
        struct parser p = { .r = r, .file = name, .err = err, .errlen = errlen };
        char line[RULES_LINE_MAX + 1];
        int e = add_file_name(r, name);
        if (e)
                return e;
        p.file = r->files[r->n_files - 1];
        if (len > RULES_FILE_MAX)
                return perr(&p, "file larger than %u bytes", RULES_FILE_MAX);
        size_t off = 0;
        while (off < len) {
                const char *nl = memchr(text + off, '\n', len - off);
                size_t n = nl ? (size_t)(nl - (text + off)) : len - off;
                p.line++;
                if (n > RULES_LINE_MAX)
                        return perr(&p, "line longer than %u bytes", RULES_LINE_MAX);
                if (memchr(text + off, '\0', n))
                        return perr(&p, "NUL byte in line");
                memcpy(line, text + off, n);
                line[n] = '\0';
                if ((e = parse_line(&p, line)))
                        return e;
                off += n + (nl ? 1 : 0);
        }
        if (p.state != IN_NONE) {
                p.line = p.block_line;
                return perr(&p, "'end' missing for the block opened here");
        }
        return 0;
}

const struct table *rules_table(const struct identify_rules *r, const char *name, size_t len)
{
        for (size_t i = 0; i < r->n_tables; i++)
                if (strlen(r->tables[i].name) == len && memcmp(r->tables[i].name, name, len) == 0)
                        return &r->tables[i];
        return NULL;
}

static int cmp_row(const void *a, const void *b)
{
        return strcmp(((const struct table_row *)a)->key, ((const struct table_row *)b)->key);
}

const char *rules_table_get(const struct table *t, const char *key)
{
        struct table_row k = { .key = (char *)key };
        const struct table_row *row = bsearch(&k, t->rows, t->n, sizeof(*t->rows), cmp_row);
        return row ? row->value : NULL;
}

/* Index key; with rule (not UINT32_MAX) add it to the key's list. */
static int key_add(struct identify_rules *r, const char *key, uint32_t rule)
{
        struct key_index *ki = NULL;
        for (size_t i = 0; i < r->n_keys; i++)
                if (strcmp(r->keys[i].key, key) == 0)
                        ki = &r->keys[i];
        if (!ki) {
                if (r->n_keys == r->cap_keys) {
                        size_t nc = r->cap_keys ? r->cap_keys * 2 : 32;
                        struct key_index *nk = realloc(r->keys, nc * sizeof(*nk));
                        if (!nk)
                                return -ENOMEM;
                        r->keys = nk;
                        r->cap_keys = nc;
                }
                ki = &r->keys[r->n_keys];
                memset(ki, 0, sizeof(*ki));
                if (!(ki->key = strdup(key)))
                        return -ENOMEM;
                r->n_keys++;
        }
        if (rule == UINT32_MAX) {
                ki->has_eq = true;
                return 0;
        }
        if (ki->n == ki->cap) {
                size_t nc = ki->cap ? ki->cap * 2 : 8;
                uint32_t *nr = realloc(ki->rules, nc * sizeof(*nr));
                if (!nr)
                        return -ENOMEM;
                ki->rules = nr;
                ki->cap = nc;
        }
        ki->rules[ki->n++] = rule;
        return 0;
}

/* After every file: check table references, sort tables, build indices. */
int rules_link(struct identify_rules *r, char *err, size_t errlen)
{
        size_t n_eq = 0;
        for (size_t i = 0; i < r->n_tables; i++) {
                struct table *t = &r->tables[i];
                if (t->n > 1)   /* an empty table has no rows array: qsort(NULL) is UB */
                        qsort(t->rows, t->n, sizeof(*t->rows), cmp_row);
                for (size_t k = 1; k < t->n; k++)
                        if (strcmp(t->rows[k - 1].key, t->rows[k].key) == 0) {
                                unsigned a = t->rows[k - 1].line, b = t->rows[k].line;
                                if (err && errlen)
                                        snprintf(err, errlen, "%s:%u: key '%s' appears twice in "
                                                 "table '%s' (also line %u)", t->file,
                                                 a > b ? a : b, t->rows[k].key, t->name,
                                                 a > b ? b : a);
                                return -EINVAL;
                        }
        }
        for (size_t i = 0; i < r->n_rules; i++) {
                const struct rule *ru = &r->rules[i];
                for (unsigned f = 0; f < RF_MAX; f++) {
                        const char *v = ru->field[f];
                        if (!v || v[0] != '@')
                                continue;
                        const char *colon = strchr(v, ':');
                        if (!rules_table(r, v + 1, (size_t)(colon - v - 1))) {
                                if (err && errlen)
                                        snprintf(err, errlen, "%s:%u: rule '%s': no table '%.*s'",
                                                 ru->file, ru->line, ru->name,
                                                 (int)(colon - v - 1), v + 1);
                                return -EINVAL;
                        }
                }
                if (ru->m[0].op == MOP_EQ)
                        for (const char *k = ru->m[0].key; k; k = strchr(k + 1, '|'))
                                n_eq++;
        }
        size_t slots = 16;
        while (slots < n_eq * 2 + 2)
                slots *= 2;
        r->eq = calloc(slots, sizeof(*r->eq));
        if (!r->eq)
                return -ENOMEM;
        r->n_eq_slots = slots;
        for (size_t i = 0; i < r->n_rules; i++) {
                const struct rule_match *m = &r->rules[i].m[0];
                for (const char *k = m->key; k;) {
                        const char *bar = strchr(k, '|');
                        char one[64];
                        size_t n = bar ? (size_t)(bar - k) : strlen(k);
                        memcpy(one, k, n);      /* valid_keys: n < sizeof(one) */
                        one[n] = '\0';
                        k = bar ? bar + 1 : NULL;
                        if (m->op != MOP_EQ) {
                                int e = key_add(r, one, (uint32_t)i);
                                if (e)
                                        return e;
                                continue;
                        }
                        int e = key_add(r, one, UINT32_MAX);
                        if (e)
                                return e;
                        uint32_t h = rules_hash(one, m->pattern, m->pattern_len);
                        size_t s = h & (slots - 1);
                        while (r->eq[s].rule)
                                s = (s + 1) & (slots - 1);
                        r->eq[s] = (struct eq_slot){ h, (uint32_t)i + 1 };
                }
        }
        slots = 16;
        while (slots < r->n_keys * 2 + 2)
                slots *= 2;
        r->key_slots = calloc(slots, sizeof(*r->key_slots));
        if (!r->key_slots)
                return -ENOMEM;
        r->n_key_slots = slots;
        for (size_t i = 0; i < r->n_keys; i++) {
                size_t s = rules_hash(r->keys[i].key, "", 0) & (slots - 1);
                while (r->key_slots[s])
                        s = (s + 1) & (slots - 1);
                r->key_slots[s] = (uint32_t)i + 1;
        }
        return 0;
}

const struct key_index *rules_key(const struct identify_rules *r, const char *key)
{
        size_t mask = r->n_key_slots - 1;
        for (size_t s = rules_hash(key, "", 0) & mask;; s = (s + 1) & mask) {
                uint32_t k = r->key_slots[s];
                if (!k)
                        return NULL;
                if (strcmp(r->keys[k - 1].key, key) == 0)
                        return &r->keys[k - 1];
        }
}

int identify_parse(const char *name, const char *text, size_t len,
                   struct identify_rules **ret, char *err, size_t errlen)
{
        struct identify_rules *r = calloc(1, sizeof(*r));
        if (!r)
                return -ENOMEM;
        int e = rules_parse_text(r, name, text, len, err, errlen);
        if (!e)
                e = rules_link(r, err, errlen);
        if (e) {
                identify_free(r);
                return e;
        }
        *ret = r;
        return 0;
}
