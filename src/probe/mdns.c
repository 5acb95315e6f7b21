/* mdns.c - the mdns probe (prober.h): DNS-SD browse and resolve over
 * Multicast DNS (RFC 6762, RFC 6763), and the query builder (mcast.h).
 *
 * Queries go only to 224.0.0.251:5353 on the scanned interface, from an
 * ephemeral port: RFC 6762 §6.7 "legacy unicast" queries, which responders
 * answer by unicast to that port (others' multicast answers come too). The
 * capture sees both, and src/dissect/dns.c turns them into observations;
 * the socket's own receive queue is drained and thrown away.
 *
 * Browse and resolve, each question asked once plus --retries:
 *   start            PTR _services._dns-sd._udp.local (RFC 6763 §9) and PTR
 *                    for the common service types below;
 *   mdns.service     a service type we have not asked for: PTR for it;
 *   mdns.instance    an instance (from a PTR or SRV): SRV and TXT for it
 *                    (not ANY, RFC 6762 §6.5 discourages it);
 *   a host name      (the target of an SRV, the owner of an address) from a
 *                    station that gave no address over mDNS yet: A and AAAA.
 * Every name asked comes from the wire through dns.c's text form and is
 * re-encoded here; names that do not encode are not asked. At most
 * MDNS_QUESTIONS_MAX questions in all, several per packet. An SRV question
 * whose SRV came, and an A/AAAA question for a station that gave an
 * address, are not asked again; the others are (multicast: more than one
 * station may answer, and an answer may be lost).
 *
 * The probe ends when nothing is left to send and nothing new was learnt
 * for the wait (--timeout, at least MDNS_WAIT_MIN_MS) after the last query.
 */
#include "netinv/mcast.h"
#include "netinv/prober.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netinv/dns_name.h"

#define MDNS_PORT               5353            /* RFC 6762 §3 */
#define MDNS_GROUP              0xe00000fbu     /* 224.0.0.251, RFC 6762 §3 */
/* RFC 6762 §11: queries and answers go with IP TTL 255 (receivers may
 * check it to reject off-link packets). */
#define MDNS_TTL                255
#define DNS_HDR_LEN             12              /* RFC 1035 §4.1.1 */
#define DNS_CLASS_IN            1               /* RFC 1035 §3.2.4 */
#define DNS_QUESTION_FIXED      4               /* QTYPE, QCLASS */

/* Questions asked in all (each with its retries): a LAN of a few dozen
 * devices with a handful of services each needs about 4 per instance. */
#define MDNS_QUESTIONS_MAX      256u
/* Bytes of one query. avahi 0.8 answers a legacy unicast query with one
 * message of at most 512 bytes that repeats the questions (RFC 6762 §6.7
 * asks for them) and drops the records that do not fit ("not fitting in
 * legacy unicast packet, dropping": measured, a 416-byte query of 16 PTR
 * questions lost three answers). At most 256 bytes leaves room for the
 * answers; well inside a 1500-byte MTU. */
#define MDNS_QUERY_MAX          256u
/* A responder may delay a shared answer by 20-120 ms (RFC 6762 §6), and a
 * Wi-Fi station in power save hears the query only after its beacon. */
#define MDNS_WAIT_MIN_MS        250u
/* Stations known to have given an address over mDNS (their host names
 * need no A/AAAA question). */
#define MDNS_RESOLVED_MAX       256u
/* Datagrams drained from the socket per ready() call. */
#define MDNS_DRAIN_MAX          64

#define DNSSD_SERVICES          "_services._dns-sd._udp.local"  /* RFC 6763 §9 */

/* Common service types, for devices that do not list themselves under
 * _services._dns-sd._udp (many printers and media devices answer only
 * for the types they are asked about). */
static const char *const common_types[] = {
        "_workstation._tcp.local",      /* avahi, Linux hosts */
        "_device-info._tcp.local",      /* model (Apple, avahi, NAS) */
        "_http._tcp.local",
        "_ipp._tcp.local",
        "_ipps._tcp.local",
        "_printer._tcp.local",          /* LPD */
        "_pdl-datastream._tcp.local",   /* raw printing (JetDirect) */
        "_uscan._tcp.local",            /* eSCL scanners */
        "_scanner._tcp.local",
        "_smb._tcp.local",
        "_afpovertcp._tcp.local",
        "_ssh._tcp.local",
        "_sftp-ssh._tcp.local",
        "_rfb._tcp.local",              /* VNC, screen sharing */
        "_airplay._tcp.local",
        "_raop._tcp.local",
        "_googlecast._tcp.local",
        "_sonos._tcp.local",
        "_spotify-connect._tcp.local",
        "_hap._tcp.local",              /* HomeKit accessories */
        "_companion-link._tcp.local",   /* Apple devices */
        "_homekit._tcp.local",
        "_matter._tcp.local",
        "_esphomelib._tcp.local",
};

struct mdns_q {
        uint8_t wire[MDNS_WIRE_NAME_MAX];
        uint8_t wire_len;
        uint16_t type;
        uint8_t sent;
        bool dropped;                   /* an A/AAAA no longer needed */
        uint8_t mac[6];                 /* A/AAAA: the station that named the host */
        uint64_t due;                   /* next send */
};

struct mdns_probe {
        const struct prober_env *env;
        int fd;
        uint32_t sends;                 /* 1 + retries per question */
        uint64_t wait_us;
        struct mdns_q q[MDNS_QUESTIONS_MAX];
        size_t n_q;
        uint64_t refused;               /* questions beyond MDNS_QUESTIONS_MAX */
        uint8_t resolved[MDNS_RESOLVED_MAX][6];
        size_t n_resolved;
        uint64_t last_send, backoff_until, backoff_us;
        bool started, finished, any_sent;
};

/* ---- the builders (mcast.h) ------------------------------------------ */

int mdns_name_encode(const char *text, size_t len, uint8_t *buf, size_t cap)
{
        uint8_t label[DNS_LABEL_MAX];
        size_t out = 0, ll = 0;

        if (len == 1 && text[0] == '.')
                len = 0;                        /* the root */
        else if (len > 0 && text[len - 1] == '.' && (len < 2 || text[len - 2] != '\\'))
                len--;                          /* "local." */
        for (size_t i = 0; i <= len; i++) {
                if (i == len || text[i] == '.') {
                        if (i == len && len == 0)
                                break;
                        if (ll == 0)
                                return -EINVAL; /* "a..b", ".a" */
                        if (out + 1 + ll + 1 > MDNS_WIRE_NAME_MAX)
                                return -EINVAL;
                        if (out + 1 + ll > cap)
                                return -ENOSPC;
                        buf[out++] = (uint8_t)ll;
                        memcpy(buf + out, label, ll);
                        out += ll;
                        ll = 0;
                        continue;
                }
                char ch = text[i];
                if (ch == '\\') {
                        if (++i == len)
                                return -EINVAL;
                        ch = text[i];
                }
                if (ll == DNS_LABEL_MAX)
                        return -EINVAL;
                label[ll++] = (uint8_t)ch;
        }
        if (out + 1 > cap)
                return -ENOSPC;
        buf[out++] = 0;
        return (int)out;
}

/* Is this a wire name of ours (labels, the root at the end, in bounds)? */
static bool wire_name_ok(const uint8_t *name, size_t len)
{
        size_t i = 0;
        if (len == 0 || len > MDNS_WIRE_NAME_MAX)
                return false;
        while (i < len && name[i] != 0) {
                if (name[i] > DNS_LABEL_MAX)
                        return false;
                i += 1u + name[i];
        }
        return i == len - 1;
}

int mdns_query_build(uint8_t *buf, size_t cap, const struct mdns_question *q, size_t n)
{
        size_t out = DNS_HDR_LEN;

        if (n == 0 || n > 0xffff)
                return -EINVAL;
        if (cap < DNS_HDR_LEN)
                return -ENOSPC;
        /* RFC 6762 §18.1: ID zero in multicast queries; §18.2-18.11: QR,
         * opcode, flags and rcode zero. */
        memset(buf, 0, DNS_HDR_LEN);
        buf[4] = (uint8_t)(n >> 8);
        buf[5] = (uint8_t)n;
        for (size_t i = 0; i < n; i++) {
                if (!wire_name_ok(q[i].name, q[i].name_len))
                        return -EINVAL;
                if (cap - out < q[i].name_len + DNS_QUESTION_FIXED)
                        return -ENOSPC;
                memcpy(buf + out, q[i].name, q[i].name_len);
                out += q[i].name_len;
                buf[out++] = (uint8_t)(q[i].type >> 8);
                buf[out++] = (uint8_t)q[i].type;
                /* class IN, unicast-response bit (RFC 6762 §5.4) clear */
                buf[out++] = 0;
                buf[out++] = DNS_CLASS_IN;
        }
        return (int)out;
}

/* ---- questions -------------------------------------------------------- */

static bool wire_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
        if (alen != blen)
                return false;
        for (size_t i = 0; i < alen; i++) {
                uint8_t x = a[i], y = b[i];
                /* RFC 6762 §16: names compare case-insensitively (ASCII);
                 * length bytes are never letters. */
                if (x >= 'A' && x <= 'Z')
                        x = (uint8_t)(x + 32);
                if (y >= 'A' && y <= 'Z')
                        y = (uint8_t)(y + 32);
                if (x != y)
                        return false;
        }
        return true;
}

/* Ask type for the text name, now, unless it was asked already. The new
 * question, or NULL (known, not encodable, or the cap). */
static struct mdns_q *ask(struct mdns_probe *s, const char *text, size_t len, uint16_t type,
                          uint64_t now)
{
        uint8_t wire[MDNS_WIRE_NAME_MAX];
        int n = mdns_name_encode(text, len, wire, sizeof(wire));
        if (n <= 1)
                return NULL;            /* not a name, or the root */
        for (size_t i = 0; i < s->n_q; i++)
                if (s->q[i].type == type && wire_eq(s->q[i].wire, s->q[i].wire_len, wire, (size_t)n))
                        return NULL;
        if (s->n_q == MDNS_QUESTIONS_MAX) {
                s->refused++;
                return NULL;
        }
        struct mdns_q *q = &s->q[s->n_q++];
        memset(q, 0, sizeof(*q));
        memcpy(q->wire, wire, (size_t)n);
        q->wire_len = (uint8_t)n;
        q->type = type;
        q->due = now;
        return q;
}

static bool is_resolved(const struct mdns_probe *s, const uint8_t mac[6])
{
        for (size_t i = 0; i < s->n_resolved; i++)
                if (memcmp(s->resolved[i], mac, 6) == 0)
                        return true;
        return false;
}

/* The station gave an address over mDNS: its host names need no A/AAAA
 * (none not sent yet, no retry). */
static void resolved(struct mdns_probe *s, const uint8_t mac[6])
{
        if (is_resolved(s, mac))
                return;
        if (s->n_resolved < MDNS_RESOLVED_MAX)
                memcpy(s->resolved[s->n_resolved++], mac, 6);
        for (size_t i = 0; i < s->n_q; i++) {
                struct mdns_q *q = &s->q[i];
                if ((q->type == MDNS_TYPE_A || q->type == MDNS_TYPE_AAAA) &&
                    memcmp(q->mac, mac, 6) == 0)
                        q->dropped = true;
        }
}

/* An SRV record came for an instance: its SRV question needs no retry.
 * v is dns.c's "<instance> <port> <target>"; the target is a host name
 * (no space in it that matters: a wrong split only misses a match). */
static void srv_answered(struct mdns_probe *s, const char *v, size_t len)
{
        uint8_t wire[MDNS_WIRE_NAME_MAX];
        size_t sp = len;
        for (int k = 0; k < 2; k++) {
                while (sp > 0 && v[sp - 1] != ' ')
                        sp--;
                if (sp == 0)
                        return;
                sp--;                   /* at the space */
        }
        int n = mdns_name_encode(v, sp, wire, sizeof(wire));
        if (n <= 1)
                return;
        for (size_t i = 0; i < s->n_q; i++)
                if (s->q[i].type == MDNS_TYPE_SRV &&
                    wire_eq(s->q[i].wire, s->q[i].wire_len, wire, (size_t)n))
                        s->q[i].dropped = true;
}

/* A DNS-SD service type: "_name._tcp.local" or "_name._udp.local"
 * (RFC 6763 §7). */
static bool service_type(const char *v, size_t len)
{
        return len > 0 && v[0] == '_' && dns_name_label_len(v, len) + 1 + strlen("_tcp.local") == len &&
               (dns_name_has_suffix(v, len, "_tcp.local") || dns_name_has_suffix(v, len, "_udp.local"));
}

static void mdns_seen(void *p, const struct obs *ob, uint64_t now)
{
        struct mdns_probe *s = p;

        if (!s->started || s->finished || ob->source != PROTO_MDNS)
                return;
        switch (ob->kind) {
        case OBS_IPV4:
        case OBS_IPV6:
                resolved(s, ob->mac);
                return;
        case OBS_HOSTNAME:
                /* A host name in .local from a station that gave no
                 * address yet (its A may still come in this very answer:
                 * resolved() then drops these before they are sent). */
                if (is_resolved(s, ob->mac) || !dns_name_has_suffix(ob->val, ob->val_len, "local"))
                        return;
                for (int k = 0; k < 2; k++) {
                        struct mdns_q *q = ask(s, ob->val, ob->val_len,
                                               k ? MDNS_TYPE_AAAA : MDNS_TYPE_A, now);
                        if (q)
                                memcpy(q->mac, ob->mac, 6);
                }
                return;
        case OBS_ATTR:
                if (strcmp(ob->key, "mdns.service") == 0) {
                        if (service_type(ob->val, ob->val_len))
                                ask(s, ob->val, ob->val_len, MDNS_TYPE_PTR, now);
                } else if (strcmp(ob->key, "mdns.instance") == 0) {
                        ask(s, ob->val, ob->val_len, MDNS_TYPE_SRV, now);
                        ask(s, ob->val, ob->val_len, MDNS_TYPE_TXT, now);
                } else if (strcmp(ob->key, "mdns.srv") == 0) {
                        srv_answered(s, ob->val, ob->val_len);
                }
                return;
        default:
                return;
        }
}

/* ---- the probe -------------------------------------------------------- */

static void mdns_free(void *p)
{
        struct mdns_probe *s = p;
        if (!s)
                return;
        if (s->fd >= 0)
                close(s->fd);
        free(s);
}

static int mdns_socket(const struct prober_env *env, uint32_t addr, char *why, size_t whylen)
{
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
                goto fail;
        /* Only this interface: the queries leave by it, and the unicast
         * answers are taken only from it. */
        if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, env->ifc->name,
                       (socklen_t)strlen(env->ifc->name)) < 0)
                goto fail;
        struct ip_mreqn mr = { .imr_address.s_addr = htonl(addr), .imr_ifindex = env->ifindex };
        int ttl = MDNS_TTL, loop = 0, rcvbuf = 4096;
        if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) < 0 ||
            setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) < 0 ||
            setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop)) < 0)
                goto fail;
        /* Answers are read from the capture: keep the socket's queue small. */
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
        /* An ephemeral port on the interface's address: the answers to a
         * legacy unicast query come back to it (RFC 6762 §6.7). */
        struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(addr) };
        if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
                goto fail;
        return fd;
fail:;
        int e = errno ? errno : EIO;
        snprintf(why, whylen, "UDP socket on '%s': %s", env->ifc->name, strerror(e));
        if (fd >= 0)
                close(fd);
        return -e;
}

static int mdns_open(const struct prober_env *env, void **ret, char *why, size_t whylen)
{
        struct mdns_probe *s = calloc(1, sizeof(*s));
        if (!s) {
                snprintf(why, whylen, "out of memory");
                return -ENOMEM;
        }
        s->env = env;
        s->fd = -1;
        s->sends = 1 + env->opts->retries;
        uint32_t ms = env->opts->timeout_ms > MDNS_WAIT_MIN_MS ? env->opts->timeout_ms
                                                                : MDNS_WAIT_MIN_MS;
        s->wait_us = (uint64_t)ms * 1000u;
        /* Without an IPv4 address there is nothing to send from: the probe
         * finishes at start. */
        if (env->ifc->n_nets > 0) {
                int fd = mdns_socket(env, env->ifc->nets[0].addr, why, whylen);
                if (fd < 0) {
                        free(s);
                        return fd;
                }
                s->fd = fd;
        }
        *ret = s;
        return 0;
}

static void mdns_start(void *p, uint64_t now)
{
        struct mdns_probe *s = p;
        s->started = true;
        if (s->fd < 0) {
                s->finished = true;
                return;
        }
        ask(s, DNSSD_SERVICES, strlen(DNSSD_SERVICES), MDNS_TYPE_PTR, now);
        for (size_t i = 0; i < sizeof(common_types) / sizeof(common_types[0]); i++)
                ask(s, common_types[i], strlen(common_types[i]), MDNS_TYPE_PTR, now);
}

static bool pending(const struct mdns_q *q, uint32_t sends)
{
        return !q->dropped && q->sent < sends;
}

/* Pack the questions due at `now` into one query; mark them in `taken`.
 * The length, or 0 when none is due; *ret_next: the earliest due later. */
static int pack(struct mdns_probe *s, uint64_t now, uint8_t *buf, bool *taken, uint64_t *ret_next)
{
        struct mdns_question qs[MDNS_QUESTIONS_MAX];
        size_t n = 0, size = DNS_HDR_LEN;
        uint64_t next = UINT64_MAX;

        for (size_t i = 0; i < s->n_q; i++) {
                struct mdns_q *q = &s->q[i];
                taken[i] = false;
                if (!pending(q, s->sends))
                        continue;
                if (q->due > now) {
                        if (q->due < next)
                                next = q->due;
                        continue;
                }
                if (size + q->wire_len + DNS_QUESTION_FIXED > MDNS_QUERY_MAX) {
                        next = now;     /* the rest goes in the next packet */
                        continue;
                }
                size += q->wire_len + DNS_QUESTION_FIXED;
                qs[n++] = (struct mdns_question){ q->wire, q->wire_len, q->type };
                taken[i] = true;
        }
        *ret_next = next;
        if (n == 0)
                return 0;
        return mdns_query_build(buf, MDNS_QUERY_MAX, qs, n);
}

static int mdns_run(void *p, uint64_t now, uint64_t *ret_wake)
{
        struct mdns_probe *s = p;
        uint8_t buf[MDNS_QUERY_MAX];
        bool taken[MDNS_QUESTIONS_MAX];
        uint64_t next, when;

        if (!s->started)
                return 0;
        if (s->finished)
                return 1;
        for (;;) {
                if (now < s->backoff_until) {
                        *ret_wake = s->backoff_until;
                        return 0;
                }
                int len = pack(s, now, buf, taken, &next);
                if (len < 0) {
                        s->finished = true;
                        return len;     /* cannot happen: names are checked in ask() */
                }
                if (len == 0) {
                        /* Nothing due: a retry later, or the wait after
                         * the last query (seen() may still add questions). */
                        uint64_t end = s->last_send + s->wait_us;
                        if (next != UINT64_MAX) {
                                *ret_wake = next;
                                return 0;
                        }
                        if (!s->any_sent || now >= end) {
                                s->finished = true;
                                return 1;
                        }
                        *ret_wake = end;
                        return 0;
                }
                if (!prober_take(s->env->budget, false, now, &when)) {
                        *ret_wake = when;
                        return 0;
                }
                struct sockaddr_in to = {
                        .sin_family = AF_INET,
                        .sin_port = htons(MDNS_PORT),
                        .sin_addr.s_addr = htonl(MDNS_GROUP),
                };
                if (sendto(s->fd, buf, (size_t)len, MSG_DONTWAIT, (struct sockaddr *)&to,
                           sizeof(to)) < 0) {
                        int e = errno;
                        if (e == ENOBUFS || e == EAGAIN) {
                                s->backoff_us = s->backoff_us ? s->backoff_us * 2
                                                              : PROBE_BACKOFF_MIN_US;
                                if (s->backoff_us > PROBE_BACKOFF_MAX_US)
                                        s->backoff_us = PROBE_BACKOFF_MAX_US;
                                s->backoff_until = now + s->backoff_us;
                                continue;
                        }
                        s->finished = true;
                        return -e;
                }
                s->backoff_us = 0;
                s->any_sent = true;
                s->last_send = now;
                for (size_t i = 0; i < s->n_q; i++) {
                        if (!taken[i])
                                continue;
                        s->q[i].sent++;
                        s->q[i].due = now + s->wait_us;
                }
        }
}

static size_t mdns_pollfds(void *p, struct pollfd *fds, size_t cap)
{
        struct mdns_probe *s = p;
        if (s->fd < 0 || cap == 0)
                return 0;
        fds[0] = (struct pollfd){ .fd = s->fd, .events = POLLIN };
        return 1;
}

static void mdns_ready(void *p, const struct pollfd *fds, size_t n, uint64_t now)
{
        struct mdns_probe *s = p;
        uint8_t sink[1500];
        (void)now;
        if (n < 1 || !(fds[0].revents & (POLLIN | POLLERR)))
                return;
        /* The answers were seen by the capture; what reached the socket is
         * only thrown away (an ICMP error queued by a peer is cleared too). */
        for (int i = 0; i < MDNS_DRAIN_MAX; i++)
                if (recv(s->fd, sink, sizeof(sink), MSG_DONTWAIT) < 0 && errno != EINTR)
                        break;
}

static uint64_t mdns_max_packets(const struct prober_opts *o, uint64_t n_hosts)
{
        (void)n_hosts;
        return (uint64_t)MDNS_QUESTIONS_MAX * (1u + o->retries);
}

const struct probe_ops probe_mdns_ops = {
        .name = "mdns",
        .summary = "DNS-SD browse and resolve over mDNS (224.0.0.251)",
        .open = mdns_open,
        .free = mdns_free,
        .start = mdns_start,
        .seen = mdns_seen,
        .run = mdns_run,
        .pollfds = mdns_pollfds,
        .ready = mdns_ready,
        .max_packets = mdns_max_packets,
};
