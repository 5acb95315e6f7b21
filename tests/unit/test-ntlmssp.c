/* test-ntlmssp.c - ntlmssp_challenge on Samba 4.17's CHALLENGE (cut from
 * banner-smb2-samba.pcap), on CHALLENGE messages built here with the
 * MS-NLMP layout and the VERSION values of real Windows builds, and on
 * edges: lengths and offsets past the end, missing MsvAvEOL, invalid
 * UTF-16. ntlmssp_negotiate against smbclient's NEGOTIATE byte for byte. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE             /* memmem */
#endif
#include "banner-util.h"

static struct obs_sink s;

static const uint8_t sig[8] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0 };

static void samba(void)
{
        struct t_frames fr;
        size_t slen, clen;

        if (t_load_pcap(t_capture("banner-smb2-samba.pcap"), &fr) != 0)
                return;
        uint8_t *srv = t_stream(&fr, 445, 0, &slen);
        struct l4 l;
        CHECK(t_l4(fr.f[0].data, fr.f[0].len, &l));
        uint8_t *cli = t_stream(&fr, l.sport, 445, &clen);
        CHECK(srv && cli);
        if (!srv || !cli)
                goto out;
        /* the server's CHALLENGE */
        const uint8_t *ch = memmem(srv, slen, sig, sizeof(sig));
        CHECK(ch != NULL);
        if (ch) {
                size_t n = slen - (size_t)(ch - srv);
                CHECK_INT(t_parse(parse_ntlmssp, ch, n, &s), DISSECT_OK);
                /* Samba's own VERSION: 6.1 build 0 (it is no Windows) */
                CHECK_STR(t_val(&s, "ntlm.os_version"), "6.1.0");
                CHECK_STR(t_val(&s, "ntlm.netbios_computer"), "NHBN-SRV");
                CHECK_STR(t_val(&s, "ntlm.netbios_domain"), "NHBN-SRV");
                CHECK_STR(t_val(&s, "ntlm.dns_computer"), "vm");
                CHECK(t_val(&s, "ntlm.dns_domain") == NULL);    /* present, empty */
                CHECK(t_val(&s, "ntlm.dns_tree") == NULL);
                CHECK_INT(s.n, 4);
                CHECK(s.obs[0].source == PROTO_SMB);
                t_sweep_parser(parse_ntlmssp, ch, n);
                t_seed("ntlmssp", "samba", ch, n);
                /* the same with the RDP source */
                struct cursor c;
                struct frame_ctx ctx;
                t_ctx(&ctx);
                cur_init(&c, ch, n);
                obs_sink_reset(&s);
                CHECK_INT(ntlmssp_challenge(&c, &ctx, &s, PROTO_RDP), DISSECT_OK);
                CHECK(s.n == 4 && s.obs[0].source == PROTO_RDP);
        }
        /* smbclient's NEGOTIATE is what ntlmssp_negotiate writes */
        const uint8_t *ng = memmem(cli, clen, sig, sizeof(sig));
        uint8_t buf[64];
        CHECK_INT(ntlmssp_negotiate(buf, sizeof(buf)), 40);
        CHECK(ng && (size_t)(ng - cli) + 40 <= clen && memcmp(ng, buf, 40) == 0);
        CHECK_INT(ntlmssp_negotiate(buf, 39), -ENOSPC);
        /* a NEGOTIATE is no CHALLENGE */
        CHECK_INT(t_parse(parse_ntlmssp, buf, 40, &s), DISSECT_IGNORED);
out:
        free(srv);
        free(cli);
        t_frames_free(&fr);
}

/* ---- CHALLENGE messages laid out as MS-NLMP §2.2.1.2 says ---- */

struct av {
        uint16_t id;
        const char *ascii;      /* written as UTF-16LE; NULL: raw below */
        const uint8_t *raw;
        uint16_t raw_len;
};

static size_t put_utf16(uint8_t *p, const char *a)
{
        size_t n = 0;
        for (; *a; a++) {
                p[n++] = (uint8_t)*a;
                p[n++] = 0;
        }
        return n;
}

static void le16(uint8_t *p, size_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void le32(uint8_t *p, uint32_t v)
{
        for (int i = 0; i < 4; i++)
                p[i] = (uint8_t)(v >> (8 * i));
}

/* Header (56 bytes with VERSION, §2.2.2.10), TargetName "CORP", then the
 * AV_PAIRs (§2.2.2.1) and, when eol, MsvAvEOL. Returns the length. */
static size_t challenge(uint8_t *m, uint32_t flags, uint8_t major, uint8_t minor,
                        uint16_t build, const struct av *avs, size_t n_avs, bool eol)
{
        memset(m, 0, 56);
        memcpy(m, sig, 8);
        le32(m + 8, 2);                                 /* MessageType */
        size_t tn = put_utf16(m + 56, "CORP");
        le16(m + 12, tn);
        le16(m + 14, tn);
        le32(m + 16, 56);
        le32(m + 20, flags);
        memcpy(m + 24, "\x01\x23\x45\x67\x89\xab\xcd\xef", 8);  /* ServerChallenge */
        m[48] = major;
        m[49] = minor;
        le16(m + 50, build);
        m[55] = 0x0f;                                   /* NTLMSSP_REVISION_W2K3 */
        size_t ti = 56 + tn, n = ti;
        for (size_t i = 0; i < n_avs; i++) {
                le16(m + n, avs[i].id);
                size_t len = avs[i].ascii ? put_utf16(m + n + 4, avs[i].ascii) : avs[i].raw_len;
                if (!avs[i].ascii)
                        memcpy(m + n + 4, avs[i].raw, len);
                le16(m + n + 2, len);
                n += 4 + len;
        }
        if (eol) {
                le32(m + n, 0);                         /* MsvAvEOL, AvLen 0 */
                n += 4;
        }
        le16(m + 40, n - ti);
        le16(m + 42, n - ti);
        le32(m + 44, (uint32_t)ti);
        return n;
}

/* Flags of a Windows server's CHALLENGE: UNICODE, REQUEST_TARGET, SIGN,
 * NTLM, ALWAYS_SIGN, TARGET_TYPE_DOMAIN, EXTENDED_SESSIONSECURITY,
 * TARGET_INFO, VERSION, 128, KEY_EXCH, 56 (§2.2.2.5). */
#define WIN_FLAGS 0xe2898215u

static const uint8_t filetime[8] = { 0x00, 0x80, 0x3e, 0xd5, 0xde, 0xb1, 0x9d, 0x01 };
/* The order Windows writes them: NbDomain, NbComputer, DnsDomain,
 * DnsComputer, DnsTree, Timestamp. */
static const struct av windows_avs[] = {
        { 2, "CORP", NULL, 0 },
        { 1, "WINBOX", NULL, 0 },
        { 4, "corp.example.com", NULL, 0 },
        { 3, "winbox.corp.example.com", NULL, 0 },
        { 5, "corp.example.com", NULL, 0 },
        { 7, NULL, filetime, 8 },
};

static void windows(void)
{
        /* Builds (MS-NLMP §2.2.2.10 ProductMajor/Minor/Build): Windows 10 22H2,
         * Windows 11 23H2, Server 2022, 7 SP1 / 2008 R2 SP1, 8.1 / 2012 R2. */
        static const struct {
                uint8_t major, minor;
                uint16_t build;
                const char *want, *seed;
        } builds[] = {
                { 10, 0, 19045, "10.0.19045", "win10-22h2" },
                { 10, 0, 22631, "10.0.22631", "win11-23h2" },
                { 10, 0, 20348, "10.0.20348", "server2022" },
                { 6, 1, 7601, "6.1.7601", "win7-sp1" },
                { 6, 3, 9600, "6.3.9600", "win81" },
        };
        uint8_t m[1024];
        for (size_t i = 0; i < sizeof(builds) / sizeof(builds[0]); i++) {
                size_t n = challenge(m, WIN_FLAGS, builds[i].major, builds[i].minor,
                                     builds[i].build, windows_avs, 6, true);
                CHECK_INT(t_parse(parse_ntlmssp, m, n, &s), DISSECT_OK);
                CHECK_STR(t_val(&s, "ntlm.os_version"), builds[i].want);
                CHECK_STR(t_val(&s, "ntlm.netbios_computer"), "WINBOX");
                CHECK_STR(t_val(&s, "ntlm.netbios_domain"), "CORP");
                CHECK_STR(t_val(&s, "ntlm.dns_computer"), "winbox.corp.example.com");
                CHECK_STR(t_val(&s, "ntlm.dns_domain"), "corp.example.com");
                CHECK_STR(t_val(&s, "ntlm.dns_tree"), "corp.example.com");
                CHECK_INT(s.n, 6);
                t_sweep_parser(parse_ntlmssp, m, n);
                t_seed("ntlmssp", builds[i].seed, m, n);
        }
        /* without NTLMSSP_NEGOTIATE_VERSION the Version bytes mean nothing */
        size_t n = challenge(m, WIN_FLAGS & ~0x02000000u, 10, 0, 19045, windows_avs, 6, true);
        CHECK_INT(t_parse(parse_ntlmssp, m, n, &s), DISSECT_OK);
        CHECK(t_val(&s, "ntlm.os_version") == NULL);
        CHECK_STR(t_val(&s, "ntlm.netbios_computer"), "WINBOX");
        /* zero version: nothing */
        n = challenge(m, WIN_FLAGS, 0, 0, 0, windows_avs, 1, true);
        CHECK_INT(t_parse(parse_ntlmssp, m, n, &s), DISSECT_OK);
        CHECK(t_val(&s, "ntlm.os_version") == NULL);
}

static void utf16(void)
{
        static const struct {
                uint8_t in[12];
                uint16_t len;
                const char *want;       /* NULL: nothing emitted */
        } cases[] = {
                { { 0xd6, 0x00, 'l' }, 3, "\xc3\x96\xef\xbf\xbd" },     /* Ö, odd byte */
                { { 0x3d, 0xd8, 0x00, 0xde }, 4, "\xf0\x9f\x98\x80" },   /* U+1F600 pair */
                { { 0x3d, 0xd8, 'A', 0 }, 4, "\xef\xbf\xbd" "A" },       /* lone high */
                { { 0x00, 0xde, 'A', 0 }, 4, "\xef\xbf\xbd" "A" },       /* lone low */
                { { 0x3d, 0xd8 }, 2, "\xef\xbf\xbd" },                   /* high at the end */
                { { 0xac, 0x20 }, 2, "\xe2\x82\xac" },                   /* € */
                { { 'P', 0, 'C', 0, 0, 0, 0, 0 }, 8, "PC" },             /* trailing NULs */
                { { 0, 0, 0, 0 }, 4, NULL },                             /* all NUL */
                { { 0 }, 0, NULL },                                      /* empty */
        };
        uint8_t m[256];
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct av a = { 1, NULL, cases[i].in, cases[i].len };
                size_t n = challenge(m, WIN_FLAGS, 10, 0, 19045, &a, 1, true);
                CHECK_INT(t_parse(parse_ntlmssp, m, n, &s), DISSECT_OK);
                if (cases[i].want)
                        CHECK_STR(t_val(&s, "ntlm.netbios_computer"), cases[i].want);
                else
                        CHECK(t_val(&s, "ntlm.netbios_computer") == NULL);
        }
        /* 1000 UTF-16 units of U+00E9 (2 bytes of UTF-8 each): cut at a
         * character boundary within OBS_VALUE_MAX */
        static uint8_t big[2100 + 200];
        static uint8_t name[2000];
        for (size_t i = 0; i < sizeof(name); i += 2) {
                name[i] = 0xe9;
                name[i + 1] = 0;
        }
        struct av a = { 3, NULL, name, sizeof(name) };
        size_t n = challenge(big, WIN_FLAGS, 10, 0, 19045, &a, 1, true);
        CHECK_INT(t_parse(parse_ntlmssp, big, n, &s), DISSECT_OK);
        const struct obs *o = t_find(&s, OBS_ATTR, "ntlm.dns_computer", NULL);
        CHECK(o && o->val_len == OBS_VALUE_MAX && (uint8_t)o->val[o->val_len - 2] == 0xc3);
}

static void edges(void)
{
        uint8_t m[1024];
        size_t n = challenge(m, WIN_FLAGS, 10, 0, 19045, windows_avs, 6, true);

        /* no MsvAvEOL: MALFORMED, the pairs before it kept */
        n = challenge(m, WIN_FLAGS, 10, 0, 19045, windows_avs, 6, false);
        CHECK_INT(t_parse(parse_ntlmssp, m, n, &s), DISSECT_MALFORMED);
        CHECK_STR(t_val(&s, "ntlm.dns_tree"), "corp.example.com");
        /* an AvLen past the TargetInfo end */
        n = challenge(m, WIN_FLAGS, 10, 0, 19045, windows_avs, 1, true);
        le16(m + 56 + 8 + 2, 0x7fff);
        CHECK_INT(t_parse(parse_ntlmssp, m, n, &s), DISSECT_MALFORMED);
        CHECK(t_val(&s, "ntlm.netbios_domain") == NULL);
        CHECK_STR(t_val(&s, "ntlm.os_version"), "10.0.19045");
        /* TargetInfoFields pointing past the message: TRUNCATED (cut?) */
        n = challenge(m, WIN_FLAGS, 10, 0, 19045, windows_avs, 6, true);
        le32(m + 44, 5000);
        CHECK_INT(t_parse(parse_ntlmssp, m, n, &s), DISSECT_TRUNCATED);
        le32(m + 44, 0xffffffffu);
        CHECK_INT(t_parse(parse_ntlmssp, m, n, &s), DISSECT_TRUNCATED);
        /* ... or into the fixed header */
        le32(m + 44, 20);
        CHECK_INT(t_parse(parse_ntlmssp, m, n, &s), DISSECT_MALFORMED);
        /* zero-length TargetInfo: the version only */
        n = challenge(m, WIN_FLAGS, 10, 0, 19045, windows_avs, 0, false);
        CHECK_INT(t_parse(parse_ntlmssp, m, n, &s), DISSECT_OK);
        CHECK_INT(s.n, 1);
        /* thousands of pairs: at most NTLM_AV_PAIRS_MAX read */
        static uint8_t lots[4 * 3000 + 200];
        static struct av many[3000];
        for (size_t i = 0; i < 3000; i++)
                many[i] = (struct av){ 1, "", NULL, 0 };
        many[0] = (struct av){ 1, "A", NULL, 0 };
        n = challenge(lots, WIN_FLAGS, 10, 0, 19045, many, 3000, true);
        CHECK_INT(t_parse(parse_ntlmssp, lots, n, &s), DISSECT_OK);
        CHECK_INT(t_count(&s, "ntlm.netbios_computer"), 1);
        /* wrong signature, wrong type, short */
        n = challenge(m, WIN_FLAGS, 10, 0, 19045, windows_avs, 6, true);
        m[0] = 'X';
        CHECK_INT(t_parse(parse_ntlmssp, m, n, &s), DISSECT_IGNORED);
        m[0] = 'N';
        m[8] = 3;
        CHECK_INT(t_parse(parse_ntlmssp, m, n, &s), DISSECT_IGNORED);
        CHECK_INT(s.n, 0);
        CHECK_INT(t_parse(parse_ntlmssp, m, 11, &s), DISSECT_TRUNCATED);
        CHECK_INT(t_parse(parse_ntlmssp, m, 0, &s), DISSECT_TRUNCATED);
}

/* FreeRDP 2.11.7 shadow server's TSRequest (banner-rdp.sh): the decrypted
 * bytes as they came out of TLS. */
static void rdp(void)
{
        uint8_t m[512];
        FILE *f = fopen(t_data("responses/rdp-credssp-freerdp.bin"), "rb");
        CHECK(f != NULL);
        if (!f)
                return;
        size_t n = fread(m, 1, sizeof(m), f);
        fclose(f);
        CHECK_INT(n, 162);
        CHECK_INT(t_parse(parse_rdp_credssp, m, n, &s), DISSECT_OK);
        CHECK_STR(t_val(&s, "rdp.credssp_version"), "6");
        /* FreeRDP says it is Windows 7 SP1 */
        CHECK_STR(t_val(&s, "ntlm.os_version"), "6.1.7601");
        CHECK_STR(t_val(&s, "ntlm.netbios_computer"), "VM");
        CHECK_STR(t_val(&s, "ntlm.netbios_domain"), "VM");
        CHECK_STR(t_val(&s, "ntlm.dns_computer"), "vm");
        CHECK_STR(t_val(&s, "ntlm.dns_domain"), "vm");
        CHECK_INT(s.n, 6);
        for (size_t i = 0; i < s.n; i++)
                CHECK(s.obs[i].source == PROTO_RDP);
        t_sweep_parser(parse_rdp_credssp, m, n);
        /* the TSRequest is whole: a token running past its container lies */
        uint8_t bad[512];
        memcpy(bad, m, n);
        bad[17] = 0x7f;                                 /* OCTET STRING length */
        CHECK_INT(t_parse(parse_rdp_credssp, bad, n, &s), DISSECT_MALFORMED);
        memcpy(bad, m, n);
        bad[6] = 0x05;                  /* version INTEGER longer than its [0] */
        CHECK_INT(t_parse(parse_rdp_credssp, bad, n, &s), DISSECT_MALFORMED);
        /* version only (an answer without NLA tokens) */
        static const uint8_t ver_only[] = { 0x30, 0x05, 0xa0, 0x03, 0x02, 0x01, 0x03 };
        CHECK_INT(t_parse(parse_rdp_credssp, ver_only, sizeof(ver_only), &s), DISSECT_OK);
        CHECK_STR(t_val(&s, "rdp.credssp_version"), "3");
        CHECK_INT(s.n, 1);
        /* errorCode only; not a SEQUENCE; cut */
        static const uint8_t err_only[] = { 0x30, 0x08, 0xa4, 0x06, 0x02, 0x04, 0xc0, 0, 0, 0x6d };
        CHECK_INT(t_parse(parse_rdp_credssp, err_only, sizeof(err_only), &s), DISSECT_IGNORED);
        CHECK_INT(t_parse(parse_rdp_credssp, "\x04\x00", 2, &s), DISSECT_IGNORED);
        CHECK_INT(t_parse(parse_rdp_credssp, m, 40, &s), DISSECT_TRUNCATED);
        CHECK_INT(t_parse(parse_rdp_credssp, "", 0, &s), DISSECT_TRUNCATED);
}

/* FreeRDP's X.224 Connection Confirm, and the requests that got the answers. */
static void rdp_x224(void)
{
        uint8_t m[64];
        FILE *f = fopen(t_data("responses/rdp-x224-confirm-freerdp.bin"), "rb");
        CHECK(f != NULL);
        if (!f)
                return;
        size_t n = fread(m, 1, sizeof(m), f);
        fclose(f);
        CHECK_INT(n, 19);
        CHECK_INT(t_parse(parse_rdp_x224, m, n, &s), DISSECT_OK);
        CHECK_STR(t_val(&s, "rdp.protocol"), "hybrid");
        CHECK_INT(s.n, 1);
        CHECK(s.obs[0].source == PROTO_RDP);
        t_sweep_parser(parse_rdp_x224, m, n);
        /* failure: NLA required; no RDP_NEG_RSP (old servers); an unknown value */
        static const uint8_t fail[] = { 3, 0, 0, 19, 14, 0xd0, 0, 0, 0x12, 0x34, 0,
                                        3, 0, 8, 0, 5, 0, 0, 0 };
        CHECK_INT(t_parse(parse_rdp_x224, fail, sizeof(fail), &s), DISSECT_OK);
        CHECK_STR(t_val(&s, "rdp.neg_failure"), "hybrid_required_by_server");
        CHECK(t_val(&s, "rdp.protocol") == NULL);
        static const uint8_t old[] = { 3, 0, 0, 11, 6, 0xd0, 0, 0, 0x12, 0x34, 0 };
        CHECK_INT(t_parse(parse_rdp_x224, old, sizeof(old), &s), DISSECT_OK);
        CHECK_STR(t_val(&s, "rdp.protocol"), "rdp");
        uint8_t odd[19];
        memcpy(odd, m, 19);
        odd[15] = 0x10;
        CHECK_INT(t_parse(parse_rdp_x224, odd, sizeof(odd), &s), DISSECT_OK);
        CHECK_STR(t_val(&s, "rdp.protocol"), "0x00000010");
        odd[13] = 9;                                    /* RDP_NEG length not 8 */
        CHECK_INT(t_parse(parse_rdp_x224, odd, sizeof(odd), &s), DISSECT_MALFORMED);
        odd[13] = 8;
        odd[11] = 7;                                    /* unknown type */
        CHECK_INT(t_parse(parse_rdp_x224, odd, sizeof(odd), &s), DISSECT_MALFORMED);
        odd[5] = 0xe0;                                  /* a request, not a confirm */
        CHECK_INT(t_parse(parse_rdp_x224, odd, sizeof(odd), &s), DISSECT_MALFORMED);
        odd[3] = 200;                                   /* TPKT length past the end */
        CHECK_INT(t_parse(parse_rdp_x224, odd, sizeof(odd), &s), DISSECT_TRUNCATED);
        odd[0] = 4;
        CHECK_INT(t_parse(parse_rdp_x224, odd, sizeof(odd), &s), DISSECT_IGNORED);
        CHECK_INT(t_parse(parse_rdp_x224, "\x03\x00\x00\x05\x06", 5, &s),
                  DISSECT_MALFORMED);
        CHECK_INT(t_parse(parse_rdp_x224, "", 0, &s), DISSECT_TRUNCATED);

        /* what banner-rdp.sh's client sent: X.224 CR for SSL | HYBRID, and the
         * TSRequest with smbclient's NTLMSSP NEGOTIATE */
        static const uint8_t cr[] = { 0x03, 0x00, 0x00, 0x13, 0x0e, 0xe0, 0, 0, 0, 0, 0,
                                      0x01, 0x00, 0x08, 0x00, 0x03, 0x00, 0x00, 0x00 };
        uint8_t buf[128];
        CHECK_INT(rdp_x224_request(buf, sizeof(buf), 3), 19);
        CHECK(memcmp(buf, cr, sizeof(cr)) == 0);
        CHECK_INT(rdp_x224_request(buf, 18, 3), -ENOSPC);
        static const uint8_t ts_head[] = { 0x30, 0x37, 0xa0, 0x03, 0x02, 0x01, 0x06, 0xa1, 0x30,
                                           0x30, 0x2e, 0x30, 0x2c, 0xa0, 0x2a, 0x04, 0x28 };
        uint8_t ng[40];
        CHECK_INT(rdp_credssp_negotiate(buf, sizeof(buf)), 57);
        CHECK_INT(ntlmssp_negotiate(ng, sizeof(ng)), 40);
        CHECK(memcmp(buf, ts_head, sizeof(ts_head)) == 0 && memcmp(buf + 17, ng, 40) == 0);
        CHECK_INT(rdp_credssp_negotiate(buf, 56), -ENOSPC);
        /* our own request is no answer to us: it carries a NEGOTIATE */
        CHECK_INT(t_parse(parse_rdp_credssp, buf, 57, &s), DISSECT_OK);
        CHECK_STR(t_val(&s, "rdp.credssp_version"), "6");
        CHECK(t_val(&s, "ntlm.os_version") == NULL);
}

int main(void)
{
        samba();
        rdp();
        rdp_x224();
        windows();
        utf16();
        edges();
        return t_done();
}
