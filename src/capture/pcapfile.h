/* pcapfile.h - a reader for classic pcap files (not pcapng), used by
 * capture.c for regular files: one large read() buffer and records handed
 * out in place, instead of stdio's 4 KiB reads and libpcap's second copy.
 * pcapng, pipes and anything else go through libpcap. */
#ifndef NETINV_PCAPFILE_H
#define NETINV_PCAPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pcapfile;

typedef void (*pcapfile_cb)(void *user, const uint8_t *data, uint32_t caplen, uint64_t ts_usec);

/* Open `path`. 0 and the reader; -EPROTONOSUPPORT when the file does not
 * start with a classic pcap header (the caller tries libpcap); another
 * -errno when it cannot be read. */
int pcapfile_open(const char *path, struct pcapfile **ret);
/* The link type from the file header (LINKTYPE_*, equal to DLT_* for the
 * types netinv reads). */
int pcapfile_linktype(const struct pcapfile *pf);
/* Hand the records in the buffer to cb, refilling it first when it runs
 * dry. Returns the number of records, -1 at the end of the file, -2 on a
 * broken record or read error (pcapfile_error says which). Stops early when
 * *stop becomes true. */
long pcapfile_dispatch(struct pcapfile *pf, pcapfile_cb cb, void *user, volatile bool *stop);
const char *pcapfile_error(const struct pcapfile *pf);
void pcapfile_close(struct pcapfile *pf);

#endif
