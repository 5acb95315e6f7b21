/* capture.c - libpcap behind capture.h; the only includer of <pcap.h>. */
#include "netinv/capture.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netinv/limits.h"
#include "pcapfile.h"

struct capture {
        pcap_t *p;                      /* libpcap: live, pcapng, pipes */
        struct pcapfile *pf;            /* or our own classic pcap reader */
        volatile bool stop;
        enum linktype lt;
        int dlt;
        int fd;
        capture_cb cb;
        void *user;
        char err[PCAP_ERRBUF_SIZE];
};

static int map_dlt(int dlt, enum linktype *ret)
{
        switch (dlt) {
        case DLT_EN10MB:
                *ret = LINK_ETHERNET;
                return 0;
        case DLT_LINUX_SLL:
                *ret = LINK_SLL;
                return 0;
#ifdef DLT_LINUX_SLL2
        case DLT_LINUX_SLL2:
                *ret = LINK_SLL2;
                return 0;
#endif
        default:
                return -EPROTONOSUPPORT;
        }
}

static void set_err(struct capture_open_err *e, enum capture_fail why, const char *msg)
{
        e->why = why;
        snprintf(e->msg, sizeof(e->msg), "%s", msg ? msg : "");
}

static void unsupported(struct capture_open_err *err, int dlt)
{
        const char *n = pcap_datalink_val_to_name(dlt);
        char m[160];
        snprintf(m, sizeof(m), "link type %d (%s) is not supported (Ethernet, Linux cooked v1/v2 are)",
                 dlt, n ? n : "unknown");
        set_err(err, CAPTURE_FAIL_LINKTYPE, m);
}

static int finish_open(pcap_t *p, struct capture **ret, struct capture_open_err *err)
{
        struct capture *cap = calloc(1, sizeof(*cap));
        if (!cap) {
                pcap_close(p);
                set_err(err, CAPTURE_FAIL_OTHER, "out of memory");
                return -ENOMEM;
        }
        cap->p = p;
        cap->dlt = pcap_datalink(p);
        if (map_dlt(cap->dlt, &cap->lt) < 0) {
                unsupported(err, cap->dlt);
                pcap_close(p);
                free(cap);
                return -EPROTONOSUPPORT;
        }
        cap->fd = -1;
        *ret = cap;
        return 0;
}

int capture_open_live(const char *ifname, bool filter, int promisc,
                      struct capture **ret, struct capture_open_err *err)
{
        char ebuf[PCAP_ERRBUF_SIZE] = "";
        pcap_t *p = pcap_create(ifname, ebuf);
        if (!p) {
                set_err(err, CAPTURE_FAIL_OTHER, ebuf);
                return -EIO;
        }
        pcap_set_snaplen(p, CAPTURE_SNAPLEN);
        pcap_set_promisc(p, promisc);
        pcap_set_immediate_mode(p, 1);
        pcap_set_buffer_size(p, CAPTURE_BUFFER_BYTES);
        int r = pcap_activate(p);
        if (r < 0) {
                enum capture_fail why = CAPTURE_FAIL_OTHER;
                if (r == PCAP_ERROR_NO_SUCH_DEVICE)
                        why = CAPTURE_FAIL_NO_DEVICE;
                else if (r == PCAP_ERROR_PERM_DENIED)
                        why = CAPTURE_FAIL_PERM;
                set_err(err, why, pcap_geterr(p));
                pcap_close(p);
                return -EIO;
        }
        enum linktype lt;
        if (filter && map_dlt(pcap_datalink(p), &lt) == 0) {
                /* (an unsupported link type is refused by finish_open) */
                struct bpf_program prog;
                if (pcap_compile(p, &prog, dissect_bpf_filter(lt), 1, PCAP_NETMASK_UNKNOWN) < 0 ||
                    pcap_setfilter(p, &prog) < 0) {
                        set_err(err, CAPTURE_FAIL_OTHER, pcap_geterr(p));
                        pcap_close(p);
                        return -EINVAL;
                }
                pcap_freecode(&prog);
        }
        if (pcap_setnonblock(p, 1, ebuf) < 0) {
                set_err(err, CAPTURE_FAIL_OTHER, ebuf);
                pcap_close(p);
                return -EIO;
        }
        r = finish_open(p, ret, err);
        if (r == 0)
                (*ret)->fd = pcap_get_selectable_fd(p);
        return r;
}

/* A classic pcap file through pcapfile.c; -EPROTONOSUPPORT for libpcap. */
static int open_own(const char *path, struct capture **ret, struct capture_open_err *err)
{
        struct pcapfile *pf;
        int r = pcapfile_open(path, &pf);
        if (r == -EPROTONOSUPPORT)
                return r;
        if (r < 0) {
                set_err(err, r == -ENOENT ? CAPTURE_FAIL_NOT_FOUND : CAPTURE_FAIL_OTHER, strerror(-r));
                return r;
        }
        struct capture *cap = calloc(1, sizeof(*cap));
        if (!cap) {
                pcapfile_close(pf);
                set_err(err, CAPTURE_FAIL_OTHER, "out of memory");
                return -ENOMEM;
        }
        cap->pf = pf;
        cap->dlt = pcapfile_linktype(pf);
        cap->fd = -1;
        if (map_dlt(cap->dlt, &cap->lt) < 0) {
                unsupported(err, cap->dlt);
                capture_close(cap);
                return -EINVAL;         /* not -EPROTONOSUPPORT: that means "try libpcap" */
        }
        *ret = cap;
        return 0;
}

int capture_open_file(const char *path, struct capture **ret, struct capture_open_err *err)
{
        char ebuf[PCAP_ERRBUF_SIZE] = "";
        if (strcmp(path, "-") != 0) {
                int r = open_own(path, ret, err);
                if (r != -EPROTONOSUPPORT)
                        return r;
        }
        FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rbe");
        if (!f) {
                int e = errno;
                set_err(err, e == ENOENT ? CAPTURE_FAIL_NOT_FOUND : CAPTURE_FAIL_OTHER, strerror(e));
                return -e;
        }
        pcap_t *p = pcap_fopen_offline(f, ebuf);
        if (!p) {
                if (f != stdin)
                        fclose(f);
                set_err(err, CAPTURE_FAIL_FORMAT, ebuf);
                return -EINVAL;
        }
        return finish_open(p, ret, err);
}

int capture_fd(const struct capture *cap)
{
        return cap->fd;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
        struct capture *cap = (struct capture *)user;
        uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
        cap->cb(cap->user, cap->lt, bytes, h->caplen, ts);
}

static void on_record(void *user, const uint8_t *data, uint32_t caplen, uint64_t ts)
{
        struct capture *cap = user;
        cap->cb(cap->user, cap->lt, data, caplen, ts);
}

long capture_dispatch(struct capture *cap, capture_cb cb, void *user)
{
        cap->cb = cb;
        cap->user = user;
        if (cap->pf) {
                long n = pcapfile_dispatch(cap->pf, on_record, cap, &cap->stop);
                if (n == -2)
                        snprintf(cap->err, sizeof(cap->err), "%s", pcapfile_error(cap->pf));
                return n;
        }
        int n = pcap_dispatch(cap->p, -1, on_packet, (u_char *)cap);
        if (n == PCAP_ERROR_BREAK)
                return 0;
        if (n < 0) {
                snprintf(cap->err, sizeof(cap->err), "%s", pcap_geterr(cap->p));
                return -2;
        }
        if (n == 0 && cap->fd < 0)
                return -1;      /* a file with nothing left */
        return n;
}

void capture_break(struct capture *cap)
{
        cap->stop = true;
        if (cap->p)
                pcap_breakloop(cap->p);
}

uint64_t capture_dropped(struct capture *cap)
{
        struct pcap_stat st;
        if (cap->fd < 0 || !cap->p || pcap_stats(cap->p, &st) < 0)
                return 0;
        return (uint64_t)st.ps_drop + st.ps_ifdrop;
}

const char *capture_error(struct capture *cap)
{
        return cap->err;
}

const char *capture_linktype_name(const struct capture *cap)
{
        const char *n = pcap_datalink_val_to_name(cap->dlt);
        return n ? n : "unknown";
}

void capture_close(struct capture *cap)
{
        if (!cap)
                return;
        if (cap->p)
                pcap_close(cap->p);
        pcapfile_close(cap->pf);
        free(cap);
}
