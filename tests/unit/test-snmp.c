/* test-snmp.c - parse_snmp on net-snmp 5.9.3's GetResponse to snmpget
 * (banner-snmp-netsnmp.pcap), snmp_get_request against snmpget's request
 * byte for byte, and hand-built BER edges. */
#include "banner-util.h"

static struct obs_sink s;

#define PARSE(lit) t_parse(parse_snmp, lit, sizeof(lit) - 1, &s)

static const uint32_t sys_descr[] = { 1, 3, 6, 1, 2, 1, 1, 1, 0 };
static const uint32_t sys_object_id[] = { 1, 3, 6, 1, 2, 1, 1, 2, 0 };
static const uint32_t sys_name[] = { 1, 3, 6, 1, 2, 1, 1, 5, 0 };
static const uint32_t *const oids[] = { sys_descr, sys_object_id, sys_name };
static const size_t oid_len[] = { 9, 9, 9 };

static void real(void)
{
        struct t_frames fr;
        if (t_load_pcap(t_capture("banner-snmp-netsnmp.pcap"), &fr) != 0)
                return;
        CHECK_INT(fr.n, 2);
        size_t rq_len, rs_len;
        uint8_t *rq = t_stream(&fr, 45267, 161, &rq_len);       /* snmpget's port */
        uint8_t *rs = t_stream(&fr, 161, 0, &rs_len);
        CHECK(rq != NULL && rs != NULL);
        if (!rq || !rs)
                goto out;

        CHECK_INT(t_parse(parse_snmp, rs, rs_len, &s), DISSECT_OK);
        CHECK_STR(t_val(&s, "snmp.version"), "2c");
        CHECK_STR(t_val(&s, "snmp.sys_descr"),
                  "Linux vm 6.18.44-fc-v669 #1 SMP PREEMPT_DYNAMIC @0 x86_64");
        CHECK_STR(t_val(&s, "snmp.sys_object_id"), "1.3.6.1.4.1.8072.3.2.10");
        CHECK_STR(t_val(&s, "snmp.sys_name"), "nhbn-srv");
        CHECK_INT(s.n, 4);
        for (size_t i = 0; i < s.n; i++) {      /* the community is never recorded */
                CHECK(strstr(s.obs[i].val, "nhbn-secret") == NULL);
                CHECK(s.obs[i].source == PROTO_SNMP);
        }
        t_sweep_parser(parse_snmp, rs, rs_len);
        t_seed("snmp", "response", rs, rs_len);

        /* the request is no response */
        CHECK_INT(t_parse(parse_snmp, rq, rq_len, &s), DISSECT_IGNORED);
        CHECK_INT(s.n, 0);
        t_seed("snmp", "request", rq, rq_len);
        /* the builder writes what snmpget wrote (request-id 0x0b3c3f8e) */
        uint8_t buf[256];
        ssize_t n = snmp_get_request(buf, sizeof(buf), "nhbn-secret", 0x0b3c3f8e, oids, oid_len,
                                     3);
        CHECK_INT(n, (long long)rq_len);
        CHECK(n == (ssize_t)rq_len && memcmp(buf, rq, rq_len) == 0);
        /* every shorter buffer is refused */
        for (size_t cap = 0; cap < rq_len; cap++)
                if (snmp_get_request(buf, cap, "nhbn-secret", 0x0b3c3f8e, oids, oid_len, 3) !=
                    -ENOSPC)
                        CHECK(!"short buffer accepted");
        for (size_t i = 0; i < fr.n; i++)
                t_sweep(fr.f[i].lt, fr.f[i].data, fr.f[i].len);
out:
        free(rq);
        free(rs);
        t_frames_free(&fr);
}

static void builder(void)
{
        uint8_t buf[4096];
        static const uint32_t bad_first[] = { 3, 1 };
        static const uint32_t bad_second[] = { 1, 40 };
        static const uint32_t one[] = { 1 };
        static const uint32_t big[] = { 2, 999, 4294967295u };
        const uint32_t *o[1];
        size_t l[1];

        o[0] = bad_first, l[0] = 2;
        CHECK_INT(snmp_get_request(buf, sizeof(buf), "public", 1, o, l, 1), -EINVAL);
        o[0] = bad_second;
        CHECK_INT(snmp_get_request(buf, sizeof(buf), "public", 1, o, l, 1), -EINVAL);
        o[0] = one, l[0] = 1;
        CHECK_INT(snmp_get_request(buf, sizeof(buf), "public", 1, o, l, 1), -EINVAL);
        CHECK_INT(snmp_get_request(buf, sizeof(buf), "public", 1, oids, oid_len, 0), -EINVAL);
        /* 2.999 is one sub-identifier 1079 = 0x88 0x37; 2^32-1 takes five bytes;
         * request-id -1 is one byte, 128 two (X.690 §8.3.2) */
        o[0] = big, l[0] = 3;
        ssize_t n = snmp_get_request(buf, sizeof(buf), "p", -1, o, l, 1);
        static const uint8_t want[] = {
                0x30, 0x20, 0x02, 0x01, 0x01, 0x04, 0x01, 'p', 0xa0, 0x18,
                0x02, 0x01, 0xff, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00,
                0x30, 0x0d, 0x30, 0x0b, 0x06, 0x07, 0x88, 0x37, 0x8f, 0xff, 0xff, 0xff, 0x7f,
                0x05, 0x00,
        };
        CHECK_INT(n, sizeof(want));
        CHECK(n == sizeof(want) && memcmp(buf, want, sizeof(want)) == 0);
        n = snmp_get_request(buf, sizeof(buf), "p", 128, o, l, 1);
        CHECK(n > 12 && buf[10] == 0x02 && buf[11] == 0x02 && buf[12] == 0x00 && buf[13] == 0x80);
        /* a 200-byte community makes the message need a long-form length */
        char comm[201];
        memset(comm, 'c', 200);
        comm[200] = 0;
        n = snmp_get_request(buf, sizeof(buf), comm, 7, oids, oid_len, 3);
        CHECK(n > 200 && buf[0] == 0x30 && buf[1] == 0x82);
        CHECK_INT(t_parse(parse_snmp, buf, (size_t)n, &s), DISSECT_IGNORED);   /* a GET */
        CHECK_INT((buf[2] << 8 | buf[3]) + 4, n);
}

static void edges(void)
{
        /* v1 response with sysName only */
        CHECK_INT(PARSE("\x30\x1f\x02\x01\x00\x04\x01p\xa2\x17\x02\x01\x01\x02\x01\x00\x02\x01\x00"
                        "\x30\x0c\x30\x0a\x06\x08\x2b\x06\x01\x02\x01\x01\x05\x00"),
                  DISSECT_MALFORMED);   /* the value is missing: the varbind runs out */
        CHECK_INT(PARSE("\x30\x23\x02\x01\x00\x04\x01p\xa2\x1b\x02\x01\x01\x02\x01\x00\x02\x01\x00"
                        "\x30\x10\x30\x0e\x06\x08\x2b\x06\x01\x02\x01\x01\x05\x00\x04\x02sw"),
                  DISSECT_OK);
        CHECK_STR(t_val(&s, "snmp.version"), "1");
        CHECK_STR(t_val(&s, "snmp.sys_name"), "sw");
        /* noSuchObject (RFC 3416 §3) for sysDescr: skipped */
        CHECK_INT(PARSE("\x30\x21\x02\x01\x01\x04\x01p\xa2\x19\x02\x01\x01\x02\x01\x00\x02\x01\x00"
                        "\x30\x0e\x30\x0c\x06\x08\x2b\x06\x01\x02\x01\x01\x01\x00\x80\x00"),
                  DISSECT_OK);
        CHECK_INT(s.n, 1);
        /* v3: IGNORED, nothing */
        CHECK_INT(PARSE("\x30\x03\x02\x01\x03"), DISSECT_IGNORED);
        CHECK_INT(s.n, 0);
        /* not a sequence */
        CHECK_INT(PARSE("\x04\x00"), DISSECT_MALFORMED);
        /* indefinite length, 5 length bytes, high tag number form */
        CHECK_INT(PARSE("\x30\x80\x02\x01\x01\x00\x00"), DISSECT_MALFORMED);
        CHECK_INT(PARSE("\x30\x85\x00\x00\x00\x00\x05\x02\x01\x01"), DISSECT_MALFORMED);
        CHECK_INT(PARSE("\x1f\x01\x00"), DISSECT_MALFORMED);
        /* a 4-byte length far past the end: TRUNCATED (the datagram may be cut) */
        CHECK_INT(PARSE("\x30\x84\xff\xff\xff\xff\x02\x01\x01"), DISSECT_TRUNCATED);
        CHECK_INT(PARSE("\x30\x82\x01"), DISSECT_TRUNCATED);
        CHECK_INT(PARSE("\x30"), DISSECT_TRUNCATED);
        CHECK_INT(PARSE(""), DISSECT_TRUNCATED);
        /* a version integer of 5 bytes */
        CHECK_INT(PARSE("\x30\x07\x02\x05\x00\x00\x00\x00\x01"), DISSECT_MALFORMED);
        /* sysObjectID with a non-minimal sub-identifier, with one over 32 bits,
         * unterminated, empty */
        CHECK_INT(PARSE("\x30\x1f\x02\x01\x01\x04\x01p\xa2\x17\x02\x01\x01\x02\x01\x00\x02\x01\x00"
                        "\x30\x0c\x30\x0a\x06\x08\x2b\x06\x01\x02\x01\x01\x02\x00\x06\x02\x80\x01"),
                  DISSECT_MALFORMED);   /* lengths disagree: the list runs out */
        static const uint8_t hdr[] = { 0x30, 0x00, 0x02, 0x01, 0x01, 0x04, 0x01, 'p', 0xa2, 0x00,
                                       0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00,
                                       0x30, 0x00, 0x30, 0x00, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02,
                                       0x01, 0x01, 0x02, 0x00, 0x06 };
        static const struct {
                uint8_t len;
                uint8_t v[8];
                enum dissect_res r;
                const char *text;
        } oid_cases[] = {
                { 2, { 0x2b, 0x06 }, DISSECT_OK, "1.3.6" },
                { 3, { 0x2b, 0x80, 0x01 }, DISSECT_MALFORMED, NULL },
                { 6, { 0x2b, 0x90, 0x80, 0x80, 0x80, 0x00 }, DISSECT_MALFORMED, NULL },
                { 2, { 0x2b, 0x86 }, DISSECT_MALFORMED, NULL },
                { 0, { 0 }, DISSECT_MALFORMED, NULL },
                { 3, { 0x88, 0x37, 0x01 }, DISSECT_OK, "2.999.1" },
                { 1, { 0x00 }, DISSECT_OK, "0.0" },
        };
        for (size_t i = 0; i < sizeof(oid_cases) / sizeof(oid_cases[0]); i++) {
                uint8_t m[64];
                size_t n = sizeof(hdr);
                memcpy(m, hdr, n);
                m[n++] = oid_cases[i].len;
                memcpy(m + n, oid_cases[i].v, oid_cases[i].len);
                n += oid_cases[i].len;
                m[1] = (uint8_t)(n - 2);
                m[9] = (uint8_t)(n - 10);
                m[20] = (uint8_t)(n - 21);
                m[22] = (uint8_t)(n - 23);
                CHECK_INT(t_parse(parse_snmp, m, n, &s), oid_cases[i].r);
                if (oid_cases[i].text)
                        CHECK_STR(t_val(&s, "snmp.sys_object_id"), oid_cases[i].text);
                else
                        CHECK(t_val(&s, "snmp.sys_object_id") == NULL);
        }

        /* deep nesting: a varbind value of 2000 nested SEQUENCEs is skipped
         * whole (the walk never descends into values) */
        static uint8_t deep[4 * 2000 + 64];
        size_t n = 0;
        const size_t depth = 2000;
        memcpy(deep, hdr, sizeof(hdr) - 1);
        n = sizeof(hdr) - 1;                            /* up to the value tag */
        for (size_t d = 0; d < depth; d++) {
                size_t rest = (depth - d - 1) * 4;
                deep[n++] = 0x30;
                deep[n++] = 0x82;
                deep[n++] = (uint8_t)(rest >> 8);
                deep[n++] = (uint8_t)rest;
        }
        /* fix the outer lengths (all long form would be needed: use 0x82) */
        static uint8_t msg[sizeof(deep) + 16];
        size_t body = n - 2;                            /* after the outer 30 00 */
        size_t m = 0;
        msg[m++] = 0x30;
        msg[m++] = 0x82;
        msg[m++] = (uint8_t)((body + 6) >> 8);
        msg[m++] = (uint8_t)(body + 6);
        memcpy(msg + m, deep + 2, 6);                   /* version, community */
        m += 6;
        msg[m++] = 0xa2;
        msg[m++] = 0x82;
        size_t pdu = n - 10 + 4;
        msg[m++] = (uint8_t)(pdu >> 8);
        msg[m++] = (uint8_t)pdu;
        memcpy(msg + m, deep + 10, 9);                  /* three integers */
        m += 9;
        msg[m++] = 0x30;
        msg[m++] = 0x82;
        size_t list = n - 21 + 2;
        msg[m++] = (uint8_t)(list >> 8);
        msg[m++] = (uint8_t)list;
        msg[m++] = 0x30;
        msg[m++] = 0x82;
        size_t vb = n - 23;
        msg[m++] = (uint8_t)(vb >> 8);
        msg[m++] = (uint8_t)vb;
        memcpy(msg + m, deep + 23, n - 23);
        m += n - 23;
        CHECK_INT(t_parse(parse_snmp, msg, m, &s), DISSECT_OK);
        CHECK_INT(s.n, 1);                              /* snmp.version only */
        t_seed("snmp", "edge-deep", msg, m);

        /* more varbinds than SNMP_VARBINDS_MAX: bounded, OK */
        static uint8_t lots[2000];
        m = 0;
        memcpy(lots, "\x30\x82\x00\x00\x02\x01\x01\x04\x01p\xa2\x82\x00\x00"
                     "\x02\x01\x01\x02\x01\x00\x02\x01\x00\x30\x82\x00\x00", 27);
        m = 27;
        for (int i = 0; i < 100; i++) {
                memcpy(lots + m, "\x30\x0e\x06\x08\x2b\x06\x01\x02\x01\x01\x05\x00\x04\x02" "ab", 16);
                m += 16;
        }
        lots[2] = (uint8_t)((m - 4) >> 8), lots[3] = (uint8_t)(m - 4);
        lots[12] = (uint8_t)((m - 14) >> 8), lots[13] = (uint8_t)(m - 14);
        lots[25] = (uint8_t)((m - 27) >> 8), lots[26] = (uint8_t)(m - 27);
        CHECK_INT(t_parse(parse_snmp, lots, m, &s), DISSECT_OK);
        CHECK_INT(t_count(&s, "snmp.sys_name"), 64);
}

int main(void)
{
        real();
        builder();
        edges();
        return t_done();
}
