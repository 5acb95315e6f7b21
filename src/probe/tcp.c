/* tcp.c - the tcp probe (prober.h): TCP SYN to --ports on each IPv4 host.
 * PLACEHOLDER: not written yet; it finishes at once and sends nothing. */
#include "netinv/prober.h"

#include <stdlib.h>

static int tcp_open(const struct prober_env *env, void **ret, char *why, size_t whylen)
{
        (void)env, (void)why, (void)whylen;
        *ret = malloc(1);
        return *ret ? 0 : -12;
}

static int tcp_run(void *p, uint64_t now, uint64_t *ret_wake)
{
        (void)p, (void)now, (void)ret_wake;
        return 1;
}

const struct probe_ops probe_tcp_ops = {
        .name = "tcp",
        .summary = "TCP SYN to --ports on each IPv4 host",
        .open = tcp_open,
        .free = free,
        .run = tcp_run,
};
