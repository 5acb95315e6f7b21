/* internal.h - the in-memory end-of-life tables, shared by table.c
 * (parsing, loading, indexing) and verdict.c (matching and judging). */
#ifndef NETINV_EOL_INTERNAL_H
#define NETINV_EOL_INTERNAL_H

#include <stdint.h>

#include "netinv/eol.h"

/* What a table says about one end (eol or eoes) of a cycle. Upstream an
 * end is a date or a boolean: true = ended on an unknown day, false =
 * runs with no announced end. */
enum eol_end { END_NONE, END_DATE, END_PAST, END_OPEN };

struct eol_cycle {
        char name[EOL_NAME_MAX];        /* "20.04", "10-22h2-w" */
        char codename[32];              /* first word only, lower case */
        char latest[32];                /* newest version, "10.0.19045" */
        int32_t build[3];               /* latest as a.b.c, parsed once ({-1..} if not) */
        uint8_t eol_kind;               /* enum eol_end */
        uint8_t ext_kind;               /* enum eol_end; END_NONE: no extended phase */
        uint8_t from_alt;               /* 1: from the product's alt_source (distro-info) */
        int32_t eol;                    /* when eol_kind == END_DATE */
        int32_t ext;                    /* when ext_kind == END_DATE */
};

struct eol_product {
        char name[EOL_NAME_MAX];
        char label[64];
        char source[128];
        char alt_source[128];
        char aliases[EOL_MAX_ALIASES][EOL_NAME_MAX];
        unsigned naliases;
        int32_t generated;              /* generated_at, or EOL_NO_DATE */
        int32_t alt_generated;
        bool upstream;                  /* endoflife.date has it: `eol update` may fetch it */
        struct eol_cycle *cycles;
        size_t ncycles;
};

struct eol_alias {
        const char *name;               /* points into a product */
        size_t product;
};

struct eol_db {
        struct eol_product *products;
        size_t nproducts, cap;
        struct eol_alias *aliases;      /* sorted by name, built by eol_db_finish */
        size_t naliases;
        size_t errors;
        bool finished;
};

/* verdict.c: parse c->latest into c->build once, at load time. */
void eol_cycle_build(struct eol_cycle *c);
/* verdict.c: judge one cycle. */
void eol_judge_one(const struct eol_product *p, const struct eol_cycle *c, int32_t as_of,
                   struct eol_verdict *ret);

#endif
