/* gen-frames.c - the frames gen-mixed writes: ARP, DHCP DISCOVER/REQUEST,
 * mDNS announcements and TCP connections (handshake, bulk data, close),
 * each with correct lengths and checksums. Frames are built in g->frame and
 * appended to the capture with emit(). Test tool only; not part of netinv.
 */
#include "gen-mixed.h"

#include <string.h>

#define ETH_HLEN                14
#define ETHERTYPE_IPV4          0x0800  /* IEEE registry */
#define ETHERTYPE_ARP           0x0806
#define ARP_LEN                 28      /* RFC 826, Ethernet/IPv4 */
#define ARP_OP_REQUEST          1       /* RFC 826 */
#define ARP_OP_REPLY            2
#define IPV4_HLEN               20      /* RFC 791 §3.1, no options */
#define IPPROTO_TCP_            6
#define IPPROTO_UDP_            17
#define IP_DF                   0x4000  /* RFC 791 §3.1 flags */
#define UDP_HLEN                8       /* RFC 768 */
#define TCP_HLEN                20      /* RFC 9293 §3.1 */
#define TCP_FIN                 0x01
#define TCP_SYN                 0x02
#define TCP_RST                 0x04
#define TCP_PSH                 0x08
#define TCP_ACK                 0x10
#define TCPOPT_EOL              0       /* RFC 9293 §3.2 */
#define TCPOPT_NOP              1
#define TCPOPT_MSS              2
#define TCPOPT_WS               3       /* RFC 7323 §2.2 */
#define TCPOPT_SACK_PERM        4       /* RFC 2018 §2 */
#define TCPOPT_TS               8       /* RFC 7323 §3.2 */
#define PORT_DHCP_SERVER        67      /* RFC 2131 §4.1 */
#define PORT_DHCP_CLIENT        68
#define PORT_MDNS               5353    /* RFC 6762 §3 */
#define BOOTP_FIXED             236     /* RFC 2131 §2, before the magic cookie */
#define BOOTP_MIN               300     /* RFC 1542 §3.3 minimum BOOTP message */
#define DHCP_MAGIC              0x63825363u /* RFC 2131 §3 */
#define DHCP_OPT_HOSTNAME       12      /* RFC 2132 §3.14 */
#define DHCP_OPT_REQ_IP         50      /* RFC 2132 §9.1 */
#define DHCP_OPT_LEASE          51      /* RFC 2132 §9.2 */
#define DHCP_OPT_MSG_TYPE       53      /* RFC 2132 §9.6 */
#define DHCP_OPT_SERVER_ID      54      /* RFC 2132 §9.7 */
#define DHCP_OPT_PRL            55      /* RFC 2132 §9.8 */
#define DHCP_OPT_MAX_SIZE       57      /* RFC 2132 §9.10 */
#define DHCP_OPT_VENDOR_CLASS   60      /* RFC 2132 §9.13 */
#define DHCP_OPT_CLIENT_ID      61      /* RFC 2132 §9.14 */
#define DHCP_OPT_FQDN           81      /* RFC 4702 §2 */
#define DHCP_OPT_END            255     /* RFC 2132 §3.2 */
#define DHCPDISCOVER            1       /* RFC 2132 §9.6 */
#define DHCPREQUEST             3
#define DNS_HLEN                12      /* RFC 1035 §4.1.1 */
#define DNS_FLAGS_AA_RESPONSE   0x8400  /* QR + AA, RFC 6762 §18 */
#define DNS_TYPE_A              1       /* RFC 1035 §3.2.2 */
#define DNS_TYPE_PTR            12
#define DNS_TYPE_TXT            16
#define DNS_TYPE_SRV            33      /* RFC 2782 */
#define DNS_CLASS_IN            1
#define MDNS_CACHE_FLUSH        0x8000  /* RFC 6762 §10.2 */
#define DNS_PTR_MARK            0xc000  /* RFC 1035 §4.1.4 */

static const uint8_t prl_linux[] = { 1, 121, 33, 3, 6, 28, 51, 58, 59, 119 };
static const uint8_t prl_windows[] = { 1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252 };
static const uint8_t prl_macos[] = { 1, 121, 3, 6, 15, 108, 114, 119, 252, 95, 44, 46 };
static const uint8_t prl_android[] = { 1, 3, 6, 15, 26, 28, 51, 58, 59, 43, 114, 108 };
static const uint8_t prl_embedded[] = { 1, 3, 6, 12, 15, 28, 42 };

const struct persona personas[OS_MAX] = {
        [OS_LINUX] = { 64, 64240, 7, 1460, "MSTNW", prl_linux, sizeof(prl_linux),
                       "dhcpcd-9.4.1:Linux-6.1.0-rpi7-rpi-v8:aarch64:BCM2835", 1472, true },
        [OS_WINDOWS] = { 128, 64240, 8, 1460, "MNWNNS", prl_windows, sizeof(prl_windows),
                         "MSFT 5.0", 0, false },
        [OS_MACOS] = { 64, 65535, 6, 1460, "MNWNNTSEE", prl_macos, sizeof(prl_macos),
                       NULL, 1500, false },
        [OS_ANDROID] = { 64, 65535, 9, 1460, "MSTNW", prl_android, sizeof(prl_android),
                         "android-dhcp-13", 1500, false },
        [OS_EMBEDDED] = { 255, 5744, 0, 1436, "M", prl_embedded, sizeof(prl_embedded),
                          "udhcp 1.35.0", 576, false },
};

/* DNS-SD service types announced over mDNS (RFC 6763). */
struct service {
        const char *type;
        uint16_t port;
        const char *txt[5];
};

static const struct service services[SVC_MAX] = {
        [SVC_WORKSTATION] = { "_workstation._tcp", 9, { NULL } },
        [SVC_AIRPLAY] = { "_airplay._tcp", 7000,
                          { "model=MacBookPro18,3", "srcvers=620.8.2", "features=0x5A7FFEE6",
                            "flags=0x4", NULL } },
        [SVC_IPP] = { "_ipp._tcp", 631,
                      { "txtvers=1", "rp=ipp/print", "ty=HP LaserJet Pro M404dn",
                        "pdl=application/pdf,image/urf", "Color=F" } },
        [SVC_SMB] = { "_smb._tcp", 445, { NULL } },
        [SVC_CAST] = { "_googlecast._tcp", 8009,
                       { "md=Chromecast", "ve=05", "ca=201221", "st=0", "fn=Living Room TV" } },
        [SVC_HAP] = { "_hap._tcp", 80, { "c#=2", "ff=1", "md=Smart Plug", "pv=1.1", "sf=0" } },
};

static void put16(uint8_t *p, uint16_t v)
{
        p[0] = (uint8_t)(v >> 8);
        p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
        put16(p, (uint16_t)(v >> 16));
        put16(p + 2, (uint16_t)v);
}

/* RFC 1071 one's-complement sum. */
static uint64_t csum_add(uint64_t sum, const uint8_t *p, size_t len)
{
        for (; len > 1; p += 2, len -= 2)
                sum += (uint32_t)p[0] << 8 | p[1];
        if (len)
                sum += (uint32_t)p[0] << 8;
        return sum;
}

static uint16_t csum_fold(uint64_t sum)
{
        while (sum >> 16)
                sum = (sum & 0xffff) + (sum >> 16);
        return (uint16_t)~sum;
}

static size_t eth(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
        memcpy(f, dst, 6);
        memcpy(f + 6, src, 6);
        put16(f + 12, type);
        return ETH_HLEN;
}

/* Fill in the IPv4 header in front of an l4len-byte UDP or TCP segment
 * that is already in place, and both checksums. */
static void ip_finish(struct gen *g, const uint8_t src[4], const uint8_t dst[4], uint8_t proto,
                      uint8_t ttl, uint16_t id, bool df, size_t l4len)
{
        uint8_t *ip = g->frame + ETH_HLEN, *l4 = ip + IPV4_HLEN;
        size_t ck = proto == IPPROTO_TCP_ ? 16 : 6;    /* checksum offset in the segment */

        ip[0] = 0x45;
        ip[1] = 0;
        put16(ip + 2, (uint16_t)(IPV4_HLEN + l4len));
        put16(ip + 4, id);
        put16(ip + 6, df ? IP_DF : 0);
        ip[8] = ttl;
        ip[9] = proto;
        put16(ip + 10, 0);
        memcpy(ip + 12, src, 4);
        memcpy(ip + 16, dst, 4);
        put16(ip + 10, csum_fold(csum_add(0, ip, IPV4_HLEN)));

        put16(l4 + ck, 0);
        uint64_t s = csum_add(0, ip + 12, 8) + proto + l4len;   /* pseudo-header */
        uint16_t c = csum_fold(csum_add(s, l4, l4len));
        if (proto == IPPROTO_UDP_ && c == 0)
                c = 0xffff;                     /* RFC 768: 0 means "no checksum" */
        put16(l4 + ck, c);
}

/* ---- ARP: requests, replies, RFC 5227 probes and announcements ---- */

void gen_arp(struct gen *g)
{
        static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, zero[6] = { 0 };
        struct host *a = random_client(g);
        struct host *b = rnd(g, 3) == 0 ? &g->hosts[0] : &g->hosts[rnd(g, N_HOSTS)];
        uint32_t r = rnd(g, 100);
        const uint8_t *dst = bcast, *sha = a->ep.mac, *spa = a->ep.ip, *tha = zero,
                      *tpa = b->ep.ip;
        uint16_t op = ARP_OP_REQUEST;
        static const uint8_t any[4] = { 0 };

        if (b == a)
                b = &g->hosts[0];
        tpa = b->ep.ip;
        if (r < 35) {                           /* b answers a */
                op = ARP_OP_REPLY;
                dst = a->ep.mac;
                sha = b->ep.mac;
                spa = b->ep.ip;
                tha = a->ep.mac;
                tpa = a->ep.ip;
        } else if (r < 43) {                    /* RFC 5227 §2.1.1 probe */
                spa = any;
                tpa = a->ep.ip;
        } else if (r < 50) {                    /* RFC 5227 §2.3 announcement */
                tpa = a->ep.ip;
        }
        uint8_t *f = g->frame;
        size_t n = eth(f, dst, sha, ETHERTYPE_ARP);
        put16(f + n, 1);                        /* hardware: Ethernet */
        put16(f + n + 2, ETHERTYPE_IPV4);
        f[n + 4] = 6;
        f[n + 5] = 4;
        put16(f + n + 6, op);
        memcpy(f + n + 8, sha, 6);
        memcpy(f + n + 14, spa, 4);
        memcpy(f + n + 18, tha, 6);
        memcpy(f + n + 24, tpa, 4);
        emit(g, n + ARP_LEN, K_ARP);
}

/* ---- DHCP: DISCOVER then REQUEST from one client ---- */

static size_t opt(uint8_t *p, uint8_t code, const void *val, size_t len)
{
        p[0] = code;
        p[1] = (uint8_t)len;
        memcpy(p + 2, val, len);
        return 2 + len;
}

void gen_dhcp(struct gen *g)
{
        static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
        static const uint8_t ip_any[4] = { 0 }, ip_bcast[4] = { 255, 255, 255, 255 };
        struct host *h = random_client(g);
        const struct persona *p = &personas[h->ep.os];
        uint8_t *f = g->frame, *b = f + ETH_HLEN + IPV4_HLEN + UDP_HLEN, v[64];
        bool request = h->sent_discover;

        if (!request)
                h->xid = (uint32_t)rnd64(g);
        h->sent_discover = !request;
        eth(f, bcast, h->ep.mac, ETHERTYPE_IPV4);
        memset(b, 0, BOOTP_FIXED);
        b[0] = 1;                               /* BOOTREQUEST */
        b[1] = 1;                               /* htype Ethernet */
        b[2] = 6;
        put32(b + 4, h->xid);
        put16(b + 8, (uint16_t)rnd(g, 5));      /* secs */
        memcpy(b + 28, h->ep.mac, 6);           /* chaddr */
        put32(b + BOOTP_FIXED, DHCP_MAGIC);
        size_t n = BOOTP_FIXED + 4;

        v[0] = request ? DHCPREQUEST : DHCPDISCOVER;
        n += opt(b + n, DHCP_OPT_MSG_TYPE, v, 1);
        if (p->duid) {                          /* RFC 4361: 0xff, IAID, DUID-LLT */
                v[0] = 0xff;
                memcpy(v + 1, h->ep.mac + 2, 4);
                put16(v + 5, 1);                /* DUID-LLT, RFC 8415 §11.2 */
                put16(v + 7, 1);                /* hardware type Ethernet */
                put32(v + 9, 0x2b1c3d4e);
                memcpy(v + 13, h->ep.mac, 6);
                n += opt(b + n, DHCP_OPT_CLIENT_ID, v, 19);
        } else {
                v[0] = 1;                       /* type: Ethernet address */
                memcpy(v + 1, h->ep.mac, 6);
                n += opt(b + n, DHCP_OPT_CLIENT_ID, v, 7);
        }
        if (p->max_msg) {
                put16(v, p->max_msg);
                n += opt(b + n, DHCP_OPT_MAX_SIZE, v, 2);
        }
        if (request || h->ep.os == OS_WINDOWS)
                n += opt(b + n, DHCP_OPT_REQ_IP, h->ep.ip, 4);
        if (request)
                n += opt(b + n, DHCP_OPT_SERVER_ID, g->hosts[0].ep.ip, 4);
        if (h->ep.os == OS_MACOS) {
                put32(v, 7776000);
                n += opt(b + n, DHCP_OPT_LEASE, v, 4);
        }
        n += opt(b + n, DHCP_OPT_HOSTNAME, h->name, strlen(h->name));
        if (request && h->ep.os == OS_WINDOWS) {
                size_t l = strlen(h->name);
                v[0] = 0;                       /* flags; rcode1, rcode2 */
                v[1] = v[2] = 0;
                memcpy(v + 3, h->name, l);
                n += opt(b + n, DHCP_OPT_FQDN, v, 3 + l);
        }
        if (p->vendor_class)
                n += opt(b + n, DHCP_OPT_VENDOR_CLASS, p->vendor_class, strlen(p->vendor_class));
        n += opt(b + n, DHCP_OPT_PRL, p->prl, p->prl_len);
        b[n++] = DHCP_OPT_END;
        if (n < BOOTP_MIN) {
                memset(b + n, 0, BOOTP_MIN - n);
                n = BOOTP_MIN;
        }

        uint8_t *u = f + ETH_HLEN + IPV4_HLEN;
        put16(u, PORT_DHCP_CLIENT);
        put16(u + 2, PORT_DHCP_SERVER);
        put16(u + 4, (uint16_t)(UDP_HLEN + n));
        ip_finish(g, ip_any, ip_bcast, IPPROTO_UDP_, p->ttl, h->ep.ip_id++, false, UDP_HLEN + n);
        emit(g, ETH_HLEN + IPV4_HLEN + UDP_HLEN + n, K_DHCP);
}

/* ---- mDNS announcements with DNS name compression ---- */

#define DNSW_SUFFIX_MAX 24

struct dnsw {
        uint8_t *msg;
        size_t len;
        struct {
                uint16_t off;
                char name[128];
        } sfx[DNSW_SUFFIX_MAX];
        unsigned nsfx;
};

/* Write a dotted name, pointing at the longest suffix written before
 * (RFC 1035 §4.1.4). Labels here never contain dots. */
static void dns_name(struct dnsw *w, const char *name)
{
        const char *p = name;

        while (*p) {
                for (unsigned i = 0; i < w->nsfx; i++) {
                        if (strcmp(w->sfx[i].name, p) == 0) {
                                put16(w->msg + w->len, (uint16_t)(DNS_PTR_MARK | w->sfx[i].off));
                                w->len += 2;
                                return;
                        }
                }
                if (w->nsfx < DNSW_SUFFIX_MAX && strlen(p) < sizeof(w->sfx[0].name)) {
                        w->sfx[w->nsfx].off = (uint16_t)w->len;
                        strcpy(w->sfx[w->nsfx].name, p);
                        w->nsfx++;
                }
                const char *dot = strchr(p, '.');
                size_t l = dot ? (size_t)(dot - p) : strlen(p);
                w->msg[w->len++] = (uint8_t)l;
                memcpy(w->msg + w->len, p, l);
                w->len += l;
                p += l + (dot ? 1 : 0);
        }
        w->msg[w->len++] = 0;
}

/* Owner, type, class, TTL; returns where RDLENGTH goes. */
static size_t dns_rr(struct dnsw *w, const char *owner, uint16_t type, uint16_t cls, uint32_t ttl)
{
        dns_name(w, owner);
        put16(w->msg + w->len, type);
        put16(w->msg + w->len + 2, cls);
        put32(w->msg + w->len + 4, ttl);
        w->len += 10;
        return w->len - 2;
}

static void dns_rdlen(struct dnsw *w, size_t at)
{
        put16(w->msg + at, (uint16_t)(w->len - at - 2));
}

void gen_mdns(struct gen *g)
{
        static const uint8_t mcast_mac[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb }; /* RFC 1112 §6.4 */
        static const uint8_t mcast_ip[4] = { 224, 0, 0, 251 };                      /* RFC 6762 §3 */
        struct host *h;
        char svc[64], inst[160], target[80], rev[48];
        struct dnsw w;
        size_t at;

        do
                h = &g->hosts[1 + rnd(g, N_HOSTS - 1)];
        while (h->svc == SVC_NONE);
        const struct service *s = &services[h->svc];
        uint8_t *f = g->frame;
        memset(&w, 0, sizeof(w));
        w.msg = f + ETH_HLEN + IPV4_HLEN + UDP_HLEN;
        snprintf(svc, sizeof(svc), "%s.local", s->type);
        snprintf(inst, sizeof(inst), "%s.%s", h->inst, svc);
        snprintf(target, sizeof(target), "%s.local", h->name);
        snprintf(rev, sizeof(rev), "%u.%u.%u.%u.in-addr.arpa", h->ep.ip[3], h->ep.ip[2],
                 h->ep.ip[1], h->ep.ip[0]);

        bool with_rev = rnd(g, 2) == 0;
        memset(w.msg, 0, DNS_HLEN);             /* id 0 (RFC 6762 §18.1), no questions */
        put16(w.msg + 2, DNS_FLAGS_AA_RESPONSE);
        put16(w.msg + 6, with_rev ? 6 : 5);     /* answers */
        w.len = DNS_HLEN;

        at = dns_rr(&w, "_services._dns-sd._udp.local", DNS_TYPE_PTR, DNS_CLASS_IN, 4500);
        dns_name(&w, svc);                      /* RFC 6763 §9 */
        dns_rdlen(&w, at);
        at = dns_rr(&w, svc, DNS_TYPE_PTR, DNS_CLASS_IN, 4500);
        dns_name(&w, inst);
        dns_rdlen(&w, at);
        at = dns_rr(&w, inst, DNS_TYPE_SRV, MDNS_CACHE_FLUSH | DNS_CLASS_IN, 120);
        put16(w.msg + w.len, 0);                /* priority */
        put16(w.msg + w.len + 2, 0);            /* weight */
        put16(w.msg + w.len + 4, s->port);
        w.len += 6;
        dns_name(&w, target);
        dns_rdlen(&w, at);
        at = dns_rr(&w, inst, DNS_TYPE_TXT, MDNS_CACHE_FLUSH | DNS_CLASS_IN, 4500);
        if (!s->txt[0]) {
                w.msg[w.len++] = 0;             /* RFC 6763 §6.1: one empty string */
        }
        for (unsigned i = 0; i < 5 && s->txt[i]; i++) {
                size_t l = strlen(s->txt[i]);
                w.msg[w.len++] = (uint8_t)l;
                memcpy(w.msg + w.len, s->txt[i], l);
                w.len += l;
        }
        dns_rdlen(&w, at);
        at = dns_rr(&w, target, DNS_TYPE_A, MDNS_CACHE_FLUSH | DNS_CLASS_IN, 120);
        memcpy(w.msg + w.len, h->ep.ip, 4);
        w.len += 4;
        dns_rdlen(&w, at);
        if (with_rev) {
                at = dns_rr(&w, rev, DNS_TYPE_PTR, MDNS_CACHE_FLUSH | DNS_CLASS_IN, 120);
                dns_name(&w, target);
                dns_rdlen(&w, at);
        }

        eth(f, mcast_mac, h->ep.mac, ETHERTYPE_IPV4);
        uint8_t *u = f + ETH_HLEN + IPV4_HLEN;
        put16(u, PORT_MDNS);
        put16(u + 2, PORT_MDNS);
        put16(u + 4, (uint16_t)(UDP_HLEN + w.len));
        ip_finish(g, h->ep.ip, mcast_ip, IPPROTO_UDP_, 255, h->ep.ip_id++, true, UDP_HLEN + w.len);
        emit(g, ETH_HLEN + IPV4_HLEN + UDP_HLEN + w.len, K_MDNS);
}

/* ---- TCP ---- */

static uint32_t tsval(const struct gen *g, const struct endpoint *e)
{
        return e->ts_boot_ms + (uint32_t)(g->usec / 1000u);
}

/* SYN / SYN-ACK options from a layout string; padded with EOL. */
static size_t syn_opts(uint8_t *o, const char *layout, uint16_t mss, uint8_t ws, uint32_t tv,
                       uint32_t te)
{
        size_t n = 0;

        for (const char *c = layout; *c; c++) {
                switch (*c) {
                case 'M':
                        o[n] = TCPOPT_MSS;
                        o[n + 1] = 4;
                        put16(o + n + 2, mss);
                        n += 4;
                        break;
                case 'S':
                        o[n] = TCPOPT_SACK_PERM;
                        o[n + 1] = 2;
                        n += 2;
                        break;
                case 'T':
                        o[n] = TCPOPT_TS;
                        o[n + 1] = 10;
                        put32(o + n + 2, tv);
                        put32(o + n + 6, te);
                        n += 10;
                        break;
                case 'W':
                        o[n] = TCPOPT_WS;
                        o[n + 1] = 3;
                        o[n + 2] = ws;
                        n += 3;
                        break;
                case 'N':
                        o[n++] = TCPOPT_NOP;
                        break;
                default:
                        o[n++] = TCPOPT_EOL;
                        break;
                }
        }
        while (n % 4)
                o[n++] = TCPOPT_EOL;
        return n;
}

/* One segment of flow fl; the options are already at the header's end. */
static void tcp_segment(struct gen *g, struct flow *fl, bool from_client, uint8_t flags,
                        uint32_t seq, uint32_t ack, uint16_t win, size_t optlen, size_t paylen,
                        enum kind k)
{
        struct endpoint *src = from_client ? fl->c : fl->s, *dst = from_client ? fl->s : fl->c;
        uint8_t *t = g->frame + ETH_HLEN + IPV4_HLEN;
        size_t hl = TCP_HLEN + optlen;

        eth(g->frame, dst->mac, src->mac, ETHERTYPE_IPV4);
        put16(t, from_client ? fl->cport : fl->sport);
        put16(t + 2, from_client ? fl->sport : fl->cport);
        put32(t + 4, seq);
        put32(t + 8, ack);
        t[12] = (uint8_t)((hl / 4) << 4);
        t[13] = flags;
        put16(t + 14, win);
        put16(t + 18, 0);                       /* urgent pointer */
        if (paylen)
                memcpy(t + hl, g->noise + rnd(g, NOISE_LEN - (uint32_t)paylen), paylen);
        ip_finish(g, src->ip, dst->ip, IPPROTO_TCP_, src->ttl, src->ip_id++, true, hl + paylen);
        emit(g, ETH_HLEN + IPV4_HLEN + hl + paylen, k);
}

/* NOP NOP TS, on every segment after the handshake when negotiated. */
static size_t ts_opts(struct gen *g, struct flow *fl, bool from_client)
{
        uint8_t *o = g->frame + ETH_HLEN + IPV4_HLEN + TCP_HLEN;

        if (!fl->ts)
                return 0;
        uint32_t tv = tsval(g, from_client ? fl->c : fl->s);
        o[0] = o[1] = TCPOPT_NOP;
        o[2] = TCPOPT_TS;
        o[3] = 10;
        put32(o + 4, tv);
        put32(o + 8, from_client ? fl->s_tsval : fl->c_tsval);
        if (from_client)
                fl->c_tsval = tv;
        else
                fl->s_tsval = tv;
        return 12;
}

/* A slot in state st, looking from a random place; NULL if none. */
static struct flow *find_flow(struct gen *g, uint8_t st)
{
        uint32_t start = rnd(g, N_FLOWS);

        for (uint32_t i = 0; i < N_FLOWS; i++) {
                struct flow *fl = &g->flows[(start + i) % N_FLOWS];
                if (fl->state == st || (st == F_EST && fl->state == F_FIN1))
                        return fl;
        }
        return NULL;
}

bool gen_syn(struct gen *g)
{
        /* Encrypted services only: payloads are random bytes, which a plain
         * text protocol's dissector would call malformed. */
        static const uint16_t local_ports[] = { 22, 443, 5001, 8443 };
        static const uint16_t remote_ports[] = { 443, 443, 443, 443, 443, 993, 22, 8443 };
        struct flow *fl = find_flow(g, F_FREE);
        uint8_t *o = g->frame + ETH_HLEN + IPV4_HLEN + TCP_HLEN;

        if (!fl)
                return false;
        memset(fl, 0, sizeof(*fl));
        fl->c = &random_client(g)->ep;
        if (rnd(g, 10) < 6) {
                fl->s = &g->remote[rnd(g, N_REMOTE)];
                fl->sport = remote_ports[rnd(g, sizeof(remote_ports) / sizeof(remote_ports[0]))];
        } else {
                fl->s = &g->hosts[1 + rnd(g, N_SERVERS_LOCAL)].ep;
                fl->sport = local_ports[rnd(g, sizeof(local_ports) / sizeof(local_ports[0]))];
        }
        const struct persona *p = &personas[fl->c->os];
        fl->cport = g->next_port;
        g->next_port = g->next_port >= 60999 ? 32768 : g->next_port + 1 + (uint16_t)rnd(g, 7);
        fl->cseq = (uint32_t)rnd64(g);
        fl->ts = strchr(p->syn_opts, 'T') != NULL;
        fl->c_tsval = tsval(g, fl->c);
        fl->mss = p->mss;
        fl->cwin = (uint16_t)(500 + rnd(g, 1500));
        fl->state = F_SYN_SENT;
        size_t ol = syn_opts(o, p->syn_opts, p->mss, p->wscale, fl->c_tsval, 0);
        tcp_segment(g, fl, true, TCP_SYN, fl->cseq, 0, p->syn_win, ol, 0, K_SYN);
        fl->cseq++;
        return true;
}

/* The server answers a pending SYN: mostly SYN-ACK, sometimes a refusal. */
bool gen_synack(struct gen *g)
{
        struct flow *fl = find_flow(g, F_SYN_SENT);
        uint8_t *o = g->frame + ETH_HLEN + IPV4_HLEN + TCP_HLEN;

        if (!fl)
                return false;
        if (rnd(g, 10) == 0) {                  /* closed port, RFC 9293 §3.10.7.1 */
                tcp_segment(g, fl, false, TCP_RST | TCP_ACK, 0, fl->cseq, 0, 0, 0, K_RST);
                fl->state = F_FREE;
                return true;
        }
        fl->sseq = (uint32_t)rnd64(g);
        fl->s_tsval = tsval(g, fl->s);
        fl->swin = (uint16_t)(500 + rnd(g, 1500));
        if (fl->mss > 1460)
                fl->mss = 1460;
        size_t ol = syn_opts(o, fl->ts ? "MSTNW" : "MNNSNW", 1460, 7, fl->s_tsval, fl->c_tsval);
        tcp_segment(g, fl, false, TCP_SYN | TCP_ACK, fl->sseq, fl->cseq, 65160, ol, 0, K_SYNACK);
        fl->sseq++;
        fl->budget = 1 + rnd(g, 30);
        fl->client_closes = rnd(g, 2) == 0;
        fl->state = F_EST;
        return true;
}

/* A data segment on an open connection, or its close once the budget is
 * spent: FIN from each side, or one RST. */
bool gen_data(struct gen *g)
{
        struct flow *fl = find_flow(g, F_EST);

        if (!fl)
                return false;
        if (fl->state == F_FIN1 || fl->budget == 0) {
                bool from_client = fl->client_closes == (fl->state == F_EST);
                size_t ol = ts_opts(g, fl, from_client);
                if (fl->state == F_EST && rnd(g, 2) == 0) {
                        tcp_segment(g, fl, from_client, TCP_RST | TCP_ACK,
                                    from_client ? fl->cseq : fl->sseq,
                                    from_client ? fl->sseq : fl->cseq, 0, ol, 0, K_RST);
                        fl->state = F_FREE;
                        return true;
                }
                tcp_segment(g, fl, from_client, TCP_FIN | TCP_ACK,
                            from_client ? fl->cseq : fl->sseq, from_client ? fl->sseq : fl->cseq,
                            from_client ? fl->cwin : fl->swin, ol, 0, K_FIN);
                if (from_client)
                        fl->cseq++;
                else
                        fl->sseq++;
                fl->state = fl->state == F_EST ? F_FIN1 : F_FREE;
                return true;
        }

        bool from_client = rnd(g, 5) == 0;      /* mostly downloads */
        size_t ol = ts_opts(g, fl, from_client);
        size_t full = fl->mss - ol;
        size_t len = rnd(g, 5) == 0 ? full : 200 + rnd(g, 1261);
        if (len > full)
                len = full;
        uint8_t flags = TCP_ACK | (rnd(g, 3) == 0 ? TCP_PSH : 0);
        uint32_t *seq = from_client ? &fl->cseq : &fl->sseq;
        tcp_segment(g, fl, from_client, flags, *seq, from_client ? fl->sseq : fl->cseq,
                    from_client ? fl->cwin : fl->swin, ol, len, K_DATA);
        *seq += (uint32_t)len;
        fl->budget--;
        return true;
}
