/* obs.h - observations: what a dissector learnt from one frame.
 *
 * An observation says "the station with this MAC, according to this
 * protocol, has this address / hostname / attribute". Dissectors append them
 * to a caller-owned sink of fixed capacity; string values are copied (capped
 * at OBS_VALUE_MAX) into the sink's arena, which lives until the next
 * obs_sink_reset(). The inventory copies what it keeps. Nothing here
 * allocates.
 *
 * Keys are static strings named "<source>.<field>" (for instance
 * "dhcp.vendor_class", "mdns.txt"); the full list is in man/netinv.8.
 */
#ifndef NETINV_OBS_H
#define NETINV_OBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netinv/limits.h"

/* Where an observation came from; also the device's `sources` list.
 * Names (proto_name) are the JSON spellings and stay stable. */
enum proto {
        PROTO_ARP,
        PROTO_DHCP,     /* DHCPv4 / BOOTP */
        PROTO_DHCPV6,
        PROTO_MDNS,
        PROTO_LLMNR,
        PROTO_DNS,      /* unicast DNS seen on the wire */
        PROTO_NDP,
        PROTO_LLDP,
        PROTO_CDP,
        PROTO_SSDP,
        PROTO_NBNS,
        PROTO_TCP,
        PROTO_ICMP,
        PROTO_SSH,      /* banners and answers to active probes */
        PROTO_HTTP,
        PROTO_SMB,      /* SMB2 NEGOTIATE / NTLMSSP */
        PROTO_RDP,
        PROTO_SNMP,
        PROTO_UPNP,     /* UPnP device description (SSDP LOCATION) */
        PROTO_MAX
};

const char *proto_name(enum proto p);
/* PROTO_MAX when unknown. */
enum proto proto_from_name(const char *name);

enum obs_kind {
        OBS_IPV4,       /* addr[0..3] */
        OBS_IPV6,       /* addr[0..15] */
        OBS_HOSTNAME,   /* val: a host name as announced */
        OBS_ATTR,       /* key = val */
        OBS_KIND_MAX
};

struct obs {
        uint8_t mac[6];         /* the station this is about */
        uint8_t source;         /* enum proto */
        uint8_t kind;           /* enum obs_kind */
        uint8_t addr[16];       /* OBS_IPV4 / OBS_IPV6 */
        const char *key;        /* OBS_ATTR: static string; else NULL */
        const char *val;        /* in the sink arena, NUL-terminated; may hold any bytes */
        uint16_t val_len;
};

struct obs_sink {
        size_t n;
        size_t dropped;         /* observations lost to OBS_PER_FRAME_MAX or the arena */
        size_t arena_used;
        struct obs obs[OBS_PER_FRAME_MAX];
        char arena[OBS_ARENA_SIZE];
};

void obs_sink_reset(struct obs_sink *s);

/* Each returns 0, or -ENOSPC when the sink is full (counted in dropped).
 * Values longer than the cap are cut, not refused. */
int obs_ipv4(struct obs_sink *s, const uint8_t mac[6], enum proto src, const uint8_t ip[4]);
int obs_ipv6(struct obs_sink *s, const uint8_t mac[6], enum proto src, const uint8_t ip[16]);
int obs_hostname(struct obs_sink *s, const uint8_t mac[6], enum proto src,
                 const void *name, size_t len);
int obs_attr(struct obs_sink *s, const uint8_t mac[6], enum proto src, const char *key,
             const void *val, size_t len);
/* NUL-terminated convenience form of obs_attr. */
int obs_attr_str(struct obs_sink *s, const uint8_t mac[6], enum proto src, const char *key,
                 const char *val);
/* Two views joined by `sep` (a TXT "key=value", an SRV "name port"). */
int obs_attr_pair(struct obs_sink *s, const uint8_t mac[6], enum proto src, const char *key,
                  const void *a, size_t alen, char sep, const void *b, size_t blen);

/* Is this MAC usable as a device key? (not zero, not broadcast/multicast) */
bool mac_is_unicast(const uint8_t mac[6]);

#endif
