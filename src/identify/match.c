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

struct cand {
        const struct rule *ru;
        uint16_t ev;                    /* obs index or IDENT_EV_* */
        uint8_t conf, type;
        const char *f[RF_MAX];          /* expanded, in the arena; NULL unset */
};

struct ctx {
        const struct identify_rules *r;
        const struct device *d;
        struct cand c[CAND_MAX];
        size_t n;
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
        x->c[slot] = c;
        if (slot == x->n)
                x->n++;
}

static void try_rule(struct ctx *x, const struct rule *ru, uint16_t ev, const char *val,
                     size_t len)
{
        regmatch_t pm[RULES_CAPTURES];
        const struct rule_match *m = &ru->m[0];
        bool re = m->op == MOP_REGEX || m->op == MOP_REGEX_I;
        size_t ngroups = re ? m->re.re_nsub : 0;

        if (!match_one(m, val, len, pm, re ? ngroups + 1 : 0))
                return;
        if (!re) {
                pm[0].rm_so = 0;
                pm[0].rm_eo = (regoff_t)len;
        }
        add_cand(x, ru, ev, val, pm, ngroups);
}

static void eval_value(struct ctx *x, const char *key, uint16_t ev, const char *val, size_t len)
{
        const struct identify_rules *r = x->r;
        uint32_t h = rules_hash(key, val, len);
        size_t mask = r->n_eq_slots - 1;
        for (size_t s = h & mask; r->eq[s].rule; s = (s + 1) & mask) {
                const struct rule *ru = &r->rules[r->eq[s].rule - 1];
                if (r->eq[s].hash == h && rules_key_in(ru->m[0].key, key))
                        try_rule(x, ru, ev, val, len);
        }
        const struct key_index *ki = rules_key(r, key);
        for (size_t i = 0; ki && i < ki->n; i++)
                try_rule(x, &r->rules[ki->rules[i]], ev, val, len);
}

/* ---- combining ---- */

static bool fam_has(const char *spec, const char *fam)
{
        size_t fl = strlen(fam);
        for (const char *s = spec;;) {
                const char *bar = strchr(s, '|');
                size_t n = bar ? (size_t)(bar - s) : strlen(s);
                if (n == fl && strncasecmp(s, fam, n) == 0)
                        return true;
                if (!bar)
                        return false;
                s = bar + 1;
        }
}

static bool single(const char *spec)
{
        return spec && !strchr(spec, '|');
}

static bool same(const char *a, const char *b)
{
        return a && b && strcasecmp(a, b) == 0;
}

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
        for (size_t i = 0; i < x->n; i++) {
                const char *f = x->c[i].f[RF_FAMILY];
                if (!single(f))
                        continue;
                double s = 0;
                for (size_t k = 0; k < x->n; k++)
                        if (x->c[k].f[RF_FAMILY] && fam_has(x->c[k].f[RF_FAMILY], f))
                                s = noisy_or(s, x->c[k].conf);
                if (s > best + 1e-9) {
                        best = s;
                        fam = f;
                }
        }
        /* name: a distribution's name beats a kernel's; the most confident */
        const struct cand *cn = NULL, *cv = NULL, *cb = NULL, *ce = NULL;
        const char *name = NULL;
        bool disputed = false;
        for (size_t i = 0; fam && i < x->n; i++) {
                const struct cand *c = &x->c[i];
                if (!same(c->f[RF_FAMILY], fam) || !c->f[RF_NAME])
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
                        if (same(c->f[RF_FAMILY], fam) && c->f[RF_NAME] &&
                            strcasecmp(c->f[RF_NAME], name) != 0 && alt_of(name, c->f[RF_NAME]))
                                name = c->f[RF_NAME];
                }
                /* a rival name nearly as sure, with a version of its own:
                 * neither is said */
                for (size_t i = 0; i < x->n; i++) {
                        const struct cand *c = &x->c[i];
                        if (same(c->f[RF_FAMILY], fam) && c->f[RF_NAME] && c->f[RF_VERSION] &&
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
                        if (same(c->f[RF_FAMILY], fam) && name_agree(c->f[RF_NAME], name) &&
                            c->f[RF_VERSION] && is_kernel(c) == is_kernel(cn) &&
                            (!cv || c->conf > cv->conf))
                                cv = c;
                }
        }
        if (cv) {
                for (size_t i = 0; i < x->n; i++) {
                        const struct cand *c = &x->c[i];
                        if (same(c->f[RF_FAMILY], fam) && name_agree(c->f[RF_NAME], name) &&
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
                if (same(c->f[RF_FAMILY], fam) && name_agree(c->f[RF_NAME], name) &&
                    c->f[RF_EOL] && ver_agree(c->f[RF_VERSION], cv->f[RF_VERSION]) &&
                    is_kernel(c) == is_kernel(cn) &&
                    (!ce || (ce != cv && (c == cv || c->conf > ce->conf))))
                        ce = c;
        }
        if (cn) {
                for (size_t i = 0; i < x->n; i++) {
                        const struct cand *c = &x->c[i];
                        if (same(c->f[RF_FAMILY], fam) && name_agree(c->f[RF_NAME], name) &&
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
                const char *f = c->f[RF_FAMILY];
                if (!f)
                        continue;
                if (!fam_has(f, fam)) {
                        if (single(f) && c->conf > other_fam)
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

int identify_device(const struct identify_rules *r, const struct device *d,
                    struct identity_buf *buf)
{
        struct ctx x;
        bool used[CAND_MAX] = { false };

        if (!r || !d || !buf)
                return -EINVAL;
        memset(&buf->id, 0, sizeof(buf->id));
        buf->id.evidence = buf->ev;
        x.r = r;
        x.d = d;
        x.n = 0;
        x.used = 0;
        for (size_t i = 0; i < d->n_obs && i < IDENT_EV_HOSTNAME_BASE; i++)
                eval_value(&x, d->obs[i].key, (uint16_t)i, d->obs[i].value, d->obs[i].len);
        if (d->vendor)
                eval_value(&x, KEY_VENDOR, IDENT_EV_VENDOR, d->vendor, strlen(d->vendor));
        for (size_t i = 0; i < d->n_hostnames; i++)
                eval_value(&x, KEY_HOSTNAME, (uint16_t)(IDENT_EV_HOSTNAME_BASE + i),
                           d->hostnames[i], strlen(d->hostnames[i]));
        combine(&x, &buf->id, used);

        /* evidence: what backs the result first, most confident first */
        for (int pass = 1; pass >= 0; pass--) {
                for (unsigned conf = 100; conf > 0; conf--) {
                        for (size_t i = 0; i < x.n && buf->id.n_evidence < IDENT_EVIDENCE_MAX; i++) {
                                if (used[i] != (pass == 1) || x.c[i].conf != conf)
                                        continue;
                                struct ident_evidence *e = &buf->ev[buf->id.n_evidence++];
                                e->obs = x.c[i].ev;
                                e->confidence = x.c[i].conf;
                                e->used = used[i];
                                copy_str(e->rule, sizeof(e->rule), x.c[i].ru->name);
                        }
                }
        }
        return 0;
}

int identify_inventory(const struct identify_rules *r, struct inventory *inv)
{
        struct identity_buf buf;
        for (size_t i = 0; i < inventory_count(inv); i++) {
                struct device *d = inventory_get(inv, i);
                int e = identify_device(r, d, &buf);
                if (e)
                        return e;
                size_t n = buf.id.n_evidence;
                struct identity *id = malloc(sizeof(*id) + n * sizeof(struct ident_evidence));
                if (!id)
                        return -ENOMEM;
                *id = buf.id;
                id->evidence = (struct ident_evidence *)(id + 1);
                memcpy(id->evidence, buf.ev, n * sizeof(struct ident_evidence));
                free(d->ident);
                d->ident = id;
        }
        return 0;
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
                fprintf(f, "    %c %-28s %3u%%  %s %s \"%s\"\n", e->used ? '+' : '-', e->rule,
                        e->confidence, src, key, buf);
        }
        return ferror(f) ? -EIO : 0;
}
