/* cursor.c - the only code that indexes packet memory. See cursor.h. */
#include "netinv/cursor.h"

#include <string.h>

void cur_init(struct cursor *c, const void *msg, size_t len)
{
        c->msg = msg;
        c->msg_len = msg ? len : 0;
        c->off = 0;
        c->end = c->msg_len;
        c->err = CUR_OK;
}

/* True when n more bytes can be read; written so that it cannot overflow. */
static bool need(struct cursor *c, size_t n)
{
        if (c->err != CUR_OK)
                return false;
        if (n > c->end - c->off) {
                c->err = CUR_TRUNC;
                return false;
        }
        return true;
}

uint8_t cur_u8(struct cursor *c)
{
        if (!need(c, 1))
                return 0;
        return c->msg[c->off++];
}

uint16_t cur_be16(struct cursor *c)
{
        if (!need(c, 2))
                return 0;
        const uint8_t *p = c->msg + c->off;
        c->off += 2;
        return (uint16_t)((p[0] << 8) | p[1]);
}

uint32_t cur_be32(struct cursor *c)
{
        if (!need(c, 4))
                return 0;
        const uint8_t *p = c->msg + c->off;
        c->off += 4;
        return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

uint16_t cur_le16(struct cursor *c)
{
        if (!need(c, 2))
                return 0;
        const uint8_t *p = c->msg + c->off;
        c->off += 2;
        return (uint16_t)(p[0] | (p[1] << 8));
}

uint32_t cur_le32(struct cursor *c)
{
        if (!need(c, 4))
                return 0;
        const uint8_t *p = c->msg + c->off;
        c->off += 4;
        return p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

bool cur_copy(struct cursor *c, void *dst, size_t n)
{
        if (!need(c, n)) {
                if (n)
                        memset(dst, 0, n);
                return false;
        }
        if (n)
                memcpy(dst, c->msg + c->off, n);
        c->off += n;
        return true;
}

bool cur_skip(struct cursor *c, size_t n)
{
        if (!need(c, n))
                return false;
        c->off += n;
        return true;
}

const uint8_t *cur_view(struct cursor *c, size_t n)
{
        if (!need(c, n))
                return NULL;
        const uint8_t *p = c->msg + c->off;
        c->off += n;
        return p;
}

bool cur_peek_u8(const struct cursor *c, size_t ahead, uint8_t *ret_v)
{
        if (c->err != CUR_OK || ahead >= c->end - c->off)
                return false;
        *ret_v = c->msg[c->off + ahead];
        return true;
}

struct cursor cur_sub(struct cursor *c, size_t n)
{
        struct cursor s = { .msg = c->msg, .msg_len = c->msg_len, .off = c->off, .end = c->off };
        if (!need(c, n)) {
                s.err = c->err ? c->err : CUR_TRUNC;
                return s;
        }
        s.end = c->off + n;
        c->off += n;
        return s;
}

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

void cur_limit(struct cursor *c, size_t n)
{
        if (n < c->end - c->off)
                c->end = c->off + n;
}

long cur_find(const struct cursor *c, uint8_t b)
{
        if (c->err != CUR_OK || c->off == c->end)
                return -1;
        const uint8_t *p = memchr(c->msg + c->off, b, c->end - c->off);
        return p ? (long)(p - (c->msg + c->off)) : -1;
}
