/* test-demux.c - from the link layer up to the protocol dissectors
 * (dissect/demux.c).
 *
 * Real frames of lab-30s.pcap fill the frame context as the packet says
 * (IGMP with the Router Alert option, ICMP echo with TTLs 64/128/255, TCP,
 * DHCP and mDNS ports). Hand-built frames: 802.1Q, 802.1ad QinQ, the old
 * 0x9100 tag, four tags (the cap) and five (malformed), Linux cooked v1/v2
 * around ARP, 802.3 frames with LLC that is not SNAP/CDP, IPv4 with options
 * and Ethernet padding past its total length, IPv4 later fragments, IPv6
 * with hop-by-hop and destination options before UDP, IPv6 fragments,
 * length fields that lie. Each hand-built good frame also gets the
 * truncation sweep, and the BPF filter must compile.
 */
#include <pcap/pcap.h>
#include <stdlib.h>

#include "netinv/util.h"
#include "testlib.h"

static struct obs_sink sink;

/* A frame under construction. */
struct fb {
        uint8_t b[2048];
        size_t n;
};

static void put8(struct fb *f, unsigned v)
{
        f->b[f->n++] = (uint8_t)v;
}

static void put16(struct fb *f, unsigned v)
{
        put8(f, v >> 8);
        put8(f, v);
}

static void putmem(struct fb *f, const void *p, size_t n)
{
        memcpy(f->b + f->n, p, n);
        f->n += n;
}

static void putmac(struct fb *f, const char *s)
{
        uint8_t m[6];
        parse_mac(s, m);
        putmem(f, m, 6);
}

static void putip4(struct fb *f, const char *s)
{
        uint8_t a[4];
        t_ip4(s, a);
        putmem(f, a, 4);
}

static void putip6(struct fb *f, const char *s)
{
        uint8_t a[16];
        t_ip6(s, a);
        putmem(f, a, 16);
}

#define HOST "00:11:32:00:00:06"
#define SCANNER "02:4e:4c:ff:00:01"

static void eth(struct fb *f, const char *dst, const char *src)
{
        f->n = 0;
        putmac(f, dst);
        putmac(f, src);
}

/* ARP request from HOST (198.18.1.6) for 198.18.0.1, without ethertype. */
static void arp_body(struct fb *f)
{
        put16(f, 1);
        put16(f, 0x0800);
        put8(f, 6);
        put8(f, 4);
        put16(f, 1);
        putmac(f, HOST);
        putip4(f, "198.18.1.6");
        putmac(f, "00:00:00:00:00:00");
        putip4(f, "198.18.0.1");
}

/* dissect_frame on an exact-size copy (ASan sees any overread). */
static enum dissect_res frame(enum linktype lt, const struct fb *f)
{
        uint8_t *copy = malloc(f->n ? f->n : 1);
        memcpy(copy, f->b, f->n);
        obs_sink_reset(&sink);
        sink.dropped = 0;
        enum dissect_res r = dissect_frame(lt, copy, (uint32_t)f->n, 1, &sink);
        free(copy);
        return r;
}

/* The same through dissect_ethernet, to read the context afterwards. The
 * cursor is returned too: the layers narrow it in place. */
static enum dissect_res frame_ctx(const struct fb *f, struct frame_ctx *ctx, struct cursor *c)
{
        uint8_t *copy = malloc(f->n ? f->n : 1);
        memcpy(copy, f->b, f->n);
        memset(ctx, 0, sizeof(*ctx));
        obs_sink_reset(&sink);
        cur_init(c, copy, f->n);
        enum dissect_res r = dissect_ethernet(c, ctx, &sink);
        free(copy);
        c->msg = NULL;                  /* freed: only offsets may be looked at */
        return r;
}

static bool host_arp_seen(void)
{
        uint8_t host[6], ip[4];
        parse_mac(HOST, host);
        t_ip4("198.18.1.6", ip);
        const struct obs *o = t_find(&sink, OBS_IPV4, NULL, NULL);
        return sink.n == 1 && o && memcmp(o->mac, host, 6) == 0 && memcmp(o->addr, ip, 4) == 0;
}

static void test_vlan(void)
{
        struct fb f;
        struct frame_ctx ctx;
        struct cursor c;

        /* 802.1Q, priority 5, VID 100. */
        eth(&f, "ff:ff:ff:ff:ff:ff", HOST);
        put16(&f, 0x8100);
        put16(&f, 0xa064);
        put16(&f, 0x0806);
        arp_body(&f);
        CHECK_INT(frame(LINK_ETHERNET, &f), DISSECT_OK);
        CHECK(host_arp_seen());
        CHECK_INT(frame_ctx(&f, &ctx, &c), DISSECT_OK);
        CHECK_INT(ctx.vlan_depth, 1);
        CHECK_INT(ctx.vlan[0], 100);
        CHECK_INT(ctx.ethertype, 0x0806);
        CHECK(ctx.has_dst_mac);
        t_sweep(LINK_ETHERNET, f.b, f.n);
        /* The tag cut after its TCI, and inside the TCI. */
        struct fb g = f;
        g.n = 16;
        CHECK_INT(frame(LINK_ETHERNET, &g), DISSECT_TRUNCATED);
        g.n = 17;
        CHECK_INT(frame(LINK_ETHERNET, &g), DISSECT_TRUNCATED);

        /* 802.1ad QinQ: S-tag 200 outside, C-tag 100 inside. */
        eth(&f, "ff:ff:ff:ff:ff:ff", HOST);
        put16(&f, 0x88a8);
        put16(&f, 0x00c8);
        put16(&f, 0x8100);
        put16(&f, 0x0064);
        put16(&f, 0x0806);
        arp_body(&f);
        CHECK_INT(frame(LINK_ETHERNET, &f), DISSECT_OK);
        CHECK(host_arp_seen());
        CHECK_INT(frame_ctx(&f, &ctx, &c), DISSECT_OK);
        CHECK_INT(ctx.vlan_depth, 2);
        CHECK_INT(ctx.vlan[0], 200);
        CHECK_INT(ctx.vlan[1], 100);
        t_sweep(LINK_ETHERNET, f.b, f.n);

        /* Pre-standard 0x9100 outer tag; DEI and priority bits masked off. */
        eth(&f, "ff:ff:ff:ff:ff:ff", HOST);
        put16(&f, 0x9100);
        put16(&f, 0xffff);
        put16(&f, 0x8100);
        put16(&f, 0x1001);
        put16(&f, 0x0806);
        arp_body(&f);
        CHECK_INT(frame_ctx(&f, &ctx, &c), DISSECT_OK);
        CHECK_INT(ctx.vlan_depth, 2);
        CHECK_INT(ctx.vlan[0], 0xfff);
        CHECK_INT(ctx.vlan[1], 1);

        /* VLAN_MAX_DEPTH tags are followed, one more is malformed. */
        for (unsigned tags = 3; tags <= 6; tags++) {
                eth(&f, "ff:ff:ff:ff:ff:ff", HOST);
                for (unsigned i = 0; i < tags; i++) {
                        put16(&f, i == 0 ? 0x88a8 : 0x8100);
                        put16(&f, 10 + i);
                }
                put16(&f, 0x0806);
                arp_body(&f);
                enum dissect_res want = tags <= VLAN_MAX_DEPTH ? DISSECT_OK : DISSECT_MALFORMED;
                CHECK_INT(frame(LINK_ETHERNET, &f), want);
                CHECK_INT(sink.n, want == DISSECT_OK ? 1 : 0);
                if (tags == VLAN_MAX_DEPTH) {
                        CHECK_INT(frame_ctx(&f, &ctx, &c), DISSECT_OK);
                        CHECK_INT(ctx.vlan_depth, VLAN_MAX_DEPTH);
                        CHECK_INT(ctx.vlan[VLAN_MAX_DEPTH - 1], 10 + VLAN_MAX_DEPTH - 1);
                        t_sweep(LINK_ETHERNET, f.b, f.n);
                }
        }

        /* An unknown ethertype inside a tag: not ours. */
        eth(&f, "ff:ff:ff:ff:ff:ff", HOST);
        put16(&f, 0x8100);
        put16(&f, 5);
        put16(&f, 0x88b5);              /* IEEE 802 local experimental */
        put16(&f, 0x1234);
        CHECK_INT(frame(LINK_ETHERNET, &f), DISSECT_IGNORED);
        CHECK_INT(sink.n, 0);
}

static void sll_header(struct fb *f, unsigned pkttype, unsigned hatype, unsigned halen,
                       unsigned proto)
{
        f->n = 0;
        put16(f, pkttype);
        put16(f, hatype);
        put16(f, halen);
        putmac(f, HOST);
        put16(f, 0);                    /* address padded to 8 */
        put16(f, proto);
}

static void sll2_header(struct fb *f, unsigned proto, unsigned hatype, unsigned pkttype,
                        unsigned halen)
{
        f->n = 0;
        put16(f, proto);
        put16(f, 0);                    /* reserved */
        put16(f, 0);
        put16(f, 3);                    /* interface index */
        put16(f, hatype);
        put8(f, pkttype);
        put8(f, halen);
        putmac(f, HOST);
        put16(f, 0);
}

static void test_cooked(void)
{
        struct fb f;

        /* Linux cooked v1: broadcast packet from HOST. */
        sll_header(&f, 1, 1, 6, 0x0806);
        arp_body(&f);
        CHECK_INT(f.n, 16 + 28);
        CHECK_INT(frame(LINK_SLL, &f), DISSECT_OK);
        CHECK(host_arp_seen());
        t_sweep(LINK_SLL, f.b, f.n);
        /* Sent by us (4) is still a frame on the wire. */
        sll_header(&f, 4, 1, 6, 0x0806);
        arp_body(&f);
        CHECK_INT(frame(LINK_SLL, &f), DISSECT_OK);
        CHECK(host_arp_seen());
        /* Loopback (772) and addresses that are not 6 bytes: no station MAC. */
        sll_header(&f, 0, 772, 6, 0x0806);
        arp_body(&f);
        CHECK_INT(frame(LINK_SLL, &f), DISSECT_IGNORED);
        CHECK_INT(sink.n, 0);
        sll_header(&f, 0, 1, 9, 0x0806);
        arp_body(&f);
        CHECK_INT(frame(LINK_SLL, &f), DISSECT_IGNORED);
        CHECK_INT(sink.n, 0);
        sll_header(&f, 0, 1, 0xffff, 0x0806);
        arp_body(&f);
        CHECK_INT(frame(LINK_SLL, &f), DISSECT_IGNORED);
        /* Linux pseudo-protocol 802.2 (0x0004): an LLC header follows. */
        sll_header(&f, 0, 1, 6, 0x0004);
        put8(&f, 0x42);
        put8(&f, 0x42);
        put8(&f, 0x03);
        put16(&f, 0);
        CHECK_INT(frame(LINK_SLL, &f), DISSECT_IGNORED);
        sll_header(&f, 0, 1, 6, 0x0001);        /* ETH_P_802_3 */
        put16(&f, 0);
        CHECK_INT(frame(LINK_SLL, &f), DISSECT_IGNORED);
        /* Cut inside the header. */
        sll_header(&f, 0, 1, 6, 0x0806);
        f.n = 15;
        CHECK_INT(frame(LINK_SLL, &f), DISSECT_TRUNCATED);

        /* Linux cooked v2. */
        sll2_header(&f, 0x0806, 1, 1, 6);
        arp_body(&f);
        CHECK_INT(f.n, 20 + 28);
        CHECK_INT(frame(LINK_SLL2, &f), DISSECT_OK);
        CHECK(host_arp_seen());
        t_sweep(LINK_SLL2, f.b, f.n);
        sll2_header(&f, 0x0806, 772, 0, 6);
        arp_body(&f);
        CHECK_INT(frame(LINK_SLL2, &f), DISSECT_IGNORED);
        CHECK_INT(sink.n, 0);
        sll2_header(&f, 0x0806, 1, 0, 0);
        arp_body(&f);
        CHECK_INT(frame(LINK_SLL2, &f), DISSECT_IGNORED);
        sll2_header(&f, 0x0806, 1, 0, 6);
        f.n = 19;
        CHECK_INT(frame(LINK_SLL2, &f), DISSECT_TRUNCATED);

        /* A link type the demux does not know. */
        sll2_header(&f, 0x0806, 1, 1, 6);
        arp_body(&f);
        CHECK_INT(frame(LINK_MAX, &f), DISSECT_IGNORED);
        CHECK_INT(sink.n, 0);
}

static void test_llc(void)
{
        struct fb f;

        /* 802.3 length frame carrying a spanning-tree BPDU (LLC 42/42/03). */
        eth(&f, "01:80:c2:00:00:00", HOST);
        put16(&f, 38);
        put8(&f, 0x42);
        put8(&f, 0x42);
        put8(&f, 0x03);
        for (int i = 0; i < 35; i++)
                put8(&f, 0);
        for (int i = 0; i < 8; i++)
                put8(&f, 0xee);         /* padding to 60 */
        CHECK_INT(frame(LINK_ETHERNET, &f), DISSECT_IGNORED);
        CHECK_INT(sink.n, 0);
        t_sweep(LINK_ETHERNET, f.b, f.n);

        /* SNAP with an OUI/PID that is not CDP. */
        eth(&f, "01:00:0c:cc:cc:cc", HOST);
        put16(&f, 8);
        put8(&f, 0xaa);
        put8(&f, 0xaa);
        put8(&f, 0x03);
        put8(&f, 0x00);
        put8(&f, 0x00);
        put8(&f, 0x0c);
        put16(&f, 0x2004);              /* Cisco DTP, not CDP */
        CHECK_INT(frame(LINK_ETHERNET, &f), DISSECT_IGNORED);
        /* The 802.3 length cuts the frame: the SNAP header is not all there. */
        eth(&f, "01:00:0c:cc:cc:cc", HOST);
        put16(&f, 4);
        put8(&f, 0xaa);
        put8(&f, 0xaa);
        put8(&f, 0x03);
        put8(&f, 0x00);
        put8(&f, 0x00);
        put8(&f, 0x0c);
        put16(&f, 0x2000);
        CHECK_INT(frame(LINK_ETHERNET, &f), DISSECT_TRUNCATED);
        /* An 802.3 length inside a VLAN tag, LLC not SNAP. */
        eth(&f, "01:80:c2:00:00:00", HOST);
        put16(&f, 0x8100);
        put16(&f, 7);
        put16(&f, 3);
        put8(&f, 0x42);
        put8(&f, 0x42);
        put8(&f, 0x03);
        CHECK_INT(frame(LINK_ETHERNET, &f), DISSECT_IGNORED);
}

static void ipv4_header(struct fb *f, unsigned ihl, unsigned total, unsigned id, unsigned frag,
                        unsigned ttl, unsigned proto)
{
        put16(f, 0x0800);
        put8(f, 0x40 | ihl);
        put8(f, 0);
        put16(f, total);
        put16(f, id);
        put16(f, frag);
        put8(f, ttl);
        put8(f, proto);
        put16(f, 0);                    /* checksum: not checked */
        putip4(f, "198.18.1.6");
        putip4(f, "198.18.0.1");
}

static void udp_header(struct fb *f, unsigned sport, unsigned dport, unsigned len)
{
        put16(f, sport);
        put16(f, dport);
        put16(f, len);
        put16(f, 0);
}

static void test_ipv4(void)
{
        struct fb f;
        struct frame_ctx ctx;
        struct cursor c;
        uint8_t ip[4];

        /* IHL 6 (Router Alert), UDP discard 9 → 9 with 4 bytes of payload,
         * then 10 bytes of Ethernet padding past the total length. */
        eth(&f, SCANNER, HOST);
        ipv4_header(&f, 6, 24 + 8 + 4, 0x1234, 0x4000, 64, 17);
        put8(&f, 0x94);
        put8(&f, 0x04);
        put16(&f, 0);
        udp_header(&f, 9, 9, 12);
        putmem(&f, "data", 4);
        for (int i = 0; i < 10; i++)
                put8(&f, 0xee);
        CHECK_INT(f.n, 14 + 36 + 10);
        CHECK_INT(frame_ctx(&f, &ctx, &c), DISSECT_IGNORED);
        CHECK_INT(ctx.ip_version, 4);
        CHECK_INT(ctx.ip_ttl, 64);
        CHECK_INT(ctx.ip_proto, 17);
        CHECK_INT(ctx.ip_id, 0x1234);
        CHECK(ctx.ip_df);
        t_ip4("198.18.1.6", ip);
        CHECK(memcmp(ctx.ip_src, ip, 4) == 0);
        t_ip4("198.18.0.1", ip);
        CHECK(memcmp(ctx.ip_dst, ip, 4) == 0);
        CHECK_INT(ctx.sport, 9);
        CHECK_INT(ctx.dport, 9);
        CHECK_INT(c.end, 14 + 36);      /* the padding was cut off */
        t_sweep(LINK_ETHERNET, f.b, f.n);

        /* The total length ends with the IP header: the UDP header sitting
         * in the padding must not be read. */
        eth(&f, SCANNER, HOST);
        ipv4_header(&f, 5, 20, 1, 0, 64, 17);
        udp_header(&f, 53, 53, 8);
        CHECK_INT(frame_ctx(&f, &ctx, &c), DISSECT_TRUNCATED);
        CHECK_INT(ctx.sport, 0);
        CHECK_INT(ctx.dport, 0);

        /* A later fragment: no transport header to read. */
        eth(&f, SCANNER, HOST);
        ipv4_header(&f, 5, 20 + 16, 7, 185, 64, 17);    /* offset 185*8 */
        udp_header(&f, 53, 53, 16);
        putmem(&f, "12345678", 8);
        CHECK_INT(frame_ctx(&f, &ctx, &c), DISSECT_IGNORED);
        CHECK_INT(ctx.ip_proto, 17);
        CHECK_INT(ctx.sport, 0);
        CHECK(!ctx.ip_df);
        /* Only the top bit of the 13-bit offset set (4096 x 8 bytes). */
        f.b[14 + 6] = 0x10;
        f.b[14 + 7] = 0x00;
        CHECK_INT(frame_ctx(&f, &ctx, &c), DISSECT_IGNORED);
        CHECK_INT(ctx.sport, 0);
        /* The first fragment (MF set, offset 0) does carry it. */
        eth(&f, SCANNER, HOST);
        ipv4_header(&f, 5, 20 + 16, 7, 0x2000, 64, 17);
        udp_header(&f, 9, 9, 16);
        putmem(&f, "12345678", 8);
        CHECK_INT(frame_ctx(&f, &ctx, &c), DISSECT_IGNORED);
        CHECK_INT(ctx.sport, 9);

        /* Header violations. */
        eth(&f, SCANNER, HOST);
        ipv4_header(&f, 4, 40, 1, 0, 64, 17);          /* IHL below 5 */
        udp_header(&f, 9, 9, 20);
        CHECK_INT(frame(LINK_ETHERNET, &f), DISSECT_MALFORMED);
        eth(&f, SCANNER, HOST);
        ipv4_header(&f, 5, 19, 1, 0, 64, 17);          /* total < header */
        udp_header(&f, 9, 9, 20);
        CHECK_INT(frame(LINK_ETHERNET, &f), DISSECT_MALFORMED);
        eth(&f, SCANNER, HOST);
        ipv4_header(&f, 5, 28, 1, 0, 64, 17);
        f.b[14] = 0x65;                                 /* version 6 */
        udp_header(&f, 9, 9, 8);
        CHECK_INT(frame(LINK_ETHERNET, &f), DISSECT_MALFORMED);
        /* Options longer than the capture. */
        eth(&f, SCANNER, HOST);
        ipv4_header(&f, 15, 60, 1, 0, 64, 17);
        put16(&f, 0x0101);
        CHECK_INT(frame(LINK_ETHERNET, &f), DISSECT_TRUNCATED);
        /* UDP length below its own header. */
        eth(&f, SCANNER, HOST);
        ipv4_header(&f, 5, 28, 1, 0, 64, 17);
        udp_header(&f, 9, 9, 7);
        CHECK_INT(frame(LINK_ETHERNET, &f), DISSECT_MALFORMED);
        /* A protocol nobody wants (TCP). */
        eth(&f, SCANNER, HOST);
        ipv4_header(&f, 5, 40, 1, 0, 64, 6);
        for (int i = 0; i < 20; i++)
                put8(&f, 0);
        CHECK_INT(frame_ctx(&f, &ctx, &c), DISSECT_IGNORED);
        CHECK_INT(ctx.ip_proto, 6);
        CHECK_INT(ctx.sport, 0);
}

static void ipv6_header(struct fb *f, unsigned plen, unsigned next, unsigned hlim)
{
        put16(f, 0x86dd);
        put16(f, 0x6000);
        put16(f, 0x0000);
        put16(f, plen);
        put8(f, next);
        put8(f, hlim);
        putip6(f, "fe80::211:32ff:fe00:6");
        putip6(f, "ff02::1:2");
}

static void test_ipv6(void)
{
        struct fb f;
        struct frame_ctx ctx;
        struct cursor c;
        uint8_t ip[16];

        /* Hop-by-hop options (PadN to 8 bytes), then UDP 9 → 9. */
        eth(&f, "33:33:00:01:00:02", HOST);
        ipv6_header(&f, 8 + 8 + 4, 0, 1);
        put8(&f, 17);
        put8(&f, 0);
        put8(&f, 1);                    /* PadN */
        put8(&f, 4);
        put16(&f, 0);
        put16(&f, 0);
        udp_header(&f, 9, 9, 12);
        putmem(&f, "v6v6", 4);
        for (int i = 0; i < 6; i++)
                put8(&f, 0xee);         /* trailing bytes past the payload length */
        CHECK_INT(frame_ctx(&f, &ctx, &c), DISSECT_IGNORED);
        CHECK_INT(ctx.ip_version, 6);
        CHECK_INT(ctx.ip_ttl, 1);
        CHECK_INT(ctx.ip_proto, 17);
        CHECK_INT(ctx.sport, 9);
        CHECK_INT(ctx.dport, 9);
        t_ip6("fe80::211:32ff:fe00:6", ip);
        CHECK(memcmp(ctx.ip_src, ip, 16) == 0);
        t_ip6("ff02::1:2", ip);
        CHECK(memcmp(ctx.ip_dst, ip, 16) == 0);
        CHECK_INT(c.end, 14 + 40 + 20);
        t_sweep(LINK_ETHERNET, f.b, f.n);

        /* Hop-by-hop, then destination options of 16 bytes, then UDP. */
        eth(&f, "33:33:00:01:00:02", HOST);
        ipv6_header(&f, 8 + 16 + 8, 0, 64);
        put8(&f, 60);
        put8(&f, 0);
        for (int i = 0; i < 6; i++)
                put8(&f, 0);            /* Pad1 x 6 */
        put8(&f, 17);
        put8(&f, 1);                    /* (1 + 1) * 8 bytes */
        for (int i = 0; i < 14; i++)
                put8(&f, 0);
        udp_header(&f, 9, 7, 8);
        CHECK_INT(frame_ctx(&f, &ctx, &c), DISSECT_IGNORED);
        CHECK_INT(ctx.ip_proto, 17);
        CHECK_INT(ctx.dport, 7);
        t_sweep(LINK_ETHERNET, f.b, f.n);

        /* Fragment header, not the first fragment. */
        eth(&f, "33:33:00:01:00:02", HOST);
        ipv6_header(&f, 8 + 8, 44, 64);
        put8(&f, 17);
        put8(&f, 0);
        put16(&f, 0x0008);              /* offset 1 (x 8 bytes) */
        put16(&f, 0);
        put16(&f, 1);
        udp_header(&f, 9, 9, 8);
        CHECK_INT(frame_ctx(&f, &ctx, &c), DISSECT_IGNORED);
        CHECK_INT(ctx.sport, 0);
        /* ... and the first one (offset 0, M flag) goes on to UDP. */
        f.b[14 + 40 + 3] = 0x01;
        f.b[14 + 40 + 2] = 0x00;
        CHECK_INT(frame_ctx(&f, &ctx, &c), DISSECT_IGNORED);
        CHECK_INT(ctx.sport, 9);

        /* An extension header longer than the payload length. */
        eth(&f, "33:33:00:01:00:02", HOST);
        ipv6_header(&f, 8, 0, 64);
        put8(&f, 17);
        put8(&f, 2);                    /* claims 24 bytes */
        for (int i = 0; i < 22; i++)
                put8(&f, 0);
        CHECK_INT(frame_ctx(&f, &ctx, &c), DISSECT_TRUNCATED);
        CHECK_INT(ctx.sport, 0);

        /* More chained extension headers than IP6_EXT_MAX: not followed. */
        eth(&f, "33:33:00:01:00:02", HOST);
        ipv6_header(&f, 10 * 8 + 8, 60, 64);
        for (int i = 0; i < 10; i++) {
                put8(&f, i == 9 ? 17 : 60);
                put8(&f, 0);
                for (int k = 0; k < 6; k++)
                        put8(&f, 0);
        }
        udp_header(&f, 9, 9, 8);
        CHECK_INT(frame_ctx(&f, &ctx, &c), DISSECT_IGNORED);
        CHECK_INT(ctx.sport, 0);

        /* Version field not 6. */
        eth(&f, "33:33:00:01:00:02", HOST);
        ipv6_header(&f, 8, 17, 64);
        f.b[14] = 0x40;
        udp_header(&f, 9, 9, 8);
        CHECK_INT(frame(LINK_ETHERNET, &f), DISSECT_MALFORMED);
        /* Cut inside the fixed header. */
        f.b[14] = 0x60;
        f.n = 14 + 39;
        CHECK_INT(frame(LINK_ETHERNET, &f), DISSECT_TRUNCATED);
}

static void test_lab_frames(void)
{
        struct t_frames fr;
        struct frame_ctx ctx;
        struct cursor c;
        struct fb f;

        if (t_load_pcap(t_capture("lab-30s.pcap"), &fr) < 0)
                return;
        /* No real frame is malformed or cut. */
        int bad = 0;
        for (size_t i = 0; i < fr.n; i++) {
                obs_sink_reset(&sink);
                enum dissect_res r = dissect_frame(fr.f[i].lt, fr.f[i].data, fr.f[i].len,
                                                   fr.f[i].ts, &sink);
                if (r == DISSECT_MALFORMED || r == DISSECT_TRUNCATED) {
                        fprintf(stderr, "lab-30s.pcap frame %zu: %s\n", i + 1, dissect_res_name(r));
                        bad++;
                }
        }
        CHECK_INT(bad, 0);

        static const struct { unsigned frame, ttl, proto, sport, dport; const char *src; } want[] = {
                { 1, 1, 2, 0, 0, "198.18.1.5" },        /* IGMPv3, IHL 6 (Router Alert) */
                { 2, 255, 17, 5353, 5353, "198.18.1.5" },       /* mDNS */
                { 3, 128, 17, 68, 67, "0.0.0.0" },      /* dhclient DISCOVER (TTL 128) */
                { 54, 64, 1, 0, 0, "198.18.0.1" },      /* echo request */
                { 61, 128, 1, 0, 0, "198.18.1.7" },     /* echo reply, Windows-like TTL */
                { 65, 255, 1, 0, 0, "198.18.1.8" },     /* echo reply, Cisco-like TTL */
                { 68, 64, 6, 0, 0, "198.18.0.1" },      /* TCP SYN to sshd */
        };
        for (size_t k = 0; k < sizeof(want) / sizeof(want[0]) && fr.n == 89; k++) {
                const struct t_frame *t = &fr.f[want[k].frame - 1];
                uint8_t ip[4];
                if (!CHECK(t->len <= sizeof(f.b)))
                        continue;
                f.n = t->len;
                memcpy(f.b, t->data, t->len);
                enum dissect_res r = frame_ctx(&f, &ctx, &c);
                CHECK(r == DISSECT_OK || r == DISSECT_IGNORED);
                CHECK_INT(ctx.ethertype, 0x0800);
                CHECK_INT(ctx.ip_version, 4);
                CHECK_INT(ctx.ip_ttl, want[k].ttl);
                CHECK_INT(ctx.ip_proto, want[k].proto);
                CHECK_INT(ctx.sport, want[k].sport);
                CHECK_INT(ctx.dport, want[k].dport);
                t_ip4(want[k].src, ip);
                CHECK(memcmp(ctx.ip_src, ip, 4) == 0);
                CHECK_INT(ctx.vlan_depth, 0);
                /* Only the frames no protocol dissector sees are swept here;
                 * the others belong to their dissectors' tests. */
                if (want[k].proto != 17)
                        t_sweep(t->lt, t->data, t->len);
        }
        t_frames_free(&fr);
}

static void test_misc(void)
{
        CHECK_STR(dissect_res_name(DISSECT_OK), "ok");
        CHECK_STR(dissect_res_name(DISSECT_IGNORED), "ignored");
        CHECK_STR(dissect_res_name(DISSECT_TRUNCATED), "truncated");
        CHECK_STR(dissect_res_name(DISSECT_MALFORMED), "malformed");
        CHECK_STR(dissect_res_name(DISSECT_RES_MAX), "unknown");

        /* An empty frame and a frame of only a MAC header. */
        struct fb f = { .n = 0 };
        CHECK_INT(frame(LINK_ETHERNET, &f), DISSECT_TRUNCATED);
        eth(&f, SCANNER, HOST);
        CHECK_INT(frame(LINK_ETHERNET, &f), DISSECT_TRUNCATED);
        put8(&f, 0x08);
        CHECK_INT(frame(LINK_ETHERNET, &f), DISSECT_TRUNCATED);

        /* The live-capture filter compiles for each link type a live
         * interface can deliver (the cooked ones are the "any" device). */
        static const int dlts[] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2 };
        static const enum linktype lts[] = { LINK_ETHERNET, LINK_SLL, LINK_SLL2 };
        for (size_t i = 0; i < sizeof(dlts) / sizeof(dlts[0]); i++) {
                pcap_t *p = pcap_open_dead(dlts[i], 65535);
                struct bpf_program prog;
                CHECK(p != NULL);
                if (!p)
                        continue;
                int r = pcap_compile(p, &prog, dissect_bpf_filter(lts[i]), 1, PCAP_NETMASK_UNKNOWN);
                if (!CHECK_INT(r, 0))
                        fprintf(stderr, "  %s\n", pcap_geterr(p));
                else
                        pcap_freecode(&prog);
                pcap_close(p);
        }
}

int main(void)
{
        test_vlan();
        test_cooked();
        test_llc();
        test_ipv4();
        test_ipv6();
        test_lab_frames();
        test_misc();
        return t_done();
}
