/* fuzz-arp.c - dissect_arp over arbitrary bytes, with the frame context the
 * demux gives an ARP frame on Ethernet.
 *
 * The input is the ARP payload (corpus/arp: payloads cut from
 * lab-30s.pcap, plus variants). The Ethernet source is normally the
 * sender hardware address, as on a real frame; when the input carries a
 * byte after the 28-byte body with its low bit set (trailing padding), the
 * source is another station instead, to reach the proxy/spoof quirk. The
 * output is checked: a known verdict, a consistent cursor and sink, and
 * observations only about unicast stations.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netinv/dissect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ARP_BODY_LEN 28         /* Ethernet/IPv4 ARP, RFC 826 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct obs_sink sink;
        static const uint8_t other[6] = { 0x00, 0x1a, 0xa1, 0x00, 0x00, 0x08 };
        struct cursor c;
        struct frame_ctx ctx;

        memset(&ctx, 0, sizeof(ctx));
        ctx.ts_usec = 1700000000000000ull;
        memset(ctx.dst_mac, 0xff, 6);
        ctx.has_dst_mac = true;
        ctx.ethertype = ETHERTYPE_ARP;
        if (size > ARP_BODY_LEN && (data[ARP_BODY_LEN] & 1))
                memcpy(ctx.src_mac, other, 6);
        else if (size >= 14)
                memcpy(ctx.src_mac, data + 8, 6);       /* sender hardware address */
        else
                memcpy(ctx.src_mac, other, 6);

        cur_init(&c, data, size);
        obs_sink_reset(&sink);
        sink.dropped = 0;
        enum dissect_res r = dissect_arp(&c, &ctx, &sink);

        if ((unsigned)r >= DISSECT_RES_MAX)
                abort();
        if (!(c.off <= c.end && c.end <= c.msg_len && c.msg_len == size))
                abort();
        if (sink.n > OBS_PER_FRAME_MAX || sink.arena_used > OBS_ARENA_SIZE || sink.dropped)
                abort();
        if (r != DISSECT_OK && sink.n)
                abort();                /* ARP decides before it observes */
        if (size < ARP_BODY_LEN && r == DISSECT_OK)
                abort();
        for (size_t i = 0; i < sink.n; i++) {
                const struct obs *o = &sink.obs[i];
                if (o->source != PROTO_ARP || !mac_is_unicast(o->mac))
                        abort();
                if (o->kind == OBS_ATTR &&
                    (!o->key || !o->val || o->val_len > OBS_VALUE_MAX || o->val[o->val_len] != '\0'))
                        abort();
        }
        return 0;
}
