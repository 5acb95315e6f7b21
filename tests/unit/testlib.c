/* testlib.c - see testlib.h. */
#include "testlib.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>

#include "netinv/capture.h"
#include "netinv/util.h"

int t_checks, t_failures;

bool t_check(bool ok, const char *file, int line, const char *what)
{
        t_checks++;
        if (!ok) {
                t_failures++;
                fprintf(stderr, "%s:%d: FAIL: %s\n", file, line, what);
        }
        return ok;
}

bool t_check_int(long long got, long long want, const char *file, int line, const char *what)
{
        t_checks++;
        if (got != want) {
                t_failures++;
                fprintf(stderr, "%s:%d: FAIL: %s is %lld, want %lld\n", file, line, what, got, want);
                return false;
        }
        return true;
}

bool t_check_str(const char *got, const char *want, const char *file, int line, const char *what)
{
        t_checks++;
        if (!got || !want || strcmp(got, want) != 0) {
                t_failures++;
                fprintf(stderr, "%s:%d: FAIL: %s is \"%s\", want \"%s\"\n", file, line, what,
                        got ? got : "(null)", want ? want : "(null)");
                return false;
        }
        return true;
}

int t_done(void)
{
        printf("%d checks, %d failed\n", t_checks, t_failures);
        return (t_failures || t_checks == 0) ? 1 : 0;
}

static const char *join(const char *envname, const char *fallback, const char *name)
{
        static char buf[4096];
        const char *dir = getenv(envname);
        snprintf(buf, sizeof(buf), "%s/%s", dir ? dir : fallback, name);
        return buf;
}

const char *t_capture(const char *name)
{
        return join("NETINV_TEST_CAPTURES", "tests/captures", name);
}

const char *t_data(const char *name)
{
        return join("NETINV_TEST_DATA", "tests/data", name);
}

static void collect(void *user, enum linktype lt, const uint8_t *data, uint32_t caplen,
                    uint64_t ts)
{
        struct t_frames *fr = user;
        struct t_frame *nf = realloc(fr->f, (fr->n + 1) * sizeof(*nf));
        if (!nf)
                abort();
        fr->f = nf;
        struct t_frame *f = &fr->f[fr->n++];
        f->data = malloc(caplen ? caplen : 1);
        if (!f->data)
                abort();
        memcpy(f->data, data, caplen);
        f->len = caplen;
        f->lt = lt;
        f->ts = ts;
}

int t_load_pcap(const char *path, struct t_frames *ret)
{
        struct capture *cap;
        struct capture_open_err err;
        memset(ret, 0, sizeof(*ret));
        if (capture_open_file(path, &cap, &err) < 0) {
                fprintf(stderr, "%s: %s\n", path, err.msg);
                t_check(false, __FILE__, __LINE__, "t_load_pcap opens the capture");
                return -ENOENT;
        }
        long n;
        while ((n = capture_dispatch(cap, collect, ret)) > 0)
                ;
        capture_close(cap);
        if (n == -2) {
                t_check(false, __FILE__, __LINE__, "t_load_pcap reads the whole capture");
                return -EIO;
        }
        return 0;
}

void t_frames_free(struct t_frames *fr)
{
        for (size_t i = 0; i < fr->n; i++)
                free(fr->f[i].data);
        free(fr->f);
        memset(fr, 0, sizeof(*fr));
}

enum dissect_res t_dissect(const uint8_t *frame, size_t len, struct obs_sink *s)
{
        obs_sink_reset(s);
        s->dropped = 0;
        return dissect_frame(LINK_ETHERNET, frame, (uint32_t)len, 1, s);
}

int t_sweep(enum linktype lt, const uint8_t *frame, size_t len)
{
        static struct obs_sink s;
        int bad = 0;
        for (size_t n = 0; n < len; n++) {
                uint8_t *copy = malloc(n ? n : 1);
                if (!copy)
                        abort();
                memcpy(copy, frame, n);
                obs_sink_reset(&s);
                enum dissect_res r = dissect_frame(lt, copy, (uint32_t)n, 1, &s);
                if (r == DISSECT_MALFORMED) {
                        if (!bad)
                                fprintf(stderr, "sweep: prefix of %zu/%zu bytes is MALFORMED\n", n, len);
                        bad++;
                }
                free(copy);
        }
        t_check(bad == 0, __FILE__, __LINE__, "truncation sweep: no prefix is MALFORMED");
        return bad;
}

const struct obs *t_find(const struct obs_sink *s, enum obs_kind kind, const char *key,
                         const char *value)
{
        for (size_t i = 0; i < s->n; i++) {
                const struct obs *o = &s->obs[i];
                if (o->kind != kind)
                        continue;
                if (key && (!o->key || strcmp(o->key, key) != 0))
                        continue;
                if (value && (!o->val || strcmp(o->val, value) != 0))
                        continue;
                return o;
        }
        return NULL;
}

void t_dump(const struct obs_sink *s, FILE *f)
{
        char mac[18], ip[64];
        for (size_t i = 0; i < s->n; i++) {
                const struct obs *o = &s->obs[i];
                fmt_mac(mac, sizeof(mac), o->mac);
                fprintf(f, "  %s %-6s ", mac, proto_name((enum proto)o->source));
                switch (o->kind) {
                case OBS_IPV4:
                        fmt_ip(ip, sizeof(ip), 4, o->addr);
                        fprintf(f, "ipv4 %s\n", ip);
                        break;
                case OBS_IPV6:
                        fmt_ip(ip, sizeof(ip), 6, o->addr);
                        fprintf(f, "ipv6 %s\n", ip);
                        break;
                case OBS_HOSTNAME:
                        fprintf(f, "hostname %s\n", o->val);
                        break;
                default:
                        fprintf(f, "%s = %s\n", o->key, o->val);
                }
        }
}

void t_ip4(const char *s, uint8_t out[4])
{
        if (inet_pton(AF_INET, s, out) != 1)
                abort();
}

void t_ip6(const char *s, uint8_t out[16])
{
        if (inet_pton(AF_INET6, s, out) != 1)
                abort();
}
