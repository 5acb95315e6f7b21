/* fuzz-icmp6.c - dissect_icmp6 over arbitrary bytes.
 *
 * The first byte chooses the frame context, the rest is the ICMPv6 message:
 *   bits 0-1 hop limit: 255, 64, 1, 128
 *   bits 2-3 IPv6 source: ::, fe80::76:36ff:fe00:a, fd00:198:18::a, ff02::1
 *   bits 4-5 IPv6 destination: ff02::1, ff02::1:ff00:1, fd00:198:18::1, fe80::1
 *   bits 6-7 0..3 bytes after the window, as if an IPv6 payload length had
 *            cut off Ethernet padding (exercises the "whole window" verdicts)
 * Inputs of up to PREFIX_CHECK_MAX bytes that are OK or IGNORED must never
 * become MALFORMED when cut short: the unit tests' truncation sweep, for any
 * input.
 * Seeds in corpus/icmp6/ are the messages of tests/captures/ndp-*.pcap. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netinv/dissect.h"

/* Inputs up to this size also have every prefix checked. */
#define PREFIX_CHECK_MAX 512

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct obs_sink sink;
        static const uint8_t hops[4] = { 255, 64, 1, 128 };
        static const uint8_t addrs[8][16] = {
                { 0 },                                                          /* :: */
                { 0xfe, 0x80, [8] = 0x00, 0x76, 0x36, 0xff, 0xfe, 0, 0, 0x0a },
                { 0xfd, 0x00, 0x01, 0x98, 0x00, 0x18, [15] = 0x0a },
                { 0xff, 0x02, [15] = 0x01 },
                { 0xff, 0x02, [15] = 0x01 },                                    /* ff02::1 */
                { 0xff, 0x02, [11] = 0x01, 0xff, 0x00, 0x00, 0x01 },            /* solicited-node */
                { 0xfd, 0x00, 0x01, 0x98, 0x00, 0x18, [15] = 0x01 },
                { 0xfe, 0x80, [15] = 0x01 },
        };
        struct cursor c;
        struct frame_ctx ctx;

        if (size < 1)
                return 0;
        uint8_t sel = data[0];
        memset(&ctx, 0, sizeof(ctx));
        ctx.src_mac[0] = 0x02;
        ctx.src_mac[5] = 0x0a;
        ctx.dst_mac[0] = 0x33;
        ctx.dst_mac[1] = 0x33;
        ctx.has_dst_mac = true;
        ctx.ip_version = 6;
        ctx.ip_proto = IPPROTO_NUM_ICMPV6;
        ctx.ip_ttl = hops[sel & 3];
        memcpy(ctx.ip_src, addrs[(sel >> 2) & 3], 16);
        memcpy(ctx.ip_dst, addrs[4 + ((sel >> 4) & 3)], 16);

        size_t n = size - 1, pad = (sel >> 6) & 3;
        cur_init(&c, data + 1, n);
        if (pad && n >= pad)
                cur_limit(&c, n - pad);
        obs_sink_reset(&sink);
        enum dissect_res r = dissect_icmp6(&c, &ctx, &sink);

        /* The verdict contract: a good message (OK or IGNORED) is never
         * called malformed when cut short, at any length (only checked
         * when no length field bounds the window, and for small inputs:
         * it costs one run per prefix). A TRUNCATED one may be: the cut
         * can stop the dissector before it reaches what is wrong. */
        if ((r == DISSECT_OK || r == DISSECT_IGNORED) && pad == 0 && n <= PREFIX_CHECK_MAX) {
                for (size_t k = 0; k < n; k++) {
                        cur_init(&c, data + 1, k);
                        obs_sink_reset(&sink);
                        if (dissect_icmp6(&c, &ctx, &sink) == DISSECT_MALFORMED)
                                abort();
                }
        }
        return 0;
}
