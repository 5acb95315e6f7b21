/* fuzz-tcp.c - dissect_tcp over arbitrary bytes, with the frame context the
 * demux gives a TCP segment over IPv4 or IPv6.
 *
 * The input is the TCP segment (corpus/tcp: SYN-ACKs and RST+ACKs cut from
 * tcp-linux.pcap, tcp-ttl128.pcap and tcp-nmap.pcap, plus hand variants).
 * The last input byte, when there are more than 20, picks the IP version
 * (low bit) and the TTL from a table of initial TTLs (kept) and forwarded
 * ones (ignored), so both families and both paths are reached. The output is checked: a known verdict, a consistent cursor and
 * sink, observations only from PROTO_TCP about the sender, values short and
 * NUL-terminated, and a syn_ack only with an open port.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netinv/dissect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct obs_sink sink;
        static const uint8_t src[6] = { 0x02, 0x4e, 0x54, 0x00, 0x00, 0x02 };
        struct cursor c;
        struct frame_ctx ctx;

        memset(&ctx, 0, sizeof(ctx));
        ctx.ts_usec = 1700000000000000ull;
        memcpy(ctx.src_mac, src, 6);
        ctx.ip_version = 4;
        ctx.ip_ttl = 64;
        ctx.ip_proto = IPPROTO_NUM_TCP;
        if (size > 20) {
                static const uint8_t ttls[8] = { 64, 128, 255, 32, 60, 30, 63, 127 };
                ctx.ip_version = (data[size - 1] & 1) ? 6 : 4;
                ctx.ip_ttl = ttls[(data[size - 1] >> 1) & 7];
        }

        cur_init(&c, data, size);
        obs_sink_reset(&sink);
        sink.dropped = 0;
        enum dissect_res r = dissect_tcp(&c, &ctx, &sink);

        if ((unsigned)r >= DISSECT_RES_MAX)
                abort();
        if (!(c.off <= c.end && c.end <= c.msg_len && c.msg_len == size))
                abort();
        if (sink.n > 3 || sink.arena_used > OBS_ARENA_SIZE || sink.dropped)
                abort();
        if (size < 14 && r != DISSECT_TRUNCATED)
                abort();
        bool open = false, shape = false;
        for (size_t i = 0; i < sink.n; i++) {
                const struct obs *o = &sink.obs[i];
                if (o->source != PROTO_TCP || o->kind != OBS_ATTR || memcmp(o->mac, src, 6) != 0)
                        abort();
                if (!o->key || !o->val || o->val_len > OBS_VALUE_MAX || o->val[o->val_len] != '\0')
                        abort();
                open |= strcmp(o->key, "tcp.open") == 0;
                shape |= strcmp(o->key, "tcp.syn_ack") == 0;
        }
        if (shape && (!open || r != DISSECT_OK))
                abort();
        if (sink.n && (ctx.ip_ttl == 63 || ctx.ip_ttl == 127))
                abort();                /* forwarded: about the router, not the sender */
        return 0;
}
