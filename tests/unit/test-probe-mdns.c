/* test-probe-mdns.c - the mdns probe: the query builder byte for byte
 * against queries dig wrote, the text-to-wire name encoder (escapes, limits,
 * and a round trip through dns_name_read on the instance names of a real
 * avahi capture), and the probe itself in a private network namespace:
 * what it asks at start, what it asks after observations, retries, the
 * end.
 *
 * The references: tests/captures/make/mcast.sh ran DiG 9.18 as
 *   dig -b 198.18.42.1 -p 5353 @224.0.0.251 +norecurse +noad +noedns \
 *       +nocookie +tries=1 +time=1 NAME TYPE
 * (a one-question query from an ephemeral port: what the probe sends, RFC
 * 6762 §6.7) and tcpdump 4.99.3 recorded the UDP payloads below. dig picks
 * a random ID; an mDNS query carries ID 0 (RFC 6762 §18.1), so the first
 * two bytes are left out of the comparison. dig asks one question per
 * message; a message with several is the same header with QDCOUNT n and
 * the questions one after the other (RFC 1035 §4.1.2), which is how the
 * multi-question reference is put together.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "netinv/cursor.h"
#include "netinv/dns_name.h"
#include "netinv/mcast.h"
#include "netinv/prober.h"
#include "mcast-util.h"
#include "testlib.h"

static const uint8_t dig_services[46] = {
        0x47, 0xfa, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x09, '_', 's', 'e', 'r', 'v', 'i', 'c', 'e', 's',
        0x07, '_', 'd', 'n', 's', '-', 's', 'd', 0x04, '_', 'u', 'd', 'p',
        0x05, 'l', 'o', 'c', 'a', 'l', 0x00, 0x00, 0x0c, 0x00, 0x01,
};
static const uint8_t dig_srv[53] = {
        0xc3, 0x20, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x0b, 'l', 'a', 'b', '-', 'p', 'r', 'i', 'n', 't', 'e', 'r',
        0x0c, '_', 'd', 'e', 'v', 'i', 'c', 'e', '-', 'i', 'n', 'f', 'o',
        0x04, '_', 't', 'c', 'p', 0x05, 'l', 'o', 'c', 'a', 'l', 0x00, 0x00, 0x21, 0x00, 0x01,
};
static const uint8_t dig_a[35] = {
        0xca, 0x35, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x0b, 'l', 'a', 'b', '-', 'p', 'r', 'i', 'n', 't', 'e', 'r',
        0x05, 'l', 'o', 'c', 'a', 'l', 0x00, 0x00, 0x01, 0x00, 0x01,
};

#define HDR 12

static int enc(const char *text, uint8_t *buf, size_t cap)
{
        return mdns_name_encode(text, strlen(text), buf, cap);
}

static void test_builder(void)
{
        uint8_t n1[256], n2[256], n3[256], buf[512], want[512];
        int l1 = enc("_services._dns-sd._udp.local", n1, sizeof(n1));
        int l2 = enc("lab-printer._device-info._tcp.local", n2, sizeof(n2));
        int l3 = enc("lab-printer.local.", n3, sizeof(n3));     /* a trailing dot */
        CHECK_INT(l1, 30);
        CHECK_INT(l2, 37);
        CHECK_INT(l3, 19);

        struct mdns_question q[3] = {
                { n1, (size_t)l1, MDNS_TYPE_PTR },
                { n2, (size_t)l2, MDNS_TYPE_SRV },
                { n3, (size_t)l3, MDNS_TYPE_A },
        };
        int n = mdns_query_build(buf, sizeof(buf), q, 1);
        CHECK_INT(n, sizeof(dig_services));
        CHECK(buf[0] == 0 && buf[1] == 0);
        CHECK(memcmp(buf + 2, dig_services + 2, sizeof(dig_services) - 2) == 0);
        n = mdns_query_build(buf, sizeof(buf), q + 1, 1);
        CHECK_INT(n, sizeof(dig_srv));
        CHECK(memcmp(buf + 2, dig_srv + 2, sizeof(dig_srv) - 2) == 0);
        n = mdns_query_build(buf, sizeof(buf), q + 2, 1);
        CHECK_INT(n, sizeof(dig_a));
        CHECK(memcmp(buf + 2, dig_a + 2, sizeof(dig_a) - 2) == 0);

        /* Three questions in one message. */
        size_t w = 0;
        memcpy(want, dig_services, HDR);
        want[0] = want[1] = 0;
        want[5] = 3;
        w = HDR;
        memcpy(want + w, dig_services + HDR, sizeof(dig_services) - HDR);
        w += sizeof(dig_services) - HDR;
        memcpy(want + w, dig_srv + HDR, sizeof(dig_srv) - HDR);
        w += sizeof(dig_srv) - HDR;
        memcpy(want + w, dig_a + HDR, sizeof(dig_a) - HDR);
        w += sizeof(dig_a) - HDR;
        n = mdns_query_build(buf, sizeof(buf), q, 3);
        CHECK_INT(n, (long long)w);
        CHECK(n == (int)w && memcmp(buf, want, w) == 0);

        /* Exactly enough room, one byte less, no question, a bad name. */
        CHECK_INT(mdns_query_build(buf, w, q, 3), (long long)w);
        CHECK_INT(mdns_query_build(buf, w - 1, q, 3), -ENOSPC);
        CHECK_INT(mdns_query_build(buf, 11, q, 1), -ENOSPC);
        CHECK_INT(mdns_query_build(buf, sizeof(buf), q, 0), -EINVAL);
        struct mdns_question bad = { n1, (size_t)l1 - 1, MDNS_TYPE_PTR };  /* no root label */
        CHECK_INT(mdns_query_build(buf, sizeof(buf), &bad, 1), -EINVAL);
        uint8_t longlab[3] = { 64, 'a', 0 };
        bad = (struct mdns_question){ longlab, 3, MDNS_TYPE_A };
        CHECK_INT(mdns_query_build(buf, sizeof(buf), &bad, 1), -EINVAL);
}

static void test_encode(void)
{
        uint8_t b[300];
        char text[300];

        /* Escapes of dns_name.h: "\." is a dot inside a label, "\\" a '\'. */
        static const uint8_t dotted[] = { 12, 'P', 'r', 'i', 'n', 't', 'e', 'r', ' ', 'v', '1', '.',
                                          '2', 4, '_', 'i', 'p', 'p', 4, '_', 't', 'c', 'p', 5, 'l',
                                          'o', 'c', 'a', 'l', 0 };
        CHECK_INT(enc("Printer v1\\.2._ipp._tcp.local", b, sizeof(b)), sizeof(dotted));
        CHECK(memcmp(b, dotted, sizeof(dotted)) == 0);
        CHECK_INT(enc("a\\\\b.local", b, sizeof(b)), 11);
        CHECK(b[0] == 3 && b[1] == 'a' && b[2] == '\\' && b[3] == 'b');
        /* The root, and names that are not names. */
        CHECK_INT(enc(".", b, sizeof(b)), 1);
        CHECK_INT(enc("", b, sizeof(b)), 1);
        CHECK_INT(enc("a..local", b, sizeof(b)), -EINVAL);
        CHECK_INT(enc(".local", b, sizeof(b)), -EINVAL);
        CHECK_INT(enc("local..", b, sizeof(b)), -EINVAL);
        CHECK_INT(enc("bad\\", b, sizeof(b)), -EINVAL);
        /* A label of 63 bytes is fine, 64 is not. */
        memset(text, 'x', 64);
        strcpy(text + 63, ".local");
        CHECK_INT(enc(text, b, sizeof(b)), 1 + 63 + 6 + 1);
        memset(text, 'x', 64);
        strcpy(text + 64, ".local");
        CHECK_INT(enc(text, b, sizeof(b)), -EINVAL);
        /* 255 bytes in wire form at most: 4 labels of 62 and "local" is
         * 4*63 + 6 + 1 = 259. */
        size_t t = 0;
        for (int i = 0; i < 4; i++) {
                memset(text + t, 'y', 62);
                t += 62;
                text[t++] = '.';
        }
        strcpy(text + t, "local");
        CHECK_INT(enc(text, b, sizeof(b)), -EINVAL);
        strcpy(text + t - 5, ".local");         /* 3 labels of 62, one of 58: 255 */
        CHECK_INT(enc(text, b, sizeof(b)), 255);
        strcpy(text + t - 4, ".local");         /* one more: 256 */
        CHECK_INT(enc(text, b, sizeof(b)), -EINVAL);
        /* Too small a buffer. */
        CHECK_INT(enc("lab-printer.local", b, 18), -ENOSPC);
        CHECK_INT(enc("lab-printer.local", b, 19), 19);
}

/* Every instance name and host name avahi sent in mdns-avahi.pcap, as
 * dns.c reports it, encodes back to a wire name that dns_name_read turns
 * into the same text. */
static void test_roundtrip(void)
{
        struct t_frames fr;
        static struct obs_sink s;
        size_t names = 0, dotted = 0;
        if (t_load_pcap(t_capture("mdns-avahi.pcap"), &fr) < 0) {
                CHECK(!"mdns-avahi.pcap");
                return;
        }
        for (size_t i = 0; i < fr.n; i++) {
                obs_sink_reset(&s);
                t_dissect(fr.f[i].data, fr.f[i].len, &s);
                for (size_t k = 0; k < s.n; k++) {
                        const struct obs *o = &s.obs[k];
                        bool inst = o->kind == OBS_ATTR && strcmp(o->key, "mdns.instance") == 0;
                        if (!inst && o->kind != OBS_HOSTNAME)
                                continue;
                        uint8_t w[MDNS_WIRE_NAME_MAX];
                        char back[DNS_NAME_BUFSZ];
                        size_t blen = 0;
                        int n = mdns_name_encode(o->val, o->val_len, w, sizeof(w));
                        CHECK(n > 1);
                        if (n <= 1)
                                continue;
                        struct cursor c;
                        cur_init(&c, w, (size_t)n);
                        CHECK_INT(dns_name_read(&c, back, sizeof(back), &blen), 0);
                        CHECK(blen == o->val_len && memcmp(back, o->val, blen) == 0);
                        names++;
                        dotted += memchr(o->val, '\\', o->val_len) != NULL;
                }
        }
        CHECK(names >= 4);
        CHECK(dotted >= 1);     /* the capture has an instance name with a dot */
        t_frames_free(&fr);
}

/* ---- the probe, in a private network namespace ---- */

#define MAXQ 128

struct asked {
        char name[DNS_NAME_BUFSZ];
        uint16_t type;
        int times;
};

static struct asked asked[MAXQ];
static size_t n_asked;
static int packets;

static struct asked *find(const char *name, uint16_t type)
{
        for (size_t i = 0; i < n_asked; i++)
                if (asked[i].type == type && strcmp(asked[i].name, name) == 0)
                        return &asked[i];
        return NULL;
}

static int times(const char *name, uint16_t type)
{
        const struct asked *a = find(name, type);
        return a ? a->times : 0;
}

/* Read the queries that reached the group on lo; tally their questions. */
static void drain(int rx)
{
        uint8_t buf[2048];
        ssize_t len;
        usleep(10000);
        while ((len = recv(rx, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
                struct cursor c;
                cur_init(&c, buf, (size_t)len);
                CHECK(len <= 256);              /* MDNS_QUERY_MAX */
                CHECK_INT(cur_be16(&c), 0);     /* ID */
                CHECK_INT(cur_be16(&c), 0);     /* flags */
                uint16_t qd = cur_be16(&c);
                CHECK(cur_be16(&c) == 0 && cur_be16(&c) == 0 && cur_be16(&c) == 0);
                packets++;
                for (unsigned i = 0; i < qd && cur_ok(&c); i++) {
                        char name[DNS_NAME_BUFSZ];
                        size_t nl;
                        CHECK_INT(dns_name_read(&c, name, sizeof(name), &nl), 0);
                        uint16_t type = cur_be16(&c);
                        CHECK_INT(cur_be16(&c), 1);     /* IN, QU clear */
                        if (!cur_ok(&c))
                                break;
                        struct asked *a = find(name, type);
                        if (!a && n_asked < MAXQ) {
                                a = &asked[n_asked++];
                                snprintf(a->name, sizeof(a->name), "%s", name);
                                a->type = type;
                        }
                        if (a)
                                a->times++;
                }
                CHECK(cur_ok(&c) && cur_left(&c) == 0);
        }
}

/* Run the engine until it waits for something later than `until`, or
 * finishes (1). */
static int drive(struct prober *pr, int rx, uint64_t *now, uint64_t until)
{
        for (int i = 0; i < 1000; i++) {
                uint64_t wake = UINT64_MAX;
                int r = prober_run(pr, *now, &wake);
                drain(rx);
                if (r)
                        return 1;
                if (wake > until)
                        return 0;
                if (wake > *now)
                        *now = wake;
        }
        CHECK(!"drive: no end");
        return -1;
}

static void add_attr(struct obs_sink *s, const uint8_t mac[6], const char *key, const char *v)
{
        obs_attr_str(s, mac, PROTO_MDNS, key, v);
}

static void test_probe(void)
{
        static const uint8_t box[6] = { 0x02, 0, 0, 0, 0, 0x0b };
        static const uint8_t tv[6] = { 0x02, 0, 0, 0, 0, 0x0c };
        static struct obs_sink s;
        struct mc_env e;
        mc_env_init(&e);

        int rx = socket(AF_INET, SOCK_DGRAM, 0);
        int one = 1;
        setsockopt(rx, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(5353) };
        CHECK(bind(rx, (struct sockaddr *)&sin, sizeof(sin)) == 0);
        struct ip_mreqn mr = { .imr_multiaddr.s_addr = htonl(0xe00000fbu),
                               .imr_ifindex = e.env.ifindex };
        CHECK(setsockopt(rx, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) == 0);

        bool en[PROBER_N] = { [PROBER_MDNS] = true };
        struct prober *pr = NULL;
        char why[256] = "";
        CHECK_INT(prober_open(&e.env, en, &pr, why, sizeof(why)), 0);
        if (!pr)
                return;
        uint64_t now = MC_T0;
        prober_start(pr, now);
        /* The first round: everything at once (the budget paces it). */
        CHECK_INT(drive(pr, rx, &now, MC_T0 + 100 * MC_MS), 0);
        CHECK_INT(times("_services._dns-sd._udp.local", MDNS_TYPE_PTR), 1);
        CHECK_INT(times("_device-info._tcp.local", MDNS_TYPE_PTR), 1);
        CHECK_INT(times("_ssh._tcp.local", MDNS_TYPE_PTR), 1);
        size_t first = n_asked;
        CHECK(first >= 20);
        CHECK(packets >= 3 && packets <= 6);    /* several questions a packet */

        /* Answers (as dns.c reports them): a type already asked, a new
         * type, an instance, a host name from a station that gave no
         * address, and one from a station whose address is in the same
         * answer. A name that does not encode, a type that is not one, and
         * another protocol's observation are ignored. */
        obs_sink_reset(&s);
        add_attr(&s, box, "mdns.service", "_http._tcp.local");
        add_attr(&s, box, "mdns.service", "_nas-mgmt._tcp.local");
        add_attr(&s, box, "mdns.service", "not-a-type.local");
        add_attr(&s, box, "mdns.instance", "Box v1\\.2._smb._tcp.local");
        add_attr(&s, box, "mdns.instance", "x..y");
        obs_hostname(&s, box, PROTO_MDNS, "box.local", 9);
        obs_hostname(&s, tv, PROTO_MDNS, "tv.local", 8);
        uint8_t ip[4] = { 198, 18, 42, 12 };
        obs_ipv4(&s, tv, PROTO_MDNS, ip);
        obs_attr_str(&s, tv, PROTO_SSDP, "mdns.instance", "y._http._tcp.local");
        prober_seen(pr, &s, now);
        CHECK_INT(drive(pr, rx, &now, now + 100 * MC_MS), 0);
        CHECK_INT(times("_http._tcp.local", MDNS_TYPE_PTR), 1);
        CHECK_INT(times("_nas-mgmt._tcp.local", MDNS_TYPE_PTR), 1);
        CHECK_INT(times("Box v1\\.2._smb._tcp.local", MDNS_TYPE_SRV), 1);
        CHECK_INT(times("Box v1\\.2._smb._tcp.local", MDNS_TYPE_TXT), 1);
        CHECK_INT(times("box.local", MDNS_TYPE_A), 1);
        CHECK_INT(times("box.local", MDNS_TYPE_AAAA), 1);
        CHECK_INT(times("tv.local", MDNS_TYPE_A), 0);
        CHECK_INT(times("y._http._tcp.local", MDNS_TYPE_SRV), 0);
        CHECK_INT(n_asked, first + 5);

        /* The same again teaches nothing. Then answers: box's SRV and its
         * address (its SRV and A/AAAA are not asked again; the TXT is);
         * the retries of everything else (one each), and the end, 250 ms
         * (the floor over --timeout 200) after the last. */
        prober_seen(pr, &s, now);
        obs_sink_reset(&s);
        add_attr(&s, box, "mdns.srv", "Box v1\\.2._smb._tcp.local 445 box.local");
        add_attr(&s, box, "mdns.srv", "garbage");
        uint8_t ip6[16] = { 0xfe, 0x80, [15] = 0x0b };
        obs_ipv6(&s, box, PROTO_MDNS, ip6);
        prober_seen(pr, &s, now);
        uint64_t before = now;
        CHECK_INT(drive(pr, rx, &now, UINT64_MAX), 1);
        CHECK_INT(n_asked, first + 5);
        for (size_t i = 0; i < n_asked; i++) {
                bool once = strcmp(asked[i].name, "box.local") == 0 ||
                            (strcmp(asked[i].name, "Box v1\\.2._smb._tcp.local") == 0 &&
                             asked[i].type == MDNS_TYPE_SRV);
                CHECK_INT(asked[i].times, once ? 1 : 2);
        }
        CHECK_INT(times("Box v1\\.2._smb._tcp.local", MDNS_TYPE_TXT), 2);
        CHECK(now >= before + 250 * MC_MS && now <= before + 500 * MC_MS);
        prober_free(pr);
        close(rx);

        /* No IPv4 address on the interface: nothing to send from. */
        mc_env_init(&e);
        e.ifc.n_nets = 0;
        CHECK_INT(prober_open(&e.env, en, &pr, why, sizeof(why)), 0);
        uint64_t wake;
        prober_start(pr, MC_T0);
        CHECK_INT(prober_run(pr, MC_T0, &wake), 1);
        prober_free(pr);
        struct prober_opts o = { .retries = 1 };
        CHECK_INT(probe_mdns_ops.max_packets(&o, 1000), 512);
}

int main(void)
{
        test_builder();
        test_encode();
        test_roundtrip();
        if (!mc_private_net()) {
                fprintf(stderr, "no private network namespace (needs root): probe not run\n");
                t_done();
                return T_SKIP;
        }
        test_probe();
        return t_done();
}
