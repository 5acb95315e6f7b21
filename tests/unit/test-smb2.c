/* test-smb2.c - parse_smb2 on smbd 4.17's NEGOTIATE and SESSION_SETUP
 * responses to `smbclient -L` (banner-smb2-samba.pcap), the request
 * builders against smbclient's requests byte for byte, and edges. */
#include "banner-util.h"

static struct obs_sink s;

/* TCP payload of frame i (all of it one NetBIOS message here). */
static const uint8_t *payload(const struct t_frames *fr, size_t i, size_t *ret_len)
{
        struct l4 l;
        if (i >= fr->n || !t_l4(fr->f[i].data, fr->f[i].len, &l))
                return NULL;
        *ret_len = cur_left(&l.payload);
        return cur_view(&l.payload, *ret_len);
}

static void real(void)
{
        struct t_frames fr;
        size_t nl, sl, n, len;

        if (t_load_pcap(t_capture("banner-smb2-samba.pcap"), &fr) != 0)
                return;
        CHECK_INT(fr.n, 6);
        const uint8_t *neg = payload(&fr, 1, &nl);
        const uint8_t *setup = payload(&fr, 3, &sl);
        CHECK(neg && setup);
        if (!neg || !setup)
                goto out;
        CHECK_INT(t_parse(parse_smb2, neg, nl, &s), DISSECT_OK);
        CHECK_STR(t_val(&s, "smb.dialect"), "3.1.1");
        CHECK_STR(t_val(&s, "smb.signing"), "enabled");
        /* Samba makes its GUID from the NetBIOS name: "nhbn-srv" */
        CHECK_STR(t_val(&s, "smb.server_guid"), "6e62686e-732d-7672-0000-000000000000");
        CHECK_INT(s.n, 3);
        CHECK(s.obs[0].source == PROTO_SMB);
        t_sweep_parser(parse_smb2, neg, nl);
        t_seed("smb2", "negotiate", neg, nl);

        CHECK_INT(t_parse(parse_smb2, setup, sl, &s), DISSECT_OK);
        CHECK_STR(t_val(&s, "ntlm.os_version"), "6.1.0");
        CHECK_STR(t_val(&s, "ntlm.netbios_computer"), "NHBN-SRV");
        CHECK_STR(t_val(&s, "ntlm.dns_computer"), "vm");
        CHECK(s.obs[0].source == PROTO_SMB);
        t_sweep_parser(parse_smb2, setup, sl);
        t_seed("smb2", "session-setup", setup, sl);

        /* the whole server stream, as one read would give it */
        uint8_t *st = t_stream(&fr, 445, 0, &len);
        CHECK_INT(t_parse(parse_smb2, st, len, &s), DISSECT_OK);
        CHECK_STR(t_val(&s, "smb.dialect"), "3.1.1");
        CHECK_STR(t_val(&s, "ntlm.netbios_domain"), "NHBN-SRV");
        free(st);
        /* a request is not an answer */
        const uint8_t *req = payload(&fr, 0, &n);
        CHECK_INT(t_parse(parse_smb2, req, n, &s), DISSECT_IGNORED);

        /* smbclient's NEGOTIATE, rebuilt from its ClientGuid, salt and the
         * address dialled */
        uint8_t buf[512];
        CHECK(n > 0xb4 + 32);
        if (n > 0xb4 + 32) {
                /* 4 NetBIOS + 64 header + 12: ClientGuid; 4 + 0x70 + 8 + 6: salt */
                ssize_t w = smb2_negotiate_request(buf, sizeof(buf), req + 4 + 64 + 12,
                                                   req + 4 + 0x70 + 14, "198.18.40.2");
                CHECK_INT(w, n);
                CHECK(w == (ssize_t)n && memcmp(buf, req, n) == 0);
                CHECK_INT(smb2_negotiate_request(buf, n - 1, req + 80, req + 130, "198.18.40.2"),
                          -ENOSPC);
                CHECK_INT(smb2_negotiate_request(buf, sizeof(buf), req + 80, req + 130, ""),
                          -EINVAL);
        }
        /* smbclient's SESSION_SETUP with the NTLMSSP NEGOTIATE */
        req = payload(&fr, 2, &n);
        ssize_t w = smb2_session_setup_ntlm_negotiate(buf, sizeof(buf), 1);
        CHECK_INT(w, n);
        CHECK(req && w == (ssize_t)n && memcmp(buf, req, n) == 0);
        CHECK_INT(smb2_session_setup_ntlm_negotiate(buf, n - 1, 1), -ENOSPC);
        for (size_t i = 0; i < fr.n; i++)
                t_sweep(fr.f[i].lt, fr.f[i].data, fr.f[i].len);
out:
        t_frames_free(&fr);
}

/* A NEGOTIATE response: NetBIOS header, SMB2 header, 65-byte body start. */
static size_t negotiate(uint8_t *m, uint16_t mode, uint16_t dialect)
{
        memset(m, 0, 4 + 64 + 64);
        m[3] = 64 + 64;
        memcpy(m + 4, "\xfeSMB", 4);
        m[8] = 64;
        m[4 + 16] = 1;                                  /* SERVER_TO_REDIR */
        uint8_t *b = m + 4 + 64;
        b[0] = 65;
        b[2] = (uint8_t)mode;
        b[4] = (uint8_t)dialect;
        b[5] = (uint8_t)(dialect >> 8);
        for (int i = 0; i < 16; i++)
                b[8 + i] = (uint8_t)(0x10 + i);
        return 4 + 64 + 64;
}

/* A SESSION_SETUP response around a security blob. */
static size_t setup(uint8_t *m, const uint8_t *blob, size_t blen, uint16_t off_delta)
{
        size_t total = 64 + 8 + blen;
        memset(m, 0, 4 + 64 + 8);
        m[2] = (uint8_t)(total >> 8);
        m[3] = (uint8_t)total;
        memcpy(m + 4, "\xfeSMB", 4);
        m[8] = 64;
        memcpy(m + 4 + 8, "\x16\x00\x00\xc0", 4);      /* MORE_PROCESSING_REQUIRED */
        m[4 + 12] = 1;                                  /* SESSION_SETUP */
        m[4 + 16] = 1;
        uint8_t *b = m + 4 + 64;
        b[0] = 9;
        b[4] = (uint8_t)(72 + off_delta);
        b[5] = (uint8_t)((72 + off_delta) >> 8);
        b[6] = (uint8_t)blen;
        b[7] = (uint8_t)(blen >> 8);
        memcpy(b + 8, blob, blen);
        return 4 + total;
}

static void edges(void)
{
        uint8_t m[512];
        size_t n = negotiate(m, 0x03, 0x0210);
        CHECK_INT(t_parse(parse_smb2, m, n, &s), DISSECT_OK);
        CHECK_STR(t_val(&s, "smb.dialect"), "2.1");
        CHECK_STR(t_val(&s, "smb.signing"), "required");
        CHECK_STR(t_val(&s, "smb.server_guid"), "13121110-1514-1716-1819-1a1b1c1d1e1f");
        t_seed("smb2", "edge-smb21", m, n);
        n = negotiate(m, 0x00, 0x02ff);
        CHECK_INT(t_parse(parse_smb2, m, n, &s), DISSECT_OK);
        CHECK_STR(t_val(&s, "smb.dialect"), "2.FF");
        CHECK_STR(t_val(&s, "smb.signing"), "disabled");
        n = negotiate(m, 0x01, 0x0399);
        CHECK_INT(t_parse(parse_smb2, m, n, &s), DISSECT_OK);
        CHECK_STR(t_val(&s, "smb.dialect"), "0x0399");
        /* keepalive first, then the message */
        static const uint8_t ka[4] = { 0x85, 0, 0, 0 };
        memmove(m + 4, m, n);
        memcpy(m, ka, 4);
        CHECK_INT(t_parse(parse_smb2, m, n + 4, &s), DISSECT_OK);
        /* wrong StructureSize */
        n = negotiate(m, 0x01, 0x0311);
        m[4 + 64] = 64;
        CHECK_INT(t_parse(parse_smb2, m, n, &s), DISSECT_MALFORMED);
        /* an error status: nothing */
        n = negotiate(m, 0x01, 0x0311);
        m[4 + 8] = 0x22;
        CHECK_INT(t_parse(parse_smb2, m, n, &s), DISSECT_IGNORED);
        CHECK_INT(s.n, 0);
        /* SMB1 answer; a request; not NetBIOS */
        n = negotiate(m, 0x01, 0x0311);
        m[4] = 0xff;
        CHECK_INT(t_parse(parse_smb2, m, n, &s), DISSECT_IGNORED);
        n = negotiate(m, 0x01, 0x0311);
        m[4 + 16] = 0;
        CHECK_INT(t_parse(parse_smb2, m, n, &s), DISSECT_IGNORED);
        CHECK_INT(t_parse(parse_smb2, "HTTP/1.1 400", 12, &s), DISSECT_IGNORED);
        /* NetBIOS length past the end; shorter than a header; empty */
        n = negotiate(m, 0x01, 0x0311);
        m[1] = 0x10;
        CHECK_INT(t_parse(parse_smb2, m, n, &s), DISSECT_TRUNCATED);
        static const uint8_t tiny[] = { 0, 0, 0, 4, 0xfe, 'S', 'M', 'B' };
        CHECK_INT(t_parse(parse_smb2, tiny, sizeof(tiny), &s), DISSECT_MALFORMED);
        CHECK_INT(t_parse(parse_smb2, "", 0, &s), DISSECT_TRUNCATED);
        CHECK_INT(t_parse(parse_smb2, "\0\0", 2, &s), DISSECT_TRUNCATED);
        /* more messages than SMB2_MESSAGES_MAX: bounded */
        static uint8_t many[20 * 132];
        for (int i = 0; i < 20; i++)
                negotiate(many + 132 * i, 0x01, 0x0311);
        CHECK_INT(t_parse(parse_smb2, many, sizeof(many), &s), DISSECT_OK);
        CHECK_INT(t_count(&s, "smb.dialect"), 8);

        /* SESSION_SETUP: raw NTLMSSP, SPNEGO with only negState, bad offsets */
        static const uint8_t raw_ntlm[] = {
                'N', 'T', 'L', 'M', 'S', 'S', 'P', 0, 2, 0, 0, 0, 0, 0, 0, 0, 56, 0, 0, 0,
                0x15, 0x82, 0x89, 0xe2, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0,
                12, 0, 12, 0, 56, 0, 0, 0, 10, 0, 0x63, 0x45, 0, 0, 0, 0x0f,
                1, 0, 4, 0, 'P', 0, 'C', 0, 0, 0, 0, 0,
        };
        n = setup(m, raw_ntlm, sizeof(raw_ntlm), 0);
        CHECK_INT(t_parse(parse_smb2, m, n, &s), DISSECT_OK);
        CHECK_STR(t_val(&s, "ntlm.os_version"), "10.0.17763");
        CHECK_STR(t_val(&s, "ntlm.netbios_computer"), "PC");
        t_seed("smb2", "edge-raw-ntlmssp", m, n);
        static const uint8_t neg_only[] = { 0xa1, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x0a, 0x01, 0x02 };
        n = setup(m, neg_only, sizeof(neg_only), 0);
        CHECK_INT(t_parse(parse_smb2, m, n, &s), DISSECT_IGNORED);
        static const uint8_t lying[] = { 0xa1, 0x17, 0x30, 0x05 };
        n = setup(m, lying, sizeof(lying), 0);
        CHECK_INT(t_parse(parse_smb2, m, n, &s), DISSECT_MALFORMED);
        n = setup(m, raw_ntlm, sizeof(raw_ntlm), 200);  /* offset past the message */
        CHECK_INT(t_parse(parse_smb2, m, n, &s), DISSECT_MALFORMED);
        n = setup(m, raw_ntlm, sizeof(raw_ntlm), 0);
        m[4 + 64 + 4] = 8;                              /* offset into the header */
        CHECK_INT(t_parse(parse_smb2, m, n, &s), DISSECT_MALFORMED);
        /* an NTLMSSP whose TargetInfo points past the buffer: the buffer is
         * whole, so MALFORMED */
        static uint8_t bad[sizeof(raw_ntlm)];
        memcpy(bad, raw_ntlm, sizeof(bad));
        bad[44] = 200;
        n = setup(m, bad, sizeof(bad), 0);
        CHECK_INT(t_parse(parse_smb2, m, n, &s), DISSECT_MALFORMED);
        CHECK_STR(t_val(&s, "ntlm.os_version"), "10.0.17763");
        /* zero-length security buffer */
        n = setup(m, raw_ntlm, 0, 0);
        CHECK_INT(t_parse(parse_smb2, m, n, &s), DISSECT_OK);
        CHECK_INT(s.n, 0);
}

int main(void)
{
        real();
        edges();
        return t_done();
}
