/* test-ssh.c - parse_ssh on what OpenSSH 9.2p1 and dropbear 2022.83 sent
 * (banner-ssh-*.pcap, tests/captures/make/banner.sh), and hand-built edges. */
#include "banner-util.h"

static struct obs_sink s;

#define PARSE(lit) t_parse(parse_ssh, lit, sizeof(lit) - 1, &s)

static void real(const char *file, uint16_t port, const char *banner, const char *software,
                 const char *comment, const char *seed)
{
        struct t_frames fr;
        size_t len;
        if (t_load_pcap(t_capture(file), &fr) != 0)
                return;
        uint8_t *st = t_stream(&fr, port, 0, &len);
        CHECK(st != NULL && len > 0);
        if (st) {
                CHECK_INT(t_parse(parse_ssh, st, len, &s), DISSECT_OK);
                CHECK_STR(t_val(&s, "ssh.banner"), banner);
                CHECK_STR(t_val(&s, "ssh.protocol"), "2.0");
                CHECK_STR(t_val(&s, "ssh.software"), software);
                if (comment)
                        CHECK_STR(t_val(&s, "ssh.comment"), comment);
                else
                        CHECK(t_val(&s, "ssh.comment") == NULL);
                CHECK(s.obs[0].source == PROTO_SSH);
                t_sweep_parser(parse_ssh, st, len);
                t_seed("ssh", seed, st, len);
        }
        for (size_t i = 0; i < fr.n; i++)
                t_sweep(fr.f[i].lt, fr.f[i].data, fr.f[i].len);
        free(st);
        t_frames_free(&fr);
}

static void edges(void)
{
        /* other lines first (RFC 4253 §4.2), bare LF */
        CHECK_INT(PARSE("Welcome\r\nauthorised use only\nSSH-2.0-Cisco-1.25\n"), DISSECT_OK);
        CHECK_STR(t_val(&s, "ssh.banner"), "SSH-2.0-Cisco-1.25");
        CHECK_STR(t_val(&s, "ssh.software"), "Cisco-1.25");
        /* SSH-1.99 (both protocols) */
        CHECK_INT(PARSE("SSH-1.99-OpenSSH_3.9p1\r\n"), DISSECT_OK);
        CHECK_STR(t_val(&s, "ssh.protocol"), "1.99");
        /* comment with spaces */
        CHECK_INT(PARSE("SSH-2.0-ROSSSH a b  c\r\n"), DISSECT_OK);
        CHECK_STR(t_val(&s, "ssh.comment"), "a b  c");
        /* no CR LF yet: nothing, TRUNCATED */
        CHECK_INT(PARSE("SSH-2.0-OpenSSH_9.2p1"), DISSECT_TRUNCATED);
        CHECK_INT(s.n, 0);
        CHECK_INT(PARSE(""), DISSECT_TRUNCATED);
        CHECK_INT(PARSE("SS"), DISSECT_TRUNCATED);
        /* no softwareversion */
        CHECK_INT(PARSE("SSH-2.0\r\n"), DISSECT_MALFORMED);
        CHECK_STR(t_val(&s, "ssh.banner"), "SSH-2.0");
        CHECK(t_val(&s, "ssh.software") == NULL);
        CHECK_INT(PARSE("SSH-2.0-\r\n"), DISSECT_MALFORMED);
        CHECK_INT(PARSE("SSH--x\r\n"), DISSECT_MALFORMED);
        /* NUL inside is carried as a byte (the sink keeps lengths) */
        CHECK_INT(PARSE("SSH-2.0-a\0b\r\n"), DISSECT_OK);
        CHECK_INT(t_find(&s, OBS_ATTR, "ssh.banner", NULL)->val_len, 11);
        /* lines that are no SSH- line yet: more may come */
        CHECK_INT(PARSE("HTTP/1.1 400 Bad Request\r\n\r\n"), DISSECT_TRUNCATED);
        CHECK_INT(s.n, 0);

        /* the line cap: 255 bytes with CR LF (RFC 4253 §4.2) */
        char line[400];
        memset(line, 'x', sizeof(line));
        memcpy(line, "SSH-2.0-", 8);
        memcpy(line + 253, "\r\n", 2);                  /* 255 in all: fine */
        CHECK_INT(t_parse(parse_ssh, line, 255, &s), DISSECT_OK);
        CHECK_INT(t_find(&s, OBS_ATTR, "ssh.banner", NULL)->val_len, 253);
        memset(line, 'x', sizeof(line));
        memcpy(line, "SSH-2.0-", 8);
        memcpy(line + 254, "\r\n", 2);                  /* 256: too long */
        CHECK_INT(t_parse(parse_ssh, line, 256, &s), DISSECT_MALFORMED);
        CHECK_INT(s.n, 0);
        memset(line, 'x', sizeof(line));
        memcpy(line, "SSH-2.0-", 8);                    /* 400 bytes, no end */
        CHECK_INT(t_parse(parse_ssh, line, sizeof(line), &s), DISSECT_MALFORMED);

        /* pre-banner lines are bounded: 33 lines before is too many */
        char many[33 * 3 + 20];
        size_t n = 0;
        for (int i = 0; i < 33; i++) {
                many[n++] = 'h';
                many[n++] = 'i';
                many[n++] = '\n';
        }
        memcpy(many + n, "SSH-2.0-x\r\n", 11);
        CHECK_INT(t_parse(parse_ssh, many, n + 11, &s), DISSECT_IGNORED);
        CHECK_INT(t_parse(parse_ssh, many + 3, n + 8, &s), DISSECT_OK);    /* 32: fine */
        CHECK_STR(t_val(&s, "ssh.software"), "x");
        /* 10,000 bytes of junk without a line end: given up, IGNORED */
        static uint8_t junk[10000];
        memset(junk, 'A', sizeof(junk));
        CHECK_INT(t_parse(parse_ssh, junk, sizeof(junk), &s), DISSECT_IGNORED);
        CHECK_INT(t_parse(parse_ssh, junk, 100, &s), DISSECT_TRUNCATED);
}

int main(void)
{
        real("banner-ssh-openssh.pcap", 22, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10",
             "OpenSSH_9.2p1", "Debian-2+deb12u10", "openssh");
        real("banner-ssh-dropbear.pcap", 2222, "SSH-2.0-dropbear_2022.83", "dropbear_2022.83",
             NULL, "dropbear");
        edges();
        return t_done();
}
