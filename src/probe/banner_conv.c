/* banner_conv.c - one conversation of the banner probe over a non-blocking
 * socket: connect, send the app's request, read the answer into the slot's
 * buffer (at most BANNER_READ_MAX bytes), go on to the next request when
 * the app has one (SMB2 SESSION_SETUP after NEGOTIATE, TLS and CredSSP
 * after RDP's X.224), and in the end hand what came to the parsers of
 * banner.h (banner_report).
 *
 * Every byte read is looked at only through a cursor, by the parsers or by
 * the small completeness checks here. An answer is complete when its parser
 * says it is (not TRUNCATED), at EOF, when the buffer is full, or when the
 * peer has said something and then paused for the idle time; a peer that
 * accepts and never answers is given up at the conversation's deadline. A
 * refused connection, a reset or an error ends the conversation quietly
 * with what it had.
 */
#include "banner_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netinv/banner.h"
#include "netinv/util.h"

#define NBSS_KEEPALIVE          0x85    /* RFC 1002 §4.3.7 */
#define NBSS_HEADER_LEN         4u      /* type, 24-bit length (MS-SMB2 §2.1) */
#define NBSS_SKIP_MAX           4u      /* keep-alives skipped before an answer */
#define READS_PER_EVENT         8u      /* reads per readiness: TLS buffers records */

enum judgement {
        J_MORE,         /* keep reading */
        J_DONE,         /* the conversation has what it came for */
        J_NEXT,         /* the next request is set up (step SEND or TLS) */
};

static const struct frame_ctx *no_ctx(struct frame_ctx *ctx)
{
        memset(ctx, 0, sizeof(*ctx));
        return ctx;
}

/* A cursor over buf[from..len). */
static struct cursor answer(const struct banner_conv *cv, size_t from)
{
        struct cursor c;
        cur_init(&c, cv->buf, cv->len);
        cur_skip(&c, from);
        return c;
}

static bool starts_ssh(const struct banner_conv *cv)
{
        static const char lit[4] = { 'S', 'S', 'H', '-' };
        struct cursor c = answer(cv, 0);
        for (size_t i = 0; i < sizeof(lit); i++) {
                uint8_t b;
                if (!cur_peek_u8(&c, i, &b) || b != (uint8_t)lit[i])
                        return false;
        }
        return true;
}

static const struct obs *sink_find(const struct obs_sink *s, const char *key)
{
        for (size_t i = 0; i < s->n; i++)
                if (s->obs[i].kind == OBS_ATTR && strcmp(s->obs[i].key, key) == 0)
                        return &s->obs[i];
        return NULL;
}

/* The value of key in s, cleaned into out ("" when absent). */
static size_t sink_text(const struct obs_sink *s, const char *key, char *out, size_t cap)
{
        const struct obs *o = sink_find(s, key);
        struct cursor c;
        if (!o) {
                out[0] = '\0';
                return 0;
        }
        cur_init(&c, o->val, o->val_len);
        return banner_clean(&c, false, out, cap);
}

/* Is a whole NetBIOS session message (after keep-alives) in c? */
static bool nbss_complete(struct cursor c)
{
        for (unsigned i = 0; cur_ok(&c) && i < NBSS_SKIP_MAX; i++) {
                uint8_t type = cur_u8(&c);
                uint32_t len = (uint32_t)cur_u8(&c) << 16;
                len |= cur_be16(&c);
                if (!cur_ok(&c) || cur_left(&c) < len)
                        return false;
                if (type != NBSS_KEEPALIVE)
                        return true;
                cur_skip(&c, len);
        }
        return false;
}

static void set_request(struct banner_conv *cv, ssize_t n)
{
        cv->out_len = n > 0 ? (size_t)n : 0;
        cv->out_off = 0;
        cv->step = STEP_SEND;
        cv->want = POLLOUT;
}

static void http_request(struct banner_conv *cv)
{
        char ip[INET_ADDRSTRLEN], host[INET_ADDRSTRLEN + 8];
        uint8_t a[4] = { (uint8_t)(cv->ip >> 24), (uint8_t)(cv->ip >> 16), (uint8_t)(cv->ip >> 8),
                         (uint8_t)cv->ip };
        fmt_ip(ip, sizeof(ip), 4, a);
        bool dflt = cv->port == (cv->app == APP_HTTPS ? 443 : 80);
        if (dflt)
                snprintf(host, sizeof(host), "%s", ip);
        else
                snprintf(host, sizeof(host), "%s:%u", ip, (unsigned)cv->port);
        int n = snprintf((char *)cv->out, sizeof(cv->out),
                         "GET / HTTP/1.1\r\nHost: %s\r\nUser-Agent: netinv/" NETINV_VERSION
                         "\r\nAccept: */*\r\nConnection: close\r\n\r\n", host);
        set_request(cv, n > 0 && (size_t)n < sizeof(cv->out) ? n : 0);
}

static void snmp_request(const struct banner *b, struct banner_conv *cv, uint64_t now)
{
        /* RFC 3418 system group: sysDescr.0, sysObjectID.0, sysName.0 */
        static const uint32_t descr[] = { 1, 3, 6, 1, 2, 1, 1, 1, 0 };
        static const uint32_t oid[] = { 1, 3, 6, 1, 2, 1, 1, 2, 0 };
        static const uint32_t name[] = { 1, 3, 6, 1, 2, 1, 1, 5, 0 };
        static const uint32_t *const oids[] = { descr, oid, name };
        static const size_t lens[] = { 9, 9, 9 };
        int32_t id = (int32_t)((now ^ ((uint64_t)cv->ip << 8) ^ cv->tries) & 0x7fffffff);
        set_request(cv, snmp_get_request(cv->out, sizeof(cv->out),
                                         b->env->opts->communities[cv->community], id, oids,
                                         lens, 3));
}

int banner_conv_dial(struct banner *b, struct banner_conv *cv, uint64_t now)
{
        bool udp = cv->app == APP_SNMP;
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(cv->port),
                                  .sin_addr.s_addr = htonl(cv->ip) };

        cv->deadline = now + b->conv_us;
        cv->timer = now + b->connect_us;
        cv->fd = socket(AF_INET, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC,
                        0);
        if (cv->fd < 0)
                return -errno;
        if (!udp) {
                /* Close with a reset: no TIME_WAIT left for each of many
                 * short conversations. */
                struct linger l = { .l_onoff = 1, .l_linger = 0 };
                setsockopt(cv->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
        }
        if (connect(cv->fd, (const struct sockaddr *)&sa, sizeof(sa)) < 0 &&
            errno != EINPROGRESS)
                return -errno;
        if (udp) {
                snmp_request(b, cv, now);
                if (!cv->out_len)
                        return -EINVAL;
                return 0;
        }
        cv->step = STEP_CONNECT;
        cv->want = POLLOUT;
        return 0;
}

static void do_send(struct banner *b, struct banner_conv *cv, uint64_t now);
static void do_tls(struct banner *b, struct banner_conv *cv, uint64_t now);

/* After a judgement of J_NEXT or a step change: move on at once. */
static void go_on(struct banner *b, struct banner_conv *cv, uint64_t now)
{
        if (cv->step == STEP_SEND)
                do_send(b, cv, now);
        else if (cv->step == STEP_TLS)
                do_tls(b, cv, now);
}

static void start_read(const struct banner *b, struct banner_conv *cv, uint64_t now)
{
        cv->step = STEP_READ;
        cv->want = POLLIN;
        cv->timer = 0;
        if (cv->app == APP_SNMP)
                cv->timer = now + b->connect_us;        /* then the retry */
        else if (cv->app == APP_PROBE && cv->phase == PH_FIRST)
                cv->timer = now + b->conv_us / BANNER_GREET_DIV;
}

/* Connected: the app's first move. */
static void begin(struct banner *b, struct banner_conv *cv, uint64_t now)
{
        uint8_t guid[16], salt[32];
        char ip[INET_ADDRSTRLEN];
        uint8_t a[4] = { (uint8_t)(cv->ip >> 24), (uint8_t)(cv->ip >> 16), (uint8_t)(cv->ip >> 8),
                         (uint8_t)cv->ip };

        cv->connected = true;
        cv->timer = 0;
        switch (cv->app) {
        case APP_HTTP:
                http_request(cv);
                break;
        case APP_HTTPS:
                if (banner_tls_begin(b->tls, cv) < 0) {
                        banner_conv_finish(b, cv);
                        return;
                }
                cv->step = STEP_TLS;
                break;
        case APP_SMB:
                /* Random, as a client's are; when the kernel has none to
                 * give, anything that differs between conversations will do
                 * (the server only reads them back). */
                if (getrandom(guid, sizeof(guid), GRND_NONBLOCK) != (ssize_t)sizeof(guid))
                        for (size_t i = 0; i < sizeof(guid); i++)
                                guid[i] = (uint8_t)((now >> (i % 8 * 8)) ^ (cv->ip >> (i % 4 * 8)));
                if (getrandom(salt, sizeof(salt), GRND_NONBLOCK) != (ssize_t)sizeof(salt))
                        for (size_t i = 0; i < sizeof(salt); i++)
                                salt[i] = (uint8_t)((now >> (i % 8 * 8)) * 31u + i);
                guid[6] = (uint8_t)((guid[6] & 0x0f) | 0x40);   /* a version 4 GUID */
                fmt_ip(ip, sizeof(ip), 4, a);
                set_request(cv, smb2_negotiate_request(cv->out, sizeof(cv->out), guid, salt, ip));
                break;
        case APP_RDP:
                set_request(cv, rdp_x224_request(cv->out, sizeof(cv->out),
                                                 RDP_PROTOCOL_SSL | RDP_PROTOCOL_HYBRID));
                break;
        default:                /* the server speaks first */
                start_read(b, cv, now);
                return;
        }
        if (cv->step == STEP_SEND && cv->out_len == 0) {
                banner_conv_finish(b, cv);      /* a builder refused: nothing to say */
                return;
        }
        go_on(b, cv, now);
}

static enum judgement judge_http(struct banner *b, struct banner_conv *cv)
{
        struct frame_ctx ctx;
        struct cursor c = answer(cv, cv->mark);
        obs_sink_reset(b->scratch);
        enum dissect_res r = parse_http(&c, no_ctx(&ctx), b->scratch);
        if (r == DISSECT_TRUNCATED)
                return J_MORE;
        if (r == DISSECT_OK && !sink_find(b->scratch, "http.title"))
                return J_MORE;          /* a title may follow, until EOF or idle */
        return J_DONE;
}

static bool greet_done(const struct banner_conv *cv)
{
        struct cursor c = answer(cv, cv->mark);
        return cur_find(&c, '\n') >= 0 || cur_left(&c) >= BANNER_GREET_MAX;
}

/* Is the answer read so far complete, and what next? */
static enum judgement judge(struct banner *b, struct banner_conv *cv, uint64_t now)
{
        struct frame_ctx ctx;
        struct cursor c = answer(cv, cv->mark);
        uint32_t proto = 0, fail = 0;
        enum dissect_res r;

        obs_sink_reset(b->scratch);
        if (cv->app == APP_SNMP) {
                r = parse_snmp(&c, no_ctx(&ctx), b->scratch);
                if (r == DISSECT_OK && sink_find(b->scratch, "snmp.version")) {
                        cv->ok = true;
                        return J_DONE;
                }
                cv->len = 0;            /* not the answer: wait on */
                return J_MORE;
        }
        if (cv->mark == 0 && starts_ssh(cv)) {
                r = parse_ssh(&c, no_ctx(&ctx), b->scratch);
                return r == DISSECT_TRUNCATED ? J_MORE : J_DONE;
        }
        switch (cv->app) {
        case APP_SSH:
        case APP_GREET:
                return greet_done(cv) ? J_DONE : J_MORE;
        case APP_PROBE:
                if (cv->phase == PH_FIRST)
                        return greet_done(cv) ? J_DONE : J_MORE;
                return judge_http(b, cv);
        case APP_HTTP:
        case APP_HTTPS:
                return judge_http(b, cv);
        case APP_SMB:
                if (!nbss_complete(c))
                        return J_MORE;
                if (cv->phase != PH_FIRST)
                        return J_DONE;
                r = parse_smb2(&c, no_ctx(&ctx), b->scratch);
                if (!sink_find(b->scratch, "smb.dialect"))
                        return J_DONE;
                cv->phase = PH_SMB_SETUP;
                cv->mark = cv->len;
                set_request(cv, smb2_session_setup_ntlm_negotiate(cv->out, sizeof(cv->out), 1));
                return cv->out_len ? J_NEXT : J_DONE;
        case APP_RDP:
                if (cv->phase == PH_RDP_CREDSSP) {
                        r = parse_rdp_credssp(&c, no_ctx(&ctx), b->scratch);
                        return r == DISSECT_TRUNCATED ? J_MORE : J_DONE;
                }
                r = rdp_x224_confirm(&c, &proto, &fail);
                if (r == DISSECT_TRUNCATED)
                        return J_MORE;
                if (r != DISSECT_OK || fail ||
                    !(proto & (RDP_PROTOCOL_SSL | RDP_PROTOCOL_HYBRID | RDP_PROTOCOL_HYBRID_EX)))
                        return J_DONE;
                cv->rdp_proto = proto;
                cv->phase = PH_RDP_TLS;
                cv->mark = cv->len;
                if (banner_tls_begin(b->tls, cv) < 0)
                        return J_DONE;
                cv->step = STEP_TLS;
                cv->timer = 0;
                (void)now;
                return J_NEXT;
        default:
                return J_DONE;
        }
}

static void do_read(struct banner *b, struct banner_conv *cv, uint64_t now)
{
        for (unsigned i = 0; i < READS_PER_EVENT; i++) {
                size_t space = BANNER_READ_MAX - cv->len;
                long r;
                if (space == 0) {
                        banner_conv_finish(b, cv);      /* the cap: judge what is there */
                        return;
                }
                if (cv->ssl) {
                        r = banner_tls_read(cv, cv->buf + cv->len, space);
                } else {
                        r = recv(cv->fd, cv->buf + cv->len, space, 0);
                        if (r < 0)
                                r = errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR
                                            ? -EAGAIN : -errno;
                }
                if (r == -EAGAIN) {
                        if (!cv->ssl)
                                cv->want = POLLIN;
                        return;
                }
                if (r <= 0) {
                        banner_conv_finish(b, cv);      /* EOF, reset, refusal */
                        return;
                }
                cv->len += (size_t)r;
                if (cv->app != APP_SNMP)
                        cv->timer = now + b->idle_us;   /* said something: idle timer */
                switch (judge(b, cv, now)) {
                case J_MORE:
                        continue;
                case J_DONE:
                        banner_conv_finish(b, cv);
                        return;
                case J_NEXT:
                        go_on(b, cv, now);
                        return;
                }
        }
}

static void do_send(struct banner *b, struct banner_conv *cv, uint64_t now)
{
        while (cv->out_off < cv->out_len) {
                long r;
                size_t n = cv->out_len - cv->out_off;
                if (cv->ssl) {
                        r = banner_tls_write(cv, cv->out + cv->out_off, n);
                } else {
                        r = send(cv->fd, cv->out + cv->out_off, n, MSG_NOSIGNAL);
                        if (r < 0)
                                r = errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR
                                            ? -EAGAIN : -errno;
                }
                if (r == -EAGAIN) {
                        if (!cv->ssl)
                                cv->want = POLLOUT;
                        return;
                }
                if (r <= 0) {
                        banner_conv_finish(b, cv);
                        return;
                }
                cv->out_off += (size_t)r;
        }
        if (cv->app == APP_SNMP)
                cv->tries++;
        start_read(b, cv, now);
}

static void do_tls(struct banner *b, struct banner_conv *cv, uint64_t now)
{
        int r = banner_tls_handshake(cv);
        if (r == 0)
                return;
        if (r < 0) {
                banner_conv_finish(b, cv);
                return;
        }
        if (cv->app == APP_HTTPS) {
                http_request(cv);
        } else if (cv->app == APP_RDP &&
                   (cv->rdp_proto & (RDP_PROTOCOL_HYBRID | RDP_PROTOCOL_HYBRID_EX))) {
                cv->phase = PH_RDP_CREDSSP;
                cv->mark = cv->len;
                set_request(cv, rdp_credssp_negotiate(cv->out, sizeof(cv->out)));
        } else {
                banner_conv_finish(b, cv);      /* RDP over plain TLS: the confirm is all */
                return;
        }
        if (!cv->out_len) {
                banner_conv_finish(b, cv);
                return;
        }
        do_send(b, cv, now);
}

void banner_conv_io(struct banner *b, struct banner_conv *cv, short revents, uint64_t now)
{
        int err = 0;
        socklen_t len = sizeof(err);

        switch (cv->step) {
        case STEP_CONNECT:
                if (getsockopt(cv->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) {
                        banner_conv_finish(b, cv);      /* refused, unreachable */
                        return;
                }
                if (revents & (POLLOUT | POLLERR | POLLHUP))
                        begin(b, cv, now);
                return;
        case STEP_SEND:
                do_send(b, cv, now);
                return;
        case STEP_READ:
                do_read(b, cv, now);
                return;
        case STEP_TLS:
                do_tls(b, cv, now);
                return;
        default:
                return;
        }
}

void banner_conv_tick(struct banner *b, struct banner_conv *cv, uint64_t now)
{
        uint64_t when;

        if (cv->step == STEP_FREE)
                return;
        if (now >= cv->deadline) {
                banner_conv_finish(b, cv);
                return;
        }
        if (!cv->timer || now < cv->timer)
                return;
        cv->timer = 0;
        if (cv->step == STEP_CONNECT) {
                banner_conv_finish(b, cv);      /* nobody accepted in time */
                return;
        }
        if (cv->step != STEP_READ)
                return;
        if (cv->app == APP_SNMP) {
                if (cv->tries > b->env->opts->retries) {
                        banner_conv_finish(b, cv);
                        return;
                }
                if (!b->take(b->env->budget, true, now, &when)) {
                        cv->timer = when;
                        return;
                }
                snmp_request(b, cv, now);
                do_send(b, cv, now);
                return;
        }
        if (cv->app == APP_PROBE && cv->phase == PH_FIRST && cv->len == 0) {
                /* no greeting: perhaps a web server on an unusual port */
                cv->phase = PH_HTTP;
                cv->mark = cv->len;
                http_request(cv);
                do_send(b, cv, now);
                return;
        }
        banner_conv_finish(b, cv);              /* said something, then nothing more */
}

uint64_t banner_conv_wake(const struct banner_conv *cv)
{
        if (cv->step == STEP_FREE)
                return UINT64_MAX;
        return cv->timer && cv->timer < cv->deadline ? cv->timer : cv->deadline;
}

void banner_conv_finish(struct banner *b, struct banner_conv *cv)
{
        if (cv->step == STEP_FREE)
                return;
        if (cv->connected || (cv->app == APP_SNMP && cv->ok))
                banner_report(b, cv);
        banner_tls_end(cv);
        if (cv->fd >= 0)
                close(cv->fd);
        banner_released(b, cv);
}

/* ------------------------------------------------------------ report */

static enum proto app_source(enum banner_app app)
{
        switch (app) {
        case APP_SSH:
                return PROTO_SSH;
        case APP_HTTP:
        case APP_HTTPS:
                return PROTO_HTTP;
        case APP_SMB:
                return PROTO_SMB;
        case APP_RDP:
                return PROTO_RDP;
        case APP_SNMP:
                return PROTO_SNMP;
        default:
                return PROTO_TCP;
        }
}

/* "<what> <words>[ NT <ntlm.os_version>]" for SMB and RDP. */
static void windows_text(const struct obs_sink *s, const char *what, const char *key,
                         char *out, size_t cap)
{
        char v[64], os[64];
        sink_text(s, key, v, sizeof(v));
        sink_text(s, "ntlm.os_version", os, sizeof(os));
        if (!v[0] && !os[0]) {
                out[0] = '\0';
                return;
        }
        snprintf(out, cap, "%s%s%s%s%s", what, v[0] ? " " : "", v, os[0] ? " NT " : "", os);
}

void banner_report(struct banner *b, const struct banner_conv *cv)
{
        struct obs_sink *s = b->sink;
        struct frame_ctx ctx;
        struct cursor c = answer(cv, 0), m = answer(cv, cv->mark);
        char text[BANNER_TEXT_MAX + 1] = "", svc[BANNER_TEXT_MAX + 64];
        const char *name = cv->name;
        enum proto src = app_source(cv->app);
        enum dissect_res r;

        obs_sink_reset(s);
        memset(&ctx, 0, sizeof(ctx));
        memcpy(ctx.src_mac, banner_host_mac(b, cv->host), 6);

        if (cv->app == APP_SNMP) {
                parse_snmp(&c, &ctx, s);
                sink_text(s, "snmp.sys_descr", text, sizeof(text));
        } else if (starts_ssh(cv)) {
                parse_ssh(&c, &ctx, s);
                name = "ssh";
                src = PROTO_SSH;
                sink_text(s, "ssh.banner", text, sizeof(text));
        } else {
                switch (cv->app) {
                case APP_HTTP:
                case APP_HTTPS:
                        parse_http(&m, &ctx, s);
                        sink_text(s, "http.server", text, sizeof(text));
                        break;
                case APP_PROBE:
                        if (cv->phase == PH_HTTP) {
                                r = parse_http(&m, &ctx, s);
                                if (r != DISSECT_IGNORED && sink_find(s, "http.status")) {
                                        name = "http";
                                        src = PROTO_HTTP;
                                        sink_text(s, "http.server", text, sizeof(text));
                                }
                                break;
                        }
                        banner_clean(&c, true, text, sizeof(text));
                        break;
                case APP_SMB:
                        parse_smb2(&c, &ctx, s);
                        windows_text(s, "SMB", "smb.dialect", text, sizeof(text));
                        break;
                case APP_RDP:
                        if (cv->phase != PH_FIRST)
                                cur_limit(&c, cv->mark);        /* the confirm only */
                        parse_rdp_x224(&c, &ctx, s);
                        if (cv->phase == PH_RDP_CREDSSP)
                                parse_rdp_credssp(&m, &ctx, s);
                        windows_text(s, "RDP", sink_find(s, "rdp.protocol") ? "rdp.protocol"
                                                                            : "rdp.neg_failure",
                                     text, sizeof(text));
                        break;
                default:        /* SSH that was not, greetings */
                        banner_clean(&c, true, text, sizeof(text));
                        break;
                }
        }
        if (cv->len > 0) {
                b->n_answered++;
        } else {
                b->n_silent++;
                src = PROTO_TCP;        /* accepted, said nothing: only TCP knows */
        }
        banner_service_fmt(svc, sizeof(svc), cv->app == APP_SNMP, cv->port, name, text);
        obs_attr_str(s, ctx.src_mac, src, "service", svc);
        prober_emit(b->env, s, now_usec());
}
