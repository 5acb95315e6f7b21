/* mcast.h - the wire builders of three probes (prober.h): the ICMPv6 echo
 * to all nodes (src/probe/ipv6.c), the mDNS / DNS-SD queries
 * (src/probe/mdns.c); the NBNS probe (src/probe/nbns.c) uses
 * nbns_node_status_request() of banner.h.
 *
 * They are here so that the unit tests can check the exact bytes that go
 * on the wire. The mDNS builders are pure; the IPv6 frame is built by
 * libnet in the probe's own handle (opened by probe_ipv6_ops.open).
 */
#ifndef NETINV_MCAST_H
#define NETINV_MCAST_H

#include <stddef.h>
#include <stdint.h>

/* ---- ipv6 ---- */

/* Ethernet 14 + IPv6 40 + ICMPv6 echo 8, no data. */
#define IPV6_ECHO_FRAME_LEN     62u

/* The echo request to ff02::1 from the interface's link-local address and
 * MAC, as the probe p (from probe_ipv6_ops.open) sends it: identifier id,
 * sequence number seq. The length, or -ENOSPC, -EINVAL (libnet refused,
 * or the interface has no link-local address or MAC). */
int probe_ipv6_frame(void *p, uint16_t id, uint16_t seq, uint8_t *buf, size_t cap);

/* ---- mdns ---- */

#define MDNS_TYPE_A             1       /* RFC 1035 §3.4.1 */
#define MDNS_TYPE_PTR           12      /* RFC 1035 §3.3.12 */
#define MDNS_TYPE_TXT           16      /* RFC 1035 §3.3.14 */
#define MDNS_TYPE_AAAA          28      /* RFC 3596 §2.2 */
#define MDNS_TYPE_SRV           33      /* RFC 2782 */

/* A name in wire form (labels, the root label included) is at most 255
 * bytes (RFC 1035 §3.1). */
#define MDNS_WIRE_NAME_MAX      255u

struct mdns_question {
        const uint8_t *name;    /* wire form, uncompressed, ending in the root label */
        size_t name_len;
        uint16_t type;
};

/* A name in the text form of dns_name.h ("\." and "\\" escape a dot and a
 * backslash inside a label; a trailing dot is allowed) to wire form. The
 * length, or -EINVAL (an empty label, a label over 63 bytes, a name over
 * 255, a dangling '\'), -ENOSPC when cap is too small. */
int mdns_name_encode(const char *text, size_t len, uint8_t *buf, size_t cap);

/* One mDNS query (RFC 6762 §18): ID 0, no flags, the n questions of class
 * IN with the unicast-response bit clear, no other sections. Names are not
 * compressed. The length, or -ENOSPC (nothing useful is in buf then),
 * -EINVAL (n is 0 or over 65535, or a name is not a wire name). */
int mdns_query_build(uint8_t *buf, size_t cap, const struct mdns_question *q, size_t n);

#endif
