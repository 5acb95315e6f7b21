/* upnp.c - parse_upnp (banner.h): the UPnP device description a device
 * serves at its SSDP LOCATION (UPnP Device Architecture 2.0 §2.3), an XML
 * document:
 *
 *   <root xmlns="urn:schemas-upnp-org:device-1-0">
 *     <specVersion>...</specVersion>
 *     <device>                          the root device: its fields are read
 *       <deviceType>urn:...:MediaServer:1</deviceType>
 *       <friendlyName>...</friendlyName> <manufacturer>...</manufacturer>
 *       <modelName>...</modelName> ... <UDN>uuid:...</UDN>
 *       <deviceList><device><deviceType>...</deviceType>...</device></deviceList>
 *     </device>
 *   </root>
 *
 * This is not a general XML parser but a bounded scanner over the cursor:
 * it walks tags, keeps a stack of the open elements (at most UPNP_DEPTH_MAX
 * are told apart; deeper ones only counted), and collects the text of the
 * few elements it wants. Comments, processing instructions and <!...>
 * declarations are skipped; CDATA sections are text; the five predefined
 * entities and numeric character references are decoded (XML 1.0 §4.6,
 * §4.1), anything else after '&' is kept as written (real devices send
 * "AT&T" unescaped). Namespace prefixes are ignored ("<dev:device>" is a
 * device); element names are compared without regard to ASCII case.
 * Values are decoded into a buffer of OBS_VALUE_MAX bytes (longer ones
 * are cut), blanks collapsed to one space and trimmed.
 *
 * A value is observed when its end tag has been read, so a body cut short
 * never yields half a model name. Verdicts: OK once the root device's end
 * tag is read (what follows is not looked at); TRUNCATED when the body
 * ends before; IGNORED when the first element is not <root> or text stands
 * outside it; MALFORMED for an end tag that closes another element, a tag
 * without a name, or a <root> that closes without a <device>.
 * Serial numbers (<serialNumber>) are never recorded.
 */
#include "netinv/banner.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

/* Open elements told apart; a description nests five deep (root, device,
 * deviceList, device, serviceList, service ...); deeper ones are counted
 * but their names are not checked. */
#define UPNP_DEPTH_MAX          32u
/* Longest entity reference decoded: "&#x10FFFF;" is 10 bytes. */
#define ENTITY_MAX              12u
#define UNICODE_MAX             0x10ffffu       /* XML 1.0 §2.2 Char */
#define UTF8_REPLACEMENT        "\xef\xbf\xbd"  /* U+FFFD */

/* What an open element is, for the scanner. */
enum kind {
        K_OTHER,
        K_ROOT,         /* <root>, UDA 2.0 §2.3 */
        K_DEVICE,       /* the root device */
        K_DEVLIST,      /* <deviceList> of a device */
        K_EMBEDDED,     /* a <device> in a deviceList */
        K_FIELD,        /* an element whose text is collected */
};

/* Elements of a device read as fields (UDA 2.0 §2.3), and their keys. */
struct field {
        const char *name;
        const char *key;
};

static const struct field fields[] = {
        { "deviceType", "upnp.device_type" },
        { "friendlyName", "upnp.friendly_name" },
        { "manufacturer", "upnp.manufacturer" },
        { "modelName", "upnp.model_name" },
        { "modelNumber", "upnp.model_number" },
        { "modelDescription", "upnp.model_description" },
        { "UDN", "upnp.udn" },
        { "presentationURL", "upnp.presentation_url" },
        /* vendor extensions: AVM, Synology, Samsung ... firmwareVersion;
         * Sonos softwareVersion (build) and displayVersion (as the app
         * shows it) */
        { "firmwareVersion", "upnp.firmware" },
        { "softwareVersion", "upnp.firmware" },
        { "displayVersion", "upnp.firmware" },
};
#define FIELD_DEVICE_TYPE 0u

struct level {
        enum kind kind;
        const uint8_t *name;    /* view of the element's qualified name */
        size_t name_len;
};

struct scan {
        struct cursor c;
        const struct frame_ctx *ctx;
        struct obs_sink *s;
        struct level stack[UPNP_DEPTH_MAX];
        size_t depth;           /* open elements, including those beyond the stack */
        unsigned embedded;      /* embedded deviceTypes observed */
        /* the field being collected (top of the stack is K_FIELD) */
        const char *key;
        uint8_t val[OBS_VALUE_MAX];
        size_t val_len;
        bool space;             /* a blank is pending before the next byte */
};

enum step {
        STEP_ON,                /* go on scanning */
        STEP_DONE,              /* the root device closed: OK */
        STEP_CUT,               /* the body ended inside a construct: TRUNCATED */
        STEP_NOT_UPNP,          /* IGNORED */
        STEP_BAD,               /* MALFORMED */
};

static bool is_xml_space(uint8_t b)
{
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';   /* XML 1.0 §2.3 S */
}

/* ---- collecting a value ---- */

static void put_byte(struct scan *sc, uint8_t b)
{
        if (is_xml_space(b)) {
                sc->space = sc->val_len > 0;
                return;
        }
        if (sc->space && sc->val_len < sizeof(sc->val))
                sc->val[sc->val_len++] = ' ';
        sc->space = false;
        if (sc->val_len < sizeof(sc->val))
                sc->val[sc->val_len++] = b;
}

static void put_utf8(struct scan *sc, uint32_t cp)
{
        if (cp == 0 || cp > UNICODE_MAX || (cp >= 0xd800 && cp <= 0xdfff)) {
                for (size_t i = 0; i < sizeof(UTF8_REPLACEMENT) - 1; i++)
                        put_byte(sc, (uint8_t)UTF8_REPLACEMENT[i]);
        } else if (cp < 0x80) {
                put_byte(sc, (uint8_t)cp);
        } else if (cp < 0x800) {
                put_byte(sc, (uint8_t)(0xc0 | (cp >> 6)));
                put_byte(sc, (uint8_t)(0x80 | (cp & 0x3f)));
        } else if (cp < 0x10000) {
                put_byte(sc, (uint8_t)(0xe0 | (cp >> 12)));
                put_byte(sc, (uint8_t)(0x80 | ((cp >> 6) & 0x3f)));
                put_byte(sc, (uint8_t)(0x80 | (cp & 0x3f)));
        } else {
                put_byte(sc, (uint8_t)(0xf0 | (cp >> 18)));
                put_byte(sc, (uint8_t)(0x80 | ((cp >> 12) & 0x3f)));
                put_byte(sc, (uint8_t)(0x80 | ((cp >> 6) & 0x3f)));
                put_byte(sc, (uint8_t)(0x80 | (cp & 0x3f)));
        }
}

static int hex_digit(uint8_t b)
{
        if (b >= '0' && b <= '9')
                return b - '0';
        if (b >= 'a' && b <= 'f')
                return b - 'a' + 10;
        if (b >= 'A' && b <= 'F')
                return b - 'A' + 10;
        return -1;
}

/* The reference between '&' and ';' (the window of ref, at most
 * ENTITY_MAX bytes): true and decoded into the value when it is one of the
 * five predefined entities (XML 1.0 §4.6) or a character reference (§4.1). */
static bool put_reference(struct scan *sc, struct cursor ref)
{
        static const struct { const char *name; uint8_t ch; } named[] = {
                { "lt", '<' }, { "gt", '>' }, { "amp", '&' }, { "apos", '\'' }, { "quot", '"' },
        };
        uint8_t b;
        for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
                size_t n = strlen(named[i].name);
                struct cursor t = ref;
                const uint8_t *p = cur_view(&t, n);
                if (p && cur_left(&t) == 0 && memcmp(p, named[i].name, n) == 0) {
                        put_byte(sc, named[i].ch);
                        return true;
                }
        }
        if (cur_u8(&ref) != '#' || !cur_ok(&ref) || cur_left(&ref) == 0)
                return false;
        bool hex = cur_peek_u8(&ref, 0, &b) && b == 'x';
        if (hex)
                cur_skip(&ref, 1);
        if (cur_left(&ref) == 0)
                return false;
        uint32_t cp = 0;
        while (cur_ok(&ref) && cur_left(&ref) > 0) {    /* each pass reads a byte */
                b = cur_u8(&ref);
                int d = hex ? hex_digit(b) : (b >= '0' && b <= '9' ? b - '0' : -1);
                if (d < 0)
                        return false;
                cp = cp * (hex ? 16u : 10u) + (uint32_t)d;
                if (cp > UNICODE_MAX)
                        cp = UNICODE_MAX + 1;   /* stays out of range, cannot wrap */
        }
        put_utf8(sc, cp);
        return true;
}

/* Character data (no '<' in it) into the value, references decoded. */
static void put_text(struct scan *sc, struct cursor t)
{
        while (cur_ok(&t) && cur_left(&t) > 0) {        /* each pass reads a byte */
                uint8_t b = cur_u8(&t);
                if (b != '&') {
                        put_byte(sc, b);
                        continue;
                }
                long semi = cur_find(&t, ';');
                if (semi > 0 && (size_t)semi <= ENTITY_MAX) {
                        struct cursor probe = t;
                        struct cursor ref = cur_sub(&probe, (size_t)semi);
                        if (put_reference(sc, ref)) {
                                cur_skip(&t, (size_t)semi + 1);
                                continue;
                        }
                }
                put_byte(sc, '&');      /* not a reference: kept as written */
        }
}

/* ---- element names ---- */

/* The local part of a qualified name: after the last ':' (XML Namespaces
 * §4), as a cursor over the name's view. */
static struct cursor local_name(const uint8_t *name, size_t len)
{
        struct cursor n;
        cur_init(&n, name, len);
        for (long k; cur_ok(&n) && (k = cur_find(&n, ':')) >= 0;)     /* each pass skips a ':' */
                cur_skip(&n, (size_t)k + 1);
        return n;
}

static bool name_is(const uint8_t *name, size_t len, const char *lit)
{
        struct cursor n = local_name(name, len);
        size_t k = strlen(lit);
        const uint8_t *p = cur_view(&n, k);
        return p && cur_left(&n) == 0 && strncasecmp((const char *)p, lit, k) == 0;
}

/* ---- the scanner ---- */

/* Does the cursor start with lit? 1 yes (and it is skipped), 0 no, -1 the
 * data ends inside a prefix of it. */
static int starts(struct cursor *c, const char *lit)
{
        size_t n = strlen(lit);
        for (size_t i = 0; i < n; i++) {
                uint8_t b;
                if (!cur_peek_u8(c, i, &b))
                        return -1;
                if (b != (uint8_t)lit[i])
                        return 0;
        }
        cur_skip(c, n);
        return 1;
}

/* Distance to the first occurrence of lit (two or three bytes) in the
 * window, or -1. Each pass moves past one candidate byte. */
static long find_lit(const struct cursor *c, const char *lit)
{
        struct cursor t = *c;
        while (cur_ok(&t) && cur_left(&t) > 0) {
                long k = cur_find(&t, (uint8_t)lit[0]);
                if (k < 0)
                        return -1;
                cur_skip(&t, (size_t)k);
                struct cursor m = t;
                if (starts(&m, lit) == 1)
                        return (long)(cur_pos(&t) - cur_pos(c));
                cur_skip(&t, 1);
        }
        return -1;
}

static void field_done(struct scan *sc)
{
        if (sc->val_len && sc->key)
                obs_attr(sc->s, sc->ctx->src_mac, PROTO_UPNP, sc->key, sc->val, sc->val_len);
        sc->key = NULL;
        sc->val_len = 0;
        sc->space = false;
}

/* What a new element is, given its parent. */
static enum kind classify(struct scan *sc, const uint8_t *name, size_t len, const char **ret_key)
{
        enum kind parent = sc->depth == 0 ? K_OTHER
                           : sc->depth <= UPNP_DEPTH_MAX ? sc->stack[sc->depth - 1].kind
                           : K_OTHER;
        *ret_key = NULL;
        if (sc->depth > UPNP_DEPTH_MAX)
                return K_OTHER;
        switch (parent) {
        case K_ROOT:
                if (name_is(name, len, "device"))
                        return K_DEVICE;
                break;
        case K_DEVICE:
                if (name_is(name, len, "deviceList"))
                        return K_DEVLIST;
                for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
                        if (name_is(name, len, fields[i].name)) {
                                *ret_key = fields[i].key;
                                return K_FIELD;
                        }
                break;
        case K_EMBEDDED:
                if (name_is(name, len, "deviceList"))
                        return K_DEVLIST;
                if (name_is(name, len, fields[FIELD_DEVICE_TYPE].name) &&
                    sc->embedded < UPNP_EMBEDDED_MAX) {
                        *ret_key = fields[FIELD_DEVICE_TYPE].key;
                        return K_FIELD;
                }
                break;
        case K_DEVLIST:
                if (name_is(name, len, "device"))
                        return K_EMBEDDED;
                break;
        default:
                break;
        }
        return K_OTHER;
}

/* A start tag; the cursor is past '<'. */
static enum step start_tag(struct scan *sc)
{
        struct cursor *c = &sc->c;
        size_t n = 0;
        uint8_t b = 0;
        /* the name: up to a blank, '/' or '>'; each pass looks one further */
        while (cur_ok(c) && cur_peek_u8(c, n, &b) && !is_xml_space(b) && b != '/' && b != '>')
                n++;
        if (!cur_peek_u8(c, n, &b))
                return STEP_CUT;
        if (n == 0)
                return STEP_BAD;        /* "<>", "< x", "</" handled elsewhere */
        const uint8_t *name = cur_view(c, n);
        /* attributes up to '>', quoted values may hold '>' (XML 1.0 §3.1) */
        uint8_t quote = 0, last = 0;
        bool closed = false;
        while (!closed && cur_ok(c) && cur_left(c) > 0) {       /* each pass reads a byte */
                b = cur_u8(c);
                if (quote) {
                        if (b == quote)
                                quote = 0;
                } else if (b == '"' || b == '\'') {
                        quote = b;
                } else if (b == '>') {
                        closed = true;
                        break;
                }
                if (!is_xml_space(b))
                        last = b;
        }
        if (!closed)
                return STEP_CUT;
        if (sc->depth == 0 && !name_is(name, n, "root"))
                return STEP_NOT_UPNP;
        if (last == '/')                /* <empty/>: nothing to collect */
                return sc->depth == 0 ? STEP_BAD : STEP_ON;
        const char *key;
        enum kind k = sc->depth == 0 ? K_ROOT : classify(sc, name, n, &key);
        if (sc->depth < UPNP_DEPTH_MAX) {
                sc->stack[sc->depth] = (struct level){ .kind = k, .name = name, .name_len = n };
                if (k == K_FIELD) {
                        sc->key = key;
                        sc->val_len = 0;
                        sc->space = false;
                }
        }
        sc->depth++;
        return STEP_ON;
}

/* An end tag; the cursor is past "</". */
static enum step end_tag(struct scan *sc)
{
        struct cursor *c = &sc->c;
        long gt = cur_find(c, '>');
        if (gt < 0)
                return STEP_CUT;
        struct cursor t = cur_sub(c, (size_t)gt);
        cur_skip(c, 1);
        size_t n = cur_left(&t);
        uint8_t b;
        while (n > 0 && cur_peek_u8(&t, n - 1, &b) && is_xml_space(b))    /* "</a >" */
                n--;
        const uint8_t *name = cur_view(&t, n);
        if (!name || n == 0 || sc->depth == 0)
                return STEP_BAD;
        sc->depth--;
        if (sc->depth >= UPNP_DEPTH_MAX)
                return STEP_ON;
        const struct level *l = &sc->stack[sc->depth];
        if (l->name_len != n || memcmp(l->name, name, n) != 0)
                return STEP_BAD;        /* XML 1.0 §3 [GIMatch] */
        switch (l->kind) {
        case K_FIELD:
                if (sc->depth > 0 && sc->stack[sc->depth - 1].kind == K_EMBEDDED && sc->val_len)
                        sc->embedded++;
                field_done(sc);
                return STEP_ON;
        case K_DEVICE:
                return STEP_DONE;       /* the rest is not looked at */
        case K_ROOT:
                return STEP_BAD;        /* a <root> without a <device> (UDA 2.0 §2.3) */
        default:
                return STEP_ON;
        }
}

/* After '<': a comment, CDATA, a declaration, a PI, an end or a start tag. */
static enum step markup(struct scan *sc)
{
        struct cursor *c = &sc->c;
        int r;
        long k;

        if ((r = starts(c, "!--")) != 0) {
                if (r < 0 || (k = find_lit(c, "-->")) < 0)
                        return STEP_CUT;
                cur_skip(c, (size_t)k + 3);
                return STEP_ON;
        }
        if ((r = starts(c, "![CDATA[")) != 0) {
                if (r < 0 || (k = find_lit(c, "]]>")) < 0)
                        return STEP_CUT;
                struct cursor t = cur_sub(c, (size_t)k);
                cur_skip(c, 3);
                if (sc->depth == 0)
                        return STEP_NOT_UPNP;
                if (sc->depth <= UPNP_DEPTH_MAX && sc->stack[sc->depth - 1].kind == K_FIELD) {
                        while (cur_ok(&t) && cur_left(&t) > 0)  /* raw: no references */
                                put_byte(sc, cur_u8(&t));
                }
                return STEP_ON;
        }
        if ((r = starts(c, "!")) != 0 || (r = starts(c, "?")) != 0) {
                /* <!DOCTYPE ...>, <?xml ...?>: skipped to their '>' */
                if (r < 0 || (k = cur_find(c, '>')) < 0)
                        return STEP_CUT;
                cur_skip(c, (size_t)k + 1);
                return STEP_ON;
        }
        if ((r = starts(c, "/")) != 0)
                return r < 0 ? STEP_CUT : end_tag(sc);
        return start_tag(sc);
}

enum dissect_res parse_upnp(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s)
{
        static struct scan zero;
        struct scan sc = zero;
        enum step st = STEP_ON;

        sc.c = cur_rest(c);
        sc.ctx = ctx;
        sc.s = s;
        if (starts(&sc.c, "\xef\xbb\xbf") < 0)         /* a UTF-8 byte order mark */
                return DISSECT_TRUNCATED;
        while (st == STEP_ON && cur_ok(&sc.c) && cur_left(&sc.c) > 0) {
                /* character data up to the next '<' */
                long lt = cur_find(&sc.c, '<');
                size_t n = lt < 0 ? cur_left(&sc.c) : (size_t)lt;
                struct cursor text = cur_sub(&sc.c, n);
                if (sc.depth == 0) {
                        while (cur_ok(&text) && cur_left(&text) > 0)    /* only blanks outside <root> */
                                if (!is_xml_space(cur_u8(&text)))
                                        return DISSECT_IGNORED;
                } else if (sc.depth <= UPNP_DEPTH_MAX && sc.stack[sc.depth - 1].kind == K_FIELD) {
                        put_text(&sc, text);
                }
                if (lt < 0)
                        break;          /* the body ends in text */
                cur_skip(&sc.c, 1);
                st = markup(&sc);
        }
        switch (st) {
        case STEP_DONE:
                return DISSECT_OK;
        case STEP_NOT_UPNP:
                return DISSECT_IGNORED;
        case STEP_BAD:
                return DISSECT_MALFORMED;
        default:
                return DISSECT_TRUNCATED;
        }
}
