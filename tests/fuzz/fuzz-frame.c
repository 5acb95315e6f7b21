/* fuzz-frame.c - a whole frame through every layer: Ethernet, Linux cooked
 * v1/v2 (chosen by the first byte), VLAN, IP, UDP and every dissector. */
#include <stddef.h>
#include <stdint.h>

#include "netinv/dissect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct obs_sink sink;
        if (size < 1)
                return 0;
        enum linktype lt = (enum linktype)(data[0] % LINK_MAX);
        obs_sink_reset(&sink);
        dissect_frame(lt, data + 1, (uint32_t)(size - 1), 0, &sink);
        return 0;
}
