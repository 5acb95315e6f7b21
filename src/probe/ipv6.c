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
#include <libnet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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
        libnet_t *l;                    /* NULL: nothing to send (no link-local address) */
        libnet_ptag_t icmp_tag, ip_tag, eth_tag;
        int fd, ifindex;
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
        if (s->l)
                libnet_destroy(s->l);
        free(s);
}

static int ipv6_open(const struct prober_env *env, void **ret, char *why, size_t whylen)
{
        char ebuf[LIBNET_ERRBUF_SIZE] = "";
        struct ipv6_probe *s = calloc(1, sizeof(*s));
        if (!s) {
                snprintf(why, whylen, "out of memory");
                return -ENOMEM;
        }
        s->env = env;
        s->fd = -1;
        s->id = (uint16_t)getpid();
        s->sends = 1 + env->opts->retries;
        s->timeout_us = (uint64_t)env->opts->timeout_ms * 1000u;
        if (!env->has_ip6_ll || !env->ifc->has_mac) {
                *ret = s;               /* finishes at start */
                return 0;
        }
        memcpy(s->mac, env->ifc->mac, 6);
        memcpy(s->src, env->ip6_ll, 16);
        s->l = libnet_init(LIBNET_LINK_ADV, env->ifc->name, ebuf);
        if (!s->l) {
                int e = errno ? errno : EIO;
                snprintf(why, whylen, "%s", ebuf);
                free(s);
                return -e;
        }
        s->fd = libnet_getfd(s->l);
        s->ifindex = env->ifindex > 0 ? env->ifindex : (int)if_nametoindex(env->ifc->name);
        if (s->fd < 0 || s->ifindex <= 0) {
                snprintf(why, whylen, "no packet socket on '%s'", env->ifc->name);
                ipv6_free(s);
                return -ENODEV;
        }
        /* The socket only sends: drop every frame it would otherwise queue. */
        struct sock_filter drop = BPF_STMT(BPF_RET | BPF_K, 0);
        struct sock_fprog prog = { .len = 1, .filter = &drop };
        setsockopt(s->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
        *ret = s;
        return 0;
}

int probe_ipv6_frame(void *p, uint16_t id, uint16_t seq, uint8_t *buf, size_t cap)
{
        struct ipv6_probe *s = p;
        struct libnet_in6_addr src, dst;
        uint8_t *pkt;
        uint32_t len;

        if (!s->l)
                return -EINVAL;
        memcpy(&src, s->src, 16);
        memcpy(&dst, all_nodes, 16);
        /* sum 0: libnet computes the checksum over the pseudo-header
         * (RFC 4443 §2.3) when it coalesces the frame. */
        s->icmp_tag = libnet_build_icmpv6_echo(ICMP6_TYPE_ECHO_REQUEST, 0, 0, id, seq, NULL, 0,
                                               s->l, s->icmp_tag);
        if (s->icmp_tag < 0)
                return -EINVAL;
        s->ip_tag = libnet_build_ipv6(0, 0, LIBNET_ICMPV6_ECHO_H, IP6_NH_ICMP6,
                                      IPV6_ECHO_HOP_LIMIT, src, dst, NULL, 0, s->l, s->ip_tag);
        if (s->ip_tag < 0)
                return -EINVAL;
        s->eth_tag = libnet_build_ethernet(all_nodes_mac, s->mac, ETHERTYPE_IPV6, NULL, 0, s->l,
                                           s->eth_tag);
        if (s->eth_tag < 0)
                return -EINVAL;
        if (libnet_adv_cull_packet(s->l, &pkt, &len) < 0)
                return -EINVAL;
        int r = -ENOSPC;
        if (len <= cap) {
                memcpy(buf, pkt, len);
                r = (int)len;
        }
        libnet_adv_free_packet(s->l, pkt);
        return r;
}

static void ipv6_start(void *p, uint64_t now)
{
        struct ipv6_probe *s = p;
        s->started = true;
        s->next = now;
        if (!s->l)
                s->finished = true;
}

static int send_one(struct ipv6_probe *s)
{
        uint8_t frame[IPV6_ECHO_FRAME_LEN + 16];
        int len = probe_ipv6_frame(s, s->id, (uint16_t)(s->sent + 1), frame, sizeof(frame));
        if (len < 0)
                return len;
        struct sockaddr_ll to = {
                .sll_family = AF_PACKET,
                .sll_protocol = htons(ETH_P_IPV6),
                .sll_ifindex = s->ifindex,
                .sll_halen = 6,
        };
        memcpy(to.sll_addr, all_nodes_mac, 6);
        if (sendto(s->fd, frame, (size_t)len, MSG_DONTWAIT, (struct sockaddr *)&to, sizeof(to)) < 0)
                return -errno;
        return 0;
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
                s->backoff_us = s->backoff_us ? s->backoff_us * 2 : PROBE_BACKOFF_MIN_US;
                if (s->backoff_us > PROBE_BACKOFF_MAX_US)
                        s->backoff_us = PROBE_BACKOFF_MAX_US;
                s->next = now + s->backoff_us;
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
