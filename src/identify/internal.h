/* internal.h - the compiled rule set shared by rules.c (parser) and match.c
 * (engine). Everything is compiled once at load: regexes, the index of rules
 * by observation key, the hash of exact-match rules by (key, value). */
#ifndef NETINV_IDENTIFY_INTERNAL_H
#define NETINV_IDENTIFY_INTERNAL_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netinv/identify.h"

/* Caps on what a rule file may hold: an admin's typo must not make the
 * loader eat the machine, and the fuzzer must finish. */
#define RULES_FILE_MAX          (4u << 20)      /* bytes in one file */
#define RULES_LINE_MAX          1024u           /* bytes in one line */
#define RULES_MAX               8192u           /* rules in a set */
#define RULES_TABLES_MAX        128u
#define RULES_TABLE_ROWS_MAX    16384u          /* rows in one table */
#define RULES_MATCH_MAX         4u              /* match lines in one rule */
#define RULES_PATTERN_MAX       512u            /* bytes in one pattern */
#define RULES_REPEAT_MAX        32u             /* n and m of a regex {n,m} */
#define RULES_BRACES_MAX        4u              /* {n,m} in one regex (each copies its subtree) */
#define RULES_GROUP_DEPTH       3u              /* nested ( ) in one regex: repeats of groups multiply */
#define RULES_CAPTURES          10u             /* $0 .. $9 */

enum match_op {
        MOP_EQ,         /* =   the whole value */
        MOP_PREFIX,     /* ^=  starts with */
        MOP_CONTAINS,   /* *=  contains */
        MOP_REGEX,      /* ~   POSIX extended regex */
        MOP_REGEX_I,    /* ~*  the same, ignoring case */
};

/* Pseudo-keys that are not observations. */
#define KEY_VENDOR      "vendor"
#define KEY_HOSTNAME    "hostname"

struct rule_match {
        char *key;
        enum match_op op;
        char *pattern;          /* literal (EQ/PREFIX/CONTAINS) or regex source */
        size_t pattern_len;
        char *prefix;           /* regex: literal text every match starts with, or NULL */
        size_t prefix_len;
        char *need;             /* regex: literal text every match contains, or NULL */
        regex_t re;
        bool compiled;
};

/* The facts a rule proposes; each may hold $N and "@table:key|default". */
enum rule_field { RF_FAMILY, RF_NAME, RF_VERSION, RF_BUILD, RF_EOL, RF_EOL_VERSION, RF_MAX };

struct rule {
        char name[IDENT_RULE_NAME_MAX];
        char *file;             /* not owned: one of rules->files */
        unsigned line;
        struct rule_match m[RULES_MATCH_MAX];
        unsigned n_match;
        char *field[RF_MAX];    /* NULL: not proposed */
        uint8_t type;           /* enum dev_type; DEV_TYPE_UNKNOWN: none */
        uint8_t confidence;     /* 1-100 */
        bool kernel;            /* name/version is the kernel under any distribution */
};

struct table_row {
        char *key, *value;
        unsigned line;          /* in the table's file, for messages */
};

struct table {
        char *name;
        const char *file;       /* not owned: one of rules->files */
        struct table_row *rows; /* sorted by key after load */
        size_t n, cap;
};

/* Rules with the same primary key. */
/* Every key some rule's first match looks at; its non-exact rules. */
struct key_index {
        char *key;
        uint32_t *rules;        /* indices into rules[], in file order */
        size_t n, cap;
        bool has_eq;            /* exact rules for this key are in the eq hash */
};

/* Exact (MOP_EQ) rules hashed by key and value. */
struct eq_slot {
        uint32_t hash;
        uint32_t rule;          /* index + 1; 0 empty */
};

struct identify_rules {
        struct rule *rules;
        size_t n_rules, cap_rules;
        struct table *tables;
        size_t n_tables;
        struct key_index *keys;         /* non-exact rules, by primary key */
        size_t n_keys, cap_keys;
        uint32_t *key_slots;            /* hash of keys[]: index + 1; 0 empty */
        size_t n_key_slots;             /* power of two */
        struct eq_slot *eq;             /* open addressing, power of two */
        size_t n_eq_slots;
        char **files;                   /* file names, for messages */
        size_t n_files;
};

/* Parse one file's text into r (rules.c); then, after every file,
 * rules_link checks table references and builds the indices. 0 or -errno,
 * -EINVAL with "file:line: what" in err. */
int rules_parse_text(struct identify_rules *r, const char *name, const char *text, size_t len,
                     char *err, size_t errlen);
int rules_link(struct identify_rules *r, char *err, size_t errlen);

/* regex.c: 0, or -EINVAL with the reason in why. */
int rules_regex_safe(const char *pat, char *why, size_t whylen);
/* Fill m->prefix / m->need (NULL when none). 0 or -ENOMEM. */
int rules_regex_prefix(struct rule_match *m);
int rules_regex_need(struct rule_match *m);

/* Is key one of the |-separated keys of list? */
bool rules_key_in(const char *list, const char *key);
uint32_t rules_hash(const char *key, const char *val, size_t len);
const struct table *rules_table(const struct identify_rules *r, const char *name, size_t len);
/* The index entry of `key`, or NULL when no rule looks at it. */
const struct key_index *rules_key(const struct identify_rules *r, const char *key);
/* The value for key in table t, or NULL. */
const char *rules_table_get(const struct table *t, const char *key);

#endif
