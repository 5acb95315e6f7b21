/* fuzz-answer.h - the body shared by the fuzz targets of the answer parsers
 * (SSH, HTTP, SMB2, SNMP, NBNS): arbitrary bytes as what a peer at
 * 198.18.40.2 sent, then the invariants every parser keeps: a known verdict,
 * the cursor inside the input, every observation capped, from the parser's
 * own source and about the peer's MAC. Included by one fuzz-X.c each. */
#ifndef NETINV_FUZZ_ANSWER_H
#define NETINV_FUZZ_ANSWER_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netinv/dissect.h"

typedef enum dissect_res (*fuzz_answer_fn)(struct cursor *c, const struct frame_ctx *ctx,
                                          struct obs_sink *s);

static inline int fuzz_answer(const uint8_t *data, size_t size, fuzz_answer_fn parse,
                              enum proto source)
{
        static struct obs_sink sink;
        struct cursor c;
        struct frame_ctx ctx;

        memset(&ctx, 0, sizeof(ctx));
        ctx.src_mac[0] = 0x02;
        ctx.src_mac[5] = 0x02;
        ctx.ip_version = 4;
        ctx.ip_src[0] = 198;
        ctx.ip_src[1] = 18;
        ctx.ip_src[2] = 40;
        ctx.ip_src[3] = 2;
        ctx.sport = 137;
        cur_init(&c, data, size);
        obs_sink_reset(&sink);
        enum dissect_res r = parse(&c, &ctx, &sink);
        if ((unsigned)r >= DISSECT_RES_MAX || cur_pos(&c) > size)
                abort();
        for (size_t i = 0; i < sink.n; i++)
                if (sink.obs[i].val_len > OBS_VALUE_MAX || sink.obs[i].source != source ||
                    memcmp(sink.obs[i].mac, ctx.src_mac, 6) != 0)
                        abort();
        return 0;
}

#endif
