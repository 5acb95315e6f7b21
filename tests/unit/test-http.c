/* test-http.c - parse_http / parse_http_title on lighttpd 1.4.69's answers
 * to curl (banner-http-lighttpd.pcap: HEAD /, a ranged GET /, HEAD of a
 * Basic-auth area, HEAD of a redirect), and hand-built edges. */
#include "banner-util.h"

static struct obs_sink s;

#define PARSE(lit) t_parse(parse_http, lit, sizeof(lit) - 1, &s)
#define TITLE(lit) t_parse(parse_http_title, lit, sizeof(lit) - 1, &s)

static void real(void)
{
        static const char *const seeds[] = { "head", "get", "auth", "redirect" };
        struct t_frames fr;
        uint16_t ports[8];
        uint8_t *st[4] = { NULL };
        size_t len[4] = { 0 };

        if (t_load_pcap(t_capture("banner-http-lighttpd.pcap"), &fr) != 0)
                return;
        CHECK_INT(t_clients(&fr, 80, ports, 8), 4);
        for (int i = 0; i < 4; i++) {
                st[i] = t_stream(&fr, 80, ports[i], &len[i]);
                CHECK(st[i] != NULL);
                if (!st[i])
                        goto out;
                t_sweep_parser(parse_http, st[i], len[i]);
                t_seed("http", seeds[i], st[i], len[i]);
        }
        /* HEAD / */
        CHECK_INT(t_parse(parse_http, st[0], len[0], &s), DISSECT_OK);
        CHECK_STR(t_val(&s, "http.status"), "200");
        CHECK_STR(t_val(&s, "http.server"), "lighttpd/1.4.69");
        CHECK_STR(t_val(&s, "http.powered_by"), "PHP/8.2.7");
        CHECK(t_val(&s, "http.title") == NULL);
        CHECK(s.obs[0].source == PROTO_HTTP);
        /* GET / with Range: 0-4095 (curl -r): 206 and the page */
        CHECK_INT(t_parse(parse_http, st[1], len[1], &s), DISSECT_OK);
        CHECK_STR(t_val(&s, "http.status"), "206");
        CHECK_STR(t_val(&s, "http.title"), "NHBN Lab Printer Status");
        CHECK_STR(t_val(&s, "http.server"), "lighttpd/1.4.69");
        /* HEAD /admin/: Basic realm */
        CHECK_INT(t_parse(parse_http, st[2], len[2], &s), DISSECT_OK);
        CHECK_STR(t_val(&s, "http.status"), "401");
        CHECK_STR(t_val(&s, "http.www_authenticate"), "HP LaserJet Pro M404dn");
        /* HEAD /old: redirect */
        CHECK_INT(t_parse(parse_http, st[3], len[3], &s), DISSECT_OK);
        CHECK_STR(t_val(&s, "http.status"), "301");
        CHECK_STR(t_val(&s, "http.location"), "http://198.18.40.2/index.html");
        for (size_t i = 0; i < fr.n; i++)
                t_sweep(fr.f[i].lt, fr.f[i].data, fr.f[i].len);
out:
        for (int i = 0; i < 4; i++)
                free(st[i]);
        t_frames_free(&fr);
}

static void headers(void)
{
        /* LF only, case-insensitive names, blanks trimmed, obs-fold skipped */
        CHECK_INT(PARSE("HTTP/1.0 200 OK\nSERVER:   GoAhead-Webs \n x-fold: y\n"
                        "x-POWERED-by:\tASP.NET\n\n"), DISSECT_OK);
        CHECK_STR(t_val(&s, "http.server"), "GoAhead-Webs");
        CHECK_STR(t_val(&s, "http.powered_by"), "ASP.NET");
        /* no reason phrase */
        CHECK_INT(PARSE("HTTP/1.1 204\r\n\r\n"), DISSECT_OK);
        CHECK_STR(t_val(&s, "http.status"), "204");
        /* empty Server value: nothing */
        CHECK_INT(PARSE("HTTP/1.1 200 OK\r\nServer:\r\n\r\n"), DISSECT_OK);
        CHECK(t_val(&s, "http.server") == NULL);
        /* the empty line has not come: what came is kept, TRUNCATED */
        CHECK_INT(PARSE("HTTP/1.1 200 OK\r\nServer: Boa/0.94.14rc21\r\nContent-Ty"),
                  DISSECT_TRUNCATED);
        CHECK_STR(t_val(&s, "http.server"), "Boa/0.94.14rc21");
        CHECK_INT(PARSE("HTTP/1.1 200 OK"), DISSECT_TRUNCATED);
        CHECK_INT(s.n, 0);
        CHECK_INT(PARSE("HTT"), DISSECT_TRUNCATED);
        CHECK_INT(PARSE(""), DISSECT_TRUNCATED);
        /* not HTTP */
        CHECK_INT(PARSE("SSH-2.0-OpenSSH_9.2p1\r\n"), DISSECT_IGNORED);
        CHECK_INT(PARSE("<html>"), DISSECT_IGNORED);
        /* a bad status line */
        CHECK_INT(PARSE("HTTP/1.1 2x0 OK\r\n\r\n"), DISSECT_MALFORMED);
        CHECK_INT(PARSE("HTTP/11 200 OK\r\n\r\n"), DISSECT_MALFORMED);
        CHECK_INT(PARSE("HTTP/1.1 2000 OK\r\n\r\n"), DISSECT_MALFORMED);
        CHECK_INT(s.n, 0);

        /* WWW-Authenticate: quoted realm with a comma and an escaped quote,
         * unquoted realm, no realm (the scheme), two realms on one line */
        CHECK_INT(PARSE("HTTP/1.1 401 Unauthorized\r\n"
                        "WWW-Authenticate: Digest nonce=\"realm=no\", realm=\"RT-AX88U, \\\"x\\\"\"\r\n"
                        "WWW-Authenticate: Basic realm=NETGEAR\r\n"
                        "WWW-Authenticate: NTLM\r\n"
                        "WWW-Authenticate: Negotiate, Basic realm=\"a\", Basic realm=\"b\"\r\n\r\n"),
                  DISSECT_OK);
        CHECK(t_find(&s, OBS_ATTR, "http.www_authenticate", "RT-AX88U, \\\"x\\\"") != NULL);
        CHECK(t_find(&s, OBS_ATTR, "http.www_authenticate", "NETGEAR") != NULL);
        CHECK(t_find(&s, OBS_ATTR, "http.www_authenticate", "NTLM") != NULL);
        CHECK(t_find(&s, OBS_ATTR, "http.www_authenticate", "a") != NULL);
        CHECK(t_find(&s, OBS_ATTR, "http.www_authenticate", "b") != NULL);
        CHECK(t_find(&s, OBS_ATTR, "http.www_authenticate", "no") == NULL);
        CHECK_INT(t_count(&s, "http.www_authenticate"), 5);
        /* unterminated quoted realm: up to the end of the line */
        CHECK_INT(PARSE("HTTP/1.1 401 x\r\nWWW-Authenticate: Basic realm=\"cut\r\n\r\n"),
                  DISSECT_OK);
        CHECK_STR(t_val(&s, "http.www_authenticate"), "cut");

        /* a 10,000-byte header line: MALFORMED, the status before it kept */
        static char big[10100];
        size_t n = 0;
        memcpy(big, "HTTP/1.1 200 OK\r\nX-Big: ", 24);
        n = 24;
        memset(big + n, 'a', 10000);
        n += 10000;
        memcpy(big + n, "\r\nServer: after\r\n\r\n", 19);
        n += 19;
        CHECK_INT(t_parse(parse_http, big, n, &s), DISSECT_MALFORMED);
        CHECK_STR(t_val(&s, "http.status"), "200");
        CHECK(t_val(&s, "http.server") == NULL);
        /* an 8000-byte Server value is read and capped by the sink */
        n = 0;
        memcpy(big, "HTTP/1.1 200 OK\r\nServer: ", 25);
        n = 25;
        memset(big + n, 's', 8000);
        n += 8000;
        memcpy(big + n, "\r\n\r\n", 4);
        n += 4;
        CHECK_INT(t_parse(parse_http, big, n, &s), DISSECT_OK);
        CHECK_INT(t_find(&s, OBS_ATTR, "http.server", NULL)->val_len, OBS_VALUE_MAX);
        t_seed("http", "edge-long-server", big, n);

        /* more than 100 field lines: the rest is not heeded */
        static char many[200 * 8 + 64];
        n = 0;
        memcpy(many, "HTTP/1.1 200 OK\r\n", 17);
        n = 17;
        for (int i = 0; i < 100; i++) {
                memcpy(many + n, "X-A: b\r\n", 8);
                n += 8;
        }
        memcpy(many + n, "Server: late\r\n\r\n", 16);
        n += 16;
        CHECK_INT(t_parse(parse_http, many, n, &s), DISSECT_OK);
        CHECK(t_val(&s, "http.server") == NULL);
}

static void titles(void)
{
        CHECK_INT(TITLE("<html><head><TITLE>Web  Image\r\n\tMonitor</TITLE>"), DISSECT_OK);
        CHECK_STR(t_val(&s, "http.title"), "Web Image Monitor");
        CHECK_INT(TITLE("<title lang=\"en\" >  x  </title >"), DISSECT_OK);
        CHECK_STR(t_val(&s, "http.title"), "x");
        CHECK_INT(TITLE("<title\n>split</title>"), DISSECT_OK);
        CHECK_STR(t_val(&s, "http.title"), "split");
        CHECK_INT(TITLE("<titles>no</titles><title>yes</title>"), DISSECT_OK);
        CHECK_STR(t_val(&s, "http.title"), "yes");
        CHECK_INT(TITLE("<title>a<b>c</title>"), DISSECT_OK);
        CHECK_STR(t_val(&s, "http.title"), "a<b>c");
        /* empty or blank: nothing */
        CHECK_INT(TITLE("<title> \n </title>"), DISSECT_OK);
        CHECK_INT(s.n, 0);
        /* cut inside the tag or the text: TRUNCATED, nothing */
        CHECK_INT(TITLE("<title>Router Lo"), DISSECT_TRUNCATED);
        CHECK_INT(s.n, 0);
        CHECK_INT(TITLE("<title"), DISSECT_TRUNCATED);
        CHECK_INT(TITLE("<title lang="), DISSECT_TRUNCATED);
        CHECK_INT(TITLE("<title>x</tit"), DISSECT_TRUNCATED);
        /* no title */
        CHECK_INT(TITLE("<html><body>hi</body></html>"), DISSECT_IGNORED);
        CHECK_INT(TITLE(""), DISSECT_IGNORED);
        /* in a response: no title is no fault, a cut one is TRUNCATED */
        CHECK_INT(PARSE("HTTP/1.1 200 OK\r\n\r\n<html>"), DISSECT_OK);
        CHECK_INT(PARSE("HTTP/1.1 200 OK\r\n\r\n<title>cut"), DISSECT_TRUNCATED);
        CHECK_STR(t_val(&s, "http.status"), "200");

        /* a title past HTTP_TITLE_SCAN is not looked for */
        static char body[HTTP_TITLE_SCAN + 64];
        memset(body, ' ', sizeof(body));
        memcpy(body + HTTP_TITLE_SCAN, "<title>far</title>", 18);
        CHECK_INT(t_parse(parse_http_title, body, sizeof(body), &s), DISSECT_IGNORED);
        memcpy(body + HTTP_TITLE_SCAN - 30, "<title>near</title>", 19);
        CHECK_INT(t_parse(parse_http_title, body, sizeof(body), &s), DISSECT_OK);
        CHECK_STR(t_val(&s, "http.title"), "near");
        /* a title longer than OBS_VALUE_MAX is cut at the cap */
        static char longt[2000];
        memset(longt, 'T', sizeof(longt));
        memcpy(longt, "<title>", 7);
        memcpy(longt + sizeof(longt) - 8, "</title>", 8);
        CHECK_INT(t_parse(parse_http_title, longt, sizeof(longt), &s), DISSECT_OK);
        CHECK_INT(t_find(&s, OBS_ATTR, "http.title", NULL)->val_len, OBS_VALUE_MAX);
}

int main(void)
{
        real();
        headers();
        titles();
        return t_done();
}
