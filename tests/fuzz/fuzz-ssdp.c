/* fuzz-ssdp.c - dissect_ssdp over arbitrary bytes taken as one UDP payload
 * to or from port 1900. The first byte, when there is one, picks the lower
 * layer the frame context describes (IPv4 or IPv6 source); the rest is the
 * payload. Seeds in corpus/ssdp/ are payloads cut from the ssdp-*.pcap
 * captures (prefixed with that byte) plus hand-built edges. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netinv/dissect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct obs_sink sink;
        struct cursor c;
        struct frame_ctx ctx;

        if (size < 1)
                return 0;
        memset(&ctx, 0, sizeof(ctx));
        ctx.src_mac[0] = 0x02;
        ctx.src_mac[5] = 0x01;
        ctx.sport = 1900;
        ctx.dport = 1900;
        if (data[0] & 1) {
                ctx.ip_version = 6;
                ctx.ip_src[0] = 0xfe;
                ctx.ip_src[1] = 0x80;
                ctx.ip_src[15] = 0x01;
        } else {
                ctx.ip_version = 4;
                ctx.ip_src[0] = 198;
                ctx.ip_src[1] = 18;
                ctx.ip_src[3] = 1;
        }
        cur_init(&c, data + 1, size - 1);
        obs_sink_reset(&sink);
        enum dissect_res r = dissect_ssdp(&c, &ctx, &sink);
        /* SSDP cannot tell a cut datagram from a whole one: never TRUNCATED. */
        if ((unsigned)r >= DISSECT_RES_MAX || r == DISSECT_TRUNCATED)
                abort();
        for (size_t i = 0; i < sink.n; i++)
                if (sink.obs[i].val_len > OBS_VALUE_MAX || sink.obs[i].source != PROTO_SSDP)
                        abort();
        return 0;
}
