/* smb2.c - what an SMB server on TCP 445 answers before anyone logs in:
 * the SMB2 NEGOTIATE response (MS-SMB2 §2.2.4) and the SESSION_SETUP
 * response (§2.2.6) that carries the NTLMSSP CHALLENGE; and the two
 * requests that ask for them (§2.2.3, §2.2.5).
 *
 * The cursor covers the bytes the server sent: NetBIOS session service
 * messages (MS-SMB2 §2.1 direct TCP: a zero byte, a 24-bit big-endian
 * length), each one SMB2 message with its 64-byte header (§2.2.1.2). At most
 * SMB2_MESSAGES_MAX are read; requests (no SERVER_TO_REDIR flag), SMB1 and
 * other commands are skipped. Only the first message of a compound is read.
 *
 * NEGOTIATE (status 0) gives smb.dialect ("2.0.2" .. "3.1.1", "2.FF" for the
 * multi-protocol wildcard, else 0xNNNN), smb.signing ("required" when
 * SMB2_NEGOTIATE_SIGNING_REQUIRED is set, else "enabled"), smb.server_guid
 * (the GUID in its registry text form). SESSION_SETUP (status 0 or
 * STATUS_MORE_PROCESSING_REQUIRED) hands its security buffer to
 * ntlmssp_challenge: raw NTLMSSP, or inside SPNEGO NegTokenResp (RFC 4178
 * §4.2.2: [1] SEQUENCE { ... responseToken [2] OCTET STRING ... }).
 * Source PROTO_SMB, ctx->src_mac.
 */
#include "netinv/banner.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define NBSS_SESSION_MESSAGE    0x00    /* RFC 1002 §4.3.1 */
#define NBSS_KEEPALIVE          0x85
#define SMB2_HDR_LEN            64      /* §2.2.1.2 */
#define SMB2_FLAGS_SERVER_TO_REDIR 0x00000001u
#define SMB2_NEGOTIATE          0x0000  /* §2.2.1.2 Command */
#define SMB2_SESSION_SETUP      0x0001
#define SMB2_NEG_RESP_SIZE      65      /* §2.2.4 StructureSize */
#define SMB2_SETUP_RESP_SIZE    9       /* §2.2.6 StructureSize */
#define SMB2_SIGNING_ENABLED    0x0001  /* §2.2.4 SecurityMode */
#define SMB2_SIGNING_REQUIRED   0x0002
#define STATUS_SUCCESS          0x00000000u     /* MS-ERREF §2.3.1 */
#define STATUS_MORE_PROCESSING_REQUIRED 0xc0000016u
#define SMB2_MESSAGES_MAX       8u

/* SPNEGO (RFC 4178 §4.2) tags. */
#define SPNEGO_NEG_TOKEN_RESP   0xa1
#define SPNEGO_RESPONSE_TOKEN   0xa2
#define DER_SEQUENCE            0x30
#define DER_OCTETS              0x04

static void guid_text(const uint8_t g[16], char *buf, size_t n)
{
        /* Data1 le32, Data2 le16, Data3 le16, Data4 as bytes (MS-DTYP §2.3.4.2). */
        snprintf(buf, n, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                 g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11],
                 g[12], g[13], g[14], g[15]);
}

static enum dissect_res negotiate(struct cursor *b, const struct frame_ctx *ctx,
                                  struct obs_sink *s)
{
        uint8_t guid[16];
        char text[40];
        const char *d;

        uint16_t size = cur_le16(b);
        uint16_t mode = cur_le16(b);
        uint16_t dialect = cur_le16(b);
        cur_skip(b, 2);                                 /* NegotiateContextCount */
        cur_copy(b, guid, sizeof(guid));
        if (!cur_ok(b))
                return DISSECT_TRUNCATED;
        if (size != SMB2_NEG_RESP_SIZE)
                return DISSECT_MALFORMED;
        switch (dialect) {                              /* §2.2.4 DialectRevision */
        case 0x0202: d = "2.0.2"; break;
        case 0x0210: d = "2.1"; break;
        case 0x0300: d = "3.0"; break;
        case 0x0302: d = "3.0.2"; break;
        case 0x0311: d = "3.1.1"; break;
        case 0x02ff: d = "2.FF"; break;                 /* SMB2 wildcard */
        default:
                snprintf(text, sizeof(text), "0x%04x", dialect);
                d = text;
        }
        obs_attr_str(s, ctx->src_mac, PROTO_SMB, "smb.dialect", d);
        obs_attr_str(s, ctx->src_mac, PROTO_SMB, "smb.signing",
                     (mode & SMB2_SIGNING_REQUIRED) ? "required"
                     : (mode & SMB2_SIGNING_ENABLED) ? "enabled" : "disabled");
        guid_text(guid, text, sizeof(text));
        obs_attr_str(s, ctx->src_mac, PROTO_SMB, "smb.server_guid", text);
        return DISSECT_OK;
}

/* The NTLMSSP message in a SESSION_SETUP security buffer. */
static enum dissect_res security_blob(struct cursor sec, const struct frame_ctx *ctx,
                                      struct obs_sink *s)
{
        struct cursor v, seq, el, tok;
        uint8_t tag, b;
        enum dissect_res r;

        if (cur_peek_u8(&sec, 0, &b) && b == 'N')
                return ntlmssp_challenge(&sec, ctx, s, PROTO_SMB);      /* raw NTLMSSP */
        r = ber_tlv(&sec, &tag, &v);
        if (r != DISSECT_OK)
                return r;
        if (tag != SPNEGO_NEG_TOKEN_RESP)
                return DISSECT_IGNORED;
        r = ber_tlv(&v, &tag, &seq);
        if (r != DISSECT_OK || tag != DER_SEQUENCE)
                return r != DISSECT_OK ? r : DISSECT_MALFORMED;
        /* negState [0], supportedMech [1], responseToken [2], mechListMIC [3] */
        for (unsigned i = 0; i < 4 && cur_ok(&seq) && cur_left(&seq) > 0; i++) {
                r = ber_tlv(&seq, &tag, &el);
                if (r != DISSECT_OK)
                        return r;
                if (tag != SPNEGO_RESPONSE_TOKEN)
                        continue;
                r = ber_tlv(&el, &tag, &tok);
                if (r != DISSECT_OK || tag != DER_OCTETS)
                        return r != DISSECT_OK ? r : DISSECT_MALFORMED;
                return ntlmssp_challenge(&tok, ctx, s, PROTO_SMB);
        }
        return DISSECT_IGNORED;
}

static enum dissect_res session_setup(struct cursor *b, const struct cursor *hdr,
                                      const struct frame_ctx *ctx, struct obs_sink *s)
{
        uint16_t size = cur_le16(b);
        cur_skip(b, 2);                                 /* SessionFlags */
        uint16_t off = cur_le16(b);
        uint16_t len = cur_le16(b);
        if (!cur_ok(b))
                return DISSECT_TRUNCATED;
        if (size != SMB2_SETUP_RESP_SIZE)
                return DISSECT_MALFORMED;
        if (len == 0)
                return DISSECT_OK;
        if (off < SMB2_HDR_LEN + 8)
                return DISSECT_MALFORMED;               /* inside the fixed part */
        /* SecurityBufferOffset counts from the SMB2 header (§2.2.6). */
        struct cursor at = *hdr;
        cur_skip(&at, off);
        struct cursor sec = cur_sub(&at, len);
        if (!cur_ok(&sec))
                return DISSECT_MALFORMED;               /* the message is whole: it lies */
        enum dissect_res r = security_blob(sec, ctx, s);
        /* The buffer is whole, so running out inside it is a malformation. */
        return r == DISSECT_TRUNCATED ? DISSECT_MALFORMED : r;
}

static enum dissect_res message(struct cursor m, const struct frame_ctx *ctx,
                                struct obs_sink *s)
{
        uint8_t magic[4];
        const struct cursor hdr = m;

        cur_copy(&m, magic, sizeof(magic));
        uint16_t hlen = cur_le16(&m);
        cur_skip(&m, 2);                                /* CreditCharge */
        uint32_t status = cur_le32(&m);
        uint16_t cmd = cur_le16(&m);
        cur_skip(&m, 2);                                /* CreditResponse */
        uint32_t flags = cur_le32(&m);
        cur_skip(&m, SMB2_HDR_LEN - 20);
        if (!cur_ok(&m))
                return DISSECT_MALFORMED;               /* the NetBIOS length was whole */
        if (memcmp(magic, "\xfeSMB", 4) != 0 || !(flags & SMB2_FLAGS_SERVER_TO_REDIR))
                return DISSECT_IGNORED;                 /* SMB1, or a request */
        if (hlen != SMB2_HDR_LEN)
                return DISSECT_MALFORMED;
        enum dissect_res r = DISSECT_IGNORED;
        if (cmd == SMB2_NEGOTIATE && status == STATUS_SUCCESS)
                r = negotiate(&m, ctx, s);
        else if (cmd == SMB2_SESSION_SETUP &&
                 (status == STATUS_SUCCESS || status == STATUS_MORE_PROCESSING_REQUIRED))
                r = session_setup(&m, &hdr, ctx, s);
        return r == DISSECT_TRUNCATED ? DISSECT_MALFORMED : r;
}

enum dissect_res parse_smb2(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s)
{
        enum dissect_res res = DISSECT_IGNORED;

        if (cur_left(c) == 0)
                return DISSECT_TRUNCATED;
        for (unsigned i = 0; cur_ok(c) && cur_left(c) > 0 && i < SMB2_MESSAGES_MAX; i++) {
                uint8_t type = cur_u8(c);
                uint32_t len = (uint32_t)cur_u8(c) << 16;
                len |= cur_be16(c);
                if (!cur_ok(c))
                        return DISSECT_TRUNCATED;
                if (type == NBSS_KEEPALIVE && len == 0)
                        continue;
                if (type != NBSS_SESSION_MESSAGE)
                        return i == 0 ? DISSECT_IGNORED : DISSECT_MALFORMED;
                struct cursor m = cur_sub(c, len);
                if (!cur_ok(c))
                        return DISSECT_TRUNCATED;
                enum dissect_res r = message(m, ctx, s);
                if (r == DISSECT_MALFORMED)
                        return r;
                if (r == DISSECT_OK)
                        res = DISSECT_OK;
        }
        return res;
}

/* ---- requests ---- */

/* The 64-byte sync header of a request (§2.2.1.2). */
static void request_header(uint8_t *p, uint16_t credit_charge, uint16_t cmd, uint16_t credits,
                           uint32_t flags, uint64_t message_id)
{
        memset(p, 0, SMB2_HDR_LEN);
        memcpy(p, "\xfeSMB", 4);
        p[4] = SMB2_HDR_LEN;
        p[6] = (uint8_t)credit_charge;
        p[7] = (uint8_t)(credit_charge >> 8);
        p[12] = (uint8_t)cmd;
        p[13] = (uint8_t)(cmd >> 8);
        p[14] = (uint8_t)credits;
        p[15] = (uint8_t)(credits >> 8);
        for (int i = 0; i < 4; i++)
                p[16 + i] = (uint8_t)(flags >> (8 * i));
        for (int i = 0; i < 8; i++)
                p[24 + i] = (uint8_t)(message_id >> (8 * i));
}

static void le16(uint8_t *p, uint16_t v)
{
        p[0] = (uint8_t)v;
        p[1] = (uint8_t)(v >> 8);
}

static void le32(uint8_t *p, uint32_t v)
{
        for (int i = 0; i < 4; i++)
                p[i] = (uint8_t)(v >> (8 * i));
}

/* The NetBIOS session message header for an SMB2 message of `len` bytes. */
static void nbss(uint8_t *p, size_t len)
{
        p[0] = NBSS_SESSION_MESSAGE;
        p[1] = (uint8_t)(len >> 16);
        p[2] = (uint8_t)(len >> 8);
        p[3] = (uint8_t)len;
}

/* One negotiate context (§2.2.3.1) at p; its length before padding. */
static size_t context(uint8_t *p, uint16_t type, const uint8_t *data, size_t len)
{
        le16(p, type);
        le16(p + 2, (uint16_t)len);
        le32(p + 4, 0);
        memcpy(p + 8, data, len);
        return 8 + len;
}

ssize_t smb2_negotiate_request(uint8_t *buf, size_t cap, const uint8_t client_guid[16],
                               const uint8_t salt[32], const char *server)
{
        /* §2.2.3: dialects 2.0.2, 2.1, 3.0, 3.0.2, 3.1.1 */
        static const uint16_t dialects[] = { 0x0202, 0x0210, 0x0300, 0x0302, 0x0311 };
        /* §2.2.3.1.2 ENCRYPTION: AES-128-GCM, AES-128-CCM, AES-256-GCM, AES-256-CCM */
        static const uint8_t enc[] = { 4, 0, 2, 0, 1, 0, 4, 0, 3, 0 };
        /* §2.2.3.1.7 SIGNING: AES-GMAC, AES-CMAC, HMAC-SHA256 */
        static const uint8_t sign[] = { 3, 0, 2, 0, 1, 0, 0, 0 };
        uint8_t pre[6 + 32] = { 1, 0, 32, 0, 1, 0 };    /* §2.2.3.1.1: SHA-512, salt */
        uint8_t name[2 * SMB2_NETNAME_MAX];
        size_t nlen = strlen(server);

        if (nlen == 0 || nlen > SMB2_NETNAME_MAX)
                return -EINVAL;
        for (size_t i = 0; i < nlen; i++) {             /* ASCII to UTF-16LE */
                name[2 * i] = (uint8_t)server[i];
                name[2 * i + 1] = 0;
        }
        memcpy(pre + 6, salt, 32);
        size_t ctx_off = SMB2_HDR_LEN + 36 + sizeof(dialects);
        ctx_off = (ctx_off + 7) & ~(size_t)7;
        size_t total = ctx_off + 8 + sizeof(pre);
        total = ((total + 7) & ~(size_t)7) + 8 + sizeof(enc);
        total = ((total + 7) & ~(size_t)7) + 8 + sizeof(sign);
        total = ((total + 7) & ~(size_t)7) + 8 + 2 * nlen;
        if (cap < 4 + total)
                return -ENOSPC;

        memset(buf, 0, 4 + total);
        nbss(buf, total);
        uint8_t *p = buf + 4;
        request_header(p, 0, SMB2_NEGOTIATE, 31, 0, 0);
        uint8_t *b = p + SMB2_HDR_LEN;
        le16(b, 36);                                    /* StructureSize */
        le16(b + 2, sizeof(dialects) / sizeof(dialects[0]));
        le16(b + 4, SMB2_SIGNING_ENABLED);
        le32(b + 8, 0x7f);      /* Capabilities: DFS .. ENCRYPTION (§2.2.3) */
        memcpy(b + 12, client_guid, 16);
        le32(b + 28, (uint32_t)ctx_off);
        le16(b + 32, 4);                                /* NegotiateContextCount */
        for (size_t i = 0; i < sizeof(dialects) / sizeof(dialects[0]); i++)
                le16(b + 36 + 2 * i, dialects[i]);
        size_t at = ctx_off;
        at += context(p + at, 0x0001, pre, sizeof(pre));        /* PREAUTH_INTEGRITY */
        at = (at + 7) & ~(size_t)7;
        at += context(p + at, 0x0002, enc, sizeof(enc));        /* ENCRYPTION */
        at = (at + 7) & ~(size_t)7;
        at += context(p + at, 0x0008, sign, sizeof(sign));      /* SIGNING */
        at = (at + 7) & ~(size_t)7;
        context(p + at, 0x0005, name, 2 * nlen);                /* NETNAME */
        return (ssize_t)(4 + total);
}

ssize_t smb2_session_setup_ntlm_negotiate(uint8_t *buf, size_t cap, uint64_t message_id)
{
        /* SPNEGO NegTokenInit (RFC 4178 §4.2.1) in a GSS-API InitialContextToken
         * (RFC 2743 §3.1), mechTypes = { NTLMSSP 1.3.6.1.4.1.311.2.2.10 },
         * mechToken = the NTLMSSP NEGOTIATE; as smbclient 4.17 sends it. */
        static const uint8_t spnego_head[] = {
                0x60, 0x48, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02,
                0xa0, 0x3e, 0x30, 0x3c, 0xa0, 0x0e, 0x30, 0x0c,
                0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a,
                0xa2, 0x2a, 0x04, 0x28,
        };
        const size_t ntlm_len = 40, body = 24;
        const size_t sec = sizeof(spnego_head) + ntlm_len;
        const size_t total = SMB2_HDR_LEN + body + sec;

        if (cap < 4 + total)
                return -ENOSPC;
        memset(buf, 0, 4 + total);
        nbss(buf, total);
        uint8_t *p = buf + 4;
        /* credits and the priority flag as smbclient asks (§2.2.1.2) */
        request_header(p, 1, SMB2_SESSION_SETUP, 0x2000, 0x10, message_id);
        uint8_t *b = p + SMB2_HDR_LEN;
        le16(b, 25);                                    /* StructureSize, §2.2.5 */
        b[2] = 0;                                       /* Flags */
        b[3] = SMB2_SIGNING_ENABLED;                    /* SecurityMode */
        le32(b + 4, 0x1);                               /* Capabilities: DFS */
        le16(b + 12, SMB2_HDR_LEN + body);              /* SecurityBufferOffset */
        le16(b + 14, (uint16_t)sec);
        memcpy(b + body, spnego_head, sizeof(spnego_head));
        if (ntlmssp_negotiate(b + body + sizeof(spnego_head), ntlm_len) != (ssize_t)ntlm_len)
                return -ENOSPC;
        return (ssize_t)(4 + total);
}
