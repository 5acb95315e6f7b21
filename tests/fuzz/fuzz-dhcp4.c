/* fuzz-dhcp4.c - dissect_dhcp4 over arbitrary bytes: one UDP payload.
 *
 * The seeds in corpus/dhcp4/ are payloads cut from the real captures. The
 * frame context is derived from the input itself, so that one input can
 * reach every branch that depends on who sent it: the low bit of the xid
 * picks whether the Ethernet source is chaddr (a direct client) or another
 * station (a relay, a server), and bit 1 whether the IP source is siaddr
 * (dnsmasq's replies: siaddr = its server identifier) or giaddr (a relay),
 * and bit 2 whether the IP destination is the limited broadcast or ciaddr.
 * The harness reads the input directly; only the dissector must not.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "netinv/dissect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* BOOTP header offsets, RFC 2131 §2. */
#define OFF_XID         4
#define OFF_CIADDR      12
#define OFF_SIADDR      20
#define OFF_GIADDR      24
#define OFF_CHADDR      28

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct obs_sink sink;
        struct cursor c;
        struct frame_ctx ctx;

        memset(&ctx, 0, sizeof(ctx));
        ctx.ip_version = 4;
        ctx.ip_proto = 17;
        ctx.src_mac[0] = 0x02;
        ctx.src_mac[5] = 0x01;
        if (size >= OFF_CHADDR + 6) {
                uint8_t sel = data[OFF_XID + 3];
                if (sel & 1)
                        memcpy(ctx.src_mac, data + OFF_CHADDR, 6);
                memcpy(ctx.ip_src, data + ((sel & 2) ? OFF_GIADDR : OFF_SIADDR), 4);
                if (sel & 4)
                        memset(ctx.ip_dst, 0xff, 4);
                else
                        memcpy(ctx.ip_dst, data + OFF_CIADDR, 4);
        }
        ctx.sport = 68;
        ctx.dport = 67;
        cur_init(&c, data, size);
        obs_sink_reset(&sink);
        enum dissect_res r = dissect_dhcp4(&c, &ctx, &sink);
        /* The contract: a verdict from the enum, a sink within its bounds,
         * every value NUL-terminated at its length. */
        if ((unsigned)r >= DISSECT_RES_MAX || sink.n > OBS_PER_FRAME_MAX ||
            sink.arena_used > OBS_ARENA_SIZE)
                __builtin_trap();
        for (size_t i = 0; i < sink.n; i++) {
                const struct obs *o = &sink.obs[i];
                if (o->val && (o->val_len > OBS_VALUE_MAX || o->val[o->val_len] != '\0'))
                        __builtin_trap();
        }
        return 0;
}
