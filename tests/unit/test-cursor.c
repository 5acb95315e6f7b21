/* test-cursor.c - the bounds-checked reader (util/cursor.c).
 *
 * Every accessor is tried at the exact end of its window and one byte short;
 * a short read must return 0 / NULL / false, set CUR_TRUNC, leave the offset
 * where it was, and make every later read fail too (the first error sticks).
 * Sub-cursors must not see their neighbours; lengths near SIZE_MAX must not
 * wrap. Each buffer is heap-allocated at its exact size so that ASan reports
 * any read one past the end.
 */
#include <stdint.h>
#include <stdlib.h>

#include "testlib.h"

static uint8_t *exact(const void *src, size_t n)
{
        uint8_t *p = malloc(n ? n : 1);
        if (!p)
                abort();
        if (n)
                memcpy(p, src, n);
        return p;
}

static const uint8_t bytes[8] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };

static void test_init(void)
{
        struct cursor c;
        cur_init(&c, NULL, 10);         /* no message: an empty window */
        CHECK_INT(cur_left(&c), 0);
        CHECK_INT(cur_u8(&c), 0);
        CHECK_INT(c.err, CUR_TRUNC);

        uint8_t *m = exact(bytes, 8);
        cur_init(&c, m, 8);
        CHECK(cur_ok(&c));
        CHECK_INT(cur_left(&c), 8);
        CHECK_INT(cur_pos(&c), 0);
        CHECK_INT(c.msg_len, 8);
        free(m);
}

/* Each fixed-size accessor: succeeds with exactly its width left, fails
 * (0, TRUNC, no advance) with one byte fewer. */
static void test_fixed(void)
{
        struct cursor c;
        uint8_t *m = exact(bytes, 8);

        cur_init(&c, m, 1);
        CHECK_INT(cur_u8(&c), 0x01);
        CHECK(cur_ok(&c));
        CHECK_INT(cur_left(&c), 0);
        CHECK_INT(cur_u8(&c), 0);       /* one past the end */
        CHECK_INT(c.err, CUR_TRUNC);
        CHECK_INT(cur_pos(&c), 1);

        cur_init(&c, m, 2);
        CHECK_INT(cur_be16(&c), 0x0102);
        CHECK(cur_ok(&c));
        cur_init(&c, m, 2);
        CHECK_INT(cur_le16(&c), 0x0201);
        CHECK(cur_ok(&c));
        cur_init(&c, m, 1);
        CHECK_INT(cur_be16(&c), 0);
        CHECK_INT(c.err, CUR_TRUNC);
        CHECK_INT(cur_pos(&c), 0);      /* no advance on a short read */
        cur_init(&c, m, 1);
        CHECK_INT(cur_le16(&c), 0);
        CHECK_INT(c.err, CUR_TRUNC);
        CHECK_INT(cur_pos(&c), 0);

        cur_init(&c, m, 4);
        CHECK_INT(cur_be32(&c), 0x01020304);
        CHECK(cur_ok(&c));
        CHECK_INT(cur_left(&c), 0);
        cur_init(&c, m, 4);
        CHECK_INT(cur_le32(&c), 0x04030201);
        CHECK(cur_ok(&c));
        cur_init(&c, m, 3);
        CHECK_INT(cur_be32(&c), 0);
        CHECK_INT(c.err, CUR_TRUNC);
        CHECK_INT(cur_pos(&c), 0);
        cur_init(&c, m, 3);
        CHECK_INT(cur_le32(&c), 0);
        CHECK_INT(c.err, CUR_TRUNC);
        CHECK_INT(cur_pos(&c), 0);

        /* A 32-bit read with a high bit set must not sign-extend. */
        static const uint8_t hi[4] = { 0xff, 0xfe, 0xfd, 0xfc };
        uint8_t *h = exact(hi, 4);
        cur_init(&c, h, 4);
        CHECK(cur_be32(&c) == 0xfffefdfcu);
        cur_init(&c, h, 4);
        CHECK(cur_le32(&c) == 0xfcfdfeffu);
        cur_init(&c, h, 2);
        CHECK_INT(cur_be16(&c), 0xfffe);
        free(h);
        free(m);
}

static void test_sticky(void)
{
        struct cursor c;
        uint8_t *m = exact(bytes, 8);

        cur_init(&c, m, 8);
        cur_skip(&c, 6);
        CHECK_INT(cur_be32(&c), 0);     /* 2 left, 4 wanted */
        CHECK_INT(c.err, CUR_TRUNC);
        CHECK_INT(cur_pos(&c), 6);
        /* Two bytes are still there, but the first error sticks. */
        CHECK_INT(cur_u8(&c), 0);
        CHECK_INT(cur_be16(&c), 0);
        CHECK(!cur_skip(&c, 0));
        CHECK(cur_view(&c, 0) == NULL);
        CHECK_INT(cur_pos(&c), 6);
        uint8_t v = 0xaa;
        CHECK(!cur_peek_u8(&c, 0, &v));
        CHECK_INT(v, 0xaa);
        CHECK_INT(cur_find(&c, 0x07), -1);
        CHECK_INT(c.err, CUR_TRUNC);

        /* cur_bad marks malformed; it does not overwrite an earlier error. */
        cur_init(&c, m, 8);
        cur_bad(&c);
        CHECK_INT(c.err, CUR_BAD);
        CHECK(!cur_ok(&c));
        CHECK_INT(cur_u8(&c), 0);
        CHECK_INT(c.err, CUR_BAD);      /* a later short read keeps BAD */
        cur_init(&c, m, 0);
        cur_u8(&c);
        cur_bad(&c);
        CHECK_INT(c.err, CUR_TRUNC);
        free(m);
}

static void test_copy_skip_view(void)
{
        struct cursor c;
        uint8_t *m = exact(bytes, 8);
        uint8_t dst[8];

        cur_init(&c, m, 8);
        CHECK(cur_copy(&c, dst, 8));    /* exactly the rest */
        CHECK(memcmp(dst, bytes, 8) == 0);
        CHECK_INT(cur_left(&c), 0);
        CHECK(cur_copy(&c, dst, 0));    /* nothing at the end is fine */
        CHECK(cur_ok(&c));

        cur_init(&c, m, 8);
        cur_skip(&c, 2);
        memset(dst, 0x55, sizeof(dst));
        CHECK(!cur_copy(&c, dst, 7));   /* 6 left */
        CHECK_INT(c.err, CUR_TRUNC);
        CHECK_INT(cur_pos(&c), 2);
        bool zeroed = true;
        for (size_t i = 0; i < 7; i++)
                zeroed = zeroed && dst[i] == 0;
        CHECK(zeroed);                  /* a failed copy leaves zeros, not old bytes */
        CHECK_INT(dst[7], 0x55);        /* and nothing beyond n */

        cur_init(&c, m, 8);
        CHECK(cur_skip(&c, 8));
        CHECK(cur_ok(&c));
        CHECK_INT(cur_left(&c), 0);
        CHECK(!cur_skip(&c, 1));
        CHECK_INT(c.err, CUR_TRUNC);
        CHECK_INT(cur_pos(&c), 8);

        cur_init(&c, m, 8);
        cur_u8(&c);
        const uint8_t *p = cur_view(&c, 7);
        CHECK(p == m + 1);
        CHECK_INT(cur_left(&c), 0);
        CHECK(cur_ok(&c));
        cur_init(&c, m, 8);
        cur_u8(&c);
        CHECK(cur_view(&c, 8) == NULL);
        CHECK_INT(c.err, CUR_TRUNC);
        CHECK_INT(cur_pos(&c), 1);
        free(m);
}

static void test_peek(void)
{
        struct cursor c;
        uint8_t *m = exact(bytes, 8);
        uint8_t v = 0;

        cur_init(&c, m, 8);
        cur_skip(&c, 5);
        CHECK(cur_peek_u8(&c, 0, &v));
        CHECK_INT(v, 0x06);
        CHECK(cur_peek_u8(&c, 2, &v));
        CHECK_INT(v, 0x08);
        v = 0xee;
        CHECK(!cur_peek_u8(&c, 3, &v)); /* one past the end */
        CHECK_INT(v, 0xee);
        CHECK(!cur_peek_u8(&c, SIZE_MAX, &v));
        CHECK(cur_ok(&c));              /* a peek never sets the error */
        CHECK_INT(cur_pos(&c), 5);
        free(m);
}

static void test_sub(void)
{
        struct cursor c, s;
        uint8_t *m = exact(bytes, 8);

        cur_init(&c, m, 8);
        cur_u8(&c);
        s = cur_sub(&c, 3);             /* bytes 1..3 */
        CHECK(cur_ok(&s));
        CHECK_INT(cur_pos(&s), 1);
        CHECK_INT(cur_left(&s), 3);
        CHECK_INT(cur_pos(&c), 4);      /* parent moved past the sub-window */
        CHECK_INT(cur_be16(&s), 0x0203);
        CHECK_INT(cur_be16(&s), 0);     /* cannot read the neighbour byte 4 */
        CHECK_INT(s.err, CUR_TRUNC);
        CHECK(cur_ok(&c));              /* the sub's error is its own */
        CHECK_INT(cur_u8(&c), 0x05);

        /* A sub-cursor keeps the whole message for cur_at (DNS pointers). */
        CHECK(s.msg == m);
        CHECK_INT(s.msg_len, 8);

        /* Too long: empty sub with TRUNC, parent TRUNC and unmoved. */
        cur_init(&c, m, 8);
        cur_skip(&c, 6);
        s = cur_sub(&c, 3);
        CHECK_INT(s.err, CUR_TRUNC);
        CHECK_INT(cur_left(&s), 0);
        CHECK_INT(cur_u8(&s), 0);
        CHECK_INT(c.err, CUR_TRUNC);
        CHECK_INT(cur_pos(&c), 6);

        /* Exactly to the end, and zero length. */
        cur_init(&c, m, 8);
        s = cur_sub(&c, 8);
        CHECK(cur_ok(&s) && cur_ok(&c));
        CHECK_INT(cur_left(&s), 8);
        CHECK_INT(cur_left(&c), 0);
        s = cur_sub(&c, 0);
        CHECK(cur_ok(&s) && cur_ok(&c));
        CHECK_INT(cur_left(&s), 0);

        /* Nested: the inner one is bounded by the outer one. */
        cur_init(&c, m, 8);
        struct cursor outer = cur_sub(&c, 4);
        struct cursor inner = cur_sub(&outer, 5);
        CHECK_INT(inner.err, CUR_TRUNC);
        CHECK_INT(outer.err, CUR_TRUNC);
        CHECK(cur_ok(&c));

        /* A sub of a failed parent is failed with the parent's error. */
        cur_init(&c, m, 8);
        cur_bad(&c);
        s = cur_sub(&c, 1);
        CHECK_INT(s.err, CUR_BAD);
        CHECK_INT(cur_left(&s), 0);

        /* cur_rest: the remainder, parent left at its end. */
        cur_init(&c, m, 8);
        cur_skip(&c, 3);
        s = cur_rest(&c);
        CHECK_INT(cur_pos(&s), 3);
        CHECK_INT(cur_left(&s), 5);
        CHECK_INT(cur_left(&c), 0);
        CHECK(cur_ok(&c));
        /* cur_rest of a narrowed parent stays narrowed. */
        cur_init(&c, m, 8);
        outer = cur_sub(&c, 4);
        cur_u8(&outer);
        s = cur_rest(&outer);
        CHECK_INT(cur_left(&s), 3);
        free(m);
}

static void test_at(void)
{
        struct cursor c, a;
        uint8_t *m = exact(bytes, 8);

        cur_init(&c, m, 8);
        struct cursor s = cur_sub(&c, 2);
        cur_skip(&c, 2);
        /* cur_at from a narrow sub-cursor still reaches the whole message. */
        a = cur_at(&s, 6);
        CHECK(cur_ok(&a));
        CHECK_INT(cur_left(&a), 2);
        CHECK_INT(cur_be16(&a), 0x0708);
        a = cur_at(&s, 0);
        CHECK_INT(cur_left(&a), 8);
        a = cur_at(&c, 8);              /* exactly at the end: empty, fine */
        CHECK(cur_ok(&a));
        CHECK_INT(cur_left(&a), 0);
        CHECK_INT(cur_u8(&a), 0);
        CHECK_INT(a.err, CUR_TRUNC);
        a = cur_at(&c, 9);              /* beyond */
        CHECK_INT(a.err, CUR_TRUNC);
        CHECK_INT(cur_left(&a), 0);
        CHECK_INT(cur_u8(&a), 0);
        a = cur_at(&c, SIZE_MAX);
        CHECK_INT(a.err, CUR_TRUNC);
        CHECK_INT(cur_left(&a), 0);
        CHECK(cur_ok(&c));              /* the origin is untouched */
        CHECK_INT(cur_pos(&c), 4);
        free(m);
}

static void test_limit(void)
{
        struct cursor c;
        uint8_t *m = exact(bytes, 8);

        cur_init(&c, m, 8);
        cur_skip(&c, 2);
        cur_limit(&c, 3);               /* IP total length cutting padding */
        CHECK_INT(cur_left(&c), 3);
        CHECK_INT(c.end, 5);
        cur_limit(&c, 100);             /* never grows */
        CHECK_INT(cur_left(&c), 3);
        cur_limit(&c, SIZE_MAX);
        CHECK_INT(cur_left(&c), 3);
        CHECK_INT(c.end, 5);
        CHECK_INT(cur_be16(&c), 0x0304);
        CHECK_INT(cur_be16(&c), 0);     /* byte 6 was cut off */
        CHECK_INT(c.err, CUR_TRUNC);

        cur_init(&c, m, 8);
        cur_limit(&c, 0);
        CHECK_INT(cur_left(&c), 0);
        CHECK(cur_ok(&c));
        CHECK_INT(cur_u8(&c), 0);
        CHECK_INT(c.err, CUR_TRUNC);
        free(m);
}

static void test_find(void)
{
        struct cursor c;
        static const uint8_t txt[] = "ab\r\ncd";
        uint8_t *m = exact(txt, 6);

        cur_init(&c, m, 6);
        CHECK_INT(cur_find(&c, '\n'), 3);
        CHECK_INT(cur_find(&c, 'a'), 0);
        CHECK_INT(cur_find(&c, 'd'), 5);
        CHECK_INT(cur_find(&c, 'x'), -1);
        CHECK_INT(cur_pos(&c), 0);      /* find does not move */
        cur_skip(&c, 1);
        CHECK_INT(cur_find(&c, 'a'), -1);       /* behind off */
        CHECK_INT(cur_find(&c, '\n'), 2);       /* relative to off */
        cur_limit(&c, 3);
        CHECK_INT(cur_find(&c, 'c'), -1);       /* beyond end */
        CHECK_INT(cur_find(&c, '\n'), 2);
        cur_skip(&c, 3);
        CHECK_INT(cur_find(&c, '\n'), -1);      /* empty window */
        free(m);
}

/* Lengths from the wire can be anything: none may wrap off + n. */
static void test_overflow(void)
{
        struct cursor c, s;
        uint8_t *m = exact(bytes, 8);

        cur_init(&c, m, 8);
        cur_skip(&c, 3);
        CHECK(!cur_skip(&c, SIZE_MAX));
        CHECK_INT(c.err, CUR_TRUNC);
        CHECK_INT(cur_pos(&c), 3);

        cur_init(&c, m, 8);
        cur_skip(&c, 3);
        CHECK(!cur_skip(&c, SIZE_MAX - 2));     /* off + n would wrap to 0 */
        CHECK_INT(cur_pos(&c), 3);

        cur_init(&c, m, 8);
        cur_skip(&c, 1);
        CHECK(cur_view(&c, SIZE_MAX) == NULL);
        CHECK_INT(cur_pos(&c), 1);

        cur_init(&c, m, 8);
        cur_skip(&c, 5);
        s = cur_sub(&c, SIZE_MAX - 4);
        CHECK_INT(s.err, CUR_TRUNC);
        CHECK_INT(cur_left(&s), 0);
        CHECK_INT(c.err, CUR_TRUNC);
        CHECK_INT(cur_pos(&c), 5);

        cur_init(&c, m, 8);
        cur_skip(&c, 5);
        cur_limit(&c, SIZE_MAX - 4);
        CHECK_INT(c.end, 8);
        CHECK_INT(cur_left(&c), 3);
        free(m);
}

/* A loop of the shape every dissector uses terminates on any input. */
static void test_tlv_loop(void)
{
        static const uint8_t tlv[] = { 1, 2, 0xaa, 0xbb, 2, 0, 3, 200, 0xcc };
        uint8_t *m = exact(tlv, sizeof(tlv));
        struct cursor c;
        int records = 0;

        cur_init(&c, m, sizeof(tlv));
        while (cur_ok(&c) && cur_left(&c)) {
                cur_u8(&c);
                uint8_t len = cur_u8(&c);
                struct cursor v = cur_sub(&c, len);
                if (!cur_ok(&c))
                        break;
                (void)v;
                records++;
        }
        CHECK_INT(records, 2);          /* the third claims 200 bytes */
        CHECK_INT(c.err, CUR_TRUNC);
        CHECK_INT(cur_pos(&c), 8);      /* stopped before the bad value */
        free(m);
}

int main(void)
{
        test_init();
        test_fixed();
        test_sticky();
        test_copy_skip_view();
        test_peek();
        test_sub();
        test_at();
        test_limit();
        test_find();
        test_overflow();
        test_tlv_loop();
        return t_done();
}
