/* test-probe-nbns.c - the nbns probe in a private network namespace: which
 * hosts get a node status request (only those of the plan, once each), when
 * (only after the sweep, then retries for hosts that did not answer,
 * --timeout apart), what marks a host answered (an NBNS observation of its
 * address, or of its MAC), and the end.
 *
 * A host whose port 137 is closed says so with an ICMP port unreachable,
 * which the probe reads from its socket's error queue: no retry for it.
 *
 * The requests are read back on 127.0.0.x:137 inside the namespace and must
 * be byte for byte what nbns_node_status_request() builds (that builder is
 * checked against nmblookup's request in banner-nbns-nmbd.pcap by
 * test-nbns.c); only the transaction ID varies.
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "netinv/banner.h"
#include "netinv/prober.h"
#include "mcast-util.h"
#include "testlib.h"

#define H2 0x7f000002u
#define H3 0x7f000003u
#define H4 0x7f000004u
#define OUTSIDE 0x7f000009u

static int got[8];              /* requests per 127.0.0.x */

static void drain(int rx)
{
        uint8_t buf[512], want[64];
        ssize_t len;
        usleep(10000);
        ssize_t wl = nbns_node_status_request(want, sizeof(want), 0);
        for (;;) {
                struct sockaddr_in from;
                char cbuf[256];
                struct iovec iov = { buf, sizeof(buf) };
                struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from),
                                     .msg_iov = &iov, .msg_iovlen = 1,
                                     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
                len = recvmsg(rx, &mh, MSG_DONTWAIT);
                if (len < 0)
                        break;
                CHECK_INT(len, wl);
                CHECK(len == wl && memcmp(buf + 2, want + 2, (size_t)wl - 2) == 0);
                uint32_t dst = 0;
                for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
                        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
                                struct in_pktinfo pi;
                                memcpy(&pi, CMSG_DATA(c), sizeof(pi));
                                dst = ntohl(pi.ipi_addr.s_addr);
                        }
                CHECK((dst >> 8) == 0x7f0000 && (dst & 255) < 8);
                if ((dst >> 8) == 0x7f0000 && (dst & 255) < 8)
                        got[dst & 255]++;
        }
}

static void answer(struct prober *pr, uint32_t ip, const uint8_t mac[6], uint64_t now)
{
        static struct obs_sink s;
        uint8_t a[4] = { ip >> 24, ip >> 16, ip >> 8, ip };
        obs_sink_reset(&s);
        obs_attr_str(&s, mac, PROTO_NBNS, "nbns.name", "HOST");
        obs_ipv4(&s, mac, PROTO_NBNS, a);
        prober_seen(pr, &s, now);
}

/* Run the engine, moving the clock to each wake-up, until it waits for
 * something after `until` (0) or finishes (1). */
static int drive(struct prober *pr, uint64_t *now, uint64_t until)
{
        for (int i = 0; i < 1000; i++) {
                uint64_t wake = UINT64_MAX;
                if (prober_run(pr, *now, &wake))
                        return 1;
                if (wake > until)
                        return 0;
                if (wake > *now)
                        *now = wake;
        }
        CHECK(!"drive: no end");
        return -1;
}

/* Requests to UDP port 137 per 127.0.0.x that went through lo. */
static void count_sent(int pk, int per[8])
{
        uint8_t b[256];
        struct sockaddr_ll from;
        socklen_t fl = sizeof(from);
        ssize_t len;
        while ((len = recvfrom(pk, b, sizeof(b), MSG_DONTWAIT, (struct sockaddr *)&from, &fl)) > 0) {
                fl = sizeof(from);
                /* each once, as lo delivers it (PACKET_HOST) */
                if (from.sll_pkttype == PACKET_OUTGOING || len < 14 + 20 + 8 || b[14 + 9] != 17)
                        continue;
                size_t ihl = (size_t)(b[14] & 15) * 4;
                if ((size_t)len < 14 + ihl + 8 || b[14 + ihl + 2] != 0 || b[14 + ihl + 3] != 137)
                        continue;
                if (b[30] == 127 && b[31] == 0 && b[32] == 0 && b[33] < 8)
                        per[b[33]]++;
        }
}

/* H2 has no NBNS (port unreachable), H3 has. */
static void test_closed(struct mc_env *e)
{
        static const uint8_t m2[6] = { 0x02, 0, 0, 0, 0, 2 }, m3[6] = { 0x02, 0, 0, 0, 0, 3 };
        int per[8] = { 0 };
        int pk = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IP));
        CHECK(pk >= 0);
        int rx = socket(AF_INET, SOCK_DGRAM, 0);
        struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(137),
                                   .sin_addr.s_addr = htonl(H3) };
        CHECK(bind(rx, (struct sockaddr *)&sin, sizeof(sin)) == 0);

        bool en[PROBER_N] = { [PROBER_NBNS] = true };
        struct prober *pr = NULL;
        char why[256] = "";
        CHECK_INT(prober_open(&e->env, en, &pr, why, sizeof(why)), 0);
        if (!pr)
                return;
        uint64_t now = MC_T0;
        prober_start(pr, now);
        prober_host(pr, H2, m2, now);
        prober_host(pr, H3, m3, now);
        prober_hosts_done(pr, now);
        CHECK_INT(drive(pr, &now, MC_T0 + 10 * MC_MS), 0);
        usleep(20000);
        struct pollfd fds[4];
        size_t n = prober_pollfds(pr, fds, 4);
        CHECK_INT(n, 1);
        CHECK_INT(poll(fds, n, 100), 1);
        CHECK(fds[0].revents & POLLERR);
        prober_ready(pr, fds, n, now);
        CHECK_INT(poll(fds, n, 0), 0);          /* the error is cleared */
        CHECK_INT(drive(pr, &now, UINT64_MAX), 1);
        usleep(10000);
        count_sent(pk, per);
        CHECK_INT(per[2], 1);                   /* closed: never again */
        CHECK_INT(per[3], 3);                   /* open but silent (no nmbd): 1 + 2 retries */
        prober_free(pr);
        close(rx);
        close(pk);
}

static void test_probe(void)
{
        static const uint8_t m2[6] = { 0x02, 0, 0, 0, 0, 2 }, m3[6] = { 0x02, 0, 0, 0, 0, 3 },
                             m4[6] = { 0x02, 0, 0, 0, 0, 4 };
        struct mc_env e;
        mc_env_init(&e);
        e.targets[0].ip = H2;
        e.targets[1].ip = H3;
        e.targets[2].ip = H4;
        e.plan.n_targets = 3;
        e.opts.retries = 2;

        int rx = socket(AF_INET, SOCK_DGRAM, 0), one = 1;
        struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(137) };
        CHECK(bind(rx, (struct sockaddr *)&sin, sizeof(sin)) == 0);
        setsockopt(rx, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));

        bool en[PROBER_N] = { [PROBER_NBNS] = true };
        struct prober *pr = NULL;
        char why[256] = "";
        CHECK_INT(prober_open(&e.env, en, &pr, why, sizeof(why)), 0);
        if (!pr)
                return;
        uint64_t now = MC_T0, wake;
        prober_start(pr, now);
        prober_host(pr, H2, m2, now);
        prober_host(pr, H3, m3, now);
        prober_host(pr, H2, m2, now);           /* again: asked once */
        prober_host(pr, OUTSIDE, m4, now);      /* not in the plan: never */
        /* The sweep is still on: no token for a host probe. */
        CHECK_INT(prober_run(pr, now, &wake), 0);
        CHECK(wake == UINT64_MAX);
        drain(rx);
        CHECK(got[2] == 0 && got[3] == 0);

        now += 50 * MC_MS;
        prober_hosts_done(pr, now);
        /* One token a millisecond (--rate 1000): H2 at 50 ms, H3 at 51 ms. */
        CHECK_INT(drive(pr, &now, MC_T0 + 100 * MC_MS), 0);
        drain(rx);
        CHECK(got[2] == 1 && got[3] == 1);
        CHECK_INT(now, MC_T0 + 51 * MC_MS);

        /* At 100 ms H2 answers, and a host found afterwards (passively) is
         * asked too. */
        now = MC_T0 + 100 * MC_MS;
        answer(pr, H2, m2, now);
        prober_host(pr, H4, m4, now);
        CHECK_INT(drive(pr, &now, MC_T0 + 260 * MC_MS), 0);
        drain(rx);
        CHECK_INT(got[2], 1);           /* answered: no retry at 250 ms */
        CHECK_INT(got[3], 2);           /* the first retry, at 251 ms */
        CHECK_INT(got[4], 1);

        /* H3's MAC answers from an address we did not ask: H3 is answered
         * too. H4 gets its two retries; 200 ms after the last, the end. */
        now = MC_T0 + 260 * MC_MS;
        answer(pr, OUTSIDE, m3, now);
        CHECK_INT(drive(pr, &now, UINT64_MAX), 1);
        drain(rx);
        CHECK_INT(got[2], 1);
        CHECK_INT(got[3], 2);
        CHECK_INT(got[4], 3);
        CHECK_INT(now, MC_T0 + 700 * MC_MS);
        prober_free(pr);

        /* Nobody answers: 1 + retries each, then the last wait, then done. */
        memset(got, 0, sizeof(got));
        CHECK_INT(prober_open(&e.env, en, &pr, why, sizeof(why)), 0);
        if (!pr)
                return;
        now = MC_T0;
        prober_start(pr, now);
        prober_host(pr, H2, m2, now);
        prober_host(pr, H3, m3, now);
        prober_hosts_done(pr, now);
        CHECK_INT(drive(pr, &now, UINT64_MAX), 1);
        drain(rx);
        CHECK_INT(got[2], 3);
        CHECK_INT(got[3], 3);
        CHECK_INT(now, MC_T0 + 3 * 200 * MC_MS + 1 * MC_MS);   /* H3 went 1 ms after H2 */
        prober_free(pr);
        close(rx);

        test_closed(&e);

        struct prober_opts o = { .retries = 1 };
        CHECK_INT(probe_nbns_ops.max_packets(&o, 254), 508);
}

int main(void)
{
        if (!mc_private_net()) {
                fprintf(stderr, "no private network namespace (needs root): skipped\n");
                return T_SKIP;
        }
        test_probe();
        return t_done();
}
