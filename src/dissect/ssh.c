/* ssh.c - the SSH identification string (RFC 4253 §4.2), the first thing an
 * SSH server sends: "SSH-protoversion-softwareversion SP comments CR LF".
 *
 * The cursor covers the first bytes the server sent (what follows the line,
 * such as the binary KEXINIT packet, is not read). The server MAY send other
 * lines first (§4.2); up to SSH_PRE_LINES_MAX of them, within
 * SSH_PRE_BYTES_MAX bytes, are skipped. The identification line is at most
 * 255 bytes including CR LF (§4.2); a bare LF also ends it (OpenSSH accepts
 * that, so devices send it). Nothing is emitted for a line whose end has not
 * arrived: a cut banner would name the wrong software, so it is TRUNCATED.
 *
 * Observations (PROTO_SSH, ctx->src_mac): ssh.banner (the line without CR
 * LF), ssh.protocol ("2.0", "1.99"), ssh.software (softwareversion),
 * ssh.comment (after the first space, when present). A line that starts
 * "SSH-" but has no "-softwareversion" is MALFORMED after ssh.banner.
 */
#include "netinv/banner.h"

#define SSH_LINE_MAX            255u    /* RFC 4253 §4.2, CR LF included */
#define SSH_PRE_LINES_MAX       32u     /* other lines before the SSH- line */
#define SSH_PRE_BYTES_MAX       8192u

/* Does the window start with the 4 bytes "SSH-"? false also when fewer
 * bytes have arrived; *ret_short says so. */
static bool starts_ssh(const struct cursor *c, bool *ret_short)
{
        static const char lit[4] = { 'S', 'S', 'H', '-' };
        *ret_short = false;
        for (size_t i = 0; i < sizeof(lit); i++) {
                uint8_t b;
                if (!cur_peek_u8(c, i, &b)) {
                        *ret_short = true;
                        return false;
                }
                if (b != (uint8_t)lit[i])
                        return false;
        }
        return true;
}

/* Split "SSH-proto-software SP comments" (line without its end). */
static enum dissect_res emit_line(struct cursor line, const struct frame_ctx *ctx,
                                  struct obs_sink *s)
{
        struct cursor all = line;
        size_t n = cur_left(&line);
        const uint8_t *v = cur_view(&all, n);
        obs_attr(s, ctx->src_mac, PROTO_SSH, "ssh.banner", v, n);

        cur_skip(&line, 4);                             /* "SSH-" */
        long dash = cur_find(&line, '-');
        if (dash <= 0)
                return DISSECT_MALFORMED;               /* no protoversion or no '-' */
        struct cursor proto = cur_sub(&line, (size_t)dash);
        cur_skip(&line, 1);
        long sp = cur_find(&line, ' ');
        struct cursor soft = cur_sub(&line, sp < 0 ? cur_left(&line) : (size_t)sp);
        if (!cur_ok(&proto) || !cur_ok(&soft) || cur_left(&soft) == 0)
                return DISSECT_MALFORMED;
        n = cur_left(&proto);
        v = cur_view(&proto, n);
        obs_attr(s, ctx->src_mac, PROTO_SSH, "ssh.protocol", v, n);
        n = cur_left(&soft);
        v = cur_view(&soft, n);
        obs_attr(s, ctx->src_mac, PROTO_SSH, "ssh.software", v, n);
        if (sp >= 0) {
                cur_skip(&line, 1);
                n = cur_left(&line);
                if (n > 0) {
                        v = cur_view(&line, n);
                        obs_attr(s, ctx->src_mac, PROTO_SSH, "ssh.comment", v, n);
                }
        }
        return DISSECT_OK;
}

enum dissect_res parse_ssh(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s)
{
        size_t start = cur_pos(c);

        for (unsigned i = 0; cur_ok(c) && i <= SSH_PRE_LINES_MAX; i++) {
                bool is_short;
                bool ssh = starts_ssh(c, &is_short);
                if (is_short)
                        return DISSECT_TRUNCATED;
                long lf = cur_find(c, '\n');
                if (ssh) {
                        if (lf < 0)
                                return cur_left(c) < SSH_LINE_MAX ? DISSECT_TRUNCATED
                                                                  : DISSECT_MALFORMED;
                        if ((size_t)lf + 1 > SSH_LINE_MAX)
                                return DISSECT_MALFORMED;
                        size_t len = (size_t)lf;
                        uint8_t cr;
                        if (len > 0 && cur_peek_u8(c, len - 1, &cr) && cr == '\r')
                                len--;
                        struct cursor line = cur_sub(c, len);
                        if (!cur_ok(&line))
                                return DISSECT_TRUNCATED;
                        return emit_line(line, ctx, s);
                }
                if (lf < 0)
                        return cur_pos(c) - start + cur_left(c) < SSH_PRE_BYTES_MAX
                                       ? DISSECT_TRUNCATED
                                       : DISSECT_IGNORED;
                if (i == SSH_PRE_LINES_MAX || cur_pos(c) - start + (size_t)lf >= SSH_PRE_BYTES_MAX)
                        break;
                cur_skip(c, (size_t)lf + 1);
        }
        return DISSECT_IGNORED;                 /* no identification line: not SSH */
}
