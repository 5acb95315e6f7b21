/* test-probe-arp.c - the ARP sweep: the frames libnet builds, byte for
 * byte against the RFC 826 / RFC 5227 layout, and how answers become
 * arp.alive / arp.proxy (one device per MAC, proxies flagged).
 *
 * Opening the sweep opens a packet socket (libnet), which needs root or
 * CAP_NET_RAW: without it the test is skipped. It is opened on "lo" and
 * arp_sweep_run() is never called, so nothing is sent.
 */
#include <string.h>
#include <unistd.h>

#include "netinv/inventory.h"
#include "netinv/probe.h"
#include "netinv/util.h"
#include "testlib.h"

static const uint8_t sha[6] = { 0x02, 0x4e, 0x4c, 0x00, 0x00, 0x01 };

/* RFC 826 request, written out field by field (the reference). */
static const uint8_t want_request[42] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff,     /* Ethernet destination: broadcast */
        0x02, 0x4e, 0x4c, 0x00, 0x00, 0x01,     /* source: our MAC */
        0x08, 0x06,                             /* ethertype ARP */
        0x00, 0x01,                             /* ar$hrd: Ethernet (1) */
        0x08, 0x00,                             /* ar$pro: IPv4 */
        0x06, 0x04,                             /* ar$hln 6, ar$pln 4 */
        0x00, 0x01,                             /* ar$op: request */
        0x02, 0x4e, 0x4c, 0x00, 0x00, 0x01,     /* ar$sha */
        198, 18, 0, 1,                          /* ar$spa */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00,     /* ar$tha: unknown */
        198, 18, 0, 77,                         /* ar$tpa */
};

static uint32_t ip(const char *s)
{
        struct ip4_net n;
        CHECK_INT(ip4_net_parse(s, &n), 0);
        return n.addr;
}

static void test_frames(struct arp_sweep *s)
{
        uint8_t buf[64];
        int n = arp_sweep_frame(s, sha, ip("198.18.0.1"), ip("198.18.0.77"), buf, sizeof(buf));
        CHECK_INT(n, 42);
        CHECK(n == 42 && memcmp(buf, want_request, 42) == 0);

        /* The ARP block is updated in place: the next target changes only
         * ar$tpa. */
        n = arp_sweep_frame(s, sha, ip("198.18.0.1"), ip("198.18.3.4"), buf, sizeof(buf));
        CHECK_INT(n, 42);
        uint8_t want[42];
        memcpy(want, want_request, 42);
        want[38] = 198, want[39] = 18, want[40] = 3, want[41] = 4;
        CHECK(n == 42 && memcmp(buf, want, 42) == 0);

        /* RFC 5227 §2.1.1 probe form (outside our subnets): spa 0.0.0.0. */
        n = arp_sweep_frame(s, sha, 0, ip("198.19.0.9"), buf, sizeof(buf));
        memcpy(want, want_request, 42);
        memset(want + 28, 0, 4);
        want[38] = 198, want[39] = 19, want[40] = 0, want[41] = 9;
        CHECK(n == 42 && memcmp(buf, want, 42) == 0);

        /* Too small a buffer is refused, not overrun. */
        CHECK(arp_sweep_frame(s, sha, 0, ip("198.19.0.9"), buf, 41) < 0);
}

static const struct dev_obs *find_obs(const struct device *d, const char *key, const char *val)
{
        for (size_t i = 0; i < d->n_obs; i++)
                if (strcmp(d->obs[i].key, key) == 0 && (!val || strcmp(d->obs[i].value, val) == 0))
                        return &d->obs[i];
        return NULL;
}

static size_t count_obs(const struct device *d, const char *key)
{
        size_t n = 0;
        for (size_t i = 0; i < d->n_obs; i++)
                n += strcmp(d->obs[i].key, key) == 0;
        return n;
}

static void test_answers(struct arp_sweep *s)
{
        struct probe_iface ifc = { .name = "lan0", .has_mac = true, .n_nets = 1 };
        struct probe_plan plan;
        char why[128];
        struct pacer_cfg cfg = { .rate_pps = 1000, .retries = 1, .timeout_us = 1000 };
        struct arp_sweep_stats st;
        uint8_t host_a[6] = { 0x02, 0, 0, 0, 0, 0x0a }, host_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };
        uint8_t proxy[6] = { 0x02, 0, 0, 0, 0, 0xee };
        uint8_t a[4];

        CHECK_INT(ip4_net_parse("198.18.0.1/24", &ifc.nets[0]), 0);
        CHECK_INT(probe_plan_build(&ifc, NULL, 0, NULL, 0, false, &plan, why, sizeof(why)), 0);
        CHECK_INT(arp_sweep_start(s, sha, &plan, &cfg, 1000), 0);
        struct inventory *inv = inventory_new(100);

        /* Two hosts answer for their own address (b twice); a proxy answers
         * for 20 addresses, one of them also claimed by host a. */
        memcpy(a, (uint8_t[]){ 198, 18, 0, 10 }, 4);
        arp_sweep_seen(s, host_a, a, 5000);
        memcpy(a, (uint8_t[]){ 198, 18, 0, 11 }, 4);
        arp_sweep_seen(s, host_b, a, 5000);
        arp_sweep_seen(s, host_b, a, 6000);
        for (int k = 100; k < 120; k++) {
                memcpy(a, (uint8_t[]){ 198, 18, 0, (uint8_t)k }, 4);
                arp_sweep_seen(s, proxy, a, 7000);
        }
        memcpy(a, (uint8_t[]){ 198, 18, 0, 100 }, 4);
        arp_sweep_seen(s, host_a, a, 8000);
        /* An address outside the plan (not asked, or another subnet) is
         * welcome but changes nothing in the sweep. */
        memcpy(a, (uint8_t[]){ 198, 19, 0, 1 }, 4);
        arp_sweep_seen(s, host_a, a, 9000);

        CHECK_INT(arp_sweep_results(s, inv, &st), 0);
        CHECK_INT(st.targets, 253);
        CHECK_INT(st.answered, 22);     /* .10, .11, .100-.119 */
        CHECK_INT(st.alive, 3);         /* .10, .11, and .100 (host a's own answer) */
        CHECK_INT(st.proxies, 1);
        CHECK_INT(st.sent, 0);
        CHECK_INT(inventory_count(inv), 3);     /* the proxy is one device */

        struct device *d = inventory_find(inv, proxy);
        CHECK(d != NULL);
        if (d) {
                CHECK(find_obs(d, "arp.proxy", "20") != NULL);
                CHECK_INT(count_obs(d, "arp.alive"), 0);
        }
        d = inventory_find(inv, host_a);
        CHECK(d != NULL);
        if (d) {
                CHECK(find_obs(d, "arp.alive", "198.18.0.10") != NULL);
                CHECK(find_obs(d, "arp.alive", "198.18.0.100") != NULL);
                CHECK(find_obs(d, "arp.alive", "198.19.0.1") == NULL);
                CHECK(find_obs(d, "arp.proxy", NULL) == NULL);
        }
        d = inventory_find(inv, host_b);
        CHECK(d != NULL);
        if (d) {
                const struct dev_obs *o = find_obs(d, "arp.alive", "198.18.0.11");
                CHECK(o != NULL);
                if (o)
                        CHECK_INT(o->first_seen, 5000);
        }
        inventory_free(inv);
        probe_plan_done(&plan);
}

int main(void)
{
        struct arp_sweep *s = NULL;
        char why[256];
        int r = arp_sweep_open("lo", &s, why, sizeof(why));
        if (r < 0) {
                fprintf(stderr, "skipped: cannot open a packet socket (%s); needs root or CAP_NET_RAW\n",
                        why);
                return geteuid() == 0 ? 1 : T_SKIP;
        }
        test_frames(s);
        test_answers(s);
        arp_sweep_free(s);
        return t_done();
}
