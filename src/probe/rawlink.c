/* rawlink.c - the raw probes' packet socket (rawlink.h). */
#include "rawlink.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "netinv/probe.h"

int rawlink_open(struct rawlink *r, const char *ifname, char *why, size_t whylen)
{
        char ebuf[LIBNET_ERRBUF_SIZE] = "";
        r->fd = -1;
        /* LINK_ADV: libnet opens the packet socket and lets us take the
         * built frame (libnet_adv_cull_packet) instead of writing it. */
        r->l = libnet_init(LIBNET_LINK_ADV, ifname, ebuf);
        if (!r->l) {
                int e = errno ? errno : EIO;
                snprintf(why, whylen, "%s", ebuf);
                return -e;
        }
        r->fd = libnet_getfd(r->l);
        r->ifindex = (int)if_nametoindex(ifname);
        if (r->fd < 0 || r->ifindex <= 0) {
                snprintf(why, whylen, "no packet socket on '%s'", ifname);
                rawlink_close(r);
                return -ENODEV;
        }
        struct sock_filter drop = BPF_STMT(BPF_RET | BPF_K, 0);
        struct sock_fprog prog = { .len = 1, .filter = &drop };
        setsockopt(r->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
        return 0;
}

void rawlink_close(struct rawlink *r)
{
        if (r->l)
                libnet_destroy(r->l);
        r->l = NULL;
        r->fd = -1;
}

int rawlink_cull(struct rawlink *r, uint8_t *buf, size_t cap)
{
        uint8_t *pkt;
        uint32_t len;
        if (!r->l || libnet_adv_cull_packet(r->l, &pkt, &len) < 0)
                return -EINVAL;
        int ret = -ENOSPC;
        if (len <= cap) {
                memcpy(buf, pkt, len);
                ret = (int)len;
        }
        libnet_adv_free_packet(r->l, pkt);
        return ret;
}

int rawlink_send(const struct rawlink *r, const uint8_t *frame, size_t len, uint16_t ethertype,
                 const uint8_t dst[6])
{
        struct sockaddr_ll to = {
                .sll_family = AF_PACKET,
                .sll_protocol = htons(ethertype),
                .sll_ifindex = r->ifindex,
                .sll_halen = 6,
        };
        memcpy(to.sll_addr, dst, 6);
        if (sendto(r->fd, frame, len, MSG_DONTWAIT, (struct sockaddr *)&to, sizeof(to)) < 0)
                return -errno;
        return 0;
}

uint64_t rawlink_backoff(uint64_t *cur_us)
{
        uint64_t v = *cur_us ? *cur_us * 2 : PROBE_BACKOFF_MIN_US;
        if (v > PROBE_BACKOFF_MAX_US)
                v = PROBE_BACKOFF_MAX_US;
        return *cur_us = v;
}
