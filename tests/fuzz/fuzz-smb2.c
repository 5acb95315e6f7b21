/* fuzz-smb2.c - parse_smb2 over arbitrary bytes taken as what an SMB server
 * sent on TCP 445 (NetBIOS-framed SMB2 messages, SPNEGO, NTLMSSP). Seeds in
 * corpus/smb2/ are the NEGOTIATE and SESSION_SETUP responses of banner-smb2-samba.pcap plus
 * smb2-samba.pcap plus hand-built edges.
 */

#include "netinv/banner.h"
#include "fuzz-answer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        return fuzz_answer(data, size, parse_smb2, PROTO_SMB);
}
