/* spool.c - the push spool: documents on disk until the register has them.
 *
 * A document is written to DIR/.tmp-<pid>-<n>, fsync()ed, hard-linked to
 * its final name (link() never replaces an existing file, so two writers
 * in the same microsecond cannot clobber each other), the temporary name
 * removed and the directory fsync()ed. Names sort oldest first: 20 digits
 * of microseconds since the epoch, then the scan id. Layout in push.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "netinv/limits.h"
#include "netinv/push.h"
#include "netinv/util.h"

#define SPOOL_DIGITS 20         /* strlen("18446744073709551615") */
#define SPOOL_SUFFIX ".json"
/* A temporary file this old was left by a writer that died. */
#define SPOOL_TMP_STALE_SEC 3600

static unsigned tmp_seq;        /* .tmp-<pid>-<n>: unique within the process */

bool spool_scan_id_ok(const char *scan_id)
{
        size_t n = 0;
        if (!scan_id)
                return false;
        for (const char *p = scan_id; *p; p++, n++) {
                char c = *p;
                bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '-';
                if (!ok || n >= 64)
                        return false;
        }
        return n > 0;
}

static int fsync_dir(const char *dir)
{
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        int r = fsync(fd) < 0 ? -errno : 0;
        close(fd);
        return r;
}

static int write_all(int fd, const void *buf, size_t len)
{
        const char *p = buf;
        while (len > 0) {
                ssize_t w = write(fd, p, len);
                if (w < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += w;
                len -= (size_t)w;
        }
        return 0;
}

/* Write a whole file atomically under dir/name (replacing it). */
static int write_file_atomic(const char *dir, const char *name, const void *buf, size_t len)
{
        char tmp[4096], dst[4096];
        if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.tmp-%ld-%u", dir, (long)getpid(), tmp_seq++) >= sizeof(tmp) ||
            (size_t)snprintf(dst, sizeof(dst), "%s/%s", dir, name) >= sizeof(dst))
                return -ENAMETOOLONG;
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return -errno;
        int r = write_all(fd, buf, len);
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        if (close(fd) < 0 && r == 0)
                r = -errno;
        if (r == 0 && rename(tmp, dst) < 0)
                r = -errno;
        if (r < 0)
                unlink(tmp);
        return r;
}

static int ensure_dir(const char *dir)
{
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
                return -errno;
        struct stat st;
        if (stat(dir, &st) < 0)
                return -errno;
        return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

/* "<20 digits>-<scan id>.json" → scan id; false for anything else. */
static bool parse_name(const char *name, char *ret_id, size_t cap)
{
        size_t n = strlen(name), sl = strlen(SPOOL_SUFFIX);
        if (n <= SPOOL_DIGITS + 1 + sl || n >= sizeof(((struct spool_entry *)0)->name))
                return false;
        for (size_t i = 0; i < SPOOL_DIGITS; i++)
                if (name[i] < '0' || name[i] > '9')
                        return false;
        if (name[SPOOL_DIGITS] != '-' || strcmp(name + n - sl, SPOOL_SUFFIX) != 0)
                return false;
        size_t idl = n - sl - SPOOL_DIGITS - 1;
        if (idl >= cap)
                return false;
        memcpy(ret_id, name + SPOOL_DIGITS + 1, idl);
        ret_id[idl] = '\0';
        return spool_scan_id_ok(ret_id);
}

static int cmp_entry(const void *a, const void *b)
{
        return strcmp(((const struct spool_entry *)a)->name, ((const struct spool_entry *)b)->name);
}

int spool_list(const char *dir, struct spool_entry **ret)
{
        DIR *d = opendir(dir);
        if (!d)
                return errno == ENOENT ? (*ret = NULL, 0) : -errno;
        struct spool_entry *v = NULL;
        size_t n = 0, cap = 0;
        int r = 0;
        struct dirent *de;
        bool sorted = false;
        while ((de = readdir(d))) {
                struct spool_entry e;
                memset(&e, 0, sizeof(e));
                if (!parse_name(de->d_name, e.scan_id, sizeof(e.scan_id)))
                        continue;
                struct stat st;
                if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
                        continue;
                snprintf(e.name, sizeof(e.name), "%s", de->d_name);
                e.size = (uint64_t)st.st_size;
                if (n == SPOOL_MAX_DOCS) {
                        /* Full: keep the oldest, so that the order holds
                         * (readdir's order is not the queue's). */
                        if (!sorted) {
                                qsort(v, n, sizeof(*v), cmp_entry);
                                sorted = true;
                        }
                        if (strcmp(e.name, v[n - 1].name) >= 0)
                                continue;
                        size_t lo = 0, hi = n - 1;
                        while (lo < hi) {
                                size_t mid = (lo + hi) / 2;
                                if (strcmp(v[mid].name, e.name) < 0)
                                        lo = mid + 1;
                                else
                                        hi = mid;
                        }
                        memmove(&v[lo + 1], &v[lo], (n - 1 - lo) * sizeof(*v));
                        v[lo] = e;
                        continue;
                }
                if (n == cap) {
                        size_t nc = cap ? cap * 2 : 64;
                        struct spool_entry *nv = realloc(v, nc * sizeof(*v));
                        if (!nv) {
                                r = -ENOMEM;
                                break;
                        }
                        v = nv;
                        cap = nc;
                }
                v[n++] = e;
        }
        closedir(d);
        if (r < 0) {
                free(v);
                return r;
        }
        if (n > 1)
                qsort(v, n, sizeof(*v), cmp_entry);
        *ret = v;
        return (int)n;
}

uint64_t spool_dropped(const char *dir)
{
        char path[4096], buf[32];
        if ((size_t)snprintf(path, sizeof(path), "%s/dropped", dir) >= sizeof(path))
                return 0;
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return 0;
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        if (n <= 0)
                return 0;
        buf[n] = '\0';
        return strtoull(buf, NULL, 10);
}

static int set_dropped(const char *dir, uint64_t v)
{
        char buf[32];
        int n = snprintf(buf, sizeof(buf), "%" PRIu64 "\n", v);
        return write_file_atomic(dir, "dropped", buf, (size_t)n);
}

int spool_dropped_reported(const char *dir, uint64_t n)
{
        uint64_t v = spool_dropped(dir);
        return set_dropped(dir, v > n ? v - n : 0);
}

static int unlink_entry(const char *dir, const char *name)
{
        char path[4096];
        if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
                return -ENAMETOOLONG;
        if (unlink(path) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

/* Remove temporary files that writers which died left behind. */
static void clean_stale_tmp(const char *dir)
{
        DIR *d = opendir(dir);
        struct dirent *de;
        time_t now = time(NULL);
        if (!d)
                return;
        while ((de = readdir(d))) {
                struct stat st;
                if (strncmp(de->d_name, ".tmp-", 5) != 0 ||
                    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
                        continue;
                if (now - st.st_mtime > SPOOL_TMP_STALE_SEC)
                        unlinkat(dirfd(d), de->d_name, 0);
        }
        closedir(d);
}

int spool_put(const char *dir, const char *scan_id, const char *doc, size_t len,
              uint64_t max_bytes, struct spool_stats *ret_stats)
{
        struct spool_entry *v = NULL;
        struct spool_stats st = {0};
        char tmp[4096], dst[4096];
        int r, fd = -1;
        bool tmp_made = false;

        if (!spool_scan_id_ok(scan_id))
                return -EINVAL;
        if (max_bytes && len > max_bytes)
                return -EFBIG;
        r = ensure_dir(dir);
        if (r < 0)
                return r;
        clean_stale_tmp(dir);

        /* Make room first, oldest first: the newest scan is worth most. */
        int n = spool_list(dir, &v);
        if (n < 0)
                return n;
        uint64_t total = 0;
        for (int i = 0; i < n; i++)
                total += v[i].size;
        int first = 0;
        while (max_bytes && first < n && total + len > max_bytes) {
                r = unlink_entry(dir, v[first].name);
                if (r < 0)
                        goto out;
                total -= v[first].size;
                first++;
                st.dropped++;
        }
        if (st.dropped) {
                r = set_dropped(dir, spool_dropped(dir) + st.dropped);
                if (r < 0)
                        goto out;
        }

        if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.tmp-%ld-%u", dir, (long)getpid(), tmp_seq++) >= sizeof(tmp)) {
                r = -ENAMETOOLONG;
                goto out;
        }
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0) {
                r = -errno;
                goto out;
        }
        tmp_made = true;
        r = write_all(fd, doc, len);
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        if (close(fd) < 0 && r == 0)
                r = -errno;
        fd = -1;
        if (r < 0)
                goto out;

        /* A name not taken yet, never earlier than the newest pending one,
         * so the order survives a clock stepped back. */
        uint64_t t = now_usec();
        if (n > first) {
                uint64_t newest = strtoull(v[n - 1].name, NULL, 10);
                if (t <= newest)
                        t = newest + 1;
        }
        for (int tries = 0;; tries++, t++) {
                if ((size_t)snprintf(dst, sizeof(dst), "%s/%020" PRIu64 "-%s" SPOOL_SUFFIX, dir, t, scan_id) >= sizeof(dst)) {
                        r = -ENAMETOOLONG;
                        goto out;
                }
                if (link(tmp, dst) == 0)
                        break;
                if (errno != EEXIST || tries > 1000) {
                        r = -errno;
                        goto out;
                }
        }
        r = fsync_dir(dir);
        st.docs = (size_t)(n - first) + 1;
        st.bytes = total + len;
out:
        if (fd >= 0)
                close(fd);
        if (tmp_made)
                unlink(tmp);
        free(v);
        if (r == 0) {
                st.dropped_unreported = spool_dropped(dir);
                if (ret_stats)
                        *ret_stats = st;
        }
        return r;
}

int spool_read(const char *dir, const struct spool_entry *e, char **ret_buf, size_t *ret_len)
{
        char path[4096];
        if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->name) >= sizeof(path))
                return -ENAMETOOLONG;
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return -errno;
        struct stat st;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
                close(fd);
                return -EINVAL;
        }
        size_t size = (size_t)st.st_size, got = 0;
        char *buf = malloc(size + 1);
        if (!buf) {
                close(fd);
                return -ENOMEM;
        }
        while (got < size) {
                ssize_t r = read(fd, buf + got, size - got);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r <= 0)
                        break;
                got += (size_t)r;
        }
        close(fd);
        buf[got] = '\0';
        *ret_buf = buf;
        *ret_len = got;
        return 0;
}

int spool_done(const char *dir, const struct spool_entry *e)
{
        int r = unlink_entry(dir, e->name);
        if (r < 0)
                return r;
        return fsync_dir(dir);
}

/* Keep the SPOOL_FAILED_MAX newest documents in failed/ (with their
 * responses): a register that refuses every night must not fill the disk. */
static int prune_failed(const char *fdir)
{
        struct spool_entry *v = NULL;
        int n = spool_list(fdir, &v);
        if (n < 0)
                return n;
        for (int i = 0; i + (int)SPOOL_FAILED_MAX < n; i++) {
                char rname[128];
                snprintf(rname, sizeof(rname), "%.*s.response",
                         (int)(strlen(v[i].name) - strlen(SPOOL_SUFFIX)), v[i].name);
                unlink_entry(fdir, rname);
                unlink_entry(fdir, v[i].name);
        }
        free(v);
        return n > (int)SPOOL_FAILED_MAX ? fsync_dir(fdir) : 0;
}

int spool_fail(const char *dir, const struct spool_entry *e, long status,
               const char *body, size_t body_len)
{
        char fdir[4096], src[4096], dst[4096], rname[128];
        if ((size_t)snprintf(fdir, sizeof(fdir), "%s/failed", dir) >= sizeof(fdir) ||
            (size_t)snprintf(src, sizeof(src), "%s/%s", dir, e->name) >= sizeof(src) ||
            (size_t)snprintf(dst, sizeof(dst), "%s/%s", fdir, e->name) >= sizeof(dst))
                return -ENAMETOOLONG;
        int r = ensure_dir(fdir);
        if (r < 0)
                return r;

        /* The response first: a document in failed/ always has its reason. */
        if (body_len > PUSH_RESPONSE_MAX)
                body_len = PUSH_RESPONSE_MAX;
        size_t cap = body_len + 64;
        char *txt = malloc(cap);
        if (!txt)
                return -ENOMEM;
        int h = snprintf(txt, cap, "HTTP status %ld\n\n", status);
        if (body_len)
                memcpy(txt + h, body, body_len);
        snprintf(rname, sizeof(rname), "%.*s.response",
                 (int)(strlen(e->name) - strlen(SPOOL_SUFFIX)), e->name);
        r = write_file_atomic(fdir, rname, txt, (size_t)h + body_len);
        free(txt);
        if (r < 0)
                return r;
        if (rename(src, dst) < 0)
                return -errno;
        r = fsync_dir(fdir);
        if (r == 0)
                r = fsync_dir(dir);
        if (r == 0)
                r = prune_failed(fdir);
        return r;
}

int spool_failed_count(const char *dir)
{
        char fdir[4096];
        if ((size_t)snprintf(fdir, sizeof(fdir), "%s/failed", dir) >= sizeof(fdir))
                return -ENAMETOOLONG;
        DIR *d = opendir(fdir);
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        int n = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
                size_t l = strlen(de->d_name);
                if (l > 5 && strcmp(de->d_name + l - 5, SPOOL_SUFFIX) == 0 && de->d_name[0] != '.')
                        n++;
        }
        closedir(d);
        return n;
}
