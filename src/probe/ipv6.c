/* ipv6.c - the ipv6 probe (prober.h): ICMPv6 echo and MLD query to all nodes (ff02::1).
 * PLACEHOLDER: not written yet; it finishes at once and sends nothing. */
#include "netinv/prober.h"

#include <stdlib.h>

static int ipv6_open(const struct prober_env *env, void **ret, char *why, size_t whylen)
{
        (void)env, (void)why, (void)whylen;
        *ret = malloc(1);
        return *ret ? 0 : -12;
}

static int ipv6_run(void *p, uint64_t now, uint64_t *ret_wake)
{
        (void)p, (void)now, (void)ret_wake;
        return 1;
}

const struct probe_ops probe_ipv6_ops = {
        .name = "ipv6",
        .summary = "ICMPv6 echo and MLD query to all nodes (ff02::1)",
        .open = ipv6_open,
        .free = free,
        .run = ipv6_run,
};
