/* demux.c - one frame from the link layer up to the protocol dissectors.
 *
 * Each layer narrows the cursor to its own length before handing it on (IP
 * total length cuts off Ethernet padding, UDP length cuts off IP's), and
 * fills in the frame context the layers above read.
 */
#include "netinv/dissect.h"

#include <string.h>

const char *dissect_res_name(enum dissect_res r)
{
        static const char *const names[DISSECT_RES_MAX] = {
                [DISSECT_OK] = "ok", [DISSECT_IGNORED] = "ignored",
                [DISSECT_TRUNCATED] = "truncated", [DISSECT_MALFORMED] = "malformed",
        };
        return (unsigned)r < DISSECT_RES_MAX ? names[r] : "unknown";
}

/* Verdict for a layer header that could not be read whole. */
static enum dissect_res verdict(const struct cursor *c)
{
        return c->err == CUR_TRUNC ? DISSECT_TRUNCATED : DISSECT_MALFORMED;
}

enum dissect_res dissect_frame(enum linktype lt, const uint8_t *data, uint32_t caplen,
                               uint64_t ts_usec, struct obs_sink *sink)
{
        struct cursor c;
        struct frame_ctx ctx;

        memset(&ctx, 0, sizeof(ctx));
        ctx.ts_usec = ts_usec;
        cur_init(&c, data, caplen);
        switch (lt) {
        case LINK_ETHERNET:
                return dissect_ethernet(&c, &ctx, sink);
        case LINK_SLL:
                return dissect_sll(&c, &ctx, sink);
        case LINK_SLL2:
                return dissect_sll2(&c, &ctx, sink);
        default:
                return DISSECT_IGNORED;
        }
}

enum dissect_res dissect_ethernet(struct cursor *c, struct frame_ctx *ctx, struct obs_sink *s)
{
        cur_copy(c, ctx->dst_mac, 6);
        cur_copy(c, ctx->src_mac, 6);
        if (!cur_ok(c))
                return verdict(c);
        ctx->has_dst_mac = true;
        return dissect_ethertype(c, ctx, s);
}

/* Linux cooked capture v1: the 16-byte header libpcap writes for "any". */
#define SLL_HDR_LEN     16
#define ARPHRD_ETHER_   1       /* linux/if_arp.h */
#define LINUX_SLL_P_802_2 0x0004 /* 802.2 LLC frame, linux/if_ether.h ETH_P_802_2 */

static enum dissect_res by_type(struct cursor *c, struct frame_ctx *ctx, struct obs_sink *s,
                               uint16_t type);

static enum dissect_res after_cooked(struct cursor *c, struct frame_ctx *ctx, struct obs_sink *s,
                                     uint16_t hatype, uint8_t alen, const uint8_t *addr,
                                     uint16_t proto)
{
        /* Only Ethernet devices give us a station MAC to key on. */
        if (hatype != ARPHRD_ETHER_ || alen != 6)
                return DISSECT_IGNORED;
        memcpy(ctx->src_mac, addr, 6);
        if (proto == LINUX_SLL_P_802_2)
                return dissect_llc(c, ctx, s);
        if (proto <= 1500)      /* other Linux pseudo-protocols (ETH_P_802_3 ...) */
                return DISSECT_IGNORED;
        return by_type(c, ctx, s, proto);
}

enum dissect_res dissect_sll(struct cursor *c, struct frame_ctx *ctx, struct obs_sink *s)
{
        uint8_t addr[8];

        cur_be16(c);                            /* packet type */
        uint16_t hatype = cur_be16(c);
        uint16_t alen = cur_be16(c);
        cur_copy(c, addr, 8);
        uint16_t proto = cur_be16(c);
        if (!cur_ok(c))
                return verdict(c);
        return after_cooked(c, ctx, s, hatype, alen > 8 ? 0 : (uint8_t)alen, addr, proto);
}

enum dissect_res dissect_sll2(struct cursor *c, struct frame_ctx *ctx, struct obs_sink *s)
{
        uint8_t addr[8];

        uint16_t proto = cur_be16(c);
        cur_skip(c, 2);                         /* reserved */
        cur_skip(c, 4);                         /* interface index */
        uint16_t hatype = cur_be16(c);
        cur_u8(c);                              /* packet type */
        uint8_t alen = cur_u8(c);
        cur_copy(c, addr, 8);
        if (!cur_ok(c))
                return verdict(c);
        return after_cooked(c, ctx, s, hatype, alen > 8 ? 0 : alen, addr, proto);
}

enum dissect_res dissect_ethertype(struct cursor *c, struct frame_ctx *ctx, struct obs_sink *s)
{
        uint16_t type = cur_be16(c);
        if (!cur_ok(c))
                return verdict(c);
        /* IEEE 802.3: a value <= 1500 is a length and an LLC header follows. */
        if (type <= 1500) {
                ctx->ethertype = 0;
                cur_limit(c, type);
                return dissect_llc(c, ctx, s);
        }
        return by_type(c, ctx, s, type);
}

static enum dissect_res by_type(struct cursor *c, struct frame_ctx *ctx, struct obs_sink *s,
                               uint16_t type)
{
        /* Follow 802.1Q / 802.1ad tags, outermost first; the loop is bounded
         * by VLAN_MAX_DEPTH and each pass reads four bytes. */
        while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD) {
                if (ctx->vlan_depth >= VLAN_MAX_DEPTH)
                        return DISSECT_MALFORMED;
                uint16_t tci = cur_be16(c);
                type = cur_be16(c);
                if (!cur_ok(c))
                        return verdict(c);
                ctx->vlan[ctx->vlan_depth++] = tci & 0x0fff;
        }
        ctx->ethertype = type;
        switch (type) {
        case ETHERTYPE_ARP:
                return dissect_arp(c, ctx, s);
        case ETHERTYPE_IPV4:
                return dissect_ipv4(c, ctx, s);
        case ETHERTYPE_IPV6:
                return dissect_ipv6(c, ctx, s);
        case ETHERTYPE_LLDP:
                return dissect_lldp(c, ctx, s);
        default:
                if (type <= 1500) {     /* an 802.3 length inside a VLAN tag */
                        cur_limit(c, type);
                        return dissect_llc(c, ctx, s);
                }
                return DISSECT_IGNORED;
        }
}

/* IEEE 802.2 LLC + SNAP. CDP: DSAP/SSAP 0xaa, control 0x03, OUI 00:00:0c
 * (Cisco), protocol id 0x2000. */
#define LLC_SNAP_SAP    0xaa
#define LLC_UI          0x03
#define SNAP_PID_CDP    0x2000

enum dissect_res dissect_llc(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s)
{
        uint8_t dsap = cur_u8(c), ssap = cur_u8(c), ctl = cur_u8(c);
        if (!cur_ok(c))
                return verdict(c);
        if (dsap != LLC_SNAP_SAP || ssap != LLC_SNAP_SAP || ctl != LLC_UI)
                return DISSECT_IGNORED;
        uint8_t oui[3];
        cur_copy(c, oui, 3);
        uint16_t pid = cur_be16(c);
        if (!cur_ok(c))
                return verdict(c);
        if (oui[0] == 0x00 && oui[1] == 0x00 && oui[2] == 0x0c && pid == SNAP_PID_CDP)
                return dissect_cdp(c, ctx, s);
        return DISSECT_IGNORED;
}

enum dissect_res dissect_ipv4(struct cursor *c, struct frame_ctx *ctx, struct obs_sink *s)
{
        uint8_t vihl = cur_u8(c);
        cur_u8(c);                              /* DSCP/ECN */
        uint16_t total = cur_be16(c);
        ctx->ip_id = cur_be16(c);
        uint16_t frag = cur_be16(c);
        ctx->ip_ttl = cur_u8(c);
        ctx->ip_proto = cur_u8(c);
        cur_skip(c, 2);                         /* checksum: the NIC may not have filled it */
        cur_copy(c, ctx->ip_src, 4);
        cur_copy(c, ctx->ip_dst, 4);
        if (!cur_ok(c))
                return verdict(c);
        size_t ihl = (size_t)(vihl & 0x0f) * 4;
        if ((vihl >> 4) != 4 || ihl < 20 || total < ihl)
                return DISSECT_MALFORMED;
        ctx->ip_version = 4;
        ctx->ip_df = (frag & 0x4000) != 0;
        cur_skip(c, ihl - 20);                  /* options */
        if (!cur_ok(c))
                return verdict(c);
        /* Cut Ethernet padding off; a total beyond the capture stays as the
         * capture, and the layer above sees the truncation itself. */
        cur_limit(c, total - ihl);
        /* Only the first fragment carries the transport header. */
        if (frag & 0x1fff)
                return DISSECT_IGNORED;
        switch (ctx->ip_proto) {
        case IPPROTO_NUM_UDP:
                return dissect_udp(c, ctx, s);
        case IPPROTO_NUM_TCP:
                return dissect_tcp(c, ctx, s);
        default:
                return DISSECT_IGNORED;
        }
}

/* IPv6 extension headers we step over (RFC 8200 §4). */
#define IP6_HOPOPTS     0
#define IP6_ROUTING     43
#define IP6_FRAGMENT    44
#define IP6_DSTOPTS     60
#define IP6_EXT_MAX     8       /* more chained headers than this is hostile */

enum dissect_res dissect_ipv6(struct cursor *c, struct frame_ctx *ctx, struct obs_sink *s)
{
        uint32_t vtcfl = cur_be32(c);
        uint16_t plen = cur_be16(c);
        uint8_t next = cur_u8(c);
        ctx->ip_ttl = cur_u8(c);
        cur_copy(c, ctx->ip_src, 16);
        cur_copy(c, ctx->ip_dst, 16);
        if (!cur_ok(c))
                return verdict(c);
        if ((vtcfl >> 28) != 6)
                return DISSECT_MALFORMED;
        ctx->ip_version = 6;
        /* plen 0 is a jumbogram (RFC 2675), never on a LAN segment we read. */
        cur_limit(c, plen);

        for (unsigned i = 0; i < IP6_EXT_MAX; i++) {
                if (next == IP6_HOPOPTS || next == IP6_ROUTING || next == IP6_DSTOPTS) {
                        uint8_t nh = cur_u8(c);
                        uint8_t len8 = cur_u8(c);
                        cur_skip(c, (size_t)len8 * 8 + 6);
                        next = nh;
                } else if (next == IP6_FRAGMENT) {
                        uint8_t nh = cur_u8(c);
                        cur_u8(c);
                        uint16_t off = cur_be16(c);
                        cur_skip(c, 4);
                        if (cur_ok(c) && (off & 0xfff8))
                                return DISSECT_IGNORED;  /* not the first fragment */
                        next = nh;
                } else {
                        break;
                }
                if (!cur_ok(c))
                        return verdict(c);
        }
        ctx->ip_proto = next;
        switch (next) {
        case IPPROTO_NUM_UDP:
                return dissect_udp(c, ctx, s);
        case IPPROTO_NUM_TCP:
                return dissect_tcp(c, ctx, s);
        case IPPROTO_NUM_ICMPV6:
                return dissect_icmp6(c, ctx, s);
        default:
                return DISSECT_IGNORED;
        }
}

static bool either_port(const struct frame_ctx *ctx, uint16_t p)
{
        return ctx->sport == p || ctx->dport == p;
}

enum dissect_res dissect_udp(struct cursor *c, struct frame_ctx *ctx, struct obs_sink *s)
{
        ctx->sport = cur_be16(c);
        ctx->dport = cur_be16(c);
        uint16_t len = cur_be16(c);
        cur_skip(c, 2);                         /* checksum */
        if (!cur_ok(c))
                return verdict(c);
        if (len < 8)
                return DISSECT_MALFORMED;
        cur_limit(c, (size_t)len - 8);

        if (either_port(ctx, PORT_DHCP4_SERVER) || either_port(ctx, PORT_DHCP4_CLIENT))
                return ctx->ip_version == 4 ? dissect_dhcp4(c, ctx, s) : DISSECT_IGNORED;
        if (either_port(ctx, PORT_DHCP6_CLIENT) || either_port(ctx, PORT_DHCP6_SERVER))
                return ctx->ip_version == 6 ? dissect_dhcp6(c, ctx, s) : DISSECT_IGNORED;
        if (either_port(ctx, PORT_MDNS) || either_port(ctx, PORT_LLMNR) ||
            either_port(ctx, PORT_DNS))
                return dissect_dns(c, ctx, s);
        if (either_port(ctx, PORT_SSDP))
                return dissect_ssdp(c, ctx, s);
        if (ctx->sport == PORT_NBNS && ctx->ip_version == 4)
                return dissect_nbns(c, ctx, s);
        return DISSECT_IGNORED;
}

const char *dissect_bpf_filter(enum linktype lt)
{
        /* What the dissectors above want, once untagged and once inside one
         * or two VLAN tags (the "vlan" primitive shifts the offsets of what
         * follows it). CDP: 802.3 frames to Cisco's multicast address. */
        /* TCP: SYN-ACKs and RST+ACKs only (answers to a SYN, tcp.c); the
         * IPv6 test assumes no extension header (byte 13 of the TCP header). */
#define TCP "(tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack)" \
            " or tcp[tcpflags] & (tcp-rst|tcp-ack) == (tcp-rst|tcp-ack)" \
            " or (ip6[6] == 6 and ip6[53] & 0x12 == 0x12))"
#define PORTS "udp port 67 or udp port 68 or udp port 546 or udp port 547" \
              " or udp port 5353 or udp port 5355 or udp port 1900 or udp port 137" \
              " or udp port 53 or icmp6 or " TCP
#define WANT "(arp or ether proto 0x88cc or ether dst 01:00:0c:cc:cc:cc or " PORTS ")"
        if (lt != LINK_ETHERNET)
                /* Cooked captures ("any") have no Ethernet destination and
                 * the kernel has already taken VLAN tags off. */
                return "(arp or ether proto 0x88cc or " PORTS ")";
        return WANT " or (vlan and " WANT ") or (vlan and vlan and " WANT ")";
#undef WANT
#undef PORTS
#undef TCP
}
