/* nbns.c - the nbns probe (prober.h): a NetBIOS node status request
 * (RFC 1002 §4.2.17, what `nmblookup -A` sends) to UDP port 137 of each
 * IPv4 host the sweep found alive.
 *
 * Hosts come one by one (host()); the engine hands out this probe's send
 * budget only once the sweep is over. Each host gets one request, and
 * --retries more --timeout apart while no answer came. Answers are not read
 * here: they come through the capture to src/dissect/nbns.c, whose
 * observations (seen()) name the answering MAC and, from the IPv4 source,
 * the address; either marks the host answered. What reaches the socket is
 * drained and thrown away, except the ICMP errors the kernel queues for it
 * (IP_RECVERR): a host whose port 137 is closed (ICMP port unreachable) or
 * that cannot be reached is not asked again either.
 *
 * The probe ends once the sweep is over (hosts_done) and every host has
 * answered or waited out its last request. A host that arrives later (found
 * passively) is still asked while the probe runs.
 *
 * Sending order: retries that are due first, then hosts not asked yet.
 * Every request is followed by the same wait, so the hosts waiting for an
 * answer form a queue ordered by due time (a list through the host table).
 */
#include "netinv/banner.h"
#include "netinv/prober.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define NBNS_PORT               137     /* RFC 1002 §4.2 (UDP 137, name service) */
/* The node status request is 50 bytes (nbns_node_status_request). */
#define NBNS_REQ_MAX            64
#define NBNS_DRAIN_MAX          64
#define NBNS_NONE               UINT32_MAX
#define ICMP_DEST_UNREACH       3       /* RFC 792 */

struct nbns_host {
        uint32_t ip;                    /* host order */
        uint8_t mac[6];
        uint8_t sent;
        bool answered;
        uint32_t next;                  /* the waiting queue */
        uint64_t due;                   /* in the queue: when its wait is over */
};

struct nbns_probe {
        const struct prober_env *env;
        int fd;
        uint32_t sends;                 /* 1 + retries */
        uint64_t timeout_us;
        struct nbns_host *h;
        uint32_t n, cap;
        uint32_t *by_target;            /* plan index → host index, or NBNS_NONE */
        uint32_t first;                 /* hosts [first, n) not asked yet */
        uint32_t q_head, q_tail;        /* waiting queue, by due time */
        uint16_t txid;
        uint64_t backoff_until, backoff_us;
        uint64_t answered, unreachable, closed;
        bool started, hosts_done, finished;
};

static void nbns_free(void *p)
{
        struct nbns_probe *s = p;
        if (!s)
                return;
        if (s->fd >= 0)
                close(s->fd);
        free(s->h);
        free(s->by_target);
        free(s);
}

static int nbns_open(const struct prober_env *env, void **ret, char *why, size_t whylen)
{
        struct nbns_probe *s = calloc(1, sizeof(*s));
        if (!s) {
                snprintf(why, whylen, "out of memory");
                return -ENOMEM;
        }
        s->env = env;
        s->sends = 1 + env->opts->retries;
        s->timeout_us = (uint64_t)env->opts->timeout_ms * 1000u;
        s->q_head = s->q_tail = NBNS_NONE;
        s->txid = (uint16_t)getpid();
        size_t nt = env->plan ? env->plan->n_targets : 0;
        if (nt) {
                s->by_target = malloc(nt * sizeof(*s->by_target));
                if (!s->by_target) {
                        free(s);
                        snprintf(why, whylen, "out of memory");
                        return -ENOMEM;
                }
                memset(s->by_target, 0xff, nt * sizeof(*s->by_target));
        }
        s->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        int rcvbuf = 4096;
        if (s->fd < 0 || setsockopt(s->fd, SOL_SOCKET, SO_BINDTODEVICE, env->ifc->name,
                                    (socklen_t)strlen(env->ifc->name)) < 0) {
                int e = errno ? errno : EIO;
                snprintf(why, whylen, "UDP socket on '%s': %s", env->ifc->name, strerror(e));
                nbns_free(s);
                return -e;
        }
        /* Answers are read from the capture: keep the socket's queue small. */
        setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
        /* ICMP errors about our requests, with the address they went to. */
        int one = 1;
        setsockopt(s->fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one));
        *ret = s;
        return 0;
}

static void nbns_start(void *p, uint64_t now)
{
        struct nbns_probe *s = p;
        (void)now;
        s->started = true;
        /* 137 is not a port prober_payload_ok() refuses; asked all the same. */
        if (!prober_payload_ok(s->env->opts, NBNS_PORT))
                s->finished = true;
}

static void nbns_host(void *p, uint32_t ip, const uint8_t mac[6], uint64_t now)
{
        struct nbns_probe *s = p;
        (void)now;
        if (s->finished || !prober_may_probe(s->env, ip))
                return;
        long t = probe_plan_find(s->env->plan, ip);
        if (t < 0 || s->by_target[t] != NBNS_NONE)
                return;                 /* asked already */
        if (s->n == s->cap) {
                uint32_t cap = s->cap ? s->cap * 2 : 64;
                struct nbns_host *h = realloc(s->h, (size_t)cap * sizeof(*h));
                if (!h)
                        return;         /* that host goes unasked */
                s->h = h;
                s->cap = cap;
        }
        struct nbns_host *h = &s->h[s->n];
        memset(h, 0, sizeof(*h));
        h->ip = ip;
        memcpy(h->mac, mac, 6);
        h->next = NBNS_NONE;
        s->by_target[t] = s->n++;
}

static void nbns_hosts_done(void *p, uint64_t now)
{
        struct nbns_probe *s = p;
        (void)now;
        s->hosts_done = true;
}

static void mark(struct nbns_probe *s, struct nbns_host *h)
{
        if (!h->answered)
                s->answered++;
        h->answered = true;
}

static void nbns_seen(void *p, const struct obs *ob, uint64_t now)
{
        struct nbns_probe *s = p;
        (void)now;
        /* Every NBNS answer carries the source address as an OBS_IPV4
         * (dissect_nbns); one observation per answer is enough. */
        if (!s->started || ob->source != PROTO_NBNS || ob->kind != OBS_IPV4)
                return;
        uint32_t ip = (uint32_t)ob->addr[0] << 24 | (uint32_t)ob->addr[1] << 16 |
                      (uint32_t)ob->addr[2] << 8 | ob->addr[3];
        long t = s->env->plan ? probe_plan_find(s->env->plan, ip) : -1;
        if (t >= 0 && s->by_target[t] != NBNS_NONE)
                mark(s, &s->h[s->by_target[t]]);
        /* The same station under its other addresses: it has spoken. */
        for (uint32_t i = 0; i < s->n; i++)
                if (!s->h[i].answered && memcmp(s->h[i].mac, ob->mac, 6) == 0)
                        mark(s, &s->h[i]);
}

static void enqueue(struct nbns_probe *s, uint32_t i, uint64_t due)
{
        s->h[i].due = due;
        s->h[i].next = NBNS_NONE;
        if (s->q_tail == NBNS_NONE)
                s->q_head = i;
        else
                s->h[s->q_tail].next = i;
        s->q_tail = i;
}

static uint32_t dequeue(struct nbns_probe *s)
{
        uint32_t i = s->q_head;
        s->q_head = s->h[i].next;
        if (s->q_head == NBNS_NONE)
                s->q_tail = NBNS_NONE;
        return i;
}

/* 0, -EAGAIN (the queue is full: back off), or another -errno for this
 * host alone. */
static int send_one(struct nbns_probe *s, const struct nbns_host *h)
{
        uint8_t buf[NBNS_REQ_MAX];
        ssize_t len = nbns_node_status_request(buf, sizeof(buf), s->txid++);
        if (len < 0)
                return (int)len;
        struct sockaddr_in to = {
                .sin_family = AF_INET,
                .sin_port = htons(NBNS_PORT),
                .sin_addr.s_addr = htonl(h->ip),
        };
        if (sendto(s->fd, buf, (size_t)len, MSG_DONTWAIT, (struct sockaddr *)&to, sizeof(to)) < 0)
                return errno == ENOBUFS ? -EAGAIN : -errno;
        return 0;
}

static int nbns_run(void *p, uint64_t now, uint64_t *ret_wake)
{
        struct nbns_probe *s = p;
        uint64_t when;
        int refused_left = NBNS_DRAIN_MAX;

        if (!s->started)
                return 0;
        if (s->finished)
                return 1;
        for (;;) {
                /* Drop from the head what answered or waited out its last
                 * request; stop at the first host still waiting or due for
                 * a retry. */
                while (s->q_head != NBNS_NONE) {
                        const struct nbns_host *h = &s->h[s->q_head];
                        if (!h->answered && (h->due > now || h->sent < s->sends))
                                break;
                        dequeue(s);
                }
                /* Hosts that answered before their turn (found passively). */
                while (s->first < s->n && s->h[s->first].answered)
                        s->first++;
                uint32_t pick = NBNS_NONE;
                bool retry = false;
                if (s->q_head != NBNS_NONE && s->h[s->q_head].due <= now) {
                        pick = s->q_head;
                        retry = true;
                } else if (s->first < s->n) {
                        pick = s->first;
                }
                if (pick == NBNS_NONE) {
                        if (s->q_head != NBNS_NONE) {
                                *ret_wake = s->h[s->q_head].due;
                                return 0;
                        }
                        if (s->hosts_done) {
                                s->finished = true;
                                return 1;
                        }
                        return 0;       /* more hosts may come */
                }
                if (now < s->backoff_until) {
                        *ret_wake = s->backoff_until;
                        return 0;
                }
                if (!prober_take(s->env->budget, true, now, &when)) {
                        *ret_wake = when;
                        return 0;
                }
                int r = send_one(s, &s->h[pick]);
                if (r == -ECONNREFUSED && refused_left-- > 0)
                        continue;       /* an earlier host's ICMP error, reported now */
                if (r == -EAGAIN) {
                        s->backoff_us = s->backoff_us ? s->backoff_us * 2 : PROBE_BACKOFF_MIN_US;
                        if (s->backoff_us > PROBE_BACKOFF_MAX_US)
                                s->backoff_us = PROBE_BACKOFF_MAX_US;
                        s->backoff_until = now + s->backoff_us;
                        continue;
                }
                s->backoff_us = 0;
                if (retry)
                        dequeue(s);
                else
                        s->first++;
                if (r < 0) {
                        /* This host alone (no route, the address went away). */
                        s->unreachable++;
                        continue;
                }
                s->h[pick].sent++;
                enqueue(s, pick, now + s->timeout_us);
        }
}

static size_t nbns_pollfds(void *p, struct pollfd *fds, size_t cap)
{
        struct nbns_probe *s = p;
        if (s->fd < 0 || cap == 0)
                return 0;
        fds[0] = (struct pollfd){ .fd = s->fd, .events = POLLIN };
        return 1;
}

/* One ICMP error from the socket's error queue (ip(7), IP_RECVERR): the
 * address the request went to is in msg_name. Destination unreachable of
 * any code (port closed, host or network unreachable, the kernel's own
 * ARP failure) ends that host's requests. false when the queue is empty. */
static bool read_error(struct nbns_probe *s)
{
        uint8_t data[64];
        union {
                char buf[CMSG_SPACE(sizeof(struct sock_extended_err) + sizeof(struct sockaddr_in))];
                struct cmsghdr align;
        } ctl;
        struct sockaddr_in to;
        struct iovec iov = { data, sizeof(data) };
        struct msghdr mh = { .msg_name = &to, .msg_namelen = sizeof(to), .msg_iov = &iov,
                             .msg_iovlen = 1, .msg_control = ctl.buf,
                             .msg_controllen = sizeof(ctl.buf) };
        if (recvmsg(s->fd, &mh, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
                return false;
        if (mh.msg_namelen < sizeof(to) || to.sin_family != AF_INET || !s->env->plan)
                return true;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
                struct sock_extended_err ee;
                if (c->cmsg_level != IPPROTO_IP || c->cmsg_type != IP_RECVERR ||
                    c->cmsg_len < CMSG_LEN(sizeof(ee)))
                        continue;
                memcpy(&ee, CMSG_DATA(c), sizeof(ee));
                if (ee.ee_origin != SO_EE_ORIGIN_ICMP || ee.ee_type != ICMP_DEST_UNREACH)
                        continue;
                long t = probe_plan_find(s->env->plan, ntohl(to.sin_addr.s_addr));
                if (t < 0 || s->by_target[t] == NBNS_NONE)
                        continue;
                struct nbns_host *h = &s->h[s->by_target[t]];
                if (!h->answered)
                        s->closed++;
                h->answered = true;     /* nothing more to learn from it */
        }
        return true;
}

static void nbns_ready(void *p, const struct pollfd *fds, size_t n, uint64_t now)
{
        struct nbns_probe *s = p;
        uint8_t sink[1500];
        (void)now;
        if (n < 1)
                return;
        /* Answers come through the capture; these copies are thrown away. */
        if (fds[0].revents & POLLIN)
                for (int i = 0; i < NBNS_DRAIN_MAX; i++)
                        if (recv(s->fd, sink, sizeof(sink), MSG_DONTWAIT) < 0 && errno != EINTR)
                                break;
        if (fds[0].revents & POLLERR) {
                for (int i = 0; i < NBNS_DRAIN_MAX && read_error(s); i++)
                        ;
                /* The pending error the last ICMP left (IP_RECVERR sets it
                 * too): cleared, so that poll() stops reporting it. */
                int err;
                socklen_t el = sizeof(err);
                getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &el);
        }
}

static uint64_t nbns_max_packets(const struct prober_opts *o, uint64_t n_hosts)
{
        return n_hosts * (1u + o->retries);
}

const struct probe_ops probe_nbns_ops = {
        .name = "nbns",
        .summary = "NetBIOS node status to each IPv4 host (UDP 137)",
        .open = nbns_open,
        .free = nbns_free,
        .start = nbns_start,
        .host = nbns_host,
        .hosts_done = nbns_hosts_done,
        .seen = nbns_seen,
        .run = nbns_run,
        .pollfds = nbns_pollfds,
        .ready = nbns_ready,
        .max_packets = nbns_max_packets,
};
