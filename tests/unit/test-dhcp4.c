/* test-dhcp4.c - the DHCPv4 dissector on real captures and hand-built edges.
 *
 * Real: the lab's dhclient, udhcpc and dhcpcd (client fingerprints), the
 * dnsmasq server side (OFFER/ACK, server role), and dhcp4-*.pcap from
 * tests/captures/make/dhcp4.sh (FQDN in both encodings, user class,
 * RELEASE, INFORM, a relay agent). Every real frame is also swept at every
 * prefix length. Edges: lengths past the end, zero lengths, a 255-entry
 * request list, no end option, bad magic, bad hlen, pad runs, bad option 53.
 */
#include <stdlib.h>

#include "testlib.h"
#include "netinv/util.h"

static struct obs_sink sink;

/* ---------------------------------------------------------------- helpers */

static bool mac_eq(const struct obs *o, const char *mac)
{
        uint8_t m[6];
        if (!parse_mac(mac, m))
                abort();
        return memcmp(o->mac, m, 6) == 0;
}

/* The value of the first `key` observation about `mac`; NULL if none. */
static const char *attr(const struct obs_sink *s, const char *mac, const char *key)
{
        for (size_t i = 0; i < s->n; i++) {
                const struct obs *o = &s->obs[i];
                if (o->kind == OBS_ATTR && strcmp(o->key, key) == 0 && mac_eq(o, mac))
                        return o->val;
        }
        return NULL;
}

static bool has_attr(const struct obs_sink *s, const char *mac, const char *key, const char *val)
{
        for (size_t i = 0; i < s->n; i++) {
                const struct obs *o = &s->obs[i];
                if (o->kind == OBS_ATTR && strcmp(o->key, key) == 0 && mac_eq(o, mac) &&
                    strcmp(o->val, val) == 0)
                        return true;
        }
        return false;
}

static bool has_ip(const struct obs_sink *s, const char *mac, const char *ip)
{
        uint8_t a[4];
        t_ip4(ip, a);
        for (size_t i = 0; i < s->n; i++) {
                const struct obs *o = &s->obs[i];
                if (o->kind == OBS_IPV4 && mac_eq(o, mac) && memcmp(o->addr, a, 4) == 0)
                        return true;
        }
        return false;
}

static size_t count_kind(const struct obs_sink *s, const char *mac, enum obs_kind kind)
{
        size_t n = 0;
        for (size_t i = 0; i < s->n; i++)
                if (s->obs[i].kind == kind && (!mac || mac_eq(&s->obs[i], mac)))
                        n++;
        return n;
}

static bool has_host(const struct obs_sink *s, const char *mac, const char *name)
{
        for (size_t i = 0; i < s->n; i++) {
                const struct obs *o = &s->obs[i];
                if (o->kind == OBS_HOSTNAME && mac_eq(o, mac) && strcmp(o->val, name) == 0)
                        return true;
        }
        return false;
}

static size_t count_key(const struct obs_sink *s, const char *key)
{
        size_t n = 0;
        for (size_t i = 0; i < s->n; i++)
                if (s->obs[i].kind == OBS_ATTR && strcmp(s->obs[i].key, key) == 0)
                        n++;
        return n;
}

/* Load a capture; every frame must be DHCP that decodes OK without any
 * quirk (real programs are well-formed), and survive the truncation sweep. */
static bool load(const char *name, struct t_frames *fr, size_t want)
{
        if (t_load_pcap(t_capture(name), fr) < 0)
                return false;
        if (!CHECK_INT(fr->n, want))
                fprintf(stderr, "  in %s\n", name);
        for (size_t i = 0; i < fr->n; i++) {
                obs_sink_reset(&sink);
                enum dissect_res r = dissect_frame(fr->f[i].lt, fr->f[i].data, fr->f[i].len, 1,
                                                   &sink);
                if (!CHECK_INT(r, DISSECT_OK) || !CHECK_INT(count_key(&sink, "dhcp.quirk"), 0)) {
                        fprintf(stderr, "  %s frame %zu:\n", name, i + 1);
                        t_dump(&sink, stderr);
                }
                CHECK(sink.n > 0);
                t_sweep(fr->f[i].lt, fr->f[i].data, fr->f[i].len);
        }
        return fr->n == want;
}

/* Decode frame `no` (1-based, as tshark numbers them) into the sink. */
static void frame(const struct t_frames *fr, size_t no)
{
        obs_sink_reset(&sink);
        dissect_frame(fr->f[no - 1].lt, fr->f[no - 1].data, fr->f[no - 1].len, 1, &sink);
}

/* ---------------------------------------------------------------- real clients */

static void test_dhclient(void)
{
        struct t_frames fr;
        const char *mac = "f8:bc:12:00:00:02";
        if (!load("dhcp-dhclient.pcap", &fr, 2))
                goto out;
        frame(&fr, 1);
        CHECK_STR(attr(&sink, mac, "dhcp.message_type"), "DISCOVER");
        CHECK(has_host(&sink, mac, "debian-ws"));
        CHECK_STR(attr(&sink, mac, "dhcp.options"), "53,12,55");
        CHECK_STR(attr(&sink, mac, "dhcp.prl"), "1,28,2,3,15,6,119,12,44,47,26,121,42");
        CHECK(!attr(&sink, mac, "dhcp.vendor_class"));
        CHECK(!attr(&sink, mac, "dhcp.client_id"));
        CHECK_INT(count_kind(&sink, NULL, OBS_IPV4), 0);
        frame(&fr, 2);
        CHECK_STR(attr(&sink, mac, "dhcp.message_type"), "REQUEST");
        CHECK_STR(attr(&sink, mac, "dhcp.options"), "53,54,50,12,55");
        CHECK_STR(attr(&sink, mac, "dhcp.requested_ip"), "198.18.0.100");
        /* A SELECTING REQUEST has ciaddr 0: nothing is bound yet. */
        CHECK_INT(count_kind(&sink, NULL, OBS_IPV4), 0);
out:
        t_frames_free(&fr);
}

static void test_udhcpc(void)
{
        struct t_frames fr;
        const char *mac = "24:0a:c4:00:00:03";
        if (!load("dhcp-udhcpc.pcap", &fr, 6))
                goto out;
        for (size_t i = 1; i <= 4; i++) {       /* the DISCOVER, retried 4x */
                frame(&fr, i);
                CHECK_STR(attr(&sink, mac, "dhcp.message_type"), "DISCOVER");
                CHECK_STR(attr(&sink, mac, "dhcp.options"), "53,57,55,12,60,61");
        }
        frame(&fr, 1);
        CHECK_STR(attr(&sink, mac, "dhcp.prl"), "1,3,6,12,15,28,42");
        CHECK_STR(attr(&sink, mac, "dhcp.vendor_class"), "udhcp 1.35.0");
        CHECK_STR(attr(&sink, mac, "dhcp.max_size"), "576");
        CHECK_STR(attr(&sink, mac, "dhcp.client_id"), "01:24:0a:c4:00:00:03");
        CHECK(has_host(&sink, mac, "esp-plug"));
        frame(&fr, 5);
        CHECK_STR(attr(&sink, mac, "dhcp.message_type"), "REQUEST");
        CHECK_STR(attr(&sink, mac, "dhcp.options"), "53,50,54,57,55,12,60,61");
        CHECK_STR(attr(&sink, mac, "dhcp.requested_ip"), "198.18.0.177");
out:
        t_frames_free(&fr);
}

static void test_dhcpcd(void)
{
        struct t_frames fr;
        const char *mac = "b8:27:eb:00:00:04";
        if (!load("dhcp-dhcpcd.pcap", &fr, 3))
                goto out;
        frame(&fr, 1);
        CHECK_STR(attr(&sink, mac, "dhcp.message_type"), "DISCOVER");
        CHECK_STR(attr(&sink, mac, "dhcp.options"), "53,55,57,61,60,80,12,145");
        CHECK_STR(attr(&sink, mac, "dhcp.prl"), "1,121,3,6,12,15,26,28,33,51,54,58,59,119");
        CHECK_STR(attr(&sink, mac, "dhcp.vendor_class"),
                  "dhcpcd-9.4.1:Linux-6.18.44-fc-v595:x86_64:AuthenticAMD");
        CHECK_STR(attr(&sink, mac, "dhcp.max_size"), "1472");
        /* RFC 4361: type 255, IAID, DUID-LLT */
        CHECK_STR(attr(&sink, mac, "dhcp.client_id"),
                  "ff:eb:00:00:04:00:01:00:01:32:95:ca:1b:b8:27:eb:00:00:04");
        CHECK(has_host(&sink, mac, "rpi-sensor"));
        frame(&fr, 3);
        CHECK_STR(attr(&sink, mac, "dhcp.message_type"), "REQUEST");
        CHECK_STR(attr(&sink, mac, "dhcp.options"), "50,53,54,55,57,61,60,12,145");
        CHECK_STR(attr(&sink, mac, "dhcp.requested_ip"), "198.18.0.116");
out:
        t_frames_free(&fr);
}

/* dnsmasq's side: OFFER proposes, ACK binds, the server names itself. */
static void test_server_side(void)
{
        struct t_frames fr;
        const char *srv = "50:c7:bf:00:00:01";
        if (!load("dhcp-server-side.pcap", &fr, 22))
                goto out;
        frame(&fr, 5);                          /* OFFER 198.18.0.100 to dhclient */
        CHECK_STR(attr(&sink, "f8:bc:12:00:00:02", "dhcp.offered_ip"), "198.18.0.100");
        CHECK_INT(count_kind(&sink, "f8:bc:12:00:00:02", OBS_IPV4), 0);
        CHECK(has_ip(&sink, srv, "198.18.1.1"));
        CHECK_STR(attr(&sink, srv, "dhcp.role"), "server");
        CHECK(!attr(&sink, "f8:bc:12:00:00:02", "dhcp.message_type"));
        frame(&fr, 16);                         /* ACK */
        CHECK(has_ip(&sink, "f8:bc:12:00:00:02", "198.18.0.100"));
        CHECK(has_host(&sink, "f8:bc:12:00:00:02", "debian-ws"));
        CHECK(has_ip(&sink, srv, "198.18.1.1"));
        CHECK_STR(attr(&sink, srv, "dhcp.role"), "server");
        frame(&fr, 20);
        CHECK(has_ip(&sink, "24:0a:c4:00:00:03", "198.18.0.177"));
        frame(&fr, 22);
        CHECK(has_ip(&sink, "b8:27:eb:00:00:04", "198.18.0.116"));
        CHECK_INT(count_kind(&sink, NULL, OBS_IPV4), 2);
        frame(&fr, 2);                          /* a client's DISCOVER on the server port */
        CHECK_STR(attr(&sink, "24:0a:c4:00:00:03", "dhcp.vendor_class"), "udhcp 1.35.0");
        CHECK(!attr(&sink, "24:0a:c4:00:00:03", "dhcp.role"));
out:
        t_frames_free(&fr);
}

/* ISC dhclient with FQDN (E flag, wire format) and a text user class, then
 * RELEASE; busybox udhcpc -F (ASCII FQDN) and its RELEASE. */
static void test_fqdn_release(void)
{
        struct t_frames fr;
        const char *ws = "02:d4:00:00:00:11", *plug = "02:d4:00:00:00:12";
        if (!load("dhcp4-fqdn-release.pcap", &fr, 10))
                goto out;
        frame(&fr, 1);
        CHECK_STR(attr(&sink, ws, "dhcp.message_type"), "DISCOVER");
        CHECK_STR(attr(&sink, ws, "dhcp.options"), "53,12,81,55,77");
        CHECK_STR(attr(&sink, ws, "dhcp.prl"), "1,28,3,15,6,12");
        CHECK_STR(attr(&sink, ws, "dhcp.fqdn"), "nhd4-ws.lab.test");
        CHECK_STR(attr(&sink, ws, "dhcp.user_class"), "netinv-lab");
        CHECK(has_host(&sink, ws, "nhd4-ws"));
        CHECK(has_host(&sink, ws, "nhd4-ws.lab.test"));
        frame(&fr, 4);                          /* ACK */
        CHECK(has_ip(&sink, ws, "198.18.40.171"));
        CHECK_STR(attr(&sink, "02:d4:00:00:00:01", "dhcp.role"), "server");
        frame(&fr, 5);
        CHECK_STR(attr(&sink, plug, "dhcp.fqdn"), "nhd4-plug.lab.test");
        CHECK_STR(attr(&sink, plug, "dhcp.vendor_class"), "netinv-lab-plug");
        CHECK_STR(attr(&sink, plug, "dhcp.options"), "53,57,55,12,60,61,81");
        frame(&fr, 9);                          /* dhclient -r: unicast RELEASE */
        CHECK_STR(attr(&sink, ws, "dhcp.message_type"), "RELEASE");
        CHECK(has_ip(&sink, ws, "198.18.40.171"));
        CHECK_STR(attr(&sink, ws, "dhcp.options"), "53,54,12,81,77");
        frame(&fr, 10);                         /* udhcpc -R on SIGTERM */
        CHECK_STR(attr(&sink, plug, "dhcp.message_type"), "RELEASE");
        CHECK(has_ip(&sink, plug, "198.18.40.172"));
        CHECK_STR(attr(&sink, plug, "dhcp.options"), "53,54,61");
out:
        t_frames_free(&fr);
}

/* dhcpcd --inform: ciaddr is the client's, the FQDN is a partial wire
 * name, the user class is RFC 3004 (a length byte first, kept raw). */
static void test_inform(void)
{
        struct t_frames fr;
        const char *mac = "02:d4:00:00:00:13";
        if (!load("dhcp4-inform.pcap", &fr, 2))
                goto out;
        frame(&fr, 1);
        CHECK_STR(attr(&sink, mac, "dhcp.message_type"), "INFORM");
        CHECK(has_ip(&sink, mac, "198.18.40.50"));
        CHECK_STR(attr(&sink, mac, "dhcp.fqdn"), "nhd4-inf");
        CHECK_STR(attr(&sink, mac, "dhcp.user_class"), "\x0dnetinv-inform");
        CHECK_STR(attr(&sink, mac, "dhcp.options"), "53,55,57,77,61,60,81,145");
        frame(&fr, 2);                          /* ACK to an INFORM: yiaddr 0 */
        CHECK_INT(count_kind(&sink, mac, OBS_IPV4), 0);
        CHECK(has_host(&sink, mac, "nhd4-inf"));
        /* unicast to ciaddr: it could have come through a router, so its
         * Ethernet source is not taken for the server */
        CHECK(!attr(&sink, "02:d4:00:00:00:01", "dhcp.role"));
        CHECK_INT(count_kind(&sink, "02:d4:00:00:00:01", OBS_IPV4), 0);
out:
        t_frames_free(&fr);
}

/* A dnsmasq relay between LAN B (client .14, relay .03) and LAN A (relay
 * .02, server .01): chaddr is not the Ethernet source, which is no quirk. */
static void test_relay(void)
{
        struct t_frames fr;
        const char *cl = "02:d4:00:00:00:14";
        if (!load("dhcp4-relay.pcap", &fr, 8))
                goto out;
        frame(&fr, 2);                          /* relayed DISCOVER on LAN A */
        CHECK_STR(attr(&sink, cl, "dhcp.vendor_class"), "udhcp 1.35.0");
        CHECK_STR(attr(&sink, cl, "dhcp.options"), "53,57,55,12,60,61");
        /* Its Ethernet source could be any router on the way: not named,
         * and its IP source (giaddr, on LAN B) not bound to it. */
        CHECK(!attr(&sink, "02:d4:00:00:00:02", "dhcp.role"));
        CHECK_INT(count_kind(&sink, "02:d4:00:00:00:02", OBS_IPV4), 0);
        frame(&fr, 4);                          /* OFFER passed on, LAN B */
        CHECK_STR(attr(&sink, cl, "dhcp.offered_ip"), "198.18.41.174");
        CHECK_STR(attr(&sink, "02:d4:00:00:00:03", "dhcp.role"), "relay");
        CHECK(has_ip(&sink, "02:d4:00:00:00:03", "198.18.41.1"));
        frame(&fr, 7);                          /* ACK to the relay, LAN A */
        CHECK(has_ip(&sink, cl, "198.18.41.174"));
        /* a relayed reply may cross routers on its way to giaddr */
        CHECK(!attr(&sink, "02:d4:00:00:00:01", "dhcp.role"));
        frame(&fr, 8);
        CHECK(has_ip(&sink, cl, "198.18.41.174"));
out:
        t_frames_free(&fr);
}

/* ---------------------------------------------------------------- hand-built */

#define CLIENT_MAC "02:00:00:00:00:aa"
#define OTHER_MAC "02:00:00:00:00:bb"

struct msg {
        uint8_t b[1600];
        size_t n;
};

/* A BOOTP header from a client (op 1, Ethernet chaddr CLIENT_MAC), then
 * the cookie when `cookie`. */
static void msg_start(struct msg *m, uint8_t op, bool cookie)
{
        memset(m, 0, sizeof(*m));
        m->b[0] = op;
        m->b[1] = 1;                            /* htype Ethernet */
        m->b[2] = 6;                            /* hlen */
        parse_mac(CLIENT_MAC, m->b + 28);
        m->n = 236;
        if (cookie) {
                static const uint8_t c[4] = { 99, 130, 83, 99 };
                memcpy(m->b + m->n, c, 4);
                m->n += 4;
        }
}

static void put(struct msg *m, const void *p, size_t n)
{
        if (m->n + n > sizeof(m->b))
                abort();
        memcpy(m->b + m->n, p, n);
        m->n += n;
}

#define PUT(m, ...) do { const uint8_t b_[] = { __VA_ARGS__ }; put((m), b_, sizeof(b_)); } while (0)

/* dissect_dhcp4 over exactly m->n bytes (a heap copy, so ASan sees any
 * read past it), from src_mac with IP source src_ip to dst_ip. */
static enum dissect_res run_to(const struct msg *m, const char *src_mac, const char *src_ip,
                               const char *dst_ip)
{
        struct frame_ctx ctx;
        struct cursor c;
        memset(&ctx, 0, sizeof(ctx));
        parse_mac(src_mac, ctx.src_mac);
        t_ip4(src_ip, ctx.ip_src);
        t_ip4(dst_ip, ctx.ip_dst);
        ctx.ip_version = 4;
        uint8_t *copy = malloc(m->n ? m->n : 1);
        if (!copy)
                abort();
        memcpy(copy, m->b, m->n);
        cur_init(&c, copy, m->n);
        obs_sink_reset(&sink);
        enum dissect_res r = dissect_dhcp4(&c, &ctx, &sink);
        free(copy);     /* the sink holds copies */
        return r;
}

static enum dissect_res run_from(const struct msg *m, const char *src_mac, const char *src_ip)
{
        return run_to(m, src_mac, src_ip, "255.255.255.255");
}

static enum dissect_res run(const struct msg *m)
{
        return run_from(m, CLIENT_MAC, "0.0.0.0");
}

static void test_edges_lengths(void)
{
        struct msg m;

        /* The header cut short. */
        msg_start(&m, 1, false);
        m.n = 100;
        CHECK_INT(run(&m), DISSECT_TRUNCATED);
        CHECK_INT(sink.n, 0);
        /* Header whole, cookie cut. */
        msg_start(&m, 1, true);
        m.n -= 2;
        CHECK_INT(run(&m), DISSECT_TRUNCATED);

        /* An option whose length runs past the end: what came before stays. */
        msg_start(&m, 1, true);
        PUT(&m, 53, 1, 1, 12, 50, 'a', 'b', 'c');
        CHECK_INT(run(&m), DISSECT_TRUNCATED);
        CHECK_STR(attr(&sink, CLIENT_MAC, "dhcp.message_type"), "DISCOVER");
        CHECK_INT(count_kind(&sink, NULL, OBS_HOSTNAME), 0);
        CHECK(!attr(&sink, CLIENT_MAC, "dhcp.options"));        /* order not whole */
        CHECK_INT(count_key(&sink, "dhcp.quirk"), 0);            /* a cut, not a quirk */
        /* ... and a length byte missing altogether. */
        msg_start(&m, 1, true);
        PUT(&m, 53, 1, 3, 12);
        CHECK_INT(run(&m), DISSECT_TRUNCATED);
        CHECK_STR(attr(&sink, CLIENT_MAC, "dhcp.message_type"), "REQUEST");

        /* Zero-length options carry nothing and are no error (80, rapid
         * commit, is zero-length by definition, RFC 4039). */
        msg_start(&m, 1, true);
        PUT(&m, 53, 1, 1, 12, 0, 60, 0, 80, 0, 77, 0, 255);
        CHECK_INT(run(&m), DISSECT_OK);
        CHECK_STR(attr(&sink, CLIENT_MAC, "dhcp.options"), "53,12,60,80,77");
        CHECK_INT(count_kind(&sink, NULL, OBS_HOSTNAME), 0);
        CHECK(!attr(&sink, CLIENT_MAC, "dhcp.vendor_class"));
        CHECK(!attr(&sink, CLIENT_MAC, "dhcp.user_class"));

        /* Option 53 with length 0, and with length 2: malformed, the rest
         * of the message is still read. */
        msg_start(&m, 1, true);
        PUT(&m, 53, 0, 12, 3, 'p', 'c', '1', 255);
        CHECK_INT(run(&m), DISSECT_MALFORMED);
        CHECK(!attr(&sink, CLIENT_MAC, "dhcp.message_type"));
        CHECK(has_host(&sink, CLIENT_MAC, "pc1"));
        msg_start(&m, 1, true);
        PUT(&m, 53, 2, 1, 1, 255);
        CHECK_INT(run(&m), DISSECT_MALFORMED);
        /* Fixed-size options of the wrong size. */
        msg_start(&m, 1, true);
        PUT(&m, 53, 1, 3, 50, 3, 198, 18, 0, 255);
        CHECK_INT(run(&m), DISSECT_MALFORMED);
        CHECK(!attr(&sink, CLIENT_MAC, "dhcp.requested_ip"));
        msg_start(&m, 1, true);
        PUT(&m, 53, 1, 1, 57, 3, 2, 64, 0, 255);
        CHECK_INT(run(&m), DISSECT_MALFORMED);
        CHECK(!attr(&sink, CLIENT_MAC, "dhcp.max_size"));
}

static void test_edges_lists(void)
{
        struct msg m;
        char want[2048];
        size_t wl = 0;

        /* A request list of 255 entries: cut at an entry boundary to fit a
         * value (OBS_VALUE_MAX), never mid-number. */
        msg_start(&m, 1, true);
        PUT(&m, 53, 1, 1, 55, 255);
        for (unsigned v = 1; v <= 255; v++) {
                uint8_t b = (uint8_t)v;
                put(&m, &b, 1);
                wl += (size_t)snprintf(want + wl, sizeof(want) - wl, "%s%u", v > 1 ? "," : "", v);
        }
        PUT(&m, 255);
        CHECK_INT(run(&m), DISSECT_OK);
        const char *prl = attr(&sink, CLIENT_MAC, "dhcp.prl");
        CHECK(prl != NULL);
        if (prl) {
                size_t n = strlen(prl);
                CHECK(n <= OBS_VALUE_MAX && n > OBS_VALUE_MAX - 4);
                CHECK(strncmp(prl, want, n) == 0);
                CHECK(want[n] == ',');                  /* ends where an entry ends */
        }

        /* A 255-byte client identifier: hex cut at a byte boundary. */
        msg_start(&m, 1, true);
        PUT(&m, 61, 255);
        for (unsigned v = 0; v < 255; v++) {
                uint8_t b = 0xab;
                put(&m, &b, 1);
        }
        PUT(&m, 43, 3, 0x01, 0x02, 0xff, 255);
        CHECK_INT(run(&m), DISSECT_OK);
        const char *cid = attr(&sink, CLIENT_MAC, "dhcp.client_id");
        CHECK(cid && strlen(cid) == 171 * 3 - 1);        /* 171 bytes fill OBS_VALUE_MAX */
        CHECK(cid && strncmp(cid, "ab:ab:", 6) == 0 && cid[strlen(cid) - 1] == 'b');
        CHECK_STR(attr(&sink, CLIENT_MAC, "dhcp.vendor_info"), "0102ff");
        CHECK_STR(attr(&sink, CLIENT_MAC, "dhcp.options"), "61,43");

        /* Pad runs before, between and after the options are not options. */
        msg_start(&m, 1, true);
        PUT(&m, 0, 0, 0, 53, 1, 8, 0, 0, 0, 0, 0, 55, 2, 1, 3, 0, 0, 255, 0, 0, 0, 0);
        CHECK_INT(run(&m), DISSECT_OK);
        CHECK_STR(attr(&sink, CLIENT_MAC, "dhcp.options"), "53,55");
        CHECK_STR(attr(&sink, CLIENT_MAC, "dhcp.prl"), "1,3");
        CHECK_STR(attr(&sink, CLIENT_MAC, "dhcp.message_type"), "INFORM");
        CHECK_INT(count_key(&sink, "dhcp.quirk"), 0);
        /* Only pad after the cookie, no end: cut or careless, TRUNCATED. */
        msg_start(&m, 1, true);
        PUT(&m, 0, 0, 0, 0);
        CHECK_INT(run(&m), DISSECT_TRUNCATED);
}

static void test_edges_structure(void)
{
        struct msg m;

        /* No end option: TRUNCATED (a cut at an option boundary looks the
         * same), the quirk is kept, the order is not reported. */
        msg_start(&m, 1, true);
        PUT(&m, 53, 1, 1, 12, 2, 'p', 'c');
        CHECK_INT(run(&m), DISSECT_TRUNCATED);
        CHECK(has_attr(&sink, CLIENT_MAC, "dhcp.quirk", "no_end_option"));
        CHECK(has_host(&sink, CLIENT_MAC, "pc"));
        CHECK(!attr(&sink, CLIENT_MAC, "dhcp.options"));

        /* Something other than pad after the end option. */
        msg_start(&m, 1, true);
        PUT(&m, 53, 1, 1, 255, 0, 0, 0x41, 0);
        CHECK_INT(run(&m), DISSECT_OK);
        CHECK(has_attr(&sink, CLIENT_MAC, "dhcp.quirk", "option_after_end_nonzero"));

        /* Bad magic: plain BOOTP, OK, no DHCP options read even if the
         * bytes after it look like options. ciaddr is the client's. */
        msg_start(&m, 1, false);
        PUT(&m, 99, 130, 83, 98, 53, 1, 1, 12, 2, 'p', 'c', 255);
        t_ip4("198.18.0.9", m.b + 12);
        CHECK_INT(run(&m), DISSECT_OK);
        CHECK_INT(count_key(&sink, "dhcp.message_type"), 0);
        CHECK_INT(count_kind(&sink, NULL, OBS_HOSTNAME), 0);
        CHECK(has_ip(&sink, CLIENT_MAC, "198.18.0.9"));
        /* A BOOTP reply assigns yiaddr. */
        msg_start(&m, 2, false);
        PUT(&m, 0, 0, 0, 0);
        t_ip4("198.18.0.10", m.b + 16);
        CHECK_INT(run_from(&m, OTHER_MAC, "198.18.0.1"), DISSECT_OK);
        CHECK(has_ip(&sink, CLIENT_MAC, "198.18.0.10"));

        /* hlen 16 with htype Ethernet, hlen over 16, op 3: malformed, nothing said. */
        msg_start(&m, 1, true);
        m.b[2] = 16;
        PUT(&m, 53, 1, 1, 255);
        CHECK_INT(run(&m), DISSECT_MALFORMED);
        CHECK_INT(sink.n, 0);
        m.b[1] = 6;                             /* IEEE 802 */
        m.b[2] = 17;
        CHECK_INT(run(&m), DISSECT_MALFORMED);
        msg_start(&m, 3, true);
        PUT(&m, 53, 1, 1, 255);
        CHECK_INT(run(&m), DISSECT_MALFORMED);
        /* A non-Ethernet client (InfiniBand, hlen 0) names no MAC: OK, silent. */
        msg_start(&m, 1, true);
        m.b[1] = 32;
        m.b[2] = 0;
        memset(m.b + 28, 0, 16);
        PUT(&m, 53, 1, 1, 60, 3, 'i', 'b', '0', 255);
        CHECK_INT(run_from(&m, OTHER_MAC, "0.0.0.0"), DISSECT_OK);
        CHECK_INT(sink.n, 0);
}

static void test_edges_fqdn(void)
{
        struct msg m;

        /* Wire format with a compression pointer: not allowed (RFC 4702 §2.3.1). */
        msg_start(&m, 1, true);
        PUT(&m, 53, 1, 1, 81, 7, 0x05, 0, 0, 1, 'a', 0xc0, 0x0c, 255);
        CHECK_INT(run(&m), DISSECT_MALFORMED);
        CHECK(!attr(&sink, CLIENT_MAC, "dhcp.fqdn"));
        CHECK_STR(attr(&sink, CLIENT_MAC, "dhcp.message_type"), "DISCOVER");
        /* A label longer than the option. */
        msg_start(&m, 1, true);
        PUT(&m, 81, 6, 0x04, 0, 0, 9, 'a', 'b', 255);
        CHECK_INT(run(&m), DISSECT_MALFORMED);
        /* Shorter than flags + rcodes. */
        msg_start(&m, 1, true);
        PUT(&m, 81, 2, 0x04, 0, 255);
        CHECK_INT(run(&m), DISSECT_MALFORMED);
        /* Complete wire name with the root label. */
        msg_start(&m, 1, true);
        PUT(&m, 81, 12, 0x05, 0, 0, 2, 'p', 'c', 4, 't', 'e', 's', 't', 0, 255);
        CHECK_INT(run(&m), DISSECT_OK);
        CHECK_STR(attr(&sink, CLIENT_MAC, "dhcp.fqdn"), "pc.test");
        /* ASCII form with a trailing NUL (deleted, RFC 2132 §2) and a
         * hostname with one: the quirk says so. */
        msg_start(&m, 1, true);
        PUT(&m, 81, 8, 0x00, 0xff, 0xff, 'p', 'c', '.', 't', 0, 12, 3, 'p', 'c', 0, 255);
        CHECK_INT(run(&m), DISSECT_OK);
        CHECK_STR(attr(&sink, CLIENT_MAC, "dhcp.fqdn"), "pc.t");
        CHECK(has_host(&sink, CLIENT_MAC, "pc"));
        CHECK(has_attr(&sink, CLIENT_MAC, "dhcp.quirk", "trailing_nul"));
        /* Only flags and rcodes: no name, no observation. */
        msg_start(&m, 1, true);
        PUT(&m, 81, 3, 0x05, 0, 0, 255);
        CHECK_INT(run(&m), DISSECT_OK);
        CHECK(!attr(&sink, CLIENT_MAC, "dhcp.fqdn"));
}

static void test_edges_who(void)
{
        struct msg m;

        /* chaddr is not the Ethernet source and no relay: quirk on the sender. */
        msg_start(&m, 1, true);
        PUT(&m, 53, 1, 1, 255);
        CHECK_INT(run_from(&m, OTHER_MAC, "0.0.0.0"), DISSECT_OK);
        CHECK(has_attr(&sink, OTHER_MAC, "dhcp.quirk", "chaddr_differs"));
        CHECK_STR(attr(&sink, CLIENT_MAC, "dhcp.message_type"), "DISCOVER");
        /* The same through a relay (giaddr set, IP source giaddr). */
        t_ip4("198.18.41.1", m.b + 24);
        CHECK_INT(run_from(&m, OTHER_MAC, "198.18.41.1"), DISSECT_OK);
        CHECK_INT(count_key(&sink, "dhcp.quirk"), 0);
        CHECK_STR(attr(&sink, CLIENT_MAC, "dhcp.message_type"), "DISCOVER");
        CHECK_INT(count_kind(&sink, OTHER_MAC, OBS_ATTR), 0);

        /* A RENEWING REQUEST (ciaddr set) unicast to the server may come
         * through a router: a foreign Ethernet source is no quirk then; the
         * same message broadcast (REBINDING) never left the link. */
        msg_start(&m, 1, true);
        t_ip4("198.18.0.7", m.b + 12);
        PUT(&m, 53, 1, 3, 255);
        CHECK_INT(run_to(&m, OTHER_MAC, "198.18.0.7", "198.18.9.1"), DISSECT_OK);
        CHECK_INT(count_key(&sink, "dhcp.quirk"), 0);
        CHECK(has_ip(&sink, CLIENT_MAC, "198.18.0.7"));
        CHECK_INT(run_to(&m, OTHER_MAC, "198.18.0.7", "255.255.255.255"), DISSECT_OK);
        CHECK(has_attr(&sink, OTHER_MAC, "dhcp.quirk", "chaddr_differs"));

        /* Broadcast flag, and a reserved flag bit. */
        msg_start(&m, 1, true);
        m.b[10] = 0x80;
        PUT(&m, 53, 1, 1, 255);
        CHECK_INT(run(&m), DISSECT_OK);
        CHECK(has_attr(&sink, CLIENT_MAC, "dhcp.quirk", "broadcast_flag"));
        CHECK(!has_attr(&sink, CLIENT_MAC, "dhcp.quirk", "flags_reserved"));
        m.b[11] = 0x01;
        CHECK_INT(run(&m), DISSECT_OK);
        CHECK(has_attr(&sink, CLIENT_MAC, "dhcp.quirk", "flags_reserved"));

        /* A REQUEST while renewing binds ciaddr; a DISCOVER's ciaddr does not. */
        msg_start(&m, 1, true);
        t_ip4("198.18.0.7", m.b + 12);
        PUT(&m, 53, 1, 3, 255);
        CHECK_INT(run(&m), DISSECT_OK);
        CHECK(has_ip(&sink, CLIENT_MAC, "198.18.0.7"));
        m.b[242] = 1;
        CHECK_INT(run(&m), DISSECT_OK);
        CHECK_INT(count_kind(&sink, NULL, OBS_IPV4), 0);
        /* Newer message types are reported by number. */
        m.b[242] = 13;
        CHECK_INT(run(&m), DISSECT_OK);
        CHECK_STR(attr(&sink, CLIENT_MAC, "dhcp.message_type"), "13");

        /* Server replies: an ACK binds, a NAK does not; the server is named
         * only when its identifier is the IP source. */
        msg_start(&m, 2, true);
        t_ip4("198.18.0.20", m.b + 16);
        PUT(&m, 53, 1, 5, 54, 4, 198, 18, 0, 1, 255);
        CHECK_INT(run_from(&m, OTHER_MAC, "198.18.0.1"), DISSECT_OK);
        CHECK(has_ip(&sink, CLIENT_MAC, "198.18.0.20"));
        CHECK(has_ip(&sink, OTHER_MAC, "198.18.0.1"));
        CHECK_STR(attr(&sink, OTHER_MAC, "dhcp.role"), "server");
        CHECK(!attr(&sink, CLIENT_MAC, "dhcp.message_type"));
        CHECK_INT(run_from(&m, OTHER_MAC, "198.18.0.2"), DISSECT_OK);
        CHECK_INT(count_kind(&sink, OTHER_MAC, OBS_IPV4), 0);
        CHECK(!attr(&sink, OTHER_MAC, "dhcp.role"));
        /* The ACK to a renewal, unicast to ciaddr: maybe routed, the
         * lease is bound but the Ethernet source is not named. */
        t_ip4("198.18.0.20", m.b + 12);
        CHECK_INT(run_to(&m, OTHER_MAC, "198.18.0.1", "198.18.0.20"), DISSECT_OK);
        CHECK(has_ip(&sink, CLIENT_MAC, "198.18.0.20"));
        CHECK_INT(count_kind(&sink, OTHER_MAC, OBS_IPV4), 0);
        CHECK(!attr(&sink, OTHER_MAC, "dhcp.role"));
        memset(m.b + 12, 0, 4);
        m.b[242] = 6;                           /* NAK */
        CHECK_INT(run_from(&m, OTHER_MAC, "198.18.0.1"), DISSECT_OK);
        CHECK_INT(count_kind(&sink, CLIENT_MAC, OBS_IPV4), 0);
        /* Quirks of a reply belong to the server that composed it: the
         * Ethernet source when it answers itself, nobody when a relay
         * agent passed it on. */
        msg_start(&m, 2, true);
        PUT(&m, 53, 1, 2, 54, 4, 198, 18, 0, 1);        /* no end option */
        CHECK_INT(run_from(&m, OTHER_MAC, "198.18.0.1"), DISSECT_TRUNCATED);
        CHECK(has_attr(&sink, OTHER_MAC, "dhcp.quirk", "no_end_option"));
        t_ip4("198.18.41.1", m.b + 24);
        CHECK_INT(run_from(&m, OTHER_MAC, "198.18.41.1"), DISSECT_TRUNCATED);
        CHECK_INT(count_key(&sink, "dhcp.quirk"), 0);
        CHECK_STR(attr(&sink, OTHER_MAC, "dhcp.role"), "relay");
        /* A multicast chaddr names nobody. */
        msg_start(&m, 1, true);
        m.b[28] = 0x01;
        PUT(&m, 53, 1, 1, 60, 1, 'x', 255);
        CHECK_INT(run_from(&m, OTHER_MAC, "0.0.0.0"), DISSECT_OK);
        CHECK_INT(count_key(&sink, "dhcp.vendor_class"), 0);
}

int main(void)
{
        test_dhclient();
        test_udhcpc();
        test_dhcpcd();
        test_server_side();
        test_fqdn_release();
        test_inform();
        test_relay();
        test_edges_lengths();
        test_edges_lists();
        test_edges_structure();
        test_edges_fqdn();
        test_edges_who();
        return t_done();
}
