/* fuzz-dns.c - dissect_dns and dns_name_read over arbitrary bytes.
 *
 * Input: one selector byte, then a UDP payload. The selector picks the
 * protocol by port (value % 3: 0 mDNS 5353, 1 LLMNR 5355, 2 DNS 53) and
 * the direction ((value / 3) % 2: 0 = from the well-known port, a response
 * side; 1 = to it from port 40000). Seeds in corpus/dns/ are payloads cut
 * from the test captures with the selector their ports give
 * (tests/captures/make/dns.sh corpus).
 *
 * Besides "no crash", it checks what the decoder promises: a name it
 * accepts fits the buffer, is NUL-terminated at the returned length, and
 * the cursor has moved forward; a failed read leaves an error on it.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netinv/dissect.h"
#include "netinv/dns_name.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_name(const uint8_t *msg, size_t len)
{
        char buf[DNS_NAME_BUFSZ];
        size_t n = 0;
        /* A name at the start of the message, and the first one after a
         * DNS header (where a question would be). */
        for (size_t off = 0; off <= 12 && off <= len; off += 12) {
                struct cursor c;
                cur_init(&c, msg, len);
                cur_skip(&c, off);
                int r = dns_name_read(&c, buf, sizeof(buf), &n);
                if (r == 0) {
                        if (n >= sizeof(buf) || buf[n] != '\0' || n == 0 || cur_pos(&c) <= off ||
                            !cur_ok(&c))
                                abort();
                } else if (r == -ENODATA || r == -EBADMSG) {
                        if (cur_ok(&c))
                                abort();
                } else {
                        abort();        /* -ENOBUFS cannot happen with DNS_NAME_BUFSZ */
                }
                /* Skipping must agree with decoding. */
                struct cursor c2;
                cur_init(&c2, msg, len);
                cur_skip(&c2, off);
                if ((dns_name_read(&c2, NULL, 0, NULL) == 0) != (r == 0))
                        abort();
                if (r == 0 && cur_pos(&c2) != cur_pos(&c))
                        abort();
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const uint16_t ports[3] = { PORT_MDNS, PORT_LLMNR, PORT_DNS };
        static struct obs_sink sink;
        struct cursor c;
        struct frame_ctx ctx;

        if (size < 1)
                return 0;
        uint8_t sel = data[0];
        const uint8_t *msg = data + 1;
        size_t len = size - 1;

        memset(&ctx, 0, sizeof(ctx));
        ctx.src_mac[0] = 0x02;
        ctx.src_mac[5] = 0x01;
        ctx.ip_version = 4;
        uint16_t port = ports[sel % 3];
        if ((sel / 3) % 2 == 0) {
                ctx.sport = port;
                ctx.dport = port == PORT_MDNS ? PORT_MDNS : 40000;
        } else {
                ctx.sport = 40000;
                ctx.dport = port;
        }
        cur_init(&c, msg, len);
        obs_sink_reset(&sink);
        enum dissect_res r = dissect_dns(&c, &ctx, &sink);
        if (r >= DISSECT_RES_MAX)
                abort();
        for (size_t i = 0; i < sink.n; i++)
                if (sink.obs[i].val && sink.obs[i].val[sink.obs[i].val_len] != '\0')
                        abort();
        check_name(msg, len);
        return 0;
}
