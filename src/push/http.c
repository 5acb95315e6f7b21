/* http.c - sending the spool to the register over HTTP(S): libcurl (the
 * only includer of <curl/curl.h>), gzip, retries, the failed/ folder.
 *
 * One curl handle per run, so the connection is reused between documents.
 * Only http and https, no redirects (a redirect would carry the token
 * elsewhere), TLS verified unless o->insecure. What to retry:
 *   transport errors and timeouts, 5xx, 408, 429   retry (Retry-After honoured)
 *   2xx                                            delivered: removed
 *   other 4xx                                      refused: moved to failed/
 *   anything else (1xx, 3xx)                       kept: retried next run
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "netinv/limits.h"
#include "netinv/push.h"

void push_opts_init(struct push_opts *o)
{
        memset(o, 0, sizeof(*o));
        o->format = PUSH_FORMAT_JSON;
        o->auth = PUSH_AUTH_NONE;
        o->connect_timeout_ms = PUSH_CONNECT_TIMEOUT_MS;
        o->timeout_ms = PUSH_TIMEOUT_MS;
        o->retry_initial_ms = PUSH_RETRY_INITIAL_MS;
        o->retry_max_ms = PUSH_RETRY_MAX_MS;
        o->retry_total_ms = PUSH_RETRY_TOTAL_MS;
}

__attribute__((format(printf, 3, 4)))
static void note(const struct push_opts *o, int level, const char *fmt, ...)
{
        char buf[512];
        va_list ap;
        if (!o->note)
                return;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        o->note(o->note_ctx, level, buf);
}

static uint64_t mono_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sleep_ms(uint64_t ms)
{
        struct timespec ts = { .tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000L };
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

int push_gzip(const void *in, size_t len, void **ret, size_t *ret_len)
{
        z_stream z;
        memset(&z, 0, sizeof(z));
        /* 15 + 16: a gzip header and trailer (RFC 1952), not zlib's.
         * Level 3: JSON compresses ~10:1 already; the higher levels cost
         * several times the CPU for a few per cent. */
        if (deflateInit2(&z, 3, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
                return -ENOMEM;
        size_t cap = deflateBound(&z, (uLong)len);
        unsigned char *out = malloc(cap ? cap : 1);
        if (!out) {
                deflateEnd(&z);
                return -ENOMEM;
        }
        z.next_in = (Bytef *)(uintptr_t)in;
        z.next_out = out;
        /* Fed in pieces: avail_in is a 32-bit uInt. */
        size_t left = len;
        int zr;
        do {
                uInt chunk = left > (1u << 30) ? (1u << 30) : (uInt)left;
                z.avail_in = chunk;
                left -= chunk;
                size_t room = cap - (size_t)z.total_out;
                z.avail_out = room > (1u << 30) ? (1u << 30) : (uInt)room;
                zr = deflate(&z, left ? Z_NO_FLUSH : Z_FINISH);
        } while (zr == Z_OK || (zr == Z_BUF_ERROR && left));
        size_t n = (size_t)z.total_out;
        deflateEnd(&z);
        if (zr != Z_STREAM_END) {
                free(out);
                return -EIO;
        }
        *ret = out;
        *ret_len = n;
        return 0;
}

int push_read_secret(const char *path, char **ret)
{
        char buf[4096];
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        struct stat st;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
                close(fd);
                return -EINVAL;
        }
        if (st.st_mode & 007) {
                close(fd);
                return -EPERM;
        }
        size_t got = 0;
        while (got < sizeof(buf) - 1) {
                ssize_t r = read(fd, buf + got, sizeof(buf) - 1 - got);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r <= 0)
                        break;
                got += (size_t)r;
        }
        close(fd);
        buf[got] = '\0';
        size_t n = strcspn(buf, "\r\n");
        while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
                n--;
        int r = 0;
        if (n == 0) {
                r = -ENODATA;
        } else {
                char *s = malloc(n + 1);
                if (!s) {
                        r = -ENOMEM;
                } else {
                        memcpy(s, buf, n);
                        s[n] = '\0';
                        *ret = s;
                }
        }
        explicit_bzero(buf, sizeof(buf));
        return r;
}

int push_url_plain_remote(const char *url, bool *ret_plain_remote)
{
        CURLU *u = curl_url();
        char *scheme = NULL, *host = NULL;
        int r = 0;
        if (!u)
                return -ENOMEM;
        if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
            curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
            curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
                r = -EINVAL;
                goto out;
        }
        if (strcmp(scheme, "https") == 0) {
                *ret_plain_remote = false;
        } else if (strcmp(scheme, "http") == 0) {
                bool loop = strcmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0 ||
                            strncmp(host, "127.", 4) == 0;
                *ret_plain_remote = !loop;
        } else {
                r = -EINVAL;
        }
out:
        curl_free(scheme);
        curl_free(host);
        curl_url_cleanup(u);
        return r;
}

/* ---- one request ------------------------------------------------------- */

struct body {
        char buf[PUSH_RESPONSE_MAX];
        size_t len;
};

static size_t on_body(char *p, size_t sz, size_t nm, void *ud)
{
        struct body *b = ud;
        size_t n = sz * nm, room = sizeof(b->buf) - b->len;
        /* Keep the first PUSH_RESPONSE_MAX bytes, read and ignore the rest. */
        memcpy(b->buf + b->len, p, n < room ? n : room);
        b->len += n < room ? n : room;
        return n;
}

enum outcome { SENT, RETRY, REFUSED, NO_TOKEN };

struct request {
        const void *data;
        size_t len;
        const char *content_type;
        bool gzip_encoding;     /* Content-Encoding: gzip (JSON format only) */
        const char *idem_key;
};

static void slist_wipe_free(struct curl_slist *l)
{
        for (struct curl_slist *p = l; p; p = p->next)
                explicit_bzero(p->data, strlen(p->data));
        curl_slist_free_all(l);
}

static int add_header(struct curl_slist **l, const char *name, const char *value)
{
        char line[1024];
        if ((size_t)snprintf(line, sizeof(line), "%s: %s", name, value) >= sizeof(line))
                return -E2BIG;
        struct curl_slist *n = curl_slist_append(*l, line);
        explicit_bzero(line, sizeof(line));
        if (!n)
                return -ENOMEM;
        *l = n;
        return 0;
}

/* The secret goes into curl's list and nowhere else; the stack copy and
 * the list are wiped (slist_wipe_free). */
static int add_bearer(struct curl_slist **l, const char *secret)
{
        char line[4200];
        if ((size_t)snprintf(line, sizeof(line), "Authorization: Bearer %s", secret) >= sizeof(line)) {
                explicit_bzero(line, sizeof(line));
                return -E2BIG;
        }
        struct curl_slist *n = curl_slist_append(*l, line);
        explicit_bzero(line, sizeof(line));
        if (!n)
                return -ENOMEM;
        *l = n;
        return 0;
}

static enum outcome post_once(CURL *h, const struct push_opts *o, const struct request *rq,
                              const char *bearer, struct body *resp, long *ret_status,
                              long *ret_retry_after_s, char *err, size_t errcap)
{
        struct curl_slist *hdr = NULL;
        char curl_err[CURL_ERROR_SIZE] = "";
        enum outcome out = RETRY;
        *ret_status = 0;
        *ret_retry_after_s = 0;
        resp->len = 0;
        err[0] = '\0';

        if (add_header(&hdr, "Content-Type", rq->content_type) < 0 ||
            (rq->gzip_encoding && add_header(&hdr, "Content-Encoding", "gzip") < 0) ||
            (rq->idem_key && add_header(&hdr, "Idempotency-Key", rq->idem_key) < 0) ||
            (o->format == PUSH_FORMAT_GLPI && o->agent_id &&
             add_header(&hdr, "GLPI-Agent-ID", o->agent_id) < 0) ||
            (o->format == PUSH_FORMAT_GLPI && add_header(&hdr, "Pragma", "no-cache") < 0) ||
            /* No "Expect: 100-continue" for large bodies: one round trip
             * less, and registers behind simple proxies mishandle it. */
            !(hdr = curl_slist_append(hdr, "Expect:"))) {
                snprintf(err, errcap, "out of memory");
                goto out;
        }
        if (bearer && add_bearer(&hdr, bearer) < 0) {
                snprintf(err, errcap, "token too long");
                goto out;
        }
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, rq->data);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->len);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, resp);
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_err);

        CURLcode c = curl_easy_perform(h);
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
        if (c != CURLE_OK) {
                snprintf(err, errcap, "%s", curl_err[0] ? curl_err : curl_easy_strerror(c));
                goto out;
        }
        long status = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        *ret_status = status;
        curl_off_t ra = 0;
        /* Both forms of Retry-After (seconds, HTTP-date), parsed by curl. */
        if (curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
                *ret_retry_after_s = ra > 86400 ? 86400 : (long)ra;
        if (status >= 200 && status < 300)
                out = SENT;
        else if (status == 408 || status == 429 || status >= 500)
                out = RETRY;
        else if (status >= 400 && status < 500)
                out = REFUSED;
        else
                snprintf(err, errcap, "unexpected HTTP status %ld (redirects are not followed: check the URL)", status);
out:
        slist_wipe_free(hdr);
        return out;
}

static uint64_t jitter(uint64_t base)
{
        /* "Equal jitter": half the backoff fixed, half random, so agents
         * restarted together spread out but never retry at once. */
        uint32_t r = 0;
        if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
                r = (uint32_t)mono_ms() * 2654435761u;
        return base / 2 + (base / 2 + 1 > 0 ? r % (base / 2 + 1) : 0);
}

struct run {
        const struct push_opts *o;
        CURL *h;
        char *bearer;           /* OAuth: the token fetched this run */
        uint64_t deadline;      /* monotonic ms after which no retry starts */
        struct push_result *res;
        struct body resp;
};

static int setup_handle(CURL *h, const struct push_opts *o);

static void drop_bearer(struct run *run)
{
        if (run->bearer) {
                explicit_bzero(run->bearer, strlen(run->bearer));
                free(run->bearer);
                run->bearer = NULL;
        }
}

/* OAuth client credentials: 0 with run->bearer set; -EAGAIN to retry
 * later (network, 5xx, 408, 429); -EACCES when the token endpoint refuses
 * the credentials or answers something that is not a token. */
static int fetch_token(struct run *run, char *err, size_t errcap)
{
        const struct push_opts *o = run->o;
        char *req = NULL;
        long status = 0, ra = 0;
        int r = oauth_request_body(o->secret, &req);
        if (r < 0) {
                snprintf(err, errcap, "the OAuth secret must be client_id:client_secret");
                return -EACCES;
        }
        CURL *h = curl_easy_init();
        if (!h) {
                r = -ENOMEM;
                goto out;
        }
        struct push_opts to = *o;
        to.url = o->token_url;
        to.format = PUSH_FORMAT_JSON;
        if (setup_handle(h, &to) < 0) {
                snprintf(err, errcap, "bad token URL");
                r = -EACCES;
                goto out;
        }
        struct request rq = { .data = req, .len = strlen(req), .content_type = "application/json" };
        enum outcome oc = post_once(h, &to, &rq, NULL, &run->resp, &status, &ra, err, errcap);
        if (oc == RETRY) {
                r = -EAGAIN;
        } else if (oc == REFUSED || status < 200 || status >= 300) {
                snprintf(err, errcap, "the token endpoint refused the client credentials (HTTP %ld)", status);
                r = -EACCES;
        } else {
                r = oauth_parse_token(run->resp.buf, run->resp.len, &run->bearer);
                if (r < 0) {
                        snprintf(err, errcap, "the token endpoint's answer holds no Bearer token");
                        r = -EACCES;
                }
        }
        explicit_bzero(run->resp.buf, run->resp.len);
        run->resp.len = 0;
out:
        if (h)
                curl_easy_cleanup(h);
        explicit_bzero(req, strlen(req));
        free(req);
        return r;
}

/* Send one request, retrying within the run's budget. */
static enum outcome post_retry(struct run *run, const struct request *rq, const char *what, long *ret_status)
{
        const struct push_opts *o = run->o;
        uint64_t backoff = o->retry_initial_ms ? o->retry_initial_ms : 1;
        char err[CURL_ERROR_SIZE + 64];
        bool refreshed = false;
        for (;;) {
                long status = 0, ra = 0;
                enum outcome oc;
                err[0] = '\0';
                int tr = 0;
                if (o->auth == PUSH_AUTH_OAUTH && !run->bearer)
                        tr = fetch_token(run, err, sizeof(err));
                if (tr == -EACCES || tr == -ENOMEM) {
                        snprintf(run->res->last_error, sizeof(run->res->last_error), "%s", err);
                        return NO_TOKEN;
                }
                if (tr == -EAGAIN) {
                        oc = RETRY;
                } else {
                        const char *bearer = o->auth == PUSH_AUTH_BEARER ? o->secret :
                                             o->auth == PUSH_AUTH_OAUTH ? run->bearer : NULL;
                        run->res->attempts++;
                        oc = post_once(run->h, o, rq, bearer, &run->resp, &status, &ra, err, sizeof(err));
                }
                *ret_status = status;
                if (status)
                        run->res->last_status = status;
                if (err[0])
                        snprintf(run->res->last_error, sizeof(run->res->last_error), "%s", err);
                /* An OAuth token may expire mid-run: one fresh token, at once. */
                if (oc == REFUSED && status == 401 && o->auth == PUSH_AUTH_OAUTH && !refreshed) {
                        drop_bearer(run);
                        refreshed = true;
                        continue;
                }
                if (oc != RETRY)
                        return oc;
                uint64_t delay = jitter(backoff);
                if ((uint64_t)ra * 1000u > delay)
                        delay = (uint64_t)ra * 1000u;
                uint64_t now = mono_ms();
                if (now + delay > run->deadline) {
                        if (status)
                                note(o, 1, "%s: register answered HTTP %ld; retry time spent, left in the spool",
                                     what, status);
                        else
                                note(o, 1, "%s: %s; retry time spent, left in the spool", what, err);
                        return RETRY;
                }
                if (status)
                        note(o, 0, "%s: register answered HTTP %ld; retrying in %.1f s", what, status,
                             (double)delay / 1000.0);
                else
                        note(o, 0, "%s: %s; retrying in %.1f s", what, err, (double)delay / 1000.0);
                sleep_ms(delay);
                run->res->retries++;
                backoff = backoff * 2 > o->retry_max_ms ? o->retry_max_ms : backoff * 2;
                if (!backoff)
                        backoff = 1;
        }
}

static int setup_handle(CURL *h, const struct push_opts *o)
{
        char ua[64];
        snprintf(ua, sizeof(ua), "netinv/%s", NETINV_VERSION);
        if (curl_easy_setopt(h, CURLOPT_URL, o->url) != CURLE_OK ||
            curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK ||
            curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https") != CURLE_OK)
                return -EINVAL;
        curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_USERAGENT, ua);
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)o->connect_timeout_ms);
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)o->timeout_ms);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, o->insecure ? 0L : 1L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, o->insecure ? 0L : 2L);
        if (o->ca_file)
                curl_easy_setopt(h, CURLOPT_CAINFO, o->ca_file);
        if (o->client_cert)
                curl_easy_setopt(h, CURLOPT_SSLCERT, o->client_cert);
        if (o->client_key)
                curl_easy_setopt(h, CURLOPT_SSLKEY, o->client_key);
        if (o->auth == PUSH_AUTH_BASIC && o->secret) {
                curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
                curl_easy_setopt(h, CURLOPT_USERPWD, o->secret);
        }
        return 0;
}

/* One document: 0 sent, 1 refused (moved to failed/), 2 left spooled;
 * -errno for a local error. */
static int push_one(struct run *run, const struct spool_entry *e, uint64_t dropped)
{
        const struct push_opts *o = run->o;
        char *doc = NULL, *body = NULL;
        void *gz = NULL;
        size_t doc_len = 0, body_len = 0, gz_len = 0;
        struct glpi_msgs gm = {0};
        long status = 0;
        int r = spool_read(o->spool_dir, e, &doc, &doc_len);
        if (r < 0)
                return r;

        enum outcome oc = SENT;
        if (o->format == PUSH_FORMAT_GLPI) {
                struct glpi_ctx gc = { .agent_id = o->agent_id, .site = o->site, .version = NETINV_VERSION };
                r = glpi_document(doc, doc_len, &gc, &gm);
                if (r < 0) {
                        /* Not a document GLPI could take, now or later. */
                        static const char why[] = "not a netinv/1 document; nothing sent";
                        r = spool_fail(o->spool_dir, e, 0, why, sizeof(why) - 1);
                        r = r < 0 ? r : 1;
                        goto out;
                }
                for (size_t i = 0; i < gm.n && oc == SENT; i++) {
                        char key[96], what[160];
                        snprintf(key, sizeof(key), "%s-%zu", e->scan_id, i);
                        snprintf(what, sizeof(what), "%s (device %zu of %zu)", e->name, i + 1, gm.n);
                        const char *data = gm.msg[i];
                        size_t len = strlen(data);
                        free(gz);
                        gz = NULL;
                        if (!o->no_gzip) {
                                r = push_gzip(data, len, &gz, &gz_len);
                                if (r < 0)
                                        goto out;
                        }
                        struct request rq = {
                                .data = gz ? gz : data, .len = gz ? gz_len : len,
                                .content_type = gz ? "application/x-compress-gzip" : "application/json",
                                .idem_key = key,
                        };
                        oc = post_retry(run, &rq, what, &status);
                }
        } else {
                r = push_json_document(doc, doc_len, o->agent_id, o->site, dropped, &body, &body_len);
                if (r < 0)
                        goto out;
                if (!o->no_gzip) {
                        r = push_gzip(body, body_len, &gz, &gz_len);
                        if (r < 0)
                                goto out;
                }
                struct request rq = {
                        .data = gz ? gz : body, .len = gz ? gz_len : body_len,
                        .content_type = "application/json", .gzip_encoding = gz != NULL,
                        .idem_key = e->scan_id,
                };
                oc = post_retry(run, &rq, e->name, &status);
                if (oc == SENT && dropped) {
                        spool_dropped_reported(o->spool_dir, dropped);
                        run->res->dropped_reported += dropped;
                }
        }
        switch (oc) {
        case SENT:
                r = spool_done(o->spool_dir, e);
                break;
        case REFUSED:
                r = spool_fail(o->spool_dir, e, status, run->resp.buf, run->resp.len);
                if (r == 0) {
                        note(o, 2, "%s: register refused it with HTTP %ld; moved to failed/ with the response",
                             e->name, status);
                        r = 1;
                }
                break;
        case RETRY:
                r = 2;
                break;
        case NO_TOKEN:
                r = -EACCES;
                break;
        }
out:
        glpi_msgs_free(&gm);
        free(gz);
        free(body);
        free(doc);
        return r;
}

int push_spool(const struct push_opts *o, struct push_result *ret)
{
        struct push_result res = {0};
        struct spool_entry *v = NULL;
        struct run run = { .o = o, .res = &res };
        char lock_path[4096];
        int lock_fd = -1, r, n;

        if ((size_t)snprintf(lock_path, sizeof(lock_path), "%s/.lock", o->spool_dir) >= sizeof(lock_path))
                return -ENAMETOOLONG;
        n = spool_list(o->spool_dir, &v);
        if (n <= 0) {
                *ret = res;
                return n;
        }
        lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (lock_fd < 0) {
                r = -errno;
                goto out;
        }
        if (flock(lock_fd, LOCK_EX | LOCK_NB) < 0) {
                r = -errno;
                goto out;
        }
        /* Listed again under the lock: another run may just have sent some. */
        free(v);
        v = NULL;
        n = spool_list(o->spool_dir, &v);
        if (n < 0) {
                r = n;
                goto out;
        }
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
                r = -ENOMEM;
                goto out;
        }
        run.h = curl_easy_init();
        if (!run.h) {
                r = -ENOMEM;
                goto out_global;
        }
        r = setup_handle(run.h, o);
        if (r < 0)
                goto out_curl;
        run.deadline = mono_ms() + o->retry_total_ms;
        r = 0;
        int i;
        for (i = 0; i < n; i++) {
                /* The counter rides on the first document sent after a drop. */
                uint64_t dropped = spool_dropped(o->spool_dir);
                int one = push_one(&run, &v[i], dropped);
                if (one < 0) {
                        r = one;
                        break;
                }
                if (one == 0)
                        res.sent++;
                else if (one == 1)
                        res.failed++;
                else
                        break;  /* later documents wait: order is kept */
        }
        res.pending = (unsigned)(n - (int)res.sent - (int)res.failed);
out_curl:
        drop_bearer(&run);
        curl_easy_cleanup(run.h);
out_global:
        curl_global_cleanup();
out:
        if (lock_fd >= 0)
                close(lock_fd);
        free(v);
        if (r == 0 || r == -EACCES)
                *ret = res;
        return r;
}
