/* cursor.h - the bounds-checked reader every parser of network bytes uses.
 *
 * A cursor is a window [off, end) over a message of msg_len bytes. It holds
 * offsets, not pointers, so no pointer arithmetic can overflow. A read past
 * `end` returns 0 (or a zeroed copy), sets err to CUR_TRUNC and does not
 * advance; the first error sticks. Callers read freely and check cur_ok() at
 * record boundaries and before any wire value is used as a length, count,
 * index or allocation size.
 *
 * Sub-cursors (cur_sub) narrow the window to a length field's extent, so a
 * record cannot read its neighbour. cur_at() opens a cursor at an absolute
 * offset inside the same message (DNS compression pointers).
 *
 * util/cursor.c is the only file that indexes packet memory.
 */
#ifndef NETINV_CURSOR_H
#define NETINV_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum cur_err {
        CUR_OK = 0,
        CUR_TRUNC,      /* a read went past the end of the window */
        CUR_BAD,        /* the caller judged the bytes malformed (cur_bad) */
};

struct cursor {
        const uint8_t *msg;     /* enclosing message; DNS offsets are relative to it */
        size_t msg_len;
        size_t off, end;        /* invariant: off <= end <= msg_len */
        uint8_t err;            /* enum cur_err; first error sticks */
};


/* cur_init(c, msg, len)   a cursor over a whole message
 * cur_u8/be16/be32/le16/le32  read and advance; 0 on a short read
 * cur_copy(c, dst, n)      copy n bytes; on a short read dst is zeroed
 * cur_skip(c, n)           advance n bytes
 * cur_view(c, n)           a read-only view of the next n bytes, advancing
 *                          past them; NULL on a short read. The view lives as
 *                          long as the message.
 * cur_peek_u8(c, k, &v)    the byte k ahead, without advancing or failing
 * cur_sub(c, n)            a sub-cursor over the next n bytes, the parent
 *                          advanced past them; on a short read both carry
 *                          CUR_TRUNC and the sub-cursor is empty
 * cur_limit(c, n)          shrink the window to off + n (IP total length
 *                          cutting off Ethernet padding); never grows it */

/* The rest of the window as a sub-cursor; the parent is left at its end. */
struct cursor cur_rest(struct cursor *c);
/* A cursor at absolute offset `abs` of the message, ending at the message
 * end; CUR_TRUNC when abs is beyond it. */
struct cursor cur_at(const struct cursor *c, size_t abs);
/* Find byte `b` in the remaining window; its distance from off, or -1. */
long cur_find(const struct cursor *c, uint8_t b);
/* The rest of the window as lower-case hex, bytes separated by `sep` (0:
 * none), cut at a byte boundary to fit buf (cap >= 1); NUL-terminated. The
 * length written. Consumes what it wrote. */
size_t cur_hex(struct cursor *c, char *buf, size_t cap, char sep);

/* ---- inline accessors (hot: several calls per header of every frame) ---- */

static inline void cur_init(struct cursor *c, const void *msg, size_t len)
{
        c->msg = msg;
        c->msg_len = msg ? len : 0;
        c->off = 0;
        c->end = c->msg_len;
        c->err = CUR_OK;
}

/* True when n more bytes can be read; written so that it cannot overflow. */
static inline bool cur_need_(struct cursor *c, size_t n)
{
        if (c->err != CUR_OK)
                return false;
        if (n > c->end - c->off) {
                c->err = CUR_TRUNC;
                return false;
        }
        return true;
}

static inline uint8_t cur_u8(struct cursor *c)
{
        if (!cur_need_(c, 1))
                return 0;
        return c->msg[c->off++];
}

static inline uint16_t cur_be16(struct cursor *c)
{
        if (!cur_need_(c, 2))
                return 0;
        const uint8_t *p = c->msg + c->off;
        c->off += 2;
        return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t cur_be32(struct cursor *c)
{
        if (!cur_need_(c, 4))
                return 0;
        const uint8_t *p = c->msg + c->off;
        c->off += 4;
        return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline uint16_t cur_le16(struct cursor *c)
{
        if (!cur_need_(c, 2))
                return 0;
        const uint8_t *p = c->msg + c->off;
        c->off += 2;
        return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t cur_le32(struct cursor *c)
{
        if (!cur_need_(c, 4))
                return 0;
        const uint8_t *p = c->msg + c->off;
        c->off += 4;
        return p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline bool cur_copy(struct cursor *c, void *dst, size_t n)
{
        if (!cur_need_(c, n)) {
                if (n)
                        memset(dst, 0, n);
                return false;
        }
        if (n)
                memcpy(dst, c->msg + c->off, n);
        c->off += n;
        return true;
}

static inline bool cur_skip(struct cursor *c, size_t n)
{
        if (!cur_need_(c, n))
                return false;
        c->off += n;
        return true;
}

static inline const uint8_t *cur_view(struct cursor *c, size_t n)
{
        if (!cur_need_(c, n))
                return NULL;
        const uint8_t *p = c->msg + c->off;
        c->off += n;
        return p;
}

static inline bool cur_peek_u8(const struct cursor *c, size_t ahead, uint8_t *ret_v)
{
        if (c->err != CUR_OK || ahead >= c->end - c->off)
                return false;
        *ret_v = c->msg[c->off + ahead];
        return true;
}

static inline struct cursor cur_sub(struct cursor *c, size_t n)
{
        struct cursor s = { .msg = c->msg, .msg_len = c->msg_len, .off = c->off, .end = c->off };
        if (!cur_need_(c, n)) {
                s.err = c->err ? c->err : CUR_TRUNC;
                return s;
        }
        s.end = c->off + n;
        c->off += n;
        return s;
}

static inline void cur_limit(struct cursor *c, size_t n)
{
        if (n < c->end - c->off)
                c->end = c->off + n;
}

static inline bool cur_ok(const struct cursor *c) { return c->err == CUR_OK; }
static inline size_t cur_left(const struct cursor *c) { return c->end - c->off; }
static inline size_t cur_pos(const struct cursor *c) { return c->off; }
static inline void cur_bad(struct cursor *c) { if (c->err == CUR_OK) c->err = CUR_BAD; }

#endif
