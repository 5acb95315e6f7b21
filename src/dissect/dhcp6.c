/* dhcp6.c - DHCPv6 (RFC 8415) over UDP 546/547: who the clients are, and
 * which addresses the servers hand them.
 *
 * Client messages (Solicit, Request, Confirm, Renew, Rebind, Release,
 * Decline, Information-request) say a lot about the sender: its DUID (a
 * stable identity even when the MAC is random; DUID-LLT/LL usually carry the
 * burnt-in MAC), its option order and Option Request list (an OS
 * fingerprint), vendor and user classes, and its FQDN. They are observed on
 * the client's MAC, with its link-local source address.
 *
 * Server messages (Advertise, Reply, Reconfigure) mark the sender as a
 * server; the addresses of a Reply's IA_NA/IA_TA bind to the client it is
 * sent to (the Ethernet destination).
 *
 * Relay-forw/Relay-repl (RFC 8415 §9) wrap a message in a Relay Message
 * option; they are peeled in a loop bounded by HOP_COUNT_LIMIT. Inside a
 * Relay-forw the client is not the Ethernet source (that is the relay): its
 * messages are observed on the MAC of the RFC 6939 Client Link-Layer Address
 * option when the innermost relay added one, else not at all. Nothing inside
 * a Relay-repl is bound (its Ethernet destination is a relay).
 *
 * Lengths: the window handed in is the UDP payload. When it ends before the
 * captured bytes do, a length field (UDP) cut it, so all of it is present
 * and running past it is a lie (MALFORMED); when it reaches the end of the
 * capture it may have been cut by the snap length (TRUNCATED). Inside an
 * option, everything is present: an overrun there is always MALFORMED.
 */
#include "netinv/dissect.h"

#include <stdio.h>
#include <string.h>

#include "netinv/util.h"

/* Message types, RFC 8415 §7.3. */
#define D6_SOLICIT              1
#define D6_ADVERTISE            2
#define D6_REQUEST              3
#define D6_CONFIRM              4
#define D6_RENEW                5
#define D6_REBIND               6
#define D6_REPLY                7
#define D6_RELEASE              8
#define D6_DECLINE              9
#define D6_RECONFIGURE          10
#define D6_INFORMATION_REQUEST  11
#define D6_RELAY_FORW           12
#define D6_RELAY_REPL           13

/* RFC 8415 §7.6: a relay drops a message whose hop count reached this, so
 * no honest message nests more Relay-forw/Relay-repl headers. */
#define D6_HOP_COUNT_LIMIT      8

/* Option codes, RFC 8415 §21 unless noted. */
#define D6_OPT_CLIENTID         1       /* §21.2 */
#define D6_OPT_IA_NA            3       /* §21.4 */
#define D6_OPT_IA_TA            4       /* §21.5 */
#define D6_OPT_IAADDR           5       /* §21.6 */
#define D6_OPT_ORO              6       /* §21.7 */
#define D6_OPT_RELAY_MSG        9       /* §21.10 */
#define D6_OPT_USER_CLASS       15      /* §21.15 */
#define D6_OPT_VENDOR_CLASS     16      /* §21.16 */
#define D6_OPT_CLIENT_FQDN      39      /* RFC 4704 §4 */
#define D6_OPT_CLIENT_LINKLAYER 79      /* RFC 6939 §4 */

/* Fixed parts of option bodies. */
#define D6_IA_NA_FIXED          12      /* IAID, T1, T2 (§21.4) */
#define D6_IA_TA_FIXED          4       /* IAID (§21.5) */
#define D6_IAADDR_FIXED         24      /* address, preferred, valid (§21.6) */

/* DUID types, RFC 8415 §11.1 and RFC 6355 §6. */
#define DUID_LLT                1
#define DUID_EN                 2
#define DUID_LL                 3
#define DUID_UUID               4
/* A DUID is at most 128 octets after its 2-octet type (RFC 8415 §11.1). */
#define DUID_MAX                (2 + 128)
#define HWTYPE_ETHERNET         1       /* IANA ARP hardware types (RFC 826) */

/* A name is at most 255 octets in wire format (RFC 1035 §2.3.4): with its
 * first length octet and the root label gone, 253 in dotted text. */
#define FQDN_TEXT_MAX           (DNS_NAME_MAX - 2)

/* Option codes listed in "dhcpv6.options": no real client sends more than
 * a dozen; a longer list is cut (the loop still walks every option). */
#define D6_OPTLIST_MAX          64u

static const char *const msg_names[] = {
        [D6_SOLICIT] = "SOLICIT",               [D6_ADVERTISE] = "ADVERTISE",
        [D6_REQUEST] = "REQUEST",               [D6_CONFIRM] = "CONFIRM",
        [D6_RENEW] = "RENEW",                   [D6_REBIND] = "REBIND",
        [D6_REPLY] = "REPLY",                   [D6_RELEASE] = "RELEASE",
        [D6_DECLINE] = "DECLINE",               [D6_RECONFIGURE] = "RECONFIGURE",
        [D6_INFORMATION_REQUEST] = "INFORMATION-REQUEST",
};

static bool is_client_msg(uint8_t t)
{
        return t == D6_SOLICIT || t == D6_REQUEST || t == D6_CONFIRM || t == D6_RENEW ||
               t == D6_REBIND || t == D6_RELEASE || t == D6_DECLINE ||
               t == D6_INFORMATION_REQUEST;
}

static bool is_server_msg(uint8_t t)
{
        return t == D6_ADVERTISE || t == D6_REPLY || t == D6_RECONFIGURE;
}

static bool ip6_link_local(const uint8_t a[16])
{
        return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;   /* fe80::/10, RFC 4291 §2.5.6 */
}

/* Who the observations of one (possibly relayed) message are about. */
struct d6_where {
        const uint8_t *client_mac;      /* client messages; NULL: cannot tell */
        const uint8_t *client_ip;       /* the client's source address */
        const uint8_t *reply_mac;       /* Reply IA addresses bind here; NULL: do not */
        bool top;                       /* not inside a relay message */
        bool whole;                     /* every byte of the window is present */
};

/* Verdict for a read past the end of a window (see the top comment). */
static enum dissect_res overrun(const struct cursor *c, bool whole)
{
        if (c->err == CUR_BAD || whole || c->end < c->msg_len)
                return DISSECT_MALFORMED;
        return DISSECT_TRUNCATED;
}

/* A comma-separated list of numbers, cut when full. */
struct numlist {
        char buf[OBS_VALUE_MAX];
        size_t len;
};

static void numlist_add(struct numlist *l, unsigned v)
{
        char item[8];
        int n = snprintf(item, sizeof(item), l->len ? ",%u" : "%u", v);
        if (n <= 0 || (size_t)n >= sizeof(l->buf) - l->len)
                return;
        memcpy(l->buf + l->len, item, (size_t)n);
        l->len += (size_t)n;
        l->buf[l->len] = '\0';
}

/* Lower-case hex with colons, as DUIDs and MACs are written. */
static size_t hex_colon(char *out, size_t cap, const uint8_t *b, size_t n)
{
        struct cursor c;
        cur_init(&c, b, n);
        return cur_hex(&c, out, cap, ':');
}

/* Client Identifier (option 1): the DUID, its type, and what it names. */
static enum dissect_res client_id(struct cursor *o, const uint8_t *mac, struct obs_sink *s)
{
        uint8_t duid[DUID_MAX];
        char text[DUID_MAX * 3];
        size_t n = cur_left(o);
        if (n < 2 || n > DUID_MAX)
                return DISSECT_MALFORMED;
        struct cursor d = *o;                   /* the same bytes, read field by field */
        if (!cur_copy(o, duid, n))
                return DISSECT_MALFORMED;
        obs_attr(s, mac, PROTO_DHCPV6, "dhcpv6.duid", text, hex_colon(text, sizeof(text), duid, n));

        uint16_t type = cur_be16(&d);
        const char *tname = NULL;
        size_t ll_skip = 0;     /* octets between hardware type and link-layer address */
        bool has_ll = false;
        switch (type) {
        case DUID_LLT:
                tname = "LLT";
                has_ll = true;
                ll_skip = 4;    /* time */
                break;
        case DUID_LL:
                tname = "LL";
                has_ll = true;
                break;
        case DUID_EN:
                tname = "EN";
                break;
        case DUID_UUID:
                tname = "UUID";
                break;
        }
        if (tname) {
                obs_attr_str(s, mac, PROTO_DHCPV6, "dhcpv6.duid_type", tname);
        } else {
                char num[8];
                snprintf(num, sizeof(num), "%u", type);
                obs_attr_str(s, mac, PROTO_DHCPV6, "dhcpv6.duid_type", num);
        }
        if (has_ll) {
                uint8_t ll[6];
                uint16_t hw = cur_be16(&d);
                cur_skip(&d, ll_skip);
                /* RFC 2464: an Ethernet link-layer address is exactly 6 octets */
                if (cur_ok(&d) && hw == HWTYPE_ETHERNET && cur_left(&d) == 6 &&
                    cur_copy(&d, ll, 6))
                        obs_attr(s, mac, PROTO_DHCPV6, "dhcpv6.duid_mac", text,
                                 hex_colon(text, sizeof(text), ll, 6));
        } else if (type == DUID_EN) {
                uint32_t en = cur_be32(&d);
                if (cur_ok(&d)) {
                        char num[12];
                        snprintf(num, sizeof(num), "%u", en);
                        obs_attr_str(s, mac, PROTO_DHCPV6, "dhcpv6.enterprise", num);
                }
        }
        return DISSECT_OK;
}

/* Option Request (option 6): the requested codes in order. */
static enum dissect_res oro(struct cursor *o, const uint8_t *mac, struct obs_sink *s)
{
        struct numlist l = { .len = 0 };
        if (cur_left(o) % 2)
                return DISSECT_MALFORMED;
        while (cur_ok(o) && cur_left(o) >= 2)
                numlist_add(&l, cur_be16(o));
        if (l.len)
                obs_attr(s, mac, PROTO_DHCPV6, "dhcpv6.oro", l.buf, l.len);
        return DISSECT_OK;
}

/* User Class (15) and the data of Vendor Class (16): a list of strings,
 * each with a 2-octet length (RFC 8415 §21.15, §21.16). */
static enum dissect_res class_strings(struct cursor *o, const uint8_t *mac, struct obs_sink *s,
                                      const char *key, const char *prefix, size_t plen)
{
        while (cur_ok(o) && cur_left(o) > 0) {
                uint16_t len = cur_be16(o);
                const uint8_t *str = cur_view(o, len);
                if (!str)
                        return DISSECT_MALFORMED;
                if (len == 0)
                        continue;
                if (prefix)
                        obs_attr_pair(s, mac, PROTO_DHCPV6, key, prefix, plen, ':', str, len);
                else
                        obs_attr(s, mac, PROTO_DHCPV6, key, str, len);
        }
        return DISSECT_OK;
}

static enum dissect_res vendor_class(struct cursor *o, const uint8_t *mac, struct obs_sink *s)
{
        char en[12];
        uint32_t num = cur_be32(o);
        if (!cur_ok(o))
                return DISSECT_MALFORMED;
        int n = snprintf(en, sizeof(en), "%u", num);
        return class_strings(o, mac, s, "dhcpv6.vendor_class", en, (size_t)n);
}

/* Client FQDN (option 39, RFC 4704 §4): flags, then a domain name in DNS
 * wire format without compression (RFC 4704 §4.2), which may be partial
 * (no root label). Decoded to dotted text. */
static enum dissect_res fqdn(struct cursor *o, const uint8_t *mac, struct obs_sink *s)
{
        char name[FQDN_TEXT_MAX + 1];
        size_t n = 0;
        cur_u8(o);                              /* flags: N, O, S */
        if (!cur_ok(o))
                return DISSECT_MALFORMED;
        while (cur_ok(o) && cur_left(o) > 0) {
                uint8_t len = cur_u8(o);
                if (len == 0) {
                        if (cur_left(o))        /* data after the root label */
                                return DISSECT_MALFORMED;
                        break;
                }
                /* 0xc0 compression pointers, 0x40/0x80 label types: not here */
                if (len > DNS_LABEL_MAX)
                        return DISSECT_MALFORMED;
                if (n + (n ? 1 : 0) + len > FQDN_TEXT_MAX)
                        return DISSECT_MALFORMED;
                if (n)
                        name[n++] = '.';
                if (!cur_copy(o, name + n, len))
                        return DISSECT_MALFORMED;
                n += len;
        }
        if (n) {
                obs_attr(s, mac, PROTO_DHCPV6, "dhcpv6.fqdn", name, n);
                obs_hostname(s, mac, PROTO_DHCPV6, name, n);
        }
        return DISSECT_OK;
}

/* IA_NA / IA_TA (options 3, 4) of a Reply: each IA Address with a non-zero
 * valid lifetime (zero withdraws it, RFC 8415 §18.3.4) binds to `mac`. */
static enum dissect_res ia_addresses(struct cursor *o, size_t fixed, const uint8_t *mac,
                                     struct obs_sink *s)
{
        if (!cur_skip(o, fixed))
                return DISSECT_MALFORMED;
        while (cur_ok(o) && cur_left(o) > 0) {
                uint16_t code = cur_be16(o);
                uint16_t len = cur_be16(o);
                struct cursor a = cur_sub(o, len);
                if (!cur_ok(o))
                        return DISSECT_MALFORMED;
                if (code != D6_OPT_IAADDR)
                        continue;               /* Status Code and others */
                uint8_t addr[16];
                cur_copy(&a, addr, 16);
                cur_be32(&a);                   /* preferred lifetime */
                uint32_t valid = cur_be32(&a);
                if (!cur_ok(&a))
                        return DISSECT_MALFORMED;
                if (valid)
                        obs_ipv6(s, mac, PROTO_DHCPV6, addr);
        }
        return DISSECT_OK;
}

/* One option of a client message; observations go to `mac`. */
static enum dissect_res client_option(uint16_t code, struct cursor *o, const uint8_t *mac,
                                      struct obs_sink *s)
{
        switch (code) {
        case D6_OPT_CLIENTID:
                return client_id(o, mac, s);
        case D6_OPT_ORO:
                return oro(o, mac, s);
        case D6_OPT_USER_CLASS:
                return class_strings(o, mac, s, "dhcpv6.user_class", NULL, 0);
        case D6_OPT_VENDOR_CLASS:
                return vendor_class(o, mac, s);
        case D6_OPT_CLIENT_FQDN:
                return fqdn(o, mac, s);
        default:
                return DISSECT_OK;
        }
}

/* A message that is not a relay message: type, transaction id, options. */
static enum dissect_res leaf(struct cursor *m, const struct frame_ctx *ctx, struct obs_sink *s,
                             const struct d6_where *w)
{
        uint8_t type = cur_u8(m);
        cur_skip(m, 3);                         /* transaction id */
        if (!cur_ok(m))
                return overrun(m, w->whole);

        bool client = is_client_msg(type);
        if (!client && !is_server_msg(type))
                return DISSECT_IGNORED;         /* leasequery, DHCPv4-over-DHCPv6, unknown */
        /* Where this message's observations go, NULL for nowhere. */
        const uint8_t *mac = NULL;
        if (client && w->client_mac && mac_is_unicast(w->client_mac))
                mac = w->client_mac;
        const uint8_t *bind = NULL;
        if (type == D6_REPLY && w->reply_mac && mac_is_unicast(w->reply_mac))
                bind = w->reply_mac;

        if (mac)
                obs_attr_str(s, mac, PROTO_DHCPV6, "dhcpv6.message_type", msg_names[type]);
        else if (!client && w->top && mac_is_unicast(ctx->src_mac))
                obs_attr_str(s, ctx->src_mac, PROTO_DHCPV6, "dhcpv6.role", "server");

        struct numlist codes = { .len = 0 };
        unsigned ncodes = 0;
        while (cur_ok(m) && cur_left(m) > 0) {
                uint16_t code = cur_be16(m);
                uint16_t len = cur_be16(m);
                struct cursor o = cur_sub(m, len);
                if (!cur_ok(m))
                        return overrun(m, w->whole);
                if (ncodes++ < D6_OPTLIST_MAX)
                        numlist_add(&codes, code);
                enum dissect_res r = DISSECT_OK;
                if (mac)
                        r = client_option(code, &o, mac, s);
                else if (bind && code == D6_OPT_IA_NA)
                        r = ia_addresses(&o, D6_IA_NA_FIXED, bind, s);
                else if (bind && code == D6_OPT_IA_TA)
                        r = ia_addresses(&o, D6_IA_TA_FIXED, bind, s);
                if (r != DISSECT_OK)
                        return r;
        }
        if (!mac)
                return DISSECT_OK;
        if (codes.len)
                obs_attr(s, mac, PROTO_DHCPV6, "dhcpv6.options", codes.buf, codes.len);
        if (w->client_ip && ip6_link_local(w->client_ip))
                obs_ipv6(s, mac, PROTO_DHCPV6, w->client_ip);
        return DISSECT_OK;
}

/* What a Relay-forw/Relay-repl header (RFC 8415 §9.1, §9.2) says. */
struct d6_relay {
        struct cursor inner;    /* the Relay Message option's body */
        uint8_t peer[16];       /* peer address: the client, or the relay below */
        uint8_t lla[6];         /* RFC 6939 Client Link-Layer Address, when has_lla */
        bool has_lla;
};

/* A relay header and its options; *ret is written only on success. */
static enum dissect_res relay(struct cursor *m, bool whole, struct d6_relay *ret)
{
        struct d6_relay r = { .has_lla = false };
        bool has_inner = false;
        cur_u8(m);                              /* type */
        cur_u8(m);                              /* hop count */
        cur_skip(m, 16);                        /* link address */
        cur_copy(m, r.peer, 16);
        if (!cur_ok(m))
                return overrun(m, whole);
        while (cur_ok(m) && cur_left(m) > 0) {
                uint16_t code = cur_be16(m);
                uint16_t len = cur_be16(m);
                struct cursor o = cur_sub(m, len);
                if (!cur_ok(m))
                        return overrun(m, whole);
                if (code == D6_OPT_RELAY_MSG && !has_inner) {
                        r.inner = o;
                        has_inner = true;
                } else if (code == D6_OPT_CLIENT_LINKLAYER && !r.has_lla) {
                        uint16_t hw = cur_be16(&o);
                        if (cur_ok(&o) && hw == HWTYPE_ETHERNET && cur_left(&o) == 6)
                                r.has_lla = cur_copy(&o, r.lla, 6);
                }
        }
        /* RFC 8415 §9: a relay message always carries the message it relays
         * (unless the rest was cut off by the snap length) */
        if (!has_inner)
                return overrun(m, whole);
        *ret = r;
        return DISSECT_OK;
}

enum dissect_res dissect_dhcp6(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s)
{
        struct d6_where w = {
                .client_mac = ctx->src_mac,
                .client_ip = ctx->ip_src,
                .reply_mac = ctx->has_dst_mac ? ctx->dst_mac : NULL,
                .top = true,
                .whole = c->end < c->msg_len,
        };
        struct d6_relay rl;
        struct cursor m = *c;

        /* Peel relay headers, outermost first; one more than the hop count
         * limit allows is malformed. */
        for (unsigned depth = 0; depth <= D6_HOP_COUNT_LIMIT; depth++) {
                uint8_t type;
                if (!cur_peek_u8(&m, 0, &type))
                        return overrun(&m, w.whole);    /* empty */
                if (type != D6_RELAY_FORW && type != D6_RELAY_REPL)
                        return leaf(&m, ctx, s, &w);
                if (depth == D6_HOP_COUNT_LIMIT)
                        break;

                enum dissect_res r = relay(&m, w.whole, &rl);
                if (r != DISSECT_OK)
                        return r;
                if (depth == 0 && type == D6_RELAY_FORW && mac_is_unicast(ctx->src_mac))
                        obs_attr_str(s, ctx->src_mac, PROTO_DHCPV6, "dhcpv6.role", "relay");
                /* The innermost Relay-forw is the one on the client's link:
                 * its peer address is the client's, its RFC 6939 option the
                 * client's MAC. Nothing inside a Relay-repl binds. */
                w.top = false;
                w.whole = true;
                w.reply_mac = NULL;
                if (type == D6_RELAY_FORW && rl.has_lla) {
                        w.client_mac = rl.lla;
                        w.client_ip = rl.peer;
                } else {
                        w.client_mac = NULL;
                        w.client_ip = NULL;
                }
                m = rl.inner;
        }
        return DISSECT_MALFORMED;               /* nested deeper than HOP_COUNT_LIMIT */
}
