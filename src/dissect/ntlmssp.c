/* ntlmssp.c - the NTLMSSP CHALLENGE message (MS-NLMP §2.2.1.2) a server
 * sends during SMB2 SESSION_SETUP (or RDP CredSSP) before any credential is
 * given: it names the server's OS build and its NetBIOS/DNS names. Also the
 * NEGOTIATE message (§2.2.1.1) that asks for it.
 *
 * CHALLENGE layout (little-endian; offsets from the "NTLMSSP\0" signature):
 *    0 Signature "NTLMSSP\0"        8 MessageType = 2
 *   12 TargetNameFields (len, maxlen, offset)      20 NegotiateFlags
 *   24 ServerChallenge (8)         32 Reserved (8)
 *   40 TargetInfoFields (len, maxlen, offset)
 *   48 Version (8), meaningful only with NTLMSSP_NEGOTIATE_VERSION (§2.2.2.10:
 *      major u8, minor u8, build le16, 3 reserved, NTLMRevisionCurrent u8)
 * TargetInfo is a list of AV_PAIRs (§2.2.2.1: AvId le16, AvLen le16, value)
 * ended by MsvAvEOL; the name values are UTF-16LE without a terminator.
 *
 * UTF-16LE is converted to UTF-8 here (the sink stores bytes): a surrogate
 * pair becomes one 4-byte sequence; an unpaired surrogate, or an odd last
 * byte, becomes U+FFFD (the replacement character), so the value is always
 * valid UTF-8. The output stops at a character boundary within
 * OBS_VALUE_MAX bytes; trailing U+0000 are dropped.
 *
 * Observations (source given by the caller, ctx->src_mac):
 *   ntlm.os_version        "major.minor.build" from VERSION ("10.0.19045")
 *   ntlm.netbios_computer  MsvAvNbComputerName (1)
 *   ntlm.netbios_domain    MsvAvNbDomainName (2)
 *   ntlm.dns_computer      MsvAvDnsComputerName (3)
 *   ntlm.dns_domain        MsvAvDnsDomainName (4)
 *   ntlm.dns_tree          MsvAvDnsTreeName (5)
 * A field that points past the window is TRUNCATED (the caller decides
 * whether its window was whole); a TargetInfo without MsvAvEOL is MALFORMED.
 *
 * RDP: with Network Level Authentication the server's first TSRequest
 * (MS-CSSP §2.2.1, DER, inside TLS after the X.224 exchange) carries the same
 * CHALLENGE in negoTokens; parse_rdp_credssp reads it (source PROTO_RDP) and
 * records rdp.credssp_version, the TSRequest version (2..6). Before TLS,
 * the X.224 Connection Confirm (MS-RDPBCGR §2.2.1.2) says which security the
 * server chose (parse_rdp_x224: rdp.protocol, rdp.neg_failure); the requests
 * for both steps are built here too.
 */
#include "netinv/banner.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define NTLM_SIG                "NTLMSSP"       /* 8 bytes with its NUL, §2.2.1 */
#define NTLM_SIG_LEN            8
#define NTLM_NEGOTIATE          1u              /* MessageType, §2.2.1.1 */
#define NTLM_CHALLENGE          2u              /* §2.2.1.2 */
#define NTLM_CHALLENGE_HDR      48              /* up to Version */
#define NTLMSSP_NEGOTIATE_VERSION 0x02000000u   /* §2.2.2.5 flag T */
#define NTLM_AV_EOL             0               /* §2.2.2.1 AvId values */
#define NTLM_AV_NB_COMPUTER     1
#define NTLM_AV_NB_DOMAIN       2
#define NTLM_AV_DNS_COMPUTER    3
#define NTLM_AV_DNS_DOMAIN      4
#define NTLM_AV_DNS_TREE        5
#define NTLM_AV_PAIRS_MAX       32u             /* Windows sends 6-8 */

/* MS-CSSP §2.2.1 TSRequest fields (context tags) and DER types (X.690). */
#define CSSP_VERSION            0xa0
#define CSSP_NEGO_TOKENS        0xa1
#define CSSP_NEGO_TOKEN         0xa0    /* inside NegoData */
#define DER_INTEGER             0x02
#define DER_OCTETS              0x04
#define DER_SEQUENCE            0x30

/* The flags smbclient 4.17 puts in its NEGOTIATE (0x62088215): UNICODE,
 * REQUEST_TARGET, SIGN, NTLM, ALWAYS_SIGN, EXTENDED_SESSIONSECURITY,
 * VERSION, 128, KEY_EXCH (§2.2.2.5). */
#define NTLM_NEGOTIATE_FLAGS    0x62088215u

static const char *const av_keys[] = {
        [NTLM_AV_NB_COMPUTER] = "ntlm.netbios_computer",
        [NTLM_AV_NB_DOMAIN] = "ntlm.netbios_domain",
        [NTLM_AV_DNS_COMPUTER] = "ntlm.dns_computer",
        [NTLM_AV_DNS_DOMAIN] = "ntlm.dns_domain",
        [NTLM_AV_DNS_TREE] = "ntlm.dns_tree",
};

/* Append code point cp as UTF-8 if it fits; false when it does not. */
static bool put_utf8(uint8_t *out, size_t cap, size_t *n, uint32_t cp)
{
        uint8_t b[4];
        size_t k;
        if (cp < 0x80) {
                b[0] = (uint8_t)cp;
                k = 1;
        } else if (cp < 0x800) {
                b[0] = (uint8_t)(0xc0 | (cp >> 6));
                b[1] = (uint8_t)(0x80 | (cp & 0x3f));
                k = 2;
        } else if (cp < 0x10000) {
                b[0] = (uint8_t)(0xe0 | (cp >> 12));
                b[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
                b[2] = (uint8_t)(0x80 | (cp & 0x3f));
                k = 3;
        } else {
                b[0] = (uint8_t)(0xf0 | (cp >> 18));
                b[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
                b[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
                b[3] = (uint8_t)(0x80 | (cp & 0x3f));
                k = 4;
        }
        if (cap - *n < k)
                return false;
        memcpy(out + *n, b, k);
        *n += k;
        return true;
}

#define UTF_REPLACEMENT 0xfffdu

/* UTF-16LE (the whole window) to UTF-8 in out; the length written. */
static size_t utf16le_to_utf8(struct cursor v, uint8_t *out, size_t cap)
{
        size_t n = 0, last_nonzero = 0;
        while (cur_ok(&v) && cur_left(&v) > 0) {
                uint32_t cp;
                if (cur_left(&v) == 1) {
                        cur_skip(&v, 1);
                        cp = UTF_REPLACEMENT;           /* odd length */
                } else {
                        uint16_t u = cur_le16(&v);
                        cp = u;
                        if (u >= 0xd800 && u <= 0xdbff) {
                                uint8_t lo;
                                /* a high surrogate wants a low one next */
                                if (cur_left(&v) >= 2 && cur_peek_u8(&v, 1, &lo) &&
                                    lo >= 0xdc && lo <= 0xdf) {
                                        uint16_t u2 = cur_le16(&v);
                                        cp = 0x10000u + (((uint32_t)u - 0xd800) << 10) +
                                             ((uint32_t)u2 - 0xdc00);
                                } else {
                                        cp = UTF_REPLACEMENT;
                                }
                        } else if (u >= 0xdc00 && u <= 0xdfff) {
                                cp = UTF_REPLACEMENT;   /* a low surrogate alone */
                        }
                }
                if (!put_utf8(out, cap, &n, cp))
                        break;
                if (cp != 0)
                        last_nonzero = n;
        }
        return last_nonzero;
}

/* The (len, maxlen, offset) triple of §2.2.1.2 as a cursor over the field,
 * from the message start `m`. */
static struct cursor field(const struct cursor *m, uint16_t len, uint32_t off)
{
        struct cursor f = *m;
        cur_skip(&f, off);
        return cur_sub(&f, len);
}

static enum dissect_res target_info(struct cursor ti, const struct frame_ctx *ctx,
                                    struct obs_sink *s, enum proto src)
{
        uint8_t out[OBS_VALUE_MAX];
        for (unsigned i = 0; cur_ok(&ti) && i < NTLM_AV_PAIRS_MAX; i++) {
                uint16_t id = cur_le16(&ti);
                uint16_t len = cur_le16(&ti);
                struct cursor val = cur_sub(&ti, len);
                if (!cur_ok(&ti))
                        break;
                if (id == NTLM_AV_EOL)
                        return DISSECT_OK;
                if (id < sizeof(av_keys) / sizeof(av_keys[0]) && av_keys[id]) {
                        size_t n = utf16le_to_utf8(val, out, sizeof(out));
                        if (n > 0)
                                obs_attr(s, ctx->src_mac, src, av_keys[id], out, n);
                }
        }
        /* Ran out (or past the pair cap) before MsvAvEOL: the list is bad. */
        return cur_ok(&ti) && cur_left(&ti) > 0 ? DISSECT_OK : DISSECT_MALFORMED;
}

enum dissect_res ntlmssp_challenge(struct cursor *c, const struct frame_ctx *ctx,
                                   struct obs_sink *s, enum proto src)
{
        uint8_t sig[NTLM_SIG_LEN];
        const struct cursor m = *c;

        cur_copy(c, sig, sizeof(sig));
        uint32_t type = cur_le32(c);
        if (!cur_ok(c))
                return DISSECT_TRUNCATED;
        if (memcmp(sig, NTLM_SIG, NTLM_SIG_LEN) != 0 || type != NTLM_CHALLENGE)
                return DISSECT_IGNORED;
        cur_skip(c, 8);                                 /* TargetNameFields */
        uint32_t flags = cur_le32(c);
        cur_skip(c, 16);                                /* ServerChallenge, Reserved */
        uint16_t ti_len = cur_le16(c);
        cur_skip(c, 2);                                 /* MaxLen */
        uint32_t ti_off = cur_le32(c);
        if (!cur_ok(c))
                return DISSECT_TRUNCATED;

        if (flags & NTLMSSP_NEGOTIATE_VERSION) {
                uint8_t major = cur_u8(c);
                uint8_t minor = cur_u8(c);
                uint16_t build = cur_le16(c);
                cur_skip(c, 4);                         /* reserved, revision */
                if (!cur_ok(c))
                        return DISSECT_TRUNCATED;
                if (major || minor || build) {
                        char v[24];
                        int w = snprintf(v, sizeof(v), "%u.%u.%u", major, minor, build);
                        obs_attr(s, ctx->src_mac, src, "ntlm.os_version", v, (size_t)w);
                }
        }
        if (ti_len == 0)
                return DISSECT_OK;
        if (ti_off < NTLM_CHALLENGE_HDR)
                return DISSECT_MALFORMED;               /* overlaps the fixed part */
        struct cursor ti = field(&m, ti_len, ti_off);
        if (!cur_ok(&ti))
                return DISSECT_TRUNCATED;
        return target_info(ti, ctx, s, src);
}

enum dissect_res parse_ntlmssp(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s)
{
        return ntlmssp_challenge(c, ctx, s, PROTO_SMB);
}

/* One DER TLV that must carry `want`, inside a window known whole. */
static bool der(struct cursor *c, uint8_t want, struct cursor *ret_val)
{
        uint8_t tag;
        return ber_tlv(c, &tag, ret_val) == DISSECT_OK && tag == want;
}

/* negoTokens [1] NegoData: SEQUENCE OF SEQUENCE { negoToken [0] OCTET STRING };
 * the first token is the NTLMSSP message. */
static enum dissect_res nego_tokens(struct cursor f, const struct frame_ctx *ctx,
                                    struct obs_sink *s)
{
        struct cursor list, item, tagged, tok;
        if (!der(&f, DER_SEQUENCE, &list) || !der(&list, DER_SEQUENCE, &item) ||
            !der(&item, CSSP_NEGO_TOKEN, &tagged) || !der(&tagged, DER_OCTETS, &tok))
                return DISSECT_MALFORMED;
        enum dissect_res r = ntlmssp_challenge(&tok, ctx, s, PROTO_RDP);
        return r == DISSECT_TRUNCATED ? DISSECT_MALFORMED : r;  /* the token was whole */
}

enum dissect_res parse_rdp_credssp(struct cursor *c, const struct frame_ctx *ctx,
                                   struct obs_sink *s)
{
        struct cursor req, f, v;
        uint8_t tag;
        enum dissect_res res = DISSECT_IGNORED;

        enum dissect_res r = ber_tlv(c, &tag, &req);
        if (r != DISSECT_OK)
                return r;
        if (tag != DER_SEQUENCE)
                return DISSECT_IGNORED;
        /* version [0], negoTokens [1], authInfo [2], pubKeyAuth [3],
         * errorCode [4], clientNonce [5]: at most one of each */
        for (unsigned i = 0; i < 6 && cur_ok(&req) && cur_left(&req) > 0; i++) {
                if (ber_tlv(&req, &tag, &f) != DISSECT_OK)
                        return DISSECT_MALFORMED;       /* runs past the whole TSRequest */
                if (tag == CSSP_VERSION) {
                        if (!der(&f, DER_INTEGER, &v) || cur_left(&v) == 0 || cur_left(&v) > 4)
                                return DISSECT_MALFORMED;
                        uint32_t ver = 0;
                        while (cur_ok(&v) && cur_left(&v) > 0)
                                ver = (ver << 8) | cur_u8(&v);
                        char text[12];
                        int w = snprintf(text, sizeof(text), "%u", ver);
                        obs_attr(s, ctx->src_mac, PROTO_RDP, "rdp.credssp_version", text,
                                 (size_t)w);
                        res = DISSECT_OK;
                } else if (tag == CSSP_NEGO_TOKENS) {
                        r = nego_tokens(f, ctx, s);
                        if (r == DISSECT_MALFORMED)
                                return r;       /* IGNORED: a token that is no CHALLENGE */
                }
        }
        return res;
}

ssize_t ntlmssp_negotiate(uint8_t *buf, size_t cap)
{
        /* 40 bytes: signature, type, flags, empty DomainNameFields and
         * WorkstationFields (offset 40, the payload start), and the Version
         * smbclient 4.17 sends: 6.1 build 0, NTLMSSP_REVISION_W2K3 (15). */
        static const uint8_t msg[40] = {
                'N', 'T', 'L', 'M', 'S', 'S', 'P', 0,
                NTLM_NEGOTIATE, 0, 0, 0,
                NTLM_NEGOTIATE_FLAGS & 0xff, (NTLM_NEGOTIATE_FLAGS >> 8) & 0xff,
                (NTLM_NEGOTIATE_FLAGS >> 16) & 0xff, NTLM_NEGOTIATE_FLAGS >> 24,
                0, 0, 0, 0, 40, 0, 0, 0,                /* DomainNameFields */
                0, 0, 0, 0, 40, 0, 0, 0,                /* WorkstationFields */
                6, 1, 0, 0, 0, 0, 0, 15,                /* Version, §2.2.2.10 */
        };
        if (cap < sizeof(msg))
                return -ENOSPC;
        memcpy(buf, msg, sizeof(msg));
        return (ssize_t)sizeof(msg);
}

/* ---- RDP: X.224 connection (MS-RDPBCGR §2.2.1.1, §2.2.1.2) ---- */

#define TPKT_VERSION            3       /* RFC 1006 §6 */
#define X224_CR                 0xe0    /* ITU-T X.224 §13.3: Connection Request */
#define X224_CC                 0xd0    /* Connection Confirm */
#define RDP_NEG_RSP             0x02    /* MS-RDPBCGR §2.2.1.2.1 */
#define RDP_NEG_FAILURE         0x03    /* §2.2.1.2.2 */
#define RDP_NEG_LEN             8

enum dissect_res rdp_x224_confirm(struct cursor *c, uint32_t *ret_protocol,
                                  uint32_t *ret_failure)
{
        uint8_t ver = cur_u8(c);
        cur_skip(c, 1);
        uint16_t len = cur_be16(c);
        if (!cur_ok(c))
                return DISSECT_TRUNCATED;
        if (ver != TPKT_VERSION)
                return DISSECT_IGNORED;
        if (len < 4 + 7)
                return DISSECT_MALFORMED;
        struct cursor t = cur_sub(c, (size_t)len - 4);
        if (!cur_ok(c))
                return DISSECT_TRUNCATED;
        uint8_t li = cur_u8(&t);
        uint8_t code = cur_u8(&t);
        cur_skip(&t, 5);                                /* dst-ref, src-ref, class */
        if (!cur_ok(&t) || li < 6 || (code & 0xf0) != X224_CC)
                return DISSECT_MALFORMED;
        if (li == 6) {                                  /* no RDP_NEG_*: standard RDP */
                *ret_protocol = 0;
                *ret_failure = 0;
                return DISSECT_OK;
        }
        uint8_t type = cur_u8(&t);
        cur_skip(&t, 1);                                /* flags */
        uint16_t nlen = cur_le16(&t);
        uint32_t v = cur_le32(&t);
        if (!cur_ok(&t) || nlen != RDP_NEG_LEN)
                return DISSECT_MALFORMED;
        if (type == RDP_NEG_RSP) {
                *ret_protocol = v;
                *ret_failure = 0;
        } else if (type == RDP_NEG_FAILURE) {
                *ret_protocol = 0;
                *ret_failure = v;
        } else {
                return DISSECT_MALFORMED;
        }
        return DISSECT_OK;
}

enum dissect_res parse_rdp_x224(struct cursor *c, const struct frame_ctx *ctx,
                                struct obs_sink *s)
{
        /* §2.2.1.1.1 requestedProtocols / selectedProtocol values */
        static const char *const protocols[] = {
                [0] = "rdp", [1] = "ssl", [2] = "hybrid", [4] = "rdstls", [8] = "hybrid_ex",
        };
        /* §2.2.1.2.2 failureCode values */
        static const char *const failures[] = {
                [1] = "ssl_required_by_server", [2] = "ssl_not_allowed_by_server",
                [3] = "ssl_cert_not_on_server", [4] = "inconsistent_flags",
                [5] = "hybrid_required_by_server", [6] = "ssl_with_user_auth_required_by_server",
        };
        uint32_t proto, fail;
        char text[16];
        const char *v;

        enum dissect_res r = rdp_x224_confirm(c, &proto, &fail);
        if (r != DISSECT_OK)
                return r;
        if (fail) {
                v = fail < sizeof(failures) / sizeof(failures[0]) && failures[fail]
                            ? failures[fail] : NULL;
                if (!v)
                        snprintf(text, sizeof(text), "0x%08x", fail);
                obs_attr_str(s, ctx->src_mac, PROTO_RDP, "rdp.neg_failure", v ? v : text);
                return DISSECT_OK;
        }
        v = proto < sizeof(protocols) / sizeof(protocols[0]) && protocols[proto] ? protocols[proto]
                                                                                   : NULL;
        if (!v)
                snprintf(text, sizeof(text), "0x%08x", proto);
        obs_attr_str(s, ctx->src_mac, PROTO_RDP, "rdp.protocol", v ? v : text);
        return DISSECT_OK;
}

ssize_t rdp_x224_request(uint8_t *buf, size_t cap, uint32_t protocols)
{
        /* TPKT, X.224 CR (LI 14, no cookie), RDP_NEG_REQ (§2.2.1.1.1) */
        static const uint8_t head[] = { TPKT_VERSION, 0, 0, 19, 14, X224_CR, 0, 0, 0, 0, 0,
                                        0x01, 0, RDP_NEG_LEN, 0 };
        if (cap < 19)
                return -ENOSPC;
        memcpy(buf, head, sizeof(head));
        for (int i = 0; i < 4; i++)
                buf[15 + i] = (uint8_t)(protocols >> (8 * i));
        return 19;
}

ssize_t rdp_credssp_negotiate(uint8_t *buf, size_t cap)
{
        /* TSRequest { version [0] 6, negoTokens [1] { { [0] OCTET STRING
         * NTLMSSP NEGOTIATE } } } (MS-CSSP §2.2.1); every length short form. */
        static const uint8_t head[] = {
                DER_SEQUENCE, 0x37, CSSP_VERSION, 0x03, DER_INTEGER, 0x01, 0x06,
                CSSP_NEGO_TOKENS, 0x30, DER_SEQUENCE, 0x2e, DER_SEQUENCE, 0x2c,
                CSSP_NEGO_TOKEN, 0x2a, DER_OCTETS, 0x28,
        };
        if (cap < sizeof(head) + 40)
                return -ENOSPC;
        memcpy(buf, head, sizeof(head));
        if (ntlmssp_negotiate(buf + sizeof(head), 40) != 40)
                return -ENOSPC;
        return (ssize_t)(sizeof(head) + 40);
}
