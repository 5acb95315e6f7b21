/* fuzz-ntlmssp.c - parse_ntlmssp over arbitrary bytes taken as an NTLMSSP
 * CHALLENGE message, parse_rdp_credssp when they start with a DER SEQUENCE
 * (0x30), parse_rdp_x224 when with a TPKT version (0x03). Seeds in
 * corpus/ntlmssp/ are Samba's CHALLENGE cut from banner-smb2-samba.pcap, the
 * hand-built Windows-layout messages of test-ntlmssp.c, and FreeRDP's
 * TSRequest and Connection Confirm (tests/data/responses).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netinv/banner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
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
        /* A DER SEQUENCE is a CredSSP TSRequest, a TPKT an X.224 Connection
         * Confirm; anything else an NTLMSSP message. */
        enum dissect_res r;
        if (size > 0 && data[0] == 0x30)
                r = parse_rdp_credssp(&c, &ctx, &sink);
        else if (size > 0 && data[0] == 0x03)
                r = parse_rdp_x224(&c, &ctx, &sink);
        else
                r = parse_ntlmssp(&c, &ctx, &sink);
        if ((unsigned)r >= DISSECT_RES_MAX || cur_pos(&c) > size)
                abort();
        for (size_t i = 0; i < sink.n; i++)
                if (sink.obs[i].val_len > OBS_VALUE_MAX || (sink.obs[i].source != PROTO_SMB && sink.obs[i].source != PROTO_RDP) ||
                    memcmp(sink.obs[i].mac, ctx.src_mac, 6) != 0)
                        abort();
        return 0;
}
