/* cdp.c - Cisco Discovery Protocol, versions 1 and 2.
 *
 * CDP rides on IEEE 802.3 + LLC/SNAP (OUI 00:00:0c, protocol id 0x2000) to
 * 01:00:0c:cc:cc:cc; demux.c has already cut the frame to its 802.3 length
 * and stepped over the SNAP header, so the cursor covers the CDP PDU:
 *
 *   version (1)  ttl (1)  checksum (2)  then TLVs: type (2) length (2) value
 *
 * where a TLV's length counts its own four header bytes. There is no RFC:
 * the TLV numbers and layouts below are Cisco's, as its CDP documentation
 * and every CDP speaker on the wire use them. There is no end marker either;
 * the PDU ends with the frame.
 *
 * Everything is observed about the frame's source MAC: device id (also a
 * hostname), addresses and management addresses (also IPv4/IPv6 bindings),
 * port id, capabilities, software version, platform, VTP domain, native VLAN
 * and duplex. Strings stay views into the frame until the sink copies them.
 */
#include "netinv/dissect.h"
#include "netinv/util.h"

#include <stdio.h>
#include <string.h>

#define CDP_TLV_HDR_LEN         4       /* type, length; counted in length */

/* TLV types (Cisco). */
#define CDP_TLV_DEVICE_ID       0x0001
#define CDP_TLV_ADDRESSES       0x0002
#define CDP_TLV_PORT_ID         0x0003
#define CDP_TLV_CAPABILITIES    0x0004  /* 32-bit bitmap */
#define CDP_TLV_SOFTWARE        0x0005
#define CDP_TLV_PLATFORM        0x0006
#define CDP_TLV_VTP_DOMAIN      0x0009  /* CDPv2 */
#define CDP_TLV_NATIVE_VLAN     0x000a  /* CDPv2: 16-bit VLAN id */
#define CDP_TLV_DUPLEX          0x000b  /* CDPv2: 1 byte, 0 half, 1 full */
#define CDP_TLV_MGMT_ADDRESSES  0x0016  /* same layout as CDP_TLV_ADDRESSES */

/* Address entries: protocol type, protocol length, protocol, address
 * length (16 bits), address. */
#define CDP_PROTO_NLPID         1       /* protocol is an ISO/TR 9577 NLPID */
#define CDP_PROTO_8022          2       /* protocol is an 802.2 LLC/SNAP header */
#define NLPID_IP                0xcc    /* ISO/TR 9577: Internet Protocol */
/* 802.2 header naming IPv6: SNAP, OUI 0, ethertype 0x86dd. */
static const uint8_t cdp_proto_ipv6[8] = { 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x86, 0xdd };
/* More address entries than this in one TLV are not read: no real device
 * has more than a handful, and each one costs the sink two observations. */
#define CDP_ADDRS_MAX           32u

#define CDP_VERSION_1           1
#define CDP_VERSION_2           2

/* The rest of a TLV as a view; NULL for an empty one. */
static const uint8_t *rest_view(struct cursor *t, size_t *ret_len)
{
        size_t n = cur_left(t);
        *ret_len = n;
        return n ? cur_view(t, n) : NULL;
}

static void string_tlv(struct cursor *t, const struct frame_ctx *ctx, struct obs_sink *s,
                       const char *key, bool hostname)
{
        size_t n;
        const uint8_t *v = rest_view(t, &n);
        if (!n || !v)
                return;
        obs_attr(s, ctx->src_mac, PROTO_CDP, key, v, n);
        if (hostname)
                obs_hostname(s, ctx->src_mac, PROTO_CDP, v, n);
}

/* Addresses / management addresses: a 32-bit count, then the entries. A
 * count larger than the TLV holds is a malformation; the entries read
 * before it stay observed. */
static enum dissect_res addr_tlv(struct cursor *t, const struct frame_ctx *ctx,
                                 struct obs_sink *s)
{
        char buf[64];
        uint32_t count = cur_be32(t);
        if (!cur_ok(t))
                return DISSECT_MALFORMED;

        /* Each pass reads at least four bytes or fails, and at most
         * CDP_ADDRS_MAX passes are made. */
        for (uint32_t i = 0; i < count && i < CDP_ADDRS_MAX && cur_ok(t); i++) {
                uint8_t ptype = cur_u8(t);
                uint8_t plen = cur_u8(t);
                struct cursor proto = cur_sub(t, plen);
                uint16_t alen = cur_be16(t);
                struct cursor av = cur_sub(t, alen);
                if (!cur_ok(t))
                        return DISSECT_MALFORMED;
                uint8_t pid[sizeof(cdp_proto_ipv6)], addr[16];
                bool ip4 = ptype == CDP_PROTO_NLPID && plen == 1 && alen == 4 &&
                           cur_u8(&proto) == NLPID_IP;
                bool ip6 = ptype == CDP_PROTO_8022 && plen == sizeof(pid) && alen == 16 &&
                           cur_copy(&proto, pid, sizeof(pid)) &&
                           memcmp(pid, cdp_proto_ipv6, sizeof(pid)) == 0;
                if (ip4 && cur_copy(&av, addr, 4)) {
                        obs_ipv4(s, ctx->src_mac, PROTO_CDP, addr);
                        fmt_ip(buf, sizeof(buf), 4, addr);
                        obs_attr_str(s, ctx->src_mac, PROTO_CDP, "cdp.address", buf);
                } else if (ip6 && cur_copy(&av, addr, 16)) {
                        obs_ipv6(s, ctx->src_mac, PROTO_CDP, addr);
                        fmt_ip(buf, sizeof(buf), 6, addr);
                        obs_attr_str(s, ctx->src_mac, PROTO_CDP, "cdp.address", buf);
                }
                /* other protocols (CLNS, DECnet, AppleTalk ...): skipped */
        }
        return DISSECT_OK;
}

static enum dissect_res caps_tlv(struct cursor *t, const struct frame_ctx *ctx,
                                 struct obs_sink *s)
{
        /* Capability bits, least significant first (Cisco). */
        static const char *const names[] = {
                "router", "trans-bridge", "source-route-bridge", "switch", "host",
                "igmp", "repeater", "phone", "remote", "cvta", "mac-relay",
        };
        char buf[160];

        if (cur_left(t) != 4)
                return DISSECT_MALFORMED;
        uint32_t bits = cur_be32(t);
        if (!cur_ok(t))
                return DISSECT_MALFORMED;
        size_t o = fmt_flags(buf, sizeof(buf), bits, names, sizeof(names) / sizeof(names[0]));
        if (o)
                obs_attr(s, ctx->src_mac, PROTO_CDP, "cdp.capabilities", buf, o);
        return DISSECT_OK;
}

static enum dissect_res one_tlv(uint16_t type, struct cursor *t, const struct frame_ctx *ctx,
                                struct obs_sink *s)
{
        char buf[8];

        switch (type) {
        case CDP_TLV_DEVICE_ID:
                string_tlv(t, ctx, s, "cdp.device_id", true);
                return DISSECT_OK;
        case CDP_TLV_ADDRESSES:
        case CDP_TLV_MGMT_ADDRESSES:
                return addr_tlv(t, ctx, s);
        case CDP_TLV_PORT_ID:
                string_tlv(t, ctx, s, "cdp.port_id", false);
                return DISSECT_OK;
        case CDP_TLV_CAPABILITIES:
                return caps_tlv(t, ctx, s);
        case CDP_TLV_SOFTWARE:
                string_tlv(t, ctx, s, "cdp.software_version", false);
                return DISSECT_OK;
        case CDP_TLV_PLATFORM:
                string_tlv(t, ctx, s, "cdp.platform", false);
                return DISSECT_OK;
        case CDP_TLV_VTP_DOMAIN:
                string_tlv(t, ctx, s, "cdp.vtp_domain", false);
                return DISSECT_OK;
        case CDP_TLV_NATIVE_VLAN: {
                if (cur_left(t) != 2)
                        return DISSECT_MALFORMED;
                uint16_t vlan = cur_be16(t);
                snprintf(buf, sizeof(buf), "%u", vlan);
                obs_attr_str(s, ctx->src_mac, PROTO_CDP, "cdp.native_vlan", buf);
                return DISSECT_OK;
        }
        case CDP_TLV_DUPLEX: {
                if (cur_left(t) != 1)
                        return DISSECT_MALFORMED;
                uint8_t d = cur_u8(t);
                if (d <= 1)
                        obs_attr_str(s, ctx->src_mac, PROTO_CDP, "cdp.duplex", d ? "full" : "half");
                return DISSECT_OK;
        }
        default:
                return DISSECT_OK;              /* power, VoIP VLAN, trust ...: skipped */
        }
}

/* Ethernet pads a short frame to 60 bytes with zeros. On 802.3 the length
 * field leaves the padding out; a cooked (SLL) capture has no such field,
 * so the padding reaches us after the last TLV. All zeros to the end: it is
 * padding, not a TLV of type 0 and length 0. */
static bool only_padding(const struct cursor *c)
{
        struct cursor k = *c;
        if (cur_left(&k) >= 60)
                return false;           /* never more than a minimum frame's worth */
        while (cur_ok(&k) && cur_left(&k) > 0)
                if (cur_u8(&k) != 0)
                        return false;
        return cur_ok(&k);
}

enum dissect_res dissect_cdp(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s)
{
        uint8_t version = cur_u8(c);
        cur_u8(c);                              /* TTL, seconds */
        /* The checksum is not verified: some senders compute it over odd
         * lengths differently, and a wrong sum says nothing about the
         * station. */
        cur_be16(c);
        if (!cur_ok(c))
                return DISSECT_TRUNCATED;
        if (version != CDP_VERSION_1 && version != CDP_VERSION_2)
                return DISSECT_IGNORED;

        /* Each pass reads a four-byte header or fails; the sub-cursor then
         * moves the parent past the value. */
        while (cur_ok(c) && cur_left(c) > 0) {
                if (only_padding(c))
                        break;
                uint16_t type = cur_be16(c);
                uint16_t len = cur_be16(c);
                if (!cur_ok(c))
                        return DISSECT_TRUNCATED;
                if (len < CDP_TLV_HDR_LEN)
                        return DISSECT_MALFORMED;
                struct cursor t = cur_sub(c, (size_t)len - CDP_TLV_HDR_LEN);
                if (!cur_ok(c))
                        return DISSECT_TRUNCATED;
                enum dissect_res r = one_tlv(type, &t, ctx, s);
                if (r != DISSECT_OK)
                        return r;
        }
        return DISSECT_OK;
}
