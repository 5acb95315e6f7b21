/* store.c - the state file: load with full validation, atomic save, the
 * agent id. See state.h; the format is described in netinv(8), STATE.
 *
 * The file may have been edited by hand or damaged by a full disk before
 * this version wrote it atomically, so every field is checked on the way
 * in: types, MACs, times, string lengths, list sizes. Unknown members are
 * ignored (later versions add fields; they do not change old ones).
 */
#include "netinv/state.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "netinv/util.h"

size_t state_file_limit = STATE_FILE_MAX;

static const char *const hist_names[SH_MAX] = {
        [SH_IPV4] = "ipv4", [SH_IPV6] = "ipv6", [SH_HOSTNAME] = "hostnames", [SH_OS] = "os",
        [SH_EOL] = "eol", [SH_CLIENT_ID] = "client_ids", [SH_DUID] = "duids",
        [SH_FINGERPRINT] = "fingerprints",
};

struct state *state_new(size_t max_devices)
{
        struct state *st = calloc(1, sizeof(*st));
        if (st)
                st->max_devices = max_devices ? max_devices : INV_MAX_DEVICES_DEFAULT;
        return st;
}

static void device_free(struct state_device *d)
{
        if (!d)
                return;
        for (unsigned k = 0; k < SH_MAX; k++)
                for (unsigned i = 0; i < d->h[k].n; i++)
                        free(d->h[k].e[i].v);
        free(d->vendor);
        free(d);
}

void state_free(struct state *st)
{
        if (!st)
                return;
        for (size_t i = 0; i < st->n; i++)
                device_free(st->dev[i]);
        free(st->dev);
        free(st);
}

void state_set_ident(struct state *st,
                     void (*fn)(const struct device *, void *, const char **, const char **),
                     void *user)
{
        st->ident = fn;
        st->ident_user = user;
}

/* ---- loading ---------------------------------------------------------- */

struct perr {
        char *buf;
        size_t len;
};

__attribute__((format(printf, 2, 3)))
static int bad(struct perr *e, const char *fmt, ...)
{
        va_list ap;
        if (e->len) {
                va_start(ap, fmt);
                vsnprintf(e->buf, e->len, fmt, ap);
                va_end(ap);
        }
        return -EBADMSG;
}

/* "2026-11-23T14:02:58Z" → µs. Strict: this program wrote it. */
static int parse_time(const char *s, uint64_t *ret)
{
        int y, mo, d, h, mi, se, n = 0;
        if (strlen(s) != 20 ||
            sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &se, &n) != 6 ||
            n != 20)
                return -1;
        for (int i = 0; i < 19; i++) {
                bool sep = i == 4 || i == 7 || i == 10 || i == 13 || i == 16;
                if (!sep && (s[i] < '0' || s[i] > '9'))
                        return -1;
        }
        if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
                return -1;
        struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
                         .tm_min = mi, .tm_sec = se };
        time_t t = timegm(&tm);
        if (t < 0 || tm.tm_mday != d)
                return -1;
        *ret = (uint64_t)t * 1000000u;
        return 0;
}

/* A time member: required, or (nullable) null/absent meaning 0. */
static int get_time(const cJSON *o, const char *name, bool nullable, uint64_t *ret)
{
        const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, name);
        if (nullable && (!j || cJSON_IsNull(j))) {
                *ret = 0;
                return 0;
        }
        if (!cJSON_IsString(j) || parse_time(j->valuestring, ret) < 0)
                return -1;
        return 0;
}

static int load_hist(const cJSON *arr, struct state_hist *h, struct perr *e, size_t di,
                     const char *what)
{
        const cJSON *it;
        if (!arr)
                return 0;
        if (!cJSON_IsArray(arr))
                return bad(e, "device %zu: %s: not a list", di, what);
        if (cJSON_GetArraySize(arr) > (int)STATE_HIST_MAX)
                return bad(e, "device %zu: %s: more than %u entries", di, what, STATE_HIST_MAX);
        cJSON_ArrayForEach(it, arr) {
                const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, "value");
                struct state_value sv = { 0 };
                if (!cJSON_IsObject(it) || !cJSON_IsString(v) ||
                    strlen(v->valuestring) > STATE_VALUE_MAX || !v->valuestring[0])
                        return bad(e, "device %zu: %s: entry without a valid value", di, what);
                if (get_time(it, "first_seen", false, &sv.first_seen) < 0 ||
                    get_time(it, "last_seen", false, &sv.last_seen) < 0 ||
                    get_time(it, "last_scan", true, &sv.last_scan) < 0 ||
                    sv.first_seen > sv.last_seen)
                        return bad(e, "device %zu: %s: bad or missing time", di, what);
                sv.v = strdup(v->valuestring);
                if (!sv.v)
                        return -ENOMEM;
                h->e[h->n++] = sv;
        }
        return 0;
}

static int load_device(const cJSON *o, size_t di, struct state_device **ret, struct perr *e)
{
        struct state_device *d = calloc(1, sizeof(*d));
        const cJSON *j, *it;
        int r;

        if (!d)
                return -ENOMEM;
        if (!cJSON_IsObject(o)) {
                r = bad(e, "device %zu: not an object", di);
                goto fail;
        }
        j = cJSON_GetObjectItemCaseSensitive(o, "mac");
        if (!cJSON_IsString(j) || strlen(j->valuestring) != 17 ||
            !parse_mac(j->valuestring, d->mac) || !mac_is_unicast(d->mac)) {
                r = bad(e, "device %zu: mac: not a unicast MAC aa:bb:cc:dd:ee:ff", di);
                goto fail;
        }
        d->mac_random = mac_is_random(d->mac);
        if (get_time(o, "first_seen", false, &d->first_seen) < 0 ||
            get_time(o, "last_seen", false, &d->last_seen) < 0 ||
            get_time(o, "last_scan", true, &d->last_scan) < 0 ||
            get_time(o, "identified", true, &d->identified) < 0 ||
            d->first_seen > d->last_seen) {
                r = bad(e, "device %zu: bad or missing first_seen/last_seen/last_scan/identified",
                        di);
                goto fail;
        }
        j = cJSON_GetObjectItemCaseSensitive(o, "vendor");
        if (j && !cJSON_IsNull(j)) {
                if (!cJSON_IsString(j) || strlen(j->valuestring) > STATE_VALUE_MAX) {
                        r = bad(e, "device %zu: vendor: not a string", di);
                        goto fail;
                }
                if (!(d->vendor = strdup(j->valuestring))) {
                        r = -ENOMEM;
                        goto fail;
                }
        }
        j = cJSON_GetObjectItemCaseSensitive(o, "macs");
        if (j && (!cJSON_IsArray(j) || cJSON_GetArraySize(j) > (int)STATE_MACS_MAX)) {
                r = bad(e, "device %zu: macs: not a list of at most %u", di, STATE_MACS_MAX);
                goto fail;
        }
        bool has_own = false;
        cJSON_ArrayForEach(it, j) {
                struct state_mac *m = &d->macs[d->n_macs];
                const cJSON *mj = cJSON_GetObjectItemCaseSensitive(it, "mac");
                if (!cJSON_IsString(mj) || strlen(mj->valuestring) != 17 ||
                    !parse_mac(mj->valuestring, m->mac) || !mac_is_unicast(m->mac) ||
                    get_time(it, "first_seen", false, &m->first_seen) < 0 ||
                    get_time(it, "last_seen", false, &m->last_seen) < 0) {
                        r = bad(e, "device %zu: macs: bad entry", di);
                        goto fail;
                }
                for (unsigned k = 0; k < d->n_macs; k++)
                        if (memcmp(d->macs[k].mac, m->mac, 6) == 0) {
                                r = bad(e, "device %zu: macs: a MAC twice", di);
                                goto fail;
                        }
                has_own |= memcmp(m->mac, d->mac, 6) == 0;
                d->n_macs++;
        }
        if (!has_own) {
                if (d->n_macs == STATE_MACS_MAX) {
                        r = bad(e, "device %zu: macs: does not list mac", di);
                        goto fail;
                }
                d->macs[d->n_macs++] = (struct state_mac){ .first_seen = d->first_seen,
                                                           .last_seen = d->last_seen };
                memcpy(d->macs[d->n_macs - 1].mac, d->mac, 6);
        }
        for (unsigned k = 0; k < SH_MAX; k++) {
                r = load_hist(cJSON_GetObjectItemCaseSensitive(o, hist_names[k]), &d->h[k], e,
                              di, hist_names[k]);
                if (r < 0)
                        goto fail;
        }
        *ret = d;
        return 0;
fail:
        device_free(d);
        return r;
}

static int cmp_last_seen_desc(const void *a, const void *b)
{
        const struct state_device *x = *(struct state_device *const *)a;
        const struct state_device *y = *(struct state_device *const *)b;
        return x->last_seen < y->last_seen ? 1 : x->last_seen > y->last_seen ? -1 : 0;
}

int state_parse(const char *buf, size_t len, size_t max_devices, struct state **ret,
                char *err, size_t errlen)
{
        struct perr e = { err, errlen };
        struct state *st = state_new(max_devices);
        cJSON *root = NULL;
        const cJSON *j, *it;
        int r = 0;

        if (!st)
                return -ENOMEM;
        root = cJSON_ParseWithLength(buf, len);
        if (!root) {
                r = bad(&e, "not JSON");
                goto out;
        }
        j = cJSON_GetObjectItemCaseSensitive(root, "schema");
        if (!cJSON_IsObject(root) || !cJSON_IsString(j) || strcmp(j->valuestring, STATE_SCHEMA)) {
                r = bad(&e, "not a netinv state file (schema is not \"%s\")", STATE_SCHEMA);
                goto out;
        }
        j = cJSON_GetObjectItemCaseSensitive(root, "version");
        if (!cJSON_IsNumber(j) || j->valuedouble != STATE_VERSION) {
                r = bad(&e, "version is not %d", STATE_VERSION);
                goto out;
        }
        if (get_time(root, "created", false, &st->created) < 0 ||
            get_time(root, "updated", false, &st->updated) < 0 ||
            get_time(root, "last_merge", true, &st->last_merge) < 0) {
                r = bad(&e, "bad or missing created/updated/last_merge");
                goto out;
        }
        j = cJSON_GetObjectItemCaseSensitive(root, "devices");
        if (!cJSON_IsArray(j)) {
                r = bad(&e, "devices: not a list");
                goto out;
        }
        size_t n = (size_t)cJSON_GetArraySize(j);
        st->dev = calloc(n ? n : 1, sizeof(*st->dev));
        if (!st->dev) {
                r = -ENOMEM;
                goto out;
        }
        st->cap = n ? n : 1;
        size_t di = 0;
        cJSON_ArrayForEach(it, j) {
                r = load_device(it, di++, &st->dev[st->n], &e);
                if (r < 0)
                        goto out;
                st->n++;
        }
        /* Two devices may not claim one MAC: merging would be ambiguous. */
        struct idx x = { 0 };
        if (idx_macs(st, &x) < 0) {
                r = -ENOMEM;
                goto out;
        }
        for (size_t i = 1; i < x.n; i++)
                if (x.e[i].key == x.e[i - 1].key) {
                        r = bad(&e, "device %u: a MAC that device %u has too",
                                (unsigned)x.e[i].dev, (unsigned)x.e[i - 1].dev);
                        break;
                }
        idx_done(&x);
        if (r < 0)
                goto out;
        if (st->n > st->max_devices) {
                qsort(st->dev, st->n, sizeof(*st->dev), cmp_last_seen_desc);
                while (st->n > st->max_devices) {
                        device_free(st->dev[--st->n]);
                        st->stats.devices_evicted++;
                }
        }
out:
        cJSON_Delete(root);
        if (r < 0) {
                state_free(st);
                return r;
        }
        *ret = st;
        return 0;
}

static int read_all(int fd, char **ret, size_t *ret_len)
{
        struct stat sb;
        if (fstat(fd, &sb) < 0)
                return -errno;
        if (!S_ISREG(sb.st_mode))
                return -EINVAL;
        if ((uint64_t)sb.st_size > state_file_limit)
                return -EFBIG;
        size_t cap = (size_t)sb.st_size + 1, len = 0;
        char *buf = malloc(cap);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                ssize_t r = read(fd, buf + len, cap - len);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0) {
                        int er = errno;
                        free(buf);
                        return -er;
                }
                if (r == 0)
                        break;
                len += (size_t)r;
                if (len == cap) {       /* grew while reading */
                        free(buf);
                        return -EAGAIN;
                }
        }
        *ret = buf;
        *ret_len = len;
        return 0;
}

int state_load(const char *dir, size_t max_devices, struct state **ret, char *err,
               size_t errlen)
{
        char path[4096], why[512];
        snprintf(path, sizeof(path), "%s/%s", dir, STATE_FILE);
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
                if (errno == ENOENT) {
                        struct state *st = state_new(max_devices);
                        if (!st)
                                return -ENOMEM;
                        *ret = st;
                        return 0;
                }
                int e = errno;
                snprintf(err, errlen, "%s: cannot read: %s", path, strerror(e));
                return -e;
        }
        char *buf = NULL;
        size_t len = 0;
        int r = read_all(fd, &buf, &len);
        close(fd);
        if (r < 0) {
                snprintf(err, errlen, "%s: cannot read: %s", path,
                         r == -EFBIG ? "bigger than the state file limit" : strerror(-r));
                return r == -EFBIG ? -EBADMSG : r;
        }
        why[0] = '\0';
        r = state_parse(buf, len, max_devices, ret, why, sizeof(why));
        free(buf);
        if (r < 0)
                snprintf(err, errlen, "%s: %s", path, r == -EBADMSG ? why : strerror(-r));
        return r;
}

int state_set_aside(const char *dir, uint64_t now, char *ret_name, size_t n)
{
        char from[4096], to[4096], t[32];
        time_t s = (time_t)(now / 1000000u);
        struct tm tm;
        gmtime_r(&s, &tm);
        strftime(t, sizeof(t), "%Y%m%dT%H%M%SZ", &tm);
        snprintf(from, sizeof(from), "%s/%s", dir, STATE_FILE);
        snprintf(to, sizeof(to), "%s/%s.broken-%s", dir, STATE_FILE, t);
        /* Never replace an earlier broken copy. */
        if (link(from, to) < 0)
                return -errno;
        if (unlink(from) < 0)
                return -errno;
        if (ret_name)
                snprintf(ret_name, n, "%s", to);
        return 0;
}

/* ---- saving ----------------------------------------------------------- */

static cJSON *time_json(uint64_t usec)
{
        char t[32];
        if (!usec)
                return cJSON_CreateNull();
        fmt_rfc3339(t, sizeof(t), usec);
        return cJSON_CreateString(t);
}

cJSON *state_device_json(const struct state_device *d)
{
        char mac[18];
        cJSON *o = cJSON_CreateObject();
        if (!o)
                return NULL;
        fmt_mac(mac, sizeof(mac), d->mac);
        cJSON_AddStringToObject(o, "mac", mac);
        cJSON_AddBoolToObject(o, "mac_random", d->mac_random);
        cJSON *a = cJSON_AddArrayToObject(o, "macs");
        for (unsigned i = 0; i < d->n_macs; i++) {
                cJSON *m = cJSON_CreateObject();
                fmt_mac(mac, sizeof(mac), d->macs[i].mac);
                cJSON_AddStringToObject(m, "mac", mac);
                cJSON_AddItemToObject(m, "first_seen", time_json(d->macs[i].first_seen));
                cJSON_AddItemToObject(m, "last_seen", time_json(d->macs[i].last_seen));
                cJSON_AddItemToArray(a, m);
        }
        if (d->vendor)
                cJSON_AddStringToObject(o, "vendor", d->vendor);
        else
                cJSON_AddNullToObject(o, "vendor");
        cJSON_AddItemToObject(o, "first_seen", time_json(d->first_seen));
        cJSON_AddItemToObject(o, "last_seen", time_json(d->last_seen));
        cJSON_AddItemToObject(o, "last_scan", time_json(d->last_scan));
        cJSON_AddItemToObject(o, "identified", time_json(d->identified));
        for (unsigned k = 0; k < SH_MAX; k++) {
                a = cJSON_AddArrayToObject(o, hist_names[k]);
                for (unsigned i = 0; i < d->h[k].n; i++) {
                        const struct state_value *v = &d->h[k].e[i];
                        cJSON *x = cJSON_CreateObject();
                        cJSON_AddStringToObject(x, "value", v->v);
                        cJSON_AddItemToObject(x, "first_seen", time_json(v->first_seen));
                        cJSON_AddItemToObject(x, "last_seen", time_json(v->last_seen));
                        cJSON_AddItemToObject(x, "last_scan", time_json(v->last_scan));
                        cJSON_AddItemToArray(a, x);
                }
        }
        return o;
}

cJSON *state_to_json(const struct state *st)
{
        cJSON *root = cJSON_CreateObject();
        if (!root)
                return NULL;
        cJSON_AddStringToObject(root, "schema", STATE_SCHEMA);
        cJSON_AddNumberToObject(root, "version", STATE_VERSION);
        cJSON_AddItemToObject(root, "created", time_json(st->created ? st->created : 1000000));
        cJSON_AddItemToObject(root, "updated", time_json(st->updated ? st->updated : 1000000));
        cJSON_AddItemToObject(root, "last_merge", time_json(st->last_merge));
        cJSON *a = cJSON_AddArrayToObject(root, "devices");
        for (size_t i = 0; i < st->n; i++) {
                cJSON *d = state_device_json(st->dev[i]);
                if (!d || !cJSON_AddItemToArray(a, d)) {
                        cJSON_Delete(d);
                        cJSON_Delete(root);
                        return NULL;
                }
        }
        return root;
}

static int write_all(int fd, const char *p, size_t len)
{
        while (len) {
                ssize_t r = write(fd, p, len);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0)
                        return -errno;
                p += r;
                len -= (size_t)r;
        }
        return 0;
}

/* Temporary files a killed run left behind (only one run writes at a
 * time: the lock). */
static void remove_stale_tmp(int dfd)
{
        int fd = dup(dfd);
        DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
        struct dirent *e;
        if (!d) {
                if (fd >= 0)
                        close(fd);
                return;
        }
        while ((e = readdir(d)))
                if (strncmp(e->d_name, STATE_FILE ".tmp-", sizeof(STATE_FILE ".tmp-") - 1) == 0)
                        unlinkat(dfd, e->d_name, 0);
        closedir(d);
}

/* Write buf to dir/name: temporary file, fsync, rename, fsync dir. */
static int atomic_write(const char *dir, const char *name, const char *buf, size_t len,
                        bool clean)
{
        char tmp[64], rnd[40];
        int r, dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return -errno;
        if (clean)
                remove_stale_tmp(dfd);
        uuid_v4(rnd, sizeof(rnd));
        snprintf(tmp, sizeof(tmp), "%s.tmp-%.8s", name, rnd);
        int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0640);
        if (fd < 0) {
                r = -errno;
                close(dfd);
                return r;
        }
        r = write_all(fd, buf, len);
        if (!r && fsync(fd) < 0)
                r = -errno;
        if (close(fd) < 0 && !r)
                r = -errno;
        if (!r && renameat(dfd, tmp, dfd, name) < 0)
                r = -errno;
        if (r)
                unlinkat(dfd, tmp, 0);
        else if (fsync(dfd) < 0)
                r = -errno;
        close(dfd);
        return r;
}

static char *print_state(const struct state *st, size_t *ret_len)
{
        cJSON *root = state_to_json(st);
        if (!root)
                return NULL;
        char *s = cJSON_Print(root);
        cJSON_Delete(root);
        if (s)
                *ret_len = strlen(s);
        return s;
}

int state_save(const struct state *st, const char *dir, uint64_t now)
{
        struct state copy = *st;
        struct state_device **order = NULL;
        size_t len = 0;
        int r;

        if (!copy.created)
                copy.created = now;
        copy.updated = now;
        char *s = print_state(&copy, &len);
        /* Histories full of escaped wire text can outgrow what a load
         * accepts: then the file keeps the most recently seen devices that
         * fit, so that it always loads. */
        while (s && len + 1 > state_file_limit && copy.n) {
                if (!order) {
                        order = malloc(st->n * sizeof(*order));
                        if (!order)
                                break;
                        memcpy(order, st->dev, st->n * sizeof(*order));
                        qsort(order, st->n, sizeof(*order), cmp_last_seen_desc);
                        copy.dev = order;
                }
                double fits = (double)state_file_limit / (double)len * 0.9;
                size_t keep = (size_t)((double)copy.n * fits);
                copy.n = keep < copy.n ? keep : copy.n - 1;
                cJSON_free(s);
                s = print_state(&copy, &len);
        }
        free(order);
        if (!s)
                return -ENOMEM;
        if (len + 1 > state_file_limit) {
                cJSON_free(s);
                return -EFBIG;
        }
        s[len] = '\n';          /* cJSON's buffer holds the NUL: room for one byte */
        r = atomic_write(dir, STATE_FILE, s, len + 1, true);
        cJSON_free(s);
        return r;
}

/* ---- the agent id ------------------------------------------------------ */

static bool is_uuid(const char *s, size_t len)
{
        if (len != 36)
                return false;
        for (size_t i = 0; i < 36; i++) {
                bool dash = i == 8 || i == 13 || i == 18 || i == 23;
                char c = s[i];
                if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
                        return false;
        }
        return true;
}

static int read_id(const char *path, char *buf, size_t n)
{
        char tmp[128];
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        ssize_t r;
        do
                r = read(fd, tmp, sizeof(tmp) - 1);
        while (r < 0 && errno == EINTR);
        int e = errno;
        close(fd);
        if (r < 0)
                return -e;
        size_t len = (size_t)r;
        if (len && tmp[len - 1] == '\n')
                len--;
        if (!is_uuid(tmp, len) || n < 37)
                return -EBADMSG;
        memcpy(buf, tmp, 36);
        buf[36] = '\0';
        return 0;
}

int state_agent_id(const char *dir, char *buf, size_t n)
{
        char path[4096], tmp[4096], id[40];
        snprintf(path, sizeof(path), "%s/%s", dir, STATE_AGENT_ID_FILE);
        int r = read_id(path, buf, n);
        if (r != -ENOENT)
                return r;
        r = uuid_v4(id, sizeof(id));
        if (r < 0)
                return r;
        /* Write it under a private name, then link(): the first of two runs
         * creating the id at once wins and the other reads the winner's. */
        snprintf(tmp, sizeof(tmp), "%s/%s.tmp-%.8s", dir, STATE_AGENT_ID_FILE, id + 24);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
                return -errno;
        id[36] = '\n';
        r = write_all(fd, id, 37);
        if (!r && fsync(fd) < 0)
                r = -errno;
        close(fd);
        if (!r && link(tmp, path) < 0 && errno != EEXIST)
                r = -errno;
        unlink(tmp);
        if (r)
                return r;
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
                fsync(dfd);
                close(dfd);
        }
        return read_id(path, buf, n);
}

int state_dir_create(const char *dir)
{
        if (mkdir(dir, 0750) < 0 && errno != EEXIST)
                return -errno;
        struct stat sb;
        if (stat(dir, &sb) < 0)
                return -errno;
        return S_ISDIR(sb.st_mode) ? 0 : -ENOTDIR;
}
