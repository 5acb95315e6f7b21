/* fuzz-cdp.c - dissect_cdp over arbitrary bytes (the PDU as demux hands it
 * over, after the LLC/SNAP header), then checks what the sink holds: every
 * observation is about the frame's source MAC, comes from CDP, and its
 * value is NUL-terminated at its length. Seeds in corpus/cdp/ are PDUs cut
 * from tests/captures/cdp-lldpd.pcap. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netinv/dissect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct obs_sink sink;
        static const uint8_t src[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
        struct cursor c;
        struct frame_ctx ctx;

        memset(&ctx, 0, sizeof(ctx));
        memcpy(ctx.src_mac, src, 6);
        cur_init(&c, data, size);
        obs_sink_reset(&sink);
        enum dissect_res r = dissect_cdp(&c, &ctx, &sink);
        if ((unsigned)r >= DISSECT_RES_MAX || sink.n > OBS_PER_FRAME_MAX)
                abort();
        for (size_t i = 0; i < sink.n; i++) {
                const struct obs *o = &sink.obs[i];
                if (memcmp(o->mac, src, 6) != 0 || o->source != PROTO_CDP)
                        abort();
                if ((o->kind == OBS_ATTR || o->kind == OBS_HOSTNAME) &&
                    (!o->val || o->val[o->val_len] != '\0'))
                        abort();
                if (o->kind == OBS_ATTR && (!o->key || strncmp(o->key, "cdp.", 4) != 0))
                        abort();
        }
        return 0;
}
