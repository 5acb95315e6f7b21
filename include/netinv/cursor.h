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

void cur_init(struct cursor *c, const void *msg, size_t len);

uint8_t cur_u8(struct cursor *c);
uint16_t cur_be16(struct cursor *c);
uint32_t cur_be32(struct cursor *c);
uint16_t cur_le16(struct cursor *c);
uint32_t cur_le32(struct cursor *c);
/* Copy n bytes to dst; on a short read dst is zeroed and nothing advances. */
bool cur_copy(struct cursor *c, void *dst, size_t n);
bool cur_skip(struct cursor *c, size_t n);
/* A read-only view of the next n bytes, advancing past them; NULL (and
 * CUR_TRUNC) when fewer remain. The view lives as long as the message. */
const uint8_t *cur_view(struct cursor *c, size_t n);
/* Peek without advancing; 0 with err untouched when out of range. */
bool cur_peek_u8(const struct cursor *c, size_t ahead, uint8_t *ret_v);
/* Open a sub-cursor over the next n bytes and advance the parent past them.
 * On a short read the sub-cursor is empty and carries CUR_TRUNC, and so does
 * the parent. */
struct cursor cur_sub(struct cursor *c, size_t n);
/* The rest of the window as a sub-cursor; the parent is left at its end. */
struct cursor cur_rest(struct cursor *c);
/* A cursor at absolute offset `abs` of the message, ending at the message
 * end; CUR_TRUNC when abs is beyond it. */
struct cursor cur_at(const struct cursor *c, size_t abs);
/* Shrink the window's end to off + n when that is shorter (IP total length
 * cutting off Ethernet padding). Never grows the window. */
void cur_limit(struct cursor *c, size_t n);
/* Find byte `b` in the remaining window; its distance from off, or -1. */
long cur_find(const struct cursor *c, uint8_t b);

static inline bool cur_ok(const struct cursor *c) { return c->err == CUR_OK; }
static inline size_t cur_left(const struct cursor *c) { return c->end - c->off; }
static inline size_t cur_pos(const struct cursor *c) { return c->off; }
static inline void cur_bad(struct cursor *c) { if (c->err == CUR_OK) c->err = CUR_BAD; }

#endif
