/* banner.c - the banner probe (prober.h): what the servers on a host's open
 * ports say about themselves. SSH identification strings, HTTP(S) Server
 * headers and titles, SMB2 dialects and the NTLMSSP CHALLENGE's Windows
 * build, RDP's protocol and build, greeting lines, and SNMP's system group
 * when --snmp-community names a community.
 *
 * This file holds the probe: which hosts may be asked (host(), only those
 * the plan allows), which ports are open (seen() of the TCP probe's
 * tcp.open), what to say to each (banner_choose), the schedule (one token
 * per connection, BANNER_CONNS_MAX at once, BANNER_PER_HOST_MAX per host,
 * hosts taken in turn) and the end rule. banner_conv.c holds one
 * conversation, banner_tls.c the TLS. Everything a conversation learns
 * reaches the inventory as observations through prober_emit().
 */
#include "banner_int.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netinv/util.h"

/* One thing to ask a host. */
struct bitem {
        const char *name;       /* service name */
        uint16_t port;
        uint8_t app;            /* enum banner_app */
        uint8_t community;      /* APP_SNMP */
};

struct bhost {
        uint32_t ip;            /* host order */
        uint8_t mac[6];
        uint8_t inflight;       /* conversations open now */
        bool in_rq;             /* in the run queue */
        bool snmp_ok;           /* a community answered: ask no other */
        uint32_t rq_next;       /* run queue link: index + 1 */
        uint32_t mac_next;      /* the next host with this MAC: index + 1 */
        uint16_t n_items, next, cap_items;      /* items[next..n_items) wait */
        uint64_t tcp_answered;  /* bit k: the TCP probe's answer on opts->ports[k] came */
        struct bitem *items;
};

/* ------------------------------------------------------------ deciding */

static const struct {
        uint16_t port;
        uint8_t app;
} port_table[] = {      /* names: port_name() in util/ports.c */
        { 21, APP_GREET },
        { 22, APP_SSH },
        { 23, APP_GREET },
        { 25, APP_GREET },
        { 80, APP_HTTP },
        { 81, APP_HTTP },
        { 102, APP_NONE },      /* S7: prober_payload_ok refuses it too */
        { 110, APP_GREET },
        { 135, APP_NONE },      /* waits for DCE/RPC */
        { 139, APP_NONE },      /* waits for a NetBIOS session request */
        { 143, APP_GREET },
        { 443, APP_HTTPS },
        { 445, APP_SMB },
        { 502, APP_NONE },
        { 515, APP_NONE },
        { 587, APP_GREET },
        { 631, APP_HTTP },
        { 2222, APP_SSH },
        { 2404, APP_NONE },
        { 3306, APP_GREET },
        { 3389, APP_RDP },
        { 5000, APP_HTTP },
        { 5001, APP_HTTPS },
        { 5900, APP_GREET },
        { 8000, APP_HTTP },
        { 8008, APP_HTTP },
        { 8080, APP_HTTP },
        { 8081, APP_HTTP },
        { 8443, APP_HTTPS },
        { 8888, APP_HTTP },
        { 9100, APP_NONE },
        { 20000, APP_NONE },
        { 44818, APP_NONE },
        { 47808, APP_NONE },
};

enum banner_app banner_choose(const struct prober_opts *o, uint16_t port, const char **ret_name)
{
        enum banner_app app = APP_PROBE;
        const char *name = port_name(port);
        for (size_t i = 0; i < sizeof(port_table) / sizeof(port_table[0]); i++)
                if (port_table[i].port == port) {
                        app = port_table[i].app;
                        break;
                }
        if (port >= 9101 && port <= 9107)       /* raw printing, like 9100 */
                app = APP_NONE;
        /* Not even a connection: a printer may print what an empty
         * connection is taken for, a PLC may not like being touched. The
         * fragile ports are all APP_NONE above too, so that --payload-ports
         * cannot make the probe send them HTTP. */
        if (port == 0 || !prober_payload_ok(o, port))
                app = APP_NONE;
        *ret_name = name;
        return app;
}

static uint64_t clamp_ms(uint64_t v, uint64_t lo, uint64_t hi)
{
        return (v < lo ? lo : v > hi ? hi : v) * 1000u;
}

uint64_t banner_connect_us(const struct prober_opts *o)
{
        return clamp_ms((uint64_t)o->timeout_ms * BANNER_CONNECT_X, BANNER_CONNECT_MS_MIN,
                        BANNER_CONNECT_MS_MAX);
}

uint64_t banner_conv_us(const struct prober_opts *o)
{
        return clamp_ms((uint64_t)o->timeout_ms * BANNER_CONV_X, BANNER_CONV_MS_MIN,
                        BANNER_CONV_MS_MAX);
}

uint64_t banner_tcp_wait_us(const struct prober_opts *o, uint64_t n_hosts)
{
        uint64_t rate = o->rate_pps ? o->rate_pps : PROBE_RATE_DEFAULT;
        uint64_t sends = n_hosts * o->n_ports * (1u + (uint64_t)o->retries);
        return sends * 1000000u / rate * BANNER_TCP_SHARE +
               (1u + (uint64_t)o->retries) * o->timeout_ms * 1000u;
}

/* Length of the valid UTF-8 sequence starting with lead byte b whose
 * continuation bytes are in c (not consumed); 0 when invalid or cut. */
static size_t utf8_len(const struct cursor *c, uint8_t b)
{
        size_t k;
        uint8_t lo = 0x80, hi = 0xbf, x;
        if (b >= 0xc2 && b <= 0xdf)
                k = 2;
        else if (b >= 0xe0 && b <= 0xef)
                k = 3;
        else if (b >= 0xf0 && b <= 0xf4)
                k = 4;
        else
                return 0;
        /* no overlong forms, no surrogates, nothing past U+10FFFF */
        if (b == 0xe0)
                lo = 0xa0;
        else if (b == 0xed)
                hi = 0x9f;
        else if (b == 0xf0)
                lo = 0x90;
        else if (b == 0xf4)
                hi = 0x8f;
        for (size_t j = 0; j + 1 < k; j++) {
                if (!cur_peek_u8(c, j, &x) || x < lo || x > hi)
                        return 0;
                lo = 0x80;
                hi = 0xbf;
        }
        return k;
}

size_t banner_clean(struct cursor *c, bool line, char *out, size_t cap)
{
        size_t n = 0;
        bool gap = false;

        if (cap == 0)
                return 0;
        while (cur_ok(c) && cur_left(c) > 0) {
                uint8_t b = cur_u8(c);
                size_t k = 1;
                if (line && b == '\n')
                        break;
                if (b >= 0x80) {
                        k = utf8_len(c, b);
                        if (k == 0) {
                                gap = true;
                                continue;
                        }
                } else if (b <= ' ' || b == 0x7f) {
                        gap = true;
                        continue;
                }
                if (gap && n > 0) {
                        if (n + 1 + k > cap - 1)
                                break;
                        out[n++] = ' ';
                }
                gap = false;
                if (n + k > cap - 1)
                        break;
                out[n++] = (char)b;
                if (k > 1)
                        cur_copy(c, out + n, k - 1);
                n += k - 1;
        }
        out[n] = '\0';
        return n;
}

size_t banner_service_fmt(char *out, size_t cap, bool udp, uint16_t port, const char *name,
                          const char *text)
{
        bool has = text && *text;
        int n = snprintf(out, cap, "%s/%u %s%s%s", udp ? "udp" : "tcp", (unsigned)port, name,
                         has ? " " : "", has ? text : "");
        if (n < 0)
                return 0;
        return (size_t)n < cap ? (size_t)n : cap ? cap - 1 : 0;
}

/* ------------------------------------------------------------ hosts */

const uint8_t *banner_host_mac(const struct banner *b, uint32_t host)
{
        return b->hosts[host].mac;
}

static uint32_t mac_hash(const uint8_t mac[6])
{
        uint32_t h = 2166136261u;       /* FNV-1a */
        for (int i = 0; i < 6; i++)
                h = (h ^ mac[i]) * 16777619u;
        return h;
}

/* The slot of mac in by_mac: its entry, or the empty slot where it goes. */
static uint32_t mac_slot(const struct banner *b, const uint8_t mac[6])
{
        uint32_t i = mac_hash(mac) & (b->mac_cap - 1);
        while (b->by_mac[i] && memcmp(b->hosts[b->by_mac[i] - 1].mac, mac, 6) != 0)
                i = (i + 1) & (b->mac_cap - 1);
        return i;
}

static int mac_grow(struct banner *b)
{
        uint32_t old_cap = b->mac_cap, *old = b->by_mac;
        uint32_t cap = old_cap ? old_cap * 2 : 64;
        b->by_mac = calloc(cap, sizeof(*b->by_mac));
        if (!b->by_mac) {
                b->by_mac = old;
                return -ENOMEM;
        }
        b->mac_cap = cap;
        for (uint32_t i = 0; i < old_cap; i++)
                if (old[i])
                        b->by_mac[mac_slot(b, b->hosts[old[i] - 1].mac)] = old[i];
        free(old);
        return 0;
}

static bool runnable(const struct bhost *h)
{
        return h->next < h->n_items && h->inflight < BANNER_PER_HOST_MAX;
}

static void rq_push(struct banner *b, uint32_t hi, bool front)
{
        struct bhost *h = &b->hosts[hi];
        if (h->in_rq || !runnable(h))
                return;
        h->in_rq = true;
        if (front) {
                h->rq_next = b->rq_head;
                b->rq_head = hi + 1;
                if (!b->rq_tail)
                        b->rq_tail = hi + 1;
                return;
        }
        h->rq_next = 0;
        if (b->rq_tail)
                b->hosts[b->rq_tail - 1].rq_next = hi + 1;
        else
                b->rq_head = hi + 1;
        b->rq_tail = hi + 1;
}

static uint32_t rq_pop(struct banner *b)
{
        uint32_t hi = b->rq_head - 1;
        struct bhost *h = &b->hosts[hi];
        b->rq_head = h->rq_next;
        if (!b->rq_head)
                b->rq_tail = 0;
        h->rq_next = 0;
        h->in_rq = false;
        return hi;
}

static void add_item(struct banner *b, uint32_t hi, uint16_t port, enum banner_app app,
                     const char *name, uint8_t community)
{
        struct bhost *h = &b->hosts[hi];
        for (uint16_t i = 0; i < h->n_items; i++)
                if (h->items[i].port == port && h->items[i].community == community &&
                    (h->items[i].app == APP_SNMP) == (app == APP_SNMP))
                        return;                 /* asked already */
        if (h->n_items >= BANNER_ITEMS_PER_HOST)
                return;
        if (h->n_items == h->cap_items) {
                uint16_t cap = h->cap_items ? (uint16_t)(h->cap_items * 2) : 4;
                struct bitem *it = realloc(h->items, cap * sizeof(*it));
                if (!it)
                        return;
                h->items = it;
                h->cap_items = cap;
        }
        h->items[h->n_items++] = (struct bitem){ .name = name, .port = port, .app = (uint8_t)app,
                                                 .community = community };
        rq_push(b, hi, false);
}

static void banner_host(void *p, uint32_t ip, const uint8_t mac[6], uint64_t now)
{
        struct banner *b = p;
        const struct prober_opts *o = b->env->opts;
        if (!prober_may_probe(b->env, ip) || !mac_is_unicast(mac))
                return;
        long pi = probe_plan_find(b->env->plan, ip);
        if (pi < 0 || b->by_plan[pi])
                return;                         /* once per address */
        if (b->n_hosts == b->cap_hosts) {
                uint32_t cap = b->cap_hosts ? b->cap_hosts * 2 : 64;
                struct bhost *nh = realloc(b->hosts, cap * sizeof(*nh));
                if (!nh)
                        return;
                b->hosts = nh;
                b->cap_hosts = cap;
        }
        if ((b->n_hosts + 1) * 2 > b->mac_cap && mac_grow(b) < 0)
                return;
        uint32_t hi = b->n_hosts++;
        struct bhost *h = &b->hosts[hi];
        memset(h, 0, sizeof(*h));
        h->ip = ip;
        memcpy(h->mac, mac, 6);
        b->by_plan[pi] = hi + 1;
        uint32_t slot = mac_slot(b, mac);
        h->mac_next = b->by_mac[slot];          /* newest first */
        b->by_mac[slot] = hi + 1;

        if (b->hosts_done)
                b->last_host = now;             /* found after the sweep: SYNs still to come */
        if (o->n_communities > 0 && prober_payload_ok(o, SNMP_PORT))
                for (size_t i = 0; i < o->n_communities && i < PROBER_COMMUNITIES_MAX; i++)
                        add_item(b, hi, SNMP_PORT, APP_SNMP, "snmp", (uint8_t)i);
}

static void banner_peer_done(void *p, enum probe_id id, uint64_t now)
{
        struct banner *b = p;
        (void)now;
        if (id == PROBER_TCP)
                b->tcp_done = true;
}

static void banner_hosts_done(void *p, uint64_t now)
{
        struct banner *b = p;
        if (b->hosts_done)
                return;
        b->hosts_done = true;
        b->hosts_done_at = now;
        b->tcp_wait_us = banner_tcp_wait_us(b->env->opts, b->n_hosts);
        b->tcp_wait_one_us = banner_tcp_wait_us(b->env->opts, 1);
}

/* "22" -> 22; 0 for anything else. The TCP probe writes it, but it is
 * read like any value: bounded, digits only. */
/* A TCP probe answer (tcp.open or tcp.closed) about this MAC and port:
 * count the (host, --ports entry) pair as answered, on the first of the
 * MAC's hosts that has not answered on that port yet. */
static void tcp_answered(struct banner *b, const uint8_t mac[6], uint16_t port)
{
        const struct prober_opts *o = b->env->opts;
        size_t k = 0;
        while (k < o->n_ports && k < PROBER_PORTS_MAX && o->ports[k] != port)
                k++;
        if (k == o->n_ports || k == PROBER_PORTS_MAX)
                return;                         /* not a port the TCP probe asks */
        uint32_t e = b->by_mac[mac_slot(b, mac)];
        for (unsigned i = 0; e && i < BANNER_IPS_PER_MAC; i++) {
                struct bhost *h = &b->hosts[e - 1];
                if (!(h->tcp_answered & (1ull << k))) {
                        h->tcp_answered |= 1ull << k;
                        b->tcp_pairs_answered++;
                        return;
                }
                e = h->mac_next;
        }
}

static void banner_seen(void *p, const struct obs *ob, uint64_t now)
{
        struct banner *b = p;
        bool open;
        if (ob->kind != OBS_ATTR || !ob->key)
                return;
        if (strcmp(ob->key, "tcp.open") == 0)
                open = true;
        else if (strcmp(ob->key, "tcp.closed") == 0)
                open = false;
        else
                return;
        uint16_t port = port_parse(ob->val, ob->val_len);
        if (!port)
                return;
        tcp_answered(b, ob->mac, port);
        if (!open)
                return;
        b->last_open = now;
        const char *name;
        enum banner_app app = banner_choose(b->env->opts, port, &name);
        if (app == APP_NONE) {
                b->n_refused_items++;
                return;
        }
        uint32_t e = b->by_mac[mac_slot(b, ob->mac)];
        for (unsigned k = 0; e && k < BANNER_IPS_PER_MAC; k++) {
                add_item(b, e - 1, port, app, name, 0);
                e = b->hosts[e - 1].mac_next;
        }
}

/* ------------------------------------------------------------ schedule */

void banner_released(struct banner *b, struct banner_conv *cv)
{
        struct bhost *h = &b->hosts[cv->host];
        if (cv->app == APP_SNMP && cv->ok)
                h->snmp_ok = true;
        h->inflight--;
        b->inflight--;
        cv->step = STEP_FREE;
        cv->fd = -1;
        rq_push(b, cv->host, false);
}

static struct banner_conv *free_slot(struct banner *b)
{
        for (size_t i = 0; i < BANNER_CONNS_MAX; i++)
                if (b->conv[i].step == STEP_FREE)
                        return &b->conv[i];
        return NULL;
}

/* Start what the caps and the tokens allow; hosts in turn. */
static uint64_t start_due(struct banner *b, uint64_t now)
{
        uint64_t wake = UINT64_MAX;
        while (b->inflight < BANNER_CONNS_MAX && b->rq_head) {
                uint32_t hi = rq_pop(b);
                struct bhost *h = &b->hosts[hi];
                if (!runnable(h))
                        continue;
                const struct bitem *it = &h->items[h->next];
                if (it->app == APP_SNMP && h->snmp_ok) {
                        h->next++;
                        rq_push(b, hi, false);
                        continue;
                }
                uint64_t when = UINT64_MAX;
                if (!b->take(b->env->budget, true, now, &when)) {
                        rq_push(b, hi, true);
                        wake = when;
                        break;
                }
                struct banner_conv *cv = free_slot(b);
                uint8_t *buf = cv->buf;
                memset(cv, 0, sizeof(*cv));
                cv->buf = buf;
                cv->fd = -1;
                cv->host = hi;
                cv->ip = h->ip;
                cv->port = it->port;
                cv->app = it->app;
                cv->name = it->name;
                cv->community = it->community;
                cv->step = STEP_CONNECT;
                h->next++;
                h->inflight++;
                b->inflight++;
                b->n_dialled++;
                if (b->dial(b, cv, now) < 0) {
                        b->n_failed++;
                        banner_conv_finish(b, cv);
                }
                rq_push(b, hi, false);
        }
        return wake;
}

static int banner_run(void *p, uint64_t now, uint64_t *ret_wake)
{
        struct banner *b = p;
        uint64_t wake;

        for (size_t i = 0; i < BANNER_CONNS_MAX; i++)
                if (b->conv[i].step != STEP_FREE)
                        banner_conv_tick(b, &b->conv[i], now);
        wake = start_due(b, now);
        for (size_t i = 0; i < BANNER_CONNS_MAX; i++)
                if (b->conv[i].step != STEP_FREE) {
                        uint64_t w = banner_conv_wake(&b->conv[i]);
                        if (w < wake)
                                wake = w;
                }
        /* The end: the sweep is over, nothing waits or runs, and no
         * tcp.open can still come: the TCP probe said it is finished, or
         * every (host, port) pair of it has answered, or, when it does not
         * run, its time is up (see BANNER_TCP_SHARE). */
        if (b->hosts_done && !b->rq_head && b->inflight == 0) {
                const struct prober_opts *o = b->env->opts;
                if (b->tcp_done || b->tcp_pairs_answered >= (uint64_t)b->n_hosts * o->n_ports)
                        return 1;
                uint64_t end = b->hosts_done_at + b->tcp_wait_us;
                uint64_t quiet = b->last_open +
                                 (uint64_t)BANNER_QUIET_X * b->env->opts->timeout_ms * 1000u;
                if (b->last_open && quiet > end)
                        end = quiet;
                if (b->last_host && b->last_host + b->tcp_wait_one_us > end)
                        end = b->last_host + b->tcp_wait_one_us;
                if (now >= end)
                        return 1;
                if (end < wake)
                        wake = end;
        }
        *ret_wake = wake;
        return 0;
}

static size_t banner_pollfds(void *p, struct pollfd *fds, size_t cap)
{
        struct banner *b = p;
        size_t n = 0;
        for (size_t i = 0; i < BANNER_CONNS_MAX && n < cap; i++) {
                const struct banner_conv *cv = &b->conv[i];
                if (cv->step == STEP_FREE || cv->fd < 0 || !cv->want)
                        continue;
                fds[n] = (struct pollfd){ .fd = cv->fd, .events = cv->want };
                b->polled[n++] = (uint8_t)i;
        }
        b->n_polled = n;
        return n;
}

static void banner_ready(void *p, const struct pollfd *fds, size_t n, uint64_t now)
{
        struct banner *b = p;
        for (size_t i = 0; i < n && i < b->n_polled; i++) {
                struct banner_conv *cv = &b->conv[b->polled[i]];
                if (!fds[i].revents || cv->step == STEP_FREE || cv->fd != fds[i].fd)
                        continue;
                banner_conv_io(b, cv, fds[i].revents, now);
        }
        b->n_polled = 0;
}

/* ------------------------------------------------------------ life */

int banner_new(const struct prober_env *env, struct banner **ret, char *why, size_t whylen)
{
        struct banner *b = calloc(1, sizeof(*b));
        if (!b)
                goto nomem;
        b->env = env;
        b->take = prober_take;
        b->dial = banner_conv_dial;
        b->connect_us = banner_connect_us(env->opts);
        b->conv_us = banner_conv_us(env->opts);
        b->idle_us = b->connect_us;
        b->by_plan = calloc(env->plan && env->plan->n_targets ? env->plan->n_targets : 1,
                            sizeof(*b->by_plan));
        b->bufs = malloc((size_t)BANNER_CONNS_MAX * BANNER_READ_MAX);
        b->sink = malloc(sizeof(*b->sink));
        b->scratch = malloc(sizeof(*b->scratch));
        if (!b->by_plan || !b->bufs || !b->sink || !b->scratch || mac_grow(b) < 0)
                goto nomem;
        for (size_t i = 0; i < BANNER_CONNS_MAX; i++) {
                b->conv[i].fd = -1;
                b->conv[i].buf = b->bufs + i * BANNER_READ_MAX;
        }
        obs_sink_reset(b->sink);
        *ret = b;
        return 0;
nomem:
        banner_free(b);
        snprintf(why, whylen, "out of memory");
        return -ENOMEM;
}

void banner_free(struct banner *b)
{
        if (!b)
                return;
        for (size_t i = 0; i < BANNER_CONNS_MAX; i++) {
                struct banner_conv *cv = &b->conv[i];
                if (cv->step == STEP_FREE)
                        continue;
                banner_tls_end(cv);
                if (cv->fd >= 0)
                        close(cv->fd);
        }
        for (uint32_t i = 0; i < b->n_hosts; i++)
                free(b->hosts[i].items);
        free(b->hosts);
        free(b->by_plan);
        free(b->by_mac);
        free(b->bufs);
        free(b->sink);
        free(b->scratch);
        banner_tls_free(b->tls);
        free(b);
}

static int banner_open(const struct prober_env *env, void **ret, char *why, size_t whylen)
{
        struct banner *b;
        int r = banner_new(env, &b, why, whylen);
        if (r < 0)
                return r;
        /* Made before the privilege drop: OpenSSL reads its configuration. */
        b->tls = banner_tls_new(why, whylen);
        if (!b->tls) {
                banner_free(b);
                return -EIO;
        }
        *ret = b;
        return 0;
}

static void banner_free_op(void *p)
{
        banner_free(p);
}

static uint64_t banner_max_packets(const struct prober_opts *o, uint64_t n_hosts)
{
        /* One token per connection and per SNMP datagram; a connection's own
         * segments are TCP's. */
        return n_hosts * (o->n_ports + o->n_communities * (1u + (uint64_t)o->retries));
}

const struct probe_ops probe_banner_ops = {
        .name = "banner",
        .summary = "SSH, HTTP(S), SMB2, RDP answers on open ports; SNMP with --snmp-community",
        .open = banner_open,
        .free = banner_free_op,
        .host = banner_host,
        .hosts_done = banner_hosts_done,
        .peer_done = banner_peer_done,
        .seen = banner_seen,
        .run = banner_run,
        .pollfds = banner_pollfds,
        .ready = banner_ready,
        .max_packets = banner_max_packets,
};
