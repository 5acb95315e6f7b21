/* fuzz-http.c - parse_http over arbitrary bytes taken as the start of an HTTP
 * response (headers and a body); the title extractor runs on the body. Seeds
 * in corpus/http/ are the four lighttpd responses of banner-http-lighttpd.pcap
 * plus hand-built edges.
 */

#include "netinv/banner.h"
#include "fuzz-answer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        return fuzz_answer(data, size, parse_http, PROTO_HTTP);
}
