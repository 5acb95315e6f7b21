/* update.c - `netinv eol update`: download endoflife.date API v1 product
 * documents over verified HTTPS and replace the tables in the state
 * directory one product at a time, atomically (temporary file in the same
 * directory, fsync, rename, fsync of the directory). A product whose
 * download, check or write fails keeps its old table. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "netinv/eol.h"

struct body {
        char *buf;
        size_t len, cap;
        bool too_big;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
        struct body *b = ud;
        const size_t n = size * nmemb;
        if (n > EOL_DOC_MAX - b->len) {
                b->too_big = true;
                return 0;       /* curl aborts the transfer */
        }
        if (b->len + n > b->cap) {
                size_t nc = b->cap ? b->cap : 64 * 1024;
                while (nc < b->len + n)
                        nc *= 2;
                if (nc > EOL_DOC_MAX)
                        nc = EOL_DOC_MAX;
                char *nb = realloc(b->buf, nc);
                if (!nb)
                        return 0;
                b->buf = nb;
                b->cap = nc;
        }
        memcpy(b->buf + b->len, ptr, n);
        b->len += n;
        return n;
}

static void say(const struct eol_update_opts *o, const char *product, const char *why)
{
        if (o->err_cb)
                o->err_cb(o->ctx, product, why);
}

static int fetch(const struct eol_update_opts *o, const char *url, struct body *b,
                 char *why, size_t why_len)
{
        CURL *c = curl_easy_init();
        if (!c) {
                snprintf(why, why_len, "cannot start libcurl");
                return -ENOMEM;
        }
        char errbuf[CURL_ERROR_SIZE] = "";
        curl_easy_setopt(c, CURLOPT_URL, url);
        /* TLS only, verified; redirects only to HTTPS, and few. */
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
        curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
        if (o->ca_file)
                curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, o->timeout_s > 0 ? o->timeout_s : 60L);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
        curl_easy_setopt(c, CURLOPT_USERAGENT, "netinv/" NETINV_VERSION);
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, b);

        int r = 0;
        CURLcode rc = curl_easy_perform(c);
        long status = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        if (b->too_big) {
                snprintf(why, why_len, "document larger than %u bytes", EOL_DOC_MAX);
                r = -E2BIG;
        } else if (rc != CURLE_OK) {
                snprintf(why, why_len, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
                r = -EIO;
        } else if (status != 200) {
                snprintf(why, why_len, "HTTP status %ld", status);
                r = -EIO;
        }
        curl_easy_cleanup(c);
        return r;
}

static int write_all(int fd, const char *buf, size_t len)
{
        while (len > 0) {
                ssize_t k = write(fd, buf, len);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -errno;
                buf += k;
                len -= (size_t)k;
        }
        return 0;
}

/* dir/<product>.json replaced by buf, or left as it was. */
static int replace(const struct eol_update_opts *o, int dirfd, const char *product,
                   const char *buf, size_t len, char *why, size_t why_len)
{
        char tmp[4096], final[256];
        snprintf(final, sizeof(final), "%s.json", product);
        if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.json.XXXXXX", o->dir, product) >= sizeof(tmp)) {
                snprintf(why, why_len, "state directory path too long");
                return -ENAMETOOLONG;
        }
        int fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0) {
                int e = errno;
                snprintf(why, why_len, "cannot create a temporary file in %s: %s", o->dir, strerror(e));
                return -e;
        }
        int r = write_all(fd, buf, len);
        if (r == 0 && fchmod(fd, 0644) < 0)
                r = -errno;
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        if (close(fd) < 0 && r == 0)
                r = -errno;
        const char *base = strrchr(tmp, '/') + 1;
        if (r == 0 && renameat(dirfd, base, dirfd, final) < 0)
                r = -errno;
        if (r < 0) {
                snprintf(why, why_len, "cannot write %s/%s: %s", o->dir, final, strerror(-r));
                unlinkat(dirfd, base, 0);
                return r;
        }
        fsync(dirfd);   /* the rename itself survives a crash */
        return 0;
}

static bool valid_product(const char *s)
{
        size_t n = strlen(s);
        if (n == 0 || n >= EOL_NAME_MAX || s[0] == '.')
                return false;
        return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

int eol_update(const struct eol_update_opts *o, const char *const products[], size_t n)
{
        if (!o || !o->base_url || !o->dir)
                return -EINVAL;
        if (mkdir(o->dir, 0755) < 0 && errno != EEXIST)
                return -errno;
        int dirfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0)
                return -errno;
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
                close(dirfd);
                return -ENOMEM;
        }
        const size_t blen = strlen(o->base_url);
        const char *slash = blen && o->base_url[blen - 1] == '/' ? "" : "/";
        int failed = 0;
        for (size_t i = 0; i < n; i++) {
                char why[CURL_ERROR_SIZE + 128], url[2048], name[EOL_NAME_MAX];
                struct body b = {0};
                if (!valid_product(products[i])) {
                        say(o, products[i], "not a product id ([a-z0-9._-])");
                        failed++;
                        continue;
                }
                snprintf(url, sizeof(url), "%s%s%s/", o->base_url, slash, products[i]);
                int r = fetch(o, url, &b, why, sizeof(why));
                if (r == 0) {
                        r = eol_doc_check(b.buf ? b.buf : "", b.len, name);
                        if (r < 0)
                                snprintf(why, sizeof(why), "not a valid API v1 product document (%s)",
                                         strerror(-r));
                        else if (strcmp(name, products[i]) != 0) {
                                snprintf(why, sizeof(why), "document names product '%s'", name);
                                r = -EINVAL;
                        }
                }
                if (r == 0)
                        r = replace(o, dirfd, products[i], b.buf, b.len, why, sizeof(why));
                if (r < 0) {
                        say(o, products[i], why);
                        failed++;
                } else if (o->ok_cb) {
                        o->ok_cb(o->ctx, products[i], b.len);
                }
                free(b.buf);
        }
        curl_global_cleanup();
        close(dirfd);
        return failed;
}
