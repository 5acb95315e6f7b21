/* test-capture.c - capture files: classic pcap in both byte orders and
 * both time resolutions (our reader), pcapng (libpcap), Linux cooked v1/v2
 * from real tcpdump captures, and broken files: a record cut short, an
 * impossible record length, an unsupported link type. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "netinv/capture.h"
#include "testlib.h"

struct seen {
        size_t n;
        uint32_t len[256];
        uint64_t ts[256];
        enum linktype lt;
};

static void count(void *user, enum linktype lt, const uint8_t *data, uint32_t caplen,
                  uint64_t ts)
{
        struct seen *s = user;
        (void)data;
        if (s->n < 256) {
                s->len[s->n] = caplen;
                s->ts[s->n] = ts;
        }
        s->lt = lt;
        s->n++;
}

/* Read a whole file; the last dispatch result (-1 end, -2 error). */
static long read_all(const char *path, struct seen *s, char *err, size_t errlen,
                     struct capture_open_err *oerr)
{
        struct capture *cap;
        memset(s, 0, sizeof(*s));
        if (capture_open_file(path, &cap, oerr) < 0)
                return -100;
        long r;
        while ((r = capture_dispatch(cap, count, s)) > 0)
                ;
        snprintf(err, errlen, "%s", capture_error(cap));
        capture_close(cap);
        return r;
}

static char *slurp(const char *path, size_t *len)
{
        FILE *f = fopen(path, "rb");
        if (!f)
                return NULL;
        char *b = malloc(1 << 20);
        *len = fread(b, 1, 1 << 20, f);
        fclose(f);
        return b;
}

static void spill(const char *path, const void *b, size_t len)
{
        FILE *f = fopen(path, "wb");
        if (!f)
                abort();
        fwrite(b, 1, len, f);
        fclose(f);
}

static uint32_t rd32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static void wr32be(uint8_t *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }

int main(void)
{
        struct seen ref, s;
        struct capture_open_err oe;
        char err[256], tmp[] = "/tmp/netinv-test-capture.XXXXXX";
        size_t len;
        int fd = mkstemp(tmp);
        if (fd < 0)
                return 1;
        close(fd);

        /* The reference: lab-30s.pcap, microseconds, little-endian. */
        CHECK_INT(read_all(t_capture("lab-30s.pcap"), &ref, err, sizeof(err), &oe), -1);
        CHECK_INT(ref.n, 89);
        CHECK_INT(ref.lt, LINK_ETHERNET);
        CHECK(ref.ts[0] > 1700000000ull * 1000000u);

        /* The same frames as pcapng (libpcap) and with nanoseconds. */
        const char *same[] = { "lab-30s.pcapng", "lab-30s-nsec.pcap" };
        for (size_t i = 0; i < 2; i++) {
                CHECK_INT(read_all(t_capture(same[i]), &s, err, sizeof(err), &oe), -1);
                CHECK_INT(s.n, ref.n);
                CHECK(memcmp(s.len, ref.len, sizeof(s.len)) == 0);
                CHECK(memcmp(s.ts, ref.ts, sizeof(s.ts)) == 0);
        }

        /* Big-endian: rewrite every header field of the file. */
        char *b = slurp(t_capture("lab-30s.pcap"), &len);
        CHECK(b && len == 14786);
        uint8_t *u = (uint8_t *)b;
        wr32be(u, 0xa1b2c3d4u);
        u[4] = 0; u[5] = 2; u[6] = 0; u[7] = 4;                 /* version 2.4 */
        for (size_t o = 8; o < 24; o += 4)
                wr32be(u + o, rd32(u + o));
        for (size_t o = 24; o + 16 <= len;) {
                uint32_t incl = rd32(u + o + 8);
                for (size_t k = 0; k < 16; k += 4)
                        wr32be(u + o + k, rd32(u + o + k));
                o += 16 + incl;
        }
        spill(tmp, b, len);
        CHECK_INT(read_all(tmp, &s, err, sizeof(err), &oe), -1);
        CHECK_INT(s.n, ref.n);
        CHECK(memcmp(s.len, ref.len, sizeof(s.len)) == 0);
        CHECK(memcmp(s.ts, ref.ts, sizeof(s.ts)) == 0);
        free(b);

        /* Cut inside the fifth record: four frames, then an error. */
        b = slurp(t_capture("lab-30s.pcap"), &len);
        size_t cut = 24;
        for (int i = 0; i < 4; i++)
                cut += 16 + rd32((uint8_t *)b + cut + 8);
        spill(tmp, b, cut + 20);
        CHECK_INT(read_all(tmp, &s, err, sizeof(err), &oe), -2);
        CHECK_INT(s.n, 4);
        CHECK(strstr(err, "truncated") != NULL);
        /* Cut inside a record header. */
        spill(tmp, b, cut + 7);
        CHECK_INT(read_all(tmp, &s, err, sizeof(err), &oe), -2);
        CHECK_INT(s.n, 4);
        /* Cut exactly at a record boundary: a shorter but whole file. */
        spill(tmp, b, cut);
        CHECK_INT(read_all(tmp, &s, err, sizeof(err), &oe), -1);
        CHECK_INT(s.n, 4);
        /* An impossible captured length in the second record. */
        size_t second = 24 + 16 + rd32((uint8_t *)b + 24 + 8);
        uint8_t *u2 = (uint8_t *)b + second + 8;
        u2[0] = 0xff; u2[1] = 0xff; u2[2] = 0xff; u2[3] = 0x7f;
        spill(tmp, b, len);
        CHECK_INT(read_all(tmp, &s, err, sizeof(err), &oe), -2);
        CHECK_INT(s.n, 1);
        CHECK(strstr(err, "corrupt") != NULL);
        /* Link type RAW (101): refused at open, with its number. */
        b[20] = 101; b[21] = 0;
        spill(tmp, b, len);
        CHECK_INT(read_all(tmp, &s, err, sizeof(err), &oe), -100);
        CHECK_INT(oe.why, CAPTURE_FAIL_LINKTYPE);
        CHECK(strstr(oe.msg, "link type 101") != NULL);
        /* Not a capture at all: libpcap's turn, and it says so. */
        spill(tmp, "hello, world\n", 13);
        CHECK_INT(read_all(tmp, &s, err, sizeof(err), &oe), -100);
        CHECK_INT(oe.why, CAPTURE_FAIL_FORMAT);
        CHECK_INT(read_all("/nonexistent/x.pcap", &s, err, sizeof(err), &oe), -100);
        CHECK_INT(oe.why, CAPTURE_FAIL_NOT_FOUND);
        free(b);
        unlink(tmp);

        /* Real Linux cooked captures (tcpdump -i any). */
        CHECK_INT(read_all(t_capture("cooked-sll.pcap"), &s, err, sizeof(err), &oe), -1);
        CHECK_INT(s.lt, LINK_SLL);
        CHECK_INT(s.n, 3);
        CHECK_INT(read_all(t_capture("cooked-sll2.pcap"), &s, err, sizeof(err), &oe), -1);
        CHECK_INT(s.lt, LINK_SLL2);
        CHECK_INT(s.n, 4);
        return t_done();
}
