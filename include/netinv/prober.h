/* prober.h - the probes that follow the ARP sweep, and the engine that runs
 * them from the scan's event loop.
 *
 * Every probe is one file in src/probe/ that fills a struct probe_ops. The
 * engine (src/probe/engine.c) owns the probes' shared rate budget, tells
 * each probe what happened (the scan started, an address was found alive,
 * the sweep is over, the capture made an observation, a socket is ready),
 * and asks each what it wants to send. Probes never block: they send when
 * the engine lets them and wait for answers through the capture (raw and
 * multicast probes) or through their own non-blocking sockets (banners,
 * UPnP descriptions), which the engine polls for them.
 *
 * Phases. Multicast probes (IPv6, mDNS, SSDP) start with the scan. Probes
 * that ask one host at a time (NBNS, TCP, banners) get each address as it
 * is found alive (host()) and may start at once; the engine hands out their
 * send budget only after the sweep is over, so that the sweep keeps the
 * whole --rate. The scan ends when every probe's run() says finished.
 *
 * Safety, for every probe:
 *  - unicast only to addresses the plan holds (prober_may_probe), never to
 *    an address a peer named (a LOCATION, a SRV target, a referral) unless
 *    the plan holds it and it is the address that named it;
 *  - every packet takes a token (prober_take): --rate is the whole budget;
 *  - no payload to the ports prober_payload_ok() refuses (raw printing,
 *    industrial control) unless --payload-ports names them;
 *  - each connection and each wait has a deadline; a peer that accepts and
 *    never answers costs one timeout;
 *  - what comes back is parsed by a cursor-based parser and reaches the
 *    inventory only as observations (prober_emit).
 */
#ifndef NETINV_PROBER_H
#define NETINV_PROBER_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netinv/obs.h"
#include "netinv/probe.h"

enum probe_id {
        PROBER_IPV6,    /* ICMPv6 echo to ff02::1: hosts with link-local addresses */
        PROBER_MDNS,    /* DNS-SD browse and resolve over mDNS */
        PROBER_SSDP,    /* M-SEARCH, then the UPnP device descriptions */
        PROBER_NBNS,    /* NetBIOS node status to each IPv4 host */
        PROBER_TCP,     /* SYN to --ports on each IPv4 host */
        PROBER_BANNER,  /* SSH, HTTP(S), SMB2/NTLMSSP, RDP, SNMP answers on open ports */
        PROBER_N
};

#define PROBER_PORTS_MAX        64u
#define PROBER_COMMUNITIES_MAX  8u
/* The default SYN list (--ports): what tells a small office's devices
 * apart. 22 ssh, 23 telnet, 80 http, 135 msrpc, 139 netbios-ssn, 443 https,
 * 445 smb, 515 lpd, 631 ipp, 3389 rdp, 5000 synology/upnp, 8080 http-alt,
 * 9100 jetdirect. */
#define PROBER_PORTS_DEFAULT    "22,23,80,135,139,443,445,515,631,3389,5000,8080,9100"

struct prober_opts {
        uint32_t rate_pps;              /* --rate: all probes together */
        uint32_t retries;               /* --retries: extra sends per unanswered question */
        uint32_t timeout_ms;            /* --timeout: wait for an answer */
        uint16_t ports[PROBER_PORTS_MAX];       /* --ports: TCP SYN targets */
        size_t n_ports;
        uint16_t payload_ports[PROBER_PORTS_MAX];   /* --payload-ports: fragile ports allowed */
        size_t n_payload_ports;
        const char *communities[PROBER_COMMUNITIES_MAX];  /* --snmp-community; none: no SNMP */
        size_t n_communities;
};

struct prober_budget;

/* What a probe is given when it opens. Stable for the probe's lifetime. */
struct prober_env {
        const struct probe_iface *ifc;  /* name, MAC, IPv4 networks */
        int ifindex;
        uint8_t ip6_ll[16];             /* the interface's link-local address */
        bool has_ip6_ll;
        const struct probe_plan *plan;  /* the IPv4 addresses that may be probed */
        const struct prober_opts *opts;
        struct prober_budget *budget;   /* the engine's; use prober_take() */
        /* Observations a probe made from its own sockets (banners, UPnP
         * descriptions): the engine adds them to the inventory. */
        void (*emit)(void *user, const struct obs_sink *s, uint64_t ts_usec);
        void *emit_user;
};

/* One probe. Optional members may be NULL. Times are CLOCK_MONOTONIC µs
 * (the `now` the engine passes); observation timestamps (emit) are
 * wall-clock µs since the epoch (now_usec() in util.h). */
struct probe_ops {
        const char *name;       /* "ipv6", "mdns", ...: --no-<name> */
        const char *summary;    /* one line for --dry-run and the man page */
        /* Before the privilege drop: open raw handles and sockets.
         * 0, or -errno with a one-line reason in why. */
        int (*open)(const struct prober_env *env, void **ret, char *why, size_t whylen);
        void (*free)(void *p);
        void (*start)(void *p, uint64_t now);
        /* ip (host order) answered from mac; called once per address, any
         * time after start. Optional. */
        void (*host)(void *p, uint32_t ip, const uint8_t mac[6], uint64_t now);
        /* The sweep is over: no more host() calls from it (passively found
         * addresses may still come). Optional. */
        void (*hosts_done)(void *p, uint64_t now);
        /* Another probe (id) is finished: nothing more will come from
         * it (the banner probe waits for the TCP probe's answers). Not
         * called for probes that never ran. Optional. */
        void (*peer_done)(void *p, enum probe_id id, uint64_t now);
        /* Every observation the capture made (answers to raw and
         * multicast probes). Optional. */
        void (*seen)(void *p, const struct obs *ob, uint64_t now);
        /* Send what is due. 1 finished (nothing more will be sent or
         * awaited), 0 running (call again at *ret_wake or earlier), -errno
         * when it failed for good (it is then finished). */
        int (*run)(void *p, uint64_t now, uint64_t *ret_wake);
        /* Sockets to poll: fill at most cap, return how many. Optional. */
        size_t (*pollfds)(void *p, struct pollfd *fds, size_t cap);
        /* Those sockets after poll(), same order and count. Optional. */
        void (*ready)(void *p, const struct pollfd *fds, size_t n, uint64_t now);
        /* --dry-run: at most how many packets for n_hosts live hosts. */
        uint64_t (*max_packets)(const struct prober_opts *o, uint64_t n_hosts);
};

extern const struct probe_ops probe_ipv6_ops, probe_mdns_ops, probe_ssdp_ops,
        probe_nbns_ops, probe_tcp_ops, probe_banner_ops;

/* ---- for the probes ---- */

/* May one packet go now? 1: yes, and the token is taken. 0: not before
 * *ret_when. Host probes get tokens only after the sweep. */
int prober_take(struct prober_budget *b, bool host_probe, uint64_t now, uint64_t *ret_when);
/* Is ip (host order) one the plan allows to probe? */
bool prober_may_probe(const struct prober_env *env, uint32_t ip);
/* May anything but a SYN go to this port? No for raw printing (9100-9107,
 * 515) and industrial control (102, 502, 2404, 20000, 44818, 47808)
 * unless --payload-ports names it. */
bool prober_payload_ok(const struct prober_opts *o, uint16_t port);
/* Convenience: emit one sink (env->emit). */
static inline void prober_emit(const struct prober_env *env, const struct obs_sink *s,
                               uint64_t ts_usec)
{
        env->emit(env->emit_user, s, ts_usec);
}

/* ---- for the tests of the tcp probe (src/probe/tcp.c) ---- */

/* Every field of the SYN the tcp probe sends that varies. */
struct tcp_syn {
        uint8_t src_mac[6], dst_mac[6];
        uint32_t src_ip, dst_ip;        /* host order */
        uint16_t sport, dport;
        uint32_t isn;                   /* sequence number */
        uint32_t tsval;                 /* timestamp option value (RFC 7323) */
        uint16_t ip_id;
};
/* Build that SYN with the libnet handle of an open tcp probe (p from
 * probe_tcp_ops.open) into buf: the exact bytes that go on the wire.
 * The length, or -errno (-ENOSPC: buf too small). */
int probe_tcp_frame(void *p, const struct tcp_syn *syn, uint8_t *buf, size_t cap);

/* ---- for the scan ---- */

struct prober;

/* enabled[i]: probe i runs. Opens every enabled probe (before the
 * privilege drop). 0, or -errno with "<probe>: <reason>" in why. */
/* The interface's IPv6 link-local address: 0, or -ENOENT. */
int prober_ip6_linklocal(const char *ifname, uint8_t ret[16]);
int prober_open(const struct prober_env *env, const bool enabled[PROBER_N],
                struct prober **ret, char *why, size_t whylen);
void prober_free(struct prober *pr);
void prober_start(struct prober *pr, uint64_t now);
/* ip (host order) answered from mac. Only addresses of the plan reach the
 * probes, each once. */
void prober_host(struct prober *pr, uint32_t ip, const uint8_t mac[6], uint64_t now);
void prober_hosts_done(struct prober *pr, uint64_t now);
void prober_seen(struct prober *pr, const struct obs_sink *s, uint64_t now);
/* The shared budget (for the tests). */
struct prober_budget *prober_get_budget(struct prober *pr);
/* 1 when every probe finished, else 0 with *ret_wake. */
int prober_run(struct prober *pr, uint64_t now, uint64_t *ret_wake);
size_t prober_pollfds(struct prober *pr, struct pollfd *fds, size_t cap);
void prober_ready(struct prober *pr, const struct pollfd *fds, size_t n, uint64_t now);
/* The ops of probe id, or NULL. */
const struct probe_ops *prober_ops(enum probe_id id);
/* Parse "22,80,8000-8010" (no duplicates kept) into ports. 0 or -EINVAL. */
int prober_parse_ports(const char *s, uint16_t *ports, size_t cap, size_t *ret_n);

#endif
