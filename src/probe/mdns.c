/* mdns.c - the mdns probe (prober.h): DNS-SD browse and resolve over mDNS.
 * PLACEHOLDER: not written yet; it finishes at once and sends nothing. */
#include "netinv/prober.h"

#include <stdlib.h>

static int mdns_open(const struct prober_env *env, void **ret, char *why, size_t whylen)
{
        (void)env, (void)why, (void)whylen;
        *ret = malloc(1);
        return *ret ? 0 : -12;
}

static int mdns_run(void *p, uint64_t now, uint64_t *ret_wake)
{
        (void)p, (void)now, (void)ret_wake;
        return 1;
}

const struct probe_ops probe_mdns_ops = {
        .name = "mdns",
        .summary = "DNS-SD browse and resolve over mDNS",
        .open = mdns_open,
        .free = free,
        .run = mdns_run,
};
