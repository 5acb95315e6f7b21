/* match.c - the identification engine. See identify.h.
 *
 * For one device: every observation (and the OUI vendor and host names) is
 * looked up in the rule index by key; each rule that matches, and whose
 * extra conditions hold, becomes a candidate with its proposed facts. Then:
 *   family   the family with the highest combined confidence (noisy-or of
 *            its candidates; a candidate may name alternatives "A|B", which
 *            support each but cannot make a family win alone);
 *   name     the most confident candidate of that family that names one;
 *   version  the most confident candidate with that name; dropped when a
 *            candidate nearly as confident says otherwise;
 *   build    from a candidate agreeing with name and version;
 *   type     the type with the highest combined confidence.
 * Conflicting families and names lower the confidence. Nothing here
 * allocates except identify_inventory's one result per device.
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "netinv/inventory.h"
#include "netinv/util.h"

#define CAND_MAX        32u             /* candidates per device; the least confident give way */
#define ARENA_SIZE      8192u           /* expanded field text per device */
#define DISPUTE_MARGIN  10              /* a version this close to the best one disputes it */

#define FAM_MAX         32u             /* distinct families per device */

struct cand {
        const struct rule *ru;
        uint16_t ev;                    /* obs index or IDENT_EV_* */
        uint8_t conf, type;
        bool single;                    /* names one family, not alternatives */
        uint32_t fmask;                 /* bit i: family i of the device's list */
        const char *f[RF_MAX];          /* expanded, in the arena; NULL unset */
};

/* identify_inventory remembers which rules matched each distinct value
 * (devices on one LAN repeat the same fingerprints and banners), so a
 * value's regexes run once per scan, not once per device. Direct-mapped:
 * a collision only costs a re-evaluation. */
#define MEMO_SLOTS      8192u
#define MEMO_HITS       6u              /* matches kept per value; more: not remembered */
#define MEMO_TOO_MANY   0xff
#define MEMO_UNSET      0xffff          /* a group that did not take part */

struct memo_hit {
        uint32_t rule;
        uint16_t so[RULES_CAPTURES], eo[RULES_CAPTURES];
};

struct memo {
        uint32_t hash;
        uint16_t len;
        uint8_t n, valid;
        const char *key, *val;          /* the first device's: stable during the call */
        struct memo_hit hit[MEMO_HITS];
};

struct ctx {
        const struct identify_rules *r;
        const struct device *d;
        struct memo *memo;              /* NULL: identify_device alone */
        struct cand c[CAND_MAX];
        size_t n;
        const char *fam[FAM_MAX];       /* the families named, as (text, length) */
        size_t fam_len[FAM_MAX], n_fam;
        char arena[ARENA_SIZE];
        size_t used;
};

/* ---- expanding a proposed value ---- */

/* Copy template t (n bytes) into out with $N replaced by group N of the
 * value; false when it does not fit. */
static bool subst(const char *t, size_t n, const char *val, const regmatch_t *pm,
                  size_t ngroups, char *out, size_t cap)
{
        size_t o = 0;
        for (size_t i = 0; i < n; i++) {
                const char *src = &t[i];
                size_t len = 1;
                if (t[i] == '$' && i + 1 < n && t[i + 1] >= '0' && t[i + 1] <= '9') {
                        size_t g = (size_t)(t[i + 1] - '0');
                        i++;
                        if (g > ngroups || pm[g].rm_so < 0) {
                                len = 0;
                        } else {
                                src = val + pm[g].rm_so;
                                len = (size_t)(pm[g].rm_eo - pm[g].rm_so);
                        }
                }
                if (len >= cap - o)
                        return false;
                memcpy(out + o, src, len);
                o += len;
        }
        out[o] = '\0';
        return true;
}

/* The field's value for this match, in the arena; NULL when a lookup finds
 * nothing and gives no default, or the arena is full. */
static const char *expand(struct ctx *x, const char *t, const char *val, const regmatch_t *pm,
                          size_t ngroups)
{
        char key[IDENT_NAME_MAX * 2];
        char *out = x->arena + x->used;
        size_t cap = ARENA_SIZE - x->used;
        const char *res = NULL;

        if (cap < 2)
                return NULL;
        if (t[0] != '@') {
                if (!subst(t, strlen(t), val, pm, ngroups, out, cap))
                        return NULL;
                res = out;
        } else {
                const char *colon = strchr(t, ':');
                const char *bar = strrchr(colon, '|');
                const struct table *tab = rules_table(x->r, t + 1, (size_t)(colon - t - 1));
                size_t kl = bar ? (size_t)(bar - colon - 1) : strlen(colon + 1);
                if (!tab || !subst(colon + 1, kl, val, pm, ngroups, key, sizeof(key)))
                        return NULL;
                const char *v = rules_table_get(tab, key);
                if (v) {
                        size_t vl = strlen(v);
                        if (vl >= cap)
                                return NULL;
                        memcpy(out, v, vl + 1);
                        res = out;
                } else if (bar) {
                        if (!subst(bar + 1, strlen(bar + 1), val, pm, ngroups, out, cap))
                                return NULL;
                        res = out;
                }
        }
        if (res) {
                x->used += strlen(res) + 1;
                if (!res[0])
                        return NULL;
        }
        return res;
}

/* ---- matching ---- */

static bool match_one(const struct rule_match *m, const char *val, size_t len,
                      regmatch_t *pm, size_t npm)
{
        switch (m->op) {
        case MOP_EQ:
                return len == m->pattern_len && memcmp(val, m->pattern, len) == 0;
        case MOP_PREFIX:
                return len >= m->pattern_len && memcmp(val, m->pattern, m->pattern_len) == 0;
        case MOP_CONTAINS:
                return memmem(val, len, m->pattern, m->pattern_len) != NULL;
        case MOP_REGEX:
        case MOP_REGEX_I:
                if (m->prefix &&
                    (len < m->prefix_len ||
                     (m->op == MOP_REGEX ? memcmp(val, m->prefix, m->prefix_len)
                                         : strncasecmp(val, m->prefix, m->prefix_len)) != 0))
                        return false;
                if (m->need && !(m->op == MOP_REGEX ? strstr(val, m->need)
                                                    : strcasestr(val, m->need)))
                        return false;
                return regexec(&m->re, val, npm, pm, 0) == 0;
        }
        return false;
}

/* A condition (a match line after the first) holds when any of the
 * device's values for its key matches. */
static bool cond_holds(const struct device *d, const struct rule_match *m)
{
        if (rules_key_in(m->key, KEY_VENDOR) && d->vendor &&
            match_one(m, d->vendor, strlen(d->vendor), NULL, 0))
                return true;
        if (rules_key_in(m->key, KEY_HOSTNAME))
                for (size_t i = 0; i < d->n_hostnames; i++)
                        if (match_one(m, d->hostnames[i], strlen(d->hostnames[i]), NULL, 0))
                                return true;
        for (size_t i = 0; i < d->n_obs; i++)
                if (rules_key_in(m->key, d->obs[i].key) &&
                    match_one(m, d->obs[i].value, d->obs[i].len, NULL, 0))
                        return true;
        return false;
}

static void add_cand(struct ctx *x, const struct rule *ru, uint16_t ev, const char *val,
                     const regmatch_t *pm, size_t ngroups)
{
        for (unsigned i = 1; i < ru->n_match; i++)
                if (!cond_holds(x->d, &ru->m[i]))
                        return;
        /* the same rule on another value adds nothing new to the vote */
        for (size_t i = 0; i < x->n; i++)
                if (x->c[i].ru == ru)
                        return;
        size_t slot = x->n;
        if (x->n == CAND_MAX) {
                slot = 0;
                for (size_t i = 1; i < x->n; i++)
                        if (x->c[i].conf < x->c[slot].conf)
                                slot = i;
                if (x->c[slot].conf >= ru->confidence)
                        return;
        }
        struct cand c = { .ru = ru, .ev = ev, .conf = ru->confidence, .type = ru->type };
        for (unsigned f = 0; f < RF_MAX; f++)
                if (ru->field[f])
                        c.f[f] = expand(x, ru->field[f], val, pm, ngroups);
        /* a lookup that found nothing takes what depends on it along */
        if (!c.f[RF_FAMILY])
                c.f[RF_NAME] = NULL;
        if (!c.f[RF_NAME])
                c.f[RF_VERSION] = c.f[RF_BUILD] = NULL;
        if (!c.f[RF_VERSION])
                c.f[RF_EOL] = c.f[RF_EOL_VERSION] = NULL;
        if (!c.f[RF_FAMILY] && !c.type)
                return;
        /* families as bits of the device's list, so combining compares
         * integers, not strings */
        for (const char *f = c.f[RF_FAMILY]; f;) {
                const char *bar = strchr(f, '|');
                size_t n = bar ? (size_t)(bar - f) : strlen(f), k;
                for (k = 0; k < x->n_fam; k++)
                        if (x->fam_len[k] == n && strncasecmp(x->fam[k], f, n) == 0)
                                break;
                if (k == x->n_fam && k < FAM_MAX) {
                        x->fam[k] = f;
                        x->fam_len[k] = n;
                        x->n_fam++;
                }
                if (k < FAM_MAX)
                        c.fmask |= 1u << k;
                f = bar ? bar + 1 : NULL;
        }
        c.single = c.f[RF_FAMILY] && !strchr(c.f[RF_FAMILY], '|') && c.fmask;
        x->c[slot] = c;
        if (slot == x->n)
                x->n++;
}

/* Does rule ru's first match accept the value? Fills pm (groups) then. */
static bool try_rule(const struct rule *ru, const char *val, size_t len, regmatch_t *pm)
{
        const struct rule_match *m = &ru->m[0];
        bool re = m->op == MOP_REGEX || m->op == MOP_REGEX_I;

        if (!match_one(m, val, len, pm, re ? m->re.re_nsub + 1 : 0))
                return false;
        if (!re) {
                pm[0].rm_so = 0;
                pm[0].rm_eo = (regoff_t)len;
        }
        return true;
}

static size_t ngroups_of(const struct rule *ru)
{
        const struct rule_match *m = &ru->m[0];
        return m->op == MOP_REGEX || m->op == MOP_REGEX_I ? m->re.re_nsub : 0;
}

static void remember(struct memo **mm, uint32_t rule, const regmatch_t *pm, size_t ngroups)
{
        struct memo *m = *mm;
        if (m->n >= MEMO_HITS || ngroups >= RULES_CAPTURES) {
                m->n = MEMO_TOO_MANY;
                *mm = NULL;
                return;
        }
        struct memo_hit *h = &m->hit[m->n++];
        h->rule = rule;
        for (size_t g = 0; g < RULES_CAPTURES; g++) {
                bool set = g <= ngroups && pm[g].rm_so >= 0 && pm[g].rm_eo <= (regoff_t)OBS_VALUE_MAX;
                h->so[g] = set ? (uint16_t)pm[g].rm_so : MEMO_UNSET;
                h->eo[g] = set ? (uint16_t)pm[g].rm_eo : MEMO_UNSET;
        }
}

/* memo_hash: any hash of (key, value) (the inventory's stored one), or 0
 * to compute one. */
static void eval_value(struct ctx *x, const char *key, uint16_t ev, const char *val, size_t len,
                       uint32_t memo_hash)
{
        const struct identify_rules *r = x->r;
        regmatch_t pm[RULES_CAPTURES];
        const struct key_index *ki = rules_key(r, key);
        struct memo *mm = NULL;

        if (!ki)
                return;         /* no rule looks at this key */
        /* the exact-match hash only when the key has exact rules */
        uint32_t h = ki->has_eq ? rules_hash(key, val, len) : 0;
        uint32_t mh = memo_hash ? memo_hash : h ? h : rules_hash(key, val, len);
        if (x->memo && len <= OBS_VALUE_MAX) {
                mm = &x->memo[mh & (MEMO_SLOTS - 1)];
                if (mm->valid && mm->hash == mh && mm->len == len &&
                    (mm->key == key || strcmp(mm->key, key) == 0) && memcmp(mm->val, val, len) == 0) {
                        if (mm->n == MEMO_TOO_MANY) {
                                mm = NULL;      /* evaluate, do not record */
                        } else {
                                for (unsigned i = 0; i < mm->n; i++) {
                                        const struct memo_hit *hit = &mm->hit[i];
                                        for (size_t g = 0; g < RULES_CAPTURES; g++) {
                                                pm[g].rm_so = hit->so[g] == MEMO_UNSET ? -1 : hit->so[g];
                                                pm[g].rm_eo = hit->eo[g] == MEMO_UNSET ? -1 : hit->eo[g];
                                        }
                                        const struct rule *ru = &r->rules[hit->rule];
                                        add_cand(x, ru, ev, val, pm, ngroups_of(ru));
                                }
                                return;
                        }
                } else {
                        *mm = (struct memo){ .hash = mh, .len = (uint16_t)len, .valid = 1,
                                             .key = key, .val = val };
                }
        }
        size_t mask = r->n_eq_slots - 1;
        for (size_t s = h & mask; ki->has_eq && r->eq[s].rule; s = (s + 1) & mask) {
                uint32_t ri = r->eq[s].rule - 1;
                const struct rule *ru = &r->rules[ri];
                if (r->eq[s].hash == h && rules_key_in(ru->m[0].key, key) &&
                    try_rule(ru, val, len, pm)) {
                        if (mm)
                                remember(&mm, ri, pm, 0);
                        add_cand(x, ru, ev, val, pm, 0);
                }
        }
        for (size_t i = 0; i < ki->n; i++) {
                const struct rule *ru = &r->rules[ki->rules[i]];
                if (try_rule(ru, val, len, pm)) {
                        if (mm)
                                remember(&mm, ki->rules[i], pm, ngroups_of(ru));
                        add_cand(x, ru, ev, val, pm, ngroups_of(ru));
                }
        }
}

/* ---- combining ---- */

/* Versions agree when equal or when one refines the other ("6.1", "6.1.55"). */
static bool ver_agree(const char *a, const char *b)
{
        size_t la = strlen(a), lb = strlen(b);
        if (la > lb)
                return ver_agree(b, a);
        return strncmp(a, b, la) == 0 && (la == lb || b[la] == '.');
}

static double noisy_or(double acc, unsigned conf)
{
        return 1.0 - (1.0 - acc) * (1.0 - conf / 100.0);
}

static void copy_str(char *dst, size_t cap, const char *s)
{
        size_t n = s ? strlen(s) : 0;
        if (n >= cap)
                n = cap - 1;
        if (n)
                memcpy(dst, s, n);
        dst[n] = '\0';
}

/* Names agree when equal, or when one is an alternative of the other
 * ("Windows 8.1 or Windows Server 2012 R2" and "Windows Server 2012 R2"). */
static bool alt_of(const char *alts, const char *one)
{
        size_t ol = strlen(one);
        for (const char *s = alts;;) {
                const char *or = strstr(s, " or ");
                size_t n = or ? (size_t)(or - s) : strlen(s);
                if (n == ol && strncasecmp(s, one, n) == 0)
                        return true;
                if (!or)
                        return false;
                s = or + 4;
        }
}

static bool name_agree(const char *a, const char *b)
{
        return a && b && (strcasecmp(a, b) == 0 || alt_of(a, b) || alt_of(b, a));
}

static bool is_kernel(const struct cand *c)
{
        return c->ru->kernel;
}

static void combine(struct ctx *x, struct identity *id, bool used[CAND_MAX])
{
        const char *fam = NULL;
        double best = 0;

        /* family: only a single-family candidate can win */
        uint32_t fbit = 0;
        for (size_t k = 0; k < x->n_fam; k++) {
                uint32_t bit = 1u << k;
                const char *single_name = NULL;
                double s = 0;
                for (size_t i = 0; i < x->n; i++) {
                        if (!(x->c[i].fmask & bit))
                                continue;
                        s = noisy_or(s, x->c[i].conf);
                        if (x->c[i].single && !single_name)
                                single_name = x->c[i].f[RF_FAMILY];
                }
                if (single_name && s > best + 1e-9) {
                        best = s;
                        fam = single_name;
                        fbit = bit;
                }
        }
        /* name: a distribution's name beats a kernel's; the most confident */
        const struct cand *cn = NULL, *cv = NULL, *cb = NULL, *ce = NULL;
        const char *name = NULL;
        bool disputed = false;
        for (size_t i = 0; fam && i < x->n; i++) {
                const struct cand *c = &x->c[i];
                if (!(c->single && c->fmask == fbit) || !c->f[RF_NAME])
                        continue;
                if (!cn || (is_kernel(cn) && !is_kernel(c)) ||
                    (is_kernel(cn) == is_kernel(c) && c->conf > cn->conf))
                        cn = c;
        }
        if (cn) {
                name = cn->f[RF_NAME];
                /* another evidence may pick one of "A or B" */
                for (size_t i = 0; i < x->n; i++) {
                        const struct cand *c = &x->c[i];
                        if ((c->single && c->fmask == fbit) && c->f[RF_NAME] &&
                            strcasecmp(c->f[RF_NAME], name) != 0 && alt_of(name, c->f[RF_NAME]))
                                name = c->f[RF_NAME];
                }
                /* a rival name nearly as sure, with a version of its own:
                 * neither is said */
                for (size_t i = 0; i < x->n; i++) {
                        const struct cand *c = &x->c[i];
                        if ((c->single && c->fmask == fbit) && c->f[RF_NAME] && c->f[RF_VERSION] &&
                            is_kernel(c) == is_kernel(cn) && !name_agree(c->f[RF_NAME], name) &&
                            c->conf + DISPUTE_MARGIN >= cn->conf)
                                disputed = true;
                }
                if (disputed)
                        cn = NULL, name = NULL;
        }
        if (cn) {
                for (size_t i = 0; i < x->n; i++) {
                        const struct cand *c = &x->c[i];
                        if ((c->single && c->fmask == fbit) && name_agree(c->f[RF_NAME], name) &&
                            c->f[RF_VERSION] && is_kernel(c) == is_kernel(cn) &&
                            (!cv || c->conf > cv->conf))
                                cv = c;
                }
        }
        if (cv) {
                for (size_t i = 0; i < x->n; i++) {
                        const struct cand *c = &x->c[i];
                        if ((c->single && c->fmask == fbit) && name_agree(c->f[RF_NAME], name) &&
                            c->f[RF_VERSION] && is_kernel(c) == is_kernel(cn) &&
                            !ver_agree(c->f[RF_VERSION], cv->f[RF_VERSION]) &&
                            c->conf + DISPUTE_MARGIN >= cv->conf)
                                disputed = true;
                }
                if (disputed)
                        cv = NULL;
        }
        for (size_t i = 0; cv && i < x->n; i++) {
                const struct cand *c = &x->c[i];
                if ((c->single && c->fmask == fbit) && name_agree(c->f[RF_NAME], name) &&
                    c->f[RF_EOL] && ver_agree(c->f[RF_VERSION], cv->f[RF_VERSION]) &&
                    is_kernel(c) == is_kernel(cn) &&
                    (!ce || (ce != cv && (c == cv || c->conf > ce->conf))))
                        ce = c;
        }
        if (cn) {
                for (size_t i = 0; i < x->n; i++) {
                        const struct cand *c = &x->c[i];
                        if ((c->single && c->fmask == fbit) && name_agree(c->f[RF_NAME], name) &&
                            c->f[RF_BUILD] && is_kernel(c) == is_kernel(cn) &&
                            (!c->f[RF_VERSION] || (cv && ver_agree(c->f[RF_VERSION], cv->f[RF_VERSION]))) &&
                            (!cb || c->conf > cb->conf))
                                cb = c;
                }
        }

        /* confidence: what agrees, less what contradicts */
        double agree = 0;
        unsigned other_fam = 0, other_name = 0;
        for (size_t i = 0; fam && i < x->n; i++) {
                const struct cand *c = &x->c[i];
                if (!c->fmask)
                        continue;
                if (!(c->fmask & fbit)) {
                        if (c->single && c->conf > other_fam)
                                other_fam = c->conf;
                        continue;
                }
                bool layer = cn && is_kernel(c) != is_kernel(cn);
                if (name && c->f[RF_NAME] && !layer && !name_agree(c->f[RF_NAME], name)) {
                        if (c->conf > other_name)
                                other_name = c->conf;
                        continue;
                }
                if (cv && c->f[RF_VERSION] && !layer && !ver_agree(c->f[RF_VERSION], cv->f[RF_VERSION]))
                        continue;
                agree = noisy_or(agree, c->conf);
                used[i] = true;
        }
        int conf = (int)(agree * 100.0 + 0.5) - (int)other_fam / 2 - (int)other_name / 4 -
                   (disputed ? 15 : 0);
        if (fam) {
                if (conf < 1)
                        conf = 1;
                if (conf > 99)
                        conf = 99;
                copy_str(id->family, sizeof(id->family), fam);
                id->confidence = (uint8_t)conf;
        }
        if (name)
                copy_str(id->name, sizeof(id->name), name);
        if (cv)
                copy_str(id->version, sizeof(id->version), cv->f[RF_VERSION]);
        if (ce) {
                copy_str(id->eol_product, sizeof(id->eol_product), ce->f[RF_EOL]);
                copy_str(id->eol_version, sizeof(id->eol_version),
                         ce->f[RF_EOL_VERSION] ? ce->f[RF_EOL_VERSION] : ce->f[RF_VERSION]);
        }
        if (cb)
                copy_str(id->build, sizeof(id->build), cb->f[RF_BUILD]);

        /* type */
        double tbest = 0;
        unsigned tw = DEV_TYPE_UNKNOWN;
        for (unsigned t = 1; t < DEV_TYPE_MAX; t++) {
                double s = 0;
                for (size_t i = 0; i < x->n; i++)
                        if (x->c[i].type == t)
                                s = noisy_or(s, x->c[i].conf);
                if (s > tbest + 1e-9) {
                        tbest = s;
                        tw = t;
                }
        }
        id->type = (uint8_t)tw;
        id->type_confidence = (uint8_t)(tbest * 100.0 + 0.5 > 99 ? 99 : tbest * 100.0 + 0.5);
        for (size_t i = 0; tw && i < x->n; i++)
                if (x->c[i].type == tw)
                        used[i] = true;
}

static void identify_one(const struct identify_rules *r, const struct device *d,
                         struct identity_buf *buf, struct memo *memo)
{
        struct ctx x;
        bool used[CAND_MAX] = { false };
        uint8_t order[CAND_MAX];

        memset(&buf->id, 0, sizeof(buf->id));
        buf->id.evidence = buf->ev;
        x.r = r;
        x.d = d;
        x.memo = memo;
        x.n = 0;
        x.n_fam = 0;
        x.used = 0;
        for (size_t i = 0; i < d->n_obs && i < IDENT_EV_HOSTNAME_BASE; i++)
                eval_value(&x, d->obs[i].key, (uint16_t)i, d->obs[i].value, d->obs[i].len,
                           d->obs[i].hash | 1);
        if (d->vendor)
                eval_value(&x, KEY_VENDOR, IDENT_EV_VENDOR, d->vendor, strlen(d->vendor), 0);
        for (size_t i = 0; i < d->n_hostnames; i++)
                eval_value(&x, KEY_HOSTNAME, (uint16_t)(IDENT_EV_HOSTNAME_BASE + i),
                           d->hostnames[i], strlen(d->hostnames[i]), 0);
        combine(&x, &buf->id, used);

        /* evidence: what backs the result first, then by confidence, then
         * in the order seen (insertion sort: at most CAND_MAX) */
        for (size_t i = 0; i < x.n; i++) {
                size_t k = i;
                while (k > 0) {
                        const struct cand *p = &x.c[order[k - 1]];
                        bool pu = used[order[k - 1]];
                        if (pu > used[i] || (pu == used[i] && p->conf >= x.c[i].conf))
                                break;
                        order[k] = order[k - 1];
                        k--;
                }
                order[k] = (uint8_t)i;
        }
        for (size_t k = 0; k < x.n && k < IDENT_EVIDENCE_MAX; k++) {
                const struct cand *c = &x.c[order[k]];
                buf->ev[k] = (struct ident_evidence){ .rule = c->ru->name, .obs = c->ev,
                                                      .confidence = c->conf,
                                                      .used = used[order[k]] };
                buf->id.n_evidence++;
        }
}

int identify_device(const struct identify_rules *r, const struct device *d,
                    struct identity_buf *buf)
{
        if (!r || !d || !buf)
                return -EINVAL;
        identify_one(r, d, buf, NULL);
        return 0;
}

int identify_inventory(const struct identify_rules *r, struct inventory *inv)
{
        struct identity_buf buf;
        struct memo *memo = calloc(MEMO_SLOTS, sizeof(*memo));
        int ret = 0;

        if (!r)
                return -EINVAL;
        for (size_t i = 0; i < inventory_count(inv); i++) {
                struct device *d = inventory_get(inv, i);
                /* without the memo (no memory for it) every value is evaluated */
                identify_one(r, d, &buf, memo);
                size_t n = buf.id.n_evidence;
                struct identity *id = malloc(sizeof(*id) + n * sizeof(struct ident_evidence));
                if (!id) {
                        ret = -ENOMEM;
                        break;
                }
                *id = buf.id;
                id->evidence = (struct ident_evidence *)(id + 1);
                memcpy(id->evidence, buf.ev, n * sizeof(struct ident_evidence));
                free(d->ident);
                d->ident = id;
        }
        free(memo);
        return ret;
}

/* ---- explaining ---- */

static void ev_source(const struct device *d, const struct ident_evidence *e, const char **src,
                      const char **key, const char **val, size_t *len)
{
        if (e->obs == IDENT_EV_VENDOR) {
                *src = "oui";
                *key = KEY_VENDOR;
                *val = d->vendor ? d->vendor : "";
                *len = strlen(*val);
        } else if (e->obs >= IDENT_EV_HOSTNAME_BASE &&
                   (size_t)(e->obs - IDENT_EV_HOSTNAME_BASE) < d->n_hostnames) {
                *src = "host";
                *key = KEY_HOSTNAME;
                *val = d->hostnames[e->obs - IDENT_EV_HOSTNAME_BASE];
                *len = strlen(*val);
        } else if (e->obs < d->n_obs) {
                *src = proto_name((enum proto)d->obs[e->obs].source);
                *key = d->obs[e->obs].key;
                *val = d->obs[e->obs].value;
                *len = d->obs[e->obs].len;
        } else {
                *src = *key = *val = "?";
                *len = 1;
        }
}

int identify_evidence(const struct device *d, const struct ident_evidence *e, const char **src,
                      const char **key, const char **val, size_t *len)
{
        ev_source(d, e, src, key, val, len);
        return 0;
}

int identify_explain(FILE *f, const struct device *d, const struct identity *id)
{
        char mac[18], buf[OBS_VALUE_MAX * 4 + 16];
        fmt_mac(mac, sizeof(mac), d->mac);
        fprintf(f, "device %s", mac);
        if (d->vendor) {
                sanitize_term(buf, sizeof(buf), d->vendor, strlen(d->vendor));
                fprintf(f, " (%s)", buf);
        }
        fputc('\n', f);
        fprintf(f, "  type        %s", identify_type_name((enum dev_type)id->type));
        if (id->type)
                fprintf(f, " (%u%%)", id->type_confidence);
        fputc('\n', f);
        sanitize_term(buf, sizeof(buf), id->family, strlen(id->family));
        fprintf(f, "  family      %s\n", id->family[0] ? buf : "unknown");
        sanitize_term(buf, sizeof(buf), id->name, strlen(id->name));
        fprintf(f, "  name        %s\n", id->name[0] ? buf : "unknown");
        sanitize_term(buf, sizeof(buf), id->version, strlen(id->version));
        fprintf(f, "  version     %s\n", id->version[0] ? buf : "unknown");
        if (id->build[0]) {
                sanitize_term(buf, sizeof(buf), id->build, strlen(id->build));
                fprintf(f, "  build       %s\n", buf);
        }
        fprintf(f, "  confidence  %u%%\n", id->confidence);
        if (id->eol_product[0])
                fprintf(f, "  eol lookup  %s %s\n", id->eol_product, id->eol_version);
        fprintf(f, "  evidence    (+ backs the result, - was outvoted)\n");
        if (!id->n_evidence)
                fprintf(f, "    none: no rule matched what this device announced\n");
        for (size_t i = 0; i < id->n_evidence; i++) {
                const struct ident_evidence *e = &id->evidence[i];
                const char *src, *key, *val;
                size_t len;
                ev_source(d, e, &src, &key, &val, &len);
                sanitize_term(buf, sizeof(buf), val, len);
                fprintf(f, "    %c %-28s %3u%%  %s %s \"%s\"\n", e->used ? '+' : '-',
                        e->rule ? e->rule : "?",
                        e->confidence, src, key, buf);
        }
        return ferror(f) ? -EIO : 0;
}
