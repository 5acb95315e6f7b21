/* ssdp.c - the ssdp probe (prober.h): an SSDP M-SEARCH to the UPnP
 * multicast group, then the UPnP device description of each device that
 * answered (or announced itself), fetched over HTTP and parsed by
 * parse_upnp (dissect/upnp.c).
 *
 * Search. One UDP socket, opened before the privilege drop, bound to the
 * interface and its address, multicast out of that interface with TTL
 * SSDP_TTL, sends `M-SEARCH * HTTP/1.1` (UDA 2.0 §1.3.2) for ssdp:all,
 * 1 + --retries times. The answers, unicast to that socket, come back
 * through the capture and dissect_ssdp like any frame; the scan hands
 * their observations to seen(). The socket is polled only to drain it.
 *
 * Descriptions. An ssdp.location is fetched when it is http:// to an IPv4
 * literal that is the source address of an SSDP message of the very
 * device (MAC) that sent it (the OBS_IPV4 dissect_ssdp makes just before
 * the LOCATION): prober.h's "the address that named it". Addresses other
 * protocols attach to a MAC are not taken (nor host(), which the scan
 * calls for them too): an mDNS A record or a DHCP request names any
 * address its sender likes, and would let a peer aim our GET at another
 * host. The address must also be one the plan allows
 * (prober_may_probe), on a port that may carry a payload
 * (prober_payload_ok). Each LOCATION once, at most UPNP_FETCH_PER_DEVICE
 * per device and UPNP_FETCH_MAX in all, UPNP_PARALLEL at a time, each
 * taking a host-probe token. libcurl's multi interface runs them without
 * blocking: its socket callback tells us which sockets to poll and for
 * what (pollfds()), ready() hands poll's answer back with
 * curl_multi_socket_action(), and its timer callback sets the time run()
 * asks to be woken at. (curl_multi_fdset or curl_multi_poll would either
 * hide the sockets from the engine's poll() or make us wake on a fixed
 * tick; the callbacks fit the engine's loop exactly.) Every transfer:
 * plain HTTP only, no proxy, no redirect, at most UPNP_BODY_MAX bytes of
 * body (aborted beyond), UPNP_CONNECT_MS to connect, UPNP_TOTAL_MS in all.
 *
 * The probe finishes when the answers' wait (MX + --timeout after the last
 * M-SEARCH) is over and no description is queued or in flight.
 *
 * This file includes <curl/curl.h> besides push/: the description fetch
 * is HTTP from a probe, and it keeps the transfers to the engine's loop.
 */
#include "netinv/prober.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "netinv/banner.h"
#include "netinv/util.h"

#define SSDP_GROUP      "239.255.255.250"       /* UDA 2.0 §1.1.2 */
#define SSDP_HOST_HDR   SSDP_GROUP ":1900"
/* MX 1: devices answer within a second (UDA 2.0 §1.3.2: 1..5); a larger
 * MX only spreads the same answers over a longer scan. */
#define SSDP_MX         1u
#define SSDP_MX_MAX     5u
/* UDA 1.1 §1 (Discovery, the TTL of multicast messages): SHOULD default
 * to 2 (UDA 1.0 §1 said 4); the answers we want are on our own link. */
#define SSDP_TTL        2
#define SSDP_ST_ALL     "ssdp:all"
/* Between two M-SEARCHes at least this long (µs), or --timeout. */
#define SSDP_RESEND_MIN_US      100000u

#define UPNP_BODY_MAX           (64u * 1024u)   /* a description is 2-10 KiB */
#define UPNP_CONNECT_MS         1000L
#define UPNP_TOTAL_MS           3000L
#define UPNP_FETCH_PER_DEVICE   4u      /* a NAS or TV has 1-3 root devices */
#define UPNP_FETCH_MAX          256u
#define UPNP_PARALLEL           8u
/* No transfer starts later than this after the first one: 256 peers that
 * accept and never answer cost 13 s, not 256 × 3 s / UPNP_PARALLEL. */
#define UPNP_FETCH_PHASE_US     10000000u
#define UPNP_SOCKS_MAX          32u     /* sockets curl holds: one per transfer */
#define UPNP_URL_MAX            512u
/* (MAC, SSDP source address) pairs remembered; a LAN has a few hundred. */
#define SSDP_PAIRS_MAX          4096u
#define SSDP_DRAIN_MAX          64u     /* datagrams dropped per ready() */

struct pair {
        uint8_t mac[6];
        bool used;
        uint32_t ip;
};

enum fetch_state { F_QUEUED, F_RUNNING, F_DONE };

struct fetch {
        char url[UPNP_URL_MAX];
        uint8_t mac[6];
        uint16_t port;
        uint32_t ip;
        enum fetch_state st;
        CURL *easy;
        uint8_t *body;
        size_t len;
};

struct sock {
        curl_socket_t fd;
        short events;
};

struct ssdp {
        const struct prober_env *env;
        int fd;                         /* the M-SEARCH socket, or -1 */
        unsigned sends_left;
        uint64_t next_send, wait_end;
        struct pair *pairs;             /* open addressing, pairs_cap a power of two */
        size_t n_pairs, pairs_cap;
        struct fetch *fetches;          /* UPNP_FETCH_MAX, n_fetches used */
        size_t n_fetches, next_queued, running;
        uint64_t fetch_deadline;        /* 0 until the first transfer starts */
        CURLM *multi;
        bool curl_global;
        struct sock socks[UPNP_SOCKS_MAX];
        size_t n_socks;
        bool timer_set;
        uint64_t timer_at;
        char ua[96];
        struct obs_sink sink;
};

static uint64_t mono_usec(void)
{
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

/* ------------------------------------------------------------ pure parts */

static bool has_crlf(const char *s)
{
        return strpbrk(s, "\r\n") != NULL;
}

ssize_t ssdp_msearch_request(uint8_t *buf, size_t cap, unsigned mx, const char *st,
                             const char *user_agent)
{
        if (mx < 1 || mx > SSDP_MX_MAX || has_crlf(st) || has_crlf(user_agent))
                return -EINVAL;
        /* UDA 2.0 §1.3.2; the header order of the control points seen in
         * tests/captures/ssdp-msearch.pcap */
        int n = snprintf((char *)buf, cap,
                         "M-SEARCH * HTTP/1.1\r\n"
                         "HOST: " SSDP_HOST_HDR "\r\n"
                         "MAN: \"ssdp:discover\"\r\n"
                         "MX: %u\r\n"
                         "ST: %s\r\n"
                         "USER-AGENT: %s\r\n"
                         "\r\n", mx, st, user_agent);
        if (n < 0 || (size_t)n >= cap)
                return -ENOSPC;
        return n;
}

int ssdp_location_url(const char *loc, size_t len, uint32_t *ret_ip, uint16_t *ret_port,
                      char *url, size_t cap)
{
        static const char scheme[] = "http://";
        char host[16];
        size_t i = sizeof(scheme) - 1, h = 0;
        unsigned long port = 80;

        if (len <= i || strncasecmp(loc, scheme, i) != 0)
                return -EINVAL;
        /* host: digits and dots only (no name, no user info, no [v6]) */
        for (; i < len && loc[i] != ':' && loc[i] != '/'; i++) {
                if (h + 1 >= sizeof(host) || !((loc[i] >= '0' && loc[i] <= '9') || loc[i] == '.'))
                        return -EINVAL;
                host[h++] = loc[i];
        }
        host[h] = 0;
        struct in_addr a;
        if (inet_pton(AF_INET, host, &a) != 1)
                return -EINVAL;
        if (i < len && loc[i] == ':') {
                size_t d = 0;
                port = 0;
                for (i++; i < len && loc[i] >= '0' && loc[i] <= '9' && d < 6; i++, d++)
                        port = port * 10 + (unsigned long)(loc[i] - '0');
                if (d == 0 || port == 0 || port > 65535)
                        return -EINVAL;
        }
        const char *path = loc + i;
        size_t plen = len - i;
        if (plen == 0) {
                path = "/";
                plen = 1;
        }
        if (path[0] != '/')
                return -EINVAL;
        for (size_t k = 0; k < plen; k++)       /* printable, no blanks (RFC 3986) */
                if ((unsigned char)path[k] <= 0x20 || (unsigned char)path[k] >= 0x7f)
                        return -EINVAL;
        if (plen > UPNP_URL_MAX)
                return -ENOSPC;
        int n = snprintf(url, cap, "http://%s:%lu%.*s", host, port, (int)plen, path);
        if (n < 0 || (size_t)n >= cap)
                return -ENOSPC;
        *ret_ip = ntohl(a.s_addr);
        *ret_port = (uint16_t)port;
        return 0;
}

/* ------------------------------------------------------------ MAC → IPv4 */

static size_t pair_slot(const struct pair *tab, size_t cap, const uint8_t mac[6], uint32_t ip)
{
        uint32_t h = 2166136261u;       /* FNV-1a */
        for (int i = 0; i < 6; i++)
                h = (h ^ mac[i]) * 16777619u;
        for (int i = 0; i < 4; i++)
                h = (h ^ ((ip >> (8 * i)) & 0xff)) * 16777619u;
        size_t k = h & (cap - 1);
        while (tab[k].used && (tab[k].ip != ip || memcmp(tab[k].mac, mac, 6) != 0))
                k = (k + 1) & (cap - 1);
        return k;
}

static bool pair_has(const struct ssdp *p, const uint8_t mac[6], uint32_t ip)
{
        return p->pairs_cap && p->pairs[pair_slot(p->pairs, p->pairs_cap, mac, ip)].used;
}

static void pair_add(struct ssdp *p, const uint8_t mac[6], uint32_t ip)
{
        if (pair_has(p, mac, ip) || p->n_pairs >= SSDP_PAIRS_MAX)
                return;
        if (2 * (p->n_pairs + 1) > p->pairs_cap) {      /* keep the load under 1/2 */
                size_t cap = p->pairs_cap ? 2 * p->pairs_cap : 256;
                struct pair *t = calloc(cap, sizeof(*t));
                if (!t)
                        return;
                for (size_t i = 0; i < p->pairs_cap; i++)
                        if (p->pairs[i].used)
                                t[pair_slot(t, cap, p->pairs[i].mac, p->pairs[i].ip)] = p->pairs[i];
                free(p->pairs);
                p->pairs = t;
                p->pairs_cap = cap;
        }
        struct pair *e = &p->pairs[pair_slot(p->pairs, p->pairs_cap, mac, ip)];
        memcpy(e->mac, mac, 6);
        e->ip = ip;
        e->used = true;
        p->n_pairs++;
}

/* ------------------------------------------------------------ curl glue */

static int on_socket(CURL *easy, curl_socket_t fd, int what, void *user, void *sockp)
{
        struct ssdp *p = user;
        (void)easy, (void)sockp;
        size_t i;
        for (i = 0; i < p->n_socks && p->socks[i].fd != fd; i++)
                ;
        if (what == CURL_POLL_REMOVE) {
                if (i < p->n_socks)
                        p->socks[i] = p->socks[--p->n_socks];
                return 0;
        }
        if (i == p->n_socks) {
                if (p->n_socks == UPNP_SOCKS_MAX)
                        return -1;      /* cannot happen: UPNP_PARALLEL transfers */
                p->socks[p->n_socks++].fd = fd;
        }
        p->socks[i].events = (short)(((what & CURL_POLL_IN) ? POLLIN : 0) |
                                     ((what & CURL_POLL_OUT) ? POLLOUT : 0));
        return 0;
}

static int on_timer(CURLM *multi, long ms, void *user)
{
        struct ssdp *p = user;
        (void)multi;
        p->timer_set = ms >= 0;
        if (ms >= 0)
                p->timer_at = mono_usec() + (uint64_t)ms * 1000u;
        return 0;
}

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
        struct fetch *f = user;
        size_t k = size * n;
        if (k > UPNP_BODY_MAX - f->len) {
                size_t room = UPNP_BODY_MAX - f->len;
                memcpy(f->body + f->len, data, room);
                f->len += room;
                return 0;               /* over the cap: abort the transfer */
        }
        memcpy(f->body + f->len, data, k);
        f->len += k;
        return k;
}

/* The description of f arrived (whole or cut): parse, emit. */
static void fetched(struct ssdp *p, struct fetch *f, long code)
{
        struct obs_sink *s = &p->sink;
        struct frame_ctx ctx;
        struct cursor c;

        if (code != 200 || f->len == 0)
                return;
        memset(&ctx, 0, sizeof(ctx));
        memcpy(ctx.src_mac, f->mac, 6);
        obs_sink_reset(s);
        cur_init(&c, f->body, f->len);
        parse_upnp(&c, &ctx, s);
        if (s->n == 0)
                return;
        /* "tcp/<port> upnp <manufacturer> <modelName>" */
        const struct obs *man = NULL, *model = NULL;
        for (size_t i = 0; i < s->n; i++) {
                if (s->obs[i].kind != OBS_ATTR)
                        continue;
                if (!man && strcmp(s->obs[i].key, "upnp.manufacturer") == 0)
                        man = &s->obs[i];
                if (!model && strcmp(s->obs[i].key, "upnp.model_name") == 0)
                        model = &s->obs[i];
        }
        char svc[2 * OBS_VALUE_MAX + 32];
        int n = snprintf(svc, sizeof(svc), "tcp/%u upnp%s%.*s%s%.*s", f->port, man ? " " : "",
                         man ? (int)man->val_len : 0, man ? man->val : "", model ? " " : "",
                         model ? (int)model->val_len : 0, model ? model->val : "");
        if (n > 0)
                obs_attr(s, f->mac, PROTO_UPNP, "service", svc,
                         (size_t)n < sizeof(svc) ? (size_t)n : sizeof(svc) - 1);
        prober_emit(p->env, s, now_usec());
}

static void finish(struct ssdp *p, struct fetch *f)
{
        if (f->easy) {
                curl_multi_remove_handle(p->multi, f->easy);
                curl_easy_cleanup(f->easy);
                f->easy = NULL;
        }
        free(f->body);
        f->body = NULL;
        if (f->st == F_RUNNING)
                p->running--;
        f->st = F_DONE;
}

static void reap(struct ssdp *p)
{
        CURLMsg *m;
        int left;
        while ((m = curl_multi_info_read(p->multi, &left))) {
                if (m->msg != CURLMSG_DONE)
                        continue;
                char *priv = NULL;
                long code = 0;
                curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
                curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &code);
                struct fetch *f = (struct fetch *)priv;
                if (!f)
                        continue;
                /* a timeout or the size cap still leaves what came */
                fetched(p, f, code);
                finish(p, f);
        }
}

/* Start f; false when it could not be (it is then done). */
static bool start_fetch(struct ssdp *p, struct fetch *f)
{
        const struct probe_iface *ifc = p->env->ifc;
        char bind[32] = "";
        f->body = malloc(UPNP_BODY_MAX);
        f->easy = curl_easy_init();
        if (!f->body || !f->easy)
                goto fail;
        for (size_t i = 0; ifc && i < ifc->n_nets; i++)
                if (ip4_net_contains(&ifc->nets[i], f->ip)) {
                        struct in_addr a = { .s_addr = htonl(ifc->nets[i].addr) };
                        char t[INET_ADDRSTRLEN];
                        inet_ntop(AF_INET, &a, t, sizeof(t));
                        snprintf(bind, sizeof(bind), "host!%s", t);
                        break;
                }
        CURL *e = f->easy;
        CURLcode r = CURLE_OK;
        r |= curl_easy_setopt(e, CURLOPT_URL, f->url);
        r |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http");
        r |= curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http");
        r |= curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
        r |= curl_easy_setopt(e, CURLOPT_PROXY, "");
        r |= curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
        r |= curl_easy_setopt(e, CURLOPT_IPRESOLVE, (long)CURL_IPRESOLVE_V4);
        r |= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, UPNP_CONNECT_MS);
        r |= curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, UPNP_TOTAL_MS);
        r |= curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)UPNP_BODY_MAX);
        r |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        r |= curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
        r |= curl_easy_setopt(e, CURLOPT_USERAGENT, p->ua);
        r |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
        r |= curl_easy_setopt(e, CURLOPT_WRITEDATA, f);
        r |= curl_easy_setopt(e, CURLOPT_PRIVATE, f);
        if (bind[0])
                r |= curl_easy_setopt(e, CURLOPT_INTERFACE, bind);
        if (r != CURLE_OK || curl_multi_add_handle(p->multi, e) != CURLM_OK)
                goto fail;
        f->st = F_RUNNING;
        p->running++;
        return true;
fail:
        finish(p, f);
        return false;
}

/* ------------------------------------------------------------ the probe */

static int ssdp_open(const struct prober_env *env, void **ret, char *why, size_t whylen)
{
        struct ssdp *p = calloc(1, sizeof(*p));
        int err = -ENOMEM;
        if (!p)
                return -ENOMEM;
        p->env = env;
        p->fd = -1;
        snprintf(p->ua, sizeof(p->ua), "Linux UPnP/2.0 netinv/%s", NETINV_VERSION);
        p->fetches = calloc(UPNP_FETCH_MAX, sizeof(*p->fetches));
        if (!p->fetches)
                goto fail;
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
                snprintf(why, whylen, "libcurl initialisation failed");
                goto fail;
        }
        p->curl_global = true;
        p->multi = curl_multi_init();
        if (!p->multi)
                goto fail;
        curl_multi_setopt(p->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
        curl_multi_setopt(p->multi, CURLMOPT_SOCKETDATA, p);
        curl_multi_setopt(p->multi, CURLMOPT_TIMERFUNCTION, on_timer);
        curl_multi_setopt(p->multi, CURLMOPT_TIMERDATA, p);
        if (!env->ifc || env->ifc->n_nets == 0) {
                *ret = p;       /* no IPv4 address: no search; LOCATIONs heard are fetched */
                return 0;
        }
        uint32_t src = env->ifc->nets[0].addr;
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(src) };
        struct ip_mreqn mr = { .imr_address.s_addr = htonl(src), .imr_ifindex = env->ifindex };
        int ttl = SSDP_TTL, loop = 0;
        p->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (p->fd < 0 ||
            setsockopt(p->fd, SOL_SOCKET, SO_BINDTODEVICE, env->ifc->name,
                       (socklen_t)strlen(env->ifc->name)) < 0 ||
            bind(p->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
            setsockopt(p->fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) < 0 ||
            setsockopt(p->fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) < 0 ||
            setsockopt(p->fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop)) < 0) {
                err = -errno;
                snprintf(why, whylen, "UDP socket on %s: %s", env->ifc->name, strerror(errno));
                goto fail;
        }
        *ret = p;
        return 0;
fail:
        if (p->fd >= 0)
                close(p->fd);
        if (p->multi)
                curl_multi_cleanup(p->multi);
        if (p->curl_global)
                curl_global_cleanup();
        free(p->fetches);
        free(p);
        return err;
}

static void ssdp_free(void *v)
{
        struct ssdp *p = v;
        if (!p)
                return;
        for (size_t i = 0; i < p->n_fetches; i++)
                finish(p, &p->fetches[i]);
        curl_multi_cleanup(p->multi);
        if (p->curl_global)
                curl_global_cleanup();
        if (p->fd >= 0)
                close(p->fd);
        free(p->fetches);
        free(p->pairs);
        free(p);
}

static void ssdp_start(void *v, uint64_t now)
{
        struct ssdp *p = v;
        p->sends_left = p->fd >= 0 ? 1 + p->env->opts->retries : 0;
        p->next_send = now;
        p->wait_end = now;
}

/* A LOCATION from mac: queue it when it passes every check. */
static void consider(struct ssdp *p, const uint8_t mac[6], const char *loc, size_t len)
{
        struct fetch f = { .st = F_QUEUED };
        size_t per_mac = 0;
        if (p->n_fetches >= UPNP_FETCH_MAX || memchr(loc, 0, len) ||
            ssdp_location_url(loc, len, &f.ip, &f.port, f.url, sizeof(f.url)) < 0 ||
            !pair_has(p, mac, f.ip) || !prober_may_probe(p->env, f.ip) ||
            !prober_payload_ok(p->env->opts, f.port))
                return;
        for (size_t i = 0; i < p->n_fetches; i++) {
                if (strcmp(p->fetches[i].url, f.url) == 0)
                        return;
                per_mac += memcmp(p->fetches[i].mac, mac, 6) == 0;
        }
        if (per_mac >= UPNP_FETCH_PER_DEVICE)
                return;
        memcpy(f.mac, mac, 6);
        p->fetches[p->n_fetches++] = f;
}

static void ssdp_seen(void *v, const struct obs *ob, uint64_t now)
{
        struct ssdp *p = v;
        (void)now;
        if (ob->kind == OBS_IPV4 && ob->source == PROTO_SSDP) {
                pair_add(p, ob->mac, (uint32_t)ob->addr[0] << 24 | (uint32_t)ob->addr[1] << 16 |
                                     (uint32_t)ob->addr[2] << 8 | ob->addr[3]);
        } else if (ob->kind == OBS_ATTR && ob->source == PROTO_SSDP &&
                   strcmp(ob->key, "ssdp.location") == 0) {
                consider(p, ob->mac, ob->val, ob->val_len);
        }
}

static void send_search(struct ssdp *p, uint64_t now)
{
        uint8_t buf[256];
        ssize_t n = ssdp_msearch_request(buf, sizeof(buf), SSDP_MX, SSDP_ST_ALL, p->ua);
        struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(PORT_SSDP) };
        inet_pton(AF_INET, SSDP_GROUP, &to.sin_addr);
        uint64_t gap = (uint64_t)p->env->opts->timeout_ms * 1000u;
        if (gap < SSDP_RESEND_MIN_US)
                gap = SSDP_RESEND_MIN_US;
        if (n > 0 && sendto(p->fd, buf, (size_t)n, 0, (struct sockaddr *)&to, sizeof(to)) < 0 &&
            (errno == EAGAIN || errno == ENOBUFS)) {
                p->next_send = now + SSDP_RESEND_MIN_US;        /* try again soon */
                return;
        }
        /* sent, or failed for good (then the waiting still covers NOTIFYs) */
        p->sends_left--;
        p->next_send = now + gap;
        p->wait_end = now + SSDP_MX * 1000000u + (uint64_t)p->env->opts->timeout_ms * 1000u;
}

static int ssdp_run(void *v, uint64_t now, uint64_t *ret_wake)
{
        struct ssdp *p = v;
        uint64_t wake = UINT64_MAX, when;

        if (p->sends_left && now >= p->next_send) {
                if (prober_take(p->env->budget, false, now, &when))
                        send_search(p, now);
                else
                        wake = when;
        }
        if (p->timer_set && now >= p->timer_at) {
                int running;
                p->timer_set = false;
                curl_multi_socket_action(p->multi, CURL_SOCKET_TIMEOUT, 0, &running);
                reap(p);
        }
        if (p->fetch_deadline && now >= p->fetch_deadline)
                p->next_queued = p->n_fetches;  /* too late: the rest is dropped */
        while (p->next_queued < p->n_fetches && p->running < UPNP_PARALLEL) {
                struct fetch *f = &p->fetches[p->next_queued];
                if (!prober_take(p->env->budget, true, now, &when)) {
                        if (when < wake)
                                wake = when;
                        break;
                }
                p->next_queued++;
                if (!p->fetch_deadline)
                        p->fetch_deadline = now + UPNP_FETCH_PHASE_US;
                start_fetch(p, f);
        }
        if (!p->sends_left && now >= p->wait_end && p->next_queued == p->n_fetches &&
            p->running == 0)
                return 1;
        if (p->sends_left && p->next_send < wake)
                wake = p->next_send;
        if (!p->sends_left && p->wait_end > now && p->wait_end < wake)
                wake = p->wait_end;
        if (p->timer_set && p->timer_at < wake)
                wake = p->timer_at;
        *ret_wake = wake;
        return 0;
}

static size_t ssdp_pollfds(void *v, struct pollfd *fds, size_t cap)
{
        struct ssdp *p = v;
        size_t n = 0;
        if (p->fd >= 0 && n < cap)
                fds[n++] = (struct pollfd){ .fd = p->fd, .events = POLLIN };
        for (size_t i = 0; i < p->n_socks && n < cap; i++)
                fds[n++] = (struct pollfd){ .fd = p->socks[i].fd, .events = p->socks[i].events };
        return n;
}

static void ssdp_ready(void *v, const struct pollfd *fds, size_t n, uint64_t now)
{
        struct ssdp *p = v;
        bool acted = false;
        (void)now;
        for (size_t i = 0; i < n; i++) {
                if (!fds[i].revents)
                        continue;
                if (fds[i].fd == p->fd) {
                        /* the answers are read from the capture: drop them here */
                        uint8_t junk[1];
                        for (unsigned k = 0; k < SSDP_DRAIN_MAX &&
                             recv(p->fd, junk, sizeof(junk), MSG_DONTWAIT | MSG_TRUNC) >= 0; k++)
                                ;
                        continue;
                }
                int ev = ((fds[i].revents & (POLLIN | POLLHUP)) ? CURL_CSELECT_IN : 0) |
                         ((fds[i].revents & POLLOUT) ? CURL_CSELECT_OUT : 0) |
                         ((fds[i].revents & (POLLERR | POLLNVAL)) ? CURL_CSELECT_ERR : 0);
                int running;
                curl_multi_socket_action(p->multi, fds[i].fd, ev, &running);
                acted = true;
        }
        if (acted)
                reap(p);
}

static uint64_t ssdp_max_packets(const struct prober_opts *o, uint64_t n_hosts)
{
        uint64_t fetches = n_hosts * UPNP_FETCH_PER_DEVICE;
        return 1 + o->retries + (fetches < UPNP_FETCH_MAX ? fetches : UPNP_FETCH_MAX);
}

const struct probe_ops probe_ssdp_ops = {
        .name = "ssdp",
        .summary = "SSDP M-SEARCH and UPnP device descriptions",
        .open = ssdp_open,
        .free = ssdp_free,
        .start = ssdp_start,
        .seen = ssdp_seen,
        .run = ssdp_run,
        .pollfds = ssdp_pollfds,
        .ready = ssdp_ready,
        .max_packets = ssdp_max_packets,
};
