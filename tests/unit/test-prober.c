/* test-prober.c - the probe engine's shared parts (src/probe/engine.c): the
 * rate budget on an injected clock (the whole --rate, host probes only after
 * the sweep, a bounded catch-up burst), the port-list parser, the fragile
 * ports that never get a payload, and the plan check every unicast probe
 * makes. The probes themselves have their own tests.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netinv/prober.h"
#include "testlib.h"

#define T0 5000000000ull        /* µs, arbitrary */

static struct prober *open_none(const struct probe_plan *plan, struct prober_opts *po)
{
        static struct probe_iface ifc;
        bool on[PROBER_N] = { false };
        struct prober_env env = { .ifc = &ifc, .plan = plan, .opts = po };
        struct prober *pr = NULL;
        char why[256];
        CHECK_INT(prober_open(&env, on, &pr, why, sizeof(why)), 0);
        return pr;
}

static void test_budget(void)
{
        struct prober_opts po = { .rate_pps = 1000 };
        struct prober *pr = open_none(NULL, &po);
        if (!pr)
                return;
        struct prober_budget *b = prober_get_budget(pr);
        uint64_t when = 0;
        prober_start(pr, T0);
        /* Host probes wait for the sweep. */
        CHECK_INT(prober_take(b, true, T0, &when), 0);
        CHECK(when == UINT64_MAX);
        /* Multicast probes: one token per 1 ms at 1000/s. */
        CHECK_INT(prober_take(b, false, T0, &when), 1);
        CHECK_INT(prober_take(b, false, T0, &when), 0);
        CHECK(when == T0 + 1000);
        CHECK_INT(prober_take(b, false, T0 + 1000, &when), 1);
        /* Over one simulated second, polled every 100 µs: about 1000. */
        prober_hosts_done(pr, T0 + 10000);
        int n = 0;
        for (uint64_t t = T0 + 10000; t < T0 + 1010000; t += 100)
                while (prober_take(b, true, t, &when) == 1)
                        n++;
        CHECK(n >= 999 && n <= 1001);
        /* A loop that wakes late catches up by at most 1 + rate/500 tokens. */
        n = 0;
        while (prober_take(b, true, T0 + 5000000, &when) == 1)
                n++;
        CHECK(n >= 1 && n <= 2 + (int)(1000 / PROBE_BURST_DIV));
        CHECK(prober_run(pr, T0, &when) == 1);          /* no probe: finished */
        prober_free(pr);
}

static void test_ports(void)
{
        uint16_t p[PROBER_PORTS_MAX];
        size_t n = 0;
        CHECK_INT(prober_parse_ports("22,80,8000-8002,80", p, PROBER_PORTS_MAX, &n), 0);
        CHECK_INT(n, 5);
        CHECK_INT(p[0], 22);
        CHECK_INT(p[4], 8002);
        CHECK_INT(prober_parse_ports(PROBER_PORTS_DEFAULT, p, PROBER_PORTS_MAX, &n), 0);
        CHECK_INT(n, 13);
        static const char *const bad[] = { "", "0", "65536", "1-", "5-3", "22,,80", "x", "22,", "-5",
                                           "1-65535" /* more than the cap */, "80 443" };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                n = 99;
                CHECK_INT(prober_parse_ports(bad[i], p, PROBER_PORTS_MAX, &n), -EINVAL);
                CHECK_INT(n, 99);       /* untouched on error */
        }
        CHECK_INT(prober_parse_ports("65535", p, 1, &n), 0);
        CHECK_INT(p[0], 65535);
}

static void test_fragile(void)
{
        struct prober_opts po = { 0 };
        static const uint16_t never[] = { 9100, 9101, 9107, 515, 102, 502, 2404, 20000, 44818, 47808 };
        static const uint16_t fine[] = { 22, 80, 443, 445, 3389, 9099, 9108, 631, 5000 };
        for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
                CHECK(!prober_payload_ok(&po, never[i]));
        for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++)
                CHECK(prober_payload_ok(&po, fine[i]));
        po.payload_ports[0] = 9100;
        po.n_payload_ports = 1;
        CHECK(prober_payload_ok(&po, 9100));
        CHECK(!prober_payload_ok(&po, 9101));
}

static void test_plan(void)
{
        struct probe_iface ifc = { .name = "lan0", .has_mac = true, .n_nets = 1 };
        struct ip4_net excl;
        struct probe_plan plan = { 0 };
        char why[256];
        CHECK_INT(ip4_net_parse("198.18.0.1/24", &ifc.nets[0]), 0);
        CHECK_INT(ip4_net_parse("198.18.0.128/25", &excl), 0);
        CHECK_INT(probe_plan_build(&ifc, NULL, 0, &excl, 1, false, &plan, why, sizeof(why)), 0);
        struct prober_opts po = { .rate_pps = 100 };
        struct prober *pr = open_none(&plan, &po);
        struct prober_env env = { .plan = &plan };
        CHECK(prober_may_probe(&env, 0xc6120002u));     /* 198.18.0.2 */
        CHECK(!prober_may_probe(&env, 0xc6120001u));    /* our own */
        CHECK(!prober_may_probe(&env, 0xc6120081u));    /* excluded */
        CHECK(!prober_may_probe(&env, 0xc6120102u));    /* another subnet */
        CHECK(!prober_may_probe(&env, 0x08080808u));
        env.plan = NULL;
        CHECK(!prober_may_probe(&env, 0xc6120002u));    /* no plan: nothing */
        /* Announcing hosts outside the plan, or twice, is harmless. */
        static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
        if (pr) {
                prober_host(pr, 0x08080808u, mac, T0);
                prober_host(pr, 0xc6120002u, mac, T0);
                prober_host(pr, 0xc6120002u, mac, T0);
                prober_free(pr);
        }
        probe_plan_done(&plan);
}

int main(void)
{
        test_budget();
        test_ports();
        test_fragile();
        test_plan();
        return t_done();
}
