/* dissect.h - the dissector contract.
 *
 *   enum dissect_res dissect_x(struct cursor *c, const struct frame_ctx *ctx,
 *                              struct obs_sink *sink);
 *
 * A dissector is a pure function: the cursor covers exactly its protocol's
 * bytes (the layer below has already narrowed it to its own length), ctx
 * says what the lower layers found, observations go to the sink. No I/O, no
 * globals, no heap. Bad input is a verdict (TRUNCATED, MALFORMED), counted by
 * the caller and skipped; observations emitted before the verdict are kept
 * (what was read correctly is still true).
 *
 * dissect_frame() is the entry point: link layer → VLAN → ARP / IP / LLDP /
 * CDP → UDP / ICMPv6 → application dissectors (demux.c).
 */
#ifndef NETINV_DISSECT_H
#define NETINV_DISSECT_H

#include <stdbool.h>
#include <stdint.h>

#include "netinv/cursor.h"
#include "netinv/obs.h"

enum dissect_res {
        DISSECT_OK,
        DISSECT_IGNORED,        /* not for us (a protocol no dissector wants) */
        DISSECT_TRUNCATED,      /* ends before its own length says */
        DISSECT_MALFORMED,      /* violates its specification */
        DISSECT_RES_MAX
};

const char *dissect_res_name(enum dissect_res r);

/* Link-layer types the capture can deliver (mapped from pcap DLT_*). */
enum linktype {
        LINK_ETHERNET,
        LINK_SLL,       /* Linux cooked capture v1 */
        LINK_SLL2,      /* Linux cooked capture v2 */
        LINK_MAX
};

/* What the lower layers learnt, for the layers above. Filled in by demux.c;
 * dissectors only read it. */
struct frame_ctx {
        uint64_t ts_usec;               /* capture time, µs since the epoch */
        uint8_t src_mac[6], dst_mac[6]; /* src is always set; dst may be zero (SLL) */
        bool has_dst_mac;
        uint8_t vlan_depth;
        uint16_t vlan[VLAN_MAX_DEPTH];  /* outermost first; VID only */
        uint16_t ethertype;             /* of the payload after VLAN tags */

        uint8_t ip_version;             /* 0 none, 4, 6 */
        uint8_t ip_ttl;                 /* TTL or hop limit */
        uint8_t ip_proto;               /* next header after extension headers */
        uint8_t ip_src[16], ip_dst[16]; /* v4 in the first 4 bytes */
        uint16_t ip_id;                 /* IPv4 identification */
        bool ip_df;                     /* IPv4 don't-fragment */

        uint16_t sport, dport;          /* UDP/TCP ports, host order */
};

struct dissect_stats {
        uint64_t frames;
        uint64_t by_res[DISSECT_RES_MAX];
};

/* Decode one frame, appending observations to sink. Never fails: the verdict
 * says what happened. `caplen` bytes are present of a frame of `wirelen`. */
enum dissect_res dissect_frame(enum linktype lt, const uint8_t *data, uint32_t caplen,
                               uint64_t ts_usec, struct obs_sink *sink);

/* Layer dissectors (demux.c, eth.c, arp.c, ip.c). */
enum dissect_res dissect_ethernet(struct cursor *c, struct frame_ctx *ctx, struct obs_sink *s);
enum dissect_res dissect_sll(struct cursor *c, struct frame_ctx *ctx, struct obs_sink *s);
enum dissect_res dissect_sll2(struct cursor *c, struct frame_ctx *ctx, struct obs_sink *s);
/* After the link header: VLAN tags, then the payload by ethertype. */
enum dissect_res dissect_ethertype(struct cursor *c, struct frame_ctx *ctx, struct obs_sink *s);
enum dissect_res dissect_ipv4(struct cursor *c, struct frame_ctx *ctx, struct obs_sink *s);
enum dissect_res dissect_ipv6(struct cursor *c, struct frame_ctx *ctx, struct obs_sink *s);
enum dissect_res dissect_udp(struct cursor *c, struct frame_ctx *ctx, struct obs_sink *s);

/* Protocol dissectors: pure, over exactly their own bytes. */
enum dissect_res dissect_arp(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s);
/* 802.3 frames with an LLC header (CDP rides on SNAP). */
enum dissect_res dissect_llc(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s);
enum dissect_res dissect_dhcp4(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s);
enum dissect_res dissect_dhcp6(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s);
/* DNS, mDNS and LLMNR share one wire format; ctx->sport/dport tell them apart. */
enum dissect_res dissect_dns(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s);
/* ICMPv6: NDP (RS/RA/NS/NA) and anything else that names a station. */
enum dissect_res dissect_icmp6(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s);
enum dissect_res dissect_lldp(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s);
enum dissect_res dissect_cdp(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s);
enum dissect_res dissect_ssdp(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s);
/* NBNS NODE STATUS responses (UDP 137; nbns.c). */
enum dissect_res dissect_nbns(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s);
/* TCP SYN-ACKs (open ports, stack shape) and RST+ACKs to a SYN (tcp.c);
 * every other segment is ignored. Reads ctx->ip_version and ip_ttl. */
enum dissect_res dissect_tcp(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s);

/* Ports and ethertypes the demux routes on. */
#define ETHERTYPE_IPV4          0x0800
#define ETHERTYPE_ARP           0x0806
#define ETHERTYPE_VLAN          0x8100  /* IEEE 802.1Q */
#define ETHERTYPE_QINQ          0x88a8  /* IEEE 802.1ad */
#define ETHERTYPE_QINQ_OLD      0x9100  /* pre-standard QinQ, still common */
#define ETHERTYPE_IPV6          0x86dd
#define ETHERTYPE_LLDP          0x88cc  /* IEEE 802.1AB */
#define IPPROTO_NUM_TCP         6
#define IPPROTO_NUM_UDP         17
#define IPPROTO_NUM_ICMPV6      58
#define PORT_DHCP4_SERVER       67      /* RFC 2131 §4.1 */
#define PORT_DHCP4_CLIENT       68
#define PORT_DHCP6_CLIENT       546     /* RFC 8415 §7.2 */
#define PORT_DHCP6_SERVER       547
#define PORT_DNS                53
#define PORT_MDNS               5353    /* RFC 6762 */
#define PORT_LLMNR              5355    /* RFC 4795 */
#define PORT_SSDP               1900    /* UPnP Device Architecture 2.0 §1 */
#define PORT_NBNS               137     /* RFC 1002 */

/* A BPF filter that keeps what the dissectors want (live capture), for
 * the link type the interface delivers. */
const char *dissect_bpf_filter(enum linktype lt);

#endif
