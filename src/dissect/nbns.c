/* nbns.c - NetBIOS name service NODE STATUS RESPONSE (RFC 1002 §4.2.18),
 * the answer to the NBSTAT query the NBNS probe sends to UDP port 137, and
 * that request's builder (§4.2.17).
 *
 * The cursor covers one UDP payload to or from port 137. Only responses
 * (R bit set, opcode 0 query) whose first answer has RR_TYPE NBSTAT are
 * read; everything else NBNS says (name queries, registrations) is IGNORED.
 * The answer's RR_NAME is a (possibly scoped) NetBIOS-encoded name, walked
 * label by label (at most 255 bytes, labels <= 63, a compression pointer
 * ends it). RDATA: NUM_NAMES, then NUM_NAMES NODE_NAME entries of 18 bytes
 * (15-byte name padded with spaces, suffix byte, NAME_FLAGS), then the
 * STATISTICS whose first 6 bytes are the UNIT_ID, the MAC the host reports.
 *
 * Observations (PROTO_NBNS, ctx->src_mac):
 *   nbns.names      each active name with its suffix: "WINBOX<20>"
 *   nbns.name       the unique <00> name (the workstation name); also a hostname
 *   nbns.workgroup  the group <00> name (workgroup or domain)
 *   nbns.mac        the UNIT_ID as aa:bb:cc:dd:ee:ff, unless all zero (Samba)
 *   an IPv4 address: the source address of an IPv4 response
 * Names are emitted as their bytes (trailing spaces cut); making them safe
 * for output is output/sanitize.c's job.
 */
#include "netinv/banner.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netinv/util.h"

#define NBNS_HDR_LEN            12      /* RFC 1002 §4.2.1.1 */
#define NBNS_FLAG_RESPONSE      0x8000  /* R */
#define NBNS_OPCODE(f)          (((f) >> 11) & 0xfu)
#define NBNS_OPCODE_QUERY       0
#define NBNS_RR_NBSTAT          0x0021  /* §4.2.1.3 */
#define NBNS_CLASS_IN           0x0001
#define NBNS_NAME_FLAG_GROUP    0x8000  /* §4.2.18 NAME_FLAGS G */
#define NBNS_NAME_FLAG_DRG      0x1000  /* being deregistered */
#define NBNS_NODE_NAME_LEN      15
#define NBNS_NAME_MAX           255u    /* RFC 1002 §4.1 via RFC 883 */
#define NBNS_LABEL_MAX          63u
#define NBNS_LABEL_PTR          0xc0

/* Skip a domain-style name; false when malformed (too long, a reserved
 * label type). Truncation shows in the cursor. */
static bool skip_name(struct cursor *c)
{
        size_t total = 0;
        while (cur_ok(c)) {
                uint8_t len = cur_u8(c);
                if (len == 0)
                        return true;
                if ((len & NBNS_LABEL_PTR) == NBNS_LABEL_PTR) {
                        cur_skip(c, 1);         /* a pointer ends the name */
                        return true;
                }
                if (len > NBNS_LABEL_MAX)
                        return false;
                total += (size_t)len + 1;
                if (total > NBNS_NAME_MAX)
                        return false;
                cur_skip(c, len);
        }
        return true;
}

static void node_name(struct cursor *rd, const struct frame_ctx *ctx, struct obs_sink *s,
                      bool *ret_named)
{
        uint8_t name[NBNS_NODE_NAME_LEN];
        char text[NBNS_NODE_NAME_LEN + 4];

        cur_copy(rd, name, sizeof(name));
        uint8_t suffix = cur_u8(rd);
        uint16_t flags = cur_be16(rd);
        if (!cur_ok(rd))
                return;
        size_t n = sizeof(name);
        while (n > 0 && (name[n - 1] == ' ' || name[n - 1] == 0))
                n--;
        if (n == 0)
                return;
        memcpy(text, name, n);
        snprintf(text + n, sizeof(text) - n, "<%02X>", suffix);
        obs_attr(s, ctx->src_mac, PROTO_NBNS, "nbns.names", text, n + 4);
        if (suffix != 0x00 || (flags & NBNS_NAME_FLAG_DRG))
                return;
        if (flags & NBNS_NAME_FLAG_GROUP) {
                obs_attr(s, ctx->src_mac, PROTO_NBNS, "nbns.workgroup", name, n);
        } else if (!*ret_named) {
                obs_attr(s, ctx->src_mac, PROTO_NBNS, "nbns.name", name, n);
                obs_hostname(s, ctx->src_mac, PROTO_NBNS, name, n);
                *ret_named = true;
        }
}

enum dissect_res dissect_nbns(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s)
{
        static const uint8_t zero[6];

        cur_skip(c, 2);                                 /* NAME_TRN_ID */
        uint16_t flags = cur_be16(c);
        cur_skip(c, 2);                                 /* QDCOUNT */
        uint16_t ancount = cur_be16(c);
        cur_skip(c, 4);                                 /* NSCOUNT, ARCOUNT */
        if (!cur_ok(c))
                return DISSECT_TRUNCATED;
        if (!(flags & NBNS_FLAG_RESPONSE) || NBNS_OPCODE(flags) != NBNS_OPCODE_QUERY ||
            ancount == 0)
                return DISSECT_IGNORED;
        /* §4.2.18: the response has no question section, the answer comes first. */
        if (!skip_name(c))
                return DISSECT_MALFORMED;
        uint16_t type = cur_be16(c);
        uint16_t class = cur_be16(c);
        cur_skip(c, 4);                                 /* TTL */
        uint16_t rdlen = cur_be16(c);
        if (!cur_ok(c))
                return DISSECT_TRUNCATED;
        if (type != NBNS_RR_NBSTAT)
                return DISSECT_IGNORED;                 /* a positive name query response */
        if (class != NBNS_CLASS_IN)
                return DISSECT_MALFORMED;
        struct cursor rd = cur_sub(c, rdlen);
        if (!cur_ok(c))
                return DISSECT_TRUNCATED;

        if (ctx->ip_version == 4)
                obs_ipv4(s, ctx->src_mac, PROTO_NBNS, ctx->ip_src);
        uint8_t num = cur_u8(&rd);
        bool named = false;
        for (unsigned i = 0; i < num && cur_ok(&rd); i++)
                node_name(&rd, ctx, s, &named);
        if (!cur_ok(&rd))
                return DISSECT_MALFORMED;       /* more names than RDLENGTH holds */
        uint8_t unit[6];
        if (!cur_copy(&rd, unit, sizeof(unit)))
                return DISSECT_OK;      /* statistics omitted: some stacks send none */
        if (memcmp(unit, zero, sizeof(unit)) != 0) {
                char mac[18];
                fmt_mac(mac, sizeof(mac), unit);
                obs_attr_str(s, ctx->src_mac, PROTO_NBNS, "nbns.mac", mac);
        }
        return DISSECT_OK;
}

ssize_t nbns_node_status_request(uint8_t *buf, size_t cap, uint16_t txid)
{
        /* Header: no flags (query, opcode 0, not recursive, as nmblookup -A),
         * one question; RFC 1002 §4.2.17. */
        static const uint8_t hdr[10] = { 0, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
        const size_t len = NBNS_HDR_LEN + 1 + 32 + 1 + 4;

        if (cap < len)
                return -ENOSPC;
        buf[0] = (uint8_t)(txid >> 8);
        buf[1] = (uint8_t)txid;
        memcpy(buf + 2, hdr, sizeof(hdr));
        /* QUESTION_NAME: "*" padded with NULs to 16 bytes, first-level
         * encoded (RFC 1001 §14.1: each nibble + 'A'), one 32-byte label. */
        size_t n = NBNS_HDR_LEN;
        buf[n++] = 32;
        for (int i = 0; i < 16; i++) {
                uint8_t b = i == 0 ? '*' : 0;
                buf[n++] = (uint8_t)('A' + (b >> 4));
                buf[n++] = (uint8_t)('A' + (b & 0x0f));
        }
        buf[n++] = 0;
        buf[n++] = 0;
        buf[n++] = NBNS_RR_NBSTAT;
        buf[n++] = 0;
        buf[n++] = NBNS_CLASS_IN;
        return (ssize_t)n;
}
