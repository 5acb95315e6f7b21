/* fuzz-dhcp6.c - dissect_dhcp6 over arbitrary bytes (placeholder until the
 * dissector lands with its own target). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "netinv/dissect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct obs_sink sink;
        struct cursor c;
        struct frame_ctx ctx;
        memset(&ctx, 0, sizeof(ctx));
        ctx.src_mac[0] = 0x02;
        ctx.src_mac[5] = 0x01;
        cur_init(&c, data, size);
        obs_sink_reset(&sink);
        dissect_dhcp6(&c, &ctx, &sink);
        return 0;
}
