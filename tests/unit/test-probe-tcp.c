/* test-probe-tcp.c - the tcp probe (probe/tcp.c): the SYN libnet builds,
 * byte for byte against a reference, and what the probe sends through the
 * engine: whom, in which order, which pairs are retried, when it ends.
 *
 * The reference frame (tests/captures/tcp-syn-ref.pcap) was built by scapy
 * 2.5.0 (tests/captures/make/tcp.sh) with the same field values as
 * ref_syn below: the options a Linux connect() offers, in Linux's order
 * (tests/captures/tcp-linux.pcap frame 1), DF, TTL 64, window 64240.
 * scapy computed the IPv4 and TCP checksums itself, so they check libnet's.
 *
 * Opening the probe opens a packet socket, which needs root: without it the
 * test is skipped. As root it first moves into a network namespace of its
 * own (unshare), whose "lo" it brings up and sends on: nothing can leave
 * it. A second packet socket on that "lo" reads back what the probe sent.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netinv/prober.h"
#include "testlib.h"

static const uint8_t our_mac[6] = { 0x02, 0x4e, 0x54, 0x00, 0x00, 0x01 };
static const uint8_t mac_a[6] = { 0x02, 0x4e, 0x54, 0x00, 0x00, 0x02 };
static const uint8_t mac_b[6] = { 0x02, 0x4e, 0x54, 0x00, 0x00, 0x03 };
static const uint8_t mac_c[6] = { 0x02, 0x4e, 0x54, 0x00, 0x00, 0x04 };

static uint32_t ip(const char *s)
{
        struct ip4_net n;
        CHECK_INT(ip4_net_parse(s, &n), 0);
        return n.addr;
}

static bool lo_up(void)
{
        struct ifreq ifr;
        int s = socket(AF_INET, SOCK_DGRAM, 0);
        if (s < 0)
                return false;
        memset(&ifr, 0, sizeof(ifr));
        snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
        bool ok = ioctl(s, SIOCGIFFLAGS, &ifr) == 0;
        ifr.ifr_flags |= IFF_UP;
        ok = ok && ioctl(s, SIOCSIFFLAGS, &ifr) == 0;
        close(s);
        return ok;
}

/* One's-complement sum of 16-bit words (RFC 1071). */
static uint32_t sum16(const uint8_t *p, size_t n, uint32_t acc)
{
        for (size_t i = 0; i + 1 < n; i += 2)
                acc += (uint32_t)(p[i] << 8 | p[i + 1]);
        if (n & 1)
                acc += (uint32_t)p[n - 1] << 8;
        return acc;
}

static uint16_t fold(uint32_t acc)
{
        while (acc >> 16)
                acc = (acc & 0xffff) + (acc >> 16);
        return (uint16_t)acc;
}

/* Both checksums of an Ethernet + IPv4 (20) + TCP frame verify. */
static bool sums_ok(const uint8_t *f, size_t n)
{
        if (n < 54)
                return false;
        if (fold(sum16(f + 14, 20, 0)) != 0xffff)
                return false;
        size_t tl = n - 34;
        uint32_t acc = sum16(f + 26, 8, 0) + 6 + (uint32_t)tl;     /* pseudo-header */
        return fold(sum16(f + 34, tl, acc)) == 0xffff;
}

static const struct tcp_syn ref_syn = {
        .src_mac = { 0x02, 0x4e, 0x54, 0x00, 0x00, 0x01 },
        .dst_mac = { 0x02, 0x4e, 0x54, 0x00, 0x00, 0x02 },
        .src_ip = 0xc6122801, .dst_ip = 0xc6122802,    /* 198.18.40.1 -> .2 */
        .sport = 45678, .dport = 22,
        .isn = 0x01020304, .tsval = 0x0a0b0c0d, .ip_id = 0x1234,
};

static void test_frame(const struct prober_env *env)
{
        struct t_frames fr;
        uint8_t buf[128], buf2[128];
        char why[256] = "";
        void *p = NULL, *q = NULL;

        if (!CHECK_INT(probe_tcp_ops.open(env, &p, why, sizeof(why)), 0)) {
                fprintf(stderr, "open: %s\n", why);
                return;
        }
        if (CHECK_INT(t_load_pcap(t_capture("tcp-syn-ref.pcap"), &fr), 0)) {
                int n = probe_tcp_frame(p, &ref_syn, buf, sizeof(buf));
                CHECK_INT(n, 74);
                CHECK(fr.n == 1 && fr.f[0].len == 74);
                if (n == 74 && fr.n == 1 && fr.f[0].len == 74 &&
                    !CHECK(memcmp(buf, fr.f[0].data, 74) == 0))
                        for (int i = 0; i < 74; i++)
                                if (buf[i] != fr.f[0].data[i])
                                        fprintf(stderr, "  byte %d: %02x, want %02x\n", i, buf[i],
                                                fr.f[0].data[i]);
                CHECK(sums_ok(buf, 74));
                t_frames_free(&fr);
        }

        /* The blocks are updated in place: a second SYN on the same handle
         * is the frame a fresh handle builds for it. */
        struct tcp_syn s2 = ref_syn;
        s2.dport = 9100, s2.dst_ip = ip("198.18.40.77"), s2.isn = 0xfffffffe, s2.tsval = 1;
        s2.ip_id = 0xffff, s2.sport = 61000;
        memcpy(s2.dst_mac, mac_b, 6);
        int n = probe_tcp_frame(p, &s2, buf, sizeof(buf));
        CHECK_INT(n, 74);
        CHECK(sums_ok(buf, 74));
        if (CHECK_INT(probe_tcp_ops.open(env, &q, why, sizeof(why)), 0)) {
                CHECK_INT(probe_tcp_frame(q, &s2, buf2, sizeof(buf2)), 74);
                CHECK(memcmp(buf, buf2, 74) == 0);
                probe_tcp_ops.free(q);
        }
        CHECK_INT(buf[34] << 8 | buf[35], 61000);
        CHECK_INT(buf[36] << 8 | buf[37], 9100);
        CHECK(memcmp(buf, mac_b, 6) == 0);
        CHECK(buf[33] == 77);

        /* Too small a buffer is refused, not overrun. */
        CHECK_INT(probe_tcp_frame(p, &ref_syn, buf, 73), -ENOSPC);
        probe_tcp_ops.free(p);
}

/* What the probe put on "lo": (last address byte, port) per SYN, in order. */
struct sent {
        uint8_t host[32];
        uint16_t port[32];
        uint64_t at[32];
        size_t n;
};

static void drain(int fd, struct sent *s, uint64_t now, uint16_t sport_want[1])
{
        uint8_t f[256];
        struct sockaddr_ll from;
        socklen_t fl = sizeof(from);
        ssize_t n;
        while ((n = recvfrom(fd, f, sizeof(f), MSG_DONTWAIT, (struct sockaddr *)&from, &fl)) > 0) {
                fl = sizeof(from);
                if (from.sll_pkttype != PACKET_OUTGOING || n != 74 || f[23] != 6)
                        continue;
                CHECK(sums_ok(f, 74));
                CHECK(memcmp(f + 6, our_mac, 6) == 0);
                CHECK_INT(f[47], 0x02);                 /* SYN only */
                CHECK_INT(f[22], 64);                   /* TTL */
                uint16_t sport = (uint16_t)(f[34] << 8 | f[35]);
                if (!sport_want[0])
                        sport_want[0] = sport;
                CHECK_INT(sport, sport_want[0]);        /* one source port per scan */
                CHECK(f[26] == 198 && f[27] == 18 && f[28] == 40 && f[29] == 1);
                if (s->n < 32) {
                        s->host[s->n] = f[33];
                        s->port[s->n] = (uint16_t)(f[36] << 8 | f[37]);
                        s->at[s->n] = now;
                        s->n++;
                }
        }
}

static void emit_nothing(void *user, const struct obs_sink *s, uint64_t ts)
{
        (void)user, (void)s, (void)ts;
}

static void answer(struct prober *pr, const uint8_t mac[6], const char *key, const char *port)
{
        static struct obs_sink s;
        obs_sink_reset(&s);
        obs_attr_str(&s, mac, PROTO_TCP, key, port);
        obs_attr_str(&s, mac, PROTO_TCP, "ip.ttl", "64");       /* not for the probe */
        prober_seen(pr, &s, 0);
}

static void test_engine(struct prober_env *env)
{
        bool enabled[PROBER_N] = { [PROBER_TCP] = true };
        struct prober *pr = NULL;
        struct sent s = { .n = 0 };
        char why[256] = "";
        uint16_t sport = 0;
        uint64_t now = 1000000, wake = 0;

        int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
        struct sockaddr_ll at = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
                                  .sll_ifindex = env->ifindex };
        if (!CHECK(fd >= 0) || !CHECK(bind(fd, (struct sockaddr *)&at, sizeof(at)) == 0))
                return;
        if (!CHECK_INT(prober_open(env, enabled, &pr, why, sizeof(why)), 0)) {
                fprintf(stderr, "prober_open: %s\n", why);
                close(fd);
                return;
        }
        prober_start(pr, now);
        prober_host(pr, ip("198.18.40.2"), mac_a, now);
        prober_host(pr, ip("198.18.40.3"), mac_b, now);
        prober_host(pr, ip("198.18.40.3"), mac_b, now);         /* twice: once is enough */
        prober_host(pr, ip("198.19.0.1"), mac_b, now);          /* not in the plan */
        prober_host(pr, ip("198.18.40.1"), our_mac, now);       /* ourselves: not in the plan */

        /* Before the sweep is over host probes get no tokens. */
        CHECK_INT(prober_run(pr, now, &wake), 0);
        CHECK(wake == UINT64_MAX);
        drain(fd, &s, now, &sport);
        CHECK_INT(s.n, 0);

        prober_hosts_done(pr, now);
        bool answered = false;
        int steps = 0;
        while (steps++ < 1000) {
                int r = prober_run(pr, now, &wake);
                usleep(2000);           /* let "lo" hand the frames over */
                drain(fd, &s, now, &sport);
                if (r == 1)
                        break;
                /* After the first pass: a SYN-ACK from a on 22, a RST+ACK
                 * from b on 80 (and something about a port not asked). */
                if (s.n == 6 && !answered) {
                        answer(pr, mac_a, "tcp.open", "22");
                        answer(pr, mac_b, "tcp.closed", "80");
                        answer(pr, mac_b, "tcp.open", "443");
                        answer(pr, mac_a, "tcp.open", "x");
                        /* A host found passively after the sweep: asked in
                         * the next passes. */
                        prober_host(pr, ip("198.18.40.4"), mac_c, now);
                        answered = true;
                }
                if (!CHECK(wake != UINT64_MAX && wake >= now))
                        break;
                now = wake;
        }
        /* Port-major; then the retry pass without the answered pairs, with
         * the late host's first SYNs; then the late host's retries. */
        static const uint8_t want_host[] = { 2, 3, 2, 3, 2, 3,
                                             3, 4, 2, 4, 2, 3, 4,
                                             4, 4, 4 };
        static const uint16_t want_port[] = { 22, 22, 80, 80, 9100, 9100,
                                              22, 22, 80, 80, 9100, 9100, 9100,
                                              22, 80, 9100 };
        CHECK_INT(s.n, 16);
        for (size_t i = 0; i < s.n && i < 16; i++) {
                if (!CHECK_INT(s.host[i], want_host[i]) || !CHECK_INT(s.port[i], want_port[i]))
                        fprintf(stderr, "  SYN %zu\n", i);
        }
        if (s.n == 16) {
                CHECK(s.at[6] >= s.at[5] + 50000);      /* the retry waited --timeout */
                CHECK(s.at[13] >= s.at[12] + 50000);
                CHECK(now >= s.at[15] + 50000);         /* and so did the end */
                CHECK(s.at[1] - s.at[0] <= 1000);       /* --rate 1000/s */
                CHECK(s.at[5] - s.at[0] >= 5000);
        }
        CHECK(sport >= 32768);
        CHECK_INT(probe_tcp_ops.max_packets(env->opts, 3), 18);
        prober_free(pr);

        /* Every pair answered: finished at once, no waiting out. */
        s.n = 0;
        sport = 0;
        CHECK_INT(prober_open(env, enabled, &pr, why, sizeof(why)), 0);
        prober_start(pr, now);
        prober_host(pr, ip("198.18.40.2"), mac_a, now);
        prober_hosts_done(pr, now);
        answer(pr, mac_a, "tcp.open", "22");
        answer(pr, mac_a, "tcp.open", "80");
        answer(pr, mac_a, "tcp.closed", "9100");
        CHECK_INT(prober_run(pr, now, &wake), 1);
        drain(fd, &s, now, &sport);
        CHECK_INT(s.n, 0);
        prober_free(pr);

        /* No host at all: finished without a packet. */
        CHECK_INT(prober_open(env, enabled, &pr, why, sizeof(why)), 0);
        prober_start(pr, now);
        prober_hosts_done(pr, now);
        CHECK_INT(prober_run(pr, now, &wake), 1);
        prober_free(pr);
        close(fd);
}

int main(void)
{
        if (geteuid() != 0) {
                fprintf(stderr, "test-probe-tcp: needs root (a packet socket, a namespace)\n");
                return T_SKIP;
        }
        if (unshare(CLONE_NEWNET) != 0 || !lo_up()) {
                fprintf(stderr, "test-probe-tcp: no network namespace of its own: %s\n",
                        strerror(errno));
                return T_SKIP;
        }
        struct probe_iface ifc = { .name = "lo", .has_mac = true, .n_nets = 1 };
        memcpy(ifc.mac, our_mac, 6);
        CHECK_INT(ip4_net_parse("198.18.40.1/24", &ifc.nets[0]), 0);
        struct probe_plan plan;
        char why[128];
        CHECK_INT(probe_plan_build(&ifc, NULL, 0, NULL, 0, false, &plan, why, sizeof(why)), 0);
        struct prober_opts opts = { .rate_pps = 1000, .retries = 1, .timeout_ms = 50,
                                    .ports = { 22, 80, 9100 }, .n_ports = 3 };
        struct prober_env env = { .ifc = &ifc, .ifindex = (int)if_nametoindex("lo"),
                                  .plan = &plan, .opts = &opts, .emit = emit_nothing };
        test_frame(&env);
        test_engine(&env);
        probe_plan_done(&plan);
        return t_done();
}
