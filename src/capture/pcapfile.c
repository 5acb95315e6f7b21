/* pcapfile.c - classic pcap files read through one large buffer. See
 * pcapfile.h.
 *
 * File format (tcpdump/libpcap "savefile"): a 24-byte header (magic,
 * version 2.4, thiszone, sigfigs, snaplen, link type), then records of a
 * 16-byte header (seconds, micro- or nanoseconds, captured length, original
 * length) and the captured bytes. The magic says the byte order and the
 * time resolution. The file is as hostile as the network it came from:
 * headers are read through the cursor and every length is checked against
 * what is in the buffer before use.
 */
#include "pcapfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netinv/cursor.h"

#define PCAP_MAGIC_USEC         0xa1b2c3d4u
#define PCAP_MAGIC_NSEC         0xa1b23c4du
#define PCAP_FILE_HDR_LEN       24
#define PCAP_REC_HDR_LEN        16
/* libpcap refuses records larger than this for every link type we read
 * (MAXIMUM_SNAPLEN); a larger captured length means a corrupt file. */
#define PCAP_MAX_RECORD         262144u
/* Read buffer: large reads keep the kernel's per-call cost down. */
#define PCAPFILE_BUF            (4u * 1024u * 1024u)

struct pcapfile {
        int fd;
        bool big_endian;        /* header fields are big-endian */
        bool nsec;              /* fractions are nanoseconds */
        bool eof;
        int linktype;
        uint64_t recno;
        uint8_t *buf;
        size_t off, fill;       /* unread records are buf[off .. fill) */
        char err[160];
};

static uint32_t get32(struct cursor *c, bool be)
{
        return be ? cur_be32(c) : cur_le32(c);
}

static int fill_buffer(struct pcapfile *pf)
{
        if (pf->off) {
                memmove(pf->buf, pf->buf + pf->off, pf->fill - pf->off);
                pf->fill -= pf->off;
                pf->off = 0;
        }
        while (!pf->eof && pf->fill < PCAPFILE_BUF) {
                ssize_t n = read(pf->fd, pf->buf + pf->fill, PCAPFILE_BUF - pf->fill);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        pf->eof = true;
                pf->fill += (size_t)n;
        }
        return 0;
}

int pcapfile_open(const char *path, struct pcapfile **ret)
{
        uint8_t hdr[PCAP_FILE_HDR_LEN];
        struct cursor c;
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        size_t got = 0;
        while (got < sizeof(hdr)) {
                ssize_t n = read(fd, hdr + got, sizeof(hdr) - got);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                got += (size_t)n;
        }
        cur_init(&c, hdr, got);
        uint32_t magic_be = cur_be32(&c);
        bool be;
        if (magic_be == PCAP_MAGIC_USEC || magic_be == PCAP_MAGIC_NSEC)
                be = true;
        else if (__builtin_bswap32(magic_be) == PCAP_MAGIC_USEC ||
                 __builtin_bswap32(magic_be) == PCAP_MAGIC_NSEC)
                be = false;
        else
                goto not_ours;
        uint32_t magic = be ? magic_be : __builtin_bswap32(magic_be);
        uint16_t major = be ? cur_be16(&c) : cur_le16(&c);
        cur_skip(&c, 2 + 4 + 4 + 4);            /* minor, thiszone, sigfigs, snaplen */
        uint32_t lt = get32(&c, be);
        if (!cur_ok(&c) || major != 2)
                goto not_ours;                  /* let libpcap say what is wrong */

        struct pcapfile *pf = calloc(1, sizeof(*pf));
        if (!pf || !(pf->buf = malloc(PCAPFILE_BUF))) {
                free(pf);
                close(fd);
                return -ENOMEM;
        }
        pf->fd = fd;
        pf->big_endian = be;
        pf->nsec = magic == PCAP_MAGIC_NSEC;
        pf->linktype = (int)(lt & 0xffff);      /* upper bits: FCS length flags */
        posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
        *ret = pf;
        return 0;
not_ours:
        close(fd);
        return -EPROTONOSUPPORT;
}

int pcapfile_linktype(const struct pcapfile *pf)
{
        return pf->linktype;
}

long pcapfile_dispatch(struct pcapfile *pf, pcapfile_cb cb, void *user, volatile bool *stop)
{
        long n = 0;
        bool refilled = false;

        while (!*stop) {
                size_t avail = pf->fill - pf->off;
                struct cursor c;
                uint32_t caplen = 0;
                uint64_t ts = 0;

                if (avail >= PCAP_REC_HDR_LEN) {
                        cur_init(&c, pf->buf + pf->off, avail);
                        uint32_t sec = get32(&c, pf->big_endian);
                        uint32_t frac = get32(&c, pf->big_endian);
                        caplen = get32(&c, pf->big_endian);
                        cur_skip(&c, 4);        /* original length */
                        if (caplen > PCAP_MAX_RECORD) {
                                snprintf(pf->err, sizeof(pf->err),
                                         "record %llu: captured length %u is larger than %u: corrupt file",
                                         (unsigned long long)pf->recno + 1, caplen, PCAP_MAX_RECORD);
                                return -2;
                        }
                        ts = (uint64_t)sec * 1000000u + (pf->nsec ? frac / 1000u : frac);
                        const uint8_t *data = cur_view(&c, caplen);
                        if (data) {
                                pf->off += PCAP_REC_HDR_LEN + caplen;
                                pf->recno++;
                                cb(user, data, caplen, ts);
                                n++;
                                continue;
                        }
                }
                /* The next record is not whole in the buffer. */
                if (pf->eof) {
                        if (avail == 0)
                                return n ? n : -1;
                        snprintf(pf->err, sizeof(pf->err),
                                 "truncated capture file: record %llu needs %zu bytes, %zu remain",
                                 (unsigned long long)pf->recno + 1,
                                 avail >= PCAP_REC_HDR_LEN ? PCAP_REC_HDR_LEN + (size_t)caplen
                                                           : (size_t)PCAP_REC_HDR_LEN,
                                 avail);
                        pf->off = pf->fill;
                        return -2;
                }
                if (refilled && n)
                        return n;       /* one buffer per call: the caller may stop */
                int r = fill_buffer(pf);
                if (r < 0) {
                        snprintf(pf->err, sizeof(pf->err), "read: %s", strerror(-r));
                        return -2;
                }
                refilled = true;
        }
        return n;
}

const char *pcapfile_error(const struct pcapfile *pf)
{
        return pf->err;
}

void pcapfile_close(struct pcapfile *pf)
{
        if (!pf)
                return;
        close(pf->fd);
        free(pf->buf);
        free(pf);
}
