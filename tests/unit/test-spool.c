/* test-spool.c - the push spool (push/spool.c) and the pieces of
 * push/http.c that need no network: gzip, the secret file, URL checks, and
 * push_spool against a closed port (kept, in order, nothing lost).
 *
 * Each test works in a fresh directory under $TMPDIR.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "netinv/push.h"
#include "testlib.h"

static char top[4096];

static void rm_rf(const char *dir)
{
        char cmd[4200];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        if (system(cmd) != 0)
                fprintf(stderr, "cannot remove %s\n", dir);
}

static const char *fresh(const char *name)
{
        static char path[4200];
        snprintf(path, sizeof(path), "%s/%s", top, name);
        rm_rf(path);
        return path;
}

static void test_put_list_order(void)
{
        const char *dir = fresh("order");
        struct spool_stats st;
        char doc[64];
        const char *ids[] = { "c-3", "a-1", "b-2" };
        for (int i = 0; i < 3; i++) {
                snprintf(doc, sizeof(doc), "{\"n\":%d}", i);
                CHECK_INT(spool_put(dir, ids[i], doc, strlen(doc), 0, &st), 0);
                CHECK_INT(st.docs, (size_t)i + 1);
        }
        struct spool_entry *v = NULL;
        CHECK_INT(spool_list(dir, &v), 3);
        /* Queue order, not scan-id order. */
        for (int i = 0; i < 3 && v; i++)
                CHECK_STR(v[i].scan_id, ids[i]);
        char *buf = NULL;
        size_t len = 0;
        CHECK_INT(spool_read(dir, &v[1], &buf, &len), 0);
        CHECK_STR(buf, "{\"n\":1}");
        free(buf);
        CHECK_INT(spool_done(dir, &v[0]), 0);
        free(v);
        CHECK_INT(spool_list(dir, &v), 2);
        CHECK_STR(v[0].scan_id, "a-1");
        free(v);

        /* Files that are not documents are ignored; no temporaries left. */
        char p[4300];
        snprintf(p, sizeof(p), "%s/notes.txt", dir);
        close(open(p, O_WRONLY | O_CREAT, 0600));
        snprintf(p, sizeof(p), "%s/00000000000000000001-bad_id.json", dir);
        close(open(p, O_WRONLY | O_CREAT, 0600));
        CHECK_INT(spool_list(dir, &v), 2);
        free(v);
        snprintf(p, sizeof(p), "ls -a '%s' | grep -q '^.tmp-'", dir);
        CHECK(system(p) != 0);
}

static void test_stale_tmp(void)
{
        /* A writer that died left temporaries: an old one is removed, a
         * fresh one (a writer at work) is not. */
        const char *dir = fresh("stale");
        char p_old[4300], p_new[4300];
        mkdir(dir, 0700);
        snprintf(p_old, sizeof(p_old), "%s/.tmp-1-1", dir);
        snprintf(p_new, sizeof(p_new), "%s/.tmp-1-2", dir);
        close(open(p_old, O_WRONLY | O_CREAT, 0600));
        close(open(p_new, O_WRONLY | O_CREAT, 0600));
        struct timespec ts[2] = { { .tv_sec = time(NULL) - 7200 }, { .tv_sec = time(NULL) - 7200 } };
        CHECK_INT(utimensat(AT_FDCWD, p_old, ts, 0), 0);
        CHECK_INT(spool_put(dir, "s1", "{}", 2, 0, NULL), 0);
        CHECK(access(p_old, F_OK) < 0);
        CHECK(access(p_new, F_OK) == 0);
}

static void test_bad_ids(void)
{
        const char *dir = fresh("ids");
        CHECK_INT(spool_put(dir, "", "x", 1, 0, NULL), -EINVAL);
        CHECK_INT(spool_put(dir, "../etc", "x", 1, 0, NULL), -EINVAL);
        CHECK_INT(spool_put(dir, "a/b", "x", 1, 0, NULL), -EINVAL);
        CHECK_INT(spool_put(dir, NULL, "x", 1, 0, NULL), -EINVAL);
        char longid[80];
        memset(longid, 'a', 65);
        longid[65] = '\0';
        CHECK_INT(spool_put(dir, longid, "x", 1, 0, NULL), -EINVAL);
        longid[64] = '\0';
        CHECK_INT(spool_put(dir, longid, "x", 1, 0, NULL), 0);
}

static void test_bound(void)
{
        const char *dir = fresh("bound");
        struct spool_stats st;
        char doc[100];
        memset(doc, 'x', sizeof(doc));
        /* 350 bytes hold three documents of 100. */
        for (int i = 0; i < 3; i++) {
                char id[8];
                snprintf(id, sizeof(id), "d%d", i);
                CHECK_INT(spool_put(dir, id, doc, 100, 350, &st), 0);
                CHECK_INT(st.dropped, 0);
        }
        CHECK_INT(spool_dropped(dir), 0);
        CHECK_INT(spool_put(dir, "d3", doc, 100, 350, &st), 0);
        CHECK_INT(st.dropped, 1);
        CHECK_INT(st.docs, 3);
        CHECK_INT(st.bytes, 300);
        CHECK_INT(st.dropped_unreported, 1);
        /* A bigger one drops two more. */
        CHECK_INT(spool_put(dir, "d4", doc, 100, 250, &st), 0);
        CHECK_INT(st.dropped, 2);
        CHECK_INT(spool_dropped(dir), 3);
        struct spool_entry *v = NULL;
        CHECK_INT(spool_list(dir, &v), 2);
        CHECK_STR(v[0].scan_id, "d3");  /* the oldest went first */
        CHECK_STR(v[1].scan_id, "d4");
        free(v);
        /* Larger than the bound on its own: refused, nothing dropped. */
        CHECK_INT(spool_put(dir, "big", doc, 100, 50, &st), -EFBIG);
        CHECK_INT(spool_list(dir, &v), 2);
        free(v);
        CHECK_INT(spool_dropped_reported(dir, 2), 0);
        CHECK_INT(spool_dropped(dir), 1);
        CHECK_INT(spool_dropped_reported(dir, 5), 0);
        CHECK_INT(spool_dropped(dir), 0);
}

static void test_fail(void)
{
        const char *dir = fresh("fail");
        CHECK_INT(spool_put(dir, "f1", "{}", 2, 0, NULL), 0);
        struct spool_entry *v = NULL;
        CHECK_INT(spool_list(dir, &v), 1);
        CHECK_INT(spool_failed_count(dir), 0);
        CHECK_INT(spool_fail(dir, &v[0], 401, "{\"status\":\"error\"}", 18), 0);
        CHECK_INT(spool_failed_count(dir), 1);
        free(v);
        CHECK_INT(spool_list(dir, &v), 0);
        free(v);
        char cmd[4400];
        snprintf(cmd, sizeof(cmd), "grep -q '^HTTP status 401' %s/failed/*-f1.response && "
                 "grep -q status %s/failed/*-f1.response && test -f %s/failed/*-f1.json", dir, dir, dir);
        CHECK(system(cmd) == 0);
        /* No spool at all: an empty list. */
        CHECK_INT(spool_list(fresh("none"), &v), 0);
        free(v);
        /* failed/ is bounded: the newest SPOOL_FAILED_MAX stay, with their
         * responses; the oldest go. */
        dir = fresh("failmax");
        for (unsigned i = 0; i < SPOOL_FAILED_MAX + 5; i++) {
                char id[16];
                snprintf(id, sizeof(id), "g%u", i);
                CHECK_INT(spool_put(dir, id, "{}", 2, 0, NULL), 0);
                CHECK_INT(spool_list(dir, &v), 1);
                CHECK_INT(spool_fail(dir, &v[0], 400, "no", 2), 0);
                free(v);
        }
        CHECK_INT(spool_failed_count(dir), (int)SPOOL_FAILED_MAX);
        snprintf(cmd, sizeof(cmd), "test $(ls %s/failed/*.response | wc -l) -eq %u && "
                 "! ls %s/failed/*-g4.json 2>/dev/null && test -f %s/failed/*-g5.json && "
                 "test -f %s/failed/*-g36.response", dir, SPOOL_FAILED_MAX, dir, dir, dir);
        CHECK(system(cmd) == 0);
}

static void test_gzip(void)
{
        static char in[200000];
        for (size_t i = 0; i < sizeof(in); i++)
                in[i] = "{\"mac\":\"aa:bb\"}"[i % 15];
        void *gz = NULL;
        size_t gl = 0;
        CHECK_INT(push_gzip(in, sizeof(in), &gz, &gl), 0);
        CHECK(gl > 18 && gl < sizeof(in) / 10);
        const unsigned char *g = gz;
        CHECK(g[0] == 0x1f && g[1] == 0x8b);    /* RFC 1952 §2.3.1 ID1 ID2 */
        static char back[200000];
        z_stream z;
        memset(&z, 0, sizeof(z));
        inflateInit2(&z, 15 + 16);
        z.next_in = gz;
        z.avail_in = (uInt)gl;
        z.next_out = (Bytef *)back;
        z.avail_out = sizeof(back);
        CHECK_INT(inflate(&z, Z_FINISH), Z_STREAM_END);
        CHECK_INT(z.total_out, sizeof(in));
        CHECK(memcmp(in, back, sizeof(in)) == 0);
        inflateEnd(&z);
        free(gz);
        CHECK_INT(push_gzip("", 0, &gz, &gl), 0);
        CHECK(gl >= 20);
        free(gz);
}

static void write_secret(const char *path, const char *text, mode_t mode)
{
        FILE *f = fopen(path, "w");
        fputs(text, f);
        fclose(f);
        chmod(path, mode);
}

static void test_secret(void)
{
        char path[4300];
        char *s = NULL;
        snprintf(path, sizeof(path), "%s/tok", top);
        write_secret(path, "abc def \r\nsecond line\n", 0600);
        CHECK_INT(push_read_secret(path, &s), 0);
        CHECK_STR(s, "abc def");
        free(s);
        write_secret(path, "abc\n", 0644);
        CHECK_INT(push_read_secret(path, &s), -EPERM);
        write_secret(path, "\n", 0640);
        CHECK_INT(push_read_secret(path, &s), -ENODATA);
        CHECK_INT(push_read_secret(top, &s), -EINVAL);
        snprintf(path, sizeof(path), "%s/missing", top);
        CHECK_INT(push_read_secret(path, &s), -ENOENT);
}

static void test_url(void)
{
        bool pr = true;
        CHECK_INT(push_url_plain_remote("https://register.example/x", &pr), 0);
        CHECK(!pr);
        CHECK_INT(push_url_plain_remote("http://127.0.0.1:8080/", &pr), 0);
        CHECK(!pr);
        CHECK_INT(push_url_plain_remote("http://[::1]/", &pr), 0);
        CHECK(!pr);
        CHECK_INT(push_url_plain_remote("http://localhost/", &pr), 0);
        CHECK(!pr);
        CHECK_INT(push_url_plain_remote("http://198.18.0.1/", &pr), 0);
        CHECK(pr);
        CHECK_INT(push_url_plain_remote("ftp://198.18.0.1/", &pr), -EINVAL);
        CHECK_INT(push_url_plain_remote("file:///etc/passwd", &pr), -EINVAL);
        CHECK_INT(push_url_plain_remote("not a url", &pr), -EINVAL);
}

static void test_unreachable(void)
{
        /* A port nobody listens on: every document stays, in order. */
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        socklen_t al = sizeof(a);
        bind(s, (struct sockaddr *)&a, sizeof(a));
        getsockname(s, (struct sockaddr *)&a, &al);
        close(s);
        char url[64];
        snprintf(url, sizeof(url), "http://127.0.0.1:%u/", ntohs(a.sin_port));

        const char *dir = fresh("unreach");
        CHECK_INT(spool_put(dir, "u1", "{}", 2, 0, NULL), 0);
        CHECK_INT(spool_put(dir, "u2", "{}", 2, 0, NULL), 0);
        struct push_opts o;
        push_opts_init(&o);
        o.spool_dir = dir;
        o.url = url;
        o.retry_initial_ms = 10;
        o.retry_max_ms = 20;
        o.retry_total_ms = 100;
        o.connect_timeout_ms = 200;
        struct push_result r;
        CHECK_INT(push_spool(&o, &r), 0);
        CHECK_INT(r.sent, 0);
        CHECK_INT(r.failed, 0);
        CHECK_INT(r.pending, 2);
        CHECK(r.attempts >= 2);
        CHECK(r.last_error[0] != '\0');
        struct spool_entry *v = NULL;
        CHECK_INT(spool_list(dir, &v), 2);
        free(v);
        /* Empty or missing spool: nothing to do. */
        o.spool_dir = fresh("empty");
        CHECK_INT(push_spool(&o, &r), 0);
        CHECK_INT(r.attempts, 0);
}

int main(void)
{
        const char *tmp = getenv("TMPDIR");
        snprintf(top, sizeof(top), "%s/netinv-test-spool-%ld", tmp ? tmp : "/tmp", (long)getpid());
        mkdir(top, 0700);
        test_put_list_order();
        test_bad_ids();
        test_stale_tmp();
        test_bound();
        test_fail();
        test_gzip();
        test_secret();
        test_url();
        test_unreachable();
        rm_rf(top);
        return t_done();
}
