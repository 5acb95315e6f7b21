/* services.c - what a device offers, and its initial TTL, as the outputs
 * show them, derived from its observations:
 *
 *   service    "<tcp|udp>/<port> <name>[ <banner>]", written by a probe that
 *              talked to the port (banners, UPnP descriptions);
 *   tcp.open   "<port>", a SYN-ACK seen (the TCP probe, or passively);
 *   mdns.srv   "<instance> <port> <target>", a DNS-SD service the device
 *              announces (passively too): "_ipp._tcp" on 631 is tcp/631 ipp.
 *
 * One entry per (proto, port): a port known only from tcp.open gets the
 * port's usual name and no banner; of several service observations for one
 * port the one seen last wins. The TTL class is the smallest of the usual
 * initial values (32, 64, 128, 255) at or above the highest TTL or hop
 * limit seen in the device's replies: a reply that crossed no router
 * arrives with its initial value.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "netinv/inventory.h"
#include "netinv/util.h"

/* The port at the start of s ("22 ssh ..."): its digits counted in
 * *ret_used; 0 when they are not a port. */
static uint16_t parse_port(const char *s, size_t len, size_t *ret_used)
{
        size_t i = 0;
        while (i < len && i < 6 && s[i] >= '0' && s[i] <= '9')
                i++;
        *ret_used = i;
        return port_parse(s, i);
}

/* Parse a service observation into e. false when it does not have the form. */
static bool parse_service(const struct dev_obs *o, struct service *e)
{
        const char *v = o->value;
        size_t len = o->len, used;
        if (len > 4 && memcmp(v, "tcp/", 4) == 0)
                e->udp = false;
        else if (len > 4 && memcmp(v, "udp/", 4) == 0)
                e->udp = true;
        else
                return false;
        e->port = parse_port(v + 4, len - 4, &used);
        if (!e->port)
                return false;
        size_t at = 4 + used;
        if (at < len && v[at] != ' ')
                return false;
        at += at < len;
        const char *sp = memchr(v + at, ' ', len - at);
        e->name = v + at;
        e->name_len = sp ? (size_t)(sp - (v + at)) : len - at;
        e->banner = sp ? sp + 1 : NULL;
        e->banner_len = sp ? len - (size_t)(sp + 1 - v) : 0;
        if (!e->name_len) {
                e->name = port_name(e->port);
                e->name_len = strlen(e->name);
        }
        e->seen = o->last_seen;
        return true;
}

/* An mdns.srv observation: "<instance> <port> <target>", the instance
 * ending in "._<service>._<tcp|udp>.local" (RFC 6763 §4.1). The instance
 * may hold spaces; the port and target are the last two fields. Port 0
 * (a record such as _device-info that names no service) is not one. */
static bool parse_srv(const struct dev_obs *o, struct service *e)
{
        const char *v = o->value;
        size_t len = o->len, i = len;
        while (i > 0 && v[i - 1] != ' ')
                i--;
        if (i < 2)
                return false;
        size_t pe = i - 1, ps = pe;             /* the port: v[ps..pe) */
        while (ps > 0 && v[ps - 1] != ' ')
                ps--;
        if (ps < 2)
                return false;
        size_t used;
        e->port = parse_port(v + ps, pe - ps, &used);
        if (!e->port || used != pe - ps)
                return false;
        size_t il = ps - 1;                     /* the instance: v[0..il) */
        static const char suffix[] = ".local";
        size_t sl = sizeof(suffix) - 1;
        if (il < sl + 6 || memcmp(v + il - sl, suffix, sl) != 0)
                return false;
        il -= sl;                               /* ..."._<service>._tcp" */
        if (memcmp(v + il - 5, "._tcp", 5) == 0)
                e->udp = false;
        else if (memcmp(v + il - 5, "._udp", 5) == 0)
                e->udp = true;
        else
                return false;
        il -= 5;
        size_t k = il;                          /* "._<service>" ends at il */
        while (k > 0 && v[k - 1] != '.')
                k--;
        if (k == 0 || k >= il || v[k] != '_' || il - k < 2)
                return false;
        e->name = v + k + 1;
        e->name_len = il - k - 1;
        /* avahi's "this is a computer" record names the discard port. */
        if (e->name_len == 11 && memcmp(e->name, "workstation", 11) == 0)
                return false;
        e->banner = NULL;
        e->banner_len = 0;
        e->seen = 1;    /* wins over tcp.open's usual name, loses to a banner */
        return true;
}

static int cmp_service(const void *a, const void *b)
{
        const struct service *x = a, *y = b;
        if (x->udp != y->udp)
                return x->udp ? 1 : -1;
        return (int)x->port - (int)y->port;
}

size_t device_services(const struct device *d, struct service *out, size_t cap)
{
        size_t n = 0;
        for (size_t i = 0; i < d->n_obs; i++) {
                const struct dev_obs *o = &d->obs[i];
                struct service e = { 0 };
                if (strcmp(o->key, "service") == 0) {
                        if (!parse_service(o, &e))
                                continue;
                } else if (strcmp(o->key, "mdns.srv") == 0) {
                        if (!parse_srv(o, &e))
                                continue;
                } else if (strcmp(o->key, "tcp.open") == 0) {
                        e.port = port_parse(o->value, o->len);
                        if (!e.port)
                                continue;
                        e.name = port_name(e.port);
                        e.name_len = strlen(e.name);
                        e.seen = 0;     /* any service observation wins */
                } else {
                        continue;
                }
                size_t k = 0;
                while (k < n && !(out[k].udp == e.udp && out[k].port == e.port))
                        k++;
                if (k < n) {
                        if (e.seen >= out[k].seen && (e.seen || !out[k].seen))
                                out[k] = e;
                        continue;
                }
                if (n < cap)
                        out[n++] = e;
        }
        qsort(out, n, sizeof(*out), cmp_service);
        return n;
}

int device_ttl_class(const struct device *d)
{
        unsigned long max = 0;
        for (size_t i = 0; i < d->n_obs; i++) {
                const struct dev_obs *o = &d->obs[i];
                if (strcmp(o->key, "ip.ttl") != 0 && strcmp(o->key, "icmp6.hop_limit") != 0)
                        continue;
                unsigned long v = 0;
                size_t k;
                for (k = 0; k < o->len && k < 4 && o->value[k] >= '0' && o->value[k] <= '9'; k++)
                        v = v * 10 + (unsigned long)(o->value[k] - '0');
                if (k == o->len && k && v <= 255 && v > max)
                        max = v;
        }
        if (!max)
                return -1;
        return max <= 32 ? 32 : max <= 64 ? 64 : max <= 128 ? 128 : 255;
}
