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
