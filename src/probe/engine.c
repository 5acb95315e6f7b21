/* engine.c - runs the probes of prober.h from the scan's event loop: their
 * shared rate budget, the safety checks they share, and the fan-out of
 * events (start, host found, sweep over, observation, socket ready).
 *
 * The budget is a token bucket at --rate. Multicast probes draw from it
 * from the start; host probes only once the sweep is over, so that the ARP
 * sweep, which has its own pacer at --rate, keeps the whole rate while it
 * runs and the two never add up to more.
 */
#include "netinv/prober.h"

#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct prober_budget {
        uint64_t interval_us;   /* 1e6 / rate */
        uint64_t next;          /* earliest time of the next token */
        uint64_t burst_us;      /* how far next may lag behind now */
        bool hosts_open;        /* the sweep is over */
};

static const struct probe_ops *const all_ops[PROBER_N] = {
        [PROBER_IPV6] = &probe_ipv6_ops,
        [PROBER_MDNS] = &probe_mdns_ops,
        [PROBER_SSDP] = &probe_ssdp_ops,
        [PROBER_NBNS] = &probe_nbns_ops,
        [PROBER_TCP] = &probe_tcp_ops,
        [PROBER_BANNER] = &probe_banner_ops,
};

struct prober {
        struct prober_env env;
        struct prober_budget budget;
        void *state[PROBER_N];
        bool finished[PROBER_N];
        size_t nfds[PROBER_N];  /* how many pollfds each probe gave last */
        uint8_t *announced;     /* bit per plan target: host() was called */
};

const struct probe_ops *prober_ops(enum probe_id id)
{
        return (unsigned)id < PROBER_N ? all_ops[id] : NULL;
}

int prober_take(struct prober_budget *b, bool host_probe, uint64_t now, uint64_t *ret_when)
{
        if (host_probe && !b->hosts_open) {
                *ret_when = UINT64_MAX;
                return 0;
        }
        if (b->next + b->burst_us < now)
                b->next = now - b->burst_us;
        if (b->next > now) {
                *ret_when = b->next;
                return 0;
        }
        b->next += b->interval_us;
        return 1;
}

bool prober_may_probe(const struct prober_env *env, uint32_t ip)
{
        return env->plan && probe_plan_find(env->plan, ip) >= 0;
}

bool prober_payload_ok(const struct prober_opts *o, uint16_t port)
{
        for (size_t i = 0; i < o->n_payload_ports; i++)
                if (o->payload_ports[i] == port)
                        return true;
        if (port >= 9100 && port <= 9107)       /* raw printing (JetDirect) */
                return false;
        switch (port) {
        case 515:       /* LPD: a printer prints what it gets */
        case 102:       /* ISO-TSAP, Siemens S7 */
        case 502:       /* Modbus/TCP */
        case 2404:      /* IEC 60870-5-104 */
        case 20000:     /* DNP3 */
        case 44818:     /* EtherNet/IP */
        case 47808:     /* BACnet/IP */
                return false;
        default:
                return true;
        }
}

int prober_parse_ports(const char *s, uint16_t *ports, size_t cap, size_t *ret_n)
{
        uint16_t tmp[PROBER_PORTS_MAX];
        size_t n = 0;
        const char *p = s;
        if (cap > PROBER_PORTS_MAX)
                cap = PROBER_PORTS_MAX;
        do {
                char *end;
                unsigned long a, b;
                if (*p < '0' || *p > '9')
                        return -EINVAL;
                a = strtoul(p, &end, 10);
                if (a == 0 || a > 65535)
                        return -EINVAL;
                b = a;
                p = end;
                if (*p == '-') {
                        if (p[1] < '0' || p[1] > '9')
                                return -EINVAL;
                        b = strtoul(p + 1, &end, 10);
                        if (b < a || b > 65535)
                                return -EINVAL;
                        p = end;
                }
                for (unsigned long v = a; v <= b; v++) {
                        bool dup = false;
                        for (size_t i = 0; i < n; i++)
                                dup |= tmp[i] == v;
                        if (dup)
                                continue;
                        if (n == cap)
                                return -EINVAL;
                        tmp[n++] = (uint16_t)v;
                }
                if (*p && *p != ',')
                        return -EINVAL;
        } while (*p && *++p);
        if (p > s && p[-1] == ',')
                return -EINVAL;
        memcpy(ports, tmp, n * sizeof(tmp[0]));
        *ret_n = n;
        return 0;
}

int prober_ip6_linklocal(const char *ifname, uint8_t ret[16])
{
        struct ifaddrs *ifa, *i;
        int r = -ENOENT;
        if (getifaddrs(&ifa) < 0)
                return -errno;
        for (i = ifa; i; i = i->ifa_next) {
                if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET6 ||
                    strcmp(i->ifa_name, ifname) != 0)
                        continue;
                const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)(const void *)i->ifa_addr;
                if (IN6_IS_ADDR_LINKLOCAL(&a->sin6_addr)) {
                        memcpy(ret, &a->sin6_addr, 16);
                        r = 0;
                        break;
                }
        }
        freeifaddrs(ifa);
        return r;
}

int prober_open(const struct prober_env *env, const bool enabled[PROBER_N],
                struct prober **ret, char *why, size_t whylen)
{
        struct prober *pr = calloc(1, sizeof(*pr));
        if (!pr) {
                snprintf(why, whylen, "out of memory");
                return -ENOMEM;
        }
        pr->env = *env;
        if (env->plan && env->plan->n_targets) {
                pr->announced = calloc((env->plan->n_targets + 7) / 8, 1);
                if (!pr->announced) {
                        free(pr);
                        snprintf(why, whylen, "out of memory");
                        return -ENOMEM;
                }
        }
        pr->env.budget = &pr->budget;
        uint32_t rate = env->opts->rate_pps ? env->opts->rate_pps : PROBE_RATE_DEFAULT;
        pr->budget.interval_us = 1000000u / rate ? 1000000u / rate : 1;
        pr->budget.burst_us = pr->budget.interval_us * (1 + rate / PROBE_BURST_DIV);
        for (int i = 0; i < PROBER_N; i++) {
                pr->finished[i] = true;
                if (!enabled[i])
                        continue;
                char w[256] = "";
                int r = all_ops[i]->open(&pr->env, &pr->state[i], w, sizeof(w));
                if (r < 0) {
                        snprintf(why, whylen, "%s: %s", all_ops[i]->name, w[0] ? w : strerror(-r));
                        prober_free(pr);
                        return r;
                }
                pr->finished[i] = false;
        }
        *ret = pr;
        return 0;
}

struct prober_budget *prober_get_budget(struct prober *pr)
{
        return &pr->budget;
}

void prober_free(struct prober *pr)
{
        if (!pr)
                return;
        for (int i = 0; i < PROBER_N; i++)
                if (pr->state[i])
                        all_ops[i]->free(pr->state[i]);
        free(pr->announced);
        free(pr);
}

#define EACH(pr, i) for (int i = 0; i < PROBER_N; i++) if (!(pr)->finished[i])

void prober_start(struct prober *pr, uint64_t now)
{
        pr->budget.next = now;
        EACH(pr, i) if (all_ops[i]->start)
                all_ops[i]->start(pr->state[i], now);
}

void prober_host(struct prober *pr, uint32_t ip, const uint8_t mac[6], uint64_t now)
{
        long k = pr->env.plan ? probe_plan_find(pr->env.plan, ip) : -1;
        if (k < 0 || !pr->announced || (pr->announced[k / 8] & (1u << (k % 8))))
                return;
        pr->announced[k / 8] |= (uint8_t)(1u << (k % 8));
        EACH(pr, i) if (all_ops[i]->host)
                all_ops[i]->host(pr->state[i], ip, mac, now);
}

void prober_hosts_done(struct prober *pr, uint64_t now)
{
        pr->budget.hosts_open = true;
        if (pr->budget.next < now)
                pr->budget.next = now;
        EACH(pr, i) if (all_ops[i]->hosts_done)
                all_ops[i]->hosts_done(pr->state[i], now);
}

void prober_seen(struct prober *pr, const struct obs_sink *s, uint64_t now)
{
        EACH(pr, i) if (all_ops[i]->seen)
                for (size_t k = 0; k < s->n; k++)
                        all_ops[i]->seen(pr->state[i], &s->obs[k], now);
}

int prober_run(struct prober *pr, uint64_t now, uint64_t *ret_wake)
{
        uint64_t wake = UINT64_MAX;
        bool all = true;
        EACH(pr, i) {
                uint64_t w = UINT64_MAX;
                int r = all_ops[i]->run(pr->state[i], now, &w);
                if (r != 0) {
                        pr->finished[i] = true;
                        EACH(pr, j) if (all_ops[j]->peer_done)
                                all_ops[j]->peer_done(pr->state[j], (enum probe_id)i, now);
                        continue;
                }
                all = false;
                if (w < wake)
                        wake = w;
        }
        *ret_wake = wake;
        return all;
}

size_t prober_pollfds(struct prober *pr, struct pollfd *fds, size_t cap)
{
        size_t n = 0;
        for (int i = 0; i < PROBER_N; i++) {
                pr->nfds[i] = 0;
                if (pr->finished[i] || !all_ops[i]->pollfds)
                        continue;
                pr->nfds[i] = all_ops[i]->pollfds(pr->state[i], fds + n, cap - n);
                n += pr->nfds[i];
        }
        return n;
}

void prober_ready(struct prober *pr, const struct pollfd *fds, size_t n, uint64_t now)
{
        size_t at = 0;
        for (int i = 0; i < PROBER_N && at <= n; i++) {
                if (!pr->nfds[i])
                        continue;
                if (!pr->finished[i] && all_ops[i]->ready)
                        all_ops[i]->ready(pr->state[i], fds + at, pr->nfds[i], now);
                at += pr->nfds[i];
        }
}
