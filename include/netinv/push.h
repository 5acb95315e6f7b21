/* push.h - handing scan documents to the central register.
 *
 * Three parts, one module (src/push/):
 *   spool.c  the on-disk queue: a document is written there first (write,
 *            fsync, link, fsync of the directory) and removed only after the
 *            register answered 2xx. Bounded; when full the oldest document
 *            is dropped and counted.
 *   http.c   the HTTPS POST (libcurl; the only includer of <curl/curl.h>),
 *            gzip, retries with backoff, the failed/ folder.
 *   glpi.c   the adapter to GLPI's native inventory format: one
 *            "netdiscovery" message per device.
 *
 * Spool layout (DIR is the spool directory):
 *   DIR/<usec:20>-<scan_id>.json      pending, oldest first by name
 *   DIR/.tmp-*                        being written (ignored; spool_put
 *                                     removes those older than an hour)
 *   DIR/dropped                       documents dropped because the spool was
 *                                     full, not yet reported to the register
 *   DIR/failed/<name>.json            refused by the register (4xx) ...
 *   DIR/failed/<name>.response        ... with its status line and body
 *   DIR/.lock                         flock()ed while a push runs
 *
 * Functions return 0 or a count, or -errno; none of them logs. Messages for
 * a person go through push_opts.note (the command prints them).
 */
#ifndef NETINV_PUSH_H
#define NETINV_PUSH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- spool ------------------------------------------------------------ */

struct spool_stats {
        size_t docs;            /* pending documents after the call */
        uint64_t bytes;         /* their total size */
        unsigned dropped;       /* documents this call dropped to make room */
        uint64_t dropped_unreported; /* DIR/dropped after the call */
};

/* A scan id is used in a file name and an HTTP header: 1..64 characters of
 * [A-Za-z0-9-]. */
bool spool_scan_id_ok(const char *scan_id);

/* Queue one document. Creates DIR (0700) if missing. When the pending
 * documents plus this one exceed max_bytes, the oldest are removed (and
 * counted in DIR/dropped) until it fits. -EFBIG when the document alone is
 * larger than max_bytes (nothing is dropped then), -EINVAL for a bad
 * scan id. ret_stats may be NULL. */
int spool_put(const char *dir, const char *scan_id, const char *doc, size_t len,
              uint64_t max_bytes, struct spool_stats *ret_stats);

struct spool_entry {
        char name[96];          /* file name inside DIR */
        char scan_id[65];
        uint64_t size;
};

/* The pending documents, oldest first. *ret is malloc()ed (free() it);
 * at most SPOOL_MAX_DOCS entries (the oldest). Returns the count or -errno. */
int spool_list(const char *dir, struct spool_entry **ret);

/* Read one pending document, NUL-terminated; free() *ret_buf. */
int spool_read(const char *dir, const struct spool_entry *e, char **ret_buf, size_t *ret_len);
/* Delivered: remove it (and fsync the directory). */
int spool_done(const char *dir, const struct spool_entry *e);
/* Refused: move it to DIR/failed/ and write the status and the response
 * body (at most PUSH_RESPONSE_MAX bytes) beside it. failed/ keeps the
 * SPOOL_FAILED_MAX newest; older ones are removed with their responses. */
#define SPOOL_FAILED_MAX 32u
int spool_fail(const char *dir, const struct spool_entry *e, long status,
               const char *body, size_t body_len);

/* The counter in DIR/dropped (0 when absent). */
uint64_t spool_dropped(const char *dir);
/* Subtract n (already reported) from DIR/dropped. */
int spool_dropped_reported(const char *dir, uint64_t n);

/* Count the files in DIR/failed/ that end in .json. */
int spool_failed_count(const char *dir);

/* ---- push ------------------------------------------------------------- */

enum push_format {
        PUSH_FORMAT_JSON,       /* the netinv document, as written */
        PUSH_FORMAT_GLPI,       /* GLPI native inventory, one message per device */
        PUSH_FORMAT_MAX,
};

enum push_auth {
        PUSH_AUTH_NONE,
        PUSH_AUTH_BEARER,       /* Authorization: Bearer <secret> */
        PUSH_AUTH_BASIC,        /* secret is "user:password" */
        PUSH_AUTH_OAUTH,        /* secret is "client_id:client_secret"; OAuth 2
                                 * client credentials (RFC 6749 §4.4) at
                                 * token_url, then Bearer (GLPI 11) */
        PUSH_AUTH_MAX,
};

struct push_opts {
        const char *spool_dir;
        const char *url;
        enum push_format format;
        enum push_auth auth;
        const char *secret;     /* token, user:password or id:secret; never logged */
        const char *token_url;  /* PUSH_AUTH_OAUTH: where tokens are issued */
        const char *ca_file;    /* private CA (PEM), NULL for the system's */
        const char *client_cert, *client_key;   /* mutual TLS, PEM */
        bool insecure;          /* no TLS verification (the command warns) */
        bool no_gzip;
        const char *agent_id;   /* stable id of this agent */
        const char *site;       /* site name, may be NULL */
        unsigned connect_timeout_ms;
        unsigned timeout_ms;    /* one request, whole */
        unsigned retry_initial_ms;      /* first backoff */
        unsigned retry_max_ms;          /* largest single backoff */
        unsigned retry_total_ms;        /* retrying stops after this long in all */
        /* Messages for a person (the command prints them). level: 0 info,
         * 1 warning, 2 error. NULL: silent. */
        void (*note)(void *ctx, int level, const char *msg);
        void *note_ctx;
};

/* Defaults for every field (timeouts, backoff); the caller sets the rest. */
void push_opts_init(struct push_opts *o);

struct push_result {
        unsigned sent;          /* documents delivered (2xx) and removed */
        unsigned failed;        /* documents moved to failed/ this run */
        unsigned pending;       /* documents still spooled afterwards */
        unsigned attempts;      /* HTTP requests made */
        unsigned retries;       /* of those, retries */
        uint64_t dropped_reported;      /* spool drops reported to the register */
        long last_status;       /* last HTTP status seen, 0 if none */
        char last_error[256];   /* last transport error, "" if none */
};

/* Send the spool, oldest first. 2xx: removed. Network errors, timeouts,
 * 5xx, 408, 429: retried with exponential backoff and jitter (Retry-After
 * honoured) until retry_total_ms is spent; then that document and every
 * later one stay spooled, in order. Other 4xx: the document moves to
 * failed/ and the next one is sent. Returns 0 (see ret for the outcome) or
 * -errno for a local error (spool unreadable, lock held: -EWOULDBLOCK). */
int push_spool(const struct push_opts *o, struct push_result *ret);

/* An OAuth 2 token response (RFC 6749 §5.1): {"token_type":"Bearer",
 * "access_token":"...","expires_in":3600}. The token must be a b64token
 * (RFC 6750 §2.1: letters, digits, "-._~+/", then "="s; it goes into a
 * header line) of at most 4096 characters. *ret_token malloc()ed; the
 * caller wipes and frees it. -EBADMSG for anything else. */
int oauth_parse_token(const char *body, size_t len, char **ret_token);
/* The request body for client credentials, JSON as GLPI 11 takes it:
 * {"grant_type":"client_credentials","client_id","client_secret",
 * "scope":"inventory"} from "id:secret". Wipe and free *ret. */
int oauth_request_body(const char *id_secret, char **ret);

/* The URL is http:// to a host other than a loopback address (a secret
 * would cross the network unencrypted). -EINVAL for a URL that is not
 * http(s). */
int push_url_plain_remote(const char *url, bool *ret_plain_remote);

/* gzip (RFC 1952) of in; *ret malloc()ed. */
int push_gzip(const void *in, size_t len, void **ret, size_t *ret_len);

/* Read a secret file: the first line, without trailing CR/LF/space. The
 * caller wipes (explicit_bzero) and frees *ret. -EPERM when the file is
 * readable by others (mode & 007). Call it before privileges are dropped
 * (the file is usually root's); the value is never logged. */
int push_read_secret(const char *path, char **ret);

/* ---- adapters --------------------------------------------------------- */

struct glpi_msgs {
        char **msg;             /* NUL-terminated JSON texts */
        size_t n;
        size_t skipped;         /* devices without a usable MAC, IP or name */
};

struct glpi_ctx {
        const char *agent_id;
        const char *site;       /* becomes "tag", may be NULL */
        const char *version;    /* netinv version, "0.1.0" */
};

/* GLPI native inventory messages for a netinv document, one per device
 * ("action":"netdiscovery"). -EINVAL when doc is not a netinv/1 document. */
int glpi_document(const char *doc, size_t len, const struct glpi_ctx *c, struct glpi_msgs *ret);
void glpi_msgs_free(struct glpi_msgs *m);

/* The document as pushed in JSON format: agent.id, agent.site and
 * scan.spool_dropped (when non-zero) added. *ret malloc()ed. */
int push_json_document(const char *doc, size_t len, const char *agent_id, const char *site,
                       uint64_t spool_dropped, char **ret, size_t *ret_len);

#endif
