/* test-upnp.c - parse_upnp on the device descriptions real programs serve
 * (tests/data/upnp/: minidlna 1.3.0, miniupnpd 2.3.1, gerbera 1.1.0 and
 * gmediarender 0.1 on libupnp 1.8.4, fetched by
 * tests/captures/make/upnp-descriptions.sh), every prefix of each, and
 * hand-built edges: entities, character references, CDATA, comments,
 * processing instructions, namespace prefixes, nested embedded devices,
 * names cut at the end of the buffer, unterminated tags, huge elements. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "banner-util.h"

static struct obs_sink s;

#define PARSE(lit) t_parse(parse_upnp, lit, sizeof(lit) - 1, &s)

/* A whole file under tests/data into a malloc'd buffer. */
static uint8_t *load(const char *name, size_t *ret_len)
{
        FILE *f = fopen(t_data(name), "rb");
        uint8_t *buf = malloc(65536);
        size_t n = 0;
        if (!f || !buf) {
                CHECK(f != NULL);
                if (f)
                        fclose(f);
                free(buf);
                return NULL;
        }
        n = fread(buf, 1, 65536, f);
        fclose(f);
        *ret_len = n;
        return buf;
}

static void minidlna(void)
{
        size_t len;
        uint8_t *b = load("upnp/minidlna-rootDesc.xml", &len);
        if (!b)
                return;
        CHECK_INT(t_parse(parse_upnp, b, len, &s), DISSECT_OK);
        CHECK_STR(t_val(&s, "upnp.device_type"), "urn:schemas-upnp-org:device:MediaServer:1");
        CHECK_STR(t_val(&s, "upnp.friendly_name"), "ssdp-nas");
        CHECK_STR(t_val(&s, "upnp.manufacturer"), "Justin Maggard");
        CHECK_STR(t_val(&s, "upnp.model_name"), "Windows Media Connect compatible (MiniDLNA)");
        CHECK_STR(t_val(&s, "upnp.model_number"), "1");
        CHECK_STR(t_val(&s, "upnp.model_description"), "MiniDLNA on Linux");
        CHECK_STR(t_val(&s, "upnp.udn"), "uuid:4d696e69-444c-164e-9d41-00113200430a");
        CHECK_STR(t_val(&s, "upnp.presentation_url"), "/");
        CHECK(t_val(&s, "upnp.firmware") == NULL);
        CHECK_INT(t_count(&s, "upnp.device_type"), 1);
        CHECK_INT(s.n, 8);
        /* the serial number is never recorded */
        for (size_t i = 0; i < s.n; i++) {
                CHECK(strstr(s.obs[i].val, "SSDP0001") == NULL);
                CHECK(s.obs[i].source == PROTO_UPNP);
        }
        t_sweep_parser(parse_upnp, b, len);
        t_seed("upnp", "minidlna", b, len);
        free(b);
}

static void miniupnpd(void)
{
        size_t len;
        uint8_t *b = load("upnp/miniupnpd-rootDesc.xml", &len);
        if (!b)
                return;
        CHECK_INT(t_parse(parse_upnp, b, len, &s), DISSECT_OK);
        CHECK_STR(t_val(&s, "upnp.device_type"),
                  "urn:schemas-upnp-org:device:InternetGatewayDevice:2");
        CHECK_STR(t_val(&s, "upnp.friendly_name"), "ssdp-router");
        CHECK_STR(t_val(&s, "upnp.manufacturer"), "Debian");
        CHECK_STR(t_val(&s, "upnp.model_name"), "Debian router");
        CHECK_STR(t_val(&s, "upnp.udn"), "uuid:2c0b3e0a-7b5e-4b1e-9a6e-50c7bf004301");
        /* after the deviceList: still the root device's */
        CHECK_STR(t_val(&s, "upnp.presentation_url"), "http://198.18.43.1/");
        /* embedded devices, nested two deep: only their types */
        CHECK_INT(t_count(&s, "upnp.device_type"), 3);
        CHECK(t_find(&s, OBS_ATTR, "upnp.device_type",
                     "urn:schemas-upnp-org:device:WANDevice:2") != NULL);
        CHECK(t_find(&s, OBS_ATTR, "upnp.device_type",
                     "urn:schemas-upnp-org:device:WANConnectionDevice:2") != NULL);
        CHECK_INT(t_count(&s, "upnp.friendly_name"), 1);
        CHECK_INT(t_count(&s, "upnp.model_name"), 1);
        CHECK_INT(t_count(&s, "upnp.udn"), 1);
        CHECK(t_find(&s, OBS_ATTR, "upnp.model_name", "MiniUPnPd") == NULL);
        t_sweep_parser(parse_upnp, b, len);
        t_seed("upnp", "miniupnpd", b, len);
        /* cut inside the embedded devices: the root's fields so far, and
         * TRUNCATED */
        const char *cut = strstr((const char *)b, "<friendlyName>WANDevice");
        CHECK(cut != NULL);
        if (cut) {
                CHECK_INT(t_parse(parse_upnp, b, (size_t)(cut - (const char *)b), &s),
                          DISSECT_TRUNCATED);
                CHECK_STR(t_val(&s, "upnp.model_name"), "Debian router");
                CHECK_INT(t_count(&s, "upnp.device_type"), 2);
                CHECK(t_val(&s, "upnp.presentation_url") == NULL);
        }
        free(b);
}


/* libupnp-served descriptions: one element a line, URLBase after the
 * device, an empty presentationURL */
static void libupnp(void)
{
        size_t len;
        uint8_t *b = load("upnp/gerbera-description.xml", &len);
        if (b) {
                CHECK_INT(t_parse(parse_upnp, b, len, &s), DISSECT_OK);
                CHECK_STR(t_val(&s, "upnp.device_type"),
                          "urn:schemas-upnp-org:device:MediaServer:1");
                CHECK_STR(t_val(&s, "upnp.manufacturer"), "Gerbera Contributors");
                CHECK_STR(t_val(&s, "upnp.model_name"), "gerbera");
                CHECK_STR(t_val(&s, "upnp.model_number"), "1.1.0");
                CHECK_STR(t_val(&s, "upnp.model_description"), "Free UPnP AV MediaServer, GNU GPL");
                CHECK_STR(t_val(&s, "upnp.presentation_url"), "http://198.18.43.11:49152/");
                CHECK_STR(t_val(&s, "upnp.udn"), "uuid:22886a21-6e79-467f-a4b7-6601f700c931");
                CHECK_INT(s.n, 8);
                t_sweep_parser(parse_upnp, b, len);
                t_seed("upnp", "gerbera", b, len);
                free(b);
        }
        b = load("upnp/gmediarender-description.xml", &len);
        if (b) {
                CHECK_INT(t_parse(parse_upnp, b, len, &s), DISSECT_OK);
                CHECK_STR(t_val(&s, "upnp.device_type"),
                          "urn:schemas-upnp-org:device:MediaRenderer:1");
                CHECK_STR(t_val(&s, "upnp.friendly_name"), "ssdp-dmr");
                CHECK_STR(t_val(&s, "upnp.manufacturer"), "Ivo Clarysse, Henner Zeller");
                CHECK_STR(t_val(&s, "upnp.model_name"), "gmediarender");
                CHECK_STR(t_val(&s, "upnp.model_description"), "gmediarender 0.1");
                CHECK(t_val(&s, "upnp.presentation_url") == NULL);     /* empty */
                CHECK_INT(s.n, 7);
                t_sweep_parser(parse_upnp, b, len);
                t_seed("upnp", "gmediarender", b, len);
                free(b);
        }
}

#define HEAD "<?xml version=\"1.0\"?>\n<root xmlns=\"urn:schemas-upnp-org:device-1-0\">"

static void text(void)
{
        /* the five entities, decimal and hex references, blanks collapsed */
        CHECK_INT(PARSE(HEAD "<device><friendlyName>\n  A &amp; B &lt;&gt; &quot;x&quot; "
                        "&apos;y&apos;\t</friendlyName><manufacturer>Caf&#233; &#x4E2D;"
                        "&#x1F600;</manufacturer></device></root>"), DISSECT_OK);
        CHECK_STR(t_val(&s, "upnp.friendly_name"), "A & B <> \"x\" 'y'");
        CHECK_STR(t_val(&s, "upnp.manufacturer"), "Caf\xc3\xa9 \xe4\xb8\xad\xf0\x9f\x98\x80");
        /* not references: kept as written; bad code points: U+FFFD */
        CHECK_INT(PARSE(HEAD "<device><manufacturer>AT&T &nbsp; &#; &#x; &#12a; &"
                        "</manufacturer><modelName>&#0;&#xD800;&#99999999999;</modelName>"
                        "</device></root>"), DISSECT_OK);
        CHECK_STR(t_val(&s, "upnp.manufacturer"), "AT&T &nbsp; &#; &#x; &#12a; &");
        CHECK_STR(t_val(&s, "upnp.model_name"),
                  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
        /* CDATA is text as is; comments and PIs inside a value vanish */
        CHECK_INT(PARSE(HEAD "<device><modelName><![CDATA[<b>DS&amp;920+</b>]]></modelName>"
                        "<modelNumber>A<!-- </modelNumber> -->B<?pi x?>C</modelNumber>"
                        "</device></root>"), DISSECT_OK);
        CHECK_STR(t_val(&s, "upnp.model_name"), "<b>DS&amp;920+</b>");
        CHECK_STR(t_val(&s, "upnp.model_number"), "ABC");
        /* empty and blank values: nothing */
        CHECK_INT(PARSE(HEAD "<device><friendlyName/><manufacturer> \r\n </manufacturer>"
                        "<modelName></modelName></device></root>"), DISSECT_OK);
        CHECK_INT(s.n, 0);
        /* firmware fields of several vendors, serialNumber never */
        CHECK_INT(PARSE(HEAD "<device><serialNumber>S123</serialNumber><softwareVersion>"
                        "56.0-76060</softwareVersion><displayVersion>11.2</displayVersion>"
                        "<firmwareVersion>7.57</firmwareVersion><hardwareVersion>1.0"
                        "</hardwareVersion></device></root>"), DISSECT_OK);
        CHECK_INT(t_count(&s, "upnp.firmware"), 3);
        CHECK(t_find(&s, OBS_ATTR, "upnp.firmware", "11.2") != NULL);
        CHECK(t_find(&s, OBS_ATTR, "upnp.firmware", "1.0") == NULL);
        CHECK_INT(s.n, 3);
        /* a child element inside a value: its text is not the value's */
        CHECK_INT(PARSE(HEAD "<device><modelName>X<b>bold</b>Y</modelName></device></root>"),
                  DISSECT_OK);
        CHECK_STR(t_val(&s, "upnp.model_name"), "XY");
}

static void structure(void)
{
        /* namespace prefixes, case, attributes holding '>' and '/', blanks
         * in the end tag, a DOCTYPE, a BOM */
        CHECK_INT(PARSE("\xef\xbb\xbf<!DOCTYPE root>\n<u:root xmlns:u=\"urn:x\">"
                        "<u:device a='>/' b=\"x>\"><u:FRIENDLYNAME>tv</u:FRIENDLYNAME >"
                        "</u:device></u:root>"), DISSECT_OK);
        CHECK_STR(t_val(&s, "upnp.friendly_name"), "tv");
        /* fields outside the root device are not the device's */
        CHECK_INT(PARSE(HEAD "<specVersion><modelName>no</modelName></specVersion>"
                        "<device><iconList><icon><modelName>no</modelName></icon></iconList>"
                        "<serviceList><service><deviceType>no</deviceType></service>"
                        "</serviceList><modelName>yes</modelName></device></root>"), DISSECT_OK);
        CHECK_INT(t_count(&s, "upnp.model_name"), 1);
        CHECK_STR(t_val(&s, "upnp.model_name"), "yes");
        CHECK_INT(t_count(&s, "upnp.device_type"), 0);
        /* embedded devices, siblings and nested: every type, at most
         * UPNP_EMBEDDED_MAX; their other fields are not the root's */
        {
                static char doc[8192];
                size_t n = (size_t)snprintf(doc, sizeof(doc), HEAD "<device><deviceType>r"
                                            "</deviceType><deviceList>");
                for (int i = 0; i < 20; i++)
                        n += (size_t)snprintf(doc + n, sizeof(doc) - n,
                                              "<device><deviceType>e%d</deviceType>"
                                              "<friendlyName>f%d</friendlyName><deviceList>"
                                              "<device><deviceType>n%d</deviceType></device>"
                                              "</deviceList></device>", i, i, i);
                n += (size_t)snprintf(doc + n, sizeof(doc) - n, "</deviceList></device></root>");
                CHECK_INT(t_parse(parse_upnp, doc, n, &s), DISSECT_OK);
                CHECK_INT(t_count(&s, "upnp.device_type"), 1 + UPNP_EMBEDDED_MAX);
                CHECK(t_find(&s, OBS_ATTR, "upnp.device_type", "n7") != NULL);
                CHECK(t_find(&s, OBS_ATTR, "upnp.device_type", "e7") != NULL);
                CHECK(t_find(&s, OBS_ATTR, "upnp.device_type", "e8") == NULL);
                CHECK_INT(t_count(&s, "upnp.friendly_name"), 0);
        }
        /* after the root device: not looked at */
        CHECK_INT(PARSE(HEAD "<device><modelName>a</modelName></device><device><modelName>b"
                        "</modelName></device></root> trailing garbage <"), DISSECT_OK);
        CHECK_INT(t_count(&s, "upnp.model_name"), 1);
}

static void verdicts(void)
{
        /* not a description */
        CHECK_INT(PARSE("<html><head><title>x</title></head></html>"), DISSECT_IGNORED);
        CHECK_INT(PARSE("{\"device\": 1}"), DISSECT_IGNORED);
        CHECK_INT(PARSE("  \r\n hello <root>"), DISSECT_IGNORED);
        /* spec violations: what came before is kept */
        CHECK_INT(PARSE(HEAD "<device><modelName>a</modelName><friendlyName>x</modelName>"
                        "</device></root>"), DISSECT_MALFORMED);
        CHECK_STR(t_val(&s, "upnp.model_name"), "a");
        CHECK(t_val(&s, "upnp.friendly_name") == NULL);
        CHECK_INT(PARSE(HEAD "<specVersion/></root>"), DISSECT_MALFORMED);
        CHECK_INT(PARSE("<root/>"), DISSECT_MALFORMED);
        CHECK_INT(PARSE(HEAD "<device><>x</device></root>"), DISSECT_MALFORMED);
        CHECK_INT(PARSE(HEAD "<device></></device></root>"), DISSECT_MALFORMED);
        CHECK_INT(PARSE("</root>"), DISSECT_MALFORMED);
        /* cut short anywhere: TRUNCATED, never a half value */
        CHECK_INT(PARSE(""), DISSECT_TRUNCATED);
        CHECK_INT(PARSE("\xef\xbb"), DISSECT_TRUNCATED);
        CHECK_INT(PARSE("<?xml version"), DISSECT_TRUNCATED);
        CHECK_INT(PARSE(HEAD "<device><modelName>Synology DS2"), DISSECT_TRUNCATED);
        CHECK_INT(s.n, 0);
        CHECK_INT(PARSE(HEAD "<device><modelName>DS220+</modelN"), DISSECT_TRUNCATED);
        CHECK_INT(s.n, 0);
        CHECK_INT(PARSE(HEAD "<device><modelName>DS220+</modelName><friendlyNa"),
                  DISSECT_TRUNCATED);
        CHECK_STR(t_val(&s, "upnp.model_name"), "DS220+");
        CHECK_INT(PARSE(HEAD "<device a=\"x>"), DISSECT_TRUNCATED);  /* '>' quoted */
        CHECK_INT(PARSE(HEAD "<device><!-- x -- "), DISSECT_TRUNCATED);
        CHECK_INT(PARSE(HEAD "<device><!-"), DISSECT_TRUNCATED);
        CHECK_INT(PARSE(HEAD "<device><![CDA"), DISSECT_TRUNCATED);
        CHECK_INT(PARSE(HEAD "<device><modelName><![CDATA[x]]"), DISSECT_TRUNCATED);
        CHECK_INT(PARSE(HEAD "<device><"), DISSECT_TRUNCATED);
        CHECK_INT(PARSE(HEAD "<device></"), DISSECT_TRUNCATED);
        CHECK_INT(PARSE(HEAD "<device></device"), DISSECT_TRUNCATED);
        CHECK_INT(PARSE(HEAD "<device><modelName>a&amp"), DISSECT_TRUNCATED);
        /* the root device closed: OK even without </root> */
        CHECK_INT(PARSE(HEAD "<device><UDN>uuid:1</UDN></device>"), DISSECT_OK);
        CHECK_STR(t_val(&s, "upnp.udn"), "uuid:1");
}

static void huge(void)
{
        /* a 60 KiB value: cut at OBS_VALUE_MAX, the scan goes on past it */
        size_t big = 60000;
        const char *pre = HEAD "<device><friendlyName>";
        const char *post = "</friendlyName><modelName>m</modelName></device></root>";
        char *doc = malloc(strlen(pre) + big + strlen(post));
        if (!doc)
                abort();
        size_t n = strlen(pre);
        memcpy(doc, pre, n);
        memset(doc + n, 'A', big);
        n += big;
        memcpy(doc + n, post, strlen(post));
        n += strlen(post);
        CHECK_INT(t_parse(parse_upnp, doc, n, &s), DISSECT_OK);
        const struct obs *o = t_find(&s, OBS_ATTR, "upnp.friendly_name", NULL);
        CHECK(o != NULL && o->val_len == OBS_VALUE_MAX);
        CHECK_STR(t_val(&s, "upnp.model_name"), "m");
        /* a huge tag (60 KiB of attributes), then cut */
        n = strlen(HEAD "<device x=\"");
        memcpy(doc, HEAD "<device x=\"", n);
        memset(doc + n, 'B', big);
        CHECK_INT(t_parse(parse_upnp, doc, n + big, &s), DISSECT_TRUNCATED);
        /* deep nesting past the stack: counted, matched on the way out */
        static char deep[16384];
        n = (size_t)snprintf(deep, sizeof(deep), HEAD "<device>");
        for (int i = 0; i < 200; i++)
                n += (size_t)snprintf(deep + n, sizeof(deep) - n, "<a%d>", i);
        for (int i = 199; i >= 0; i--)
                n += (size_t)snprintf(deep + n, sizeof(deep) - n, "</a%d>", i);
        n += (size_t)snprintf(deep + n, sizeof(deep) - n, "<modelName>d</modelName></device>");
        CHECK_INT(t_parse(parse_upnp, deep, n, &s), DISSECT_OK);
        CHECK_STR(t_val(&s, "upnp.model_name"), "d");
        free(doc);
}

int main(void)
{
        minidlna();
        miniupnpd();
        libupnp();
        text();
        structure();
        verdicts();
        huge();
        return t_done();
}
