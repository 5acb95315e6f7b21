/* test-lldp.c - dissect_lldp on real LLDPDUs from lldpd 1.0.16 and on
 * hand-built edge cases.
 *
 * tests/captures/lldp-lldpd.pcap (tests/captures/make/lldp.sh):
 *   frame 0: nhll-a 02:6e:68:6c:00:0a, untagged, LLDP-MED class 4, a custom
 *            802.1 port VLAN ID TLV (PVID 100), management address 198.18.0.10
 *   frame 1: nhll-b 02:6e:68:6c:00:0b, sent in VLAN 100 (802.1Q tag),
 *            port id by interface name, LLDP-MED class 1
 */
#include "testlib.h"

#include <stdlib.h>

static const uint8_t mac_a[6] = { 0x02, 0x6e, 0x68, 0x6c, 0x00, 0x0a };
static const uint8_t mac_b[6] = { 0x02, 0x6e, 0x68, 0x6c, 0x00, 0x0b };
static const uint8_t mac_x[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x42 };

static struct obs_sink sink;

/* ---------------------------------------------------------------- helpers */

static const char *attr(const char *key)
{
        const struct obs *o = t_find(&sink, OBS_ATTR, key, NULL);
        return o ? o->val : NULL;
}

static size_t count_key(const char *key)
{
        size_t n = 0;
        for (size_t i = 0; i < sink.n; i++)
                if (sink.obs[i].kind == OBS_ATTR && strcmp(sink.obs[i].key, key) == 0)
                        n++;
        return n;
}

/* Every observation is about `mac` and comes from LLDP. */
static bool all_about(const uint8_t mac[6])
{
        for (size_t i = 0; i < sink.n; i++)
                if (memcmp(sink.obs[i].mac, mac, 6) != 0 || sink.obs[i].source != PROTO_LLDP)
                        return false;
        return true;
}

/* An LLDPDU under construction. */
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

/* A TLV whose header says `len` while `n` bytes of value follow. */
static void tlv_raw(struct pdu *p, unsigned type, unsigned len, const void *v, size_t n)
{
        uint8_t h[2] = { (uint8_t)((type << 1) | (len >> 8)), (uint8_t)(len & 0xff) };
        put(p, h, 2);
        put(p, v, n);
}

static void tlv(struct pdu *p, unsigned type, const void *v, size_t n)
{
        tlv_raw(p, type, (unsigned)n, v, n);
}

static void tlv_str(struct pdu *p, unsigned type, const char *s)
{
        tlv(p, type, s, strlen(s));
}

/* Chassis ID (MAC of mac_x), Port ID (ifname "p1"), TTL 120. */
static void mandatory(struct pdu *p)
{
        uint8_t chassis[7] = { 4 };
        memcpy(chassis + 1, mac_x, 6);
        tlv(p, 1, chassis, sizeof(chassis));
        tlv(p, 2, "\x05p1", 3);
        tlv(p, 3, "\x00\x78", 2);
}

static void end(struct pdu *p)
{
        tlv(p, 0, NULL, 0);
}

/* dissect_lldp over an exact-size copy (ASan sees any overread). */
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
        ctx.ethertype = ETHERTYPE_LLDP;
        obs_sink_reset(&sink);
        cur_init(&c, copy, p->n);
        enum dissect_res r = dissect_lldp(&c, &ctx, &sink);
        free(copy);
        return r;
}

/* ---------------------------------------------------------------- real frames */

static void test_capture(void)
{
        struct t_frames fr;
        uint8_t ip[4];

        if (t_load_pcap(t_capture("lldp-lldpd.pcap"), &fr) < 0)
                return;
        if (!CHECK_INT(fr.n, 2))
                goto out;

        /* nhll-a: the "switch" */
        CHECK_INT(t_dissect(fr.f[0].data, fr.f[0].len, &sink), DISSECT_OK);
        CHECK_STR(attr("lldp.chassis_id"), "mac:02:6e:68:6c:00:0a");
        CHECK_STR(attr("lldp.port_id"), "mac:02:6e:68:6c:00:0a");
        CHECK_STR(attr("lldp.system_name"), "nhll-sw1.lab.example");
        CHECK(t_find(&sink, OBS_HOSTNAME, NULL, "nhll-sw1.lab.example"));
        CHECK_STR(attr("lldp.system_description"), "netinv lab switch (lldpd)");
        CHECK_STR(attr("lldp.port_description"), "uplink to endpoint");
        CHECK_STR(attr("lldp.capabilities"), "bridge,router");
        CHECK_STR(attr("lldp.capabilities_supported"), "bridge,wlan-ap,router,station");
        CHECK_STR(attr("lldp.mgmt_address"), "198.18.0.10");
        const struct obs *o = t_find(&sink, OBS_IPV4, NULL, NULL);
        t_ip4("198.18.0.10", ip);
        CHECK(o && memcmp(o->addr, ip, 4) == 0);
        CHECK_STR(attr("lldp.vlan"), "100");
        CHECK_STR(attr("lldp.med.device_class"), "network-connectivity");
        CHECK_STR(attr("lldp.med.hardware_revision"), "HW-A1");
        CHECK_STR(attr("lldp.med.firmware_revision"), "FW-A3");
        CHECK_STR(attr("lldp.med.software_revision"), "SW-A2");
        CHECK_STR(attr("lldp.med.serial"), "SN-NHLL-A");
        CHECK_STR(attr("lldp.med.manufacturer"), "netinv lab");
        CHECK_STR(attr("lldp.med.model"), "nhll switch");
        CHECK_STR(attr("lldp.med.asset_id"), "ASSET-A");
        CHECK(all_about(mac_a));
        /* 16 attributes, a hostname and an IPv4 binding: nothing else */
        CHECK_INT(sink.n, 19);
        CHECK_INT(sink.dropped, 0);

        /* nhll-b: the "endpoint", in an 802.1Q tag (demux strips it) */
        CHECK_INT(fr.f[1].data[12], 0x81);
        CHECK_INT(t_dissect(fr.f[1].data, fr.f[1].len, &sink), DISSECT_OK);
        CHECK_STR(attr("lldp.chassis_id"), "mac:02:6e:68:6c:00:0b");
        CHECK_STR(attr("lldp.port_id"), "ifname:lan0");
        CHECK_STR(attr("lldp.system_name"), "nhll-ep1");
        CHECK(t_find(&sink, OBS_HOSTNAME, NULL, "nhll-ep1"));
        CHECK_STR(attr("lldp.system_description"), "netinv lab endpoint (lldpd)");
        CHECK_STR(attr("lldp.port_description"), "lan0");
        CHECK_STR(attr("lldp.capabilities"), "station");
        CHECK_STR(attr("lldp.capabilities_supported"), "bridge,wlan-ap,router,station");
        CHECK_STR(attr("lldp.mgmt_address"), "198.18.0.11");
        o = t_find(&sink, OBS_IPV4, NULL, NULL);
        t_ip4("198.18.0.11", ip);
        CHECK(o && memcmp(o->addr, ip, 4) == 0);
        CHECK(!attr("lldp.vlan"));
        CHECK_STR(attr("lldp.med.device_class"), "endpoint-class-1");
        CHECK_STR(attr("lldp.med.hardware_revision"), "HW-B1");
        CHECK_STR(attr("lldp.med.firmware_revision"), "FW-B3");
        CHECK_STR(attr("lldp.med.software_revision"), "SW-B2");
        CHECK_STR(attr("lldp.med.serial"), "SN-NHLL-B");
        CHECK_STR(attr("lldp.med.manufacturer"), "netinv lab");
        CHECK_STR(attr("lldp.med.model"), "nhll endpoint");
        CHECK_STR(attr("lldp.med.asset_id"), "ASSET-B");
        CHECK(all_about(mac_b));
        CHECK_INT(sink.n, 18);

        for (size_t i = 0; i < fr.n; i++)
                CHECK_INT(t_sweep(fr.f[i].lt, fr.f[i].data, fr.f[i].len), 0);

        /* The untagged LLDPDU alone, every prefix straight into dissect_lldp:
         * the verdict is TRUNCATED for each, OK only for the whole. */
        struct pdu p = { .n = 0 };
        put(&p, fr.f[0].data + 14, fr.f[0].len - 14);
        size_t whole = p.n;
        int bad = 0;
        for (p.n = 0; p.n < whole; p.n++)
                bad += run(&p) != DISSECT_TRUNCATED;
        CHECK_INT(bad, 0);
        p.n = whole;
        CHECK_INT(run(&p), DISSECT_OK);
out:
        t_frames_free(&fr);
}

/* ---------------------------------------------------------------- hand-built */

static void test_minimal(void)
{
        struct pdu p = { .n = 0 };
        mandatory(&p);
        end(&p);
        CHECK_INT(run(&p), DISSECT_OK);
        CHECK_STR(attr("lldp.chassis_id"), "mac:02:00:00:00:00:42");
        CHECK_STR(attr("lldp.port_id"), "ifname:p1");
        CHECK_INT(sink.n, 2);

        /* Ethernet padding (and junk) after the End TLV is not read. */
        put(&p, "\x00\x00\x00\x00\xff\xff\x13", 7);
        CHECK_INT(run(&p), DISSECT_OK);
        CHECK_INT(sink.n, 2);
}

static void test_tlv_past_end(void)
{
        struct pdu p = { .n = 0 };
        mandatory(&p);
        tlv_raw(&p, 5, 20, "short", 5);         /* says 20, has 5 */
        CHECK_INT(run(&p), DISSECT_TRUNCATED);
        CHECK(attr("lldp.chassis_id") != NULL);
        CHECK(attr("lldp.system_name") == NULL);
        CHECK(!t_find(&sink, OBS_HOSTNAME, NULL, NULL));

        /* the largest 9-bit length over an empty rest */
        p.n = 0;
        mandatory(&p);
        tlv_raw(&p, 6, 511, NULL, 0);
        CHECK_INT(run(&p), DISSECT_TRUNCATED);

        /* a TLV header cut after its first byte */
        p.n = 0;
        mandatory(&p);
        put(&p, "\x0a", 1);
        CHECK_INT(run(&p), DISSECT_TRUNCATED);

        /* nothing at all */
        p.n = 0;
        CHECK_INT(run(&p), DISSECT_TRUNCATED);
        CHECK_INT(sink.n, 0);
}

static void test_zero_length_strings(void)
{
        struct pdu p = { .n = 0 };
        mandatory(&p);
        tlv(&p, 5, NULL, 0);                    /* system name */
        tlv(&p, 6, NULL, 0);                    /* system description */
        tlv(&p, 4, NULL, 0);                    /* port description */
        end(&p);
        CHECK_INT(run(&p), DISSECT_OK);
        CHECK(attr("lldp.system_name") == NULL);
        CHECK(attr("lldp.system_description") == NULL);
        CHECK(attr("lldp.port_description") == NULL);
        CHECK(!t_find(&sink, OBS_HOSTNAME, NULL, NULL));
        CHECK_INT(sink.n, 2);
}

static void test_no_end(void)
{
        /* Complete TLVs, no End TLV: indistinguishable from a frame cut at a
         * TLV boundary, so TRUNCATED, with everything read kept. */
        struct pdu p = { .n = 0 };
        mandatory(&p);
        tlv_str(&p, 5, "no-end");
        CHECK_INT(run(&p), DISSECT_TRUNCATED);
        CHECK_STR(attr("lldp.system_name"), "no-end");
        CHECK(t_find(&sink, OBS_HOSTNAME, NULL, "no-end"));

        /* Cut before the mandatory three are complete: TRUNCATED too. */
        p.n = 0;
        uint8_t chassis[7] = { 4 };
        tlv(&p, 1, chassis, sizeof(chassis));
        CHECK_INT(run(&p), DISSECT_TRUNCATED);
}

static void test_mandatory_order(void)
{
        uint8_t chassis[7] = { 4, 2, 0, 0, 0, 0, 0x42 };
        struct pdu p = { .n = 0 };

        /* Port ID missing, End follows: the frame is complete, so MALFORMED;
         * the chassis id read before is kept. */
        tlv(&p, 1, chassis, sizeof(chassis));
        tlv(&p, 3, "\x00\x78", 2);
        end(&p);
        CHECK_INT(run(&p), DISSECT_MALFORMED);
        CHECK_STR(attr("lldp.chassis_id"), "mac:02:00:00:00:00:42");

        /* only an End TLV */
        p.n = 0;
        end(&p);
        CHECK_INT(run(&p), DISSECT_MALFORMED);

        /* End after chassis and port, before TTL */
        p.n = 0;
        tlv(&p, 1, chassis, sizeof(chassis));
        tlv(&p, 2, "\x05p1", 3);
        end(&p);
        CHECK_INT(run(&p), DISSECT_MALFORMED);

        /* an optional TLV first */
        p.n = 0;
        tlv_str(&p, 5, "early");
        mandatory(&p);
        end(&p);
        CHECK_INT(run(&p), DISSECT_MALFORMED);
        CHECK(attr("lldp.system_name") == NULL);

        /* a second Chassis ID later on */
        p.n = 0;
        mandatory(&p);
        tlv(&p, 1, chassis, sizeof(chassis));
        end(&p);
        CHECK_INT(run(&p), DISSECT_MALFORMED);

        /* End TLV with a length */
        p.n = 0;
        mandatory(&p);
        tlv(&p, 0, "\x00", 1);
        CHECK_INT(run(&p), DISSECT_MALFORMED);
}

static void test_bad_lengths(void)
{
        struct pdu p = { .n = 0 };

        /* Chassis ID of a subtype byte only */
        tlv(&p, 1, "\x04", 1);
        CHECK_INT(run(&p), DISSECT_MALFORMED);
        CHECK_INT(sink.n, 0);

        /* TTL of one byte */
        p.n = 0;
        uint8_t chassis[7] = { 4, 2, 0, 0, 0, 0, 0x42 };
        tlv(&p, 1, chassis, sizeof(chassis));
        tlv(&p, 2, "\x05p1", 3);
        tlv(&p, 3, "\x78", 1);
        end(&p);
        CHECK_INT(run(&p), DISSECT_MALFORMED);

        /* capabilities TLV too short: earlier observations stay, no caps */
        p.n = 0;
        mandatory(&p);
        tlv_str(&p, 5, "capsy");
        tlv(&p, 7, "\x00\x14", 2);
        end(&p);
        CHECK_INT(run(&p), DISSECT_MALFORMED);
        CHECK_STR(attr("lldp.system_name"), "capsy");
        CHECK(attr("lldp.capabilities") == NULL);
        CHECK(attr("lldp.capabilities_supported") == NULL);

        /* organisationally specific TLV shorter than OUI + subtype */
        p.n = 0;
        mandatory(&p);
        tlv(&p, 127, "\x00\x80\xc2", 3);
        end(&p);
        CHECK_INT(run(&p), DISSECT_MALFORMED);

        /* port VLAN ID of three bytes */
        p.n = 0;
        mandatory(&p);
        tlv(&p, 127, "\x00\x80\xc2\x01\x00\x64\x00", 7);
        end(&p);
        CHECK_INT(run(&p), DISSECT_MALFORMED);
        CHECK(attr("lldp.vlan") == NULL);

        /* LLDP-MED capabilities without the device class byte */
        p.n = 0;
        mandatory(&p);
        tlv(&p, 127, "\x00\x12\xbb\x01\x00\x3f", 6);
        end(&p);
        CHECK_INT(run(&p), DISSECT_MALFORMED);
        CHECK(attr("lldp.med.device_class") == NULL);
}

static void test_capabilities(void)
{
        struct pdu p = { .n = 0 };
        mandatory(&p);
        tlv(&p, 7, "\xff\xff\x00\x00", 4);      /* all supported, none enabled */
        end(&p);
        CHECK_INT(run(&p), DISSECT_OK);
        CHECK_STR(attr("lldp.capabilities_supported"),
                  "other,repeater,bridge,wlan-ap,router,telephone,docsis,station,"
                  "c-vlan,s-vlan,tpmr");
        CHECK(attr("lldp.capabilities") == NULL);

        p.n = 0;
        mandatory(&p);
        tlv(&p, 7, "\x01\x24\x01\x20", 4);      /* telephone + c-vlan, telephone + c-vlan */
        end(&p);
        CHECK_INT(run(&p), DISSECT_OK);
        CHECK_STR(attr("lldp.capabilities"), "telephone,c-vlan");
        CHECK_STR(attr("lldp.capabilities_supported"), "bridge,telephone,c-vlan");
}

static void test_mgmt_address(void)
{
        struct pdu p = { .n = 0 };
        uint8_t ip6[16];
        t_ip6("fe80::1", ip6);

        /* IPv6: length 17, family 2, address, ifIndex 3, no OID */
        uint8_t m6[1 + 17 + 1 + 4 + 1] = { 17, 2 };
        memcpy(m6 + 2, ip6, 16);
        m6[18] = 2;
        m6[22] = 3;
        mandatory(&p);
        tlv(&p, 8, m6, sizeof(m6));
        /* an 802 (MAC) management address: no IP to bind */
        tlv(&p, 8, "\x07\x06\x02\x00\x00\x00\x00\x42\x01\x00\x00\x00\x01\x00", 14);
        end(&p);
        CHECK_INT(run(&p), DISSECT_OK);
        CHECK_STR(attr("lldp.mgmt_address"), "fe80::1");
        CHECK_INT(count_key("lldp.mgmt_address"), 1);
        const struct obs *o = t_find(&sink, OBS_IPV6, NULL, NULL);
        CHECK(o && memcmp(o->addr, ip6, 16) == 0);
        CHECK(!t_find(&sink, OBS_IPV4, NULL, NULL));

        /* address string length 0, 1 and 33 */
        static const char *const bad[] = {
                "\x00\x01\x00\x00\x00\x00\x00",
                "\x01\x01\x01\x00\x00\x00\x00\x00",
        };
        for (unsigned i = 0; i < 2; i++) {
                p.n = 0;
                mandatory(&p);
                tlv(&p, 8, bad[i], 7 + i);
                end(&p);
                CHECK_INT(run(&p), DISSECT_MALFORMED);
        }
        uint8_t big[1 + 33 + 6] = { 33, 1 };
        p.n = 0;
        mandatory(&p);
        tlv(&p, 8, big, sizeof(big));
        end(&p);
        CHECK_INT(run(&p), DISSECT_MALFORMED);

        /* address longer than the TLV */
        p.n = 0;
        mandatory(&p);
        tlv(&p, 8, "\x05\x01\xc6\x12", 4);
        end(&p);
        CHECK_INT(run(&p), DISSECT_MALFORMED);
        CHECK(!t_find(&sink, OBS_IPV4, NULL, NULL));

        /* OID length past the TLV end */
        p.n = 0;
        mandatory(&p);
        tlv(&p, 8, "\x05\x01\xc6\x12\x00\x01\x02\x00\x00\x00\x01\x09\x2b", 13);
        end(&p);
        CHECK_INT(run(&p), DISSECT_MALFORMED);
        CHECK(!t_find(&sink, OBS_IPV4, NULL, NULL));
}

static void test_id_subtypes(void)
{
        struct pdu p = { .n = 0 };

        /* chassis by network address, port locally assigned */
        tlv(&p, 1, "\x05\x01\xc6\x12\x00\x0a", 6);
        tlv_str(&p, 2, "\x07" "Gi1/0/7");
        tlv(&p, 3, "\x00\x78", 2);
        end(&p);
        CHECK_INT(run(&p), DISSECT_OK);
        CHECK_STR(attr("lldp.chassis_id"), "ip:198.18.0.10");
        CHECK_STR(attr("lldp.port_id"), "local:Gi1/0/7");
        /* a chassis id names the chassis, not a binding of the sender's MAC */
        CHECK(!t_find(&sink, OBS_IPV4, NULL, NULL));

        /* chassis by interface name, port by a reserved subtype, in hex */
        p.n = 0;
        tlv_str(&p, 1, "\x06" "eth0");
        tlv(&p, 2, "\x09\x01\xab", 3);
        tlv(&p, 3, "\x00\x00", 2);              /* TTL 0: a shutdown LLDPDU */
        end(&p);
        CHECK_INT(run(&p), DISSECT_OK);
        CHECK_STR(attr("lldp.chassis_id"), "ifname:eth0");
        CHECK_STR(attr("lldp.port_id"), "reserved:01:ab");

        /* network address of another family; MAC of an odd length */
        p.n = 0;
        tlv(&p, 1, "\x05\x06\x02\x00\x00\x00\x00\x42", 8);
        tlv(&p, 2, "\x03\x02\x00", 3);
        tlv(&p, 3, "\x00\x78", 2);
        end(&p);
        CHECK_INT(run(&p), DISSECT_OK);
        CHECK_STR(attr("lldp.chassis_id"), "addr:6/02:00:00:00:00:42");
        CHECK_STR(attr("lldp.port_id"), "mac:02:00");

        /* IPv4 family with a 3-byte address is not an IP */
        p.n = 0;
        tlv(&p, 1, "\x05\x01\xc6\x12\x00", 5);
        tlv(&p, 2, "\x03\x02\x00", 3);
        tlv(&p, 3, "\x00\x78", 2);
        end(&p);
        CHECK_INT(run(&p), DISSECT_OK);
        CHECK_STR(attr("lldp.chassis_id"), "addr:1/c6:12:00");
}

static void test_org_and_reserved(void)
{
        struct pdu p = { .n = 0 };
        mandatory(&p);
        tlv(&p, 42, "whatever", 8);             /* reserved type: skipped */
        tlv(&p, 127, "\x00\x80\xc2\x01\x00\x00", 6);   /* PVID 0: unknown */
        tlv(&p, 127, "\x00\x12\x0f\x01\x03\x6c\x00\x00\x10", 9);   /* 802.3 MAC/PHY */
        tlv(&p, 127, "\x00\x12\xbb\x01\x00\x3f\x03", 7);   /* MED class III */
        tlv(&p, 127, "\x00\x12\xbb\x0c" "x", 5);           /* TIA subtype 12: not inventory */
        tlv(&p, 127, "\x00\x12\xbb\x08", 4);               /* empty serial */
        tlv(&p, 127, "\xac\xde\x48\x01\x00\x64", 6);       /* some other OUI */
        end(&p);
        CHECK_INT(run(&p), DISSECT_OK);
        CHECK(attr("lldp.vlan") == NULL);
        CHECK(attr("lldp.med.serial") == NULL);
        CHECK_STR(attr("lldp.med.device_class"), "endpoint-class-3");
        CHECK_INT(sink.n, 3);

        /* MED class 0 (undefined) says nothing */
        p.n = 0;
        mandatory(&p);
        tlv(&p, 127, "\x00\x12\xbb\x01\x00\x3f\x00", 7);
        tlv(&p, 127, "\x00\x80\xc2\x01\x0f\xfe", 6);
        end(&p);
        CHECK_INT(run(&p), DISSECT_OK);
        CHECK(attr("lldp.med.device_class") == NULL);
        CHECK_STR(attr("lldp.vlan"), "4094");
}

/* A hand-built tagged frame end to end: the VLAN tag is demux's job. */
static void test_tagged_frame(void)
{
        struct pdu f = { .n = 0 };
        put(&f, "\x01\x80\xc2\x00\x00\x0e", 6);
        put(&f, mac_x, 6);
        put(&f, "\x81\x00\x20\x2a", 4);         /* PCP 1, VID 42 */
        put(&f, "\x88\xcc", 2);
        mandatory(&f);
        tlv_str(&f, 5, "tagged-host");
        end(&f);
        CHECK_INT(t_dissect(f.b, f.n, &sink), DISSECT_OK);
        CHECK_STR(attr("lldp.system_name"), "tagged-host");
        CHECK_STR(attr("lldp.chassis_id"), "mac:02:00:00:00:00:42");
        CHECK(all_about(mac_x));
        CHECK_INT(t_sweep(LINK_ETHERNET, f.b, f.n), 0);

        /* double tagged (802.1ad outer) */
        struct pdu q = { .n = 0 };
        put(&q, f.b, 12);
        put(&q, "\x88\xa8\x00\x07", 4);
        put(&q, f.b + 12, f.n - 12);
        CHECK_INT(t_dissect(q.b, q.n, &sink), DISSECT_OK);
        CHECK_STR(attr("lldp.system_name"), "tagged-host");
}

/* Long strings are cut by the sink, not refused. */
static void test_long_strings(void)
{
        struct pdu p = { .n = 0 };
        char big[511];
        memset(big, 'd', sizeof(big));
        mandatory(&p);
        tlv(&p, 6, big, sizeof(big));
        tlv(&p, 5, big, 300);
        end(&p);
        CHECK_INT(run(&p), DISSECT_OK);
        const struct obs *o = t_find(&sink, OBS_ATTR, "lldp.system_description", NULL);
        CHECK(o && o->val_len == 511);
        o = t_find(&sink, OBS_HOSTNAME, NULL, NULL);
        CHECK(o && o->val_len == HOSTNAME_MAX);
}

int main(void)
{
        test_capture();
        test_minimal();
        test_tlv_past_end();
        test_zero_length_strings();
        test_no_end();
        test_mandatory_order();
        test_bad_lengths();
        test_capabilities();
        test_mgmt_address();
        test_id_subtypes();
        test_org_and_reserved();
        test_tagged_frame();
        test_long_strings();
        return t_done();
}
