/* nbns.c - the nbns probe (prober.h): NetBIOS node status to each IPv4 host.
 * PLACEHOLDER: not written yet; it finishes at once and sends nothing. */
#include "netinv/prober.h"

#include <stdlib.h>

static int nbns_open(const struct prober_env *env, void **ret, char *why, size_t whylen)
{
        (void)env, (void)why, (void)whylen;
        *ret = malloc(1);
        return *ret ? 0 : -12;
}

static int nbns_run(void *p, uint64_t now, uint64_t *ret_wake)
{
        (void)p, (void)now, (void)ret_wake;
        return 1;
}

const struct probe_ops probe_nbns_ops = {
        .name = "nbns",
        .summary = "NetBIOS node status to each IPv4 host",
        .open = nbns_open,
        .free = free,
        .run = nbns_run,
};
