/* cursor.c - the cursor functions off the hot path. The accessors are
 * inline in cursor.h; the two together are the only code that indexes
 * packet memory. */
#include "netinv/cursor.h"

#include <string.h>

struct cursor cur_rest(struct cursor *c)
{
        struct cursor s = *c;
        c->off = c->end;
        return s;
}

struct cursor cur_at(const struct cursor *c, size_t abs)
{
        struct cursor s = { .msg = c->msg, .msg_len = c->msg_len, .off = abs, .end = c->msg_len };
        if (abs > c->msg_len) {
                s.off = s.end = c->msg_len;
                s.err = CUR_TRUNC;
        }
        return s;
}

long cur_find(const struct cursor *c, uint8_t b)
{
        if (c->err != CUR_OK || c->off == c->end)
                return -1;
        const uint8_t *p = memchr(c->msg + c->off, b, c->end - c->off);
        return p ? (long)(p - (c->msg + c->off)) : -1;
}

size_t cur_hex(struct cursor *c, char *buf, size_t cap, char sep)
{
        static const char digits[] = "0123456789abcdef";
        size_t o = 0, step = sep ? 3 : 2;
        /* Each pass reads one byte or ends the loop. */
        while (cur_ok(c) && cur_left(c) > 0 && o + step < cap) {
                uint8_t b = cur_u8(c);
                if (sep && o)
                        buf[o++] = sep;
                buf[o++] = digits[b >> 4];
                buf[o++] = digits[b & 0x0f];
        }
        if (cap)
                buf[o] = '\0';
        return o;
}
