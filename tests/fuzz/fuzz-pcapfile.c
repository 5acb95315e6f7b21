/* fuzz-pcapfile.c - a capture file from arbitrary bytes through
 * capture_open_file(): our classic-pcap reader, or libpcap for the rest,
 * then every frame through the dissectors. The bytes go to a memfd so the
 * reader sees a real file. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "netinv/capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_frame(void *user, enum linktype lt, const uint8_t *d, uint32_t caplen, uint64_t ts)
{
        struct obs_sink *sink = user;
        obs_sink_reset(sink);
        dissect_frame(lt, d, caplen, ts, sink);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct obs_sink sink;
        struct capture *cap;
        struct capture_open_err err;
        char path[64];
        int fd = memfd_create("fuzz-pcapfile", 0);
        if (fd < 0)
                return 0;
        if (size && write(fd, data, size) != (ssize_t)size) {
                close(fd);
                return 0;
        }
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        if (capture_open_file(path, &cap, &err) == 0) {
                while (capture_dispatch(cap, on_frame, &sink) > 0)
                        ;
                capture_close(cap);
        }
        close(fd);
        return 0;
}
