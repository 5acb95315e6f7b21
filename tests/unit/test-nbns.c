/* test-nbns.c - dissect_nbns through the demux on nmbd 4.17's NODE STATUS
 * RESPONSE to `nmblookup -A` (banner-nbns-nmbd.pcap), the request builder
 * against nmblookup's request byte for byte, and hand-built edges. */
#include "banner-util.h"

static struct obs_sink s;

static void real(void)
{
        struct t_frames fr;
        struct l4 l;
        uint8_t mac[6] = { 0x02, 0x4e, 0x48, 0x00, 0x00, 0x02 }, ip[4];

        if (t_load_pcap(t_capture("banner-nbns-nmbd.pcap"), &fr) != 0)
                return;
        CHECK_INT(fr.n, 2);
        /* the request, from an ephemeral port: not for us */
        CHECK_INT(t_dissect(fr.f[0].data, fr.f[0].len, &s), DISSECT_IGNORED);
        CHECK_INT(s.n, 0);
        /* the response */
        CHECK_INT(t_dissect(fr.f[1].data, fr.f[1].len, &s), DISSECT_OK);
        CHECK_STR(t_val(&s, "nbns.name"), "NHBN-SRV");
        CHECK_STR(t_val(&s, "nbns.workgroup"), "NHBNLAB");
        static const char *const names[] = { "NHBN-SRV<00>", "NHBN-SRV<03>", "NHBN-SRV<20>",
                                             "NHBNLAB<00>", "NHBNLAB<1E>" };
        for (size_t i = 0; i < 5; i++)
                CHECK(t_find(&s, OBS_ATTR, "nbns.names", names[i]) != NULL);
        CHECK_INT(t_count(&s, "nbns.names"), 5);
        CHECK(t_val(&s, "nbns.mac") == NULL);           /* Samba reports a zero unit id */
        t_ip4("198.18.40.2", ip);
        const struct obs *o = t_find(&s, OBS_IPV4, NULL, NULL);
        CHECK(o && memcmp(o->addr, ip, 4) == 0 && memcmp(o->mac, mac, 6) == 0);
        CHECK(t_find(&s, OBS_HOSTNAME, NULL, "NHBN-SRV") != NULL);
        for (size_t i = 0; i < s.n; i++)
                CHECK(s.obs[i].source == PROTO_NBNS && memcmp(s.obs[i].mac, mac, 6) == 0);
        for (size_t i = 0; i < fr.n; i++)
                t_sweep(fr.f[i].lt, fr.f[i].data, fr.f[i].len);

        if (t_l4(fr.f[1].data, fr.f[1].len, &l)) {
                size_t n = cur_left(&l.payload);
                const uint8_t *p = cur_view(&l.payload, n);
                t_sweep_parser(dissect_nbns, p, n);
                t_seed("nbns", "response", p, n);
        }
        /* the builder writes what nmblookup wrote (transaction id 0x51e4) */
        CHECK(t_l4(fr.f[0].data, fr.f[0].len, &l));
        size_t n = cur_left(&l.payload);
        const uint8_t *req = cur_view(&l.payload, n);
        uint8_t buf[64];
        CHECK_INT(nbns_node_status_request(buf, sizeof(buf), 0x51e4), n);
        CHECK(req && n == 50 && memcmp(buf, req, n) == 0);
        CHECK_INT(nbns_node_status_request(buf, 49, 1), -ENOSPC);
        t_seed("nbns", "request", req, n);
        t_frames_free(&fr);
}

/* A response like Windows sends: header, RR_NAME "*", NBSTAT, names, unit id. */
static size_t response(uint8_t *m, uint8_t num, const uint8_t (*entries)[18], size_t n_entries,
                       const uint8_t *stats, size_t n_stats, int rdlen_delta)
{
        static const uint8_t hdr[] = { 0x12, 0x34, 0x84, 0x00, 0, 0, 0, 1, 0, 0, 0, 0, 0x20 };
        size_t n = 0;
        memcpy(m, hdr, sizeof(hdr));
        n = sizeof(hdr);
        m[n++] = 'C';
        m[n++] = 'K';
        for (int i = 0; i < 30; i++)
                m[n++] = 'A';
        m[n++] = 0;
        static const uint8_t rr[] = { 0, 0x21, 0, 1, 0, 0, 0, 0 };
        memcpy(m + n, rr, sizeof(rr));
        n += sizeof(rr);
        size_t rdlen = 1 + 18 * n_entries + n_stats;
        rdlen = (size_t)((long)rdlen + rdlen_delta);
        m[n++] = (uint8_t)(rdlen >> 8);
        m[n++] = (uint8_t)rdlen;
        m[n++] = num;
        for (size_t i = 0; i < n_entries; i++) {
                memcpy(m + n, entries[i], 18);
                n += 18;
        }
        memcpy(m + n, stats, n_stats);
        return n + n_stats;
}

static void edges(void)
{
        static const uint8_t win[][18] = {
                { 'W', 'I', 'N', 'B', 'O', 'X', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', 0x00,
                  0x04, 0x00 },
                { 'C', 'O', 'R', 'P', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', 0x00,
                  0x84, 0x00 },
                { 'W', 'I', 'N', 'B', 'O', 'X', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', 0x20,
                  0x04, 0x00 },
                /* being deregistered: listed, not the name */
                { 'O', 'L', 'D', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', 0x00,
                  0x14, 0x00 },
                /* all blanks: nothing */
                { ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', 0x00,
                  0x04, 0x00 },
        };
        static const uint8_t stats[46] = { 0x00, 0x15, 0x5d, 0x01, 0x02, 0x03 };
        uint8_t m[1024];
        size_t n = response(m, 5, win, 5, stats, sizeof(stats), 0);
        CHECK_INT(t_parse(dissect_nbns, m, n, &s), DISSECT_OK);
        CHECK_STR(t_val(&s, "nbns.name"), "WINBOX");
        CHECK_STR(t_val(&s, "nbns.workgroup"), "CORP");
        CHECK_STR(t_val(&s, "nbns.mac"), "00:15:5d:01:02:03");
        CHECK(t_find(&s, OBS_ATTR, "nbns.names", "WINBOX<20>") != NULL);
        CHECK(t_find(&s, OBS_ATTR, "nbns.names", "OLD<00>") != NULL);
        CHECK_INT(t_count(&s, "nbns.names"), 4);
        CHECK_INT(t_count(&s, "nbns.name"), 1);
        t_sweep_parser(dissect_nbns, m, n);
        t_seed("nbns", "edge-windows", m, n);
        /* no statistics at all: names, no MAC, OK */
        n = response(m, 2, win, 2, stats, 0, 0);
        CHECK_INT(t_parse(dissect_nbns, m, n, &s), DISSECT_OK);
        CHECK(t_val(&s, "nbns.mac") == NULL);
        CHECK_STR(t_val(&s, "nbns.workgroup"), "CORP");
        /* a count of 255 names in an RDATA of two: MALFORMED, the two kept */
        n = response(m, 255, win, 2, stats, 0, 0);
        CHECK_INT(t_parse(dissect_nbns, m, n, &s), DISSECT_MALFORMED);
        CHECK_INT(t_count(&s, "nbns.names"), 2);
        /* RDLENGTH past the end: TRUNCATED */
        n = response(m, 2, win, 2, stats, 6, 100);
        CHECK_INT(t_parse(dissect_nbns, m, n, &s), DISSECT_TRUNCATED);
        CHECK_INT(s.n, 0);
        /* zero names, zero RDLENGTH */
        n = response(m, 0, win, 0, stats, 0, -1);
        CHECK_INT(t_parse(dissect_nbns, m, n, &s), DISSECT_MALFORMED);  /* no NUM_NAMES byte */
        n = response(m, 0, win, 0, stats, 0, 0);
        CHECK_INT(t_parse(dissect_nbns, m, n, &s), DISSECT_OK);
        /* a label of 0x40 (reserved type) in RR_NAME */
        n = response(m, 1, win, 1, stats, 0, 0);
        m[12] = 0x40;
        CHECK_INT(t_parse(dissect_nbns, m, n, &s), DISSECT_MALFORMED);
        /* a compression pointer as RR_NAME: the name ends there */
        static const uint8_t ptr[] = { 0x12, 0x34, 0x84, 0x00, 0, 0, 0, 1, 0, 0, 0, 0, 0xc0, 0x0c,
                                       0, 0x21, 0, 1, 0, 0, 0, 0, 0, 1, 0 };
        CHECK_INT(t_parse(dissect_nbns, ptr, sizeof(ptr), &s), DISSECT_OK);
        /* a name query response (type NB), a request, a registration */
        n = response(m, 1, win, 1, stats, 0, 0);
        m[47] = 0x20;
        CHECK_INT(t_parse(dissect_nbns, m, n, &s), DISSECT_IGNORED);
        n = response(m, 1, win, 1, stats, 0, 0);
        m[2] = 0x00;
        CHECK_INT(t_parse(dissect_nbns, m, n, &s), DISSECT_IGNORED);
        m[2] = 0xa8;                                    /* R, opcode 5 */
        CHECK_INT(t_parse(dissect_nbns, m, n, &s), DISSECT_IGNORED);
        CHECK_INT(s.n, 0);
        /* wrong class */
        n = response(m, 1, win, 1, stats, 0, 0);
        m[49] = 0x02;
        CHECK_INT(t_parse(dissect_nbns, m, n, &s), DISSECT_MALFORMED);
        /* a name of more than 255 bytes of labels */
        uint8_t longname[400] = { 0x12, 0x34, 0x84, 0x00, 0, 0, 0, 1, 0, 0, 0, 0 };
        n = 12;
        for (int i = 0; i < 5; i++) {
                longname[n++] = 63;
                memset(longname + n, 'A', 63);
                n += 63;
        }
        longname[n++] = 0;
        CHECK_INT(t_parse(dissect_nbns, longname, n, &s), DISSECT_MALFORMED);
        CHECK_INT(t_parse(dissect_nbns, "", 0, &s), DISSECT_TRUNCATED);
}

int main(void)
{
        real();
        edges();
        return t_done();
}
