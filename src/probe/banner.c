/* banner.c - the banner probe (prober.h): SSH, HTTP, SMB2, RDP and SNMP answers on open ports.
 * PLACEHOLDER: not written yet; it finishes at once and sends nothing. */
#include "netinv/prober.h"

#include <stdlib.h>

static int banner_open(const struct prober_env *env, void **ret, char *why, size_t whylen)
{
        (void)env, (void)why, (void)whylen;
        *ret = malloc(1);
        return *ret ? 0 : -12;
}

static int banner_run(void *p, uint64_t now, uint64_t *ret_wake)
{
        (void)p, (void)now, (void)ret_wake;
        return 1;
}

const struct probe_ops probe_banner_ops = {
        .name = "banner",
        .summary = "SSH, HTTP, SMB2, RDP and SNMP answers on open ports",
        .open = banner_open,
        .free = free,
        .run = banner_run,
};
