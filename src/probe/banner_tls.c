/* banner_tls.c - TLS for the banner probe's HTTPS and RDP conversations
 * (OpenSSL, non-blocking).
 *
 * The probe only reads what a server says about itself, so nothing is
 * verified and anything the server offers is accepted: TLS 1.0 and later,
 * every cipher (security level 0: old printers and Windows 7 RDP still
 * speak TLS 1.0 with RSA key exchange). No SNI is sent: the probe dials an
 * address, not a name. The socket is read and written through a BIO of
 * our own that sends with MSG_NOSIGNAL, so a peer that resets cannot raise
 * SIGPIPE in the scanner. OpenSSL's error queue is cleared after each
 * failure so that nothing of it reaches libcurl (push) later.
 *
 * Owns: the SSL_CTX (banner_tls_new/free) and each conversation's SSL
 * (banner_tls_begin/end).
 */
#include "banner_int.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

struct banner_tls {
        SSL_CTX *ctx;
        BIO_METHOD *meth;
};

static int sock_write(BIO *bio, const char *data, int len)
{
        int fd = (int)(intptr_t)BIO_get_data(bio);
        BIO_clear_retry_flags(bio);
        ssize_t r = send(fd, data, (size_t)len, MSG_NOSIGNAL);
        if (r < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                        BIO_set_retry_write(bio);
                return -1;
        }
        return (int)r;
}

static int sock_read(BIO *bio, char *data, int len)
{
        int fd = (int)(intptr_t)BIO_get_data(bio);
        BIO_clear_retry_flags(bio);
        ssize_t r = recv(fd, data, (size_t)len, 0);
        if (r < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                        BIO_set_retry_read(bio);
                return -1;
        }
        return (int)r;
}

static long sock_ctrl(BIO *bio, int cmd, long num, void *ptr)
{
        (void)bio, (void)num, (void)ptr;
        return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

static int sock_create(BIO *bio)
{
        BIO_set_init(bio, 1);
        return 1;
}

void *banner_tls_new(char *why, size_t whylen)
{
        struct banner_tls *t = calloc(1, sizeof(*t));
        if (!t) {
                snprintf(why, whylen, "out of memory");
                return NULL;
        }
        t->ctx = SSL_CTX_new(TLS_client_method());
        t->meth = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "netinv socket");
        if (!t->ctx || !t->meth || !BIO_meth_set_write(t->meth, sock_write) ||
            !BIO_meth_set_read(t->meth, sock_read) || !BIO_meth_set_ctrl(t->meth, sock_ctrl) ||
            !BIO_meth_set_create(t->meth, sock_create))
                goto fail;
        SSL_CTX_set_verify(t->ctx, SSL_VERIFY_NONE, NULL);
        SSL_CTX_set_security_level(t->ctx, 0);
        if (!SSL_CTX_set_min_proto_version(t->ctx, TLS1_VERSION) ||
            !SSL_CTX_set_cipher_list(t->ctx, "ALL:@SECLEVEL=0"))
                goto fail;
        uint64_t opts = SSL_OP_NO_TICKET | SSL_OP_LEGACY_SERVER_CONNECT;
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
        opts |= SSL_OP_IGNORE_UNEXPECTED_EOF;   /* a server that just closes: EOF */
#endif
        SSL_CTX_set_options(t->ctx, opts);
        SSL_CTX_set_session_cache_mode(t->ctx, SSL_SESS_CACHE_OFF);
        return t;
fail:
        snprintf(why, whylen, "TLS: %s", ERR_reason_error_string(ERR_peek_last_error())
                                                  ? ERR_reason_error_string(ERR_peek_last_error())
                                                  : "cannot set up OpenSSL");
        ERR_clear_error();
        banner_tls_free(t);
        return NULL;
}

void banner_tls_free(void *ctx)
{
        struct banner_tls *t = ctx;
        if (!t)
                return;
        SSL_CTX_free(t->ctx);
        BIO_meth_free(t->meth);
        free(t);
}

int banner_tls_begin(void *ctx, struct banner_conv *cv)
{
        struct banner_tls *t = ctx;
        if (!t)
                return -EINVAL;
        SSL *ssl = SSL_new(t->ctx);
        BIO *bio = BIO_new(t->meth);
        if (!ssl || !bio) {
                SSL_free(ssl);
                BIO_free(bio);
                ERR_clear_error();
                return -ENOMEM;
        }
        BIO_set_data(bio, (void *)(intptr_t)cv->fd);
        SSL_set_bio(ssl, bio, bio);             /* one reference, taken by ssl */
        SSL_set_connect_state(ssl);
        cv->ssl = ssl;
        cv->want = POLLOUT;
        return 0;
}

/* After a call that did not complete: what to wait for. */
static long tls_wait(struct banner_conv *cv, int r)
{
        switch (SSL_get_error(cv->ssl, r)) {
        case SSL_ERROR_WANT_READ:
                cv->want = POLLIN;
                return -EAGAIN;
        case SSL_ERROR_WANT_WRITE:
                cv->want = POLLOUT;
                return -EAGAIN;
        case SSL_ERROR_ZERO_RETURN:
                return 0;
        default:
                ERR_clear_error();
                return -EIO;
        }
}

int banner_tls_handshake(struct banner_conv *cv)
{
        int r = SSL_do_handshake(cv->ssl);
        if (r == 1)
                return 1;
        long w = tls_wait(cv, r);
        return w == -EAGAIN ? 0 : -EIO;
}

long banner_tls_read(struct banner_conv *cv, uint8_t *buf, size_t n)
{
        int r = SSL_read(cv->ssl, buf, n > INT32_MAX ? INT32_MAX : (int)n);
        return r > 0 ? r : tls_wait(cv, r);
}

long banner_tls_write(struct banner_conv *cv, const uint8_t *buf, size_t n)
{
        int r = SSL_write(cv->ssl, buf, n > INT32_MAX ? INT32_MAX : (int)n);
        return r > 0 ? r : tls_wait(cv, r);
}

void banner_tls_end(struct banner_conv *cv)
{
        if (!cv->ssl)
                return;
        SSL_free(cv->ssl);      /* no close_notify: the socket is reset */
        cv->ssl = NULL;
        ERR_clear_error();
}
