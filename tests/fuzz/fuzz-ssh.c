/* fuzz-ssh.c - parse_ssh over arbitrary bytes taken as the start of what an
 * SSH server sent. Seeds in corpus/ssh/ are the server streams of banner-ssh-*.pcap
 * plus hand-built edges.
 */

#include "netinv/banner.h"
#include "fuzz-answer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        return fuzz_answer(data, size, parse_ssh, PROTO_SSH);
}
