/* snmp.c - the answer to an SNMP v2c GET of the system group (RFC 3416,
 * RFC 3418 §2), the BER reader (X.690 §8.1) the SMB/RDP code shares, and
 * the GetRequest builder the probe sends.
 *
 * Message (RFC 3416 §3 via RFC 1901 §3 for v2c, RFC 1157 §4 for v1):
 *   SEQUENCE { INTEGER version (0 = v1, 1 = v2c), OCTET STRING community,
 *              GetResponse-PDU [2] IMPLICIT SEQUENCE { request-id, error-status,
 *              error-index, SEQUENCE OF SEQUENCE { OID name, value } } }
 * The structure is walked level by level (no recursion), so nesting cannot
 * go deeper than the five levels the message has. Lengths are definite only;
 * the long form may use at most BER_LEN_BYTES_MAX bytes. v3 messages and
 * other PDUs are IGNORED.
 *
 * Observations (PROTO_SNMP, ctx->src_mac): snmp.version ("1" or "2c": the
 * agent answered that version with the probe's community; the community
 * itself is a secret and is never recorded), snmp.sys_descr (sysDescr.0,
 * 1.3.6.1.2.1.1.1.0), snmp.sys_object_id (sysObjectID.0, 1.3.6.1.2.1.1.2.0,
 * as dotted text), snmp.sys_name (sysName.0, 1.3.6.1.2.1.1.5.0). Varbinds
 * holding noSuchObject, noSuchInstance or endOfMibView (RFC 3416 §3) and
 * other OIDs are skipped; at most SNMP_VARBINDS_MAX are read.
 */
#include "netinv/banner.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* X.690 §8.1.2 identifier octets (universal class) and RFC 3416 §3 PDU tags. */
#define BER_INTEGER     0x02
#define BER_OCTETS      0x04
#define BER_NULL        0x05
#define BER_OID         0x06
#define BER_SEQUENCE    0x30
#define BER_TAG_HIGH    0x1f    /* §8.1.2.4: tag number in following octets */
#define BER_LEN_LONG    0x80    /* §8.1.3.5 */
#define SNMP_PDU_GET            0xa0    /* [0] GetRequest-PDU */
#define SNMP_PDU_RESPONSE       0xa2    /* [2] Response-PDU */
#define SNMP_VERSION_1  0       /* RFC 1157 §4 */
#define SNMP_VERSION_2C 1       /* RFC 1901 §3 */

#define SNMP_VARBINDS_MAX 64u

/* The system group objects read (RFC 3418 §2), BER content of the OIDs. */
static const uint8_t oid_sys_descr[] = { 0x2b, 6, 1, 2, 1, 1, 1, 0 };
static const uint8_t oid_sys_object_id[] = { 0x2b, 6, 1, 2, 1, 1, 2, 0 };
static const uint8_t oid_sys_name[] = { 0x2b, 6, 1, 2, 1, 1, 5, 0 };

enum dissect_res ber_tlv(struct cursor *c, uint8_t *ret_tag, struct cursor *ret_val)
{
        uint8_t tag = cur_u8(c);
        uint8_t l0 = cur_u8(c);
        if (!cur_ok(c))
                return DISSECT_TRUNCATED;
        if ((tag & BER_TAG_HIGH) == BER_TAG_HIGH)
                return DISSECT_MALFORMED;
        size_t len = l0;
        if (l0 & BER_LEN_LONG) {
                unsigned nb = l0 & 0x7fu;
                if (nb == 0 || nb > BER_LEN_BYTES_MAX)
                        return DISSECT_MALFORMED;       /* indefinite, or > 2^32 */
                len = 0;
                for (unsigned i = 0; i < nb; i++)
                        len = (len << 8) | cur_u8(c);
                if (!cur_ok(c))
                        return DISSECT_TRUNCATED;
        }
        struct cursor v = cur_sub(c, len);
        if (!cur_ok(c))
                return DISSECT_TRUNCATED;
        *ret_tag = tag;
        *ret_val = v;
        return DISSECT_OK;
}

/* A TLV that must carry `want`; MALFORMED when it carries another tag. */
static enum dissect_res expect(struct cursor *c, uint8_t want, struct cursor *ret_val)
{
        uint8_t tag;
        enum dissect_res r = ber_tlv(c, &tag, ret_val);
        if (r == DISSECT_OK && tag != want)
                return DISSECT_MALFORMED;
        return r;
}

/* A BER INTEGER content (X.690 §8.3) that fits 32 bits; false otherwise. */
static bool ber_int(struct cursor v, int32_t *ret)
{
        size_t n = cur_left(&v);
        if (n == 0 || n > 4)
                return false;
        uint32_t x = cur_u8(&v);
        uint32_t u = (x & 0x80) ? (0xffffff00u | x) : x;
        for (size_t i = 1; i < n; i++)
                u = (u << 8) | cur_u8(&v);
        if (!cur_ok(&v))
                return false;
        memcpy(ret, &u, sizeof(*ret));
        return true;
}

/* OID content (X.690 §8.19) as dotted text into buf (cut to fit); false when
 * malformed: empty, a sub-identifier over 32 bits or not minimal, or the
 * last one unterminated. */
static bool oid_text(struct cursor v, char *buf, size_t cap, size_t *ret_len)
{
        size_t n = 0;
        unsigned arcs = 0;

        if (cur_left(&v) == 0)
                return false;
        while (cur_ok(&v) && cur_left(&v) > 0) {
                uint32_t sub = 0;
                uint8_t b = cur_u8(&v);
                if (b == 0x80)
                        return false;                   /* §8.19.2: not minimal */
                for (;;) {
                        if (sub > (UINT32_MAX >> 7))
                                return false;
                        sub = (sub << 7) | (b & 0x7fu);
                        if (!(b & 0x80))
                                break;
                        if (cur_left(&v) == 0)
                                return false;           /* unterminated */
                        b = cur_u8(&v);
                }
                int w;
                if (arcs++ == 0) {              /* §8.19.4: first two arcs in one */
                        uint32_t x = sub < 40 ? 0 : sub < 80 ? 1 : 2;
                        w = snprintf(buf + n, cap - n, "%u.%u", x, sub - 40 * x);
                } else {
                        w = snprintf(buf + n, cap - n, ".%u", sub);
                }
                if (w < 0 || (size_t)w >= cap - n)
                        break;                          /* keep what fits */
                n += (size_t)w;
                if (arcs >= SNMP_OID_ARCS_MAX)
                        break;
        }
        *ret_len = n;
        return true;
}

static bool same(struct cursor v, const uint8_t *lit, size_t n)
{
        uint8_t b[16];
        if (cur_left(&v) != n || n > sizeof(b))
                return false;
        cur_copy(&v, b, n);
        return memcmp(b, lit, n) == 0;
}

static enum dissect_res varbind(struct cursor *list, const struct frame_ctx *ctx,
                                struct obs_sink *s)
{
        struct cursor vb, name, val;
        uint8_t tag;
        enum dissect_res r = expect(list, BER_SEQUENCE, &vb);
        if (r == DISSECT_OK)
                r = expect(&vb, BER_OID, &name);
        if (r == DISSECT_OK)
                r = ber_tlv(&vb, &tag, &val);
        if (r != DISSECT_OK)
                return r;

        const char *key = NULL;
        if (same(name, oid_sys_descr, sizeof(oid_sys_descr)))
                key = "snmp.sys_descr";
        else if (same(name, oid_sys_name, sizeof(oid_sys_name)))
                key = "snmp.sys_name";
        if (key && tag == BER_OCTETS) {
                size_t n = cur_left(&val);
                const uint8_t *p = cur_view(&val, n);
                if (p && n > 0)
                        obs_attr(s, ctx->src_mac, PROTO_SNMP, key, p, n);
        } else if (tag == BER_OID && same(name, oid_sys_object_id, sizeof(oid_sys_object_id))) {
                char text[OBS_VALUE_MAX];
                size_t n;
                if (!oid_text(val, text, sizeof(text), &n))
                        return DISSECT_MALFORMED;
                obs_attr(s, ctx->src_mac, PROTO_SNMP, "snmp.sys_object_id", text, n);
        }
        return DISSECT_OK;
}

/* Inside the message, which the outer TLV showed whole. */
static enum dissect_res message(struct cursor msg, const struct frame_ctx *ctx,
                                struct obs_sink *s)
{
        struct cursor ver, community, pdu, f, list;
        uint8_t tag;
        int32_t version, x;

        enum dissect_res r = expect(&msg, BER_INTEGER, &ver);
        if (r != DISSECT_OK)
                return r;
        if (!ber_int(ver, &version))
                return DISSECT_MALFORMED;
        if (version != SNMP_VERSION_1 && version != SNMP_VERSION_2C)
                return DISSECT_IGNORED;                 /* v3: another layout */
        r = expect(&msg, BER_OCTETS, &community);       /* never read */
        if (r == DISSECT_OK)
                r = ber_tlv(&msg, &tag, &pdu);
        if (r != DISSECT_OK)
                return r;
        if (tag != SNMP_PDU_RESPONSE)
                return DISSECT_IGNORED;
        obs_attr_str(s, ctx->src_mac, PROTO_SNMP, "snmp.version",
                     version == SNMP_VERSION_1 ? "1" : "2c");
        for (int i = 0; i < 3; i++) {                   /* request-id, error-status, -index */
                r = expect(&pdu, BER_INTEGER, &f);
                if (r != DISSECT_OK)
                        return r;
                if (!ber_int(f, &x))
                        return DISSECT_MALFORMED;
        }
        r = expect(&pdu, BER_SEQUENCE, &list);
        for (unsigned i = 0; r == DISSECT_OK && cur_ok(&list) && cur_left(&list) > 0 &&
                             i < SNMP_VARBINDS_MAX; i++)
                r = varbind(&list, ctx, s);
        return r;
}

enum dissect_res parse_snmp(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s)
{
        struct cursor msg;
        enum dissect_res r = expect(c, BER_SEQUENCE, &msg);
        if (r != DISSECT_OK)
                return r;
        r = message(msg, ctx, s);
        /* A TLV running past its container is a lie, not a cut. */
        return r == DISSECT_TRUNCATED ? DISSECT_MALFORMED : r;
}

/* ---- GetRequest builder ---- */

struct wbuf {
        uint8_t *p;
        size_t cap, n;
};

static void put(struct wbuf *w, uint8_t b)
{
        if (w->n < w->cap)
                w->p[w->n] = b;
        w->n++;                 /* counts on, so overflow is seen at the end */
}

/* X.690 §8.1.3: short form below 128, else the fewest long-form bytes. */
static size_t len_size(size_t len)
{
        return len < 0x80 ? 1 : len <= 0xff ? 2 : len <= 0xffff ? 3 : 4;
}

static void put_len(struct wbuf *w, size_t len)
{
        size_t n = len_size(len);
        if (n > 1)
                put(w, (uint8_t)(BER_LEN_LONG | (n - 1)));
        for (size_t i = n - 1; i > 0; i--)
                put(w, (uint8_t)(len >> (8 * (i - 1))));
        if (n == 1)
                put(w, (uint8_t)len);
}

static size_t tlv_size(size_t content) { return 1 + len_size(content) + content; }

/* Minimal two's complement (X.690 §8.3.2). */
static size_t int_size(int32_t v)
{
        size_t n = 4;
        while (n > 1) {
                int32_t top = v >> (8 * (n - 1) - 1);   /* the top 9 bits, sign-extended */
                if (top != 0 && top != -1)
                        break;
                n--;
        }
        return n;
}

static void put_int(struct wbuf *w, int32_t v)
{
        size_t n = int_size(v);
        uint32_t u;
        memcpy(&u, &v, sizeof(u));
        put(w, BER_INTEGER);
        put_len(w, n);
        for (size_t i = n; i > 0; i--)
                put(w, (uint8_t)(u >> (8 * (i - 1))));
}

static size_t subid_size(uint32_t v)
{
        size_t n = 1;
        while (v >>= 7)
                n++;
        return n;
}

static void put_subid(struct wbuf *w, uint32_t v)
{
        for (size_t i = subid_size(v); i > 0; i--)
                put(w, (uint8_t)(((v >> (7 * (i - 1))) & 0x7f) | (i > 1 ? 0x80 : 0)));
}

/* Content length of an OID, 0 when it cannot be encoded. */
static size_t oid_size(const uint32_t *arcs, size_t n)
{
        if (n < 2 || n > SNMP_OID_ARCS_MAX || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39) ||
            arcs[1] > UINT32_MAX - 80)
                return 0;
        size_t len = subid_size(arcs[0] * 40 + arcs[1]);
        for (size_t i = 2; i < n; i++)
                len += subid_size(arcs[i]);
        return len;
}

ssize_t snmp_get_request(uint8_t *buf, size_t cap, const char *community, int32_t request_id,
                         const uint32_t *const oids[], const size_t oid_len[], size_t n_oids)
{
        size_t olen[SNMP_GET_OIDS_MAX], vb_total = 0;
        size_t clen = strlen(community);

        if (n_oids == 0 || n_oids > SNMP_GET_OIDS_MAX || clen > SNMP_COMMUNITY_MAX)
                return -EINVAL;
        for (size_t i = 0; i < n_oids; i++) {
                olen[i] = oid_size(oids[i], oid_len[i]);
                if (olen[i] == 0)
                        return -EINVAL;
                vb_total += tlv_size(tlv_size(olen[i]) + 2);    /* name + NULL */
        }
        size_t pdu = tlv_size(int_size(request_id)) + 3 + 3 + tlv_size(vb_total);
        size_t msg = 3 + tlv_size(clen) + tlv_size(pdu);

        struct wbuf w = { .p = buf, .cap = cap, .n = 0 };
        put(&w, BER_SEQUENCE);
        put_len(&w, msg);
        put_int(&w, SNMP_VERSION_2C);
        put(&w, BER_OCTETS);
        put_len(&w, clen);
        for (size_t i = 0; i < clen; i++)
                put(&w, (uint8_t)community[i]);
        put(&w, SNMP_PDU_GET);
        put_len(&w, pdu);
        put_int(&w, request_id);
        put_int(&w, 0);                                 /* error-status */
        put_int(&w, 0);                                 /* error-index */
        put(&w, BER_SEQUENCE);
        put_len(&w, vb_total);
        for (size_t i = 0; i < n_oids; i++) {
                put(&w, BER_SEQUENCE);
                put_len(&w, tlv_size(olen[i]) + 2);
                put(&w, BER_OID);
                put_len(&w, olen[i]);
                put_subid(&w, oids[i][0] * 40 + oids[i][1]);
                for (size_t k = 2; k < oid_len[i]; k++)
                        put_subid(&w, oids[i][k]);
                put(&w, BER_NULL);                      /* unSpecified value */
                put(&w, 0);
        }
        if (w.n > cap)
                return -ENOSPC;
        return (ssize_t)w.n;
}
