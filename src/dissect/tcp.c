/* tcp.c - TCP (RFC 9293) segments that answer a SYN: what the tcp probe's
 * SYNs bring back, and any SYN-ACK seen passively.
 *
 * A SYN-ACK says the sender's port is open (tcp.open), and its shape (the
 * IP TTL, the window, the MSS and the order of its options) is a weak
 * fingerprint of the sender's TCP stack (tcp.syn_ack, ip.ttl), matched by
 * data/identify/50-weak.rules. A RST+ACK with sequence number 0 is what a
 * closed port answers to a SYN (RFC 9293 §3.10.7.1: no ACK in the SYN, so
 * SEQ=0 and ACK=SEG.SEQ+SEG.LEN): tcp.closed. Every other segment -- the
 * bulk of any capture, and the RSTs the scanning host's kernel sends for
 * SYN-ACKs it has no socket for (no ACK flag) -- is ignored after reading
 * 14 bytes.
 *
 * Observations are about the Ethernet source (ctx->src_mac), so only
 * segments that did not cross a router count: a router decrements the TTL
 * (hop limit) and puts its own MAC on what it forwards, so a SYN-ACK from
 * a server on the Internet would otherwise make the LAN's gateway look like
 * that server. A segment from a station on the link still carries its
 * stack's initial TTL, and stacks use a few (on_link_ttl); anything else is
 * ignored. The caller (demux.c) has filled ctx->ip_version and ip_ttl.
 */
#include "netinv/dissect.h"

#include <stdio.h>
#include <string.h>

#define TCP_HDR_MIN     20      /* RFC 9293 §3.1: data offset >= 5 words */
#define TCP_FL_SYN      0x02    /* RFC 9293 §3.1 control bits */
#define TCP_FL_RST      0x04
#define TCP_FL_ACK      0x10

/* Option kinds (IANA "TCP Option Kind Numbers"). */
#define TCPOPT_EOL      0       /* RFC 9293 §3.2 */
#define TCPOPT_NOP      1       /* RFC 9293 §3.2 */
#define TCPOPT_MSS      2       /* RFC 9293 §3.2, length 4 */
#define TCPOPT_WS       3       /* RFC 7323 §2.2 window scale, length 3 */
#define TCPOPT_SOK      4       /* RFC 2018 §2 SACK permitted, length 2 */
#define TCPOPT_SACK     5       /* RFC 2018 §3 */
#define TCPOPT_TS       8       /* RFC 7323 §3.2 timestamps, length 10 */

/* 40 option bytes at most (data offset 15): 40 one-byte options of at
 * most four characters and a comma each. */
#define LAYOUT_MAX      (40 * 5 + 1)

struct layout {
        char s[LAYOUT_MAX];
        size_t n;
};

static void layout_add(struct layout *l, const char *name)
{
        size_t k = strlen(name);
        if (l->n + k + 2 > sizeof(l->s))
                return;         /* cannot happen with 40 bytes of options */
        if (l->n)
                l->s[l->n++] = ',';
        memcpy(l->s + l->n, name, k);
        l->n += k;
        l->s[l->n] = '\0';
}

static const char *opt_name(uint8_t kind, char *buf, size_t n)
{
        switch (kind) {
        case TCPOPT_EOL: return "eol";
        case TCPOPT_NOP: return "nop";
        case TCPOPT_MSS: return "mss";
        case TCPOPT_WS: return "ws";
        case TCPOPT_SOK: return "sok";
        case TCPOPT_SACK: return "sack";
        case TCPOPT_TS: return "ts";
        default:
                snprintf(buf, n, "k%u", kind);
                return buf;
        }
}

/* Walk the options: their layout and the MSS. DISSECT_OK, or
 * DISSECT_MALFORMED for a length below 2 or past the header's end (the
 * options cursor is the whole header: running out is not a cut). */
static enum dissect_res walk_options(struct cursor *o, struct layout *l, uint16_t *ret_mss)
{
        char kbuf[8];

        /* Each pass reads at least one byte; a 40-byte window bounds it too. */
        while (cur_ok(o) && cur_left(o) > 0) {
                uint8_t kind = cur_u8(o);
                layout_add(l, opt_name(kind, kbuf, sizeof(kbuf)));
                if (kind == TCPOPT_EOL)
                        break;          /* the rest is padding */
                if (kind == TCPOPT_NOP)
                        continue;
                uint8_t len = cur_u8(o);
                if (!cur_ok(o) || len < 2 || (size_t)len - 2 > cur_left(o))
                        return DISSECT_MALFORMED;
                struct cursor body = cur_sub(o, (size_t)len - 2);
                if (kind == TCPOPT_MSS && len == 4)
                        *ret_mss = cur_be16(&body);
        }
        return DISSECT_OK;
}

/* Initial TTLs / hop limits of the stacks seen on LANs: 64 (Linux, BSD,
 * macOS, iOS, Android), 128 (Windows), 255 (Cisco IOS, Solaris, much
 * network gear), 32 (Windows 9x), 60 and 30 (old embedded and print
 * servers). Every router on the path takes at least one off (RFC 791
 * §3.2, RFC 8200 §3), so no forwarded segment keeps one of these. */
static bool on_link_ttl(uint8_t ttl)
{
        return ttl == 64 || ttl == 128 || ttl == 255 || ttl == 32 || ttl == 60 || ttl == 30;
}

static void emit_u(struct obs_sink *s, const uint8_t mac[6], const char *key, unsigned v)
{
        char buf[12];
        snprintf(buf, sizeof(buf), "%u", v);
        obs_attr_str(s, mac, PROTO_TCP, key, buf);
}

enum dissect_res dissect_tcp(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s)
{
        uint16_t sport = cur_be16(c);
        cur_skip(c, 2);                         /* destination port */
        uint32_t seq = cur_be32(c);
        cur_skip(c, 4);                         /* acknowledgment number */
        uint8_t doff = cur_u8(c) >> 4;
        uint8_t flags = cur_u8(c);
        if (!cur_ok(c))
                return DISSECT_TRUNCATED;
        bool syn_ack = (flags & (TCP_FL_SYN | TCP_FL_ACK | TCP_FL_RST)) == (TCP_FL_SYN | TCP_FL_ACK);
        bool rst_ack = (flags & (TCP_FL_SYN | TCP_FL_ACK | TCP_FL_RST)) == (TCP_FL_RST | TCP_FL_ACK);
        if (!syn_ack && !(rst_ack && seq == 0))
                return DISSECT_IGNORED;
        if (!mac_is_unicast(ctx->src_mac) || (ctx->ip_version != 4 && ctx->ip_version != 6) ||
            !on_link_ttl(ctx->ip_ttl))
                return DISSECT_IGNORED;
        uint16_t win = cur_be16(c);
        cur_skip(c, 4);                         /* checksum, urgent pointer */
        if (!cur_ok(c))
                return DISSECT_TRUNCATED;
        if ((size_t)doff * 4 < TCP_HDR_MIN)
                return DISSECT_MALFORMED;
        if (sport == 0)
                return DISSECT_MALFORMED;       /* port 0 is reserved (IANA): no stack answers from it */

        if (rst_ack) {
                emit_u(s, ctx->src_mac, "tcp.closed", sport);
                return DISSECT_OK;
        }
        emit_u(s, ctx->src_mac, "tcp.open", sport);
        emit_u(s, ctx->src_mac, "ip.ttl", ctx->ip_ttl);

        struct cursor opts = cur_sub(c, (size_t)doff * 4 - TCP_HDR_MIN);
        if (!cur_ok(c))
                return DISSECT_TRUNCATED;
        struct layout l = { .n = 0 };
        uint16_t mss = 0;
        l.s[0] = '\0';
        enum dissect_res r = walk_options(&opts, &l, &mss);
        if (r != DISSECT_OK)
                return r;

        char shape[64 + LAYOUT_MAX];
        int n = snprintf(shape, sizeof(shape), "ttl=%u,win=%u,mss=%u,opts=%s", ctx->ip_ttl, win,
                         mss, l.s);
        if (n > 0)
                obs_attr(s, ctx->src_mac, PROTO_TCP, "tcp.syn_ack", shape,
                         (size_t)n < sizeof(shape) ? (size_t)n : sizeof(shape) - 1);
        return DISSECT_OK;
}
