/* test-dhcp6.c - dissect_dhcp6 on real captures (dhclient, dhcpcd, a
 * dnsmasq relay; tests/captures/make/v6.sh) and on hand-built edge cases. */
#include "testlib.h"

#include <stdlib.h>

#include "netinv/util.h"

static struct obs_sink sink;

/* ---- looking things up ------------------------------------------------ */

static bool mac_is(const struct obs *o, const char *mac)
{
        uint8_t m[6];
        if (!parse_mac(mac, m))
                abort();
        return memcmp(o->mac, m, 6) == 0;
}

/* Number of observations about `mac` with this key and value (value NULL: any). */
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

static bool has_ip6(const char *mac, const char *ip)
{
        uint8_t a[16];
        t_ip6(ip, a);
        for (size_t i = 0; i < sink.n; i++) {
                const struct obs *o = &sink.obs[i];
                if (o->kind == OBS_IPV6 && mac_is(o, mac) && memcmp(o->addr, a, 16) == 0 &&
                    o->source == PROTO_DHCPV6)
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

static bool has_host(const char *mac, const char *name)
{
        const struct obs *o = t_find(&sink, OBS_HOSTNAME, NULL, name);
        return o && mac_is(o, mac);
}

/* ---- real captures ------------------------------------------------------ */

#define SRV "02:76:36:00:00:01"
#define DHCPCD "02:76:36:00:00:02"
#define DHCLIENT "02:76:36:00:00:03"
#define RELAY_A "02:76:36:00:00:05"
#define RELAY_B "02:76:36:00:00:06"
#define BEHIND "02:76:36:00:00:07"

static bool load(const char *name, struct t_frames *fr, size_t want)
{
        if (t_load_pcap(t_capture(name), fr) < 0)
                return false;
        if (!CHECK_INT(fr->n, want))
                return false;
        for (size_t i = 0; i < fr->n; i++) {
                t_sweep(fr->f[i].lt, fr->f[i].data, fr->f[i].len);
                CHECK_INT(t_dissect(fr->f[i].data, fr->f[i].len, &sink), DISSECT_OK);
                CHECK_INT(sink.dropped, 0);
        }
        return true;
}

static enum dissect_res frame(const struct t_frames *fr, size_t number)
{
        return t_dissect(fr->f[number - 1].data, fr->f[number - 1].len, &sink);
}

/* ISC dhclient 4.4.3-P1 -6 -D LLT: Solicit, Advertise, Request, Reply,
 * Release, Reply. */
static void test_dhclient(void)
{
        struct t_frames fr;
        if (!load("dhcp6-dhclient.pcap", &fr, 6))
                return;

        CHECK_INT(frame(&fr, 1), DISSECT_OK);
        CHECK(has_attr(DHCLIENT, "dhcpv6.message_type", "SOLICIT"));
        CHECK(has_attr(DHCLIENT, "dhcpv6.duid", "00:01:00:01:32:97:08:23:02:76:36:00:00:03"));
        CHECK(has_attr(DHCLIENT, "dhcpv6.duid_type", "LLT"));
        CHECK(has_attr(DHCLIENT, "dhcpv6.duid_mac", DHCLIENT));
        CHECK(has_attr(DHCLIENT, "dhcpv6.oro", "23,24,39,31"));
        CHECK(has_attr(DHCLIENT, "dhcpv6.options", "1,6,8,15,16,39,3"));
        CHECK(has_attr(DHCLIENT, "dhcpv6.user_class", "lab-pc1"));
        CHECK(has_attr(DHCLIENT, "dhcpv6.user_class", "office"));
        CHECK_INT(n_attr(DHCLIENT, "dhcpv6.user_class", NULL), 2);
        CHECK(has_attr(DHCLIENT, "dhcpv6.vendor_class", "32473:lab-dhclient"));
        CHECK(has_attr(DHCLIENT, "dhcpv6.fqdn", "v6-dhclient.lab.test"));
        CHECK(has_host(DHCLIENT, "v6-dhclient.lab.test"));
        CHECK(has_ip6(DHCLIENT, "fe80::76:36ff:fe00:3"));
        CHECK_INT(n_attr(DHCLIENT, "dhcpv6.enterprise", NULL), 0);
        CHECK_INT(n_kind(OBS_IPV6), 1);
        CHECK_INT(sink.n, 12);

        /* Advertise: a server; an offer binds nothing */
        CHECK_INT(frame(&fr, 2), DISSECT_OK);
        CHECK(has_attr(SRV, "dhcpv6.role", "server"));
        CHECK_INT(sink.n, 1);

        /* Request: now with the server id (2) in the option order */
        CHECK_INT(frame(&fr, 3), DISSECT_OK);
        CHECK(has_attr(DHCLIENT, "dhcpv6.message_type", "REQUEST"));
        CHECK(has_attr(DHCLIENT, "dhcpv6.options", "1,2,6,8,15,16,39,3"));

        /* Reply: the leased address binds to the Ethernet destination */
        CHECK_INT(frame(&fr, 4), DISSECT_OK);
        CHECK(has_attr(SRV, "dhcpv6.role", "server"));
        CHECK(has_ip6(DHCLIENT, "fd00:198:18::1c6"));
        CHECK_INT(n_kind(OBS_IPV6), 1);
        CHECK_INT(sink.n, 2);

        CHECK_INT(frame(&fr, 5), DISSECT_OK);
        CHECK(has_attr(DHCLIENT, "dhcpv6.message_type", "RELEASE"));

        /* Reply to the Release: no IA, nothing bound */
        CHECK_INT(frame(&fr, 6), DISSECT_OK);
        CHECK_INT(n_kind(OBS_IPV6), 0);
        CHECK_INT(sink.n, 1);
        t_frames_free(&fr);
}

/* dhcpcd 9.4.1 -6 with a DUID-EN, rapid commit: Solicit, Reply. */
static void test_dhcpcd(void)
{
        struct t_frames fr;
        if (!load("dhcp6-dhcpcd.pcap", &fr, 2))
                return;

        CHECK_INT(frame(&fr, 1), DISSECT_OK);
        CHECK(has_attr(DHCPCD, "dhcpv6.message_type", "SOLICIT"));
        CHECK(has_attr(DHCPCD, "dhcpv6.duid", "00:02:00:00:7e:d9:6e:76:36:2d:65:6e"));
        CHECK(has_attr(DHCPCD, "dhcpv6.duid_type", "EN"));
        CHECK(has_attr(DHCPCD, "dhcpv6.enterprise", "32473"));
        CHECK_INT(n_attr(DHCPCD, "dhcpv6.duid_mac", NULL), 0);
        CHECK(has_attr(DHCPCD, "dhcpv6.oro", "23,24,39,82,83"));
        CHECK(has_attr(DHCPCD, "dhcpv6.options", "1,3,6,8,14,15,16,39"));
        CHECK(has_attr(DHCPCD, "dhcpv6.user_class", "lab-sensor"));
        CHECK(has_attr(DHCPCD, "dhcpv6.vendor_class", "32473:netinv-lab"));
        /* a partial name (RFC 4704 §4.3: no root label) */
        CHECK(has_attr(DHCPCD, "dhcpv6.fqdn", "v6-dhcpcd"));
        CHECK(has_host(DHCPCD, "v6-dhcpcd"));
        CHECK(has_ip6(DHCPCD, "fe80::76:36ff:fe00:2"));

        CHECK_INT(frame(&fr, 2), DISSECT_OK);
        CHECK(has_attr(SRV, "dhcpv6.role", "server"));
        CHECK(has_ip6(DHCPCD, "fd00:198:18::127"));
        t_frames_free(&fr);
}

/* dhclient -6 -D LL behind a dnsmasq 2.90 relay, both segments merged:
 * Solicit (B), Relay-forw (A), Relay-repl (A), Advertise (B), Request (B),
 * Relay-forw (A), Relay-repl (A), Reply (B). */
static void test_relay(void)
{
        struct t_frames fr;
        if (!load("dhcp6-relay.pcap", &fr, 8))
                return;

        CHECK_INT(frame(&fr, 1), DISSECT_OK);
        CHECK(has_attr(BEHIND, "dhcpv6.duid", "00:03:00:01:02:76:36:00:00:07"));
        CHECK(has_attr(BEHIND, "dhcpv6.duid_type", "LL"));
        CHECK(has_attr(BEHIND, "dhcpv6.duid_mac", BEHIND));

        /* Relay-forw: the relay is marked; the client inside is observed on
         * the MAC of its RFC 6939 option, with the peer address */
        CHECK_INT(frame(&fr, 2), DISSECT_OK);
        CHECK(has_attr(RELAY_A, "dhcpv6.role", "relay"));
        CHECK_INT(n_attr(RELAY_A, "dhcpv6.message_type", NULL), 0);
        CHECK_INT(n_attr(RELAY_A, "dhcpv6.duid", NULL), 0);
        CHECK(has_attr(BEHIND, "dhcpv6.message_type", "SOLICIT"));
        CHECK(has_attr(BEHIND, "dhcpv6.duid", "00:03:00:01:02:76:36:00:00:07"));
        CHECK(has_attr(BEHIND, "dhcpv6.options", "1,6,8,15,16,39,3"));
        CHECK(has_attr(BEHIND, "dhcpv6.fqdn", "v6-dhclient.lab.test"));
        CHECK(has_ip6(BEHIND, "fe80::76:36ff:fe00:7"));
        CHECK_INT(n_kind(OBS_IPV6), 1);

        /* Relay-repl: its Ethernet destination is the relay; nothing binds */
        CHECK_INT(frame(&fr, 3), DISSECT_OK);
        CHECK_INT(sink.n, 0);
        CHECK_INT(frame(&fr, 7), DISSECT_OK);
        CHECK_INT(sink.n, 0);

        CHECK_INT(frame(&fr, 6), DISSECT_OK);
        CHECK(has_attr(BEHIND, "dhcpv6.message_type", "REQUEST"));

        /* the relay's Reply on the client's link binds the lease */
        CHECK_INT(frame(&fr, 8), DISSECT_OK);
        CHECK(has_ip6(BEHIND, "fd00:198:19::150"));
        CHECK(has_attr(RELAY_B, "dhcpv6.role", "server"));
        t_frames_free(&fr);
}

/* ---- hand-built --------------------------------------------------------- */

static const uint8_t client_mac[6] = { 0x02, 0x76, 0x36, 0x00, 0x00, 0x0a };
static const uint8_t server_mac[6] = { 0x02, 0x76, 0x36, 0x00, 0x00, 0x0b };
#define CLIENT "02:76:36:00:00:0a"
#define SERVER "02:76:36:00:00:0b"

/* dissect_dhcp6 on a payload alone: the window ends with the buffer. */
static enum dissect_res d6(const uint8_t *p, size_t n, bool from_client)
{
        struct frame_ctx ctx;
        struct cursor c;
        memset(&ctx, 0, sizeof(ctx));
        memcpy(ctx.src_mac, from_client ? client_mac : server_mac, 6);
        memcpy(ctx.dst_mac, from_client ? server_mac : client_mac, 6);
        ctx.has_dst_mac = true;
        ctx.ip_version = 6;
        t_ip6(from_client ? "fe80::76:36ff:fe00:a" : "fe80::76:36ff:fe00:b", ctx.ip_src);
        t_ip6(from_client ? "ff02::1:2" : "fe80::76:36ff:fe00:a", ctx.ip_dst);
        /* an exact-size copy so ASan sees any read past the end */
        uint8_t *copy = malloc(n ? n : 1);
        if (!copy)
                abort();
        memcpy(copy, p, n);
        cur_init(&c, copy, n);
        obs_sink_reset(&sink);
        enum dissect_res r = dissect_dhcp6(&c, &ctx, &sink);
        free(copy);
        return r;
}

/* The same payload in a whole Ethernet/IPv6/UDP frame from the client,
 * followed by `pad` bytes of Ethernet padding outside the IPv6 length. */
static enum dissect_res d6_frame(const uint8_t *p, size_t n, size_t pad)
{
        static const uint8_t hdr[] = {
                0x33, 0x33, 0x00, 0x01, 0x00, 0x02, 0x02, 0x76, 0x36, 0x00, 0x00, 0x0a,
                0x86, 0xdd,
                0x60, 0x00, 0x00, 0x00, 0x00, 0x00, 17, 1,
                0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x00, 0x76, 0x36, 0xff, 0xfe, 0x00, 0x00, 0x0a,
                0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 0x02,
                0x02, 0x22, 0x02, 0x23, 0x00, 0x00, 0x00, 0x00,
        };
        uint8_t f[1600];
        size_t len = sizeof(hdr) + n + pad;
        if (len > sizeof(f))
                abort();
        memcpy(f, hdr, sizeof(hdr));
        memcpy(f + sizeof(hdr), p, n);
        memset(f + sizeof(hdr) + n, 0, pad);
        size_t udp = 8 + n;
        f[18] = (uint8_t)(udp >> 8);            /* IPv6 payload length */
        f[19] = (uint8_t)udp;
        f[58] = (uint8_t)(udp >> 8);            /* UDP length */
        f[59] = (uint8_t)udp;
        return t_dissect(f, len, &sink);
}

/* A Solicit: type, xid, then the given options. */
#define SOLICIT 0x01, 0x12, 0x34, 0x56
#define CLIENTID_LL 0x00, 0x01, 0x00, 0x0a, 0x00, 0x03, 0x00, 0x01, \
                    0x02, 0x76, 0x36, 0x00, 0x00, 0x0a

static void test_option_past_end(void)
{
        static const uint8_t m[] = {
                SOLICIT, CLIENTID_LL,
                0x00, 0x06, 0x00, 0x10, 0x00, 0x17,     /* ORO claims 16, has 2 */
        };
        /* cut by a snap length, for all the dissector can tell */
        CHECK_INT(d6(m, sizeof(m), true), DISSECT_TRUNCATED);
        CHECK(has_attr(CLIENT, "dhcpv6.message_type", "SOLICIT"));
        CHECK(has_attr(CLIENT, "dhcpv6.duid_type", "LL"));
        CHECK_INT(n_attr(CLIENT, "dhcpv6.oro", NULL), 0);
        CHECK_INT(n_attr(CLIENT, "dhcpv6.options", NULL), 0);
        CHECK_INT(n_kind(OBS_IPV6), 0);
        /* inside a whole frame whose UDP length ends the message: a lie */
        CHECK_INT(d6_frame(m, sizeof(m), 0), DISSECT_TRUNCATED);
        CHECK_INT(d6_frame(m, sizeof(m), 12), DISSECT_MALFORMED);
        CHECK(has_attr(CLIENT, "dhcpv6.duid", "00:03:00:01:02:76:36:00:00:0a"));
        /* the option header itself cut */
        CHECK_INT(d6(m, 4 + 14 + 3, true), DISSECT_TRUNCATED);
        CHECK_INT(d6(m, 2, true), DISSECT_TRUNCATED);
        CHECK_INT(d6(m, 0, true), DISSECT_TRUNCATED);
        CHECK_INT(sink.n, 0);
        /* the good prefix is a whole message */
        CHECK_INT(d6(m, 4 + 14, true), DISSECT_OK);
        CHECK(has_attr(CLIENT, "dhcpv6.options", "1"));
        CHECK(has_ip6(CLIENT, "fe80::76:36ff:fe00:a"));
        CHECK_INT(d6_frame(m, 4 + 14, 20), DISSECT_OK);
        CHECK(has_attr(CLIENT, "dhcpv6.options", "1"));
}

static void test_fqdn(void)
{
        /* a compression pointer where a label length belongs */
        static const uint8_t ptr[] = {
                SOLICIT, 0x00, 0x27, 0x00, 0x07, 0x01, 0x03, 'a', 'b', 'c', 0xc0, 0x04,
        };
        CHECK_INT(d6(ptr, sizeof(ptr), true), DISSECT_MALFORMED);
        CHECK(has_attr(CLIENT, "dhcpv6.message_type", "SOLICIT"));
        CHECK_INT(n_attr(CLIENT, "dhcpv6.fqdn", NULL), 0);
        CHECK_INT(n_kind(OBS_HOSTNAME), 0);
        /* extended label type 0x40 */
        static const uint8_t ext[] = { SOLICIT, 0x00, 0x27, 0x00, 0x03, 0x01, 0x41, 'a' };
        CHECK_INT(d6(ext, sizeof(ext), true), DISSECT_MALFORMED);
        /* a label running past the option */
        static const uint8_t past[] = { SOLICIT, 0x00, 0x27, 0x00, 0x04, 0x01, 0x05, 'a', 'b' };
        CHECK_INT(d6(past, sizeof(past), true), DISSECT_MALFORMED);
        CHECK_INT(n_kind(OBS_HOSTNAME), 0);
        /* bytes after the root label */
        static const uint8_t tail[] = {
                SOLICIT, 0x00, 0x27, 0x00, 0x05, 0x01, 0x01, 'a', 0x00, 0x01,
        };
        CHECK_INT(d6(tail, sizeof(tail), true), DISSECT_MALFORMED);
        /* a fully qualified name with its root label; flags only */
        static const uint8_t full[] = {
                SOLICIT, 0x00, 0x27, 0x00, 0x0a, 0x00, 0x02, 'p', 'c', 0x04, 't', 'e', 's', 't',
                0x00, 0x00, 0x27, 0x00, 0x01, 0x00,
        };
        CHECK_INT(d6(full, sizeof(full), true), DISSECT_OK);
        CHECK(has_attr(CLIENT, "dhcpv6.fqdn", "pc.test"));
        CHECK(has_host(CLIENT, "pc.test"));
        CHECK_INT(n_kind(OBS_HOSTNAME), 1);
        /* no flags byte at all */
        static const uint8_t empty[] = { SOLICIT, 0x00, 0x27, 0x00, 0x00 };
        CHECK_INT(d6(empty, sizeof(empty), true), DISSECT_MALFORMED);
        /* a name of 64 labels of 3: 257 octets on the wire, 255 in text */
        uint8_t big[4 + 4 + 1 + 64 * 4];
        memcpy(big, (const uint8_t[]){ SOLICIT, 0x00, 0x27, 0x01, 0x01, 0x00 }, 9);
        for (size_t i = 0; i < 64; i++)
                memcpy(big + 9 + i * 4, "\x03" "abc", 4);
        CHECK_INT(d6(big, sizeof(big), true), DISSECT_MALFORMED);
        CHECK_INT(n_kind(OBS_HOSTNAME), 0);
}

static void test_duids(void)
{
        static const uint8_t uuid[] = {
                SOLICIT, 0x00, 0x01, 0x00, 0x12, 0x00, 0x04,
                0x6b, 0x4e, 0x0c, 0x1c, 0x1e, 0x0b, 0x4c, 0x39,
                0x9d, 0x50, 0x4e, 0x49, 0x4c, 0x41, 0x42, 0x31,
        };
        CHECK_INT(d6(uuid, sizeof(uuid), true), DISSECT_OK);
        CHECK(has_attr(CLIENT, "dhcpv6.duid_type", "UUID"));
        CHECK(has_attr(CLIENT, "dhcpv6.duid",
                       "00:04:6b:4e:0c:1c:1e:0b:4c:39:9d:50:4e:49:4c:41:42:31"));
        /* DUID-LLT of a random-MAC device: the burnt-in MAC differs */
        static const uint8_t llt[] = {
                SOLICIT, 0x00, 0x01, 0x00, 0x0e, 0x00, 0x01, 0x00, 0x01, 0x2c, 0x3a, 0x4b, 0x5c,
                0x3c, 0xd9, 0x2b, 0x11, 0x22, 0x33,
        };
        CHECK_INT(d6(llt, sizeof(llt), true), DISSECT_OK);
        CHECK(has_attr(CLIENT, "dhcpv6.duid_mac", "3c:d9:2b:11:22:33"));
        /* DUID-LL of another hardware type (IEEE 802 = 6 is not Ethernet 1) */
        static const uint8_t ll6[] = {
                SOLICIT, 0x00, 0x01, 0x00, 0x0a, 0x00, 0x03, 0x00, 0x06,
                0x3c, 0xd9, 0x2b, 0x11, 0x22, 0x33,
        };
        CHECK_INT(d6(ll6, sizeof(ll6), true), DISSECT_OK);
        CHECK(has_attr(CLIENT, "dhcpv6.duid_type", "LL"));
        CHECK_INT(n_attr(CLIENT, "dhcpv6.duid_mac", NULL), 0);
        /* an unknown type is given as its number */
        static const uint8_t odd[] = { SOLICIT, 0x00, 0x01, 0x00, 0x03, 0x01, 0x00, 0xaa };
        CHECK_INT(d6(odd, sizeof(odd), true), DISSECT_OK);
        CHECK(has_attr(CLIENT, "dhcpv6.duid_type", "256"));
        /* too short to hold a type; over 130 octets */
        static const uint8_t shortd[] = { SOLICIT, 0x00, 0x01, 0x00, 0x01, 0x00 };
        CHECK_INT(d6(shortd, sizeof(shortd), true), DISSECT_MALFORMED);
        CHECK_INT(n_attr(CLIENT, "dhcpv6.duid", NULL), 0);
        uint8_t longd[4 + 4 + 131];
        memset(longd, 0x11, sizeof(longd));
        memcpy(longd, (const uint8_t[]){ SOLICIT, 0x00, 0x01, 0x00, 131, 0x00, 0x02 }, 10);
        CHECK_INT(d6(longd, sizeof(longd), true), DISSECT_MALFORMED);
        CHECK_INT(n_attr(CLIENT, "dhcpv6.duid", NULL), 0);
        /* and the longest allowed */
        longd[7] = 130;
        CHECK_INT(d6(longd, sizeof(longd) - 1, true), DISSECT_OK);
        CHECK(has_attr(CLIENT, "dhcpv6.enterprise", "286331153"));     /* 0x11111111 */
}

static void test_classes_and_oro(void)
{
        /* ORO of odd length */
        static const uint8_t oro[] = { SOLICIT, 0x00, 0x06, 0x00, 0x03, 0x00, 0x17, 0x00 };
        CHECK_INT(d6(oro, sizeof(oro), true), DISSECT_MALFORMED);
        CHECK_INT(n_attr(CLIENT, "dhcpv6.oro", NULL), 0);
        /* a vendor class string running past its option; the first one is kept */
        static const uint8_t vc[] = {
                SOLICIT, 0x00, 0x10, 0x00, 0x0c, 0x00, 0x00, 0x01, 0x37,
                0x00, 0x02, 'o', 'k', 0x00, 0x09, 'x', 'y',
        };
        CHECK_INT(d6(vc, sizeof(vc), true), DISSECT_MALFORMED);
        CHECK(has_attr(CLIENT, "dhcpv6.vendor_class", "311:ok"));
        CHECK_INT(n_attr(CLIENT, "dhcpv6.vendor_class", NULL), 1);
        /* a vendor class without its enterprise number */
        static const uint8_t vshort[] = { SOLICIT, 0x00, 0x10, 0x00, 0x02, 0x00, 0x00 };
        CHECK_INT(d6(vshort, sizeof(vshort), true), DISSECT_MALFORMED);
        /* empty user class strings are skipped, bytes are kept as they are */
        static const uint8_t uc[] = {
                SOLICIT, 0x00, 0x0f, 0x00, 0x09, 0x00, 0x00, 0x00, 0x03, 'a', 0x00, 'b',
                0x00, 0x00,
        };
        CHECK_INT(d6(uc, sizeof(uc), true), DISSECT_OK);
        CHECK_INT(n_attr(CLIENT, "dhcpv6.user_class", NULL), 1);
        const struct obs *o = t_find(&sink, OBS_ATTR, "dhcpv6.user_class", NULL);
        CHECK(o && o->val_len == 3 && memcmp(o->val, "a\0b", 3) == 0);
        /* Information-request: the other client message without an IA */
        static const uint8_t inf[] = { 0x0b, 0, 0, 1, 0x00, 0x06, 0x00, 0x02, 0x00, 0x17 };
        CHECK_INT(d6(inf, sizeof(inf), true), DISSECT_OK);
        CHECK(has_attr(CLIENT, "dhcpv6.message_type", "INFORMATION-REQUEST"));
        CHECK(has_attr(CLIENT, "dhcpv6.oro", "23"));
        /* unknown and reserved message types */
        static const uint8_t lq[] = { 14, 0, 0, 1, 0x00, 0x01, 0x00, 0x00 };
        CHECK_INT(d6(lq, sizeof(lq), true), DISSECT_IGNORED);
        CHECK_INT(sink.n, 0);
        static const uint8_t zero[] = { 0, 0, 0, 1 };
        CHECK_INT(d6(zero, sizeof(zero), true), DISSECT_IGNORED);
        CHECK_INT(sink.n, 0);
}

/* A Reply with one IA_NA holding `addr` with this valid lifetime. */
static size_t reply(uint8_t *m, uint8_t valid_lsb)
{
        static const uint8_t r[] = {
                0x07, 0x12, 0x34, 0x56,
                0x00, 0x03, 0x00, 0x28, 0, 0, 0, 1, 0, 0, 0, 60, 0, 0, 0, 105,
                0x00, 0x05, 0x00, 0x18,
                0xfd, 0x00, 0x01, 0x98, 0x00, 0x18, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x42,
                0, 0, 0, 120, 0, 0, 0, 120,
        };
        memcpy(m, r, sizeof(r));
        m[sizeof(r) - 1] = valid_lsb;
        return sizeof(r);
}

static void test_reply(void)
{
        uint8_t m[64];
        size_t n = reply(m, 120);
        CHECK_INT(d6(m, n, false), DISSECT_OK);
        CHECK(has_attr(SERVER, "dhcpv6.role", "server"));
        CHECK(has_ip6(CLIENT, "fd00:198:18::142"));
        CHECK_INT(sink.n, 2);
        /* valid lifetime 0: the server takes the address back */
        n = reply(m, 0);
        CHECK_INT(d6(m, n, false), DISSECT_OK);
        CHECK_INT(n_kind(OBS_IPV6), 0);
        /* an IA Address option too short for an address */
        n = reply(m, 120);
        m[23] = 0x08;                           /* IAADDR length 8 */
        CHECK_INT(d6(m, n, false), DISSECT_MALFORMED);
        CHECK_INT(n_kind(OBS_IPV6), 0);
        /* an IA_NA too short for IAID, T1, T2 */
        static const uint8_t ia[] = { 0x07, 0, 0, 1, 0x00, 0x03, 0x00, 0x04, 0, 0, 0, 1 };
        CHECK_INT(d6(ia, sizeof(ia), false), DISSECT_MALFORMED);
        /* a Reply to a multicast MAC binds nothing */
        struct frame_ctx ctx;
        struct cursor c;
        n = reply(m, 120);
        memset(&ctx, 0, sizeof(ctx));
        memcpy(ctx.src_mac, server_mac, 6);
        memcpy(ctx.dst_mac, (const uint8_t[]){ 0x33, 0x33, 0, 1, 0, 2 }, 6);
        ctx.has_dst_mac = true;
        cur_init(&c, m, n);
        obs_sink_reset(&sink);
        CHECK_INT(dissect_dhcp6(&c, &ctx, &sink), DISSECT_OK);
        CHECK_INT(n_kind(OBS_IPV6), 0);
        /* nor one without a destination MAC (Linux cooked capture) */
        ctx.has_dst_mac = false;
        memset(ctx.dst_mac, 0, 6);
        cur_init(&c, m, n);
        obs_sink_reset(&sink);
        CHECK_INT(dissect_dhcp6(&c, &ctx, &sink), DISSECT_OK);
        CHECK_INT(n_kind(OBS_IPV6), 0);
}

/* Wrap `in` (n bytes) in `depth` Relay-forw headers; the innermost carries
 * an RFC 6939 option with the client's MAC. Returns the new length. */
static size_t wrap(uint8_t *buf, size_t cap, const uint8_t *in, size_t n, unsigned depth,
                   uint8_t type, bool lla)
{
        uint8_t tmp[2048];
        memcpy(tmp, in, n);
        for (unsigned d = 0; d < depth; d++) {
                static const uint8_t peer[16] = { 0xfe, 0x80, [8] = 0x00, 0x76, 0x36, 0xff,
                                                  0xfe, 0x00, 0x00, 0x0a };
                uint8_t out[2048];
                size_t o = 0;
                out[o++] = type;
                out[o++] = (uint8_t)(depth - 1 - d);    /* hop count */
                memset(out + o, 0, 16);                 /* link address */
                o += 16;
                memcpy(out + o, peer, 16);
                o += 16;
                if (lla && d == 0) {
                        static const uint8_t opt79[] = { 0x00, 0x4f, 0x00, 0x08, 0x00, 0x01,
                                                         0x02, 0x76, 0x36, 0x00, 0x00, 0x0a };
                        memcpy(out + o, opt79, sizeof(opt79));
                        o += sizeof(opt79);
                }
                out[o++] = 0x00;
                out[o++] = 0x09;
                out[o++] = (uint8_t)(n >> 8);
                out[o++] = (uint8_t)n;
                memcpy(out + o, tmp, n);
                o += n;
                memcpy(tmp, out, o);
                n = o;
        }
        if (n > cap)
                abort();
        memcpy(buf, tmp, n);
        return n;
}

static void test_relay_nesting(void)
{
        static const uint8_t sol[] = { SOLICIT, CLIENTID_LL };
        uint8_t m[2048];
        struct frame_ctx ctx;
        struct cursor c;
        memset(&ctx, 0, sizeof(ctx));
        memcpy(ctx.src_mac, server_mac, 6);     /* the Ethernet source is a relay */

        /* the bound: 8 relay headers are fine, the client is found inside */
        size_t n = wrap(m, sizeof(m), sol, sizeof(sol), 8, 12, true);
        cur_init(&c, m, n);
        obs_sink_reset(&sink);
        CHECK_INT(dissect_dhcp6(&c, &ctx, &sink), DISSECT_OK);
        CHECK(has_attr(SERVER, "dhcpv6.role", "relay"));
        CHECK(has_attr(CLIENT, "dhcpv6.message_type", "SOLICIT"));
        CHECK(has_attr(CLIENT, "dhcpv6.duid", "00:03:00:01:02:76:36:00:00:0a"));
        CHECK(has_ip6(CLIENT, "fe80::76:36ff:fe00:a"));
        /* one deeper than HOP_COUNT_LIMIT */
        n = wrap(m, sizeof(m), sol, sizeof(sol), 9, 12, true);
        cur_init(&c, m, n);
        obs_sink_reset(&sink);
        CHECK_INT(dissect_dhcp6(&c, &ctx, &sink), DISSECT_MALFORMED);
        CHECK_INT(n_attr(CLIENT, "dhcpv6.message_type", NULL), 0);
        /* Relay-repl nested 40 deep: the loop stops at the bound */
        n = wrap(m, sizeof(m), sol, sizeof(sol), 40, 13, false);
        cur_init(&c, m, n);
        obs_sink_reset(&sink);
        CHECK_INT(dissect_dhcp6(&c, &ctx, &sink), DISSECT_MALFORMED);
        CHECK_INT(sink.n, 0);
        /* without an RFC 6939 option the client cannot be named */
        n = wrap(m, sizeof(m), sol, sizeof(sol), 1, 12, false);
        cur_init(&c, m, n);
        obs_sink_reset(&sink);
        CHECK_INT(dissect_dhcp6(&c, &ctx, &sink), DISSECT_OK);
        CHECK(has_attr(SERVER, "dhcpv6.role", "relay"));
        CHECK_INT(sink.n, 1);
        /* a Reply inside a Relay-repl binds nothing */
        uint8_t r[64];
        size_t rn = reply(r, 120);
        n = wrap(m, sizeof(m), r, rn, 1, 13, false);
        memcpy(ctx.dst_mac, client_mac, 6);
        ctx.has_dst_mac = true;
        cur_init(&c, m, n);
        obs_sink_reset(&sink);
        CHECK_INT(dissect_dhcp6(&c, &ctx, &sink), DISSECT_OK);
        CHECK_INT(sink.n, 0);
        /* a relay message without its Relay Message option: the option may
         * have been cut off, unless the UDP length says the message ends */
        static const uint8_t bare[34] = { 12 };
        CHECK_INT(d6(bare, sizeof(bare), false), DISSECT_TRUNCATED);
        CHECK_INT(d6_frame(bare, sizeof(bare), 6), DISSECT_MALFORMED);
        CHECK_INT(sink.n, 0);
        CHECK_INT(d6(bare, 20, false), DISSECT_TRUNCATED);
        /* an empty inner message */
        static const uint8_t empty_inner[38] = { 12, [34] = 0x00, 0x09, 0x00, 0x00 };
        CHECK_INT(d6(empty_inner, sizeof(empty_inner), false), DISSECT_MALFORMED);
        /* an inner message cut inside its own header */
        static const uint8_t cut_inner[40] = { 12, [34] = 0x00, 0x09, 0x00, 0x02, 0x01, 0x00 };
        CHECK_INT(d6(cut_inner, sizeof(cut_inner), false), DISSECT_MALFORMED);
}

static void test_not_unicast(void)
{
        /* a client message from a multicast source MAC names no station */
        static const uint8_t m[] = { SOLICIT, CLIENTID_LL };
        struct frame_ctx ctx;
        struct cursor c;
        memset(&ctx, 0, sizeof(ctx));
        ctx.src_mac[0] = 0x01;
        cur_init(&c, m, sizeof(m));
        obs_sink_reset(&sink);
        CHECK_INT(dissect_dhcp6(&c, &ctx, &sink), DISSECT_OK);
        CHECK_INT(sink.n, 0);
}

int main(void)
{
        test_dhclient();
        test_dhcpcd();
        test_relay();
        test_option_past_end();
        test_fqdn();
        test_duids();
        test_classes_and_oro();
        test_reply();
        test_relay_nesting();
        test_not_unicast();
        return t_done();
}
