/* test-arp.c - ARP (dissect/arp.c) on lab-30s.pcap and hand-built frames.
 *
 * Real frames: every ARP frame of tests/captures/lab-30s.pcap (requests and
 * replies between the scanner and the lab hosts, dnsmasq's address checks,
 * dhcpcd's RFC 5227 probes and announcements) with the exact observations
 * each must give, then the truncation sweep over each. The whole capture is
 * also merged into an inventory to check the ARP view of the LAN.
 * Hand-built: padding, foreign hardware/protocol types, wrong lengths,
 * RARP/InARP, multicast or zero sender, a sender differing from the
 * Ethernet source, gratuitous replies, cuts inside the header.
 */
#include <stdlib.h>

#include "netinv/inventory.h"
#include "netinv/util.h"
#include "testlib.h"

enum kind { PLAIN, PROBE, ANNOUNCE };

struct want {
        unsigned frame;         /* 1-based frame number in lab-30s.pcap */
        unsigned op;
        const char *sha, *spa, *tpa;
        enum kind kind;
};

/* From the capture (tshark -Y arp), hosts as in tests/captures/README.md. */
static const struct want lab[] = {
        { 4, 1, "50:c7:bf:00:00:01", "198.18.1.1", "198.18.0.100", PLAIN },
        { 12, 1, "50:c7:bf:00:00:01", "198.18.1.1", "198.18.0.100", PLAIN },
        { 18, 1, "50:c7:bf:00:00:01", "198.18.1.1", "198.18.0.100", PLAIN },
        { 21, 1, "50:c7:bf:00:00:01", "198.18.1.1", "198.18.0.177", PLAIN },
        { 24, 1, "50:c7:bf:00:00:01", "198.18.1.1", "198.18.0.177", PLAIN },
        { 26, 1, "50:c7:bf:00:00:01", "198.18.1.1", "198.18.0.177", PLAIN },
        { 29, 1, "50:c7:bf:00:00:01", "198.18.1.1", "198.18.0.116", PLAIN },
        { 31, 1, "50:c7:bf:00:00:01", "198.18.1.1", "198.18.0.116", PLAIN },
        { 33, 1, "50:c7:bf:00:00:01", "198.18.1.1", "198.18.0.116", PLAIN },
        { 35, 1, "b8:27:eb:00:00:04", "0.0.0.0", "198.18.0.116", PROBE },
        { 36, 1, "b8:27:eb:00:00:04", "0.0.0.0", "198.18.0.116", PROBE },
        { 37, 1, "b8:27:eb:00:00:04", "0.0.0.0", "198.18.0.116", PROBE },
        { 38, 1, "b8:27:eb:00:00:04", "198.18.0.116", "198.18.0.116", ANNOUNCE },
        { 40, 1, "3c:d9:2b:00:00:05", "198.18.1.5", "198.18.0.1", PLAIN },
        { 41, 2, "02:4e:4c:ff:00:01", "198.18.0.1", "198.18.1.5", PLAIN },
        { 43, 1, "b8:27:eb:00:00:04", "198.18.0.116", "198.18.0.116", ANNOUNCE },
        { 52, 1, "02:4e:4c:ff:00:01", "198.18.0.1", "198.18.1.1", PLAIN },
        { 53, 2, "50:c7:bf:00:00:01", "198.18.1.1", "198.18.0.1", PLAIN },
        { 58, 1, "02:4e:4c:ff:00:01", "198.18.0.1", "198.18.1.7", PLAIN },
        { 59, 2, "00:15:5d:00:00:07", "198.18.1.7", "198.18.0.1", PLAIN },
        { 62, 1, "02:4e:4c:ff:00:01", "198.18.0.1", "198.18.1.8", PLAIN },
        { 63, 2, "00:1a:a1:00:00:08", "198.18.1.8", "198.18.0.1", PLAIN },
        { 66, 1, "02:4e:4c:ff:00:01", "198.18.0.1", "198.18.1.6", PLAIN },
        { 67, 2, "00:11:32:00:00:06", "198.18.1.6", "198.18.0.1", PLAIN },
        { 80, 1, "02:4e:4c:ff:00:01", "198.18.0.1", "198.18.1.5", PLAIN },
        { 81, 1, "00:11:32:00:00:06", "198.18.1.6", "198.18.0.1", PLAIN },
        { 82, 2, "02:4e:4c:ff:00:01", "198.18.0.1", "198.18.1.6", PLAIN },
        { 83, 1, "00:1a:a1:00:00:08", "198.18.1.8", "198.18.0.1", PLAIN },
        { 84, 2, "02:4e:4c:ff:00:01", "198.18.0.1", "198.18.1.8", PLAIN },
        { 85, 1, "00:15:5d:00:00:07", "198.18.1.7", "198.18.0.1", PLAIN },
        { 86, 2, "02:4e:4c:ff:00:01", "198.18.0.1", "198.18.1.7", PLAIN },
        { 87, 1, "50:c7:bf:00:00:01", "198.18.1.1", "198.18.0.1", PLAIN },
        { 88, 2, "02:4e:4c:ff:00:01", "198.18.0.1", "198.18.1.1", PLAIN },
        { 89, 2, "3c:d9:2b:00:00:05", "198.18.1.5", "198.18.0.1", PLAIN },
};
#define N_LAB (sizeof(lab) / sizeof(lab[0]))

static struct obs_sink sink;

static bool is_arp_frame(const struct t_frame *f)
{
        return f->lt == LINK_ETHERNET && f->len >= 14 && f->data[12] == 0x08 &&
               f->data[13] == 0x06;
}

static void check_lab_frame(const struct t_frame *f, const struct want *w)
{
        uint8_t sha[6], spa[4];
        parse_mac(w->sha, sha);
        t_ip4(w->spa, spa);

        enum dissect_res r = t_dissect(f->data, f->len, &sink);
        if (!CHECK_INT(r, DISSECT_OK) ||
            !CHECK_INT(sink.n, w->kind == PLAIN ? 1 : w->kind == PROBE ? 1 : 2)) {
                fprintf(stderr, "  frame %u:\n", w->frame);
                t_dump(&sink, stderr);
                return;
        }
        bool all_sha = true;
        for (size_t i = 0; i < sink.n; i++)
                all_sha = all_sha && memcmp(sink.obs[i].mac, sha, 6) == 0 &&
                          sink.obs[i].source == PROTO_ARP;
        CHECK(all_sha);
        CHECK(t_find(&sink, OBS_ATTR, "arp.quirk", NULL) == NULL);
        const struct obs *o = t_find(&sink, OBS_IPV4, NULL, NULL);
        switch (w->kind) {
        case PLAIN:
                CHECK(o && memcmp(o->addr, spa, 4) == 0);
                break;
        case PROBE:
                CHECK(o == NULL);               /* 0.0.0.0 binds nothing */
                CHECK(t_find(&sink, OBS_ATTR, "arp.probe", w->tpa) != NULL);
                break;
        case ANNOUNCE:
                CHECK(o && memcmp(o->addr, spa, 4) == 0);
                CHECK(t_find(&sink, OBS_ATTR, "arp.announce", w->spa) != NULL);
                break;
        }
        CHECK(t_find(&sink, OBS_ATTR, "arp.probe", NULL) == NULL || w->kind == PROBE);
        CHECK(t_find(&sink, OBS_ATTR, "arp.announce", NULL) == NULL || w->kind == ANNOUNCE);
        /* The op code and target in the frame are the ones the table says. */
        CHECK_INT(f->data[20] << 8 | f->data[21], w->op);
}

static void test_lab(void)
{
        struct t_frames fr;
        if (t_load_pcap(t_capture("lab-30s.pcap"), &fr) < 0)
                return;
        CHECK_INT(fr.n, 89);
        size_t arp_frames = 0;
        for (size_t i = 0; i < fr.n; i++)
                arp_frames += is_arp_frame(&fr.f[i]);
        CHECK_INT(arp_frames, N_LAB);           /* the table covers every ARP frame */

        for (size_t k = 0; k < N_LAB; k++) {
                if (lab[k].frame > fr.n)
                        continue;
                const struct t_frame *f = &fr.f[lab[k].frame - 1];
                if (!CHECK(is_arp_frame(f)))
                        continue;
                check_lab_frame(f, &lab[k]);
                t_sweep(f->lt, f->data, f->len);
        }

        /* The ARP view of the whole capture, merged like `netinv scan`. */
        struct inventory *inv = inventory_new(0);
        for (size_t i = 0; i < fr.n; i++) {
                obs_sink_reset(&sink);
                sink.dropped = 0;
                dissect_frame(fr.f[i].lt, fr.f[i].data, fr.f[i].len, fr.f[i].ts, &sink);
                for (size_t j = 0; j < sink.n; j++)
                        if (sink.obs[j].source == PROTO_ARP)
                                inventory_add(inv, &sink.obs[j], fr.f[i].ts);
        }
        static const struct { const char *mac, *ip; } hosts[] = {
                { "00:11:32:00:00:06", "198.18.1.6" }, { "00:15:5d:00:00:07", "198.18.1.7" },
                { "00:1a:a1:00:00:08", "198.18.1.8" }, { "02:4e:4c:ff:00:01", "198.18.0.1" },
                { "3c:d9:2b:00:00:05", "198.18.1.5" }, { "50:c7:bf:00:00:01", "198.18.1.1" },
                { "b8:27:eb:00:00:04", "198.18.0.116" },
        };
        inventory_sort(inv);
        CHECK_INT(inventory_count(inv), 7);
        for (size_t i = 0; i < 7 && i < inventory_count(inv); i++) {
                const struct device *d = inventory_get(inv, i);
                char mac[18], ip[64] = "";
                fmt_mac(mac, sizeof(mac), d->mac);
                if (d->n_ipv4)
                        fmt_ip(ip, sizeof(ip), 4, d->ipv4[0]);
                CHECK_STR(mac, hosts[i].mac);
                CHECK_STR(ip, hosts[i].ip);
                CHECK_INT(d->n_ipv4, 1);
                CHECK_INT(d->sources, 1u << PROTO_ARP);
        }
        uint8_t rpi[6];
        parse_mac("b8:27:eb:00:00:04", rpi);
        const struct device *d = inventory_find(inv, rpi);
        if (CHECK(d != NULL) && CHECK_INT(d->n_obs, 2)) {
                CHECK_STR(d->obs[0].key, "arp.probe");
                CHECK_STR(d->obs[0].value, "198.18.0.116");
                CHECK_INT(d->obs[0].count, 3);
                CHECK_STR(d->obs[1].key, "arp.announce");
                CHECK_INT(d->obs[1].count, 2);
                CHECK(d->obs[0].first_seen == fr.f[34].ts);    /* frame 35 */
                CHECK(d->obs[1].last_seen == fr.f[42].ts);     /* frame 43 */
                CHECK(d->first_seen == fr.f[34].ts);
        }
        inventory_free(inv);
        t_frames_free(&fr);
}

/* An Ethernet + ARP frame, built field by field. */
struct arpf {
        uint8_t b[64];
        size_t n;
};

static void build(struct arpf *f, const char *eth_src, unsigned htype, unsigned ptype,
                  unsigned hlen, unsigned plen, unsigned op, const char *sha, const char *spa,
                  const char *tpa)
{
        uint8_t m[6], ip[4];
        memset(f, 0, sizeof(*f));
        memset(f->b, 0xff, 6);
        parse_mac(eth_src, m);
        memcpy(f->b + 6, m, 6);
        f->b[12] = 0x08;
        f->b[13] = 0x06;
        uint8_t *a = f->b + 14;
        a[0] = (uint8_t)(htype >> 8);
        a[1] = (uint8_t)htype;
        a[2] = (uint8_t)(ptype >> 8);
        a[3] = (uint8_t)ptype;
        a[4] = (uint8_t)hlen;
        a[5] = (uint8_t)plen;
        a[6] = (uint8_t)(op >> 8);
        a[7] = (uint8_t)op;
        parse_mac(sha, m);
        memcpy(a + 8, m, 6);
        t_ip4(spa, ip);
        memcpy(a + 14, ip, 4);
        t_ip4(tpa, ip);
        memcpy(a + 24, ip, 4);
        f->n = 42;
}

static enum dissect_res run(const struct arpf *f, size_t len)
{
        uint8_t *copy = malloc(len ? len : 1);      /* exact size for ASan */
        memcpy(copy, f->b, len);
        enum dissect_res r = t_dissect(copy, len, &sink);
        free(copy);
        return r;
}

#define HOST "00:11:32:00:00:06"

static void test_handbuilt(void)
{
        struct arpf f;
        uint8_t host[6];
        parse_mac(HOST, host);

        /* Minimum Ethernet frame: 18 bytes of padding after the 28. */
        build(&f, HOST, 1, 0x0800, 6, 4, 1, HOST, "198.18.1.6", "198.18.0.1");
        memset(f.b + 42, 0xa5, 18);
        CHECK_INT(run(&f, 60), DISSECT_OK);
        CHECK_INT(sink.n, 1);
        CHECK(t_find(&sink, OBS_IPV4, NULL, NULL) != NULL);
        t_sweep(LINK_ETHERNET, f.b, 60);

        /* Target in the sender's /24: an ordinary request, no announcement. */
        build(&f, HOST, 1, 0x0800, 6, 4, 1, HOST, "198.18.1.6", "198.18.1.7");
        CHECK_INT(run(&f, 42), DISSECT_OK);
        CHECK_INT(sink.n, 1);
        CHECK(t_find(&sink, OBS_ATTR, "arp.announce", NULL) == NULL);

        /* Gratuitous reply (sender == target): an announcement. */
        build(&f, HOST, 1, 0x0800, 6, 4, 2, HOST, "198.18.1.6", "198.18.1.6");
        CHECK_INT(run(&f, 42), DISSECT_OK);
        CHECK(t_find(&sink, OBS_ATTR, "arp.announce", "198.18.1.6") != NULL);
        CHECK_INT(sink.n, 2);

        /* Hardware type IEEE 802 (6), protocol IPv6: not ours. */
        build(&f, HOST, 6, 0x0800, 6, 4, 1, HOST, "198.18.1.6", "198.18.0.1");
        CHECK_INT(run(&f, 42), DISSECT_IGNORED);
        CHECK_INT(sink.n, 0);
        build(&f, HOST, 1, 0x86dd, 6, 4, 1, HOST, "198.18.1.6", "198.18.0.1");
        CHECK_INT(run(&f, 42), DISSECT_IGNORED);
        CHECK_INT(sink.n, 0);

        /* Ethernet/IPv4 with the wrong address lengths: malformed. */
        build(&f, HOST, 1, 0x0800, 8, 4, 1, HOST, "198.18.1.6", "198.18.0.1");
        CHECK_INT(run(&f, 42), DISSECT_MALFORMED);
        CHECK_INT(sink.n, 0);
        build(&f, HOST, 1, 0x0800, 6, 16, 1, HOST, "198.18.1.6", "198.18.0.1");
        CHECK_INT(run(&f, 42), DISSECT_MALFORMED);
        CHECK_INT(sink.n, 0);
        build(&f, HOST, 1, 0x0800, 0, 0, 1, HOST, "198.18.1.6", "198.18.0.1");
        CHECK_INT(run(&f, 42), DISSECT_MALFORMED);
        CHECK_INT(run(&f, 22), DISSECT_MALFORMED);     /* decided on the header alone */

        /* RARP request (3), InARP (8), op 0: nothing about a station. */
        static const unsigned ops[] = { 0, 3, 4, 8, 9, 0xffff };
        for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
                build(&f, HOST, 1, 0x0800, 6, 4, ops[i], HOST, "198.18.1.6", "198.18.0.1");
                CHECK_INT(run(&f, 42), DISSECT_IGNORED);
                CHECK_INT(sink.n, 0);
        }

        /* A multicast, broadcast or zero sender is not a station. */
        static const char *const bad_sha[] = { "01:00:5e:00:00:01", "ff:ff:ff:ff:ff:ff",
                                               "00:00:00:00:00:00", "33:33:00:00:00:01" };
        for (size_t i = 0; i < 4; i++) {
                build(&f, HOST, 1, 0x0800, 6, 4, 2, bad_sha[i], "198.18.1.6", "198.18.0.1");
                CHECK_INT(run(&f, 42), DISSECT_MALFORMED);
                CHECK_INT(sink.n, 0);
        }

        /* Sender differs from the Ethernet source (proxy ARP, bridge, spoof):
         * the quirk goes to the Ethernet source, the binding to the sender. */
        build(&f, "00:1a:a1:00:00:08", 1, 0x0800, 6, 4, 2, HOST, "198.18.1.6", "198.18.0.1");
        CHECK_INT(run(&f, 42), DISSECT_OK);
        CHECK_INT(sink.n, 2);
        const struct obs *q = t_find(&sink, OBS_ATTR, "arp.quirk", "sender_mac_differs");
        uint8_t eth[6];
        parse_mac("00:1a:a1:00:00:08", eth);
        CHECK(q && memcmp(q->mac, eth, 6) == 0 && q->source == PROTO_ARP);
        const struct obs *o = t_find(&sink, OBS_IPV4, NULL, NULL);
        CHECK(o && memcmp(o->mac, host, 6) == 0);
        /* ... but not to a multicast Ethernet source. */
        build(&f, "01:00:5e:00:00:01", 1, 0x0800, 6, 4, 2, HOST, "198.18.1.6", "198.18.0.1");
        CHECK_INT(run(&f, 42), DISSECT_OK);
        CHECK_INT(sink.n, 1);
        CHECK(t_find(&sink, OBS_ATTR, "arp.quirk", NULL) == NULL);

        /* Cut inside the fixed header and inside the addresses. */
        build(&f, HOST, 1, 0x0800, 6, 4, 1, HOST, "198.18.1.6", "198.18.0.1");
        CHECK_INT(run(&f, 14), DISSECT_TRUNCATED);
        CHECK_INT(run(&f, 21), DISSECT_TRUNCATED);
        CHECK_INT(run(&f, 22), DISSECT_TRUNCATED);
        CHECK_INT(run(&f, 41), DISSECT_TRUNCATED);
        CHECK_INT(sink.n, 0);                   /* nothing half-read is observed */
        CHECK_INT(run(&f, 42), DISSECT_OK);
        t_sweep(LINK_ETHERNET, f.b, 42);

        /* dissect_arp on its own, with the context the demux would give. */
        struct frame_ctx ctx;
        struct cursor c;
        memset(&ctx, 0, sizeof(ctx));
        memcpy(ctx.src_mac, host, 6);
        ctx.ethertype = 0x0806;
        obs_sink_reset(&sink);
        cur_init(&c, f.b + 14, 28);
        CHECK_INT(dissect_arp(&c, &ctx, &sink), DISSECT_OK);
        CHECK_INT(sink.n, 1);
        cur_init(&c, f.b + 14, 27);
        obs_sink_reset(&sink);
        CHECK_INT(dissect_arp(&c, &ctx, &sink), DISSECT_TRUNCATED);
        cur_init(&c, NULL, 0);
        CHECK_INT(dissect_arp(&c, &ctx, &sink), DISSECT_TRUNCATED);
}

int main(void)
{
        test_lab();
        test_handbuilt();
        return t_done();
}
