/* tcp.c - the tcp probe (prober.h): one TCP SYN to each --ports port of
 * each IPv4 host the sweep found alive; the answers say which ports are
 * open and what TCP stack the host runs.
 *
 * What goes out: Ethernet + IPv4 (DF, TTL 64) + TCP SYN, from the
 * interface's MAC and its IPv4 address in the host's subnet, to the MAC
 * the host answered ARP from. One random source port per scan, a random
 * ISN, IP id and timestamp per SYN. The SYN offers the options a Linux
 * connect() offers (MSS 1460, SACK permitted, timestamps, NOP, window
 * scale 7): a host answers only with the options it was offered, and an
 * MSS-only SYN (nmap's) gets an MSS-only SYN-ACK from every stack, which
 * tells none apart (tests/captures/tcp-nmap.pcap).
 *
 * Frames are built by libnet (a LIBNET_LINK_ADV handle opened before the
 * privilege drop; the blocks are updated in place for each SYN) and sent
 * with sendto() on libnet's packet socket, like the ARP sweep (arp.c):
 * ENOBUFS backs off and the same SYN goes later; it never aborts.
 *
 * Answers are not read here: SYN-ACKs and RST+ACKs come back through the
 * capture and dissect/tcp.c (tcp.open / tcp.closed, about the host's MAC),
 * and seen() marks those (host, port) pairs answered. The kernel of the
 * scanning host has no socket for our SYNs, so it answers each SYN-ACK
 * with a RST: that closes the half-open connection on the host (good
 * manners), and the dissector ignores it (no ACK flag).
 *
 * Order and pacing: passes over (port, host), port-major (all hosts for the
 * first port, then the second ...), so no host gets a burst. Every SYN
 * takes a token of the shared budget. A pass sends to every pair that has
 * neither answered nor used its 1 + --retries tries; the next pass starts
 * --timeout after the last SYN of the one before, so every retry has
 * waited at least that long. Finished when no pair is left and --timeout
 * has passed since the last SYN.
 */
#include "netinv/prober.h"

#include <errno.h>
#include <linux/if_ether.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "netinv/util.h"
#include "rawlink.h"

#define TCP_SYN_TTL     64      /* the Linux/BSD default (RFC 1700's 64) */
#define TCP_SYN_WINDOW  64240   /* what Linux offers with MSS 1460: 44 * 1460 */
#define TCP_SYN_MSS     1460    /* Ethernet MTU 1500 - 40 */
#define TCP_SYN_WSCALE  7
#define TCP_FRAME_MAX   128
/* A full /16 of live hosts; beyond that hosts are counted, not probed
 * (with 64 ports, 4 MiB of pair state). */
#define TCP_HOSTS_MAX   65536u

/* Pair state: tries in the low bits, answered on top. */
#define PAIR_TRIES      0x3f
#define PAIR_OPEN       0x80
#define PAIR_CLOSED     0x40

/* The options of the SYN (RFC 9293 §3.2, RFC 2018, RFC 7323), in the
 * order Linux sends them; TSval at byte 8 is filled per SYN. */
static const uint8_t syn_opts_tmpl[20] = {
        2, 4, TCP_SYN_MSS >> 8, TCP_SYN_MSS & 0xff,     /* MSS */
        4, 2,                                           /* SACK permitted */
        8, 10, 0, 0, 0, 0, 0, 0, 0, 0,                  /* timestamps: TSval, TSecr 0 */
        1,                                              /* NOP */
        3, 3, TCP_SYN_WSCALE,                           /* window scale */
};

struct tcp_host {
        uint32_t ip, spa;       /* its address and ours in its subnet */
        uint8_t mac[6];
};

struct tcp_probe {
        const struct prober_env *env;
        struct rawlink link;
        libnet_ptag_t opt_tag, tcp_tag, ip_tag, eth_tag;

        struct tcp_host *hosts;
        uint8_t *pair;          /* n_hosts rows of n_ports bytes */
        size_t n_hosts, cap_hosts, n_ports;
        uint32_t *mac_ix;       /* open-addressing table: host index + 1, by MAC */
        size_t mac_cap;         /* power of two, > 2 * n_hosts */

        uint8_t max_tries;
        uint64_t timeout_us;
        uint16_t sport;
        uint64_t rng;           /* xorshift64 state: ISN, IP id, TSval */

        bool hosts_done, in_pass, sent_any;
        size_t pos_port, pos_host;
        size_t pending;         /* pairs not answered with tries left */
        uint64_t last_send;
        uint64_t backoff_us, blocked_until;
        uint64_t sent, enobufs, dropped_hosts, n_open, n_closed;
};

static uint64_t rnd(struct tcp_probe *t)
{
        /* xorshift64: not for secrets, only so that ISNs and ids differ. */
        uint64_t x = t->rng;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return t->rng = x;
}

static void tcp_free(void *p)
{
        struct tcp_probe *t = p;
        if (!t)
                return;
        free(t->hosts);
        free(t->pair);
        free(t->mac_ix);
        rawlink_close(&t->link);
        free(t);
}

static int tcp_open(const struct prober_env *env, void **ret, char *why, size_t whylen)
{
        struct tcp_probe *t = calloc(1, sizeof(*t));
        if (!t) {
                snprintf(why, whylen, "out of memory");
                return -ENOMEM;
        }
        t->env = env;
        t->link.fd = -1;
        t->n_ports = env->opts->n_ports;
        uint32_t retries = env->opts->retries;
        t->max_tries = (uint8_t)(1 + (retries > PROBE_RETRIES_MAX ? PROBE_RETRIES_MAX : retries));
        uint32_t tmo = env->opts->timeout_ms ? env->opts->timeout_ms : PROBE_TIMEOUT_MS_DEFAULT;
        t->timeout_us = (uint64_t)(tmo > PROBE_TIMEOUT_MS_MAX ? PROBE_TIMEOUT_MS_MAX : tmo) * 1000;
        if (getrandom(&t->rng, sizeof(t->rng), 0) != sizeof(t->rng) || !t->rng)
                t->rng = 0x9e3779b97f4a7c15ull ^ (uint64_t)(uintptr_t)t;
        /* One source port per scan, in the Linux ephemeral range. */
        t->sport = (uint16_t)(32768 + rnd(t) % 28232);

        int r = rawlink_open(&t->link, env->ifc->name, why, whylen);
        if (r < 0) {
                tcp_free(t);
                return r;
        }
        *ret = t;
        return 0;
}

int probe_tcp_frame(void *p, const struct tcp_syn *syn, uint8_t *buf, size_t cap)
{
        struct tcp_probe *t = p;
        uint8_t opts[sizeof(syn_opts_tmpl)];

        memcpy(opts, syn_opts_tmpl, sizeof(opts));
        opts[8] = (uint8_t)(syn->tsval >> 24);
        opts[9] = (uint8_t)(syn->tsval >> 16);
        opts[10] = (uint8_t)(syn->tsval >> 8);
        opts[11] = (uint8_t)syn->tsval;
        /* libnet 1.1: the options block before the TCP header it belongs to. */
        t->opt_tag = libnet_build_tcp_options(opts, sizeof(opts), t->link.l, t->opt_tag);
        if (t->opt_tag < 0)
                return -EINVAL;
        t->tcp_tag = libnet_build_tcp(syn->sport, syn->dport, syn->isn, 0, TH_SYN, TCP_SYN_WINDOW,
                                      0, 0, LIBNET_TCP_H + sizeof(opts), NULL, 0, t->link.l,
                                      t->tcp_tag);
        if (t->tcp_tag < 0)
                return -EINVAL;
        t->ip_tag = libnet_build_ipv4(LIBNET_IPV4_H + LIBNET_TCP_H + sizeof(opts), 0, syn->ip_id,
                                      IP_DF, TCP_SYN_TTL, IPPROTO_TCP, 0, htonl(syn->src_ip),
                                      htonl(syn->dst_ip), NULL, 0, t->link.l, t->ip_tag);
        if (t->ip_tag < 0)
                return -EINVAL;
        t->eth_tag = libnet_build_ethernet(syn->dst_mac, syn->src_mac, ETHERTYPE_IP, NULL, 0,
                                           t->link.l, t->eth_tag);
        if (t->eth_tag < 0)
                return -EINVAL;
        return rawlink_cull(&t->link, buf, cap);
}

/* ---- hosts, and the MAC index seen() needs ---- */

static size_t mac_hash(const uint8_t mac[6], size_t cap)
{
        uint64_t h = 0;
        for (int i = 0; i < 6; i++)
                h = (h << 8) | mac[i];
        h *= 0x9e3779b97f4a7c15ull;
        return (size_t)(h >> 20) & (cap - 1);
}

static int mac_index_grow(struct tcp_probe *t)
{
        size_t cap = t->mac_cap ? t->mac_cap * 2 : 64;
        uint32_t *ix = calloc(cap, sizeof(*ix));
        if (!ix)
                return -ENOMEM;
        for (size_t h = 0; h < t->n_hosts; h++) {
                size_t k = mac_hash(t->hosts[h].mac, cap);
                while (ix[k])
                        k = (k + 1) & (cap - 1);
                ix[k] = (uint32_t)h + 1;
        }
        free(t->mac_ix);
        t->mac_ix = ix;
        t->mac_cap = cap;
        return 0;
}

static int add_host(struct tcp_probe *t, uint32_t ip, uint32_t spa, const uint8_t mac[6])
{
        if (t->n_hosts == t->cap_hosts) {
                size_t cap = t->cap_hosts ? t->cap_hosts * 2 : 16;
                struct tcp_host *h = realloc(t->hosts, cap * sizeof(*h));
                if (!h)
                        return -ENOMEM;
                t->hosts = h;
                uint8_t *pr = realloc(t->pair, cap * t->n_ports);
                if (!pr)
                        return -ENOMEM;
                t->pair = pr;
                t->cap_hosts = cap;
        }
        if (2 * (t->n_hosts + 1) >= t->mac_cap && mac_index_grow(t) < 0)
                return -ENOMEM;
        size_t h = t->n_hosts++;
        t->hosts[h] = (struct tcp_host){ .ip = ip, .spa = spa };
        memcpy(t->hosts[h].mac, mac, 6);
        memset(t->pair + h * t->n_ports, 0, t->n_ports);
        t->pending += t->n_ports;
        size_t k = mac_hash(mac, t->mac_cap);
        while (t->mac_ix[k])
                k = (k + 1) & (t->mac_cap - 1);
        t->mac_ix[k] = (uint32_t)h + 1;
        return 0;
}

static void tcp_host(void *p, uint32_t ip, const uint8_t mac[6], uint64_t now)
{
        struct tcp_probe *t = p;
        (void)now;
        if (!t->n_ports || !prober_may_probe(t->env, ip) || !mac_is_unicast(mac))
                return;
        /* Our address in its subnet; a host outside every subnet of the
         * interface is not on the link for us (no source address). */
        uint32_t spa = 0;
        for (size_t i = 0; i < t->env->ifc->n_nets && !spa; i++)
                if (ip4_net_contains(&t->env->ifc->nets[i], ip))
                        spa = t->env->ifc->nets[i].addr;
        if (!spa)
                return;
        if (t->mac_cap) {       /* the same address twice: once is enough */
                for (size_t k = mac_hash(mac, t->mac_cap); t->mac_ix[k];
                     k = (k + 1) & (t->mac_cap - 1))
                        if (t->hosts[t->mac_ix[k] - 1].ip == ip &&
                            memcmp(t->hosts[t->mac_ix[k] - 1].mac, mac, 6) == 0)
                                return;
        }
        if (t->n_hosts >= TCP_HOSTS_MAX || add_host(t, ip, spa, mac) < 0)
                t->dropped_hosts++;
}

static void tcp_hosts_done(void *p, uint64_t now)
{
        struct tcp_probe *t = p;
        (void)now;
        t->hosts_done = true;
}

static void tcp_seen(void *p, const struct obs *ob, uint64_t now)
{
        struct tcp_probe *t = p;
        (void)now;
        if (ob->source != PROTO_TCP || ob->kind != OBS_ATTR || !t->mac_cap)
                return;
        uint8_t mark;
        if (strcmp(ob->key, "tcp.open") == 0)
                mark = PAIR_OPEN;
        else if (strcmp(ob->key, "tcp.closed") == 0)
                mark = PAIR_CLOSED;
        else
                return;
        uint16_t port = port_parse(ob->val, ob->val_len);
        size_t pi = 0;
        while (pi < t->n_ports && t->env->opts->ports[pi] != port)
                pi++;
        if (!port || pi == t->n_ports)
                return;
        /* The answer names the MAC, not the address: every address of that
         * MAC counts as answered on that port (a host with aliases answers
         * for all of them alike). */
        for (size_t k = mac_hash(ob->mac, t->mac_cap); t->mac_ix[k];
             k = (k + 1) & (t->mac_cap - 1)) {
                size_t h = t->mac_ix[k] - 1;
                if (memcmp(t->hosts[h].mac, ob->mac, 6) != 0)
                        continue;
                uint8_t *st = &t->pair[h * t->n_ports + pi];
                if (*st & (PAIR_OPEN | PAIR_CLOSED))
                        continue;
                if ((*st & PAIR_TRIES) < t->max_tries)
                        t->pending--;
                *st |= mark;
                if (mark == PAIR_OPEN)
                        t->n_open++;
                else
                        t->n_closed++;
        }
}

static bool eligible(const struct tcp_probe *t, size_t h, size_t pi)
{
        uint8_t st = t->pair[h * t->n_ports + pi];
        return !(st & (PAIR_OPEN | PAIR_CLOSED)) && (st & PAIR_TRIES) < t->max_tries;
}

/* Move the pass position to the next pair that needs a SYN; false when the
 * pass is over. */
static bool next_pair(struct tcp_probe *t)
{
        while (t->pos_port < t->n_ports) {
                while (t->pos_host < t->n_hosts) {
                        if (eligible(t, t->pos_host, t->pos_port))
                                return true;
                        t->pos_host++;
                }
                t->pos_host = 0;
                t->pos_port++;
        }
        return false;
}

static int send_syn(struct tcp_probe *t, size_t h, size_t pi)
{
        const struct tcp_host *ho = &t->hosts[h];
        struct tcp_syn syn = {
                .src_ip = ho->spa, .dst_ip = ho->ip,
                .sport = t->sport, .dport = t->env->opts->ports[pi],
                .isn = (uint32_t)rnd(t), .tsval = (uint32_t)rnd(t), .ip_id = (uint16_t)rnd(t),
        };
        uint8_t frame[TCP_FRAME_MAX];

        memcpy(syn.src_mac, t->env->ifc->mac, 6);
        memcpy(syn.dst_mac, ho->mac, 6);
        int len = probe_tcp_frame(t, &syn, frame, sizeof(frame));
        if (len < 0)
                return len;
        return rawlink_send(&t->link, frame, (size_t)len, ETH_P_IP, ho->mac);
}

static int tcp_run(void *p, uint64_t now, uint64_t *ret_wake)
{
        struct tcp_probe *t = p;

        if (!t->hosts_done) {
                *ret_wake = UINT64_MAX;         /* no tokens for host probes yet */
                return 0;
        }
        for (;;) {
                if (!t->in_pass) {
                        uint64_t quiet = t->last_send + t->timeout_us;
                        if (t->n_open + t->n_closed == t->n_hosts * t->n_ports)
                                return 1;       /* every pair answered (or none) */
                        if (t->sent_any && now < quiet) {
                                /* the previous pass's answers are still due */
                                *ret_wake = quiet;
                                return 0;
                        }
                        if (!t->pending)
                                return 1;
                        t->in_pass = true;
                        t->pos_port = t->pos_host = 0;
                }
                if (!next_pair(t)) {
                        t->in_pass = false;
                        if (!t->sent_any)
                                return 1;       /* nothing was ever due */
                        continue;
                }
                if (now < t->blocked_until) {
                        *ret_wake = t->blocked_until;
                        return 0;
                }
                uint64_t when;
                if (!prober_take(t->env->budget, true, now, &when)) {
                        *ret_wake = when;
                        return 0;
                }
                int r = send_syn(t, t->pos_host, t->pos_port);
                if (r == -ENOBUFS || r == -EAGAIN) {
                        /* The interface queue is full: wait, then the same SYN. */
                        t->enobufs++;
                        t->blocked_until = now + rawlink_backoff(&t->backoff_us);
                        continue;
                }
                if (r < 0)
                        return r;       /* the interface went away */
                t->backoff_us = 0;
                t->sent++;
                t->sent_any = true;
                t->last_send = now;
                uint8_t *st = &t->pair[t->pos_host * t->n_ports + t->pos_port];
                (*st)++;
                if ((*st & PAIR_TRIES) >= t->max_tries)
                        t->pending--;
                t->pos_host++;
        }
}

static uint64_t tcp_max_packets(const struct prober_opts *o, uint64_t n_hosts)
{
        uint64_t r = o->retries > PROBE_RETRIES_MAX ? PROBE_RETRIES_MAX : o->retries;
        return n_hosts * o->n_ports * (1 + r);
}

const struct probe_ops probe_tcp_ops = {
        .name = "tcp",
        .summary = "TCP SYN to --ports on each IPv4 host",
        .open = tcp_open,
        .free = tcp_free,
        .host = tcp_host,
        .hosts_done = tcp_hosts_done,
        .seen = tcp_seen,
        .run = tcp_run,
        .max_packets = tcp_max_packets,
};
