/* ipv6.c - the ipv6 probe (prober.h): an ICMPv6 echo request (RFC 4443
 * §4.1) to all nodes on the link (ff02::1), so that IPv6 hosts that say
 * nothing on their own show their link-local addresses.
 *
 * One frame, sent 1 + --retries times, --timeout apart, from the
 * interface's link-local address and MAC; the probe ends --timeout after
 * the last send. The frame is built by libnet in a LINK_ADV handle opened
 * before the privilege drop and sent with sendto() on libnet's packet
 * socket, as the ARP sweep does (src/probe/arp.c), so that ENOBUFS is a
 * back-off and not a failure.
 *
 * Answers are not read here: echo replies (and the NDP and MLD messages a
 * host sends around them) come through the capture to src/dissect/icmp6.c,
 * which binds each link-local source to its MAC. Nothing needs retrying
 * per host: the request is multicast.
 *
 * Why only echo: an MLD general query would make every host report its
 * groups too, but querying is a router's job (RFC 3810 §7.1) and a second
 * querier can disturb the snooping switches of the link.
 *
 * An interface without a link-local address (IPv6 off) or without a MAC
 * finishes at once and sends nothing.
 */
#include "netinv/mcast.h"
#include "netinv/prober.h"

#include <errno.h>
#include <linux/if_ether.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rawlink.h"

#define ICMP6_TYPE_ECHO_REQUEST 128     /* RFC 4443 §4.1 */
#define IP6_NH_ICMP6            58      /* IANA protocol number, RFC 4443 §2 */
/* Link-local scope: the request must not leave the link, so a hop limit
 * of 1, as ping uses for multicast (IPV6_MULTICAST_HOPS default, RFC 3493
 * §5.2). */
#define IPV6_ECHO_HOP_LIMIT     1

/* ff02::1, all nodes (RFC 4291 §2.7.1), and its Ethernet group address
 * 33:33 + the last 32 bits (RFC 2464 §7). */
static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };
static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };

struct ipv6_probe {
        const struct prober_env *env;
        struct rawlink link;            /* link.l NULL: nothing to send (no link-local address) */
        libnet_ptag_t icmp_tag, ip_tag, eth_tag;
        uint8_t mac[6];
        uint8_t src[16];
        uint16_t id;                    /* echo identifier */
        uint32_t sends;                 /* 1 + retries */
        uint32_t sent;
        uint64_t timeout_us;
        uint64_t next;                  /* next send, or the end after the last */
        uint64_t backoff_us;
        bool started, finished;
};

static void ipv6_free(void *p)
{
        struct ipv6_probe *s = p;
        if (!s)
                return;
        rawlink_close(&s->link);
        free(s);
}

static int ipv6_open(const struct prober_env *env, void **ret, char *why, size_t whylen)
{
        struct ipv6_probe *s = calloc(1, sizeof(*s));
        if (!s) {
                snprintf(why, whylen, "out of memory");
                return -ENOMEM;
        }
        s->env = env;
        s->link.fd = -1;
        s->id = (uint16_t)getpid();
        s->sends = 1 + env->opts->retries;
        s->timeout_us = (uint64_t)env->opts->timeout_ms * 1000u;
        if (!env->has_ip6_ll || !env->ifc->has_mac) {
                *ret = s;               /* finishes at start */
                return 0;
        }
        memcpy(s->mac, env->ifc->mac, 6);
        memcpy(s->src, env->ip6_ll, 16);
        int r = rawlink_open(&s->link, env->ifc->name, why, whylen);
        if (r < 0) {
                free(s);
                return r;
        }
        *ret = s;
        return 0;
}

int probe_ipv6_frame(void *p, uint16_t id, uint16_t seq, uint8_t *buf, size_t cap)
{
        struct ipv6_probe *s = p;
        struct libnet_in6_addr src, dst;

        if (!s->link.l)
                return -EINVAL;
        memcpy(&src, s->src, 16);
        memcpy(&dst, all_nodes, 16);
        /* sum 0: libnet computes the checksum over the pseudo-header
         * (RFC 4443 §2.3) when it coalesces the frame. */
        s->icmp_tag = libnet_build_icmpv6_echo(ICMP6_TYPE_ECHO_REQUEST, 0, 0, id, seq, NULL, 0,
                                               s->link.l, s->icmp_tag);
        if (s->icmp_tag < 0)
                return -EINVAL;
        s->ip_tag = libnet_build_ipv6(0, 0, LIBNET_ICMPV6_ECHO_H, IP6_NH_ICMP6,
                                      IPV6_ECHO_HOP_LIMIT, src, dst, NULL, 0, s->link.l, s->ip_tag);
        if (s->ip_tag < 0)
                return -EINVAL;
        s->eth_tag = libnet_build_ethernet(all_nodes_mac, s->mac, ETHERTYPE_IPV6, NULL, 0, s->link.l,
                                           s->eth_tag);
        if (s->eth_tag < 0)
                return -EINVAL;
        return rawlink_cull(&s->link, buf, cap);
}

static void ipv6_start(void *p, uint64_t now)
{
        struct ipv6_probe *s = p;
        s->started = true;
        s->next = now;
        if (!s->link.l)
                s->finished = true;
}

static int send_one(struct ipv6_probe *s)
{
        uint8_t frame[IPV6_ECHO_FRAME_LEN + 16];
        int len = probe_ipv6_frame(s, s->id, (uint16_t)(s->sent + 1), frame, sizeof(frame));
        if (len < 0)
                return len;
        return rawlink_send(&s->link, frame, (size_t)len, ETH_P_IPV6, all_nodes_mac);
}

static int ipv6_run(void *p, uint64_t now, uint64_t *ret_wake)
{
        struct ipv6_probe *s = p;
        uint64_t when;

        if (!s->started)
                return 0;       /* *ret_wake stays: nothing before start */
        if (s->finished)
                return 1;
        if (now < s->next) {
                *ret_wake = s->next;
                return 0;
        }
        if (s->sent == s->sends) {
                s->finished = true;     /* the wait after the last send is over */
                return 1;
        }
        if (!prober_take(s->env->budget, false, now, &when)) {
                *ret_wake = when;
                return 0;
        }
        int r = send_one(s);
        if (r == -ENOBUFS || r == -EAGAIN) {
                /* The queue is full: the same request later, waiting longer
                 * each time. */
                s->next = now + rawlink_backoff(&s->backoff_us);
                *ret_wake = s->next;
                return 0;
        }
        if (r < 0) {
                s->finished = true;
                return r;
        }
        s->backoff_us = 0;
        s->sent++;
        s->next = now + s->timeout_us;
        *ret_wake = s->next;
        return 0;
}

static uint64_t ipv6_max_packets(const struct prober_opts *o, uint64_t n_hosts)
{
        (void)n_hosts;
        return 1u + o->retries;
}

const struct probe_ops probe_ipv6_ops = {
        .name = "ipv6",
        .summary = "ICMPv6 echo to all nodes (ff02::1): link-local addresses",
        .open = ipv6_open,
        .free = ipv6_free,
        .start = ipv6_start,
        .run = ipv6_run,
        .max_packets = ipv6_max_packets,
};
