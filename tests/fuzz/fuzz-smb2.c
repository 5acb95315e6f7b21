/* fuzz-smb2.c - parse_smb2 over arbitrary bytes taken as what an SMB server
 * sent on TCP 445 (NetBIOS-framed SMB2 messages, SPNEGO, NTLMSSP). Seeds in
 * corpus/smb2/ are the NEGOTIATE and SESSION_SETUP responses of banner-smb2-samba.pcap plus
 * smb2-samba.pcap plus hand-built edges.
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
        enum dissect_res r = parse_smb2(&c, &ctx, &sink);
        if ((unsigned)r >= DISSECT_RES_MAX || cur_pos(&c) > size)
                abort();
        for (size_t i = 0; i < sink.n; i++)
                if (sink.obs[i].val_len > OBS_VALUE_MAX || sink.obs[i].source != PROTO_SMB ||
                    memcmp(sink.obs[i].mac, ctx.src_mac, 6) != 0)
                        abort();
        return 0;
}
