/* test-pacer.c - the pacer (rate, retries, early finish, ENOBUFS back-off,
 * deadline) on an injected clock, and the scan plan's safety rules.
 *
 * The simulation steps a fake clock; "the loop" calls pacer_next() and
 * sends whatever it is told, as the scan loop does. No sleeping.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netinv/probe.h"
#include "testlib.h"

#define T0 1000000000ull        /* an arbitrary start, µs */

struct sim {
        uint64_t *send_ts;      /* every send, in order */
        uint32_t *send_target;
        size_t n_sends, cap;
        uint64_t finished_at;
};

/* Run p from T0 with a loop that wakes every `tick` µs or at the pacer's
 * wake time, whichever is first. answer(t, now) says whether target t has
 * answered by `now` (after its first send). Stops at FINISHED. */
static void simulate(struct pacer *p, struct sim *s, uint64_t tick,
                     bool (*answers)(uint32_t t), uint64_t answer_delay, int enobufs_every)
{
        uint64_t now = T0;
        uint64_t *pending_at = calloc(p->n ? p->n : 1, sizeof(*pending_at));
        size_t attempts = 0, npending = 0;
        memset(s, 0, sizeof(*s));
        s->cap = 1024;
        s->send_ts = malloc(s->cap * sizeof(*s->send_ts));
        s->send_target = malloc(s->cap * sizeof(*s->send_target));
        for (int guard = 0; guard < 10000000; guard++) {
                /* Deliver answers that arrived by now. */
                for (uint32_t t = 0; npending && t < p->n; t++)
                        if (pending_at[t] && pending_at[t] <= now) {
                                pacer_answered(p, t);
                                pending_at[t] = 0;
                                npending--;
                        }
                uint32_t t;
                uint64_t until = 0;
                enum pacer_step st = pacer_next(p, now, &t, &until);
                if (st == PACER_FINISHED) {
                        s->finished_at = now;
                        break;
                }
                if (st == PACER_SEND) {
                        attempts++;
                        if (enobufs_every && attempts % (size_t)enobufs_every == 0) {
                                pacer_blocked(p, now);
                                continue;
                        }
                        if (s->n_sends == s->cap) {
                                s->cap *= 2;
                                s->send_ts = realloc(s->send_ts, s->cap * sizeof(*s->send_ts));
                                s->send_target = realloc(s->send_target,
                                                         s->cap * sizeof(*s->send_target));
                        }
                        s->send_ts[s->n_sends] = now;
                        s->send_target[s->n_sends++] = t;
                        pacer_sent(p, t, now);
                        if (answers && answers(t) && !pending_at[t] && !p->answered[t]) {
                                pending_at[t] = now + answer_delay;
                                npending++;
                        }
                        continue;
                }
                CHECK(until > now);
                uint64_t next = now + tick;
                if (until < next)
                        next = until;
                for (uint32_t k = 0; npending && k < p->n; k++)
                        if (pending_at[k] && pending_at[k] > now && pending_at[k] < next)
                                next = pending_at[k];
                now = next;
        }
        free(pending_at);
}

static void sim_free(struct sim *s)
{
        free(s->send_ts);
        free(s->send_target);
}

/* The most sends in any window of `win` µs. */
static size_t max_in_window(const struct sim *s, uint64_t win)
{
        size_t best = 0, lo = 0;
        for (size_t hi = 0; hi < s->n_sends; hi++) {
                while (s->send_ts[hi] - s->send_ts[lo] >= win)
                        lo++;
                if (hi - lo + 1 > best)
                        best = hi - lo + 1;
        }
        return best;
}

static bool none(uint32_t t) { (void)t; return false; }
static bool all(uint32_t t) { (void)t; return true; }
static bool even(uint32_t t) { return t % 2 == 0; }

static void test_rate(void)
{
        struct pacer p;
        struct sim s;
        struct pacer_cfg cfg = { .rate_pps = 1000, .retries = 0, .timeout_us = 100000 };
        CHECK_INT(pacer_init(&p, 3000, &cfg, T0), 0);
        /* A loop that wakes only every 5 ms (coarse poll) must still not exceed
         * the rate by more than the burst allowance in any second. */
        simulate(&p, &s, 5000, none, 0, 0);
        CHECK_INT(s.n_sends, 3000);
        size_t peak = max_in_window(&s, 1000000);
        CHECK(peak <= 1000 + 1 + 1000 / PROBE_BURST_DIV);
        CHECK(peak >= 990);
        /* 3000 packets at 1000/s: ~3 s, then the last timeout. */
        uint64_t took = s.finished_at - T0;
        CHECK(took >= 2999000 + 100000);
        CHECK(took <= 3000000 + 100000 + 5000);
        CHECK_INT(p.sent, 3000);
        sim_free(&s);
        pacer_done(&p);

        /* A fine-grained loop at 4000/s: never two sends closer than the
         * interval once the start is past. */
        cfg.rate_pps = 4000;
        CHECK_INT(pacer_init(&p, 1000, &cfg, T0), 0);
        simulate(&p, &s, 1, none, 0, 0);
        size_t close_pairs = 0;
        for (size_t i = 1; i < s.n_sends; i++)
                close_pairs += s.send_ts[i] - s.send_ts[i - 1] < 250;
        CHECK_INT(close_pairs, 0);
        CHECK(max_in_window(&s, 100000) <= 401);
        sim_free(&s);
        pacer_done(&p);
}

static void test_retries(void)
{
        struct pacer p;
        struct sim s;
        struct pacer_cfg cfg = { .rate_pps = 10000, .retries = 2, .timeout_us = 200000 };
        CHECK_INT(pacer_init(&p, 100, &cfg, T0), 0);
        /* Even targets answer 1 ms after their first request: only the odd
         * ones are asked again, twice each, each retry a full timeout after
         * the previous request. */
        simulate(&p, &s, 1000, even, 1000, 0);
        CHECK_INT(s.n_sends, 50 + 50 * 3);
        uint64_t last[100] = { 0 };
        int count[100] = { 0 };
        for (size_t i = 0; i < s.n_sends; i++) {
                uint32_t t = s.send_target[i];
                if (count[t])
                        CHECK(s.send_ts[i] - last[t] >= cfg.timeout_us);
                last[t] = s.send_ts[i];
                count[t]++;
        }
        for (int t = 0; t < 100; t++)
                CHECK_INT(count[t], t % 2 ? 3 : 1);
        /* Finished right after the last retry's timeout, not later. */
        uint64_t last_send = s.send_ts[s.n_sends - 1];
        CHECK(s.finished_at >= last_send + cfg.timeout_us);
        CHECK(s.finished_at <= last_send + cfg.timeout_us + 1000);
        CHECK_INT(p.n_answered, 50);
        sim_free(&s);
        pacer_done(&p);
}

static void test_early_finish(void)
{
        struct pacer p;
        struct sim s;
        struct pacer_cfg cfg = { .rate_pps = 4000, .retries = 1, .timeout_us = 300000 };
        CHECK_INT(pacer_init(&p, 254, &cfg, T0), 0);
        /* Everyone answers within 2 ms: the sweep ends 2 ms after the last
         * request, not a timeout later, and nobody is asked twice. */
        simulate(&p, &s, 100, all, 2000, 0);
        CHECK_INT(s.n_sends, 254);
        CHECK(s.finished_at <= s.send_ts[253] + 2000 + 100);
        CHECK(s.finished_at - T0 < 70000);      /* a /24 in ~64 ms at 4000/s */
        sim_free(&s);
        pacer_done(&p);

        /* Nothing to do: finished at once. */
        CHECK_INT(pacer_init(&p, 0, &cfg, T0), 0);
        uint32_t t;
        uint64_t u;
        CHECK_INT(pacer_next(&p, T0, &t, &u), PACER_FINISHED);
        pacer_done(&p);
}

static void test_enobufs(void)
{
        struct pacer p;
        struct sim s;
        struct pacer_cfg cfg = { .rate_pps = 10000, .retries = 0, .timeout_us = 10000 };
        CHECK_INT(pacer_init(&p, 500, &cfg, T0), 0);
        /* Every 7th attempt is refused: every target still goes out exactly
         * once, in order, and the sender waited after each refusal. */
        simulate(&p, &s, 10, none, 0, 7);
        CHECK_INT(s.n_sends, 500);
        for (size_t i = 0; i < s.n_sends; i++)
                CHECK_INT(s.send_target[i], i);
        CHECK(p.blocked >= 70);
        CHECK(s.finished_at - T0 >= 500 * 100 + p.blocked * PROBE_BACKOFF_MIN_US);
        sim_free(&s);
        pacer_done(&p);

        /* Back-off doubles up to its cap, and a send resets it. */
        CHECK_INT(pacer_init(&p, 1, &cfg, T0), 0);
        for (int i = 0; i < 20; i++)
                pacer_blocked(&p, T0);
        CHECK_INT(p.backoff_us, PROBE_BACKOFF_MAX_US);
        uint32_t t;
        uint64_t u;
        CHECK_INT(pacer_next(&p, T0, &t, &u), PACER_WAIT);
        CHECK_INT(u, T0 + PROBE_BACKOFF_MAX_US);
        CHECK_INT(pacer_next(&p, u, &t, &u), PACER_SEND);
        pacer_sent(&p, t, u);
        CHECK_INT(p.backoff_us, 0);
        pacer_done(&p);
}

static void test_deadline(void)
{
        struct pacer p;
        struct pacer_cfg cfg = { .rate_pps = 100, .retries = 1, .timeout_us = 100000 };
        uint32_t t;
        uint64_t u;
        CHECK_INT(pacer_init(&p, 10, &cfg, T0), 0);
        CHECK_INT(pacer_max_packets(10, &cfg), 20);
        CHECK_INT(pacer_max_time_us(10, &cfg), 200000 + 200000);
        /* A sender that is refused forever still ends at the deadline. */
        uint64_t now = T0;
        enum pacer_step st;
        int steps = 0;
        while ((st = pacer_next(&p, now, &t, &u)) != PACER_FINISHED && steps++ < 100000) {
                if (st == PACER_SEND)
                        pacer_blocked(&p, now);
                else
                        now = u;
        }
        CHECK_INT(st, PACER_FINISHED);
        CHECK(now <= T0 + 2 * 400000 + 1000000 + PROBE_BACKOFF_MAX_US);
        CHECK_INT(p.sent, 0);
        pacer_done(&p);
        struct pacer_cfg bad = { .rate_pps = 0 };
        CHECK_INT(pacer_init(&p, 10, &bad, T0), -EINVAL);
}

static uint32_t ip(const char *s)
{
        struct ip4_net n;
        CHECK_INT(ip4_net_parse(s, &n), 0);
        return n.addr;
}

static void test_plan(void)
{
        struct probe_iface ifc = { .name = "lan0", .has_mac = true, .n_nets = 1 };
        struct probe_plan pl;
        struct ip4_net r[2], ex[2];
        char why[256];

        CHECK_INT(ip4_net_parse("198.18.0.1/24", &ifc.nets[0]), 0);
        CHECK_INT(ifc.nets[0].prefix, 24);
        CHECK(ip4_net_parse("198.18.0.1/33", &r[0]) < 0);
        CHECK(ip4_net_parse("198.18.0/24", &r[0]) < 0);
        CHECK(ip4_net_parse("198.18.0.1/", &r[0]) < 0);
        CHECK(ip4_net_parse("/24", &r[0]) < 0);
        CHECK(ip4_net_parse("198.18.0.1/-1", &r[0]) < 0);

        /* The interface's /24: 254 hosts less our own address. */
        CHECK_INT(probe_plan_build(&ifc, NULL, 0, NULL, 0, false, &pl, why, sizeof(why)), 0);
        CHECK_INT(pl.n_targets, 253);
        CHECK_INT(probe_plan_find(&pl, ip("198.18.0.0")), -1);
        CHECK_INT(probe_plan_find(&pl, ip("198.18.0.255")), -1);
        CHECK_INT(probe_plan_find(&pl, ip("198.18.0.1")), -1);
        long i = probe_plan_find(&pl, ip("198.18.0.2"));
        CHECK(i >= 0);
        if (i >= 0)
                CHECK_INT(pl.targets[i].spa, ip("198.18.0.1"));
        probe_plan_done(&pl);

        /* --exclude takes addresses out. */
        CHECK_INT(ip4_net_parse("198.18.0.128/25", &ex[0]), 0);
        CHECK_INT(probe_plan_build(&ifc, NULL, 0, ex, 1, false, &pl, why, sizeof(why)), 0);
        CHECK_INT(pl.n_targets, 126);
        CHECK_INT(probe_plan_find(&pl, ip("198.18.0.200")), -1);
        probe_plan_done(&pl);

        /* Outside the subnet, or larger than a /16: refused without --force. */
        CHECK_INT(ip4_net_parse("198.19.0.0/24", &r[0]), 0);
        CHECK_INT(probe_plan_build(&ifc, r, 1, NULL, 0, false, &pl, why, sizeof(why)), -EINVAL);
        CHECK(strstr(why, "outside") != NULL);
        CHECK_INT(ip4_net_parse("198.18.0.0/23", &r[0]), 0);
        CHECK_INT(probe_plan_build(&ifc, r, 1, NULL, 0, false, &pl, why, sizeof(why)), -EINVAL);
        CHECK_INT(ip4_net_parse("198.0.0.0/15", &r[0]), 0);
        CHECK_INT(probe_plan_build(&ifc, r, 1, NULL, 0, false, &pl, why, sizeof(why)), -EINVAL);
        CHECK(strstr(why, "larger") != NULL);
        /* With --force, outside addresses are asked as RFC 5227 probes. */
        CHECK_INT(ip4_net_parse("198.19.0.0/30", &r[0]), 0);
        CHECK_INT(probe_plan_build(&ifc, r, 1, NULL, 0, true, &pl, why, sizeof(why)), 0);
        CHECK_INT(pl.n_targets, 2);
        CHECK_INT(pl.targets[0].spa, 0);
        probe_plan_done(&pl);
        /* A sub-range of our subnet, overlapping twice: each address once. */
        CHECK_INT(ip4_net_parse("198.18.0.0/28", &r[0]), 0);
        CHECK_INT(ip4_net_parse("198.18.0.8/29", &r[1]), 0);
        CHECK_INT(probe_plan_build(&ifc, r, 2, NULL, 0, false, &pl, why, sizeof(why)), 0);
        CHECK_INT(pl.n_targets, 14);    /* .1-.15 less .1 (ours); .0 is the subnet's network */
        probe_plan_done(&pl);
        /* Too many addresses even with --force. */
        CHECK_INT(ip4_net_parse("10.0.0.0/8", &r[0]), 0);
        CHECK_INT(probe_plan_build(&ifc, r, 1, NULL, 0, true, &pl, why, sizeof(why)), -EINVAL);

        /* /31 (RFC 3021): the other address only; /32: nothing. A subnet
         * larger than a /16 is not swept by default. */
        CHECK_INT(ip4_net_parse("198.18.5.0/31", &ifc.nets[0]), 0);
        CHECK_INT(probe_plan_build(&ifc, NULL, 0, NULL, 0, false, &pl, why, sizeof(why)), 0);
        CHECK_INT(pl.n_targets, 1);
        CHECK_INT(pl.targets[0].ip, ip("198.18.5.1"));
        probe_plan_done(&pl);
        CHECK_INT(ip4_net_parse("198.18.5.9/32", &ifc.nets[0]), 0);
        CHECK_INT(probe_plan_build(&ifc, NULL, 0, NULL, 0, false, &pl, why, sizeof(why)), 0);
        CHECK_INT(pl.n_targets, 0);
        probe_plan_done(&pl);
        CHECK_INT(ip4_net_parse("10.1.2.3/8", &ifc.nets[0]), 0);
        CHECK_INT(probe_plan_build(&ifc, NULL, 0, NULL, 0, false, &pl, why, sizeof(why)), 0);
        CHECK_INT(pl.n_targets, 0);
        CHECK(strstr(why, "not swept") != NULL);
        probe_plan_done(&pl);
}

int main(void)
{
        test_rate();
        test_retries();
        test_early_finish();
        test_enobufs();
        test_deadline();
        test_plan();
        return t_done();
}
