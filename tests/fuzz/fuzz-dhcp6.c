/* fuzz-dhcp6.c - dissect_dhcp6 over arbitrary bytes.
 *
 * The first byte chooses the frame context, the rest is the UDP payload:
 *   bit 0    the frame has a destination MAC (else: Linux cooked capture)
 *   bit 1    that destination is multicast (33:33:00:01:00:02)
 *   bit 2    the IPv6 source is link-local (else global)
 *   bits 3-4 0..3 bytes after the window, as if a UDP length had cut off
 *            Ethernet padding (exercises the "whole window" verdicts)
 * Inputs of up to PREFIX_CHECK_MAX bytes that are OK or IGNORED must never
 * become MALFORMED when cut short: the unit tests' truncation sweep, for any
 * input.
 * Seeds in corpus/dhcp6/ are the payloads of tests/captures/dhcp6-*.pcap. */
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
        static const uint8_t src_mac[6] = { 0x02, 0x76, 0x36, 0x00, 0x00, 0x0a };
        static const uint8_t dst_uni[6] = { 0x02, 0x76, 0x36, 0x00, 0x00, 0x0b };
        static const uint8_t dst_mc[6] = { 0x33, 0x33, 0x00, 0x01, 0x00, 0x02 };
        static const uint8_t ll[16] = { 0xfe, 0x80, [8] = 0x00, 0x76, 0x36, 0xff,
                                        0xfe, 0, 0, 0x0a };
        static const uint8_t global[16] = { 0xfd, 0x00, 0x01, 0x98, 0x00, 0x18, [15] = 0x0a };
        struct cursor c;
        struct frame_ctx ctx;

        if (size < 1)
                return 0;
        uint8_t sel = data[0];
        memset(&ctx, 0, sizeof(ctx));
        memcpy(ctx.src_mac, src_mac, 6);
        if (sel & 1) {
                ctx.has_dst_mac = true;
                memcpy(ctx.dst_mac, (sel & 2) ? dst_mc : dst_uni, 6);
        }
        ctx.ip_version = 6;
        memcpy(ctx.ip_src, (sel & 4) ? ll : global, 16);
        ctx.sport = PORT_DHCP6_CLIENT;
        ctx.dport = PORT_DHCP6_SERVER;

        size_t n = size - 1, pad = (sel >> 3) & 3;
        cur_init(&c, data + 1, n);
        if (pad && n >= pad)
                cur_limit(&c, n - pad);
        obs_sink_reset(&sink);
        enum dissect_res r = dissect_dhcp6(&c, &ctx, &sink);

        /* The verdict contract: a good message (OK or IGNORED) is never
         * called malformed when cut short, at any length (only checked
         * when no length field bounds the window, and for small inputs:
         * it costs one run per prefix). A TRUNCATED one may be: the cut
         * can stop the dissector before it reaches what is wrong. */
        if ((r == DISSECT_OK || r == DISSECT_IGNORED) && pad == 0 && n <= PREFIX_CHECK_MAX) {
                for (size_t k = 0; k < n; k++) {
                        cur_init(&c, data + 1, k);
                        obs_sink_reset(&sink);
                        if (dissect_dhcp6(&c, &ctx, &sink) == DISSECT_MALFORMED)
                                abort();
                }
        }
        return 0;
}
