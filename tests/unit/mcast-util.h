/* mcast-util.h - what the unit tests of the ipv6, mdns and nbns probes
 * share: a private network namespace to send in, and a prober_env.
 *
 * The probes' send paths are exercised for real, but only inside a network
 * namespace of the test's own (unshare(CLONE_NEWNET)) on its loopback
 * interface: nothing reaches this machine's interfaces, and the packets
 * are read back there. That needs root (CAP_SYS_ADMIN); without it those
 * parts are skipped and the pure builders are still tested.
 */
#ifndef MCAST_UTIL_H
#define MCAST_UTIL_H

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netinv/prober.h"

/* Enter a new network namespace and bring its lo up with multicast on.
 * true when done; the process stays in it. */
static inline bool mc_private_net(void)
{
        if (unshare(CLONE_NEWNET) < 0)
                return false;
        int fd = socket(AF_INET, SOCK_DGRAM, 0);
        if (fd < 0)
                return false;
        struct ifreq ifr;
        memset(&ifr, 0, sizeof(ifr));
        strcpy(ifr.ifr_name, "lo");
        bool ok = ioctl(fd, SIOCGIFFLAGS, &ifr) == 0;
        ifr.ifr_flags |= IFF_UP | IFF_MULTICAST;
        ok = ok && ioctl(fd, SIOCSIFFLAGS, &ifr) == 0;
        close(fd);
        return ok;
}

/* Microseconds on a made-up clock: the probes take `now` as a parameter. */
#define MC_T0   1000000000ull
#define MC_MS   1000ull

struct mc_env {
        struct probe_iface ifc;
        struct prober_opts opts;
        struct probe_plan plan;
        struct probe_target targets[8];
        struct prober_env env;
};

/* An env on "lo" with MAC 02:6d:63:00:00:01, 127.0.0.1/8, retries 1,
 * timeout 200 ms, rate 1000/s; no plan. */
static inline void mc_env_init(struct mc_env *e)
{
        static const uint8_t mac[6] = { 0x02, 0x6d, 0x63, 0x00, 0x00, 0x01 };
        memset(e, 0, sizeof(*e));
        strcpy(e->ifc.name, "lo");
        memcpy(e->ifc.mac, mac, 6);
        e->ifc.has_mac = true;
        e->ifc.n_nets = 1;
        e->ifc.nets[0] = (struct ip4_net){ .addr = 0x7f000001u, .prefix = 8 };
        e->opts.rate_pps = 1000;
        e->opts.retries = 1;
        e->opts.timeout_ms = 200;
        e->env.ifc = &e->ifc;
        e->env.ifindex = (int)if_nametoindex("lo");
        e->env.opts = &e->opts;
        e->env.plan = &e->plan;
        e->plan.targets = e->targets;
}

#endif
