/* banner-util.h - helpers the banner parser tests share: take the TCP/UDP
 * payload out of a captured Ethernet/IPv4 frame (through the cursor), join a
 * server's payloads into the byte stream a probe's socket would have read,
 * and sweep a parser over every prefix of an input.
 *
 * Only for tests: static functions, the caller frees what it gets.
 */
#ifndef NETINV_BANNER_UTIL_H
#define NETINV_BANNER_UTIL_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netinv/banner.h"
#include "testlib.h"

typedef enum dissect_res (*parser_fn)(struct cursor *c, const struct frame_ctx *ctx,
                                      struct obs_sink *s);

struct l4 {
        uint8_t proto;                  /* 6 TCP, 17 UDP */
        uint16_t sport, dport;
        uint8_t tcp_flags;
        uint8_t src_mac[6];
        struct cursor payload;
};

/* Ethernet II / IPv4 / TCP or UDP; false for anything else. */
static inline bool t_l4(const uint8_t *frame, size_t len, struct l4 *ret)
{
        struct cursor c;
        cur_init(&c, frame, len);
        cur_skip(&c, 6);
        cur_copy(&c, ret->src_mac, 6);
        if (cur_be16(&c) != ETHERTYPE_IPV4)
                return false;
        uint8_t vihl = cur_u8(&c);
        cur_skip(&c, 1);
        uint16_t tot = cur_be16(&c);
        cur_skip(&c, 5);
        ret->proto = cur_u8(&c);
        if (!cur_ok(&c) || (vihl >> 4) != 4 || (vihl & 15) < 5 || tot < 20)
                return false;
        struct cursor ip = cur_sub(&c, (size_t)tot - 10);
        cur_skip(&ip, 10 + ((size_t)(vihl & 15) * 4 - 20));       /* rest of the header */
        ret->sport = cur_be16(&ip);
        ret->dport = cur_be16(&ip);
        if (ret->proto == IPPROTO_NUM_UDP) {
                cur_skip(&ip, 4);
                ret->tcp_flags = 0;
        } else if (ret->proto == IPPROTO_NUM_TCP) {
                cur_skip(&ip, 8);
                uint8_t off = cur_u8(&ip);
                ret->tcp_flags = cur_u8(&ip);
                cur_skip(&ip, (size_t)(off >> 4) * 4 - 14);
        } else {
                return false;
        }
        if (!cur_ok(&ip))
                return false;
        ret->payload = cur_rest(&ip);
        return true;
}

/* The bytes `sport` sent to client port `dport` (0: any), in capture order,
 * as one malloc'd stream; NULL when there are none. */
static inline uint8_t *t_stream(const struct t_frames *fr, uint16_t sport, uint16_t dport,
                                size_t *ret_len)
{
        uint8_t *buf = NULL;
        size_t n = 0;
        for (size_t i = 0; i < fr->n; i++) {
                struct l4 l;
                if (!t_l4(fr->f[i].data, fr->f[i].len, &l) || l.sport != sport ||
                    (dport && l.dport != dport) || cur_left(&l.payload) == 0)
                        continue;
                size_t k = cur_left(&l.payload);
                uint8_t *nb = realloc(buf, n + k);
                if (!nb)
                        abort();
                buf = nb;
                cur_copy(&l.payload, buf + n, k);
                n += k;
        }
        *ret_len = n;
        return buf;
}

/* The client ports that talked to `sport`, in order of their SYN. */
static inline size_t t_clients(const struct t_frames *fr, uint16_t sport, uint16_t *ports,
                               size_t max)
{
        size_t n = 0;
        for (size_t i = 0; i < fr->n && n < max; i++) {
                struct l4 l;
                if (t_l4(fr->f[i].data, fr->f[i].len, &l) && l.proto == IPPROTO_NUM_TCP &&
                    l.dport == sport && (l.tcp_flags & 0x12) == 0x02)
                        ports[n++] = l.sport;
        }
        return n;
}

static inline void t_ctx(struct frame_ctx *ctx)
{
        memset(ctx, 0, sizeof(*ctx));
        static const uint8_t mac[6] = { 0x02, 0x4e, 0x48, 0x00, 0x00, 0x02 };
        memcpy(ctx->src_mac, mac, 6);
        ctx->ip_version = 4;
        t_ip4("198.18.40.2", ctx->ip_src);
}

/* Run fn over (data, len) into a reset sink. */
static inline enum dissect_res t_parse(parser_fn fn, const void *data, size_t len,
                                       struct obs_sink *s)
{
        struct cursor c;
        struct frame_ctx ctx;
        t_ctx(&ctx);
        cur_init(&c, data, len);
        obs_sink_reset(s);
        return fn(&c, &ctx, s);
}

/* Every prefix 0 .. len-1 in a buffer of exactly that size: never MALFORMED,
 * never out of range. Returns how many prefixes broke that rule. */
static inline int t_sweep_parser(parser_fn fn, const uint8_t *data, size_t len)
{
        static struct obs_sink s;
        int bad = 0;
        for (size_t i = 0; i < len; i++) {
                uint8_t *b = malloc(i ? i : 1);
                if (!b)
                        abort();
                memcpy(b, data, i);
                enum dissect_res r = t_parse(fn, b, i, &s);
                if (r == DISSECT_MALFORMED || (unsigned)r >= DISSECT_RES_MAX) {
                        if (bad++ < 3)
                                fprintf(stderr, "prefix %zu of %zu: %s\n", i, len,
                                        dissect_res_name(r));
                }
                free(b);
        }
        CHECK_INT(bad, 0);
        return bad;
}

/* The value of the first ATTR observation with this key, or NULL. */
static inline const char *t_val(const struct obs_sink *s, const char *key)
{
        const struct obs *o = t_find(s, OBS_ATTR, key, NULL);
        return o ? o->val : NULL;
}

/* How many ATTR observations carry this key. */
static inline size_t t_count(const struct obs_sink *s, const char *key)
{
        size_t n = 0;
        for (size_t i = 0; i < s->n; i++)
                if (s->obs[i].kind == OBS_ATTR && strcmp(s->obs[i].key, key) == 0)
                        n++;
        return n;
}

/* Write `len` bytes to tests/fuzz/corpus/<dir>/<name> when the environment
 * asks for it (NETINV_WRITE_SEEDS=<path of tests/fuzz/corpus>). */
static inline void t_seed(const char *dir, const char *name, const void *data, size_t len)
{
        const char *root = getenv("NETINV_WRITE_SEEDS");
        char path[512];
        if (!root)
                return;
        snprintf(path, sizeof(path), "%s/%s/%s", root, dir, name);
        FILE *f = fopen(path, "wb");
        if (!f)
                return;
        fwrite(data, 1, len, f);
        fclose(f);
}

#endif
