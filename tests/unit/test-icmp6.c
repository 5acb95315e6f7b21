/* test-icmp6.c - dissect_icmp6 on real captures (Linux kernel NDP, dnsmasq
 * RAs, dhcpcd, ping; tests/captures/make/v6.sh) and on hand-built edge
 * cases. */
#include "testlib.h"

#include <stdlib.h>

#include "netinv/util.h"

static struct obs_sink sink;

static bool mac_is(const struct obs *o, const char *mac)
{
        uint8_t m[6];
        if (!parse_mac(mac, m))
                abort();
        return memcmp(o->mac, m, 6) == 0;
}

static int n_attr(const char *mac, const char *key, const char *val)
{
        int n = 0;
        for (size_t i = 0; i < sink.n; i++) {
                const struct obs *o = &sink.obs[i];
                if (o->kind == OBS_ATTR && mac_is(o, mac) && strcmp(o->key, key) == 0 &&
                    (!val || strcmp(o->val, val) == 0))
                        n++;
        }
        return n;
}

static bool has_attr(const char *mac, const char *key, const char *val)
{
        return n_attr(mac, key, val) == 1;
}

static bool has_ip6(const char *mac, enum proto p, const char *ip)
{
        uint8_t a[16];
        t_ip6(ip, a);
        for (size_t i = 0; i < sink.n; i++) {
                const struct obs *o = &sink.obs[i];
                if (o->kind == OBS_IPV6 && mac_is(o, mac) && memcmp(o->addr, a, 16) == 0 &&
                    o->source == p)
                        return true;
        }
        return false;
}

static int n_kind(enum obs_kind k)
{
        int n = 0;
        for (size_t i = 0; i < sink.n; i++)
                n += sink.obs[i].kind == k;
        return n;
}

/* ---- real captures ------------------------------------------------------ */

#define SRV "02:76:36:00:00:01"         /* dnsmasq RA, forwarding on */
#define DHCPCD "02:76:36:00:00:02"
#define DHCLIENT "02:76:36:00:00:03"
#define HOST "02:76:36:00:00:04"         /* plain kernel host, pings SRV */
#define RELAY "02:76:36:00:00:05"

static bool load(const char *name, struct t_frames *fr, size_t want)
{
        if (t_load_pcap(t_capture(name), fr) < 0)
                return false;
        if (!CHECK_INT(fr->n, want))
                return false;
        for (size_t i = 0; i < fr->n; i++) {
                t_sweep(fr->f[i].lt, fr->f[i].data, fr->f[i].len);
                enum dissect_res r = t_dissect(fr->f[i].data, fr->f[i].len, &sink);
                CHECK(r == DISSECT_OK || r == DISSECT_IGNORED);
                CHECK_INT(sink.dropped, 0);
        }
        return true;
}

static enum dissect_res frame(const struct t_frames *fr, size_t number)
{
        return t_dissect(fr->f[number - 1].data, fr->f[number - 1].len, &sink);
}

static void test_ra_rs(void)
{
        struct t_frames fr;
        if (!load("ndp-ra.pcap", &fr, 8))
                return;
        /* dnsmasq 2.90 unsolicited RA: prefix, MTU, SLLA, RDNSS */
        CHECK_INT(frame(&fr, 1), DISSECT_OK);
        CHECK(has_ip6(SRV, PROTO_NDP, "fe80::76:36ff:fe00:1"));
        CHECK(has_attr(SRV, "ndp.router", "yes"));
        CHECK(has_attr(SRV, "ndp.ra_flags", "M,O"));
        CHECK(has_attr(SRV, "ndp.router_lifetime", "600"));
        CHECK(has_attr(SRV, "ndp.prefix", "fd00:198:18::/64"));
        CHECK(has_attr(SRV, "ndp.mtu", "1500"));
        CHECK(has_attr(SRV, "ndp.rdnss", "fd00:198:18::1"));
        CHECK(has_attr(SRV, "ndp.rdnss", "fd00:198:18::53"));
        CHECK_INT(sink.n, 8);
        /* RS from dhcpcd, with its SLLA */
        CHECK_INT(frame(&fr, 2), DISSECT_OK);
        CHECK(has_ip6(DHCPCD, PROTO_NDP, "fe80::76:36ff:fe00:2"));
        CHECK_INT(sink.n, 1);
        /* RS from the kernel (h3, then c2) */
        CHECK_INT(frame(&fr, 4), DISSECT_OK);
        CHECK(has_ip6(HOST, PROTO_NDP, "fe80::76:36ff:fe00:4"));
        CHECK_INT(frame(&fr, 6), DISSECT_OK);
        CHECK(has_ip6(DHCLIENT, PROTO_NDP, "fe80::76:36ff:fe00:3"));
        /* the solicited RA, unicast to dhclient's host */
        CHECK_INT(frame(&fr, 7), DISSECT_OK);
        CHECK(has_attr(SRV, "ndp.prefix", "fd00:198:18::/64"));
        t_frames_free(&fr);
}

static void test_ns_na_echo(void)
{
        struct t_frames fr;
        if (!load("ndp-ns-na.pcap", &fr, 48))
                return;
        /* DAD of the relay's static address: no binding, a probe */
        CHECK_INT(frame(&fr, 1), DISSECT_OK);
        CHECK(has_attr(RELAY, "ndp.dad", "fd00:198:18::2"));
        CHECK_INT(sink.n, 1);
        /* DAD of the host's SLAAC (EUI-64) address */
        CHECK_INT(frame(&fr, 7), DISSECT_OK);
        CHECK(has_attr(HOST, "ndp.dad", "fd00:198:18:0:76:36ff:fe00:4"));
        /* DAD of dhcpcd's DHCPv6 address */
        CHECK_INT(frame(&fr, 11), DISSECT_OK);
        CHECK(has_attr(DHCPCD, "ndp.dad", "fd00:198:18::127"));
        /* dhcpcd's unsolicited NA to ff02::1, with TLLA, override */
        CHECK_INT(frame(&fr, 13), DISSECT_OK);
        CHECK(has_ip6(DHCPCD, PROTO_NDP, "fd00:198:18::127"));
        CHECK_INT(sink.n, 1);
        /* NS from the relay's global address with SLLA */
        CHECK_INT(frame(&fr, 14), DISSECT_OK);
        CHECK(has_ip6(RELAY, PROTO_NDP, "fd00:198:18::2"));
        CHECK_INT(sink.n, 1);
        /* solicited NA with router flag and TLLA */
        CHECK_INT(frame(&fr, 15), DISSECT_OK);
        CHECK(has_ip6(SRV, PROTO_NDP, "fd00:198:18::1"));
        CHECK(has_attr(SRV, "ndp.router", "yes"));
        CHECK_INT(sink.n, 2);
        /* unicast NUD NS (with SLLA) and the NA without TLLA: the Ethernet
         * source names the target */
        CHECK_INT(frame(&fr, 24), DISSECT_OK);
        CHECK(has_ip6(SRV, PROTO_NDP, "fe80::76:36ff:fe00:1"));
        CHECK_INT(frame(&fr, 25), DISSECT_OK);
        CHECK(has_ip6(DHCLIENT, PROTO_NDP, "fe80::76:36ff:fe00:3"));
        CHECK_INT(n_attr(DHCLIENT, "ndp.router", NULL), 0);
        CHECK_INT(sink.n, 1);
        /* the relay (forwarding) answers with R set */
        CHECK_INT(frame(&fr, 27), DISSECT_OK);
        CHECK(has_ip6(RELAY, PROTO_NDP, "fd00:198:18::2"));
        CHECK(has_attr(RELAY, "ndp.router", "yes"));
        /* ping: NS for the server from the host's SLAAC address */
        CHECK_INT(frame(&fr, 36), DISSECT_OK);
        CHECK(has_ip6(HOST, PROTO_NDP, "fd00:198:18:0:76:36ff:fe00:4"));
        /* echo request: nothing; echo reply: the server, hop limit 64 */
        CHECK_INT(frame(&fr, 38), DISSECT_IGNORED);
        CHECK_INT(sink.n, 0);
        CHECK_INT(frame(&fr, 39), DISSECT_OK);
        CHECK(has_ip6(SRV, PROTO_ICMP, "fd00:198:18::1"));
        CHECK(has_attr(SRV, "icmp6.hop_limit", "64"));
        CHECK_INT(sink.n, 2);
        /* echo reply from the link-local address */
        CHECK_INT(frame(&fr, 43), DISSECT_OK);
        CHECK(has_ip6(SRV, PROTO_ICMP, "fe80::76:36ff:fe00:1"));
        t_frames_free(&fr);
}

static void test_mld(void)
{
        struct t_frames fr;
        if (!load("ndp-mld.pcap", &fr, 4))
                return;
        /* MLDv2 reports during DAD come from :: - nothing to bind */
        CHECK_INT(frame(&fr, 1), DISSECT_IGNORED);
        CHECK_INT(sink.n, 0);
        CHECK_INT(frame(&fr, 2), DISSECT_IGNORED);
        CHECK_INT(sink.n, 0);
        /* from the link-local address, hop limit 1, behind a Hop-by-Hop
         * router alert option */
        CHECK_INT(frame(&fr, 3), DISSECT_OK);
        CHECK(has_ip6(HOST, PROTO_ICMP, "fe80::76:36ff:fe00:4"));
        CHECK_INT(sink.n, 1);
        t_frames_free(&fr);
}

/* ---- hand-built --------------------------------------------------------- */

#define STA "02:76:36:00:00:0a"
#define STA_MAC 0x02, 0x76, 0x36, 0x00, 0x00, 0x0a
#define OTHER "02:76:36:00:00:0b"
#define OTHER_MAC 0x02, 0x76, 0x36, 0x00, 0x00, 0x0b

/* An Ethernet/IPv6 frame from STA carrying `body` as ICMPv6, plus `pad`
 * bytes after the IPv6 payload (Ethernet padding). */
static enum dissect_res icmp6_frame(const char *src, const char *dst, uint8_t hop,
                                    const uint8_t *body, size_t n, size_t pad)
{
        uint8_t f[4096];
        static const uint8_t eth[] = {
                0x33, 0x33, 0x00, 0x00, 0x00, 0x01, STA_MAC, 0x86, 0xdd,
        };
        size_t len = sizeof(eth) + 40 + n + pad;
        if (len > sizeof(f))
                abort();
        memcpy(f, eth, sizeof(eth));
        uint8_t *ip = f + sizeof(eth);
        memset(ip, 0, 40);
        ip[0] = 0x60;
        ip[4] = (uint8_t)(n >> 8);
        ip[5] = (uint8_t)n;
        ip[6] = 58;
        ip[7] = hop;
        t_ip6(src, ip + 8);
        t_ip6(dst, ip + 24);
        memcpy(ip + 40, body, n);
        memset(ip + 40 + n, 0, pad);
        return t_dissect(f, len, &sink);
}

#define LL_STA "fe80::76:36ff:fe00:a"

/* NS for fd00:198:18::1 with SLLA = STA */
static const uint8_t ns[] = {
        135, 0, 0, 0, 0, 0, 0, 0,
        0xfd, 0x00, 0x01, 0x98, 0x00, 0x18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
        1, 1, STA_MAC,
};

static void test_hop_limit(void)
{
        CHECK_INT(icmp6_frame(LL_STA, "ff02::1:ff00:1", 255, ns, sizeof(ns), 0), DISSECT_OK);
        CHECK(has_ip6(STA, PROTO_NDP, LL_STA));
        /* RFC 4861 §7.1.1: hop limit 64 may be from off the link */
        CHECK_INT(icmp6_frame(LL_STA, "ff02::1:ff00:1", 64, ns, sizeof(ns), 0), DISSECT_IGNORED);
        CHECK_INT(sink.n, 0);
        CHECK_INT(icmp6_frame(LL_STA, "ff02::1:ff00:1", 254, ns, sizeof(ns), 0), DISSECT_IGNORED);
        CHECK_INT(sink.n, 0);
        /* a non-zero code */
        uint8_t b[sizeof(ns)];
        memcpy(b, ns, sizeof(ns));
        b[1] = 1;
        CHECK_INT(icmp6_frame(LL_STA, "ff02::1:ff00:1", 255, b, sizeof(b), 0), DISSECT_MALFORMED);
        CHECK_INT(sink.n, 0);
}

static void test_option_lengths(void)
{
        /* an option of length 0 after a good SLLA: the whole NS is discarded */
        static const uint8_t zero[] = {
                135, 0, 0, 0, 0, 0, 0, 0,
                0xfd, 0x00, 0x01, 0x98, 0x00, 0x18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
                1, 1, STA_MAC, 14, 0, 0, 0, 0, 0, 0, 0,
        };
        CHECK_INT(icmp6_frame(LL_STA, "ff02::1:ff00:1", 255, zero, sizeof(zero), 0),
                  DISSECT_MALFORMED);
        CHECK_INT(sink.n, 0);
        /* an RA with a length-0 option: no router, no prefix */
        static const uint8_t ra0[] = {
                134, 0, 0, 0, 64, 0xc0, 0x02, 0x58, 0, 0, 0, 0, 0, 0, 0, 0,
                5, 1, 0, 0, 0, 0, 0x05, 0xdc, 3, 0,
        };
        CHECK_INT(icmp6_frame(LL_STA, "ff02::1", 255, ra0, sizeof(ra0), 0), DISSECT_MALFORMED);
        CHECK_INT(sink.n, 0);
        /* an option running past the message: cut (unless the IPv6 length
         * says the message ends there) */
        static const uint8_t past[] = {
                135, 0, 0, 0, 0, 0, 0, 0,
                0xfd, 0x00, 0x01, 0x98, 0x00, 0x18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
                1, 2, STA_MAC,
        };
        CHECK_INT(icmp6_frame(LL_STA, "ff02::1:ff00:1", 255, past, sizeof(past), 0),
                  DISSECT_TRUNCATED);
        CHECK_INT(icmp6_frame(LL_STA, "ff02::1:ff00:1", 255, past, sizeof(past), 10),
                  DISSECT_MALFORMED);
        CHECK_INT(sink.n, 0);
        /* padding after a good message is not read */
        CHECK_INT(icmp6_frame(LL_STA, "ff02::1:ff00:1", 255, ns, sizeof(ns), 10), DISSECT_OK);
        CHECK(has_ip6(STA, PROTO_NDP, LL_STA));
        /* an SLLA of 16 octets is not an Ethernet address: no binding */
        static const uint8_t long_slla[] = {
                135, 0, 0, 0, 0, 0, 0, 0,
                0xfd, 0x00, 0x01, 0x98, 0x00, 0x18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
                1, 2, STA_MAC, 0, 0, 0, 0, 0, 0, 0, 0,
        };
        CHECK_INT(icmp6_frame(LL_STA, "ff02::1:ff00:1", 255, long_slla, sizeof(long_slla), 0),
                  DISSECT_OK);
        CHECK_INT(sink.n, 0);
        /* a multicast MAC in the SLLA binds nothing */
        uint8_t mc[sizeof(ns)];
        memcpy(mc, ns, sizeof(ns));
        mc[26] = 0x33;
        CHECK_INT(icmp6_frame(LL_STA, "ff02::1:ff00:1", 255, mc, sizeof(mc), 0), DISSECT_OK);
        CHECK_INT(sink.n, 0);
        /* the fixed part cut */
        CHECK_INT(icmp6_frame(LL_STA, "ff02::1:ff00:1", 255, ns, 20, 0), DISSECT_TRUNCATED);
        CHECK_INT(icmp6_frame(LL_STA, "ff02::1:ff00:1", 255, ns, 20, 4), DISSECT_MALFORMED);
        CHECK_INT(icmp6_frame(LL_STA, "ff02::1:ff00:1", 255, ns, 3, 0), DISSECT_TRUNCATED);
}

static void test_ns_rules(void)
{
        /* DAD with an SLLA (§7.1.1 forbids it) */
        CHECK_INT(icmp6_frame("::", "ff02::1:ff00:1", 255, ns, sizeof(ns), 0), DISSECT_MALFORMED);
        CHECK_INT(sink.n, 0);
        /* DAD to a unicast destination */
        CHECK_INT(icmp6_frame("::", "fd00:198:18::1", 255, ns, 24, 0), DISSECT_MALFORMED);
        CHECK_INT(sink.n, 0);
        /* a good DAD probe */
        CHECK_INT(icmp6_frame("::", "ff02::1:ff00:1", 255, ns, 24, 0), DISSECT_OK);
        CHECK(has_attr(STA, "ndp.dad", "fd00:198:18::1"));
        CHECK_INT(n_kind(OBS_IPV6), 0);
        /* a multicast target */
        uint8_t mt[sizeof(ns)];
        memcpy(mt, ns, sizeof(ns));
        mt[8] = 0xff;
        CHECK_INT(icmp6_frame(LL_STA, "ff02::1:ff00:1", 255, mt, sizeof(mt), 0), DISSECT_MALFORMED);
        CHECK_INT(sink.n, 0);
        /* NUD without SLLA: nothing to bind (per the brief, only SLLA binds) */
        CHECK_INT(icmp6_frame(LL_STA, "fd00:198:18::1", 255, ns, 24, 0), DISSECT_OK);
        CHECK_INT(sink.n, 0);
}

static void test_na_rules(void)
{
        /* NA for fd00:198:18::7 with R, S and TLLA = OTHER (a proxy) */
        static const uint8_t na[] = {
                136, 0, 0, 0, 0xe0, 0, 0, 0,
                0xfd, 0x00, 0x01, 0x98, 0x00, 0x18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7,
                2, 1, OTHER_MAC,
        };
        CHECK_INT(icmp6_frame(LL_STA, "fe80::1", 255, na, sizeof(na), 0), DISSECT_OK);
        CHECK(has_ip6(OTHER, PROTO_NDP, "fd00:198:18::7"));
        CHECK(has_attr(OTHER, "ndp.router", "yes"));
        CHECK_INT(sink.n, 2);
        /* solicited NA to a multicast address (§7.1.2) */
        CHECK_INT(icmp6_frame(LL_STA, "ff02::1", 255, na, sizeof(na), 0), DISSECT_MALFORMED);
        CHECK_INT(sink.n, 0);
        /* without TLLA and flags: the Ethernet source */
        uint8_t b[24];
        memcpy(b, na, 24);
        b[4] = 0x20;
        CHECK_INT(icmp6_frame(LL_STA, "ff02::1", 255, b, sizeof(b), 0), DISSECT_OK);
        CHECK(has_ip6(STA, PROTO_NDP, "fd00:198:18::7"));
        CHECK_INT(sink.n, 1);
        /* a target of :: binds nothing */
        memset(b + 8, 0, 16);
        CHECK_INT(icmp6_frame(LL_STA, "ff02::1", 255, b, sizeof(b), 0), DISSECT_IGNORED);
        CHECK_INT(sink.n, 0);
}

static void test_rs_rules(void)
{
        static const uint8_t rs[] = { 133, 0, 0, 0, 0, 0, 0, 0, 1, 1, OTHER_MAC };
        CHECK_INT(icmp6_frame(LL_STA, "ff02::2", 255, rs, sizeof(rs), 0), DISSECT_OK);
        CHECK(has_ip6(OTHER, PROTO_NDP, LL_STA));
        CHECK_INT(icmp6_frame(LL_STA, "ff02::2", 255, rs, 8, 0), DISSECT_OK);
        CHECK(has_ip6(STA, PROTO_NDP, LL_STA));
        /* from ::, with an SLLA: malformed; without: nothing to bind */
        CHECK_INT(icmp6_frame("::", "ff02::2", 255, rs, sizeof(rs), 0), DISSECT_MALFORMED);
        CHECK_INT(sink.n, 0);
        CHECK_INT(icmp6_frame("::", "ff02::2", 255, rs, 8, 0), DISSECT_OK);
        CHECK_INT(sink.n, 0);
}

static void test_ra_options(void)
{
        uint8_t ra[16 + 32 + 32 + 24 + 8 + 24];
        static const uint8_t head[] = { 134, 0, 0, 0, 64, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
        size_t n = 0;
        memcpy(ra, head, sizeof(head));
        n += sizeof(head);
        /* a /48 with host bits set: they are cleared */
        static const uint8_t p48[] = {
                3, 4, 48, 0xc0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0,
                0xfd, 0x00, 0x01, 0x98, 0x00, 0x18, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 9,
        };
        memcpy(ra + n, p48, sizeof(p48));
        n += sizeof(p48);
        /* a prefix length over 128: skipped */
        memcpy(ra + n, p48, sizeof(p48));
        ra[n + 2] = 200;
        n += sizeof(p48);
        /* a prefix option of length 1 and an MTU option of length 2: skipped */
        static const uint8_t odd[] = { 3, 1, 0, 0, 0, 0, 0, 0, 5, 2, 0, 0, 0, 0, 0x05, 0xdc,
                                       0, 0, 0, 0, 0, 0, 0, 0 };
        memcpy(ra + n, odd, sizeof(odd));
        n += sizeof(odd);
        /* RDNSS of length 1: no room for an address */
        static const uint8_t rd1[] = { 25, 1, 0, 0, 0, 0, 0, 60 };
        memcpy(ra + n, rd1, sizeof(rd1));
        n += sizeof(rd1);
        /* RDNSS of length 3 */
        static const uint8_t rd3[] = { 25, 3, 0, 0, 0, 0, 0, 60,
                                       0xfd, 0x00, 0x01, 0x98, 0x00, 0x18, 0, 0,
                                       0, 0, 0, 0, 0, 0, 0, 0x53 };
        memcpy(ra + n, rd3, sizeof(rd3));
        n += sizeof(rd3);
        if (n > sizeof(ra))
                abort();
        CHECK_INT(icmp6_frame(LL_STA, "ff02::1", 255, ra, n, 0), DISSECT_OK);
        CHECK(has_attr(STA, "ndp.ra_flags", "M"));
        CHECK(has_attr(STA, "ndp.router_lifetime", "0"));
        CHECK(has_attr(STA, "ndp.prefix", "fd00:198:18::/48"));
        CHECK_INT(n_attr(STA, "ndp.prefix", NULL), 1);
        CHECK_INT(n_attr(STA, "ndp.mtu", NULL), 0);
        CHECK(has_attr(STA, "ndp.rdnss", "fd00:198:18::53"));
        CHECK_INT(n_attr(STA, "ndp.rdnss", NULL), 1);
        /* flags O only, and none */
        memcpy(ra, head, sizeof(head));
        ra[5] = 0x40;
        CHECK_INT(icmp6_frame(LL_STA, "ff02::1", 255, ra, 16, 0), DISSECT_OK);
        CHECK(has_attr(STA, "ndp.ra_flags", "O"));
        ra[5] = 0x08;                           /* a preference bit only */
        CHECK_INT(icmp6_frame(LL_STA, "ff02::1", 255, ra, 16, 0), DISSECT_OK);
        CHECK(has_attr(STA, "ndp.ra_flags", "none"));
        /* an RA from a global address (§6.1.2) */
        CHECK_INT(icmp6_frame("fd00:198:18::1", "ff02::1", 255, ra, 16, 0), DISSECT_MALFORMED);
        CHECK_INT(sink.n, 0);
        /* RDNSS with 127 addresses: more than a frame's observations; the
         * sink counts what it drops */
        uint8_t big[16 + 8 + 127 * 16];
        memset(big, 0, sizeof(big));
        memcpy(big, head, sizeof(head));
        big[16] = 25;
        big[17] = 255;
        for (size_t i = 0; i < 127; i++) {
                big[24 + i * 16] = 0xfd;
                big[24 + i * 16 + 15] = (uint8_t)(i + 1);
        }
        CHECK_INT(icmp6_frame(LL_STA, "ff02::1", 255, big, sizeof(big), 0), DISSECT_OK);
        CHECK_INT(sink.n, OBS_PER_FRAME_MAX);
        CHECK_INT(sink.dropped, 127 + 4 - OBS_PER_FRAME_MAX);
}

static void test_echo(void)
{
        static const uint8_t reply[] = { 129, 0, 0, 0, 0x12, 0x34, 0, 1, 'x' };
        /* a routed reply: hop limit decremented, Ethernet source a router */
        CHECK_INT(icmp6_frame("fd00:198:19::150", "fd00:198:18::1", 63, reply, sizeof(reply), 0),
                  DISSECT_IGNORED);
        CHECK_INT(sink.n, 0);
        CHECK_INT(icmp6_frame("fd00:198:19::150", "fd00:198:18::1", 128, reply, sizeof(reply), 0),
                  DISSECT_OK);
        CHECK(has_ip6(STA, PROTO_ICMP, "fd00:198:19::150"));
        CHECK(has_attr(STA, "icmp6.hop_limit", "128"));
        CHECK_INT(icmp6_frame("fd00:198:19::150", "fd00:198:18::1", 255, reply, sizeof(reply), 0),
                  DISSECT_OK);
        CHECK(has_attr(STA, "icmp6.hop_limit", "255"));
        /* link-local can only be on the link, whatever the hop limit */
        CHECK_INT(icmp6_frame(LL_STA, "fe80::1", 63, reply, sizeof(reply), 0), DISSECT_OK);
        CHECK(has_ip6(STA, PROTO_ICMP, LL_STA));
        /* from :: or a multicast source: nothing */
        CHECK_INT(icmp6_frame("::", "fe80::1", 64, reply, sizeof(reply), 0), DISSECT_IGNORED);
        CHECK_INT(icmp6_frame("ff02::1", "fe80::1", 64, reply, sizeof(reply), 0), DISSECT_IGNORED);
        CHECK_INT(sink.n, 0);
        /* cut before the sequence number */
        CHECK_INT(icmp6_frame(LL_STA, "fe80::1", 64, reply, 6, 0), DISSECT_TRUNCATED);
        CHECK_INT(sink.n, 0);
}

static void test_mld_rules(void)
{
        static const uint8_t v1[] = { 131, 0, 0, 0, 0, 0, 0, 0,
                                      0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfb };
        CHECK_INT(icmp6_frame(LL_STA, "ff02::fb", 1, v1, sizeof(v1), 0), DISSECT_OK);
        CHECK(has_ip6(STA, PROTO_ICMP, LL_STA));
        /* hop limit other than 1, or a global source: ignored */
        CHECK_INT(icmp6_frame(LL_STA, "ff02::fb", 2, v1, sizeof(v1), 0), DISSECT_IGNORED);
        CHECK_INT(icmp6_frame("fd00:198:18::9", "ff02::fb", 1, v1, sizeof(v1), 0),
                  DISSECT_IGNORED);
        CHECK_INT(sink.n, 0);
        /* other ICMPv6 types are not ours */
        static const uint8_t unreach[] = { 1, 4, 0, 0, 0, 0, 0, 0 };
        CHECK_INT(icmp6_frame(LL_STA, "fe80::1", 64, unreach, sizeof(unreach), 0),
                  DISSECT_IGNORED);
        static const uint8_t redirect[] = { 137, 0, 0, 0 };
        CHECK_INT(icmp6_frame(LL_STA, "fe80::1", 255, redirect, sizeof(redirect), 0),
                  DISSECT_IGNORED);
        CHECK_INT(sink.n, 0);
}

int main(void)
{
        test_ra_rs();
        test_ns_na_echo();
        test_mld();
        test_hop_limit();
        test_option_lengths();
        test_ns_rules();
        test_na_rules();
        test_rs_rules();
        test_ra_options();
        test_echo();
        test_mld_rules();
        return t_done();
}
