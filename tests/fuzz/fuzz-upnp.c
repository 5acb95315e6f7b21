/* fuzz-upnp.c - parse_upnp over arbitrary bytes taken as a UPnP device
 * description body. Seeds in corpus/upnp/ are the descriptions of
 * tests/data/upnp/ (minidlna, miniupnpd) plus hand-built edges.
 */

#include "netinv/banner.h"
#include "fuzz-answer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        return fuzz_answer(data, size, parse_upnp, PROTO_UPNP);
}
