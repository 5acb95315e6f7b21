/* banner_int.h - the insides of the banner probe (prober.h), shared by its
 * three files and its unit test:
 *   banner.c       the probe: hosts, what to ask whom, the schedule, the end
 *   banner_conv.c  one conversation over a non-blocking socket, its timers,
 *                  and what it reports (the parsers of banner.h, `service`)
 *   banner_tls.c   TLS for HTTPS and RDP (OpenSSL; nothing is verified:
 *                  the probe only reads what the server says)
 * Nothing here is public: scan.c sees only probe_banner_ops.
 */
#ifndef NETINV_PROBE_BANNER_INT_H
#define NETINV_PROBE_BANNER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netinv/cursor.h"
#include "netinv/obs.h"
#include "netinv/prober.h"

/* ---- caps and timers (each documented in netinv(8), PROBING) ---- */

/* Connections open at once, all hosts together: a /24 of small devices is
 * done in a few rounds, and the scanner never holds more than a few dozen
 * sockets and 64 x 16 KiB of buffers. */
#define BANNER_CONNS_MAX        64u
/* At once to one host: a printer or camera serves few clients, and a
 * host's ports are asked one after the other, two at a time. */
#define BANNER_PER_HOST_MAX     2u
/* Bytes read per conversation: a banner, an HTTP head and the start of its
 * body (the <title>), two SMB2 answers with an NTLMSSP CHALLENGE. */
#define BANNER_READ_MAX         (16u * 1024u)
/* Timers, from --timeout (opts->timeout_ms, the wait for one answer; 200 ms
 * by default): connecting, and the wait for the next answer bytes, is
 * BANNER_CONNECT_X times it, the whole conversation BANNER_CONV_X times it,
 * each within [MIN, MAX] ms. Defaults: 1 s and 3 s. A peer that accepts
 * and never answers costs one conversation time, never more. */
#define BANNER_CONNECT_X        5u
#define BANNER_CONNECT_MS_MIN   500u
#define BANNER_CONNECT_MS_MAX   5000u
#define BANNER_CONV_X           15u
#define BANNER_CONV_MS_MIN      1500u
#define BANNER_CONV_MS_MAX      15000u
/* A port with no known protocol: wait this part of the conversation time
 * for the server to speak first (SSH, FTP, SMTP, VNC), then ask GET /. */
#define BANNER_GREET_DIV        3u
/* Conversations queued per host: every --ports entry and every community. */
#define BANNER_ITEMS_PER_HOST   (PROBER_PORTS_MAX + PROBER_COMMUNITIES_MAX)
/* tcp.open names a MAC, not an address: conversations go to at most this
 * many of the addresses that MAC answered for (a router's aliases). */
#define BANNER_IPS_PER_MAC      4u
/* The server's words in a `service` value, bytes after cleaning. */
#define BANNER_TEXT_MAX         200u
/* A greeting line (FTP, SMTP, telnet) is complete at LF or at this many bytes. */
#define BANNER_GREET_MAX        256u
/* The end rule: tcp.open can still come while the TCP probe sends after
 * the sweep. Once every (host, --ports entry) pair has had its tcp.open or
 * tcp.closed, none can; until then the probe waits, from the end of the
 * sweep, the time the TCP
 * probe needs (hosts x ports x (1 + retries) at --rate) times
 * BANNER_TCP_SHARE (the budget is shared with the other probes), plus its
 * timeouts; the same for one host after a host found later (passively);
 * and BANNER_QUIET_X x --timeout after the last tcp.open. */
#define BANNER_TCP_SHARE        2u
#define BANNER_QUIET_X          5u

#define SNMP_PORT               161u    /* RFC 3417 §4 (formerly RFC 1157) */
#define RDP_PROTOCOL_SSL        0x1u    /* MS-RDPBCGR §2.2.1.1.1 requestedProtocols */
#define RDP_PROTOCOL_HYBRID     0x2u
#define RDP_PROTOCOL_HYBRID_EX  0x8u

/* What the probe says to a port. */
enum banner_app {
        APP_NONE,       /* nothing: a fragile port, or one that waits to be asked
                         * in a protocol the probe does not speak (msrpc, netbios-ssn) */
        APP_SSH,        /* wait for the identification string */
        APP_GREET,      /* wait for a greeting line (FTP, SMTP, telnet, VNC) */
        APP_HTTP,       /* GET / */
        APP_HTTPS,      /* TLS, then GET / */
        APP_SMB,        /* SMB2 NEGOTIATE, then SESSION_SETUP with NTLMSSP NEGOTIATE */
        APP_RDP,        /* X.224 Connection Request, TLS, CredSSP with NTLMSSP NEGOTIATE */
        APP_PROBE,      /* unknown port: wait for a greeting, then GET / */
        APP_SNMP,       /* UDP GetRequest */
        APP_MAX
};

/* The app for a TCP port, and its service name ("ssh", "http", ...;
 * "unknown" for a port not in the table). APP_NONE for a port that
 * prober_payload_ok() refuses: no connection at all goes there. */
enum banner_app banner_choose(const struct prober_opts *o, uint16_t port, const char **ret_name);
/* Timers in µs from opts->timeout_ms (see above). */
uint64_t banner_connect_us(const struct prober_opts *o);
uint64_t banner_conv_us(const struct prober_opts *o);
/* How long after the sweep tcp.open may still come (the end rule). */
uint64_t banner_tcp_wait_us(const struct prober_opts *o, uint64_t n_hosts);

/* The next cap bytes of wire text made fit for a service value: control
 * characters and invalid UTF-8 become a space, runs of spaces one, none at
 * either end; at most cap - 1 bytes, never a cut character; NUL-terminated.
 * Reads the cursor to its end or to the first LF when line is true.
 * Returns the length. */
size_t banner_clean(struct cursor *c, bool line, char *out, size_t cap);
/* "tcp/22 ssh <text>" (text already clean, may be NULL or empty: then
 * "tcp/22 ssh"). Returns the length; NUL-terminated, cut to fit cap. */
size_t banner_service_fmt(char *out, size_t cap, bool udp, uint16_t port, const char *name,
                          const char *text);

/* ---- one conversation (banner_conv.c) ---- */

enum conv_step {
        STEP_FREE,      /* the slot is unused */
        STEP_CONNECT,   /* connect() in progress */
        STEP_SEND,      /* writing out[out_off..out_len) */
        STEP_READ,      /* reading the answer */
        STEP_TLS,       /* TLS handshake */
        STEP_MAX
};

/* Where an app is: which request went, which answer is read. */
enum conv_phase {
        PH_FIRST,       /* the first (or only) answer */
        PH_HTTP,        /* APP_PROBE: the greeting did not come, GET / went */
        PH_SMB_SETUP,   /* SESSION_SETUP went; reading its answer from mark */
        PH_RDP_TLS,     /* X.224 confirmed TLS; buf[0..mark) is the confirm */
        PH_RDP_CREDSSP, /* TSRequest went; reading the server's from mark */
};

struct banner_conv {
        int fd;                 /* -1 when none (also in the unit test) */
        uint32_t host;          /* index in the probe's host table */
        uint32_t ip;            /* host order */
        uint16_t port;
        uint8_t app;            /* enum banner_app */
        uint8_t step;           /* enum conv_step */
        uint8_t phase;          /* enum conv_phase */
        uint8_t community;      /* APP_SNMP: index in opts->communities */
        uint8_t tries;          /* APP_SNMP: datagrams sent */
        bool connected;         /* TCP: accepted */
        bool ok;                /* the answer parsed (SNMP: stop asking this host) */
        short want;             /* POLLIN / POLLOUT */
        uint32_t rdp_proto;     /* APP_RDP: the protocol the server chose */
        const char *name;       /* service name */
        uint64_t deadline;      /* the whole conversation */
        uint64_t timer;         /* connect / greeting / idle / SNMP retry; 0 none */
        void *ssl;              /* SSL *, banner_tls.c */
        uint8_t out[640];       /* the request being sent */
        size_t out_len, out_off;
        uint8_t *buf;           /* BANNER_READ_MAX bytes, the probe's */
        size_t len;             /* bytes read */
        size_t mark;            /* where the current answer starts in buf */
};

struct bhost;

/* The probe (banner.c). */
struct banner {
        const struct prober_env *env;
        struct bhost *hosts;
        uint32_t n_hosts, cap_hosts;
        uint32_t *by_plan;              /* plan index -> host index + 1 */
        uint32_t *by_mac;               /* open addressing: host index + 1 of a MAC's first */
        uint32_t mac_cap;               /* power of two */
        uint32_t rq_head, rq_tail;      /* FIFO of runnable hosts (index + 1) */
        struct banner_conv conv[BANNER_CONNS_MAX];
        uint32_t inflight;
        uint8_t *bufs;                  /* BANNER_CONNS_MAX x BANNER_READ_MAX */
        struct obs_sink *sink;          /* what a finished conversation emits */
        struct obs_sink *scratch;       /* "is the answer complete?" parses */
        void *tls;                      /* SSL_CTX * */
        uint8_t polled[BANNER_CONNS_MAX];       /* conv slot of each pollfd given */
        size_t n_polled;
        bool hosts_done;
        bool tcp_done;          /* the TCP probe finished: no tcp.open of its own will come */
        uint64_t hosts_done_at, last_open, tcp_wait_us;
        uint64_t last_host, tcp_wait_one_us;    /* a host found after the sweep */
        uint64_t tcp_pairs_answered;    /* (host, --ports entry) pairs with tcp.open/closed */
        uint64_t connect_us, conv_us, idle_us;
        /* Replaceable for the unit test (no sockets, no engine). */
        int (*take)(struct prober_budget *b, bool host_probe, uint64_t now, uint64_t *ret_when);
        int (*dial)(struct banner *b, struct banner_conv *cv, uint64_t now);
        /* counters (for the log and the test) */
        uint64_t n_dialled, n_answered, n_silent, n_failed, n_refused_items;
};

/* Start cv (app, ip, port, host filled): a socket, connect(). 0, or
 * -errno when it could not start (cv is then finished). */
int banner_conv_dial(struct banner *b, struct banner_conv *cv, uint64_t now);
/* The socket is ready (revents of poll). */
void banner_conv_io(struct banner *b, struct banner_conv *cv, short revents, uint64_t now);
/* Timers: ends or moves cv on when one has passed. */
void banner_conv_tick(struct banner *b, struct banner_conv *cv, uint64_t now);
/* The earliest time cv needs a tick. */
uint64_t banner_conv_wake(const struct banner_conv *cv);
/* Report (banner_report), close the socket and free the slot
 * (banner_released). */
void banner_conv_finish(struct banner *b, struct banner_conv *cv);
/* What cv learnt: parse buf with the parsers of banner.h into b->sink with
 * the host's MAC, add the `service` value, emit. */
void banner_report(struct banner *b, const struct banner_conv *cv);
/* The host's MAC (banner.c). */
const uint8_t *banner_host_mac(const struct banner *b, uint32_t host);
/* A conversation ended: the slot is free, the host may go on (banner.c). */
void banner_released(struct banner *b, struct banner_conv *cv);

/* ---- the probe's test entry points (banner.c) ---- */

/* probe_banner_ops.open without TLS (b->tls NULL); the test then sets
 * b->take and b->dial. */
int banner_new(const struct prober_env *env, struct banner **ret, char *why, size_t whylen);
void banner_free(struct banner *b);

/* ---- TLS (banner_tls.c) ---- */

/* An SSL_CTX for the probe: any version from TLS 1.0, any cipher, no
 * verification, no SNI. NULL with a reason in why. */
void *banner_tls_new(char *why, size_t whylen);
void banner_tls_free(void *ctx);
/* Put TLS on cv->fd. 0 or -ENOMEM. */
int banner_tls_begin(void *ctx, struct banner_conv *cv);
/* 1 done, 0 not yet (cv->want says what to wait for), -EIO failed. */
int banner_tls_handshake(struct banner_conv *cv);
/* Bytes moved, 0 at EOF (read), -EAGAIN (cv->want set) or -EIO. */
long banner_tls_read(struct banner_conv *cv, uint8_t *buf, size_t n);
long banner_tls_write(struct banner_conv *cv, const uint8_t *buf, size_t n);
void banner_tls_end(struct banner_conv *cv);

#endif
