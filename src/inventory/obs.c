/* obs.c - the per-frame observation sink. See obs.h. */
#include "netinv/obs.h"

#include <errno.h>
#include <string.h>

static const char *const proto_names[PROTO_MAX] = {
        [PROTO_ARP] = "arp",     [PROTO_DHCP] = "dhcp", [PROTO_DHCPV6] = "dhcpv6",
        [PROTO_MDNS] = "mdns",   [PROTO_LLMNR] = "llmnr", [PROTO_DNS] = "dns",
        [PROTO_NDP] = "ndp",     [PROTO_LLDP] = "lldp", [PROTO_CDP] = "cdp",
        [PROTO_SSDP] = "ssdp",   [PROTO_NBNS] = "nbns", [PROTO_TCP] = "tcp",
        [PROTO_ICMP] = "icmp",   [PROTO_SSH] = "ssh",   [PROTO_HTTP] = "http",
        [PROTO_SMB] = "smb",     [PROTO_RDP] = "rdp",   [PROTO_SNMP] = "snmp",
        [PROTO_UPNP] = "upnp",
};

const char *proto_name(enum proto p)
{
        return (unsigned)p < PROTO_MAX ? proto_names[p] : "unknown";
}

enum proto proto_from_name(const char *name)
{
        for (unsigned i = 0; i < PROTO_MAX; i++)
                if (strcmp(proto_names[i], name) == 0)
                        return (enum proto)i;
        return PROTO_MAX;
}

void obs_sink_reset(struct obs_sink *s)
{
        s->n = 0;
        s->dropped = 0;         /* per frame: inventory_add_sink adds it up */
        s->arena_used = 0;
}

bool mac_is_unicast(const uint8_t mac[6])
{
        static const uint8_t zero[6];
        return !(mac[0] & 1) && memcmp(mac, zero, 6) != 0;
}

static struct obs *slot(struct obs_sink *s, const uint8_t mac[6], enum proto src, enum obs_kind k)
{
        if (s->n >= OBS_PER_FRAME_MAX) {
                s->dropped++;
                return NULL;
        }
        struct obs *o = &s->obs[s->n];
        memset(o, 0, sizeof(*o));
        memcpy(o->mac, mac, 6);
        o->source = (uint8_t)src;
        o->kind = (uint8_t)k;
        return o;
}

/* Copy up to `cap` bytes of (a sep b) into the arena, NUL-terminated. */
static int store(struct obs_sink *s, struct obs *o, size_t cap, const void *a, size_t alen,
                 char sep, const void *b, size_t blen)
{
        size_t total = alen + (sep ? 1 : 0) + blen;
        if (total > cap)
                total = cap;
        if (total + 1 > OBS_ARENA_SIZE - s->arena_used) {
                s->dropped++;
                return -ENOSPC;
        }
        char *dst = s->arena + s->arena_used;
        size_t n = alen < total ? alen : total;
        if (n)
                memcpy(dst, a, n);
        size_t left = total - n;
        if (sep && left) {
                dst[n++] = sep;
                left--;
        }
        if (blen > left)
                blen = left;
        if (blen)
                memcpy(dst + n, b, blen);
        n += blen;
        dst[n] = '\0';
        s->arena_used += n + 1;
        o->val = dst;
        o->val_len = (uint16_t)n;
        s->n++;
        return 0;
}

int obs_ipv4(struct obs_sink *s, const uint8_t mac[6], enum proto src, const uint8_t ip[4])
{
        struct obs *o = slot(s, mac, src, OBS_IPV4);
        if (!o)
                return -ENOSPC;
        memcpy(o->addr, ip, 4);
        s->n++;
        return 0;
}

int obs_ipv6(struct obs_sink *s, const uint8_t mac[6], enum proto src, const uint8_t ip[16])
{
        struct obs *o = slot(s, mac, src, OBS_IPV6);
        if (!o)
                return -ENOSPC;
        memcpy(o->addr, ip, 16);
        s->n++;
        return 0;
}

int obs_hostname(struct obs_sink *s, const uint8_t mac[6], enum proto src, const void *name,
                 size_t len)
{
        if (len == 0)
                return 0;
        struct obs *o = slot(s, mac, src, OBS_HOSTNAME);
        if (!o)
                return -ENOSPC;
        return store(s, o, HOSTNAME_MAX, name, len, 0, NULL, 0);
}

int obs_attr(struct obs_sink *s, const uint8_t mac[6], enum proto src, const char *key,
             const void *val, size_t len)
{
        struct obs *o = slot(s, mac, src, OBS_ATTR);
        if (!o)
                return -ENOSPC;
        o->key = key;
        return store(s, o, OBS_VALUE_MAX, val, len, 0, NULL, 0);
}

int obs_attr_str(struct obs_sink *s, const uint8_t mac[6], enum proto src, const char *key,
                 const char *val)
{
        return obs_attr(s, mac, src, key, val, strlen(val));
}

int obs_attr_pair(struct obs_sink *s, const uint8_t mac[6], enum proto src, const char *key,
                  const void *a, size_t alen, char sep, const void *b, size_t blen)
{
        struct obs *o = slot(s, mac, src, OBS_ATTR);
        if (!o)
                return -ENOSPC;
        o->key = key;
        return store(s, o, OBS_VALUE_MAX, a, alen, sep, b, blen);
}
