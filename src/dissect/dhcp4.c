/* dhcp4.c - DHCPv4 (RFC 2131, options RFC 2132) and plain BOOTP (RFC 951).
 *
 * The cursor covers one UDP payload on port 67 or 68. What a client sends
 * (op BOOTREQUEST) is a fingerprint of its DHCP stack: the order of its
 * options, its parameter request list, vendor class, maximum message size,
 * client identifier, host name and FQDN. Those observations are about the
 * client named by chaddr, which is not the Ethernet source when a relay
 * agent forwarded the message. What a server sends (BOOTREPLY) binds the
 * leased address to chaddr on DHCPACK, and names the server itself when its
 * server identifier is the IP source of the frame.
 *
 * Options are read in one pass into `struct dhcp_msg` (sub-cursors over
 * their values) and turned into observations afterwards, because which
 * observations apply depends on option 53, and a client may send it last.
 * Everything emitted points into the sink's arena; nothing here allocates.
 */
#include "netinv/dissect.h"

#include <stdio.h>
#include <string.h>

#include "netinv/util.h"

/* Fixed BOOTP header, RFC 2131 §2 figure 1. */
#define BOOTP_CHADDR_LEN        16
#define BOOTP_SNAME_LEN         64
#define BOOTP_FILE_LEN          128
#define BOOTP_OP_REQUEST        1       /* RFC 951 §3 */
#define BOOTP_OP_REPLY          2
#define BOOTP_HTYPE_ETHER       1       /* IANA ARP hardware types */
#define BOOTP_FLAG_BROADCAST    0x8000  /* RFC 2131 §2 figure 2; the other 15 bits MBZ */
#define DHCP_MAGIC_COOKIE       0x63825363u     /* 99.130.83.99, RFC 2131 §3, RFC 2132 §2 */

/* Options, RFC 2132 unless noted. */
#define DHCP_OPT_PAD            0       /* §3.1: no length byte */
#define DHCP_OPT_HOSTNAME       12      /* §3.14 */
#define DHCP_OPT_VENDOR_INFO    43      /* §8.4 */
#define DHCP_OPT_REQUESTED_IP   50      /* §9.1 */
#define DHCP_OPT_OVERLOAD       52      /* §9.3 */
#define DHCP_OPT_MSG_TYPE       53      /* §9.6 */
#define DHCP_OPT_SERVER_ID      54      /* §9.7 */
#define DHCP_OPT_PRL            55      /* §9.8 */
#define DHCP_OPT_MAX_SIZE       57      /* §9.10 */
#define DHCP_OPT_VENDOR_CLASS   60      /* §9.13 */
#define DHCP_OPT_CLIENT_ID      61      /* §9.14 */
#define DHCP_OPT_USER_CLASS     77      /* RFC 3004 §4 */
#define DHCP_OPT_FQDN           81      /* RFC 4702 §2 */
#define DHCP_OPT_END            255     /* §3.2: no length byte */

/* DHCP message types, RFC 2132 §9.6. */
#define DHCPDISCOVER    1
#define DHCPOFFER       2
#define DHCPREQUEST     3
#define DHCPDECLINE     4
#define DHCPACK         5
#define DHCPNAK         6
#define DHCPRELEASE     7
#define DHCPINFORM      8

/* Client FQDN option flags, RFC 4702 §2.1. Only E matters here: set, the
 * name is in DNS wire format (§2.3.1); clear, it is deprecated ASCII. */
#define FQDN_FLAG_E     0x04
#define FQDN_FIXED_LEN  3               /* flags, RCODE1, RCODE2 (§2) */

/* A decoded option value: a sub-cursor over its bytes, first occurrence
 * only. RFC 3396 lets a long option be split over several instances to be
 * concatenated; the options kept here fit in one, and a client that splits
 * them gets its first part reported. */
struct opt {
        struct cursor c;
        bool set;
};

struct dhcp_msg {
        /* header */
        uint8_t op, htype, hlen;
        uint16_t flags;
        uint8_t ciaddr[4], yiaddr[4], giaddr[4];
        uint8_t chaddr[BOOTP_CHADDR_LEN];
        bool dhcp;                      /* the magic cookie was there */
        /* options */
        int type;                       /* option 53, or -1 when absent */
        bool has_server_id, has_req_ip, has_max_size, has_fqdn;
        uint8_t server_id[4], req_ip[4];
        uint16_t max_size;
        struct opt hostname, vendor_class, client_id, user_class, vendor_info, prl;
        char fqdn[DNS_NAME_MAX + 1];
        size_t fqdn_len;
        char order[OBS_VALUE_MAX + 1];  /* option codes in wire order, "53,55,..." */
        size_t order_len;
        /* what went wrong */
        bool end_seen;                  /* option 255 was reached */
        bool cut;                       /* an option ran past the end */
        bool after_end_nonzero;         /* a byte after option 255 was not pad */
        bool trailing_nul;              /* a text option ended in NUL (RFC 2132 §2) */
        bool bad;                       /* an option's value violates its spec */
};

/* Append ",v" (just "v" first) to a list when it fits whole; a full list
 * stays as it is, cut at an item boundary. */
static void list_add(char *buf, size_t cap, size_t *len, unsigned v)
{
        char tmp[8];
        int n = snprintf(tmp, sizeof(tmp), "%s%u", *len ? "," : "", v);
        if (n < 0 || (size_t)n >= cap - *len)
                return;
        memcpy(buf + *len, tmp, (size_t)n + 1);
        *len += (size_t)n;
}

/* Take a fixed-size option value; a wrong length is a malformation. */
static void take_fixed(struct dhcp_msg *m, struct cursor *o, uint8_t *dst, size_t n, bool *set)
{
        if (cur_left(o) != n) {
                m->bad = true;
                return;
        }
        if (!*set)
                *set = cur_copy(o, dst, n);
}

static void take_opt(struct opt *dst, const struct cursor *o)
{
        if (!dst->set) {
                dst->c = *o;
                dst->set = true;
        }
}

/* RFC 4702 §2.3.1: the name in canonical wire format, no compression; it
 * may be partial (no root label). Labels are written dotted into m->fqdn.
 * Returns false when the encoding is broken. */
static bool fqdn_wire(struct dhcp_msg *m, struct cursor *o)
{
        size_t len = 0;

        /* Each pass reads at least the length byte; the option is <= 255. */
        while (cur_ok(o) && cur_left(o) > 0) {
                uint8_t ll = cur_u8(o);
                if (ll == 0)
                        break;                  /* root label: the name is complete */
                if (ll > DNS_LABEL_MAX)         /* 0x40/0x80/0xc0: compression is not allowed */
                        return false;
                if (len + (len ? 1 : 0) + ll > DNS_NAME_MAX)
                        return false;
                if (len)
                        m->fqdn[len++] = '.';
                if (!cur_copy(o, m->fqdn + len, ll))
                        return false;           /* label runs past the option */
                len += ll;
        }
        if (cur_left(o) != 0)
                return false;                   /* bytes after the root label */
        m->fqdn[len] = '\0';
        m->fqdn_len = len;
        return true;
}

static void take_fqdn(struct dhcp_msg *m, struct cursor *o)
{
        if (m->has_fqdn)
                return;
        if (cur_left(o) < FQDN_FIXED_LEN) {
                m->bad = true;
                return;
        }
        uint8_t flags = cur_u8(o);
        cur_skip(o, 2);                         /* RCODE1, RCODE2: deprecated */
        if (flags & FQDN_FLAG_E) {
                if (!fqdn_wire(m, o)) {
                        m->bad = true;
                        return;
                }
        } else {
                /* ASCII form (deprecated, still what Windows sends). */
                size_t n = cur_left(o);
                while (cur_ok(o) && n > 0) {
                        uint8_t b = 0;
                        if (!cur_peek_u8(o, n - 1, &b) || b != 0)
                                break;
                        n--;
                }
                cur_copy(o, m->fqdn, n);        /* n <= 252 < sizeof(fqdn) */
                m->fqdn[n] = '\0';
                m->fqdn_len = n;
        }
        m->has_fqdn = m->fqdn_len > 0;
}

static void take_option(struct dhcp_msg *m, uint8_t code, struct cursor *o)
{
        switch (code) {
        case DHCP_OPT_MSG_TYPE:
                if (cur_left(o) != 1)
                        m->bad = true;
                else if (m->type < 0)
                        m->type = cur_u8(o);
                break;
        case DHCP_OPT_SERVER_ID:
                take_fixed(m, o, m->server_id, 4, &m->has_server_id);
                break;
        case DHCP_OPT_REQUESTED_IP:
                take_fixed(m, o, m->req_ip, 4, &m->has_req_ip);
                break;
        case DHCP_OPT_MAX_SIZE:
                if (cur_left(o) != 2)
                        m->bad = true;
                else if (!m->has_max_size) {
                        m->max_size = cur_be16(o);
                        m->has_max_size = true;
                }
                break;
        case DHCP_OPT_HOSTNAME:
                take_opt(&m->hostname, o);
                break;
        case DHCP_OPT_VENDOR_CLASS:
                take_opt(&m->vendor_class, o);
                break;
        case DHCP_OPT_CLIENT_ID:
                take_opt(&m->client_id, o);
                break;
        case DHCP_OPT_USER_CLASS:
                take_opt(&m->user_class, o);
                break;
        case DHCP_OPT_VENDOR_INFO:
                take_opt(&m->vendor_info, o);
                break;
        case DHCP_OPT_PRL:
                take_opt(&m->prl, o);
                break;
        case DHCP_OPT_FQDN:
                take_fqdn(m, o);
                break;
        default:
                /* Option overload (52) would continue the options in the
                 * sname and file fields. It is ignored: the fingerprinting
                 * options of real clients are in the options field, and
                 * servers use overload only for replies that do not fit. */
                break;
        }
}

/* The options field after the cookie: code, length, value; pad and end
 * have no length. Each value opens a sub-cursor. Stops at the first option
 * that runs past the end (the cursor then carries CUR_TRUNC). */
static void read_options(struct cursor *c, struct dhcp_msg *m)
{
        /* Each pass reads at least one byte. */
        while (cur_ok(c) && cur_left(c) > 0) {
                uint8_t code = cur_u8(c);
                if (code == DHCP_OPT_PAD)
                        continue;
                if (code == DHCP_OPT_END) {
                        m->end_seen = true;
                        break;
                }
                uint8_t len = cur_u8(c);
                if (!cur_ok(c))
                        break;
                struct cursor o = cur_sub(c, len);
                if (!cur_ok(c))
                        break;
                list_add(m->order, sizeof(m->order), &m->order_len, code);
                take_option(m, code, &o);
        }
        m->cut = !cur_ok(c);
        /* After the end option only pad may follow (RFC 2131 §4.1: the
         * options field is padded with pad options). */
        while (m->end_seen && cur_ok(c) && cur_left(c) > 0) {
                if (cur_u8(c) != DHCP_OPT_PAD) {
                        m->after_end_nonzero = true;
                        break;
                }
        }
}

/* ---------------------------------------------------------------- output */

static void attr_ip4(struct obs_sink *s, const uint8_t mac[6], const char *key,
                     const uint8_t ip[4])
{
        char buf[16];
        fmt_ip(buf, sizeof(buf), 4, ip);
        obs_attr_str(s, mac, PROTO_DHCP, key, buf);
}

/* A text option without the trailing NULs RFC 2132 §2 tells receivers to
 * delete. Returns its length; *ret_p is set to the view when it is not 0. */
static size_t opt_text(struct dhcp_msg *m, const struct opt *o, const uint8_t **ret_p)
{
        struct cursor c = o->c;
        size_t n = cur_left(&c);
        while (cur_ok(&c) && n > 0) {
                uint8_t b = 0;
                if (!cur_peek_u8(&c, n - 1, &b) || b != 0)
                        break;
                n--;
                m->trailing_nul = true;
        }
        const uint8_t *p = cur_view(&c, n);
        if (!p || !n)
                return 0;
        *ret_p = p;
        return n;
}

static void emit_text(struct obs_sink *s, const uint8_t mac[6], const char *key,
                      struct dhcp_msg *m, const struct opt *o)
{
        const uint8_t *p = NULL;
        if (!o->set)
                return;
        size_t n = opt_text(m, o, &p);
        if (n)
                obs_attr(s, mac, PROTO_DHCP, key, p, n);
}

/* Lower-case hex of an option, cut at a byte boundary to fit a value. */
static void emit_hex(struct obs_sink *s, const uint8_t mac[6], const char *key,
                     const struct opt *o, bool colons)
{
        char buf[OBS_VALUE_MAX + 1];
        struct cursor c = o->c;

        if (!o->set)
                return;
        size_t len = cur_hex(&c, buf, sizeof(buf), colons ? ':' : 0);
        if (len)
                obs_attr(s, mac, PROTO_DHCP, key, buf, len);
}

static void emit_prl(struct obs_sink *s, const uint8_t mac[6], const struct opt *o)
{
        char buf[OBS_VALUE_MAX + 1];
        size_t len = 0;
        struct cursor c = o->c;

        if (!o->set)
                return;
        /* At most 255 passes (the option length), each reads one byte. */
        while (cur_ok(&c) && cur_left(&c) > 0)
                list_add(buf, sizeof(buf), &len, cur_u8(&c));
        if (len)
                obs_attr(s, mac, PROTO_DHCP, "dhcp.prl", buf, len);
}

static void emit_type(struct obs_sink *s, const uint8_t mac[6], int type)
{
        static const char *const names[] = {
                [DHCPDISCOVER] = "DISCOVER", [DHCPOFFER] = "OFFER",
                [DHCPREQUEST] = "REQUEST",   [DHCPDECLINE] = "DECLINE",
                [DHCPACK] = "ACK",           [DHCPNAK] = "NAK",
                [DHCPRELEASE] = "RELEASE",   [DHCPINFORM] = "INFORM",
        };
        char buf[4];

        if (type < 0 || type > UINT8_MAX)
                return;
        if (type >= DHCPDISCOVER && type <= DHCPINFORM) {
                obs_attr_str(s, mac, PROTO_DHCP, "dhcp.message_type", names[type]);
                return;
        }
        /* RFC 3203, 4388, 6926, 7724 ... types, or unassigned: the number. */
        snprintf(buf, sizeof(buf), "%u", (unsigned)(uint8_t)type);
        obs_attr_str(s, mac, PROTO_DHCP, "dhcp.message_type", buf);
}

static bool ip4_zero(const uint8_t ip[4])
{
        return !(ip[0] | ip[1] | ip[2] | ip[3]);
}

/* A client's request, about the client `mac` (chaddr). */
static void emit_client(struct obs_sink *s, const uint8_t mac[6], struct dhcp_msg *m)
{
        const uint8_t *p = NULL;

        emit_type(s, mac, m->type);
        /* The client says it holds ciaddr (RFC 2131 §4.3.2, §4.4.4, §4.4.6);
         * in plain BOOTP, ciaddr is filled in "if known" (RFC 951 §3). */
        if (!ip4_zero(m->ciaddr) &&
            (!m->dhcp || m->type == DHCPREQUEST || m->type == DHCPINFORM ||
             m->type == DHCPRELEASE))
                obs_ipv4(s, mac, PROTO_DHCP, m->ciaddr);
        if (m->hostname.set) {
                size_t n = opt_text(m, &m->hostname, &p);
                obs_hostname(s, mac, PROTO_DHCP, p, n);
        }
        if (m->has_fqdn) {
                obs_hostname(s, mac, PROTO_DHCP, m->fqdn, m->fqdn_len);
                obs_attr(s, mac, PROTO_DHCP, "dhcp.fqdn", m->fqdn, m->fqdn_len);
        }
        /* The order is a fingerprint only when it is whole. */
        if (m->end_seen && m->order_len)
                obs_attr(s, mac, PROTO_DHCP, "dhcp.options", m->order, m->order_len);
        emit_prl(s, mac, &m->prl);
        emit_text(s, mac, "dhcp.vendor_class", m, &m->vendor_class);
        emit_text(s, mac, "dhcp.user_class", m, &m->user_class);
        if (m->has_max_size) {
                char buf[8];
                snprintf(buf, sizeof(buf), "%u", (unsigned)m->max_size);
                obs_attr_str(s, mac, PROTO_DHCP, "dhcp.max_size", buf);
        }
        emit_hex(s, mac, "dhcp.client_id", &m->client_id, true);
        emit_hex(s, mac, "dhcp.vendor_info", &m->vendor_info, false);
        if (m->has_req_ip)
                attr_ip4(s, mac, "dhcp.requested_ip", m->req_ip);
        if (m->flags & BOOTP_FLAG_BROADCAST)
                obs_attr_str(s, mac, PROTO_DHCP, "dhcp.quirk", "broadcast_flag");
        if (m->flags & ~BOOTP_FLAG_BROADCAST)
                obs_attr_str(s, mac, PROTO_DHCP, "dhcp.quirk", "flags_reserved");
}

/* Is the Ethernet source the station that made this message? Only when it
 * cannot have crossed a router: not relayed, and either sent by or to a
 * station without an address (ciaddr 0: reachable only on the link), or to
 * the limited broadcast, which is never forwarded. A RENEWING REQUEST or an
 * ACK to an INFORM is unicast between addresses and may come through a
 * router, whose MAC would then be taken for the client's or the server's. */
static bool on_link(const struct dhcp_msg *m, const struct frame_ctx *ctx)
{
        static const uint8_t bcast[4] = { 255, 255, 255, 255 };
        return ip4_zero(m->giaddr) &&
               (ip4_zero(m->ciaddr) || memcmp(ctx->ip_dst, bcast, 4) == 0);
}

/* A server's reply: about the client `mac` (chaddr, NULL when unusable)
 * and about the server or relay that put it on this segment. */
static void emit_server(struct obs_sink *s, const struct frame_ctx *ctx, const uint8_t *mac,
                        struct dhcp_msg *m)
{
        const uint8_t *p = NULL;

        if (mac && !ip4_zero(m->yiaddr)) {
                /* DHCPACK, or a plain BOOTP reply, assigns yiaddr
                 * (RFC 2131 §4.3.1, RFC 951 §3); an OFFER only proposes it. */
                if (!m->dhcp || m->type == DHCPACK)
                        obs_ipv4(s, mac, PROTO_DHCP, m->yiaddr);
                else if (m->type == DHCPOFFER)
                        attr_ip4(s, mac, "dhcp.offered_ip", m->yiaddr);
        }
        /* The name the server knows the client by (RFC 2132 §3.14). */
        if (mac && m->type == DHCPACK && m->hostname.set) {
                size_t n = opt_text(m, &m->hostname, &p);
                obs_hostname(s, mac, PROTO_DHCP, p, n);
        }
        if (!mac_is_unicast(ctx->src_mac))
                return;
        if (on_link(m, ctx) && m->has_server_id &&
            memcmp(m->server_id, ctx->ip_src, 4) == 0) {
                obs_ipv4(s, ctx->src_mac, PROTO_DHCP, m->server_id);
                obs_attr_str(s, ctx->src_mac, PROTO_DHCP, "dhcp.role", "server");
        } else if (!ip4_zero(m->giaddr) && memcmp(m->giaddr, ctx->ip_src, 4) == 0) {
                /* RFC 1542 §4.1.2: a relay agent delivers the reply on
                 * the client's own segment from its giaddr interface, so
                 * here the Ethernet source is the agent itself. */
                obs_ipv4(s, ctx->src_mac, PROTO_DHCP, m->giaddr);
                obs_attr_str(s, ctx->src_mac, PROTO_DHCP, "dhcp.role", "relay");
        }
}

static void emit(struct obs_sink *s, const struct frame_ctx *ctx, struct dhcp_msg *m)
{
        /* chaddr names the client only for Ethernet. */
        const uint8_t *client = NULL;
        if (m->htype == BOOTP_HTYPE_ETHER && mac_is_unicast(m->chaddr))
                client = m->chaddr;
        /* Who composed the options: the client (relay agents pass them on
         * unchanged), or the server when its frame is known to be its own. */
        const uint8_t *sender = NULL;

        if (m->op == BOOTP_OP_REQUEST) {
                sender = client;
                if (client)
                        emit_client(s, client, m);
                /* On the link a client sends from its own MAC; a different
                 * chaddr means something rewrote the frame (a MAC-translating
                 * bridge or range extender) or a host asks on another's
                 * behalf. Relayed or routed, the Ethernet source is a relay
                 * agent or a router, which is neither, and not named. */
                if (client && on_link(m, ctx) && mac_is_unicast(ctx->src_mac) &&
                    memcmp(client, ctx->src_mac, 6) != 0)
                        obs_attr_str(s, ctx->src_mac, PROTO_DHCP, "dhcp.quirk",
                                     "chaddr_differs");
        } else {
                if (on_link(m, ctx) && mac_is_unicast(ctx->src_mac))
                        sender = ctx->src_mac;
                emit_server(s, ctx, client, m);
        }
        if (!sender || !m->dhcp)
                return;
        if (!m->end_seen && !m->cut)
                obs_attr_str(s, sender, PROTO_DHCP, "dhcp.quirk", "no_end_option");
        if (m->after_end_nonzero)
                obs_attr_str(s, sender, PROTO_DHCP, "dhcp.quirk", "option_after_end_nonzero");
        if (m->trailing_nul)
                obs_attr_str(s, sender, PROTO_DHCP, "dhcp.quirk", "trailing_nul");
}

enum dissect_res dissect_dhcp4(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s)
{
        struct dhcp_msg m;

        memset(&m, 0, sizeof(m));
        m.type = -1;
        m.op = cur_u8(c);
        m.htype = cur_u8(c);
        m.hlen = cur_u8(c);
        cur_u8(c);                              /* hops */
        cur_be32(c);                            /* xid */
        cur_be16(c);                            /* secs */
        m.flags = cur_be16(c);
        cur_copy(c, m.ciaddr, 4);
        cur_copy(c, m.yiaddr, 4);
        cur_skip(c, 4);                         /* siaddr: the next server (TFTP) */
        cur_copy(c, m.giaddr, 4);
        cur_copy(c, m.chaddr, BOOTP_CHADDR_LEN);
        if (!cur_ok(c))
                return DISSECT_TRUNCATED;
        if (m.op != BOOTP_OP_REQUEST && m.op != BOOTP_OP_REPLY)
                return DISSECT_MALFORMED;
        if (m.hlen > BOOTP_CHADDR_LEN || (m.htype == BOOTP_HTYPE_ETHER && m.hlen != 6))
                return DISSECT_MALFORMED;
        /* sname and file: free text, or options under overload (ignored,
         * see take_option). */
        cur_skip(c, BOOTP_SNAME_LEN + BOOTP_FILE_LEN);
        uint32_t cookie = cur_be32(c);
        if (!cur_ok(c))
                return DISSECT_TRUNCATED;

        /* Without the cookie this is BOOTP and the vendor area is opaque
         * (RFC 1497): the header still says who holds which address. */
        m.dhcp = cookie == DHCP_MAGIC_COOKIE;
        if (m.dhcp)
                read_options(c, &m);
        else
                m.end_seen = true;
        emit(s, ctx, &m);

        if (m.bad)
                return DISSECT_MALFORMED;
        /* A message that stops without option 255 cannot be told from one
         * the capture cut at an option boundary: TRUNCATED either way (the
         * quirk above still records it). */
        if (!cur_ok(c) || !m.end_seen)
                return DISSECT_TRUNCATED;
        return DISSECT_OK;
}
