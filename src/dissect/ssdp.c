/* ssdp.c - SSDP, the discovery part of UPnP (UPnP Device Architecture 2.0
 * §1): HTTP messages over UDP ("HTTPU") on port 1900. The cursor covers one
 * UDP payload.
 *
 * Three messages name a station:
 *   NOTIFY * HTTP/1.1     a device announcing itself (§1.2.2 ssdp:alive,
 *                         §1.2.4 ssdp:update) or leaving (§1.2.3 ssdp:byebye);
 *   HTTP/1.1 200 OK       a device answering a search (§1.3.3), unicast from
 *                         port 1900 to the searcher;
 *   M-SEARCH * HTTP/1.1   a control point searching (§1.3.2).
 * Anything else (other methods, other status codes, not HTTP) is IGNORED.
 *
 * Header lines (RFC 7230 §3.2) end in CRLF or a bare LF; names are matched
 * without regard to case; values are trimmed of blanks (SP, HT). A datagram
 * is a whole message, so its end also ends the headers when the empty line is
 * missing (common in the wild). A capture cut inside a line cannot be told
 * apart from that, so a cut message is decoded as far as it goes (verdict OK
 * when nothing else is wrong). Obsolete line folding (a line starting with a
 * blank) is ignored, not joined. At most SSDP_LINES_MAX header lines are read
 * and lines longer than SSDP_LINE_MAX are skipped, each recorded as a quirk.
 * A header line without a colon (or with an empty name), and a NUL byte in
 * the value of a header read here, violate RFC 7230 §3.2: the frame is
 * MALFORMED, the offending line is dropped, and what the other lines said is
 * still observed.
 *
 * Observations go to ctx->src_mac (PROTO_SSDP); values are views into the
 * frame, copied and capped by the sink.
 */
#include "netinv/dissect.h"

#include <string.h>
#include <strings.h>

/* Header lines read after the start line. A real NOTIFY has about a dozen
 * (miniupnpd: 11); anything past this is ignored. */
#define SSDP_LINES_MAX  64u
/* Longest line considered, CRLF included. Real header lines are below 200
 * bytes; a longer one is skipped whole (and cannot cost more than one pass of
 * cur_find). */
#define SSDP_LINE_MAX   1024u

/* Start lines, UDA 2.0 §1.2.2 (NOTIFY), §1.3.2 (M-SEARCH), §1.3.3 (response). */
#define SSDP_NOTIFY     "NOTIFY * HTTP/1.1"
#define SSDP_MSEARCH    "M-SEARCH * HTTP/1.1"
#define SSDP_NTS_ALIVE  "ssdp:alive"    /* UDA 2.0 §1.2.2 */
#define SSDP_NTS_BYEBYE "ssdp:byebye"   /* UDA 2.0 §1.2.3 */
#define SSDP_USN_UUID   "uuid:"         /* UDA 2.0 §1.1.4: USN = uuid:device-UUID[::type] */

enum msg_kind {
        MSG_NOTIFY,
        MSG_MSEARCH,
        MSG_RESPONSE,
};

/* The headers this dissector reads (UDA 2.0 §1.2.2, §1.3.2, §1.3.3). */
enum hdr {
        H_SERVER,       /* OS/version UPnP/2.0 product/version */
        H_LOCATION,     /* URL of the root device description */
        H_USN,          /* unique service name */
        H_NT,           /* notification type (NOTIFY) */
        H_NTS,          /* notification sub type: ssdp:alive / byebye / update */
        H_ST,           /* search target (M-SEARCH and responses) */
        H_USER_AGENT,   /* the control point's OS and product (M-SEARCH) */
        H_MAX
};

static const char *const hdr_names[H_MAX] = {
        [H_SERVER] = "SERVER", [H_LOCATION] = "LOCATION", [H_USN] = "USN",
        [H_NT] = "NT", [H_NTS] = "NTS", [H_ST] = "ST", [H_USER_AGENT] = "USER-AGENT",
};

/* Malformations and oddities, recorded once per frame as "ssdp.quirk". */
enum quirk {
        Q_BAD_LINE,             /* a header line without ':' or with an empty name */
        Q_NUL_IN_VALUE,         /* a NUL byte in a header value (the header is dropped) */
        Q_LONG_LINE,            /* a line longer than SSDP_LINE_MAX (skipped) */
        Q_TOO_MANY_LINES,       /* more than SSDP_LINES_MAX header lines (rest ignored) */
        Q_OBS_FOLD,             /* a continuation line, RFC 7230 §3.2.4 (ignored) */
        Q_NO_BLANK_LINE,        /* the datagram ends before the empty line */
        Q_MAX
};

static const char *const quirk_names[Q_MAX] = {
        [Q_BAD_LINE] = "bad_line", [Q_NUL_IN_VALUE] = "nul_in_value",
        [Q_LONG_LINE] = "long_line", [Q_TOO_MANY_LINES] = "too_many_lines",
        [Q_OBS_FOLD] = "obs_fold", [Q_NO_BLANK_LINE] = "no_blank_line",
};

struct ssdp_msg {
        enum msg_kind kind;
        struct cursor val[H_MAX];       /* trimmed value of the first such header */
        bool have[H_MAX];
        unsigned quirks;                /* 1u << enum quirk */
        bool bad;                       /* a spec violation: verdict MALFORMED */
};

static bool is_blank(uint8_t b)
{
        return b == ' ' || b == '\t';
}

/* Drop trailing blanks from the cursor's window; each pass shrinks it. */
static void trim_end(struct cursor *v)
{
        uint8_t b;
        while (cur_ok(v) && cur_left(v) > 0 && cur_peek_u8(v, cur_left(v) - 1, &b) && is_blank(b))
                cur_limit(v, cur_left(v) - 1);
}

/* Drop leading and trailing blanks; each pass consumes or cuts a byte. */
static void trim(struct cursor *v)
{
        uint8_t b;
        while (cur_ok(v) && cur_peek_u8(v, 0, &b) && is_blank(b))
                cur_skip(v, 1);
        trim_end(v);
}

/* Does the window hold exactly `lit` (ASCII case ignored when `ci`)? */
static bool eq(struct cursor v, const char *lit, bool ci)
{
        size_t n = strlen(lit);
        if (cur_left(&v) != n)
                return false;
        const uint8_t *p = cur_view(&v, n);
        if (!p)
                return false;
        return ci ? strncasecmp((const char *)p, lit, n) == 0 : memcmp(p, lit, n) == 0;
}

/* Does the window start with `lit` (ASCII case ignored when `ci`)?
 * Advances past it when it does. */
static bool skip_prefix(struct cursor *v, const char *lit, bool ci)
{
        size_t n = strlen(lit);
        struct cursor t = *v;
        const uint8_t *p = cur_view(&t, n);
        if (!p || (ci ? strncasecmp((const char *)p, lit, n) : memcmp(p, lit, n)) != 0)
                return false;
        *v = t;
        return true;
}

/* The next line as a sub-cursor, without its LF and a CR before it; the
 * parent moves past the LF. ret_raw_len is the line's length with its line
 * end, ret_terminated says whether an LF ended it (else the data did). */
static struct cursor next_line(struct cursor *c, size_t *ret_raw_len, bool *ret_terminated)
{
        long nl = cur_find(c, '\n');
        size_t len = nl < 0 ? cur_left(c) : (size_t)nl;
        struct cursor line = cur_sub(c, len);
        if (nl >= 0)
                cur_skip(c, 1);
        uint8_t b;
        if (cur_left(&line) > 0 && cur_peek_u8(&line, cur_left(&line) - 1, &b) && b == '\r')
                cur_limit(&line, cur_left(&line) - 1);
        *ret_raw_len = len + (nl >= 0);
        *ret_terminated = nl >= 0;
        return line;
}

/* Which message the start line opens; false when it is not SSDP. */
static bool start_line(struct cursor line, enum msg_kind *ret_kind)
{
        trim_end(&line);
        if (eq(line, SSDP_NOTIFY, false)) {
                *ret_kind = MSG_NOTIFY;
                return true;
        }
        if (eq(line, SSDP_MSEARCH, false)) {
                *ret_kind = MSG_MSEARCH;
                return true;
        }
        /* Status line, RFC 7230 §3.1.2: HTTP-version SP 3DIGIT SP reason;
         * the version, like the methods above, is case-sensitive (§2.6).
         * Only 200 answers a search (UDA 2.0 §1.3.3); some old stacks answer
         * with HTTP/1.0, which says the same. The reason phrase is free. */
        if (!skip_prefix(&line, "HTTP/1.1 200", false) && !skip_prefix(&line, "HTTP/1.0 200", false))
                return false;
        uint8_t b;
        if (cur_peek_u8(&line, 0, &b) && !is_blank(b))
                return false;           /* "HTTP/1.1 2000" */
        *ret_kind = MSG_RESPONSE;
        return true;
}

/* One header line, not empty and not starting with a blank. */
static void header_line(struct ssdp_msg *m, struct cursor line, bool terminated)
{
        long colon = cur_find(&line, ':');
        if (colon <= 0) {
                /* Without its line end the line may be a capture cut short
                 * inside a name: not evidence of a bad sender. */
                if (terminated) {
                        m->quirks |= 1u << Q_BAD_LINE;
                        m->bad = true;
                }
                return;
        }
        struct cursor name = cur_sub(&line, (size_t)colon);
        cur_skip(&line, 1);
        trim(&name);            /* "ST :" is invalid (RFC 7230 §3.2.4) but harmless */
        trim(&line);
        for (unsigned h = 0; h < H_MAX; h++) {
                if (!eq(name, hdr_names[h], true))
                        continue;
                if (cur_find(&line, 0) >= 0) {
                        m->quirks |= 1u << Q_NUL_IN_VALUE;
                        m->bad = true;
                        return;
                }
                if (!m->have[h]) {      /* the first of repeated headers counts */
                        m->val[h] = line;
                        m->have[h] = true;
                }
                return;
        }
}

/* Read the header lines after the start line into m. Bounded by
 * SSDP_LINES_MAX; each pass consumes one line (at least one byte). */
static void read_headers(struct cursor *c, struct ssdp_msg *m)
{
        bool blank = false;
        unsigned n;

        for (n = 0; cur_ok(c) && cur_left(c) > 0 && n < SSDP_LINES_MAX; n++) {
                size_t raw;
                bool terminated;
                struct cursor line = next_line(c, &raw, &terminated);
                uint8_t first;
                if (raw > SSDP_LINE_MAX) {
                        m->quirks |= 1u << Q_LONG_LINE;
                        continue;
                }
                if (!cur_peek_u8(&line, 0, &first)) {
                        blank = true;   /* the empty line ends the headers */
                        break;
                }
                if (is_blank(first)) {
                        m->quirks |= 1u << Q_OBS_FOLD;
                        continue;
                }
                header_line(m, line, terminated);
        }
        if (blank)
                return;
        if (n == SSDP_LINES_MAX && cur_left(c) > 0)
                m->quirks |= 1u << Q_TOO_MANY_LINES;
        else
                m->quirks |= 1u << Q_NO_BLANK_LINE;
}

static void emit(struct obs_sink *s, const struct frame_ctx *ctx, const struct ssdp_msg *m,
                 enum hdr h, const char *key)
{
        if (!m->have[h])
                return;
        struct cursor v = m->val[h];
        size_t n = cur_left(&v);
        const uint8_t *p = cur_view(&v, n);
        if (p && n)
                obs_attr(s, ctx->src_mac, PROTO_SSDP, key, p, n);
}

/* "ssdp.uuid": the device UUID of USN = "uuid:" UUID ["::" type]. */
static void emit_uuid(struct obs_sink *s, const struct frame_ctx *ctx, const struct ssdp_msg *m)
{
        if (!m->have[H_USN])
                return;
        struct cursor v = m->val[H_USN];
        if (!skip_prefix(&v, SSDP_USN_UUID, true))
                return;
        /* Find the first "::"; each pass moves past one ':' at least. */
        struct cursor scan = v;
        size_t len = cur_left(&v);
        while (cur_ok(&scan) && cur_left(&scan) > 0) {
                long k = cur_find(&scan, ':');
                uint8_t b;
                if (k < 0)
                        break;
                if (cur_peek_u8(&scan, (size_t)k + 1, &b) && b == ':') {
                        len = cur_pos(&scan) + (size_t)k - cur_pos(&v);
                        break;
                }
                cur_skip(&scan, (size_t)k + 1);
        }
        const uint8_t *p = cur_view(&v, len);
        if (p && len)
                obs_attr(s, ctx->src_mac, PROTO_SSDP, "ssdp.uuid", p, len);
}

/* The sender's own address: a device announces and answers from it. */
static void bind_ip(struct obs_sink *s, const struct frame_ctx *ctx)
{
        static const uint8_t zero[16];
        if (ctx->ip_version == 4 && memcmp(ctx->ip_src, zero, 4) != 0 && ctx->ip_src[0] < 224)
                obs_ipv4(s, ctx->src_mac, PROTO_SSDP, ctx->ip_src);
        else if (ctx->ip_version == 6 && memcmp(ctx->ip_src, zero, 16) != 0 &&
                 ctx->ip_src[0] != 0xff)
                obs_ipv6(s, ctx->src_mac, PROTO_SSDP, ctx->ip_src);
}

static void emit_device(struct obs_sink *s, const struct frame_ctx *ctx, const struct ssdp_msg *m)
{
        bind_ip(s, ctx);
        emit(s, ctx, m, H_SERVER, "ssdp.server");
        emit(s, ctx, m, H_LOCATION, "ssdp.location");
        emit(s, ctx, m, H_USN, "ssdp.usn");
        emit_uuid(s, ctx, m);
}

enum dissect_res dissect_ssdp(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s)
{
        struct ssdp_msg m;
        size_t raw;
        bool terminated;

        memset(&m, 0, sizeof(m));
        if (!cur_ok(c) || cur_left(c) == 0)
                return DISSECT_IGNORED;
        struct cursor line = next_line(c, &raw, &terminated);
        if (raw > SSDP_LINE_MAX || !start_line(line, &m.kind))
                return DISSECT_IGNORED;
        read_headers(c, &m);

        switch (m.kind) {
        case MSG_NOTIFY:
                if (m.have[H_NTS] && eq(m.val[H_NTS], SSDP_NTS_BYEBYE, true)) {
                        /* Leaving: nothing else in it is news. */
                        obs_attr_str(s, ctx->src_mac, PROTO_SSDP, "ssdp.nts", SSDP_NTS_BYEBYE);
                        break;
                }
                emit_device(s, ctx, &m);
                emit(s, ctx, &m, H_NT, "ssdp.nt");
                if (m.have[H_NTS] && eq(m.val[H_NTS], SSDP_NTS_ALIVE, true))
                        obs_attr_str(s, ctx->src_mac, PROTO_SSDP, "ssdp.nts", SSDP_NTS_ALIVE);
                else
                        emit(s, ctx, &m, H_NTS, "ssdp.nts");    /* ssdp:update, or odd */
                break;
        case MSG_RESPONSE:
                emit_device(s, ctx, &m);
                emit(s, ctx, &m, H_ST, "ssdp.st");
                break;
        case MSG_MSEARCH:
                bind_ip(s, ctx);
                emit(s, ctx, &m, H_USER_AGENT, "ssdp.user_agent");
                emit(s, ctx, &m, H_ST, "ssdp.search");
                break;
        }
        for (unsigned q = 0; q < Q_MAX; q++)
                if (m.quirks & (1u << q))
                        obs_attr_str(s, ctx->src_mac, PROTO_SSDP, "ssdp.quirk", quirk_names[q]);
        return m.bad ? DISSECT_MALFORMED : DISSECT_OK;
}
