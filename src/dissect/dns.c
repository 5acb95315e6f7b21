/* dns.c - DNS (RFC 1035), Multicast DNS (RFC 6762) with DNS-SD (RFC 6763)
 * and LLMNR (RFC 4795): one wire format, told apart by the UDP ports.
 *
 * What each says about the station that sent it (ctx->src_mac):
 *   mDNS   a response (source port 5353) and a probe's authority section
 *          (RFC 6762 §8.2) hold the sender's own records: host name and
 *          addresses (A/AAAA), reverse PTR (its name), services (PTR, SRV),
 *          TXT strings, HINFO. A query's questions say what it looks for.
 *          Known answers in a query are other hosts' records: not used.
 *   LLMNR  a response (source port 5355) names the responder and gives its
 *          addresses; a query's questions say what it looks for.
 *   DNS    (port 53) answers about other hosts, so only the role of a
 *          station answering from port 53 is kept.
 * Every section is parsed, so a message gets a verdict even when nothing
 * in it is kept. Each record's rdata is a sub-cursor of rdlength: running
 * out inside it is MALFORMED, running out of the message is TRUNCATED.
 * Names are decoded only by dns_name.c.
 */
#include "netinv/dissect.h"
#include "netinv/dns_name.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define DNS_FLAG_QR             0x8000  /* RFC 1035 §4.1.1: a response */
#define DNS_OPCODE(flags)       (((flags) >> 11) & 0x0f)
#define DNS_OPCODE_QUERY        0       /* RFC 1035 §4.1.1 */

#define DNS_CLASS_IN            1       /* RFC 1035 §3.2.4 */
/* mDNS reuses the top bit of the class: cache-flush in records (RFC 6762
 * §10.2), unicast-response wanted in questions (RFC 6762 §5.4). */
#define MDNS_CLASS_TOP_BIT      0x8000

/* Resource record types (IANA "Resource Record (RR) TYPEs"). */
#define DNS_TYPE_A              1       /* RFC 1035 §3.4.1 */
#define DNS_TYPE_NS             2
#define DNS_TYPE_CNAME          5
#define DNS_TYPE_SOA            6
#define DNS_TYPE_PTR            12      /* RFC 1035 §3.3.12 */
#define DNS_TYPE_HINFO          13      /* RFC 1035 §3.3.2 */
#define DNS_TYPE_MX             15
#define DNS_TYPE_TXT            16      /* RFC 1035 §3.3.14, RFC 6763 §6 */
#define DNS_TYPE_AAAA           28      /* RFC 3596 §2.2 */
#define DNS_TYPE_SRV            33      /* RFC 2782 */
#define DNS_TYPE_NAPTR          35
#define DNS_TYPE_OPT            41      /* RFC 6891 */
#define DNS_TYPE_NSEC           47      /* RFC 4034; mDNS negative answers */
#define DNS_TYPE_SVCB           64      /* RFC 9460 */
#define DNS_TYPE_HTTPS          65
#define DNS_TYPE_ANY            255     /* RFC 1035 §3.2.3 QTYPE "*" */

#define SRV_FIXED_LEN           6       /* priority, weight, port */

/* DNS-SD names (RFC 6763 §9 service type enumeration, §7.1 subtypes). */
#define DNSSD_SERVICES          "_services._dns-sd._udp.local"
#define DNSSD_SUBTYPE_LABEL     "_sub"

/* One message being decoded. */
struct dns_msg {
        const struct frame_ctx *ctx;
        struct obs_sink *s;
        enum proto proto;
        bool can_emit;                  /* the sender MAC can key a device */
};

/* A decoded resource record header; the owner name is in text form. */
struct dns_rr {
        const char *owner;
        size_t owner_len;
        uint16_t type;
};

static enum dissect_res name_verdict(int r, bool in_rdata)
{
        /* Running out inside an rdata sub-cursor whose bytes are all present
         * means the rdata disagrees with its rdlength. */
        if (r == -ENODATA)
                return in_rdata ? DISSECT_MALFORMED : DISSECT_TRUNCATED;
        return DISSECT_MALFORMED;
}

/* ---- observations, each at most once per frame ----------------------- */

/* Is (a sep b) already in the sink for this station, kind and key? A
 * response repeats its host name in every SRV; the sink is small. */
static bool have(const struct dns_msg *d, enum obs_kind kind, const char *key,
                 const void *a, size_t alen, char sep, const void *b, size_t blen)
{
        size_t total = alen + (sep ? 1 : 0) + blen;
        for (size_t i = 0; i < d->s->n; i++) {
                const struct obs *o = &d->s->obs[i];
                if (o->kind != kind || o->source != d->proto ||
                    memcmp(o->mac, d->ctx->src_mac, 6) != 0)
                        continue;
                if ((key == NULL) != (o->key == NULL) || (key && strcmp(key, o->key) != 0))
                        continue;
                if (o->val_len != total || memcmp(o->val, a, alen) != 0)
                        continue;
                if (sep && o->val[alen] != sep)
                        continue;
                if (blen && memcmp(o->val + total - blen, b, blen) != 0)
                        continue;
                return true;
        }
        return false;
}

static void put_attr2(const struct dns_msg *d, const char *key, const void *a, size_t alen,
                      const void *b, size_t blen)
{
        if (!d->can_emit || have(d, OBS_ATTR, key, a, alen, ' ', b, blen))
                return;
        obs_attr_pair(d->s, d->ctx->src_mac, d->proto, key, a, alen, ' ', b, blen);
}

static void put_attr(const struct dns_msg *d, const char *key, const void *a, size_t alen)
{
        if (!d->can_emit || have(d, OBS_ATTR, key, a, alen, 0, NULL, 0))
                return;
        obs_attr(d->s, d->ctx->src_mac, d->proto, key, a, alen);
}

static void put_host(const struct dns_msg *d, const char *name, size_t len)
{
        if (!d->can_emit || len == 0 || dns_name_is_root(name, len) ||
            have(d, OBS_HOSTNAME, NULL, name, len, 0, NULL, 0))
                return;
        obs_hostname(d->s, d->ctx->src_mac, d->proto, name, len);
}

static bool have_addr(const struct dns_msg *d, enum obs_kind kind, const uint8_t *addr,
                      size_t n)
{
        for (size_t i = 0; i < d->s->n; i++) {
                const struct obs *o = &d->s->obs[i];
                if (o->kind == kind && o->source == d->proto &&
                    memcmp(o->mac, d->ctx->src_mac, 6) == 0 && memcmp(o->addr, addr, n) == 0)
                        return true;
        }
        return false;
}

static void put_ipv4(const struct dns_msg *d, const uint8_t ip[4])
{
        if (d->can_emit && !have_addr(d, OBS_IPV4, ip, 4))
                obs_ipv4(d->s, d->ctx->src_mac, d->proto, ip);
}

static void put_ipv6(const struct dns_msg *d, const uint8_t ip[16])
{
        if (d->can_emit && !have_addr(d, OBS_IPV6, ip, 16))
                obs_ipv6(d->s, d->ctx->src_mac, d->proto, ip);
}

/* ---- DNS-SD name shapes (text form) ---------------------------------- */

static bool name_eq(const char *name, size_t len, const char *plain)
{
        return len == strlen(plain) && dns_name_has_suffix(name, len, plain);
}

static bool is_reverse(const char *name, size_t len)
{
        return dns_name_has_suffix(name, len, "in-addr.arpa") ||     /* RFC 1035 §3.5 */
               dns_name_has_suffix(name, len, "ip6.arpa");           /* RFC 3596 §2.5 */
}

/* The name without its first label ("lab-printer._device-info._tcp.local"
 * → "_device-info._tcp.local"), when what is left is a DNS-SD service type
 * (its first label starts with '_'). false otherwise. */
static bool service_of_instance(const char *name, size_t len, const char **ret_svc,
                                size_t *ret_len)
{
        size_t l = dns_name_label_len(name, len);
        if (l + 1 >= len || name[l + 1] != '_')
                return false;
        *ret_svc = name + l + 1;
        *ret_len = len - l - 1;
        return true;
}

/* ---- record types ---------------------------------------------------- */

static enum dissect_res rr_addr(const struct dns_msg *d, const struct dns_rr *rr,
                                struct cursor *rd, bool emit)
{
        uint8_t ip[16];
        size_t n = rr->type == DNS_TYPE_A ? 4 : 16;
        if (cur_left(rd) != n)
                return DISSECT_MALFORMED;
        cur_copy(rd, ip, n);
        if (!cur_ok(rd))
                return DISSECT_MALFORMED;
        if (!emit)
                return DISSECT_OK;
        put_host(d, rr->owner, rr->owner_len);
        if (n == 4)
                put_ipv4(d, ip);
        else
                put_ipv6(d, ip);
        return DISSECT_OK;
}

static enum dissect_res rr_ptr(const struct dns_msg *d, const struct dns_rr *rr,
                               struct cursor *rd, bool emit)
{
        char target[DNS_NAME_BUFSZ];
        size_t tlen;
        int r = dns_name_read(rd, target, sizeof(target), &tlen);
        if (r < 0)
                return name_verdict(r, true);
        if (cur_left(rd) != 0)
                return DISSECT_MALFORMED;
        if (!emit)
                return DISSECT_OK;

        /* A reverse-mapping PTR the sender publishes names the sender. */
        if (is_reverse(rr->owner, rr->owner_len)) {
                put_host(d, target, tlen);
                return DISSECT_OK;
        }
        if (d->proto != PROTO_MDNS)
                return DISSECT_OK;
        if (name_eq(rr->owner, rr->owner_len, DNSSD_SERVICES)) {
                put_attr(d, "mdns.service", target, tlen);
                return DISSECT_OK;
        }
        /* "<service type> PTR <instance>", the type maybe behind a subtype
         * ("_printer._sub._ipp._tcp.local"). */
        const char *svc = rr->owner;
        size_t slen = rr->owner_len;
        if (slen == 0 || svc[0] != '_')
                return DISSECT_OK;
        size_t l1 = dns_name_label_len(svc, slen);
        if (l1 < slen) {
                const char *rest = svc + l1 + 1;
                size_t rlen = slen - l1 - 1;
                size_t l2 = dns_name_label_len(rest, rlen);
                if (l2 < rlen && l2 == strlen(DNSSD_SUBTYPE_LABEL) &&
                    dns_name_has_suffix(rest, l2, DNSSD_SUBTYPE_LABEL)) {
                        svc = rest + l2 + 1;
                        slen = rlen - l2 - 1;
                }
        }
        put_attr(d, "mdns.service", svc, slen);
        put_attr(d, "mdns.instance", target, tlen);
        return DISSECT_OK;
}

static enum dissect_res rr_srv(const struct dns_msg *d, const struct dns_rr *rr,
                               struct cursor *rd, bool emit)
{
        char target[DNS_NAME_BUFSZ];
        char val[DNS_NAME_BUFSZ + 8];   /* "<port> <target>" */
        size_t tlen;

        cur_be16(rd);                   /* priority */
        cur_be16(rd);                   /* weight */
        uint16_t port = cur_be16(rd);
        if (!cur_ok(rd))
                return DISSECT_MALFORMED;
        int r = dns_name_read(rd, target, sizeof(target), &tlen);
        if (r < 0)
                return name_verdict(r, true);
        if (cur_left(rd) != 0)
                return DISSECT_MALFORMED;
        if (!emit || d->proto != PROTO_MDNS)
                return DISSECT_OK;

        int n = snprintf(val, sizeof(val), "%u ", (unsigned)port);
        if (n < 0 || (size_t)n + tlen >= sizeof(val))
                return DISSECT_OK;      /* cannot happen: tlen < DNS_NAME_BUFSZ */
        memcpy(val + n, target, tlen);
        put_attr2(d, "mdns.srv", rr->owner, rr->owner_len, val, (size_t)n + tlen);
        put_attr(d, "mdns.instance", rr->owner, rr->owner_len);
        const char *svc;
        size_t slen;
        if (service_of_instance(rr->owner, rr->owner_len, &svc, &slen))
                put_attr(d, "mdns.service", svc, slen);
        put_host(d, target, tlen);
        return DISSECT_OK;
}

/* RFC 1035 §3.3: <character-string> is a length byte and that many bytes. */
static const uint8_t *char_string(struct cursor *rd, size_t *ret_len)
{
        uint8_t n = cur_u8(rd);
        const uint8_t *p = cur_view(rd, n);
        if (!cur_ok(rd))
                return NULL;
        *ret_len = n;
        return p;
}

static enum dissect_res rr_txt(const struct dns_msg *d, const struct dns_rr *rr,
                               struct cursor *rd, bool emit)
{
        /* First check that the strings tile the rdata exactly, then emit:
         * a record is kept whole or not at all. Each pass advances at least
         * the length byte. */
        struct cursor chk = *rd;
        while (cur_ok(&chk) && cur_left(&chk) > 0) {
                size_t n;
                if (!char_string(&chk, &n))
                        return DISSECT_MALFORMED;
        }
        /* RFC 1035 wants at least one string; RFC 6763 §6.1 says an empty
         * rdata is to be read as one empty string. Accept it. */
        if (!emit || d->proto != PROTO_MDNS)
                return DISSECT_OK;
        const char *svc;
        size_t slen;
        if (!service_of_instance(rr->owner, rr->owner_len, &svc, &slen))
                return DISSECT_OK;
        while (cur_ok(rd) && cur_left(rd) > 0) {
                size_t n;
                const uint8_t *p = char_string(rd, &n);
                if (p && n > 0)         /* RFC 6763 §6.1: empty strings carry nothing */
                        put_attr2(d, "mdns.txt", svc, slen, p, n);
        }
        return DISSECT_OK;
}

static enum dissect_res rr_hinfo(const struct dns_msg *d, struct cursor *rd, bool emit)
{
        size_t clen, olen;
        const uint8_t *cpu = char_string(rd, &clen);
        const uint8_t *os = cpu ? char_string(rd, &olen) : NULL;
        if (!os || cur_left(rd) != 0)
                return DISSECT_MALFORMED;
        if (emit && d->proto == PROTO_MDNS)
                put_attr2(d, "mdns.hinfo", cpu, clen, os, olen);
        return DISSECT_OK;
}

/* One resource record (RFC 1035 §4.1.3). `emit`: it describes the sender. */
static enum dissect_res parse_rr(const struct dns_msg *d, struct cursor *m, bool emit)
{
        char owner[DNS_NAME_BUFSZ];
        size_t olen;
        int r = dns_name_read(m, owner, sizeof(owner), &olen);
        if (r < 0)
                return name_verdict(r, false);
        uint16_t type = cur_be16(m);
        uint16_t cls = cur_be16(m);
        cur_skip(m, 4);                 /* TTL */
        uint16_t rdlen = cur_be16(m);
        struct cursor rd = cur_sub(m, rdlen);
        if (!cur_ok(m))
                return DISSECT_TRUNCATED;
        if (d->proto == PROTO_MDNS)
                cls &= (uint16_t)~MDNS_CLASS_TOP_BIT;
        if (cls != DNS_CLASS_IN)
                return DISSECT_OK;      /* OPT, CHAOS ...: nothing about a station */

        struct dns_rr rr = { .owner = owner, .owner_len = olen, .type = type };
        switch (type) {
        case DNS_TYPE_A:
        case DNS_TYPE_AAAA:
                return rr_addr(d, &rr, &rd, emit);
        case DNS_TYPE_PTR:
                return rr_ptr(d, &rr, &rd, emit);
        case DNS_TYPE_SRV:
                return rr_srv(d, &rr, &rd, emit);
        case DNS_TYPE_TXT:
                return rr_txt(d, &rr, &rd, emit);
        case DNS_TYPE_HINFO:
                return rr_hinfo(d, &rd, emit);
        default:
                return DISSECT_OK;      /* skipped by its rdlength */
        }
}

static const char *type_name(uint16_t t, char *buf, size_t n)
{
        switch (t) {
        case DNS_TYPE_A: return "A";
        case DNS_TYPE_NS: return "NS";
        case DNS_TYPE_CNAME: return "CNAME";
        case DNS_TYPE_SOA: return "SOA";
        case DNS_TYPE_PTR: return "PTR";
        case DNS_TYPE_HINFO: return "HINFO";
        case DNS_TYPE_MX: return "MX";
        case DNS_TYPE_TXT: return "TXT";
        case DNS_TYPE_AAAA: return "AAAA";
        case DNS_TYPE_SRV: return "SRV";
        case DNS_TYPE_NAPTR: return "NAPTR";
        case DNS_TYPE_OPT: return "OPT";
        case DNS_TYPE_NSEC: return "NSEC";
        case DNS_TYPE_SVCB: return "SVCB";
        case DNS_TYPE_HTTPS: return "HTTPS";
        case DNS_TYPE_ANY: return "ANY";
        default:
                snprintf(buf, n, "TYPE%u", (unsigned)t);     /* RFC 3597 §5 */
                return buf;
        }
}

/* One question (RFC 1035 §4.1.2); `key` is where a query's question goes,
 * NULL when it is not kept. */
static enum dissect_res parse_question(const struct dns_msg *d, struct cursor *m, const char *key)
{
        char name[DNS_NAME_BUFSZ], tbuf[16];
        size_t len;
        int r = dns_name_read(m, name, sizeof(name), &len);
        if (r < 0)
                return name_verdict(r, false);
        uint16_t qtype = cur_be16(m);
        cur_be16(m);                    /* class; mDNS's top bit is QU (unicast reply wanted) */
        if (!cur_ok(m))
                return DISSECT_TRUNCATED;
        if (key) {
                const char *t = type_name(qtype, tbuf, sizeof(tbuf));
                put_attr2(d, key, name, len, t, strlen(t));
        }
        return DISSECT_OK;
}

static enum proto which_proto(const struct frame_ctx *ctx)
{
        if (ctx->sport == PORT_MDNS || ctx->dport == PORT_MDNS)
                return PROTO_MDNS;
        if (ctx->sport == PORT_LLMNR || ctx->dport == PORT_LLMNR)
                return PROTO_LLMNR;
        return PROTO_DNS;
}

enum dissect_res dissect_dns(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s)
{
        /* A cursor whose message is the DNS message, so that compression
         * offsets line up with cur_at(). */
        size_t n = cur_left(c);
        const uint8_t *bytes = cur_view(c, n);
        struct cursor m;
        cur_init(&m, bytes, bytes ? n : 0);

        struct dns_msg d = {
                .ctx = ctx, .s = s, .proto = which_proto(ctx),
                .can_emit = mac_is_unicast(ctx->src_mac),
        };
        cur_be16(&m);                   /* ID */
        uint16_t flags = cur_be16(&m);
        uint16_t count[4];              /* QD, AN, NS, AR */
        for (unsigned i = 0; i < 4; i++)
                count[i] = cur_be16(&m);
        if (!cur_ok(&m))
                return DISSECT_TRUNCATED;

        bool qr = (flags & DNS_FLAG_QR) != 0;
        if (d.proto == PROTO_DNS && qr && ctx->sport == PORT_DNS && d.can_emit)
                obs_attr_str(s, ctx->src_mac, PROTO_DNS, "dns.role", "server");
        /* mDNS and LLMNR receivers ignore other opcodes (RFC 6762 §18.3,
         * RFC 4795 §2.1.1); so do we. */
        if (DNS_OPCODE(flags) != DNS_OPCODE_QUERY)
                return DISSECT_IGNORED;

        /* Which sections describe the sender, and where its questions go.
         * A response counts only from the protocol's port: mDNS receivers
         * must ignore others (RFC 6762 §6; legacy unicast replies come from
         * 5353 too), and an LLMNR responder answers from the socket it
         * listens on (5355), so a QR=1 message sent *to* 5355 is not one. */
        const char *qkey = NULL;
        bool emit[3] = { false, false, false };         /* AN, NS, AR */
        if (d.proto == PROTO_MDNS) {
                bool resp = qr && ctx->sport == PORT_MDNS;
                qkey = qr ? NULL : "mdns.question";
                emit[0] = emit[2] = resp;
                emit[1] = resp || !qr;  /* a probe's proposed records, §8.2 */
        } else if (d.proto == PROTO_LLMNR) {
                bool resp = qr && ctx->sport == PORT_LLMNR;
                qkey = qr ? NULL : "llmnr.question";
                emit[0] = emit[1] = emit[2] = resp;
        }

        /* Each pass reads at least 5 bytes (question) or 11 (record); the
         * counts are at most 65535 and cur_ok() stops a cut message. */
        for (unsigned i = 0; i < count[0] && cur_ok(&m); i++) {
                enum dissect_res r = parse_question(&d, &m, qkey);
                if (r != DISSECT_OK)
                        return r;
        }
        for (unsigned sec = 0; sec < 3; sec++) {
                for (unsigned i = 0; i < count[sec + 1] && cur_ok(&m); i++) {
                        enum dissect_res r = parse_rr(&d, &m, emit[sec]);
                        if (r != DISSECT_OK)
                                return r;
                }
        }
        if (!cur_ok(&m))
                return m.err == CUR_TRUNC ? DISSECT_TRUNCATED : DISSECT_MALFORMED;
        return DISSECT_OK;
}
