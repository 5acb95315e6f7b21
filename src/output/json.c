/* json.c - the JSON document and NDJSON (cJSON). See output.h. */
#include "internal.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netinv/eol.h"
#include "netinv/identify.h"
#include "netinv/util.h"

/* cJSON copies the string; text from the wire is made valid UTF-8 first. */
static cJSON *wire_string(const char *s, size_t len)
{
        size_t cap = len * 4 + 1;
        char stackbuf[2048];
        char *buf = cap <= sizeof(stackbuf) ? stackbuf : malloc(cap);
        if (!buf)
                return NULL;
        sanitize_utf8(buf, cap, s, len);
        cJSON *j = cJSON_CreateString(buf);
        if (buf != stackbuf)
                free(buf);
        return j;
}

static cJSON *time_string(uint64_t usec)
{
        char t[32];
        fmt_rfc3339(t, sizeof(t), usec);
        return cJSON_CreateString(t);
}

/* ---- the devices: written straight to the stream ----
 *
 * The document's head and tail are small and go through cJSON; the devices,
 * which are nearly all of it, are written directly: no tree, no allocation
 * per value, integers as integers. The layout follows cJSON's (tabs, "key":
 * TAB value) so the document reads the same all through. */

#define JW_DEPTH_MAX 8

struct jw {
        FILE *f;
        bool pretty;
        int depth;                      /* of the value being written */
        int base;                       /* indentation of depth 0 */
        bool first[JW_DEPTH_MAX];       /* no member written yet at this depth */
        char *buf;                      /* for sanitize_utf8 */
        size_t cap;
        int err;
};

static void jw_raw(struct jw *w, const char *s, size_t n)
{
        if (n && fwrite(s, 1, n, w->f) != n)
                w->err = -EIO;
}

static void jw_indent(struct jw *w, int depth)
{
        static const char tabs[] = "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t";
        int n = w->base + depth;
        jw_raw(w, "\n", 1);
        jw_raw(w, tabs, (size_t)(n < 16 ? n : 16));
}

/* Before a member of an object or an element of an array. */
static void jw_next(struct jw *w)
{
        if (!w->first[w->depth])
                jw_raw(w, ",", 1);
        w->first[w->depth] = false;
        if (w->pretty)
                jw_indent(w, w->depth);
}

/* A JSON string of valid UTF-8 text (RFC 8259 §7). */
static void jw_text(struct jw *w, const char *s, size_t n)
{
        size_t run = 0;
        jw_raw(w, "\"", 1);
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)s[i];
                if (c >= 0x20 && c != '"' && c != '\\')
                        continue;
                jw_raw(w, s + run, i - run);
                run = i + 1;
                char esc[8];
                switch (c) {
                case '"': jw_raw(w, "\\\"", 2); break;
                case '\\': jw_raw(w, "\\\\", 2); break;
                case '\n': jw_raw(w, "\\n", 2); break;
                case '\r': jw_raw(w, "\\r", 2); break;
                case '\t': jw_raw(w, "\\t", 2); break;
                default:
                        snprintf(esc, sizeof(esc), "\\u%04x", c);
                        jw_raw(w, esc, 6);
                }
        }
        jw_raw(w, s + run, n - run);
        jw_raw(w, "\"", 1);
}

/* Bytes from the wire: made valid UTF-8 first (invalid bytes as \xNN). */
static void jw_wire(struct jw *w, const char *s, size_t n)
{
        size_t need = n * 4 + 1;
        if (need > w->cap) {
                char *nb = realloc(w->buf, need);
                if (!nb) {
                        w->err = -ENOMEM;
                        return;
                }
                w->buf = nb;
                w->cap = need;
        }
        size_t m = sanitize_utf8(w->buf, w->cap, s, n);
        jw_text(w, w->buf, m);
}

static void jw_key(struct jw *w, const char *key)
{
        jw_next(w);
        jw_text(w, key, strlen(key));
        jw_raw(w, w->pretty ? ":\t" : ":", w->pretty ? 2 : 1);
}

static void jw_open(struct jw *w, char c)
{
        jw_raw(w, &c, 1);
        if (w->depth + 1 < JW_DEPTH_MAX)
                w->depth++;
        w->first[w->depth] = true;
}

static void jw_close(struct jw *w, char c)
{
        bool empty = w->first[w->depth];
        if (w->depth > 0)
                w->depth--;
        if (w->pretty && !empty)
                jw_indent(w, w->depth);
        jw_raw(w, &c, 1);
}

static void jw_str_member(struct jw *w, const char *key, const char *s)
{
        jw_key(w, key);
        jw_text(w, s, strlen(s));
}

static void jw_wire_or_null(struct jw *w, const char *key, const char *s)
{
        jw_key(w, key);
        if (s && s[0])
                jw_wire(w, s, strlen(s));
        else
                jw_raw(w, "null", 4);
}

static void jw_int_member(struct jw *w, const char *key, long long v)
{
        char b[24];
        jw_key(w, key);
        jw_raw(w, b, (size_t)snprintf(b, sizeof(b), "%lld", v));
}

static void jw_null_member(struct jw *w, const char *key)
{
        jw_key(w, key);
        jw_raw(w, "null", 4);
}

static void jw_time_member(struct jw *w, const char *key, uint64_t usec)
{
        char t[32];
        fmt_rfc3339(t, sizeof(t), usec);
        jw_str_member(w, key, t);
}

/* type and os, only once the device has been identified (identify.h). */
static void identity_json(struct jw *w, const struct device *d)
{
        const struct identity *id = d->ident;
        if (!id)
                return;
        jw_str_member(w, "type", identify_type_name((enum dev_type)id->type));
        jw_key(w, "os");
        jw_open(w, '{');
        jw_wire_or_null(w, "family", id->family);
        jw_wire_or_null(w, "name", id->name);
        jw_wire_or_null(w, "version", id->version);
        jw_wire_or_null(w, "build", id->build);
        jw_int_member(w, "confidence", id->confidence);
        jw_key(w, "evidence");
        jw_open(w, '[');
        for (size_t i = 0; i < id->n_evidence; i++) {
                const char *src, *key, *val;
                size_t len;
                identify_evidence(d, &id->evidence[i], &src, &key, &val, &len);
                jw_next(w);
                jw_open(w, '{');
                jw_str_member(w, "source", src);
                jw_str_member(w, "key", key);
                jw_key(w, "value");
                jw_wire(w, val, len);
                jw_str_member(w, "rule", id->evidence[i].rule ? id->evidence[i].rule : "");
                jw_int_member(w, "confidence", id->evidence[i].confidence);
                jw_key(w, "used");
                jw_raw(w, id->evidence[i].used ? "true" : "false", id->evidence[i].used ? 4 : 5);
                jw_close(w, '}');
        }
        jw_close(w, ']');
        jw_close(w, '}');
}

/* eol: the verdict, or an honest "unknown" for an identified device the
 * tables cannot judge. */
static void eol_json(struct jw *w, const struct device *d)
{
        char date[16];
        const struct eol_verdict *v = d->eol;
        if (!v && !d->ident)
                return;
        jw_key(w, "eol");
        jw_open(w, '{');
        if (!v) {
                jw_null_member(w, "product");
                jw_null_member(w, "cycle");
                jw_str_member(w, "status", eol_status_name(EOL_UNKNOWN));
                jw_null_member(w, "date");
                jw_null_member(w, "extended_date");
                jw_null_member(w, "days_left");
                jw_null_member(w, "source");
                jw_close(w, '}');
                return;
        }
        jw_wire_or_null(w, "product", v->product);
        jw_wire_or_null(w, "cycle", v->cycle);
        jw_str_member(w, "status", eol_status_name(v->status));
        if (v->eol_date != EOL_NO_DATE) {
                eol_fmt_date(date, sizeof(date), v->eol_date);
                jw_str_member(w, "date", date);
        } else {
                jw_null_member(w, "date");
        }
        if (v->extended_date != EOL_NO_DATE) {
                eol_fmt_date(date, sizeof(date), v->extended_date);
                jw_str_member(w, "extended_date", date);
        } else {
                jw_null_member(w, "extended_date");
        }
        if (v->days_left != EOL_NO_DATE)
                jw_int_member(w, "days_left", v->days_left);
        else
                jw_null_member(w, "days_left");
        jw_wire_or_null(w, "source", v->source);
        jw_close(w, '}');
}

/* One device object; scan_id (NDJSON) is added last when not NULL. */
static void device_json(struct jw *w, const struct device *d, const char *scan_id)
{
        char buf[64];
        jw_open(w, '{');
        fmt_mac(buf, sizeof(buf), d->mac);
        jw_str_member(w, "mac", buf);
        if (d->vendor) {
                jw_key(w, "vendor");
                jw_wire(w, d->vendor, strlen(d->vendor));
        } else {
                jw_null_member(w, "vendor");
        }
        jw_key(w, "mac_local");
        jw_raw(w, (d->mac[0] & 0x02) ? "true" : "false", (d->mac[0] & 0x02) ? 4 : 5);
        jw_key(w, "ipv4");
        jw_open(w, '[');
        for (size_t i = 0; i < d->n_ipv4; i++) {
                fmt_ip(buf, sizeof(buf), 4, d->ipv4[i]);
                jw_next(w);
                jw_text(w, buf, strlen(buf));
        }
        jw_close(w, ']');
        jw_key(w, "ipv6");
        jw_open(w, '[');
        for (size_t i = 0; i < d->n_ipv6; i++) {
                fmt_ip(buf, sizeof(buf), 6, d->ipv6[i]);
                jw_next(w);
                jw_text(w, buf, strlen(buf));
        }
        jw_close(w, ']');
        jw_key(w, "hostnames");
        jw_open(w, '[');
        for (size_t i = 0; i < d->n_hostnames; i++) {
                jw_next(w);
                jw_wire(w, d->hostnames[i], strlen(d->hostnames[i]));
        }
        jw_close(w, ']');
        jw_time_member(w, "first_seen", d->first_seen);
        jw_time_member(w, "last_seen", d->last_seen);
        jw_key(w, "sources");
        jw_open(w, '[');
        for (unsigned p = 0; p < PROTO_MAX; p++)
                if (d->sources & (1u << p)) {
                        const char *n = proto_name((enum proto)p);
                        jw_next(w);
                        jw_text(w, n, strlen(n));
                }
        jw_close(w, ']');
        jw_key(w, "observations");
        jw_open(w, '[');
        for (size_t i = 0; i < d->n_obs; i++) {
                const struct dev_obs *e = &d->obs[i];
                jw_next(w);
                jw_open(w, '{');
                jw_str_member(w, "source", proto_name((enum proto)e->source));
                jw_str_member(w, "key", e->key);
                jw_key(w, "value");
                jw_wire(w, e->value, e->len);
                jw_time_member(w, "first_seen", e->first_seen);
                jw_time_member(w, "last_seen", e->last_seen);
                jw_int_member(w, "count", e->count);
                jw_close(w, '}');
        }
        jw_close(w, ']');
        struct service sv[DEVICE_SERVICES_MAX];
        size_t ns = device_services(d, sv, DEVICE_SERVICES_MAX);
        jw_key(w, "services");
        jw_open(w, '[');
        for (size_t i = 0; i < ns; i++) {
                jw_next(w);
                jw_open(w, '{');
                jw_str_member(w, "proto", sv[i].udp ? "udp" : "tcp");
                jw_int_member(w, "port", sv[i].port);
                jw_key(w, "name");
                jw_wire(w, sv[i].name, sv[i].name_len);
                jw_key(w, "banner");
                if (sv[i].banner && sv[i].banner_len)
                        jw_wire(w, sv[i].banner, sv[i].banner_len);
                else
                        jw_raw(w, "null", 4);
                jw_close(w, '}');
        }
        jw_close(w, ']');
        int ttl = device_ttl_class(d);
        if (ttl > 0)
                jw_int_member(w, "ttl", ttl);
        else
                jw_null_member(w, "ttl");
        identity_json(w, d);
        eol_json(w, d);
        if (scan_id)
                jw_str_member(w, "scan_id", scan_id);
        jw_close(w, '}');
}

static cJSON *document_json(const struct scan_info *si, const struct inventory *inv)
{
        cJSON *doc = cJSON_CreateObject();
        if (!doc)
                return NULL;
        cJSON_AddStringToObject(doc, "schema", NETINV_SCHEMA);
        cJSON *agent = cJSON_AddObjectToObject(doc, "agent");
        cJSON_AddStringToObject(agent, "hostname", si->hostname ? si->hostname : "");
        cJSON_AddStringToObject(agent, "version", si->version ? si->version : "");
        cJSON *scan = cJSON_AddObjectToObject(doc, "scan");
        cJSON_AddStringToObject(scan, "id", si->id);
        if (si->interface)
                cJSON_AddStringToObject(scan, "interface", si->interface);
        if (si->file)
                cJSON_AddItemToObject(scan, "file", wire_string(si->file, strlen(si->file)));
        cJSON_AddItemToObject(scan, "started", time_string(si->started_usec));
        cJSON_AddItemToObject(scan, "finished", time_string(si->finished_usec));
        cJSON_AddNumberToObject(scan, "packets_seen", (double)si->packets_seen);
        cJSON_AddNumberToObject(scan, "packets_malformed", (double)si->packets_malformed);
        cJSON_AddNumberToObject(scan, "packets_truncated", (double)si->packets_truncated);
        cJSON_AddNumberToObject(scan, "packets_dropped", (double)si->packets_dropped);
        if (si->oui_source)
                cJSON_AddStringToObject(scan, "oui_source", si->oui_source);
        else
                cJSON_AddNullToObject(scan, "oui_source");
        cJSON *dr = cJSON_AddObjectToObject(scan, "dropped");
        const struct inventory_stats *st = si->inv ? si->inv : inventory_stats(inv);
        cJSON_AddNumberToObject(dr, "devices", (double)st->devices_dropped);
        cJSON_AddNumberToObject(dr, "addresses", (double)st->addresses_dropped);
        cJSON_AddNumberToObject(dr, "hostnames", (double)st->hostnames_dropped);
        cJSON_AddNumberToObject(dr, "observations", (double)st->observations_dropped);
        cJSON_AddNumberToObject(scan, "devices", (double)inventory_count(inv));
        /* Filled in as the document is written (output_json). */
        cJSON_AddArrayToObject(doc, "devices");
        return doc;
}

/* The devices are written one at a time, so that memory holds one device,
 * not the whole document's tree (65,536 devices took 1.8 GiB as a cJSON
 * tree). The document around them is printed with an empty "devices"
 * array, cut there, and the devices go in between. */
#define DEVICES_HOLE "\n\t\"devices\":\t[]"

int output_json(FILE *f, const struct scan_info *si, const struct inventory *inv)
{
        cJSON *doc = document_json(si, inv);
        if (!doc)
                return -ENOMEM;
        if (si->annotate_json && si->annotate_json(doc, si->annotate_user) < 0) {
                cJSON_Delete(doc);
                return -ENOMEM;
        }
        char *t = cJSON_Print(doc);
        cJSON_Delete(doc);
        if (!t)
                return -ENOMEM;
        char *hole = strstr(t, DEVICES_HOLE);
        if (!hole) {
                cJSON_free(t);
                return -EINVAL;         /* cannot happen: document_json put it there */
        }
        char *rest = hole + strlen(DEVICES_HOLE) - 2;   /* at "[]" */
        struct jw w = { .f = f, .pretty = true, .base = 1 };
        size_t n = inventory_count(inv);
        jw_raw(&w, t, (size_t)(rest - t));
        jw_open(&w, '[');
        for (size_t i = 0; i < n && !w.err; i++) {
                jw_next(&w);
                device_json(&w, inventory_get(inv, i), NULL);
        }
        jw_close(&w, ']');
        jw_raw(&w, rest + 2, strlen(rest + 2));
        jw_raw(&w, "\n", 1);
        cJSON_free(t);
        free(w.buf);
        return w.err;
}

/* One device per line; each line carries the scan id so lines from many
 * scans can be mixed in one log. */
int output_ndjson(FILE *f, const struct scan_info *si, const struct inventory *inv)
{
        struct jw w = { .f = f };
        for (size_t i = 0; i < inventory_count(inv) && !w.err; i++) {
                device_json(&w, inventory_get(inv, i), si->id);
                jw_raw(&w, "\n", 1);
        }
        free(w.buf);
        return w.err;
}
