/* lldp.c - Link Layer Discovery Protocol (IEEE 802.1AB-2016), ethertype 0x88cc.
 *
 * The cursor covers the LLDPDU after the ethertype (and any VLAN tags). An
 * LLDPDU is a list of TLVs, each a 7-bit type and a 9-bit length followed by
 * that many bytes; it opens with Chassis ID, Port ID and Time To Live in that
 * order (§8.2) and closes with an End Of LLDPDU TLV. Every TLV gets its own
 * sub-cursor, so a short read inside one whose bytes are all present is a
 * malformation, while a TLV whose length runs past the captured end is a
 * truncation.
 *
 * Everything is observed about the frame's source MAC: the chassis and port
 * identifiers, the system name (also a hostname), description, capabilities,
 * management addresses (also IPv4/IPv6 bindings), the IEEE 802.1 port VLAN
 * and the LLDP-MED (ANSI/TIA-1057) device class and inventory. Strings stay
 * (pointer, length) views into the frame until the sink copies them.
 */
#include "netinv/dissect.h"
#include "netinv/util.h"

#include <stdio.h>
#include <string.h>

/* TLV types, IEEE 802.1AB-2016 Table 8-1. */
#define LLDP_TLV_END            0       /* §8.5.1 */
#define LLDP_TLV_CHASSIS_ID     1       /* §8.5.2 */
#define LLDP_TLV_PORT_ID        2       /* §8.5.3 */
#define LLDP_TLV_TTL            3       /* §8.5.4 */
#define LLDP_TLV_PORT_DESCR     4       /* §8.5.5 */
#define LLDP_TLV_SYSTEM_NAME    5       /* §8.5.6 */
#define LLDP_TLV_SYSTEM_DESCR   6       /* §8.5.7 */
#define LLDP_TLV_CAPABILITIES   7       /* §8.5.8 */
#define LLDP_TLV_MGMT_ADDR      8       /* §8.5.9 */
#define LLDP_TLV_ORG_SPECIFIC   127     /* §8.6 */

/* Chassis ID and Port ID carry a subtype byte and 1..255 bytes of value
 * (§8.5.2.1, §8.5.3.1): a TLV length of 2..256. */
#define LLDP_ID_LEN_MIN         2
#define LLDP_ID_LEN_MAX         256
#define LLDP_TTL_LEN            2       /* §8.5.4.1 */
#define LLDP_CAPS_LEN           4       /* §8.5.8.1: supported + enabled, 16 bits each */
/* Management address string length counts the subtype byte: 2..32
 * (§8.5.9.2); the OID string is 0..128 bytes (§8.5.9.7). */
#define LLDP_MGMT_ALEN_MIN      2
#define LLDP_MGMT_ALEN_MAX      32
#define LLDP_ORG_HDR_LEN        4       /* §8.6.1: OUI (3) + subtype (1) */

/* Chassis ID subtypes, Table 8-2; Port ID subtypes, Table 8-3. */
#define LLDP_CHASSIS_COMPONENT  1
#define LLDP_CHASSIS_IFALIAS    2
#define LLDP_CHASSIS_PORT_COMP  3
#define LLDP_CHASSIS_MAC        4
#define LLDP_CHASSIS_NETADDR    5
#define LLDP_CHASSIS_IFNAME     6
#define LLDP_CHASSIS_LOCAL      7
#define LLDP_PORT_IFALIAS       1
#define LLDP_PORT_COMPONENT     2
#define LLDP_PORT_MAC           3
#define LLDP_PORT_NETADDR       4
#define LLDP_PORT_IFNAME        5
#define LLDP_PORT_CIRCUIT_ID    6
#define LLDP_PORT_LOCAL         7

/* IANA Address Family Numbers (network address subtypes, §8.5.2.3, §8.5.9.3). */
#define IANA_AF_IPV4            1
#define IANA_AF_IPV6            2

/* Organisationally specific TLVs. */
#define OUI_IEEE_8021           0x0080c2u       /* IEEE 802.1Q-2018 Annex D */
#define OUI_IEEE_8023           0x00120fu       /* IEEE 802.3-2018 Clause 79 */
#define OUI_TIA                 0x0012bbu       /* ANSI/TIA-1057 §10 (LLDP-MED) */
#define DOT1_PORT_VLAN_ID       1               /* 802.1Q Annex D.2.1: PVID, 2 bytes */
#define DOT1_PVID_LEN           2
#define MED_CAPABILITIES        1               /* TIA-1057 §10.2.1: caps (2) + class (1) */
#define MED_CAPS_LEN            3
#define MED_INV_HW_REV          5               /* TIA-1057 §10.2.6.1 .. §10.2.6.7 */
#define MED_INV_FW_REV          6
#define MED_INV_SW_REV          7
#define MED_INV_SERIAL          8
#define MED_INV_MANUFACTURER    9
#define MED_INV_MODEL           10
#define MED_INV_ASSET_ID        11

/* The rest of a TLV as a view; never fails on an empty TLV. */
static const uint8_t *rest_view(struct cursor *t, size_t *ret_len)
{
        size_t n = cur_left(t);
        *ret_len = n;
        return n ? cur_view(t, n) : NULL;
}

/* A network address (IANA family byte + address, the whole of `v`) as
 * text: IPv4 and IPv6 as usual, anything else as "<family>/<hex>". Returns
 * the IP address length (4 or 16, the address then in ret_addr), else 0. */
static int fmt_netaddr(char *buf, size_t cap, struct cursor *v, uint8_t ret_addr[16])
{
        uint8_t family = cur_u8(v);
        size_t n = cur_left(v);
        bool ip = (family == IANA_AF_IPV4 && n == 4) || (family == IANA_AF_IPV6 && n == 16);
        if (cur_ok(v) && ip) {
                cur_copy(v, ret_addr, n);
                fmt_ip(buf, cap, n == 4 ? 4 : 6, ret_addr);
                return (int)n;
        }
        int o = snprintf(buf, cap, "%u/", family);
        if (o > 0 && (size_t)o < cap)
                cur_hex(v, buf + o, cap - (size_t)o, ':');
        return 0;
}

/* Subtype names for the "<name>:<value>" form of lldp.chassis_id and
 * lldp.port_id. */
static const char *chassis_subtype_name(uint8_t st)
{
        switch (st) {
        case LLDP_CHASSIS_COMPONENT: return "chassis_component";
        case LLDP_CHASSIS_IFALIAS: return "ifalias";
        case LLDP_CHASSIS_PORT_COMP: return "port_component";
        case LLDP_CHASSIS_MAC: return "mac";
        case LLDP_CHASSIS_NETADDR: return "ip";
        case LLDP_CHASSIS_IFNAME: return "ifname";
        case LLDP_CHASSIS_LOCAL: return "local";
        default: return "reserved";
        }
}

static const char *port_subtype_name(uint8_t st)
{
        switch (st) {
        case LLDP_PORT_IFALIAS: return "ifalias";
        case LLDP_PORT_COMPONENT: return "port_component";
        case LLDP_PORT_MAC: return "mac";
        case LLDP_PORT_NETADDR: return "ip";
        case LLDP_PORT_IFNAME: return "ifname";
        case LLDP_PORT_CIRCUIT_ID: return "circuit_id";
        case LLDP_PORT_LOCAL: return "local";
        default: return "reserved";
        }
}

/* Chassis ID / Port ID: "<subtype>:<value>". Text subtypes keep their bytes
 * (output escapes them); MAC and network addresses are formatted; reserved
 * subtypes are shown in hex. */
static enum dissect_res id_tlv(struct cursor *t, const struct frame_ctx *ctx,
                               struct obs_sink *s, const char *key, bool is_port)
{
        char buf[3 * LLDP_ID_LEN_MAX + 8];
        size_t tlen = cur_left(t);

        if (tlen < LLDP_ID_LEN_MIN || tlen > LLDP_ID_LEN_MAX)
                return DISSECT_MALFORMED;
        uint8_t st = cur_u8(t);
        if (!cur_ok(t))
                return DISSECT_MALFORMED;
        const char *name = is_port ? port_subtype_name(st) : chassis_subtype_name(st);
        bool is_mac = is_port ? st == LLDP_PORT_MAC : st == LLDP_CHASSIS_MAC;
        bool is_addr = is_port ? st == LLDP_PORT_NETADDR : st == LLDP_CHASSIS_NETADDR;
        bool reserved = st == 0 || st > LLDP_CHASSIS_LOCAL;   /* same range in both tables */

        if (is_mac || reserved) {
                size_t o = cur_hex(t, buf, sizeof(buf), ':');
                obs_attr_pair(s, ctx->src_mac, PROTO_LLDP, key, name, strlen(name), ':', buf, o);
        } else if (is_addr) {
                /* a chassis/port name, not a binding of the sender's MAC */
                uint8_t addr[16];
                if (!fmt_netaddr(buf, sizeof(buf), t, addr))
                        name = "addr";          /* not IPv4/IPv6: "addr:<family>/<hex>" */
                obs_attr_pair(s, ctx->src_mac, PROTO_LLDP, key, name, strlen(name), ':', buf,
                              strlen(buf));
        } else {
                size_t n;
                const uint8_t *v = rest_view(t, &n);
                obs_attr_pair(s, ctx->src_mac, PROTO_LLDP, key, name, strlen(name), ':', v, n);
        }
        return DISSECT_OK;
}

/* A string TLV (0..255 bytes); an empty one says nothing. */
static void string_tlv(struct cursor *t, const struct frame_ctx *ctx, struct obs_sink *s,
                       const char *key, bool hostname)
{
        size_t n;
        const uint8_t *v = rest_view(t, &n);
        if (!n || !v)
                return;
        obs_attr(s, ctx->src_mac, PROTO_LLDP, key, v, n);
        if (hostname)
                obs_hostname(s, ctx->src_mac, PROTO_LLDP, v, n);
}

/* System capabilities bits, Table 8-4 (bit 0 = least significant). */
static void caps_attr(struct obs_sink *s, const struct frame_ctx *ctx, const char *key,
                      uint16_t bits)
{
        static const char *const names[] = {
                "other", "repeater", "bridge", "wlan-ap", "router", "telephone",
                "docsis", "station", "c-vlan", "s-vlan", "tpmr",
        };
        char buf[128];
        size_t o = fmt_flags(buf, sizeof(buf), bits, names, sizeof(names) / sizeof(names[0]));
        if (o)
                obs_attr(s, ctx->src_mac, PROTO_LLDP, key, buf, o);
}

static enum dissect_res caps_tlv(struct cursor *t, const struct frame_ctx *ctx,
                                 struct obs_sink *s)
{
        if (cur_left(t) != LLDP_CAPS_LEN)
                return DISSECT_MALFORMED;
        uint16_t supported = cur_be16(t);
        uint16_t enabled = cur_be16(t);
        if (!cur_ok(t))
                return DISSECT_MALFORMED;
        caps_attr(s, ctx, "lldp.capabilities", enabled);
        caps_attr(s, ctx, "lldp.capabilities_supported", supported);
        return DISSECT_OK;
}

/* §8.5.9: string length, family, address, interface numbering subtype and
 * number, OID length, OID. */
static enum dissect_res mgmt_tlv(struct cursor *t, const struct frame_ctx *ctx,
                                 struct obs_sink *s)
{
        char buf[3 * LLDP_MGMT_ALEN_MAX + 8];
        uint8_t alen = cur_u8(t);
        if (!cur_ok(t) || alen < LLDP_MGMT_ALEN_MIN || alen > LLDP_MGMT_ALEN_MAX)
                return DISSECT_MALFORMED;
        struct cursor a = cur_sub(t, alen);
        cur_u8(t);                              /* interface numbering subtype */
        cur_be32(t);                            /* interface number */
        uint8_t oidlen = cur_u8(t);
        cur_skip(t, oidlen);
        if (!cur_ok(t))
                return DISSECT_MALFORMED;

        uint8_t addr[16];
        int iplen = fmt_netaddr(buf, sizeof(buf), &a, addr);
        if (iplen == 4)
                obs_ipv4(s, ctx->src_mac, PROTO_LLDP, addr);
        else if (iplen == 16)
                obs_ipv6(s, ctx->src_mac, PROTO_LLDP, addr);
        else
                return DISSECT_OK;              /* MAC or other families: not an IP to bind */
        obs_attr_str(s, ctx->src_mac, PROTO_LLDP, "lldp.mgmt_address", buf);
        return DISSECT_OK;
}

static const char *med_inventory_key(uint8_t subtype)
{
        switch (subtype) {
        case MED_INV_HW_REV: return "lldp.med.hardware_revision";
        case MED_INV_FW_REV: return "lldp.med.firmware_revision";
        case MED_INV_SW_REV: return "lldp.med.software_revision";
        case MED_INV_SERIAL: return "lldp.med.serial";
        case MED_INV_MANUFACTURER: return "lldp.med.manufacturer";
        case MED_INV_MODEL: return "lldp.med.model";
        case MED_INV_ASSET_ID: return "lldp.med.asset_id";
        default: return NULL;
        }
}

/* TIA-1057 §10.2.1 Table 11: LLDP-MED device type. */
static const char *med_class_name(uint8_t c)
{
        switch (c) {
        case 1: return "endpoint-class-1";      /* generic endpoint */
        case 2: return "endpoint-class-2";      /* media endpoint */
        case 3: return "endpoint-class-3";      /* communication device endpoint */
        case 4: return "network-connectivity";
        default: return NULL;                   /* 0 undefined, 5..255 reserved */
        }
}

static enum dissect_res org_tlv(struct cursor *t, const struct frame_ctx *ctx,
                                struct obs_sink *s)
{
        if (cur_left(t) < LLDP_ORG_HDR_LEN)
                return DISSECT_MALFORMED;
        uint32_t oui = (uint32_t)cur_u8(t) << 16;
        oui |= (uint32_t)cur_be16(t);
        uint8_t subtype = cur_u8(t);
        if (!cur_ok(t))
                return DISSECT_MALFORMED;

        if (oui == OUI_IEEE_8021 && subtype == DOT1_PORT_VLAN_ID) {
                if (cur_left(t) != DOT1_PVID_LEN)
                        return DISSECT_MALFORMED;
                uint16_t pvid = cur_be16(t);
                /* 0: the port does not know or support port-based VLANs */
                if (cur_ok(t) && pvid) {
                        char buf[8];
                        snprintf(buf, sizeof(buf), "%u", pvid);
                        obs_attr_str(s, ctx->src_mac, PROTO_LLDP, "lldp.vlan", buf);
                }
                return DISSECT_OK;
        }
        if (oui == OUI_TIA && subtype == MED_CAPABILITIES) {
                if (cur_left(t) != MED_CAPS_LEN)
                        return DISSECT_MALFORMED;
                cur_be16(t);                    /* LLDP-MED capabilities bitmap */
                const char *cls = med_class_name(cur_u8(t));
                if (cur_ok(t) && cls)
                        obs_attr_str(s, ctx->src_mac, PROTO_LLDP, "lldp.med.device_class", cls);
                return DISSECT_OK;
        }
        if (oui == OUI_TIA) {
                const char *key = med_inventory_key(subtype);
                if (key)
                        string_tlv(t, ctx, s, key, false);
                return DISSECT_OK;
        }
        /* OUI_IEEE_8023 (MAC/PHY, power, aggregation, MTU) and everything
         * else: nothing that identifies the station. */
        return DISSECT_OK;
}

enum dissect_res dissect_lldp(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s)
{
        unsigned idx = 0;                       /* TLVs read so far */

        /* Each pass reads a two-byte header or fails; the sub-cursor then
         * moves the parent past the value. */
        while (cur_ok(c) && cur_left(c) > 0) {
                uint16_t hdr = cur_be16(c);
                uint8_t type = (uint8_t)(hdr >> 9);
                size_t len = hdr & 0x01ff;
                struct cursor t = cur_sub(c, len);
                if (!cur_ok(c))
                        return DISSECT_TRUNCATED;   /* header or value cut off */

                if (type == LLDP_TLV_END) {
                        /* §8.5.1: length 0; the mandatory three come first */
                        if (len != 0 || idx < 3)
                                return DISSECT_MALFORMED;
                        return DISSECT_OK;      /* what follows is padding */
                }
                /* §8.2: Chassis ID, Port ID, TTL, in that order, each once. */
                if (idx < 3 ? type != idx + 1 : type <= LLDP_TLV_TTL)
                        return DISSECT_MALFORMED;
                idx++;

                enum dissect_res r = DISSECT_OK;
                switch (type) {
                case LLDP_TLV_CHASSIS_ID:
                        r = id_tlv(&t, ctx, s, "lldp.chassis_id", false);
                        break;
                case LLDP_TLV_PORT_ID:
                        r = id_tlv(&t, ctx, s, "lldp.port_id", true);
                        break;
                case LLDP_TLV_TTL:
                        /* §8.5.4.1: exactly two bytes; 0 = shutdown LLDPDU, still valid */
                        if (len != LLDP_TTL_LEN)
                                r = DISSECT_MALFORMED;
                        break;
                case LLDP_TLV_PORT_DESCR:
                        string_tlv(&t, ctx, s, "lldp.port_description", false);
                        break;
                case LLDP_TLV_SYSTEM_NAME:
                        string_tlv(&t, ctx, s, "lldp.system_name", true);
                        break;
                case LLDP_TLV_SYSTEM_DESCR:
                        string_tlv(&t, ctx, s, "lldp.system_description", false);
                        break;
                case LLDP_TLV_CAPABILITIES:
                        r = caps_tlv(&t, ctx, s);
                        break;
                case LLDP_TLV_MGMT_ADDR:
                        r = mgmt_tlv(&t, ctx, s);
                        break;
                case LLDP_TLV_ORG_SPECIFIC:
                        r = org_tlv(&t, ctx, s);
                        break;
                default:
                        break;                  /* 9..126 reserved: skipped */
                }
                if (r != DISSECT_OK)
                        return r;
        }
        /* The data ended without an End Of LLDPDU TLV. A frame cut at a TLV
         * boundary looks exactly like this, so it is a truncation, whether
         * or not the mandatory TLVs were seen; what was read is kept. */
        return DISSECT_TRUNCATED;
}
