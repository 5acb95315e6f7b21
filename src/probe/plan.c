/* plan.c - what the active probes may touch: the interface's addresses and
 * the list of IPv4 addresses to sweep (probe.h).
 *
 * Safety rules live here, in one place: without --force a range must lie
 * inside one of the interface's own subnets and be no larger than a /16;
 * the interface's own addresses, and the network and broadcast addresses of
 * its subnets, are never asked; --exclude removes addresses before anything
 * is sent. Nothing a peer sends changes the plan once it is built.
 */
#include "netinv/probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int ip4_net_parse(const char *s, struct ip4_net *ret)
{
        char buf[32];
        const char *slash = strchr(s, '/');
        size_t alen = slash ? (size_t)(slash - s) : strlen(s);
        unsigned long prefix = 32;
        struct in_addr a;

        if (alen == 0 || alen >= sizeof(buf))
                return -EINVAL;
        memcpy(buf, s, alen);
        buf[alen] = '\0';
        if (inet_pton(AF_INET, buf, &a) != 1)
                return -EINVAL;
        if (slash) {
                char *end;
                const char *d = slash + 1;
                if (*d < '0' || *d > '9')
                        return -EINVAL;
                prefix = strtoul(d, &end, 10);
                if (*end || prefix > 32)
                        return -EINVAL;
        }
        ret->addr = ntohl(a.s_addr);
        ret->prefix = (uint8_t)prefix;
        return 0;
}

int probe_iface_get(const char *name, struct probe_iface *ret)
{
        struct ifaddrs *ifa, *i;
        struct probe_iface r;
        bool found = false;

        memset(&r, 0, sizeof(r));
        snprintf(r.name, sizeof(r.name), "%s", name);
        if (getifaddrs(&ifa) < 0)
                return -errno;
        for (i = ifa; i; i = i->ifa_next) {
                if (!i->ifa_name || strcmp(i->ifa_name, name) != 0 || !i->ifa_addr)
                        continue;
                found = true;
                if (i->ifa_addr->sa_family == AF_PACKET) {
                        const struct sockaddr_ll *ll = (const struct sockaddr_ll *)i->ifa_addr;
                        if (ll->sll_halen == 6) {
                                memcpy(r.mac, ll->sll_addr, 6);
                                r.has_mac = true;
                        }
                } else if (i->ifa_addr->sa_family == AF_INET && r.n_nets < PROBE_IFACE_MAX_NETS) {
                        const struct sockaddr_in *a = (const struct sockaddr_in *)i->ifa_addr;
                        const struct sockaddr_in *m = (const struct sockaddr_in *)i->ifa_netmask;
                        uint32_t mask = m ? ntohl(m->sin_addr.s_addr) : 0xffffffffu;
                        r.nets[r.n_nets].addr = ntohl(a->sin_addr.s_addr);
                        r.nets[r.n_nets].prefix = (uint8_t)__builtin_popcount(mask);
                        r.n_nets++;
                }
        }
        freeifaddrs(ifa);
        if (!found)
                return -ENODEV;
        *ret = r;
        return 0;
}

static void fmt_net(char *buf, size_t n, const struct ip4_net *net)
{
        uint32_t a = net->addr & ip4_mask(net->prefix);
        snprintf(buf, n, "%u.%u.%u.%u/%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255,
                 net->prefix);
}

/* The interface subnet holding a, or NULL. */
static const struct ip4_net *own_net(const struct probe_iface *ifc, uint32_t a)
{
        for (size_t i = 0; i < ifc->n_nets; i++)
                if (ip4_net_contains(&ifc->nets[i], a))
                        return &ifc->nets[i];
        return NULL;
}

/* Is a the network or broadcast address of net (prefixes up to /30; a
 * /31 has neither, RFC 3021)? */
static bool net_edge(const struct ip4_net *net, uint32_t a)
{
        if (net->prefix > 30)
                return false;
        uint32_t m = ip4_mask(net->prefix);
        return (a & ~m) == 0 || (a & ~m) == ~m;
}

static bool skip_addr(const struct probe_iface *ifc, const struct ip4_net *range, uint32_t a,
                      const struct ip4_net *excl, size_t n_excl, uint64_t *excluded)
{
        const struct ip4_net *own = own_net(ifc, a);
        for (size_t i = 0; i < ifc->n_nets; i++)
                if (ifc->nets[i].addr == a) {
                        (*excluded)++;
                        return true;
                }
        if (own ? net_edge(own, a) : net_edge(range, a))
                return true;
        for (size_t i = 0; i < n_excl; i++)
                if (ip4_net_contains(&excl[i], a)) {
                        (*excluded)++;
                        return true;
                }
        return false;
}

static int cmp_target(const void *a, const void *b)
{
        const struct probe_target *x = a, *y = b;
        return x->ip < y->ip ? -1 : x->ip > y->ip;
}

int probe_plan_build(const struct probe_iface *ifc, const struct ip4_net *ranges, size_t n_ranges,
                     const struct ip4_net *excl, size_t n_excl, bool force,
                     struct probe_plan *ret, char *why, size_t whylen)
{
        struct probe_plan p;
        char b[24];
        uint64_t total = 0;

        memset(&p, 0, sizeof(p));
        why[0] = '\0';
        if (!n_ranges) {
                p.from_iface = true;
                for (size_t i = 0; i < ifc->n_nets && p.n_ranges < 64; i++) {
                        const struct ip4_net *n = &ifc->nets[i];
                        if (n->prefix < PROBE_RANGE_MIN_PREFIX && !force) {
                                fmt_net(b, sizeof(b), n);
                                snprintf(why, whylen, "subnet %s is larger than a /%u: not swept "
                                         "(name a --range, or --force)", b, PROBE_RANGE_MIN_PREFIX);
                                continue;
                        }
                        p.ranges[p.n_ranges++] = *n;
                }
        } else {
                if (n_ranges > 64) {
                        snprintf(why, whylen, "at most 64 --range options");
                        return -EINVAL;
                }
                for (size_t i = 0; i < n_ranges; i++) {
                        const struct ip4_net *r = &ranges[i];
                        fmt_net(b, sizeof(b), r);
                        if (r->prefix < PROBE_RANGE_MIN_PREFIX && !force) {
                                snprintf(why, whylen, "--range %s is larger than a /%u (add --force "
                                         "if you mean it)", b, PROBE_RANGE_MIN_PREFIX);
                                return -EINVAL;
                        }
                        const struct ip4_net *own = own_net(ifc, r->addr & ip4_mask(r->prefix));
                        if (!force && (!own || own->prefix > r->prefix)) {
                                snprintf(why, whylen, "--range %s is outside %s's subnets (add "
                                         "--force if it is on the same link)", b, ifc->name);
                                return -EINVAL;
                        }
                        p.ranges[p.n_ranges++] = *r;
                }
        }
        for (size_t i = 0; i < p.n_ranges; i++) {
                total += (uint64_t)1 << (32 - p.ranges[i].prefix);
                if (total > PROBE_MAX_TARGETS) {
                        snprintf(why, whylen, "the ranges hold more than %u addresses", PROBE_MAX_TARGETS);
                        return -EINVAL;
                }
        }
        if (total) {
                p.targets = malloc(total * sizeof(*p.targets));
                if (!p.targets)
                        return -ENOMEM;
        }
        for (size_t i = 0; i < p.n_ranges; i++) {
                const struct ip4_net *r = &p.ranges[i];
                uint32_t first = r->addr & ip4_mask(r->prefix);
                uint64_t count = (uint64_t)1 << (32 - r->prefix);
                for (uint64_t k = 0; k < count; k++) {
                        uint32_t a = first + (uint32_t)k;
                        if (skip_addr(ifc, r, a, excl, n_excl, &p.excluded))
                                continue;
                        const struct ip4_net *own = own_net(ifc, a);
                        /* Outside our subnets we have no address of our own
                         * there: ask as an RFC 5227 probe (sender 0.0.0.0),
                         * which stations answer without caching a wrong
                         * binding for us. */
                        p.targets[p.n_targets++] = (struct probe_target){ a, own ? own->addr : 0 };
                }
        }
        if (p.n_targets)
                qsort(p.targets, p.n_targets, sizeof(*p.targets), cmp_target);
        size_t w = 0;
        for (size_t i = 0; i < p.n_targets; i++)
                if (!w || p.targets[w - 1].ip != p.targets[i].ip)
                        p.targets[w++] = p.targets[i];
        p.n_targets = w;
        *ret = p;
        return 0;
}

void probe_plan_done(struct probe_plan *p)
{
        free(p->targets);
        p->targets = NULL;
        p->n_targets = 0;
}

long probe_plan_find(const struct probe_plan *p, uint32_t ip)
{
        size_t lo = 0, hi = p->n_targets;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (p->targets[mid].ip == ip)
                        return (long)mid;
                if (p->targets[mid].ip < ip)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return -1;
}
