/* fuzz-snmp.c - parse_snmp over arbitrary bytes taken as one SNMP UDP payload
 * (BER). Seeds in corpus/snmp/ are the request and response of banner-snmp-netsnmp.pcap
 * plus hand-built edges.
 */

#include "netinv/banner.h"
#include "fuzz-answer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        return fuzz_answer(data, size, parse_snmp, PROTO_SNMP);
}
