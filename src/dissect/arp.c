/* arp.c - ARP (RFC 826) over Ethernet for IPv4.
 *
 * Requests and replies bind the sender's IPv4 address to the sender's MAC.
 * RFC 5227 probes (sender IP 0.0.0.0) bind nothing but say which address the
 * station is about to take; announcements and gratuitous ARP (sender IP ==
 * target IP) are marked. A sender hardware address that differs from the
 * Ethernet source is a quirk (proxies, bridges, spoofing).
 */
#include "netinv/dissect.h"

#include <stdio.h>
#include <string.h>

#define ARP_HTYPE_ETHER 1       /* RFC 826; IANA ARP hardware types */
#define ARP_OP_REQUEST  1
#define ARP_OP_REPLY    2

static void fmt_ip4(char *buf, size_t n, const uint8_t ip[4])
{
        snprintf(buf, n, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
}

enum dissect_res dissect_arp(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s)
{
        uint8_t sha[6], spa[4], tha[6], tpa[4];
        static const uint8_t zero4[4];
        char ip[16];

        uint16_t htype = cur_be16(c);
        uint16_t ptype = cur_be16(c);
        uint8_t hlen = cur_u8(c);
        uint8_t plen = cur_u8(c);
        uint16_t op = cur_be16(c);
        if (!cur_ok(c))
                return DISSECT_TRUNCATED;
        if (htype != ARP_HTYPE_ETHER || ptype != ETHERTYPE_IPV4)
                return DISSECT_IGNORED;
        if (hlen != 6 || plen != 4)
                return DISSECT_MALFORMED;
        cur_copy(c, sha, 6);
        cur_copy(c, spa, 4);
        cur_copy(c, tha, 6);
        cur_copy(c, tpa, 4);
        if (!cur_ok(c))
                return DISSECT_TRUNCATED;
        (void)tha;
        if (op != ARP_OP_REQUEST && op != ARP_OP_REPLY)
                return DISSECT_IGNORED;         /* RARP, InARP: nothing about a LAN station */
        if (!mac_is_unicast(sha))
                return DISSECT_MALFORMED;

        if (memcmp(sha, ctx->src_mac, 6) != 0 && mac_is_unicast(ctx->src_mac))
                obs_attr_str(s, ctx->src_mac, PROTO_ARP, "arp.quirk", "sender_mac_differs");

        if (memcmp(spa, zero4, 4) == 0) {
                /* RFC 5227 §2.1.1 probe: the station checks tpa before using it. */
                fmt_ip4(ip, sizeof(ip), tpa);
                obs_attr_str(s, sha, PROTO_ARP, "arp.probe", ip);
                return DISSECT_OK;
        }
        obs_ipv4(s, sha, PROTO_ARP, spa);
        if (memcmp(spa, tpa, 4) == 0) {
                /* RFC 5227 §2.3 announcement / gratuitous ARP. */
                fmt_ip4(ip, sizeof(ip), spa);
                obs_attr_str(s, sha, PROTO_ARP, "arp.announce", ip);
        }
        return DISSECT_OK;
}
