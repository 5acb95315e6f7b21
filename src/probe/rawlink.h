/* rawlink.h - the packet socket the raw probes send on (the ARP sweep, the
 * TCP SYN probe, the ICMPv6 echo): libnet builds each frame, we take its
 * bytes and send them with sendto() ourselves, so that ENOBUFS (the
 * interface queue is full) is seen for what it is and the probe backs off
 * instead of aborting. Private to src/probe/ (it exposes libnet_t). */
#ifndef NETINV_PROBE_RAWLINK_H
#define NETINV_PROBE_RAWLINK_H

#include <libnet.h>
#include <stddef.h>
#include <stdint.h>

struct rawlink {
        libnet_t *l;            /* NULL: not open */
        int fd;                 /* libnet's packet socket */
        int ifindex;
};

/* Open on ifname (needs CAP_NET_RAW: before the privilege drop). The
 * socket only sends: a filter drops every frame it would otherwise queue
 * (answers come through the capture). 0, or -errno with a reason in why. */
int rawlink_open(struct rawlink *r, const char *ifname, char *why, size_t whylen);
void rawlink_close(struct rawlink *r);
/* The frame built in r->l, copied into buf: its length, -EINVAL when
 * libnet cannot assemble it, -ENOSPC when it does not fit. */
int rawlink_cull(struct rawlink *r, uint8_t *buf, size_t cap);
/* Send one frame to dst (ethertype for the socket address). 0 or -errno:
 * -ENOBUFS/-EAGAIN mean "later", anything else that the link is gone. */
int rawlink_send(const struct rawlink *r, const uint8_t *frame, size_t len, uint16_t ethertype,
                 const uint8_t dst[6]);
/* The back-off after ENOBUFS: doubles *cur_us from PROBE_BACKOFF_MIN_US up
 * to PROBE_BACKOFF_MAX_US and returns it; set *cur_us to 0 after a send. */
uint64_t rawlink_backoff(uint64_t *cur_us);

#endif
