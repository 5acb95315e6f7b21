/* test-tcp.c - the TCP dissector (dissect/tcp.c) on real SYN-ACKs and
 * hand-built segments.
 *
 * Real frames (tests/captures/make/tcp.sh, Linux 6.18 peers in namespaces):
 * tcp-linux.pcap (a Linux connect() to an open port over IPv4 and IPv6, and
 * to a closed port), tcp-ttl128.pcap (the same to a peer whose default TTL
 * is 128), tcp-nmap.pcap (nmap -sS: a SYN with MSS only, the answers, and
 * the scanning kernel's RSTs). Each frame's exact observations, then the
 * truncation sweep over each. The Linux SYN-ACK must be what
 * data/identify/50-weak.rules calls Linux (rule syn-linux), the TTL-128 one
 * what rule ttl-128 calls Windows.
 * Hand-built: data offset below 5 and beyond the segment, option lengths 0,
 * 1 and overrunning, EOL and unknown kinds, RST+ACK with a non-zero
 * sequence (not an answer to a SYN), plain SYN/ACK/RST ignored, a
 * multicast source, port 0, TTLs that crossed a router (ignored) and the
 * initial TTLs (kept).
 */
#include <stdlib.h>

#include "netinv/identify.h"
#include "netinv/inventory.h"
#include "testlib.h"

static const uint8_t lin_mac[6] = { 0x02, 0x4e, 0x54, 0x00, 0x00, 0x02 };
static const uint8_t win_mac[6] = { 0x02, 0x4e, 0x54, 0x00, 0x00, 0x03 };

struct want {
        unsigned frame;                 /* 1-based */
        enum dissect_res res;
        const char *open, *closed, *ttl, *shape;        /* NULL: not observed */
};

#define LINUX_SHAPE "ttl=64,win=65160,mss=1460,opts=mss,sok,ts,nop,ws"

static const struct want linux_want[] = {
        { 1, DISSECT_IGNORED, NULL, NULL, NULL, NULL },         /* SYN */
        { 2, DISSECT_OK, "22", NULL, "64", LINUX_SHAPE },
        { 3, DISSECT_IGNORED, NULL, NULL, NULL, NULL },         /* ACK */
        { 4, DISSECT_IGNORED, NULL, NULL, NULL, NULL },         /* FIN+ACK */
        { 7, DISSECT_IGNORED, NULL, NULL, NULL, NULL },         /* SYN to :23 */
        { 8, DISSECT_OK, NULL, "23", NULL, NULL },              /* RST+ACK, seq 0 */
        { 9, DISSECT_IGNORED, NULL, NULL, NULL, NULL },         /* SYN over IPv6 */
        { 10, DISSECT_OK, "80", NULL, "64", "ttl=64,win=64260,mss=1440,opts=mss,sok,ts,nop,ws" },
        { 12, DISSECT_IGNORED, NULL, NULL, NULL, NULL },        /* FIN+ACK over IPv6 */
};

static const struct want ttl128_want[] = {
        { 1, DISSECT_IGNORED, NULL, NULL, NULL, NULL },
        { 2, DISSECT_OK, "80", NULL, "128", "ttl=128,win=65160,mss=1460,opts=mss,sok,ts,nop,ws" },
        { 4, DISSECT_IGNORED, NULL, NULL, NULL, NULL },
};

static const struct want nmap_want[] = {
        { 1, DISSECT_IGNORED, NULL, NULL, NULL, NULL },         /* nmap's SYN, MSS only */
        { 2, DISSECT_OK, "22", NULL, "64", "ttl=64,win=64240,mss=1460,opts=mss" },
        { 3, DISSECT_IGNORED, NULL, NULL, NULL, NULL },         /* scanner kernel's RST */
        { 5, DISSECT_OK, NULL, "23", NULL, NULL },
        { 7, DISSECT_OK, "80", NULL, "64", "ttl=64,win=64240,mss=1460,opts=mss" },
        { 8, DISSECT_IGNORED, NULL, NULL, NULL, NULL },
};

static size_t count(const struct obs_sink *s)
{
        return s->n;
}

static void check_frame(const struct t_frames *fr, const struct want *w, const uint8_t mac[6])
{
        static struct obs_sink s;
        if (!CHECK(w->frame >= 1 && w->frame <= fr->n))
                return;
        const struct t_frame *f = &fr->f[w->frame - 1];
        enum dissect_res r = t_dissect(f->data, f->len, &s);
        if (!CHECK_INT(r, w->res))
                fprintf(stderr, "  frame %u\n", w->frame);
        size_t n = (w->open != NULL) + (w->closed != NULL) + (w->ttl != NULL) + (w->shape != NULL);
        if (!CHECK_INT(count(&s), n)) {
                fprintf(stderr, "  frame %u:\n", w->frame);
                t_dump(&s, stderr);
        }
        const char *keys[4] = { "tcp.open", "tcp.closed", "ip.ttl", "tcp.syn_ack" };
        const char *vals[4] = { w->open, w->closed, w->ttl, w->shape };
        for (int k = 0; k < 4; k++) {
                if (!vals[k])
                        continue;
                const struct obs *o = t_find(&s, OBS_ATTR, keys[k], vals[k]);
                if (!CHECK(o != NULL)) {
                        fprintf(stderr, "  frame %u: no %s=%s\n", w->frame, keys[k], vals[k]);
                        t_dump(&s, stderr);
                        continue;
                }
                CHECK(memcmp(o->mac, mac, 6) == 0);
                CHECK_INT(o->source, PROTO_TCP);
        }
        CHECK_INT(t_sweep(f->lt, f->data, f->len), 0);
}

static void test_capture(const char *name, const struct want *w, size_t n, const uint8_t mac[6])
{
        struct t_frames fr;
        if (!CHECK_INT(t_load_pcap(t_capture(name), &fr), 0))
                return;
        for (size_t i = 0; i < n; i++)
                check_frame(&fr, &w[i], mac);
        /* Every frame, listed or not, survives the sweep. */
        for (size_t i = 0; i < fr.n; i++)
                CHECK_INT(t_sweep(fr.f[i].lt, fr.f[i].data, fr.f[i].len), 0);
        t_frames_free(&fr);
}

/* ---- what the identification rules make of the real SYN-ACKs ---- */

static bool rule_used(const struct identify_rules *r, const char *capture, unsigned frame,
                      const uint8_t mac[6], const char *rule)
{
        static struct obs_sink s;
        static struct identity_buf b;
        struct t_frames fr;
        bool found = false;

        if (!CHECK_INT(t_load_pcap(t_capture(capture), &fr), 0))
                return false;
        struct inventory *inv = inventory_new(4);
        if (CHECK(frame <= fr.n && inv != NULL)) {
                t_dissect(fr.f[frame - 1].data, fr.f[frame - 1].len, &s);
                CHECK_INT(inventory_add_sink(inv, &s, fr.f[frame - 1].ts), 0);
                const struct device *d = inventory_find(inv, mac);
                if (CHECK(d != NULL) && CHECK_INT(identify_device(r, d, &b), 0))
                        for (size_t i = 0; i < b.id.n_evidence; i++)
                                found |= strcmp(b.id.evidence[i].rule, rule) == 0;
        }
        inventory_free(inv);
        t_frames_free(&fr);
        return found;
}

static void test_rules(void)
{
        const char *dirs[4];
        char buf[4096], err[512] = "";
        struct identify_rules *r = NULL;
        size_t n = identify_default_dirs(NULL, dirs, buf, sizeof(buf));
        if (!CHECK_INT(identify_load(dirs, n, &r, err, sizeof(err)), 0)) {
                fprintf(stderr, "load: %s\n", err);
                return;
        }
        CHECK(rule_used(r, "tcp-linux.pcap", 2, lin_mac, "syn-linux"));
        CHECK(rule_used(r, "tcp-linux.pcap", 2, lin_mac, "ttl-64"));
        CHECK(!rule_used(r, "tcp-linux.pcap", 2, lin_mac, "syn-windows"));
        CHECK(rule_used(r, "tcp-ttl128.pcap", 2, win_mac, "ttl-128"));
        CHECK(!rule_used(r, "tcp-ttl128.pcap", 2, win_mac, "syn-linux"));
        /* An MSS-only SYN (nmap's) gets an MSS-only SYN-ACK: no shape rule
         * can tell the stack. This is why the tcp probe offers the options
         * a Linux connect() offers. */
        CHECK(!rule_used(r, "tcp-nmap.pcap", 2, lin_mac, "syn-linux"));
        identify_free(r);
}

/* ---- hand-built ---- */

/* Ethernet + IPv4 (TTL ttl) + the given TCP header bytes. */
static size_t frame4(uint8_t *f, uint8_t ttl, const uint8_t *tcp, size_t tlen)
{
        static const uint8_t head[34] = {
                0x02, 0x4e, 0x54, 0x00, 0x00, 0x01, 0x02, 0x4e, 0x54, 0x00, 0x00, 0x02,
                0x08, 0x00,
                0x45, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
                198, 18, 40, 2, 198, 18, 40, 1,
        };
        memcpy(f, head, sizeof(head));
        f[16] = (uint8_t)((20 + tlen) >> 8);
        f[17] = (uint8_t)(20 + tlen);
        f[22] = ttl;
        memcpy(f + 34, tcp, tlen);
        return 34 + tlen;
}

static enum dissect_res hand(const uint8_t *tcp, size_t tlen, struct obs_sink *s)
{
        uint8_t f[34 + 80];
        size_t n = frame4(f, 64, tcp, tlen);
        /* Exactly n bytes on the heap, so ASan sees any read past the end. */
        uint8_t *h = malloc(n);
        memcpy(h, f, n);
        enum dissect_res r = t_dissect(h, n, s);
        free(h);
        return r;
}

/* sport 22, dport 40000, seq, ack, doff, flags, window 29200, then options. */
#define TCPH(doff, flags, s0) \
        0x00, 0x16, 0x9c, 0x40, 0x00, 0x00, 0x00, (s0), 0x00, 0x00, 0x00, 0x02, \
        (uint8_t)((doff) << 4), (flags), 0x72, 0x10, 0x00, 0x00, 0x00, 0x00

static void test_hand(void)
{
        static struct obs_sink s;

        /* Windows-like layout with EOL padding, and an unknown kind 30
         * (MPTCP, RFC 8684) of length 4. */
        const uint8_t win[] = { TCPH(10, 0x12, 1), 2, 4, 0x05, 0xb4, 1, 3, 3, 8, 4, 2,
                                30, 4, 0, 0, 1, 1, 0, 0, 0, 0 };
        CHECK_INT(hand(win, sizeof(win), &s), DISSECT_OK);
        CHECK(t_find(&s, OBS_ATTR, "tcp.syn_ack",
                     "ttl=64,win=29200,mss=1460,opts=mss,nop,ws,sok,k30,nop,nop,eol") != NULL);
        CHECK(t_find(&s, OBS_ATTR, "tcp.open", "22") != NULL);
        CHECK(t_find(&s, OBS_ATTR, "ip.ttl", "64") != NULL);

        /* No options at all: mss=0 and an empty layout. */
        const uint8_t bare[] = { TCPH(5, 0x12, 1) };
        CHECK_INT(hand(bare, sizeof(bare), &s), DISSECT_OK);
        CHECK(t_find(&s, OBS_ATTR, "tcp.syn_ack", "ttl=64,win=29200,mss=0,opts=") != NULL);

        /* An MSS option of the wrong length is listed, its value not read. */
        const uint8_t mss6[] = { TCPH(7, 0x12, 1), 2, 6, 1, 2, 3, 4, 0, 0 };
        CHECK_INT(hand(mss6, sizeof(mss6), &s), DISSECT_OK);
        CHECK(t_find(&s, OBS_ATTR, "tcp.syn_ack", "ttl=64,win=29200,mss=0,opts=mss,eol") != NULL);

        /* Data offset below 5: malformed, nothing said. */
        const uint8_t doff4[] = { TCPH(4, 0x12, 1) };
        CHECK_INT(hand(doff4, sizeof(doff4), &s), DISSECT_MALFORMED);
        CHECK_INT(s.n, 0);

        /* Data offset beyond the segment: a cut header. The port is open
         * whatever the options say. */
        const uint8_t doff15[] = { TCPH(15, 0x12, 1), 2, 4, 0x05, 0xb4 };
        CHECK_INT(hand(doff15, sizeof(doff15), &s), DISSECT_TRUNCATED);
        CHECK(t_find(&s, OBS_ATTR, "tcp.open", "22") != NULL);
        CHECK(t_find(&s, OBS_ATTR, "tcp.syn_ack", NULL) == NULL);

        /* Option length 0 and 1 (would loop or step back): malformed. */
        const uint8_t len0[] = { TCPH(6, 0x12, 1), 8, 0, 0, 0 };
        CHECK_INT(hand(len0, sizeof(len0), &s), DISSECT_MALFORMED);
        CHECK(t_find(&s, OBS_ATTR, "tcp.syn_ack", NULL) == NULL);
        CHECK(t_find(&s, OBS_ATTR, "tcp.open", "22") != NULL);
        const uint8_t len1[] = { TCPH(6, 0x12, 1), 1, 3, 1, 1 };
        CHECK_INT(hand(len1, sizeof(len1), &s), DISSECT_MALFORMED);
        /* A length running past the header (into what would be payload). */
        const uint8_t over[] = { TCPH(6, 0x12, 1), 1, 8, 10, 0, 0, 0, 0, 0, 0, 0 };
        CHECK_INT(hand(over, sizeof(over), &s), DISSECT_MALFORMED);
        CHECK(t_find(&s, OBS_ATTR, "tcp.syn_ack", NULL) == NULL);
        /* A kind as the last header byte, its length byte missing. */
        const uint8_t nolen[] = { TCPH(6, 0x12, 1), 1, 1, 1, 3 };
        CHECK_INT(hand(nolen, sizeof(nolen), &s), DISSECT_MALFORMED);

        /* Not answers to a SYN: ignored without a word. */
        const uint8_t syn[] = { TCPH(5, 0x02, 1) }, ack[] = { TCPH(5, 0x10, 1) };
        const uint8_t rst[] = { TCPH(5, 0x04, 0) }, psh[] = { TCPH(5, 0x18, 0) };
        const uint8_t rstack_seq[] = { TCPH(5, 0x14, 7) };     /* abortive close: seq != 0 */
        const uint8_t synrst[] = { TCPH(5, 0x16, 1) };
        const uint8_t *ign[] = { syn, ack, rst, psh, rstack_seq, synrst };
        for (size_t i = 0; i < sizeof(ign) / sizeof(ign[0]); i++) {
                CHECK_INT(hand(ign[i], 20, &s), DISSECT_IGNORED);
                CHECK_INT(s.n, 0);
        }
        /* ... and ignored after 14 bytes even when the rest is missing. */
        CHECK_INT(hand(ack, 14, &s), DISSECT_IGNORED);
        CHECK_INT(hand(ack, 13, &s), DISSECT_TRUNCATED);

        /* RST+ACK with seq 0: the closed-port answer. */
        const uint8_t rstack[] = { TCPH(5, 0x14, 0) };
        CHECK_INT(hand(rstack, sizeof(rstack), &s), DISSECT_OK);
        CHECK(t_find(&s, OBS_ATTR, "tcp.closed", "22") != NULL);
        CHECK_INT(s.n, 1);

        /* Source port 0 is no port. */
        uint8_t port0[20] = { TCPH(5, 0x12, 1) };
        port0[0] = port0[1] = 0;
        CHECK_INT(hand(port0, sizeof(port0), &s), DISSECT_MALFORMED);
        CHECK_INT(s.n, 0);

        /* The IPv4 TTL travels into both keys. */
        uint8_t f[34 + 20];
        size_t n = frame4(f, 255, bare, sizeof(bare));
        CHECK_INT(t_dissect(f, n, &s), DISSECT_OK);
        CHECK(t_find(&s, OBS_ATTR, "ip.ttl", "255") != NULL);
        CHECK(t_find(&s, OBS_ATTR, "tcp.syn_ack", "ttl=255,win=29200,mss=0,opts=") != NULL);
        CHECK_INT(t_sweep(LINK_ETHERNET, f, n), 0);

        /* A SYN-ACK (or RST+ACK) that crossed a router: its TTL is not an
         * initial one, and its Ethernet source is the router. Ignored. */
        static const uint8_t routed[] = { 63, 127, 254, 52, 1, 0, 200 };
        for (size_t i = 0; i < sizeof(routed); i++) {
                n = frame4(f, routed[i], bare, sizeof(bare));
                CHECK_INT(t_dissect(f, n, &s), DISSECT_IGNORED);
                CHECK_INT(s.n, 0);
                n = frame4(f, routed[i], rstack, sizeof(rstack));
                CHECK_INT(t_dissect(f, n, &s), DISSECT_IGNORED);
                CHECK_INT(s.n, 0);
        }
        static const uint8_t initial[] = { 30, 32, 60, 64, 128, 255 };
        for (size_t i = 0; i < sizeof(initial); i++) {
                n = frame4(f, initial[i], bare, sizeof(bare));
                CHECK_INT(t_dissect(f, n, &s), DISSECT_OK);
                CHECK_INT(s.n, 3);
        }
        n = frame4(f, 255, bare, sizeof(bare));

        /* A multicast Ethernet source names no device. */
        f[6] = 0x01;
        CHECK_INT(t_dissect(f, n, &s), DISSECT_IGNORED);
        CHECK_INT(s.n, 0);

        /* The longest layout: 40 one-byte NOPs. */
        uint8_t nops[60] = { TCPH(15, 0x12, 1) };
        memset(nops + 20, 1, 40);
        CHECK_INT(hand(nops, sizeof(nops), &s), DISSECT_OK);
        const struct obs *o = t_find(&s, OBS_ATTR, "tcp.syn_ack", NULL);
        CHECK(o && o->val_len == strlen("ttl=64,win=29200,mss=0,opts=") + 40 * 4 - 1);
        /* The widest: 20 empty options of unknown kind 255 ("k255"). */
        uint8_t wide[60] = { TCPH(15, 0x12, 1) };
        for (int i = 0; i < 20; i++)
                wide[20 + 2 * i] = 255, wide[21 + 2 * i] = 2;
        CHECK_INT(hand(wide, sizeof(wide), &s), DISSECT_OK);
        o = t_find(&s, OBS_ATTR, "tcp.syn_ack", NULL);
        CHECK(o && o->val_len == strlen("ttl=64,win=29200,mss=0,opts=") + 20 * 5 - 1);
        CHECK_INT(t_sweep(LINK_ETHERNET, f, n), 0);
}

int main(void)
{
        test_capture("tcp-linux.pcap", linux_want, sizeof(linux_want) / sizeof(linux_want[0]),
                     lin_mac);
        test_capture("tcp-ttl128.pcap", ttl128_want, sizeof(ttl128_want) / sizeof(ttl128_want[0]),
                     win_mac);
        test_capture("tcp-nmap.pcap", nmap_want, sizeof(nmap_want) / sizeof(nmap_want[0]),
                     lin_mac);
        test_rules();
        test_hand();
        return t_done();
}
