/* test-ssdp.c - dissect_ssdp on real captures (minidlna 1.3.0, miniupnpd
 * 2.3.1, and the M-SEARCHes of upnpc 2.2.4, nmap 7.93 and a python3 socket;
 * see tests/captures/make/ssdp.sh) with a truncation sweep over every frame,
 * then on hand-built payloads for each edge the dissector decides. */
#include "testlib.h"

#include <stdlib.h>

static const uint8_t NAS_MAC[6] = { 0x00, 0x11, 0x32, 0x00, 0x02, 0x0a };  /* minidlna */
static const uint8_t IGD_MAC[6] = { 0x50, 0xc7, 0xbf, 0x00, 0x02, 0x01 };  /* miniupnpd */
static const uint8_t CP_MAC[6] = { 0x02, 0x4e, 0x4c, 0xff, 0x02, 0x64 };   /* searchers */

#define NAS_SERVER      "Debian DLNADOC/1.50 UPnP/1.0 MiniDLNA/1.3.0"
#define NAS_LOCATION    "http://198.18.2.10:8200/rootDesc.xml"
#define NAS_UUID        "4d696e69-444c-164e-9d41-00113200020a"
#define IGD_SERVER      "Debian/6.18.44-fc-v669 UPnP/1.1 MiniUPnPd/2.3.1"
#define IGD_LOCATION    "http://198.18.2.1:5000/rootDesc.xml"
#define IGD_UUID        "2c0b3e0a-7b5e-4b1e-9a6e-50c7bf000201"

static struct obs_sink sink;

/* The observation of this kind/key/value, only when it is about `mac`. */
static const struct obs *find(const uint8_t mac[6], enum obs_kind kind, const char *key,
                              const char *value)
{
        const struct obs *o = t_find(&sink, kind, key, value);
        return o && memcmp(o->mac, mac, 6) == 0 && o->source == PROTO_SSDP ? o : NULL;
}

static size_t count_key(const char *key)
{
        size_t n = 0;
        for (size_t i = 0; i < sink.n; i++)
                if (sink.obs[i].kind == OBS_ATTR && strcmp(sink.obs[i].key, key) == 0)
                        n++;
        return n;
}

static bool has_ip4(const uint8_t mac[6], const char *ip)
{
        uint8_t a[4];
        t_ip4(ip, a);
        for (size_t i = 0; i < sink.n; i++) {
                const struct obs *o = &sink.obs[i];
                if (o->kind == OBS_IPV4 && memcmp(o->addr, a, 4) == 0 && memcmp(o->mac, mac, 6) == 0)
                        return true;
        }
        return false;
}

/* Decode frame i of fr; every real frame must decode OK, and every prefix of
 * it must decode without MALFORMED or a crash. */
static void frame(const struct t_frames *fr, size_t i)
{
        enum dissect_res r = t_dissect(fr->f[i].data, fr->f[i].len, &sink);
        if (!CHECK_INT(r, DISSECT_OK))
                fprintf(stderr, "  frame %zu\n", i + 1);
        CHECK_INT(sink.dropped, 0);
}

static void sweep(const struct t_frames *fr)
{
        for (size_t i = 0; i < fr->n; i++)
                t_sweep(fr->f[i].lt, fr->f[i].data, fr->f[i].len);
}

static void test_minidlna(void)
{
        struct t_frames fr;
        if (t_load_pcap(t_capture("ssdp-minidlna.pcap"), &fr) < 0)
                return;
        CHECK_INT(fr.n, 19);
        sweep(&fr);

        /* 1-6: the ssdp:byebye minidlna sends at start-up, one per NT: just
         * the notice, no address, no description URL. */
        for (size_t i = 0; i < 6 && i < fr.n; i++) {
                frame(&fr, i);
                CHECK_INT(sink.n, 1);
                CHECK(find(NAS_MAC, OBS_ATTR, "ssdp.nts", "ssdp:byebye"));
        }
        /* 7-12: ssdp:alive, headers without a blank after the colon. */
        static const char *const nts[6] = {
                ("uuid:" NAS_UUID), "upnp:rootdevice", "urn:schemas-upnp-org:device:MediaServer:1",
                "urn:schemas-upnp-org:service:ContentDirectory:1",
                "urn:schemas-upnp-org:service:ConnectionManager:1",
                "urn:microsoft.com:service:X_MS_MediaReceiverRegistrar:1",
        };
        for (size_t i = 6; i < 12 && i < fr.n; i++) {
                frame(&fr, i);
                CHECK_INT(sink.n, 7);
                CHECK(has_ip4(NAS_MAC, "198.18.2.10"));
                CHECK(find(NAS_MAC, OBS_ATTR, "ssdp.server", NAS_SERVER));
                CHECK(find(NAS_MAC, OBS_ATTR, "ssdp.location", NAS_LOCATION));
                CHECK(find(NAS_MAC, OBS_ATTR, "ssdp.uuid", NAS_UUID));
                CHECK(find(NAS_MAC, OBS_ATTR, "ssdp.nts", "ssdp:alive"));
                CHECK(find(NAS_MAC, OBS_ATTR, "ssdp.nt", nts[i - 6]));
                CHECK(!t_find(&sink, OBS_ATTR, "ssdp.quirk", NULL));
        }
        frame(&fr, 6);
        CHECK(find(NAS_MAC, OBS_ATTR, "ssdp.usn", "uuid:" NAS_UUID));
        frame(&fr, 8);
        CHECK(find(NAS_MAC, OBS_ATTR, "ssdp.usn",
                   "uuid:" NAS_UUID "::urn:schemas-upnp-org:device:MediaServer:1"));

        /* 13: the answer to nmap's ST upnp:rootdevice; 14-19: to ssdp:all,
         * one per target. Unicast from port 1900 to the searcher. */
        static const char *const sts[7] = {
                "upnp:rootdevice", ("uuid:" NAS_UUID), "upnp:rootdevice",
                "urn:schemas-upnp-org:device:MediaServer:1",
                "urn:schemas-upnp-org:service:ContentDirectory:1",
                "urn:schemas-upnp-org:service:ConnectionManager:1",
                "urn:microsoft.com:service:X_MS_MediaReceiverRegistrar:1",
        };
        for (size_t i = 12; i < 19 && i < fr.n; i++) {
                frame(&fr, i);
                CHECK_INT(sink.n, 6);
                CHECK(has_ip4(NAS_MAC, "198.18.2.10"));
                CHECK(find(NAS_MAC, OBS_ATTR, "ssdp.server", NAS_SERVER));
                CHECK(find(NAS_MAC, OBS_ATTR, "ssdp.location", NAS_LOCATION));
                CHECK(find(NAS_MAC, OBS_ATTR, "ssdp.uuid", NAS_UUID));
                CHECK(find(NAS_MAC, OBS_ATTR, "ssdp.st", sts[i - 12]));
                CHECK(!t_find(&sink, OBS_ATTR, "ssdp.nts", NULL));
                CHECK(!t_find(&sink, OBS_ATTR, "ssdp.nt", NULL));
        }
        frame(&fr, 12);
        CHECK(find(NAS_MAC, OBS_ATTR, "ssdp.usn", "uuid:" NAS_UUID "::upnp:rootdevice"));
        t_frames_free(&fr);
}

static void test_miniupnpd(void)
{
        struct t_frames fr;
        if (t_load_pcap(t_capture("ssdp-miniupnpd.pcap"), &fr) < 0)
                return;
        CHECK_INT(fr.n, 40);
        sweep(&fr);

        /* 1-13 ssdp:alive (UPnP/1.1 headers: OPT, 01-NLS, BOOTID.UPNP.ORG,
         * CONFIGID.UPNP.ORG, read past), 14-27 search answers, 28-40 byebye. */
        unsigned alive = 0, answers = 0, byebye = 0;
        bool uuid2 = false, uuid3 = false;
        for (size_t i = 0; i < fr.n; i++) {
                frame(&fr, i);
                CHECK(!t_find(&sink, OBS_ATTR, "ssdp.quirk", NULL));
                if (find(IGD_MAC, OBS_ATTR, "ssdp.nts", "ssdp:byebye")) {
                        byebye++;
                        CHECK_INT(sink.n, 1);
                        continue;
                }
                CHECK(has_ip4(IGD_MAC, "198.18.2.1"));
                CHECK(find(IGD_MAC, OBS_ATTR, "ssdp.server", IGD_SERVER));
                CHECK(find(IGD_MAC, OBS_ATTR, "ssdp.location", IGD_LOCATION));
                CHECK_INT(count_key("ssdp.uuid"), 1);
                /* The embedded WANDevice and WANConnectionDevice have UUIDs
                 * of their own. */
                uuid2 |= find(IGD_MAC, OBS_ATTR, "ssdp.uuid", "2c0b3e0a-7b5e-4b1e-9a6e-50c7bf000202") != NULL;
                uuid3 |= find(IGD_MAC, OBS_ATTR, "ssdp.uuid", "2c0b3e0a-7b5e-4b1e-9a6e-50c7bf000203") != NULL;
                if (find(IGD_MAC, OBS_ATTR, "ssdp.nts", "ssdp:alive")) {
                        alive++;
                        CHECK_INT(sink.n, 7);
                } else {
                        answers++;
                        CHECK_INT(sink.n, 6);
                        CHECK_INT(count_key("ssdp.st"), 1);
                }
        }
        CHECK_INT(alive, 13);
        CHECK_INT(answers, 14);
        CHECK_INT(byebye, 13);
        CHECK(uuid2 && uuid3);

        frame(&fr, 0);
        CHECK(find(IGD_MAC, OBS_ATTR, "ssdp.nt", "upnp:rootdevice"));
        CHECK(find(IGD_MAC, OBS_ATTR, "ssdp.usn", "uuid:" IGD_UUID "::upnp:rootdevice"));
        CHECK(find(IGD_MAC, OBS_ATTR, "ssdp.uuid", IGD_UUID));
        frame(&fr, 1);
        CHECK(find(IGD_MAC, OBS_ATTR, "ssdp.nt", "urn:schemas-upnp-org:device:InternetGatewayDevice:2"));
        /* 14: the answer to upnpc's search for IGD:1. */
        frame(&fr, 13);
        CHECK(find(IGD_MAC, OBS_ATTR, "ssdp.st", "urn:schemas-upnp-org:device:InternetGatewayDevice:1"));
        CHECK(find(IGD_MAC, OBS_ATTR, "ssdp.usn",
                   "uuid:" IGD_UUID "::urn:schemas-upnp-org:device:InternetGatewayDevice:1"));
        t_frames_free(&fr);
}

static void test_msearch(void)
{
        struct t_frames fr;
        if (t_load_pcap(t_capture("ssdp-msearch.pcap"), &fr) < 0)
                return;
        CHECK_INT(fr.n, 3);
        sweep(&fr);
        if (fr.n < 3)
                goto out;
        /* upnpc -l: IGD:1, no USER-AGENT. */
        frame(&fr, 0);
        CHECK_INT(sink.n, 2);
        CHECK(has_ip4(CP_MAC, "198.18.2.100"));
        CHECK(find(CP_MAC, OBS_ATTR, "ssdp.search", "urn:schemas-upnp-org:device:InternetGatewayDevice:1"));
        CHECK(!t_find(&sink, OBS_ATTR, "ssdp.user_agent", NULL));
        /* nmap broadcast-upnp-info: "Host:", "Man:" in mixed case, no blanks. */
        frame(&fr, 1);
        CHECK_INT(sink.n, 2);
        CHECK(find(CP_MAC, OBS_ATTR, "ssdp.search", "upnp:rootdevice"));
        /* python3 socket, UDA 2.0 style with USER-AGENT. */
        frame(&fr, 2);
        CHECK_INT(sink.n, 3);
        CHECK(find(CP_MAC, OBS_ATTR, "ssdp.search", "ssdp:all"));
        CHECK(find(CP_MAC, OBS_ATTR, "ssdp.user_agent", "Linux/6.1 UPnP/2.0 nhss-probe/1.0"));
        CHECK(!t_find(&sink, OBS_ATTR, "ssdp.server", NULL));
out:
        t_frames_free(&fr);
}

/* ---------------------------------------------------------------- hand-built */

static const uint8_t HB_MAC[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x09 };

/* dissect_ssdp on a payload in a buffer of exactly its size (ASan sees any
 * read past the end), as if from 198.18.9.9 (or fe80::9 when v6). */
static enum dissect_res run6(const void *payload, size_t len, bool v6)
{
        struct frame_ctx ctx;
        struct cursor c;
        memset(&ctx, 0, sizeof(ctx));
        memcpy(ctx.src_mac, HB_MAC, 6);
        if (v6) {
                ctx.ip_version = 6;
                t_ip6("fe80::9", ctx.ip_src);
        } else {
                ctx.ip_version = 4;
                t_ip4("198.18.9.9", ctx.ip_src);
        }
        ctx.sport = 1900;
        ctx.dport = 1900;
        uint8_t *buf = malloc(len ? len : 1);
        if (!buf)
                abort();
        memcpy(buf, payload, len);
        cur_init(&c, buf, len);
        obs_sink_reset(&sink);
        sink.dropped = 0;
        enum dissect_res r = dissect_ssdp(&c, &ctx, &sink);
        free(buf);
        return r;
}

static enum dissect_res run(const char *payload)
{
        return run6(payload, strlen(payload), false);
}

static const struct obs *hb(const char *key, const char *value)
{
        return find(HB_MAC, OBS_ATTR, key, value);
}

#define ALIVE_HEAD "NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"

static void test_line_ends(void)
{
        /* LF only. */
        CHECK_INT(run("NOTIFY * HTTP/1.1\nHOST: 239.255.255.250:1900\nNT: upnp:rootdevice\n"
                      "NTS: ssdp:alive\nSERVER: lf/1 UPnP/1.0 x/1\nUSN: uuid:abc::upnp:rootdevice\n"
                      "LOCATION: http://198.18.9.9/d.xml\n\n"), DISSECT_OK);
        CHECK_INT(sink.n, 7);
        CHECK(has_ip4(HB_MAC, "198.18.9.9"));
        CHECK(hb("ssdp.server", "lf/1 UPnP/1.0 x/1"));
        CHECK(hb("ssdp.location", "http://198.18.9.9/d.xml"));
        CHECK(hb("ssdp.uuid", "abc"));
        CHECK(hb("ssdp.nts", "ssdp:alive"));
        CHECK(!hb("ssdp.quirk", NULL));

        /* No final empty line: the datagram's end ends the headers. */
        CHECK_INT(run(ALIVE_HEAD "NTS: ssdp:alive\r\nSERVER: a/1\r\n"), DISSECT_OK);
        CHECK(hb("ssdp.server", "a/1"));
        CHECK(hb("ssdp.quirk", "no_blank_line"));
        /* ... nor a line end on the last header. */
        CHECK_INT(run(ALIVE_HEAD "NTS: ssdp:alive\r\nSERVER: a/1"), DISSECT_OK);
        CHECK(hb("ssdp.server", "a/1"));
        CHECK(hb("ssdp.quirk", "no_blank_line"));
        /* A lone CR before the end of the datagram. */
        CHECK_INT(run(ALIVE_HEAD "SERVER: a/1\r"), DISSECT_OK);
        CHECK(hb("ssdp.server", "a/1"));
        /* Only the start line. */
        CHECK_INT(run("NOTIFY * HTTP/1.1"), DISSECT_OK);
        CHECK_INT(count_key("ssdp.server"), 0);
        CHECK(hb("ssdp.quirk", "no_blank_line"));
        /* Whatever follows the empty line is a body, not headers. */
        CHECK_INT(run(ALIVE_HEAD "\r\nSERVER: body/1\r\n"), DISSECT_OK);
        CHECK(!hb("ssdp.server", NULL));
        CHECK(!hb("ssdp.quirk", NULL));
}

static void test_names_values(void)
{
        /* Names in any case, values trimmed of SP and HT on both sides. */
        CHECK_INT(run(ALIVE_HEAD "server: \t Linux/5.10 UPnP/1.0 MiniDLNA/1.3.0 \t\r\n"
                      "Location:http://198.18.9.9:8200/rootDesc.xml\r\nuSn:   uuid:U1  \r\n"
                      "nts:ssdp:alive\r\nNt :x\r\n\r\n"), DISSECT_OK);
        CHECK(hb("ssdp.server", "Linux/5.10 UPnP/1.0 MiniDLNA/1.3.0"));
        CHECK(hb("ssdp.location", "http://198.18.9.9:8200/rootDesc.xml"));
        CHECK(hb("ssdp.usn", "uuid:U1"));
        CHECK(hb("ssdp.uuid", "U1"));
        CHECK(hb("ssdp.nt", "x"));
        /* NT is not a prefix of NTS, nor SERVER of SERVERS. */
        CHECK_INT(run(ALIVE_HEAD "NTS: ssdp:alive\r\nSERVERS: no\r\nNTX: no\r\n\r\n"), DISSECT_OK);
        CHECK(!hb("ssdp.nt", NULL));
        CHECK(!hb("ssdp.server", NULL));
        /* A repeated header: the first counts. */
        CHECK_INT(run(ALIVE_HEAD "SERVER: first/1\r\nSERVER: second/2\r\n\r\n"), DISSECT_OK);
        CHECK_INT(count_key("ssdp.server"), 1);
        CHECK(hb("ssdp.server", "first/1"));
        /* An empty value says nothing. */
        CHECK_INT(run(ALIVE_HEAD "SERVER:   \r\nEXT:\r\n\r\n"), DISSECT_OK);
        CHECK(!hb("ssdp.server", NULL));
        /* USN forms: no "::", not a uuid, an empty uuid, colons inside. */
        CHECK_INT(run(ALIVE_HEAD "USN: UUID:Abc-1\r\n\r\n"), DISSECT_OK);
        CHECK(hb("ssdp.uuid", "Abc-1"));
        CHECK_INT(run(ALIVE_HEAD "USN: urn:x::y\r\n\r\n"), DISSECT_OK);
        CHECK(hb("ssdp.usn", "urn:x::y"));
        CHECK(!hb("ssdp.uuid", NULL));
        CHECK_INT(run(ALIVE_HEAD "USN: uuid:::upnp:rootdevice\r\n\r\n"), DISSECT_OK);
        CHECK(!hb("ssdp.uuid", NULL));
        CHECK_INT(run(ALIVE_HEAD "USN: uuid:a:b:c::d::e\r\n\r\n"), DISSECT_OK);
        CHECK(hb("ssdp.uuid", "a:b:c"));
        CHECK_INT(run(ALIVE_HEAD "USN: uuid:trailing:\r\n\r\n"), DISSECT_OK);
        CHECK(hb("ssdp.uuid", "trailing:"));
}

static void test_kinds(void)
{
        /* byebye: only the notice, whatever else the message carries. */
        CHECK_INT(run(ALIVE_HEAD "NTS: SSDP:BYEBYE\r\nSERVER: s/1\r\nUSN: uuid:u\r\n"
                      "LOCATION: http://198.18.9.9/\r\n\r\n"), DISSECT_OK);
        CHECK_INT(sink.n, 1);
        CHECK(hb("ssdp.nts", "ssdp:byebye"));
        /* ssdp:update (UDA 1.1 §1.2.4) is passed on as sent. */
        CHECK_INT(run(ALIVE_HEAD "NTS: ssdp:update\r\nLOCATION: http://198.18.9.9/\r\n"
                      "NT: upnp:rootdevice\r\n\r\n"), DISSECT_OK);
        CHECK(hb("ssdp.nts", "ssdp:update"));
        CHECK(hb("ssdp.location", "http://198.18.9.9/"));
        CHECK(has_ip4(HB_MAC, "198.18.9.9"));
        /* M-SEARCH: the control point's USER-AGENT and what it looks for. */
        CHECK_INT(run("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
                      "MAN: \"ssdp:discover\"\r\nMX: 2\r\nST: urn:dial-multiscreen-org:service:dial:1\r\n"
                      "USER-AGENT: Android/13 UPnP/1.1 Chrome/120\r\nSERVER: not/read\r\n\r\n"),
                  DISSECT_OK);
        CHECK_INT(sink.n, 3);
        CHECK(hb("ssdp.search", "urn:dial-multiscreen-org:service:dial:1"));
        CHECK(hb("ssdp.user_agent", "Android/13 UPnP/1.1 Chrome/120"));
        CHECK(!hb("ssdp.server", NULL));
        CHECK(!hb("ssdp.st", NULL));
        /* Responses: HTTP/1.0 as well, a reason phrase or none. */
        CHECK_INT(run("HTTP/1.0 200 OK\r\nST: upnp:rootdevice\r\nSERVER: old/1\r\n\r\n"), DISSECT_OK);
        CHECK(hb("ssdp.st", "upnp:rootdevice"));
        CHECK(hb("ssdp.server", "old/1"));
        CHECK(!hb("ssdp.search", NULL));
        CHECK_INT(run("HTTP/1.1 200\r\nST: x\r\n\r\n"), DISSECT_OK);
        CHECK(hb("ssdp.st", "x"));
        /* IPv6: the device's own address is bound as IPv6. */
        static const char v6[] = ALIVE_HEAD "NTS: ssdp:alive\r\nSERVER: v6/1\r\n\r\n";
        CHECK_INT(run6(v6, sizeof(v6) - 1, true), DISSECT_OK);
        uint8_t a6[16];
        t_ip6("fe80::9", a6);
        const struct obs *o = t_find(&sink, OBS_IPV6, NULL, NULL);
        CHECK(o && memcmp(o->addr, a6, 16) == 0 && memcmp(o->mac, HB_MAC, 6) == 0);
        CHECK(!t_find(&sink, OBS_IPV4, NULL, NULL));
        CHECK(hb("ssdp.server", "v6/1"));
}

static void test_not_ssdp(void)
{
        static const char *const ignored[] = {
                "HTTP/1.1 404 Not Found\r\nST: upnp:rootdevice\r\nSERVER: x/1\r\n\r\n",
                "HTTP/1.1 2000 OK\r\nST: x\r\n\r\n",
                "HTTP/1.1 500 Internal Server Error\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
                "NOTIFY /evt HTTP/1.1\r\nNT: upnp:event\r\n\r\n",  /* GENA event, not SSDP */
                "notify * http/1.1\r\nNTS: ssdp:alive\r\n\r\n",    /* methods are case-sensitive */
                "NOTIFY * HTTP/2.0\r\n\r\n",
                "http/1.1 200 OK\r\nST: x\r\n\r\n",
                " NOTIFY * HTTP/1.1\r\n\r\n",
                "\r\nNOTIFY * HTTP/1.1\r\n\r\n",
                "NOTIFY * HTTP/1.",
                "M-SEARCH",
                "",
        };
        for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++) {
                if (!CHECK_INT(run(ignored[i]), DISSECT_IGNORED))
                        fprintf(stderr, "  case %zu\n", i);
                CHECK_INT(sink.n, 0);
        }
        /* Binary that is no HTTP at all (a DNS header, say). */
        static const uint8_t bin[] = { 0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x0a, 0x00 };
        CHECK_INT(run6(bin, sizeof(bin), false), DISSECT_IGNORED);
        CHECK_INT(sink.n, 0);
        /* Trailing blanks after a start line are tolerated. */
        CHECK_INT(run("NOTIFY * HTTP/1.1 \t\r\nNTS: ssdp:alive\r\n\r\n"), DISSECT_OK);
}

static void test_malformed(void)
{
        /* A header line without a colon: MALFORMED, the rest still read. */
        CHECK_INT(run(ALIVE_HEAD "NTS: ssdp:alive\r\nTHIS IS NOT A HEADER\r\nSERVER: s/1\r\n\r\n"),
                  DISSECT_MALFORMED);
        CHECK(hb("ssdp.quirk", "bad_line"));
        CHECK(hb("ssdp.server", "s/1"));
        CHECK(hb("ssdp.nts", "ssdp:alive"));
        /* An empty name. */
        CHECK_INT(run(ALIVE_HEAD ": v\r\nSERVER: s/1\r\n\r\n"), DISSECT_MALFORMED);
        CHECK(hb("ssdp.quirk", "bad_line"));
        CHECK(hb("ssdp.server", "s/1"));
        /* Without its line end the same line may be a capture cut short. */
        CHECK_INT(run(ALIVE_HEAD "SERVER: s/1\r\nLOCAT"), DISSECT_OK);
        CHECK(!hb("ssdp.quirk", "bad_line"));
        CHECK(hb("ssdp.server", "s/1"));

        /* NUL bytes in a value: that header is dropped, the others kept. */
        static const char nul[] = ALIVE_HEAD "SERVER: evil\0/1\r\nLOCATION: http://198.18.9.9/\r\n"
                                  "X-OTHER: a\0b\r\n\r\n";
        CHECK_INT(run6(nul, sizeof(nul) - 1, false), DISSECT_MALFORMED);
        CHECK(!hb("ssdp.server", NULL));
        CHECK(hb("ssdp.location", "http://198.18.9.9/"));
        CHECK(hb("ssdp.quirk", "nul_in_value"));
        /* A NUL in a header this dissector does not read is none of its business. */
        static const char nul2[] = ALIVE_HEAD "X-OTHER: a\0b\r\nSERVER: s/1\r\n\r\n";
        CHECK_INT(run6(nul2, sizeof(nul2) - 1, false), DISSECT_OK);
        CHECK(hb("ssdp.server", "s/1"));

        /* obs-fold: the continuation is ignored, not joined. */
        CHECK_INT(run(ALIVE_HEAD "SERVER: a/1\r\n  continued/2\r\n\tmore\r\nUSN: uuid:f\r\n\r\n"),
                  DISSECT_OK);
        CHECK(hb("ssdp.server", "a/1"));
        CHECK(hb("ssdp.uuid", "f"));
        CHECK(hb("ssdp.quirk", "obs_fold"));
}

static void test_limits(void)
{
        /* A 5000-byte header line is skipped; the next line is read. */
        size_t big = 5000;
        char *p = malloc(big + 256);
        if (!p)
                abort();
        strcpy(p, ALIVE_HEAD "SERVER: ");
        size_t n = strlen(p);
        memset(p + n, 'A', big);
        strcpy(p + n + big, "\r\nLOCATION: http://198.18.9.9/\r\n\r\n");
        CHECK_INT(run(p), DISSECT_OK);
        CHECK(!hb("ssdp.server", NULL));
        CHECK(hb("ssdp.location", "http://198.18.9.9/"));
        CHECK(hb("ssdp.quirk", "long_line"));
        /* ... also as the last, unterminated line. */
        p[n + big] = '\0';
        CHECK_INT(run(p), DISSECT_OK);
        CHECK(!hb("ssdp.server", NULL));
        CHECK(hb("ssdp.quirk", "long_line"));
        /* A 5000-byte start line is not SSDP. */
        memset(p, 'N', big);
        p[big] = '\0';
        CHECK_INT(run(p), DISSECT_IGNORED);
        free(p);

        /* 200 header lines: the first 64 are read, the rest ignored. */
        size_t cap = 200 * 16 + 256, off;
        char *m = malloc(cap);
        if (!m)
                abort();
        off = (size_t)snprintf(m, cap, "%s", ALIVE_HEAD);   /* HOST is line 1 */
        for (int i = 2; i <= 200; i++) {
                if (i == 10)
                        off += (size_t)snprintf(m + off, cap - off, "SERVER: early/1\r\n");
                else if (i == 150)
                        off += (size_t)snprintf(m + off, cap - off, "USN: uuid:late\r\n");
                else
                        off += (size_t)snprintf(m + off, cap - off, "X-PAD-%03d: p\r\n", i);
        }
        snprintf(m + off, cap - off, "\r\n");
        CHECK_INT(run(m), DISSECT_OK);
        CHECK(hb("ssdp.server", "early/1"));
        CHECK(!hb("ssdp.usn", NULL));
        CHECK(!hb("ssdp.uuid", NULL));
        CHECK(hb("ssdp.quirk", "too_many_lines"));
        CHECK(!hb("ssdp.quirk", "no_blank_line"));
        free(m);

        /* Exactly 64 header lines and the end of the datagram: no cap hit. */
        char m64[64 * 16 + 64];
        off = (size_t)snprintf(m64, sizeof(m64), "NOTIFY * HTTP/1.1\r\n");
        for (int i = 1; i <= 64; i++)
                off += (size_t)snprintf(m64 + off, sizeof(m64) - off, "X-PAD-%03d: p\r\n", i);
        CHECK_INT(run(m64), DISSECT_OK);
        CHECK(!hb("ssdp.quirk", "too_many_lines"));
        CHECK(hb("ssdp.quirk", "no_blank_line"));
}

int main(void)
{
        test_minidlna();
        test_miniupnpd();
        test_msearch();
        test_line_ends();
        test_names_values();
        test_kinds();
        test_not_ssdp();
        test_malformed();
        test_limits();
        return t_done();
}
