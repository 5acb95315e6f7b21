/* icmp6.c - ICMPv6 messages that name a station: Neighbor Discovery
 * (RFC 4861), echo replies (RFC 4443) and MLD reports (RFC 2710, RFC 3810).
 *
 * NDP is IPv6's ARP: a Neighbor Solicitation carries the sender's MAC in its
 * Source Link-Layer Address option, a Neighbor Advertisement binds a target
 * address to a MAC, a Router Solicitation names the host, a Router
 * Advertisement the router and the prefixes, MTU and DNS servers of the
 * link. A Duplicate Address Detection probe (NS from ::) binds nothing but
 * says which address the station is about to take.
 *
 * Validity (RFC 4861 §6.1, §7.1): an NDP message with a hop limit other than
 * 255 may come from off the link and is ignored (nothing observed); a
 * non-zero code, an option of length 0, a multicast target, a DAD NS or RS
 * from :: with a link-layer option, a solicited NA to a multicast address or
 * an RA from a source that is not link-local are malformed and, as a host
 * would discard them, nothing is observed from them either: options are
 * checked in a first pass before anything is emitted.
 *
 * Echo replies bind the source address to the Ethernet source only when the
 * reply cannot have crossed a router: the source is link-local, or the hop
 * limit is still one of the usual initial values (64, 128, 255) - a routed
 * reply carries a decremented one, and the router's MAC.
 *
 * MLD reports (131, 143) from a link-local source with hop limit 1 bind that
 * address to the sender (hosts send them as soon as IPv6 is up, before any
 * other traffic); reports from :: (sent during DAD) bind nothing.
 *
 * Lengths: as in dhcp6.c, a window ending before the captured bytes was cut
 * to the IPv6 payload length, so running past it is MALFORMED; one reaching
 * the end of the capture may be cut by the snap length: TRUNCATED.
 */
#include "netinv/dissect.h"

#include <stdio.h>
#include <string.h>

#include "netinv/util.h"

/* ICMPv6 types. */
#define ICMP6_ECHO_REPLY        129     /* RFC 4443 §4.2 */
#define ICMP6_MLD_REPORT        131     /* RFC 2710 §3 */
#define ICMP6_ND_RS             133     /* RFC 4861 §4.1 */
#define ICMP6_ND_RA             134     /* RFC 4861 §4.2 */
#define ICMP6_ND_NS             135     /* RFC 4861 §4.3 */
#define ICMP6_ND_NA             136     /* RFC 4861 §4.4 */
#define ICMP6_MLD2_REPORT       143     /* RFC 3810 §5.2 */

#define IP6_TEXT_MAX            46      /* INET6_ADDRSTRLEN, what fmt_ip needs */

#define ND_HOP_LIMIT            255     /* RFC 4861 §6.1.1, §7.1.1: else discard */
#define MLD_HOP_LIMIT           1       /* RFC 2710 §3, RFC 3810 §5 */

/* Fixed parts after type, code and checksum. */
#define ND_RS_FIXED             4       /* reserved */
#define ND_NS_FIXED             20      /* reserved, target */

/* RA flags (RFC 4861 §4.2). */
#define ND_RA_MANAGED           0x80
#define ND_RA_OTHER             0x40
/* NA flags (RFC 4861 §4.4). */
#define ND_NA_ROUTER            0x80
#define ND_NA_SOLICITED         0x40

/* NDP option types; lengths are in units of 8 octets including the type
 * and length octets (RFC 4861 §4.6). */
#define ND_OPT_SLLA             1       /* RFC 4861 §4.6.1 */
#define ND_OPT_TLLA             2       /* RFC 4861 §4.6.1 */
#define ND_OPT_PREFIX           3       /* RFC 4861 §4.6.2 */
#define ND_OPT_MTU              5       /* RFC 4861 §4.6.4 */
#define ND_OPT_RDNSS            25      /* RFC 8106 §5.1 */
#define ND_OPT_UNIT             8
#define ND_PREFIX_BODY          30      /* prefix length .. prefix (§4.6.2: length 4) */
#define ND_MTU_BODY             6       /* reserved, MTU (§4.6.4: length 1) */
#define ND_RDNSS_FIXED          6       /* reserved, lifetime (RFC 8106 §5.1) */

static enum dissect_res overrun(const struct cursor *c)
{
        if (c->err == CUR_BAD || c->end < c->msg_len)
                return DISSECT_MALFORMED;
        return DISSECT_TRUNCATED;
}

static bool ip6_unspecified(const uint8_t a[16])
{
        static const uint8_t zero[16];
        return memcmp(a, zero, 16) == 0;
}

static bool ip6_multicast(const uint8_t a[16])
{
        return a[0] == 0xff;                    /* ff00::/8, RFC 4291 §2.7 */
}

static bool ip6_link_local(const uint8_t a[16])
{
        return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;   /* fe80::/10, RFC 4291 §2.5.6 */
}

/* An address that can belong to one station: not ::, ::1 or multicast. */
static bool ip6_station(const uint8_t a[16])
{
        static const uint8_t loopback[16] = { [15] = 1 };
        return !ip6_unspecified(a) && !ip6_multicast(a) && memcmp(a, loopback, 16) != 0;
}

static void put_u32(struct obs_sink *s, const uint8_t mac[6], enum proto p, const char *key,
                    uint32_t v)
{
        char num[12];
        snprintf(num, sizeof(num), "%u", v);
        obs_attr_str(s, mac, p, key, num);
}

/* What the first pass over the options found. */
struct nd_opts {
        bool has_slla, has_tlla;
        uint8_t slla[6], tlla[6];       /* the first of each */
};

/* An Ethernet link-layer address option (RFC 2464 §6: length 1, 6 octets). */
static void lla_option(struct cursor *o, bool *has, uint8_t mac[6])
{
        if (*has || cur_left(o) != 6)
                return;
        cur_copy(o, mac, 6);
        *has = cur_ok(o);
}

/* RA options worth observing: Prefix Information, MTU, RDNSS. Options of a
 * length their RFC does not allow are skipped, as a host skips them. */
static void ra_option(uint8_t type, struct cursor *o, const struct frame_ctx *ctx,
                      struct obs_sink *s)
{
        char text[IP6_TEXT_MAX + 5];
        uint8_t addr[16];

        if (type == ND_OPT_PREFIX && cur_left(o) == ND_PREFIX_BODY) {
                uint8_t plen = cur_u8(o);
                cur_skip(o, 1 + 4 + 4 + 4);     /* flags, valid, preferred, reserved */
                cur_copy(o, addr, 16);
                if (!cur_ok(o) || plen > 128)
                        return;
                /* bits after the prefix length are ignored (§4.6.2): clear them */
                for (unsigned i = plen; i < 128; i++)
                        addr[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
                fmt_ip(text, IP6_TEXT_MAX, 6, addr);
                size_t n = strlen(text);
                snprintf(text + n, sizeof(text) - n, "/%u", plen);
                obs_attr_str(s, ctx->src_mac, PROTO_NDP, "ndp.prefix", text);
        } else if (type == ND_OPT_MTU && cur_left(o) == ND_MTU_BODY) {
                cur_skip(o, 2);
                uint32_t mtu = cur_be32(o);
                if (cur_ok(o))
                        put_u32(s, ctx->src_mac, PROTO_NDP, "ndp.mtu", mtu);
        } else if (type == ND_OPT_RDNSS && cur_left(o) >= ND_RDNSS_FIXED + 16) {
                /* RFC 8106 §5.1: length 3 + 2n; at least one address */
                cur_skip(o, ND_RDNSS_FIXED);
                while (cur_ok(o) && cur_left(o) >= 16) {
                        cur_copy(o, addr, 16);
                        fmt_ip(text, IP6_TEXT_MAX, 6, addr);
                        obs_attr_str(s, ctx->src_mac, PROTO_NDP, "ndp.rdnss", text);
                }
        }
}

/* Walk the options. First pass (ra == NULL): check every length and note
 * the link-layer addresses; second pass (RA only): observe. Returns OK, or
 * the verdict of the first bad option. */
static enum dissect_res nd_options(struct cursor c, struct nd_opts *ret, const struct frame_ctx *ra,
                                   struct obs_sink *s)
{
        while (cur_ok(&c) && cur_left(&c) > 0) {
                uint8_t type = cur_u8(&c);
                uint8_t len = cur_u8(&c);
                if (!cur_ok(&c))
                        return overrun(&c);
                if (len == 0)                   /* RFC 4861 §4.6: discard the packet */
                        return DISSECT_MALFORMED;
                struct cursor o = cur_sub(&c, (size_t)len * ND_OPT_UNIT - 2);
                if (!cur_ok(&c))
                        return overrun(&c);
                if (ra)
                        ra_option(type, &o, ra, s);
                else if (type == ND_OPT_SLLA)
                        lla_option(&o, &ret->has_slla, ret->slla);
                else if (type == ND_OPT_TLLA)
                        lla_option(&o, &ret->has_tlla, ret->tlla);
        }
        return DISSECT_OK;
}

static enum dissect_res nd_rs(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s)
{
        struct nd_opts opts = { .has_slla = false };
        if (!cur_skip(c, ND_RS_FIXED))
                return overrun(c);
        enum dissect_res r = nd_options(*c, &opts, NULL, NULL);
        if (r == DISSECT_MALFORMED)
                return r;               /* a host discards it: observe nothing */
        if (ip6_unspecified(ctx->ip_src))
                /* §6.1.1: from :: there is no link-layer address option */
                return opts.has_slla ? DISSECT_MALFORMED : r;
        const uint8_t *mac = opts.has_slla ? opts.slla : ctx->src_mac;
        if (mac_is_unicast(mac) && ip6_station(ctx->ip_src))
                obs_ipv6(s, mac, PROTO_NDP, ctx->ip_src);
        return r;
}

static enum dissect_res nd_ra(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s)
{
        struct nd_opts opts = { .has_slla = false };
        cur_u8(c);                              /* cur hop limit */
        uint8_t flags = cur_u8(c);
        uint16_t lifetime = cur_be16(c);
        cur_skip(c, 8);                         /* reachable time, retrans timer */
        if (!cur_ok(c))
                return overrun(c);
        if (!ip6_link_local(ctx->ip_src))       /* §6.1.2 */
                return DISSECT_MALFORMED;
        enum dissect_res r = nd_options(*c, &opts, NULL, NULL);
        if (r == DISSECT_MALFORMED)
                return r;               /* a host discards it: observe nothing */
        if (!mac_is_unicast(ctx->src_mac))
                return DISSECT_IGNORED;

        obs_ipv6(s, ctx->src_mac, PROTO_NDP, ctx->ip_src);
        obs_attr_str(s, ctx->src_mac, PROTO_NDP, "ndp.router", "yes");
        const char *f = "none";
        if ((flags & ND_RA_MANAGED) && (flags & ND_RA_OTHER))
                f = "M,O";
        else if (flags & ND_RA_MANAGED)
                f = "M";
        else if (flags & ND_RA_OTHER)
                f = "O";
        obs_attr_str(s, ctx->src_mac, PROTO_NDP, "ndp.ra_flags", f);
        put_u32(s, ctx->src_mac, PROTO_NDP, "ndp.router_lifetime", lifetime);
        nd_options(*c, &opts, ctx, s);
        return r;
}

static enum dissect_res nd_ns(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s)
{
        struct nd_opts opts = { .has_slla = false };
        uint8_t target[16];
        cur_skip(c, ND_NS_FIXED - 16);          /* reserved */
        cur_copy(c, target, 16);
        if (!cur_ok(c))
                return overrun(c);
        if (ip6_multicast(target))              /* §7.1.1 */
                return DISSECT_MALFORMED;
        enum dissect_res r = nd_options(*c, &opts, NULL, NULL);
        if (r == DISSECT_MALFORMED)
                return r;               /* a host discards it: observe nothing */
        if (ip6_unspecified(ctx->ip_src)) {
                /* DAD (RFC 4862 §5.4.2): to the solicited-node group, no SLLA (§7.1.1) */
                if (opts.has_slla || !ip6_multicast(ctx->ip_dst))
                        return DISSECT_MALFORMED;
                if (mac_is_unicast(ctx->src_mac) && ip6_station(target)) {
                        char text[IP6_TEXT_MAX];
                        fmt_ip(text, sizeof(text), 6, target);
                        obs_attr_str(s, ctx->src_mac, PROTO_NDP, "ndp.dad", text);
                }
                return r;
        }
        if (opts.has_slla && mac_is_unicast(opts.slla) && ip6_station(ctx->ip_src))
                obs_ipv6(s, opts.slla, PROTO_NDP, ctx->ip_src);
        return r;
}

static enum dissect_res nd_na(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s)
{
        struct nd_opts opts = { .has_slla = false };
        uint8_t target[16];
        uint8_t flags = cur_u8(c);
        cur_skip(c, 3);                         /* reserved */
        cur_copy(c, target, 16);
        if (!cur_ok(c))
                return overrun(c);
        if (ip6_multicast(target))              /* §7.1.2 */
                return DISSECT_MALFORMED;
        if ((flags & ND_NA_SOLICITED) && ip6_multicast(ctx->ip_dst))
                return DISSECT_MALFORMED;       /* §7.1.2 */
        enum dissect_res r = nd_options(*c, &opts, NULL, NULL);
        if (r == DISSECT_MALFORMED)
                return r;               /* a host discards it: observe nothing */
        const uint8_t *mac = opts.has_tlla ? opts.tlla : ctx->src_mac;
        if (!mac_is_unicast(mac) || !ip6_station(target))
                return r == DISSECT_OK ? DISSECT_IGNORED : r;
        obs_ipv6(s, mac, PROTO_NDP, target);
        if (flags & ND_NA_ROUTER)
                obs_attr_str(s, mac, PROTO_NDP, "ndp.router", "yes");
        return r;
}

static enum dissect_res echo_reply(struct cursor *c, const struct frame_ctx *ctx,
                                   struct obs_sink *s)
{
        cur_skip(c, 4);                         /* identifier, sequence number */
        if (!cur_ok(c))
                return overrun(c);
        bool on_link = ip6_link_local(ctx->ip_src) || ctx->ip_ttl == 64 ||
                       ctx->ip_ttl == 128 || ctx->ip_ttl == 255;
        if (!on_link || !ip6_station(ctx->ip_src) || !mac_is_unicast(ctx->src_mac))
                return DISSECT_IGNORED;
        obs_ipv6(s, ctx->src_mac, PROTO_ICMP, ctx->ip_src);
        put_u32(s, ctx->src_mac, PROTO_ICMP, "icmp6.hop_limit", ctx->ip_ttl);
        return DISSECT_OK;
}

static enum dissect_res mld_report(struct cursor *c, const struct frame_ctx *ctx,
                                   struct obs_sink *s)
{
        /* MLDv1: max response delay, reserved, group; MLDv2: reserved,
         * record count, records. The binding needs only the header. */
        cur_skip(c, 4);
        if (!cur_ok(c))
                return overrun(c);
        if (ctx->ip_ttl != MLD_HOP_LIMIT || !ip6_link_local(ctx->ip_src) ||
            !mac_is_unicast(ctx->src_mac))
                return DISSECT_IGNORED;
        obs_ipv6(s, ctx->src_mac, PROTO_ICMP, ctx->ip_src);
        return DISSECT_OK;
}

enum dissect_res dissect_icmp6(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s)
{
        uint8_t type = cur_u8(c);
        uint8_t code = cur_u8(c);
        cur_skip(c, 2);                         /* checksum */
        if (!cur_ok(c))
                return overrun(c);

        switch (type) {
        case ICMP6_ND_RS:
        case ICMP6_ND_RA:
        case ICMP6_ND_NS:
        case ICMP6_ND_NA:
                if (ctx->ip_ttl != ND_HOP_LIMIT)
                        return DISSECT_IGNORED; /* may come from off the link */
                if (code != 0)
                        return DISSECT_MALFORMED;
                break;
        case ICMP6_ECHO_REPLY:
                return echo_reply(c, ctx, s);
        case ICMP6_MLD_REPORT:
        case ICMP6_MLD2_REPORT:
                return mld_report(c, ctx, s);
        default:
                return DISSECT_IGNORED;
        }
        switch (type) {
        case ICMP6_ND_RS:
                return nd_rs(c, ctx, s);
        case ICMP6_ND_RA:
                return nd_ra(c, ctx, s);
        case ICMP6_ND_NS:
                return nd_ns(c, ctx, s);
        default:
                return nd_na(c, ctx, s);
        }
}
