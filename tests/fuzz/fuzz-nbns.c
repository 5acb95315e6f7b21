/* fuzz-nbns.c - dissect_nbns over arbitrary bytes taken as one UDP payload
 * from port 137 of an IPv4 host. Seeds in corpus/nbns/ are the NBSTAT request
 * and nmbd's response of banner-nbns-nmbd.pcap plus hand-built edges.
 */

#include "netinv/banner.h"
#include "fuzz-answer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        return fuzz_answer(data, size, dissect_nbns, PROTO_NBNS);
}
