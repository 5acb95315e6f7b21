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

static void add_text_or_null(cJSON *o, const char *name, const char *s)
{
        if (s && s[0])
                cJSON_AddItemToObject(o, name, wire_string(s, strlen(s)));
        else
                cJSON_AddNullToObject(o, name);
}

/* type and os, only once the device has been identified (identify.h). */
static void identity_json(cJSON *o, const struct device *d)
{
        const struct identity *id = d->ident;
        if (!id)
                return;
        cJSON_AddStringToObject(o, "type", identify_type_name((enum dev_type)id->type));
        cJSON *os = cJSON_AddObjectToObject(o, "os");
        add_text_or_null(os, "family", id->family);
        add_text_or_null(os, "name", id->name);
        add_text_or_null(os, "version", id->version);
        add_text_or_null(os, "build", id->build);
        cJSON_AddNumberToObject(os, "confidence", id->confidence);
        cJSON *ev = cJSON_AddArrayToObject(os, "evidence");
        for (size_t i = 0; i < id->n_evidence; i++) {
                const char *src, *key, *val;
                size_t len;
                identify_evidence(d, &id->evidence[i], &src, &key, &val, &len);
                cJSON *e = cJSON_CreateObject();
                cJSON_AddStringToObject(e, "source", src);
                cJSON_AddStringToObject(e, "key", key);
                cJSON_AddItemToObject(e, "value", wire_string(val, len));
                cJSON_AddStringToObject(e, "rule", id->evidence[i].rule ? id->evidence[i].rule : "");
                cJSON_AddNumberToObject(e, "confidence", id->evidence[i].confidence);
                cJSON_AddBoolToObject(e, "used", id->evidence[i].used);
                cJSON_AddItemToArray(ev, e);
        }
}

/* eol: the verdict, or an honest "unknown" for an identified device the
 * tables cannot judge. */
static void eol_json(cJSON *o, const struct device *d)
{
        char date[16];
        const struct eol_verdict *v = d->eol;
        if (!v && !d->ident)
                return;
        cJSON *e = cJSON_AddObjectToObject(o, "eol");
        if (!v) {
                cJSON_AddNullToObject(e, "product");
                cJSON_AddNullToObject(e, "cycle");
                cJSON_AddStringToObject(e, "status", eol_status_name(EOL_UNKNOWN));
                cJSON_AddNullToObject(e, "date");
                cJSON_AddNullToObject(e, "extended_date");
                cJSON_AddNullToObject(e, "days_left");
                cJSON_AddNullToObject(e, "source");
                return;
        }
        add_text_or_null(e, "product", v->product);
        add_text_or_null(e, "cycle", v->cycle);
        cJSON_AddStringToObject(e, "status", eol_status_name(v->status));
        if (v->eol_date != EOL_NO_DATE) {
                eol_fmt_date(date, sizeof(date), v->eol_date);
                cJSON_AddStringToObject(e, "date", date);
        } else {
                cJSON_AddNullToObject(e, "date");
        }
        if (v->extended_date != EOL_NO_DATE) {
                eol_fmt_date(date, sizeof(date), v->extended_date);
                cJSON_AddStringToObject(e, "extended_date", date);
        } else {
                cJSON_AddNullToObject(e, "extended_date");
        }
        if (v->days_left != EOL_NO_DATE)
                cJSON_AddNumberToObject(e, "days_left", v->days_left);
        else
                cJSON_AddNullToObject(e, "days_left");
        add_text_or_null(e, "source", v->source);
}

static cJSON *device_json(const struct device *d)
{
        char buf[64];
        cJSON *o = cJSON_CreateObject();
        if (!o)
                return NULL;
        fmt_mac(buf, sizeof(buf), d->mac);
        cJSON_AddStringToObject(o, "mac", buf);
        if (d->vendor)
                cJSON_AddItemToObject(o, "vendor", wire_string(d->vendor, strlen(d->vendor)));
        else
                cJSON_AddNullToObject(o, "vendor");
        cJSON_AddBoolToObject(o, "mac_local", (d->mac[0] & 0x02) != 0);
        cJSON *a = cJSON_AddArrayToObject(o, "ipv4");
        for (size_t i = 0; i < d->n_ipv4; i++) {
                fmt_ip(buf, sizeof(buf), 4, d->ipv4[i]);
                cJSON_AddItemToArray(a, cJSON_CreateString(buf));
        }
        a = cJSON_AddArrayToObject(o, "ipv6");
        for (size_t i = 0; i < d->n_ipv6; i++) {
                fmt_ip(buf, sizeof(buf), 6, d->ipv6[i]);
                cJSON_AddItemToArray(a, cJSON_CreateString(buf));
        }
        a = cJSON_AddArrayToObject(o, "hostnames");
        for (size_t i = 0; i < d->n_hostnames; i++)
                cJSON_AddItemToArray(a, wire_string(d->hostnames[i], strlen(d->hostnames[i])));
        cJSON_AddItemToObject(o, "first_seen", time_string(d->first_seen));
        cJSON_AddItemToObject(o, "last_seen", time_string(d->last_seen));
        a = cJSON_AddArrayToObject(o, "sources");
        for (unsigned p = 0; p < PROTO_MAX; p++)
                if (d->sources & (1u << p))
                        cJSON_AddItemToArray(a, cJSON_CreateString(proto_name((enum proto)p)));
        a = cJSON_AddArrayToObject(o, "observations");
        for (size_t i = 0; i < d->n_obs; i++) {
                const struct dev_obs *e = &d->obs[i];
                cJSON *x = cJSON_CreateObject();
                cJSON_AddStringToObject(x, "source", proto_name((enum proto)e->source));
                cJSON_AddStringToObject(x, "key", e->key);
                cJSON_AddItemToObject(x, "value", wire_string(e->value, e->len));
                cJSON_AddItemToObject(x, "first_seen", time_string(e->first_seen));
                cJSON_AddItemToObject(x, "last_seen", time_string(e->last_seen));
                cJSON_AddNumberToObject(x, "count", e->count);
                cJSON_AddItemToArray(a, x);
        }
        struct service sv[DEVICE_SERVICES_MAX];
        size_t ns = device_services(d, sv, DEVICE_SERVICES_MAX);
        a = cJSON_AddArrayToObject(o, "services");
        for (size_t i = 0; i < ns; i++) {
                cJSON *x = cJSON_CreateObject();
                cJSON_AddStringToObject(x, "proto", sv[i].udp ? "udp" : "tcp");
                cJSON_AddNumberToObject(x, "port", sv[i].port);
                cJSON_AddItemToObject(x, "name", wire_string(sv[i].name, sv[i].name_len));
                if (sv[i].banner && sv[i].banner_len)
                        cJSON_AddItemToObject(x, "banner", wire_string(sv[i].banner, sv[i].banner_len));
                else
                        cJSON_AddNullToObject(x, "banner");
                cJSON_AddItemToArray(a, x);
        }
        int ttl = device_ttl_class(d);
        if (ttl > 0)
                cJSON_AddNumberToObject(o, "ttl", ttl);
        else
                cJSON_AddNullToObject(o, "ttl");
        identity_json(o, d);
        eol_json(o, d);
        return o;
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

static int put(FILE *f, cJSON *j, bool pretty)
{
        char *s = pretty ? cJSON_Print(j) : cJSON_PrintUnformatted(j);
        int r = 0;
        if (!s)
                return -ENOMEM;
        if (fputs(s, f) == EOF || fputc('\n', f) == EOF)
                r = -EIO;
        cJSON_free(s);
        return r;
}


/* The devices are written one at a time, so that memory holds one device's
 * tree, not the whole document's (a cJSON tree takes some 20 times the
 * size of its text: 65,536 devices would take gigabytes). The document
 * around them is printed with an empty "devices" array, cut there, and the
 * devices go in between, laid out exactly as cJSON lays out an array of
 * objects inside the top-level object: "[{", lines indented by two more
 * tabs, "}, {" between devices, "}]". */
#define DEVICES_HOLE "\n\t\"devices\":\t[]"

static int put_device(FILE *f, const struct device *d, bool first)
{
        cJSON *j = device_json(d);
        if (!j)
                return -ENOMEM;
        char *t = cJSON_Print(j);
        cJSON_Delete(j);
        if (!t)
                return -ENOMEM;
        int r = fputs(first ? "[" : ", ", f) == EOF ? -EIO : 0;
        for (const char *p = t; *p && r == 0; ) {
                const char *nl = strchr(p, '\n');
                size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
                if (fwrite(p, 1, n, f) != n || (nl && nl[1] && fputs("\t\t", f) == EOF))
                        r = -EIO;
                p += n;
        }
        cJSON_free(t);
        return r;
}

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
        int r = 0;
        if (!hole) {
                r = -EINVAL;    /* cannot happen: document_json put it there */
                goto out;
        }
        char *rest = hole + strlen(DEVICES_HOLE) - 2;   /* at "[]" */
        size_t head = (size_t)(rest - t);
        size_t n = inventory_count(inv);
        if (fwrite(t, 1, head, f) != head)
                r = -EIO;
        for (size_t i = 0; i < n && r == 0; i++)
                r = put_device(f, inventory_get(inv, i), i == 0);
        if (r == 0 && fputs(n ? "]" : "[]", f) == EOF)
                r = -EIO;
        if (r == 0 && (fputs(rest + 2, f) == EOF || fputc('\n', f) == EOF))
                r = -EIO;
out:
        cJSON_free(t);
        return r;
}

/* One device per line; each line carries the scan id so lines from many
 * scans can be mixed in one log. */
int output_ndjson(FILE *f, const struct scan_info *si, const struct inventory *inv)
{
        for (size_t i = 0; i < inventory_count(inv); i++) {
                cJSON *d = device_json(inventory_get(inv, i));
                if (!d)
                        return -ENOMEM;
                cJSON_AddStringToObject(d, "scan_id", si->id);
                int r = put(f, d, false);
                cJSON_Delete(d);
                if (r < 0)
                        return r;
        }
        return 0;
}
