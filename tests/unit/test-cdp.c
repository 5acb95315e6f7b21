/* test-cdp.c - dissect_cdp on real CDPv1/CDPv2 frames from lldpd 1.0.16 and
 * on hand-built edge cases.
 *
 * tests/captures/cdp-lldpd.pcap (tests/captures/make/lldp.sh), in order:
 *   0: nhll-a 02:6e:68:6c:00:0a CDPv2    1: nhll-b 02:6e:68:6c:00:0b CDPv1
 *   2: nhll-a CDPv1                       3: nhll-b CDPv2
 */
#include "testlib.h"

#include <stdlib.h>

static const uint8_t mac_a[6] = { 0x02, 0x6e, 0x68, 0x6c, 0x00, 0x0a };
static const uint8_t mac_b[6] = { 0x02, 0x6e, 0x68, 0x6c, 0x00, 0x0b };
static const uint8_t mac_x[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x43 };

static struct obs_sink sink;

static const char *attr(const char *key)
{
        const struct obs *o = t_find(&sink, OBS_ATTR, key, NULL);
        return o ? o->val : NULL;
}

static size_t count_kind(enum obs_kind k)
{
        size_t n = 0;
        for (size_t i = 0; i < sink.n; i++)
                n += sink.obs[i].kind == k;
        return n;
}

static bool all_about(const uint8_t mac[6])
{
        for (size_t i = 0; i < sink.n; i++)
                if (memcmp(sink.obs[i].mac, mac, 6) != 0 || sink.obs[i].source != PROTO_CDP)
                        return false;
        return true;
}

struct pdu {
        uint8_t b[2048];
        size_t n;
};

static void put(struct pdu *p, const void *d, size_t n)
{
        if (p->n + n > sizeof(p->b))
                abort();
        if (n)
                memcpy(p->b + p->n, d, n);
        p->n += n;
}

static void be16(struct pdu *p, unsigned v)
{
        uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
        put(p, b, 2);
}

/* A TLV whose length field says `len` (header included). */
static void tlv_raw(struct pdu *p, unsigned type, unsigned len, const void *v, size_t n)
{
        be16(p, type);
        be16(p, len);
        put(p, v, n);
}

static void tlv(struct pdu *p, unsigned type, const void *v, size_t n)
{
        tlv_raw(p, type, (unsigned)n + 4, v, n);
}

static void hdr(struct pdu *p, uint8_t version)
{
        uint8_t h[4] = { version, 180, 0x12, 0x34 };   /* checksum not checked */
        put(p, h, 4);
}

static enum dissect_res run(const struct pdu *p)
{
        struct frame_ctx ctx;
        struct cursor c;
        uint8_t *copy = malloc(p->n ? p->n : 1);
        if (!copy)
                abort();
        memcpy(copy, p->b, p->n);
        memset(&ctx, 0, sizeof(ctx));
        memcpy(ctx.src_mac, mac_x, 6);
        obs_sink_reset(&sink);
        cur_init(&c, copy, p->n);
        enum dissect_res r = dissect_cdp(&c, &ctx, &sink);
        free(copy);
        return r;
}

/* ---------------------------------------------------------------- real frames */

static void check_a(void)
{
        uint8_t ip[4];
        CHECK_STR(attr("cdp.device_id"), "nhll-sw1.lab.example");
        CHECK(t_find(&sink, OBS_HOSTNAME, NULL, "nhll-sw1.lab.example"));
        CHECK_STR(attr("cdp.address"), "198.18.0.10");
        const struct obs *o = t_find(&sink, OBS_IPV4, NULL, NULL);
        t_ip4("198.18.0.10", ip);
        CHECK(o && memcmp(o->addr, ip, 4) == 0);
        CHECK_STR(attr("cdp.port_id"), "uplink to endpoint");
        CHECK_STR(attr("cdp.capabilities"), "router,switch,host");
        CHECK_STR(attr("cdp.software_version"), "netinv lab switch (lldpd)");
        CHECK_STR(attr("cdp.platform"), "netinv-lab-platform");
        CHECK(all_about(mac_a));
        CHECK_INT(sink.n, 8);
}

static void check_b(void)
{
        uint8_t ip[4];
        CHECK_STR(attr("cdp.device_id"), "nhll-ep1");
        CHECK(t_find(&sink, OBS_HOSTNAME, NULL, "nhll-ep1"));
        CHECK_STR(attr("cdp.address"), "198.18.0.11");
        const struct obs *o = t_find(&sink, OBS_IPV4, NULL, NULL);
        t_ip4("198.18.0.11", ip);
        CHECK(o && memcmp(o->addr, ip, 4) == 0);
        CHECK_STR(attr("cdp.port_id"), "lan0");
        CHECK_STR(attr("cdp.capabilities"), "host");
        CHECK_STR(attr("cdp.software_version"), "netinv lab endpoint (lldpd)");
        CHECK_STR(attr("cdp.platform"), "netinv-lab-endpoint");
        CHECK(all_about(mac_b));
        CHECK_INT(sink.n, 8);
}

static void test_capture(void)
{
        struct t_frames fr;
        static const uint8_t version[4] = { 2, 1, 1, 2 };

        if (t_load_pcap(t_capture("cdp-lldpd.pcap"), &fr) < 0)
                return;
        if (!CHECK_INT(fr.n, 4))
                goto out;
        for (size_t i = 0; i < fr.n; i++) {
                /* 802.3 length, LLC/SNAP, then the CDP version byte */
                CHECK(fr.f[i].len > 22 && fr.f[i].data[12] < 0x06);
                CHECK_INT(fr.f[i].data[22], version[i]);
                CHECK_INT(t_dissect(fr.f[i].data, fr.f[i].len, &sink), DISSECT_OK);
                if (i % 2 == 0)
                        check_a();
                else
                        check_b();
                CHECK_INT(sink.dropped, 0);
                CHECK_INT(t_sweep(fr.f[i].lt, fr.f[i].data, fr.f[i].len), 0);
        }

        /* The CDPv2 PDU alone, every prefix straight into dissect_cdp: a
         * cut inside a TLV is TRUNCATED, a cut between TLVs is OK (CDP has
         * no end marker); never MALFORMED. */
        struct pdu p = { .n = 0 };
        put(&p, fr.f[0].data + 22, fr.f[0].len - 22);
        size_t whole = p.n;
        int bad = 0;
        for (p.n = 0; p.n < whole; p.n++) {
                enum dissect_res r = run(&p);
                bad += r != DISSECT_TRUNCATED && r != DISSECT_OK;
        }
        CHECK_INT(bad, 0);
        p.n = 3;
        CHECK_INT(run(&p), DISSECT_TRUNCATED);
        p.n = 4 + 4 + 10;                       /* inside the device id */
        CHECK_INT(run(&p), DISSECT_TRUNCATED);
out:
        t_frames_free(&fr);
}

/* ---------------------------------------------------------------- hand-built */

static void test_short_tlv_length(void)
{
        for (unsigned len = 0; len < 4; len++) {
                struct pdu p = { .n = 0 };
                hdr(&p, 2);
                tlv(&p, 0x0001, "sw-short", 8);
                tlv_raw(&p, 0x0006, len, "\x00\x00\x00\x00", 4);
                CHECK_INT(run(&p), DISSECT_MALFORMED);
                /* the device id before it is kept */
                CHECK_STR(attr("cdp.device_id"), "sw-short");
                CHECK(attr("cdp.platform") == NULL);
        }
}

static void test_tlv_past_end(void)
{
        struct pdu p = { .n = 0 };
        hdr(&p, 2);
        tlv(&p, 0x0001, "dev", 3);
        tlv_raw(&p, 0x0005, 200, "IOS", 3);
        CHECK_INT(run(&p), DISSECT_TRUNCATED);
        CHECK_STR(attr("cdp.device_id"), "dev");
        CHECK(attr("cdp.software_version") == NULL);

        p.n = 0;
        hdr(&p, 1);
        put(&p, "\x00\x01\x00", 3);             /* TLV header cut */
        CHECK_INT(run(&p), DISSECT_TRUNCATED);
}

static void test_address_count(void)
{
        /* 1000 addresses announced, one present */
        struct pdu a = { .n = 0 };
        put(&a, "\x00\x00\x03\xe8", 4);
        put(&a, "\x01\x01\xcc\x00\x04\xc6\x12\x00\x63", 9);
        struct pdu p = { .n = 0 };
        hdr(&p, 2);
        tlv(&p, 0x0002, a.b, a.n);
        tlv(&p, 0x0001, "after", 5);
        CHECK_INT(run(&p), DISSECT_MALFORMED);
        CHECK_INT(count_kind(OBS_IPV4), 1);
        CHECK_STR(attr("cdp.address"), "198.18.0.99");
        CHECK(attr("cdp.device_id") == NULL);   /* not reached */

        /* count 0xffffffff over an empty list */
        p.n = 0;
        hdr(&p, 2);
        tlv(&p, 0x0002, "\xff\xff\xff\xff", 4);
        CHECK_INT(run(&p), DISSECT_MALFORMED);
        CHECK_INT(sink.n, 0);

        /* count field itself cut short */
        p.n = 0;
        hdr(&p, 2);
        tlv(&p, 0x0002, "\x00\x00", 2);
        CHECK_INT(run(&p), DISSECT_MALFORMED);

        /* an address longer than its TLV */
        p.n = 0;
        hdr(&p, 2);
        tlv(&p, 0x0002, "\x00\x00\x00\x01\x01\x01\xcc\x00\x04\xc6\x12", 11);
        CHECK_INT(run(&p), DISSECT_MALFORMED);
        CHECK_INT(count_kind(OBS_IPV4), 0);

        /* protocol length past the TLV */
        p.n = 0;
        hdr(&p, 2);
        tlv(&p, 0x0002, "\x00\x00\x00\x01\x02\x08\xaa\xaa", 8);
        CHECK_INT(run(&p), DISSECT_MALFORMED);
}

static void test_many_addresses(void)
{
        /* More entries than CDP_ADDRS_MAX (32) are not read, the rest of the
         * PDU still is. */
        struct pdu a = { .n = 0 };
        put(&a, "\x00\x00\x00\x28", 4);         /* 40 */
        for (unsigned i = 0; i < 40; i++) {
                uint8_t e[9] = { 1, 1, 0xcc, 0, 4, 198, 18, 1, (uint8_t)i };
                put(&a, e, 9);
        }
        struct pdu p = { .n = 0 };
        hdr(&p, 2);
        tlv(&p, 0x0002, a.b, a.n);
        tlv(&p, 0x0001, "many", 4);
        CHECK_INT(run(&p), DISSECT_OK);
        CHECK_INT(count_kind(OBS_IPV4), 32);
        CHECK_STR(attr("cdp.device_id"), "many");
}

static void test_capabilities(void)
{
        struct pdu p = { .n = 0 };
        hdr(&p, 2);
        tlv(&p, 0x0004, "\x00\x00", 2);         /* too short */
        CHECK_INT(run(&p), DISSECT_MALFORMED);
        CHECK(attr("cdp.capabilities") == NULL);

        p.n = 0;
        hdr(&p, 2);
        tlv(&p, 0x0004, "\x00\x00\x00\x00\x00", 5);   /* too long */
        CHECK_INT(run(&p), DISSECT_MALFORMED);

        p.n = 0;
        hdr(&p, 2);
        tlv(&p, 0x0004, "\xff\xff\xff\xff", 4);
        CHECK_INT(run(&p), DISSECT_OK);
        CHECK_STR(attr("cdp.capabilities"), "router,trans-bridge,source-route-bridge,switch,host,"
                                            "igmp,repeater,phone,remote,cvta,mac-relay");

        p.n = 0;
        hdr(&p, 2);
        tlv(&p, 0x0004, "\x00\x00\x00\x00", 4);
        CHECK_INT(run(&p), DISSECT_OK);
        CHECK(attr("cdp.capabilities") == NULL);
}

static void test_v2_fields(void)
{
        uint8_t ip6[16];
        t_ip6("fe80::2", ip6);
        struct pdu m = { .n = 0 };
        put(&m, "\x00\x00\x00\x02", 4);
        put(&m, "\x02\x08\xaa\xaa\x03\x00\x00\x00\x86\xdd\x00\x10", 12);
        put(&m, ip6, 16);
        put(&m, "\x01\x01\x81\x00\x02\xaa\xbb", 7);   /* NLPID CLNS: skipped */

        struct pdu p = { .n = 0 };
        hdr(&p, 2);
        tlv(&p, 0x0001, "Switch01.lab", 12);
        tlv(&p, 0x0009, "labvtp", 6);
        tlv(&p, 0x000a, "\x00\x64", 2);
        tlv(&p, 0x000b, "\x01", 1);
        tlv(&p, 0x0016, m.b, m.n);
        tlv(&p, 0x0010, "\x00\x00\x1f\x40", 4); /* power: skipped */
        CHECK_INT(run(&p), DISSECT_OK);
        CHECK_STR(attr("cdp.vtp_domain"), "labvtp");
        CHECK_STR(attr("cdp.native_vlan"), "100");
        CHECK_STR(attr("cdp.duplex"), "full");
        CHECK_STR(attr("cdp.address"), "fe80::2");
        const struct obs *o = t_find(&sink, OBS_IPV6, NULL, NULL);
        CHECK(o && memcmp(o->addr, ip6, 16) == 0);
        CHECK_INT(count_kind(OBS_IPV4), 0);
        CHECK(all_about(mac_x));
        CHECK_INT(sink.n, 7);   /* device id + hostname, vtp, vlan, duplex, ipv6 + address */

        p.n = 0;
        hdr(&p, 2);
        tlv(&p, 0x000b, "\x00", 1);
        CHECK_INT(run(&p), DISSECT_OK);
        CHECK_STR(attr("cdp.duplex"), "half");

        p.n = 0;
        hdr(&p, 2);
        tlv(&p, 0x000a, "\x00\x64\x00", 3);
        CHECK_INT(run(&p), DISSECT_MALFORMED);
        CHECK(attr("cdp.native_vlan") == NULL);

        p.n = 0;
        hdr(&p, 2);
        tlv(&p, 0x000b, "", 0);
        CHECK_INT(run(&p), DISSECT_MALFORMED);
}

static void test_header_and_empty(void)
{
        struct pdu p = { .n = 0 };
        hdr(&p, 3);
        tlv(&p, 0x0001, "v3", 2);
        CHECK_INT(run(&p), DISSECT_IGNORED);
        CHECK_INT(sink.n, 0);

        p.n = 0;
        hdr(&p, 1);                             /* header only */
        CHECK_INT(run(&p), DISSECT_OK);
        CHECK_INT(sink.n, 0);

        p.n = 0;
        hdr(&p, 1);
        tlv(&p, 0x0001, "", 0);                 /* zero-length device id */
        tlv(&p, 0x0003, "", 0);
        CHECK_INT(run(&p), DISSECT_OK);
        CHECK_INT(sink.n, 0);
        CHECK(!t_find(&sink, OBS_HOSTNAME, NULL, NULL));
}

/* A hand-built 802.3 frame end to end: padded to 60 bytes, the 802.3 length
 * cuts the padding off before CDP sees it. Then in a VLAN tag. */
static void test_frame(void)
{
        struct pdu c = { .n = 0 };
        hdr(&c, 2);
        tlv(&c, 0x0001, "tiny", 4);
        struct pdu f = { .n = 0 };
        put(&f, "\x01\x00\x0c\xcc\xcc\xcc", 6);
        put(&f, mac_x, 6);
        be16(&f, (unsigned)(8 + c.n));
        put(&f, "\xaa\xaa\x03\x00\x00\x0c\x20\x00", 8);
        put(&f, c.b, c.n);
        while (f.n < 60)
                put(&f, "\x00", 1);
        CHECK_INT(t_dissect(f.b, f.n, &sink), DISSECT_OK);
        CHECK_STR(attr("cdp.device_id"), "tiny");
        CHECK(all_about(mac_x));
        CHECK_INT(t_sweep(LINK_ETHERNET, f.b, f.n), 0);

        struct pdu q = { .n = 0 };
        put(&q, f.b, 12);
        put(&q, "\x81\x00\x00\x05", 4);
        put(&q, f.b + 12, f.n - 12);
        CHECK_INT(t_dissect(q.b, q.n, &sink), DISSECT_OK);
        CHECK_STR(attr("cdp.device_id"), "tiny");
}

/* Zeros after the last TLV (a cooked capture keeps Ethernet's padding: no
 * 802.3 length cuts it off) are padding, not a TLV of length 0; a non-zero
 * byte among them is still an error, and so is a zero TLV header followed by
 * a minimum frame's worth of zeros. */
static void test_padding(void)
{
        struct pdu p = { .n = 0 };
        hdr(&p, 2);
        tlv(&p, 0x0001, "tiny", 4);
        for (int i = 0; i < 30; i++)
                put(&p, "\x00", 1);
        CHECK_INT(run(&p), DISSECT_OK);
        CHECK_STR(attr("cdp.device_id"), "tiny");
        p.b[p.n - 1] = 0x01;
        CHECK_INT(run(&p), DISSECT_MALFORMED);
        CHECK_STR(attr("cdp.device_id"), "tiny");       /* kept */
        p.n = 0;
        hdr(&p, 2);
        for (int i = 0; i < 64; i++)
                put(&p, "\x00", 1);
        CHECK_INT(run(&p), DISSECT_MALFORMED);
}

int main(void)
{
        test_padding();
        test_capture();
        test_short_tlv_length();
        test_tlv_past_end();
        test_address_count();
        test_many_addresses();
        test_capabilities();
        test_v2_fields();
        test_header_and_empty();
        test_frame();
        return t_done();
}
