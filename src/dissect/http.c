/* http.c - the answer to `HEAD /` or a bounded `GET /`: an HTTP/1.x response
 * (RFC 9112 §4 status line, §5 field lines; RFC 9110 for the fields).
 *
 * The cursor covers the first bytes of the response. The status line and
 * the header fields up to the empty line are read; lines end in CRLF or a
 * bare LF (RFC 9112 §2.2 lets a recipient accept that). Field names match
 * without regard to case and values are trimmed of SP/HT. Obsolete line
 * folding (a line starting with a blank) is skipped, not joined. At most
 * HTTP_FIELDS_MAX field lines are read; a line longer than HTTP_LINE_MAX
 * makes the response MALFORMED (what came before is kept). When the headers
 * end before the cursor does, what follows is the body and parse_http_title
 * reads its <title>; chunked bodies are searched as they come (a chunk-size
 * line inside the title would stay in it).
 *
 * Observations (PROTO_HTTP, ctx->src_mac):
 *   http.status            the 3-digit status code ("200")
 *   http.server            Server (RFC 9110 §10.2.4)
 *   http.powered_by        X-Powered-By (not standard, common)
 *   http.www_authenticate  the realm="..." of each WWW-Authenticate challenge
 *                          (RFC 9110 §11.6.1); the scheme ("NTLM") when none
 *   http.location          Location (RFC 9110 §10.2.2)
 *   http.title             the <title> text, blanks collapsed to one space,
 *                          entities left as they are
 * A response whose empty line has not arrived is TRUNCATED after emitting
 * what its complete lines said.
 */
#include "netinv/banner.h"

#include <strings.h>

#define HTTP_FIELDS_MAX 100u            /* field lines read */
#define HTTP_LINE_MAX   8192u           /* longer lines are refused (a server sends < 8 KiB) */
#define HTTP_REALMS_MAX 4u              /* realms taken from one WWW-Authenticate line */

static bool is_blank(uint8_t b) { return b == ' ' || b == '\t'; }
static bool is_space(uint8_t b) { return is_blank(b) || b == '\r' || b == '\n' || b == '\f'; }

static uint8_t lower(uint8_t b) { return (b >= 'A' && b <= 'Z') ? (uint8_t)(b + 32) : b; }

static void trim(struct cursor *v)
{
        uint8_t b;
        while (cur_ok(v) && cur_peek_u8(v, 0, &b) && is_blank(b))
                cur_skip(v, 1);
        while (cur_left(v) > 0 && cur_peek_u8(v, cur_left(v) - 1, &b) && is_blank(b))
                v->end--;       /* shrinking the window: no byte is read */
}

/* Does the window start with `lit` (case-insensitive)? Consumes it when so. */
static bool skip_lit(struct cursor *v, const char *lit)
{
        size_t n = strlen(lit);
        for (size_t i = 0; i < n; i++) {
                uint8_t b;
                if (!cur_peek_u8(v, i, &b) || lower(b) != (uint8_t)lit[i])
                        return false;
        }
        cur_skip(v, n);
        return true;
}

static void emit(struct obs_sink *s, const struct frame_ctx *ctx, const char *key,
                 struct cursor v)
{
        size_t n = cur_left(&v);
        const uint8_t *p = cur_view(&v, n);
        if (p && n > 0)
                obs_attr(s, ctx->src_mac, PROTO_HTTP, key, p, n);
}

/* Next line; *ret_state 0 whole, 1 not ended yet, 2 over HTTP_LINE_MAX. */
static struct cursor next_line(struct cursor *c, int *ret_state)
{
        struct cursor line = { 0 };
        long lf = cur_find(c, '\n');
        if (lf < 0) {
                *ret_state = cur_left(c) > HTTP_LINE_MAX ? 2 : 1;
                return line;
        }
        if ((size_t)lf > HTTP_LINE_MAX) {
                *ret_state = 2;
                return line;
        }
        line = cur_sub(c, (size_t)lf);
        cur_skip(c, 1);
        uint8_t cr;
        if (cur_left(&line) > 0 && cur_peek_u8(&line, cur_left(&line) - 1, &cr) && cr == '\r')
                line.end--;
        *ret_state = 0;
        return line;
}

/* WWW-Authenticate: challenge *( "," challenge ); challenge = scheme
 * [ auth-params ]; we want each realm="...". Quoted strings may hold ',' and
 * '\"'. Without a realm the first scheme is recorded. */
static void www_authenticate(struct obs_sink *s, const struct frame_ctx *ctx, struct cursor v)
{
        struct cursor scheme = v;
        unsigned realms = 0;
        uint8_t b = 0;

        size_t k = 0;
        while (cur_peek_u8(&scheme, k, &b) && !is_blank(b) && b != ',')
                k++;
        scheme.end = scheme.off + k;
        while (cur_ok(&v) && cur_left(&v) > 0 && realms < HTTP_REALMS_MAX) {
                cur_peek_u8(&v, 0, &b);
                if (lower(b) == 'r' && skip_lit(&v, "realm")) {
                        while (cur_ok(&v) && cur_peek_u8(&v, 0, &b) && is_blank(b))
                                cur_skip(&v, 1);
                        if (!cur_peek_u8(&v, 0, &b) || b != '=')
                                continue;
                        cur_skip(&v, 1);
                        while (cur_ok(&v) && cur_peek_u8(&v, 0, &b) && is_blank(b))
                                cur_skip(&v, 1);
                        struct cursor val = v;
                        if (cur_peek_u8(&v, 0, &b) && b == '"') {
                                cur_skip(&v, 1);
                                val = v;
                                /* up to the closing quote, skipping \" pairs */
                                while (cur_ok(&v) && cur_peek_u8(&v, 0, &b) && b != '"')
                                        cur_skip(&v, b == '\\' && cur_left(&v) >= 2 ? 2 : 1);
                        } else {
                                while (cur_ok(&v) && cur_peek_u8(&v, 0, &b) && b != ',' &&
                                       !is_blank(b))
                                        cur_skip(&v, 1);
                        }
                        val.end = v.off;
                        if (cur_peek_u8(&v, 0, &b) && b == '"')
                                cur_skip(&v, 1);        /* the closing quote */
                        emit(s, ctx, "http.www_authenticate", val);
                        realms++;
                        continue;
                }
                if (b == '"') {                 /* skip a quoted string whole */
                        cur_skip(&v, 1);
                        while (cur_ok(&v) && cur_peek_u8(&v, 0, &b) && b != '"')
                                cur_skip(&v, b == '\\' && cur_left(&v) >= 2 ? 2 : 1);
                }
                cur_skip(&v, 1);
        }
        if (realms == 0)
                emit(s, ctx, "http.www_authenticate", scheme);
}

static void field_line(struct obs_sink *s, const struct frame_ctx *ctx, struct cursor line)
{
        static const struct {
                const char *name;       /* lower case, with the colon */
                const char *key;
        } fields[] = {
                { "server:", "http.server" },
                { "x-powered-by:", "http.powered_by" },
                { "location:", "http.location" },
        };
        for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
                if (skip_lit(&line, fields[i].name)) {
                        trim(&line);
                        emit(s, ctx, fields[i].key, line);
                        return;
                }
        if (skip_lit(&line, "www-authenticate:")) {
                trim(&line);
                www_authenticate(s, ctx, line);
        }
}

/* "HTTP/" DIGIT "." DIGIT SP 3DIGIT [ SP reason ] (RFC 9112 §4). */
static bool status_line(struct cursor line, struct cursor *ret_code)
{
        uint8_t b[9];
        if (!skip_lit(&line, "http/") || cur_left(&line) < 7)
                return false;
        cur_copy(&line, b, 3);
        if (b[0] < '0' || b[0] > '9' || b[1] != '.' || b[2] < '0' || b[2] > '9')
                return false;
        if (cur_u8(&line) != ' ')
                return false;
        struct cursor code = line;
        cur_copy(&line, b, 3);
        for (int i = 0; i < 3; i++)
                if (b[i] < '0' || b[i] > '9')
                        return false;
        if (cur_left(&line) > 0 && cur_u8(&line) != ' ')
                return false;
        if (!cur_ok(&line))
                return false;
        code.end = code.off + 3;
        *ret_code = code;
        return true;
}

enum dissect_res parse_http(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s)
{
        int st;
        struct cursor code;

        /* Not HTTP at all is told from the first bytes, even cut short. */
        static const char proto[] = "HTTP/";
        for (size_t i = 0; i < sizeof(proto) - 1; i++) {
                uint8_t b;
                if (!cur_peek_u8(c, i, &b))
                        return DISSECT_TRUNCATED;
                if (b != (uint8_t)proto[i])
                        return DISSECT_IGNORED;
        }
        struct cursor line = next_line(c, &st);
        if (st == 1)
                return DISSECT_TRUNCATED;
        if (st == 2 || !status_line(line, &code))
                return DISSECT_MALFORMED;
        emit(s, ctx, "http.status", code);

        for (unsigned n = 0; cur_ok(c); n++) {
                line = next_line(c, &st);
                if (st == 1)
                        return DISSECT_TRUNCATED;
                if (st == 2)
                        return DISSECT_MALFORMED;
                if (cur_left(&line) == 0)
                        break;                  /* the empty line: headers end */
                if (n >= HTTP_FIELDS_MAX)
                        continue;               /* read on to the body, unheeded */
                uint8_t b = 0;
                cur_peek_u8(&line, 0, &b);
                if (is_blank(b))
                        continue;               /* obs-fold, RFC 9112 §5.2 */
                field_line(s, ctx, line);
        }
        if (!cur_ok(c))
                return DISSECT_TRUNCATED;
        if (cur_left(c) == 0)
                return DISSECT_OK;              /* HEAD, or no body yet */
        struct cursor body = cur_rest(c);
        enum dissect_res r = parse_http_title(&body, ctx, s);
        /* The body is bounded by the caller; no title is no fault. */
        return r == DISSECT_IGNORED ? DISSECT_OK : r;
}

/* Offset of the first case-insensitive `lit` from the window's start, or -1;
 * lit is lower case. */
static long find_ci(const struct cursor *c, const char *lit)
{
        size_t n = strlen(lit), left = cur_left(c);
        for (size_t i = 0; i + n <= left; i++) {
                size_t k = 0;
                uint8_t b;
                while (k < n && cur_peek_u8(c, i + k, &b) && lower(b) == (uint8_t)lit[k])
                        k++;
                if (k == n)
                        return (long)i;
        }
        return -1;
}

enum dissect_res parse_http_title(struct cursor *c, const struct frame_ctx *ctx,
                                  struct obs_sink *s)
{
        uint8_t out[OBS_VALUE_MAX];
        size_t n = 0;
        bool was_space = true;
        uint8_t b;

        struct cursor body = *c;
        cur_limit(&body, HTTP_TITLE_SCAN);
        while (cur_ok(&body)) {         /* each round skips at least "<title" */
                long at = find_ci(&body, "<title");
                if (at < 0)
                        return DISSECT_IGNORED;         /* no title in what is here */
                cur_skip(&body, (size_t)at + 6);
                if (!cur_peek_u8(&body, 0, &b))
                        return DISSECT_TRUNCATED;
                if (b == '>' || is_space(b))
                        break;
                /* "<titles>" or the like: not the tag, look further */
        }
        if (!cur_ok(&body))
                return DISSECT_TRUNCATED;
        long gt = cur_find(&body, '>');         /* attributes, if any, end here */
        if (gt < 0)
                return DISSECT_TRUNCATED;
        cur_skip(&body, (size_t)gt + 1);
        long end = find_ci(&body, "</title");
        if (end < 0)
                return DISSECT_TRUNCATED;       /* the title may go on past the bound */
        struct cursor t = cur_sub(&body, (size_t)end);
        while (cur_ok(&t) && cur_left(&t) > 0 && n < sizeof(out)) {
                b = cur_u8(&t);
                if (is_space(b)) {
                        if (!was_space)
                                out[n++] = ' ';
                        was_space = true;
                        continue;
                }
                out[n++] = b;
                was_space = false;
        }
        if (n > 0 && out[n - 1] == ' ')
                n--;
        if (n > 0)
                obs_attr(s, ctx->src_mac, PROTO_HTTP, "http.title", out, n);
        cur_skip(c, cur_pos(&body) - cur_pos(c));
        return DISSECT_OK;
}
