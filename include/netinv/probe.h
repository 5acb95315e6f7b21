/* probe.h - active probing: the pacer, the scan plan and the ARP sweep.
 *
 * Probes only send. Every answer comes back through the capture and the
 * dissectors like any other frame; the scan loop tells a probe what was
 * seen (arp_sweep_seen) so that it stops retrying addresses that answered.
 *
 *   pacer      one per probe: owns the send rate, the retries (only for
 *              targets that have not answered) and the deadline. Pure: the
 *              clock is a parameter, so the tests need no sleep.
 *   plan       which IPv4 addresses to sweep: the interface's own subnets,
 *              or --range, minus --exclude, with the sender address for each.
 *   arp sweep  RFC 826 requests built by libnet and sent on the packet
 *              socket libnet opened (before the privilege drop).
 *
 * src/probe/ is the only includer of <libnet.h>. Addresses in this header
 * are IPv4 in host byte order unless a parameter is a byte array.
 */
#ifndef NETINV_PROBE_H
#define NETINV_PROBE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct inventory;

/* ------------------------------------------------------------ defaults */

/* Packets per second, all probes together. 4000 minimum-size frames a
 * second are 2.7 Mbit/s on the wire (84 bytes each with preamble and gap):
 * under 3% of a 100 Mbit/s port, nothing for any switch. ARP requests are
 * broadcast, so every station sees them: 4000/s is also far below what a
 * switch's or a small host's broadcast handling notices. A /24 takes 64 ms
 * per round at this rate. */
#define PROBE_RATE_DEFAULT      4000u
#define PROBE_RATE_MAX          100000u
/* Extra sends for a target that has not answered. One retry catches a
 * lost request or a station that was busy; arp-scan and nmap use 1-2. */
#define PROBE_RETRIES_DEFAULT   1u
#define PROBE_RETRIES_MAX       10u
/* How long to wait for an answer before the retry, and after the last
 * send. ARP answers on a wired LAN come within a millisecond; a Wi-Fi
 * station in power save hears a broadcast only after its DTIM beacon
 * (100-300 ms), and with one retry it has two timeouts (400 ms) to answer
 * the first request. */
#define PROBE_TIMEOUT_MS_DEFAULT 200u
#define PROBE_TIMEOUT_MS_MAX    60000u
/* A pacer may catch up this much after the loop woke late (poll latency),
 * as a burst: at most 1 + rate/PROBE_BURST_DIV packets back to back. */
#define PROBE_BURST_DIV         500u
/* ENOBUFS back-off: first wait, and the longest. */
#define PROBE_BACKOFF_MIN_US    1000u
#define PROBE_BACKOFF_MAX_US    200000u
/* Ranges: larger than a /16 needs --force; more addresses than this in
 * all ranges together are refused even with --force (16 /16s: 4.4 min at
 * the default rate, 16 MiB of state). */
#define PROBE_RANGE_MIN_PREFIX  16u
#define PROBE_MAX_TARGETS       (1u << 20)
/* A MAC that answers ARP for more than this many swept addresses is
 * flagged as a proxy (arp.proxy) and none of those addresses counts as
 * alive on its word alone. A host with a few aliases stays under it. */
#define PROBE_PROXY_MIN_ADDRS   4u
/* IPv4 addresses read from one interface. */
#define PROBE_IFACE_MAX_NETS    16u

/* ------------------------------------------------------------ pacer */

struct pacer_cfg {
        uint32_t rate_pps;      /* > 0 */
        uint32_t retries;       /* extra sends per unanswered target */
        uint64_t timeout_us;    /* wait after each send before the retry / the end */
};

struct pacer_slot {
        uint32_t target;
        uint64_t due;           /* µs: earliest time for the next send / end of its wait */
};

struct pacer {
        struct pacer_cfg cfg;
        uint32_t n;             /* targets */
        uint8_t *tries;         /* sends done per target */
        uint8_t *answered;      /* per target */
        struct pacer_slot *q;   /* ring of n slots, ordered by due */
        uint32_t q_head, q_len;
        uint64_t interval_us;   /* 1e6 / rate, at least 1 */
        uint64_t next_slot;     /* time of the next send the rate allows */
        uint64_t burst_us;      /* how far next_slot may lag behind now */
        uint64_t backoff_us, blocked_until;
        uint64_t deadline;      /* hard end, whatever happens */
        uint64_t sent, blocked, n_answered;
};

enum pacer_step {
        PACER_SEND,             /* send *ret_target now, then pacer_sent() or pacer_blocked() */
        PACER_WAIT,             /* nothing to do before *ret_until */
        PACER_FINISHED,         /* every target answered or waited out, or the deadline */
};

/* 0 or -ENOMEM / -EINVAL. Every target is due at `now`. */
int pacer_init(struct pacer *p, uint32_t n_targets, const struct pacer_cfg *cfg, uint64_t now);
void pacer_done(struct pacer *p);
enum pacer_step pacer_next(struct pacer *p, uint64_t now, uint32_t *ret_target, uint64_t *ret_until);
/* The target from PACER_SEND went out at `now`. */
void pacer_sent(struct pacer *p, uint32_t target, uint64_t now);
/* It could not go out (ENOBUFS): retry it after a back-off that doubles
 * with each refusal and resets after a send. The target keeps its place. */
void pacer_blocked(struct pacer *p, uint64_t now);
/* The target answered: no more sends for it. Idempotent. */
void pacer_answered(struct pacer *p, uint32_t target);
/* Upper bounds for a plan (--dry-run): packets, and µs without back-offs. */
uint64_t pacer_max_packets(uint32_t n_targets, const struct pacer_cfg *cfg);
uint64_t pacer_max_time_us(uint32_t n_targets, const struct pacer_cfg *cfg);

/* ------------------------------------------------------------ plan */

struct ip4_net {
        uint32_t addr;          /* host order; for an interface: its own address */
        uint8_t prefix;         /* 0..32 */
};

/* "a.b.c.d/n" or "a.b.c.d" (a /32). Host bits may be set (kept). 0 or -EINVAL. */
int ip4_net_parse(const char *s, struct ip4_net *ret);
static inline uint32_t ip4_mask(uint8_t prefix)
{
        return prefix ? 0xffffffffu << (32 - prefix) : 0;
}
static inline bool ip4_net_contains(const struct ip4_net *n, uint32_t a)
{
        return ((a ^ n->addr) & ip4_mask(n->prefix)) == 0;
}

struct probe_iface {
        char name[IF_NAMESIZE];
        uint8_t mac[6];
        bool has_mac;
        size_t n_nets;
        struct ip4_net nets[PROBE_IFACE_MAX_NETS];
};

/* The interface's MAC and IPv4 addresses (getifaddrs). 0, -ENODEV. */
int probe_iface_get(const char *name, struct probe_iface *ret);

struct probe_target {
        uint32_t ip;
        uint32_t spa;           /* ARP sender address: the interface's address in
                                 * that subnet, or 0 (an RFC 5227 probe) outside */
};

struct probe_plan {
        struct ip4_net ranges[64];
        size_t n_ranges;
        bool from_iface;        /* the ranges are the interface's subnets */
        size_t n_targets;
        struct probe_target *targets;   /* owned, sorted by ip, unique */
        uint64_t excluded;      /* addresses left out by --exclude and own addresses */
};

/* Build the sweep: `ranges` (NULL/0: the interface's subnets, skipping
 * those larger than a /16 unless force) minus `excl` and the interface's
 * own addresses. Refuses, with a one-line reason in why: a range larger
 * than a /16 or outside the interface's subnets without force, more than
 * PROBE_MAX_TARGETS addresses. 0, -EINVAL (refused), -ENOMEM.
 * `skipped`, when not NULL, gets a note about subnets left out. */
int probe_plan_build(const struct probe_iface *ifc, const struct ip4_net *ranges, size_t n_ranges,
                     const struct ip4_net *excl, size_t n_excl, bool force,
                     struct probe_plan *ret, char *why, size_t whylen);
void probe_plan_done(struct probe_plan *p);
/* Index of ip in the plan, or -1. */
long probe_plan_find(const struct probe_plan *p, uint32_t ip);

/* ------------------------------------------------------------ ARP sweep */

struct arp_sweep;

struct arp_sweep_stats {
        uint64_t targets, sent, answered, enobufs, unsent;
        uint64_t proxies;       /* MACs flagged as proxy ARP */
        uint64_t alive;         /* addresses answered by their own MAC */
};

/* Open the libnet link-layer handle on ifname (needs CAP_NET_RAW: call
 * before the privilege drop). 0, or -errno with libnet's words in why. */
int arp_sweep_open(const char *ifname, struct arp_sweep **ret, char *why, size_t whylen);
void arp_sweep_free(struct arp_sweep *s);
/* Build the request for tpa from spa (both host order) into buf: the exact
 * bytes that go on the wire. The length, or -errno. */
int arp_sweep_frame(struct arp_sweep *s, const uint8_t sha[6], uint32_t spa, uint32_t tpa,
                    uint8_t *buf, size_t cap);
/* Start sweeping plan->targets (the plan must outlive the sweep).
 * 0 or -ENOMEM. */
int arp_sweep_start(struct arp_sweep *s, const uint8_t sha[6], const struct probe_plan *plan,
                    const struct pacer_cfg *cfg, uint64_t now);
/* Send what is due at `now`. 1 finished, 0 running (call again at
 * *ret_wake, or earlier), -errno when sending failed for good (the
 * interface went away): the sweep is then finished. */
int arp_sweep_run(struct arp_sweep *s, uint64_t now, uint64_t *ret_wake);
/* An ARP frame said ip (network order bytes) is at mac. */
void arp_sweep_seen(struct arp_sweep *s, const uint8_t mac[6], const uint8_t ip[4], uint64_t ts);
/* Add arp.alive / arp.proxy observations to the inventory, fill stats. */
int arp_sweep_results(struct arp_sweep *s, struct inventory *inv, struct arp_sweep_stats *ret);
void arp_sweep_stats(const struct arp_sweep *s, struct arp_sweep_stats *ret);

#endif
