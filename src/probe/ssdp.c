/* ssdp.c - the ssdp probe (prober.h): SSDP M-SEARCH and UPnP device descriptions.
 * PLACEHOLDER: not written yet; it finishes at once and sends nothing. */
#include "netinv/prober.h"

#include <stdlib.h>

static int ssdp_open(const struct prober_env *env, void **ret, char *why, size_t whylen)
{
        (void)env, (void)why, (void)whylen;
        *ret = malloc(1);
        return *ret ? 0 : -12;
}

static int ssdp_run(void *p, uint64_t now, uint64_t *ret_wake)
{
        (void)p, (void)now, (void)ret_wake;
        return 1;
}

const struct probe_ops probe_ssdp_ops = {
        .name = "ssdp",
        .summary = "SSDP M-SEARCH and UPnP device descriptions",
        .open = ssdp_open,
        .free = free,
        .run = ssdp_run,
};
