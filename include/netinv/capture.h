/* capture.h - frames from a live interface or a capture file (libpcap).
 *
 * The only module that includes <pcap.h>. Opening needs privileges for a
 * live interface; everything after the open does not, so callers open first
 * and then drop privileges (priv.h).
 */
#ifndef NETINV_CAPTURE_H
#define NETINV_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netinv/dissect.h"

struct capture;

/* Why an open failed, for the caller's one-line message and exit code. */
enum capture_fail {
        CAPTURE_FAIL_NONE,
        CAPTURE_FAIL_NO_DEVICE,         /* no such interface */
        CAPTURE_FAIL_PERM,              /* needs root or CAP_NET_RAW */
        CAPTURE_FAIL_NOT_FOUND,         /* no such file */
        CAPTURE_FAIL_FORMAT,            /* not pcap/pcapng, or corrupt header */
        CAPTURE_FAIL_LINKTYPE,          /* link type we cannot dissect */
        CAPTURE_FAIL_OTHER,
};

struct capture_open_err {
        enum capture_fail why;
        char msg[512];                  /* libpcap's words, for the message */
};

typedef void (*capture_cb)(void *user, enum linktype lt, const uint8_t *data, uint32_t caplen,
                           uint64_t ts_usec);

/* Live: immediate mode, CAPTURE_SNAPLEN, promiscuous unless told not to,
 * and with `filter` the BPF filter of dissect_bpf_filter() for the
 * interface's link type. */
int capture_open_live(const char *ifname, bool filter, int promisc,
                      struct capture **ret, struct capture_open_err *err);
/* Offline: pcap or pcapng; "-" reads standard input. */
int capture_open_file(const char *path, struct capture **ret, struct capture_open_err *err);

/* The descriptor to poll() for a live capture; -1 for a file. */
int capture_fd(const struct capture *cap);
/* Hand every frame available now (live: without blocking) to cb.
 * Returns the number of frames, 0 when none were ready, -1 at the end of a
 * file, or -2 on a read error (capture_error() says which). */
long capture_dispatch(struct capture *cap, capture_cb cb, void *user);
/* Stop a running capture_dispatch (async-signal-safe). */
void capture_break(struct capture *cap);
/* Frames the kernel dropped (live); 0 for files. */
uint64_t capture_dropped(struct capture *cap);
const char *capture_error(struct capture *cap);
const char *capture_linktype_name(const struct capture *cap);
void capture_close(struct capture *cap);

#endif
