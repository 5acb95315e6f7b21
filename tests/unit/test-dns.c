/* test-dns.c - the DNS name decoder (dns_name.c) and the DNS / mDNS / LLMNR
 * dissector (dns.c).
 *
 * Real captures (tests/captures/README.md): lab-30s.pcap (avahi 0.8
 * "lab-printer" probes, announcements and legacy-unicast answers),
 * mdns-avahi.pcap (avahi 0.8 "lab-mac" over IPv4 and IPv6, answers to
 * queries from port 5353, a subtype, an instance name with a dot, goodbyes)
 * and llmnr-llmnrd.pcap (llmnrd 0.5 answering llmnr-query). Every frame of
 * them is also swept at every prefix length. Then hand-built names and
 * messages for every malformation the decoder must refuse.
 */
#include "testlib.h"

#include <errno.h>
#include <stdlib.h>

#include "netinv/dns_name.h"
#include "netinv/util.h"

/* ---- helpers ---------------------------------------------------------- */

/* Is there an observation on this station of this kind (and key) whose
 * value (IP addresses as text) is `val`? */
static bool has(const struct obs_sink *s, const char *mac, enum obs_kind kind, const char *key,
                const char *val)
{
        uint8_t m[6];
        char text[64];
        if (!parse_mac(mac, m))
                abort();
        for (size_t i = 0; i < s->n; i++) {
                const struct obs *o = &s->obs[i];
                if (o->kind != kind || memcmp(o->mac, m, 6) != 0)
                        continue;
                if (key && (!o->key || strcmp(o->key, key) != 0))
                        continue;
                const char *v = o->val;
                if (kind == OBS_IPV4 || kind == OBS_IPV6) {
                        fmt_ip(text, sizeof(text), kind == OBS_IPV4 ? 4 : 6, o->addr);
                        v = text;
                }
                if (!val || (v && strcmp(v, val) == 0))
                        return true;
        }
        return false;
}

static size_t count(const struct obs_sink *s, enum obs_kind kind, const char *key)
{
        size_t n = 0;
        for (size_t i = 0; i < s->n; i++)
                if (s->obs[i].kind == kind && (!key || (s->obs[i].key && !strcmp(s->obs[i].key, key))))
                        n++;
        return n;
}

#define HAS(s, mac, kind, key, val) CHECK(has((s), (mac), (kind), (key), (val)))
#define HAS_NOT(s, mac, kind, key, val) CHECK(!has((s), (mac), (kind), (key), (val)))

/* Dissect frame `no` (1-based, as tshark numbers them) of a capture. */
static enum dissect_res frame(const struct t_frames *fr, size_t no, struct obs_sink *s)
{
        if (no == 0 || no > fr->n) {
                CHECK(!"frame number within the capture");
                obs_sink_reset(s);
                return DISSECT_RES_MAX;
        }
        enum dissect_res r = t_dissect(fr->f[no - 1].data, fr->f[no - 1].len, s);
        if (getenv("TEST_DNS_DUMP")) {
                printf("frame %zu: %s\n", no, dissect_res_name(r));
                t_dump(s, stdout);
        }
        return r;
}

/* Is this an untagged Ethernet frame carrying UDP to or from 5353, 5355 or
 * 53 (one that reaches dissect_dns)? */
static bool is_dns(const struct t_frame *f)
{
        const uint8_t *p = f->data;
        size_t l4;
        if (f->len < 14 + 40 + 8)
                return false;
        if (p[12] == 0x08 && p[13] == 0x00 && p[14 + 9] == 17)
                l4 = 14 + (size_t)(p[14] & 15) * 4;
        else if (p[12] == 0x86 && p[13] == 0xdd && p[14 + 6] == 17)
                l4 = 14 + 40;
        else
                return false;
        for (int k = 0; k < 2; k++) {
                unsigned port = (unsigned)(p[l4 + 2 * k] << 8 | p[l4 + 2 * k + 1]);
                if (port == 5353 || port == 5355 || port == 53)
                        return true;
        }
        return false;
}

/* Every frame for the DNS dissector decodes without a bad verdict, and
 * every prefix of it is OK, IGNORED or TRUNCATED. */
static void sweep_all(const struct t_frames *fr)
{
        static struct obs_sink s;
        size_t n = 0;
        for (size_t i = 0; i < fr->n; i++) {
                if (!is_dns(&fr->f[i]))
                        continue;
                n++;
                enum dissect_res r = t_dissect(fr->f[i].data, fr->f[i].len, &s);
                CHECK(r == DISSECT_OK || r == DISSECT_IGNORED);
                t_sweep(fr->f[i].lt, fr->f[i].data, fr->f[i].len);
        }
        CHECK(n > 0);
}

/* ---- real captures ---------------------------------------------------- */

#define PRINTER "3c:d9:2b:00:00:05"     /* avahi on lab h5 */
#define SCANNER "02:4e:4c:ff:00:01"

static void test_lab_30s(void)
{
        static struct obs_sink s;
        struct t_frames fr;
        if (t_load_pcap(t_capture("lab-30s.pcap"), &fr) < 0)
                return;

        /* 2: the first probe. Questions (ANY) for the names it wants; its
         * authority section proposes its records: they are the sender's. */
        CHECK_INT(frame(&fr, 2, &s), DISSECT_OK);
        HAS(&s, PRINTER, OBS_ATTR, "mdns.question", "lab-printer.local ANY");
        HAS(&s, PRINTER, OBS_ATTR, "mdns.question", "5.1.18.198.in-addr.arpa ANY");
        HAS(&s, PRINTER, OBS_HOSTNAME, NULL, "lab-printer.local");
        HAS(&s, PRINTER, OBS_IPV4, NULL, "198.18.1.5");
        HAS(&s, PRINTER, OBS_ATTR, "mdns.hinfo", "X86_64 LINUX");

        /* 9: host announcement: reverse PTR, HINFO, A (cache-flush class). */
        CHECK_INT(frame(&fr, 9, &s), DISSECT_OK);
        HAS(&s, PRINTER, OBS_HOSTNAME, NULL, "lab-printer.local");
        HAS(&s, PRINTER, OBS_IPV4, NULL, "198.18.1.5");
        HAS(&s, PRINTER, OBS_ATTR, "mdns.hinfo", "X86_64 LINUX");
        CHECK_INT(count(&s, OBS_HOSTNAME, NULL), 1);    /* once per frame */
        CHECK_INT(s.n, 3);

        /* 16: only a reverse PTR and HINFO: the name comes from the PTR
         * target, and no address is made up. */
        CHECK_INT(frame(&fr, 16, &s), DISSECT_OK);
        HAS(&s, PRINTER, OBS_HOSTNAME, NULL, "lab-printer.local");
        CHECK_INT(count(&s, OBS_IPV4, NULL), 0);
        HAS_NOT(&s, PRINTER, OBS_HOSTNAME, NULL, "5.1.18.198.in-addr.arpa");

        /* 15: service announcement, 20 records, names compressed. */
        CHECK_INT(frame(&fr, 15, &s), DISSECT_OK);
        CHECK_INT(s.dropped, 0);
        HAS(&s, PRINTER, OBS_ATTR, "mdns.service", "_workstation._tcp.local");
        HAS(&s, PRINTER, OBS_ATTR, "mdns.service", "_device-info._tcp.local");
        HAS(&s, PRINTER, OBS_ATTR, "mdns.service", "_ipp._tcp.local");
        HAS(&s, PRINTER, OBS_ATTR, "mdns.service", "_http._tcp.local");
        HAS(&s, PRINTER, OBS_ATTR, "mdns.instance", "HP LaserJet Pro M404 [Lab]._ipp._tcp.local");
        HAS(&s, PRINTER, OBS_ATTR, "mdns.instance",
            "lab-printer [3c:d9:2b:00:00:05]._workstation._tcp.local");
        HAS(&s, PRINTER, OBS_ATTR, "mdns.srv",
            "HP LaserJet Pro M404 [Lab]._ipp._tcp.local 631 lab-printer.local");
        HAS(&s, PRINTER, OBS_ATTR, "mdns.srv",
            "HP LaserJet Pro M404 [Lab]._http._tcp.local 80 lab-printer.local");
        HAS(&s, PRINTER, OBS_ATTR, "mdns.srv", "lab-printer._device-info._tcp.local 0 lab-printer.local");
        HAS(&s, PRINTER, OBS_ATTR, "mdns.txt", "_device-info._tcp.local model=HPLaserJetProM404");
        HAS(&s, PRINTER, OBS_ATTR, "mdns.txt", "_device-info._tcp.local vendor=HP");
        HAS(&s, PRINTER, OBS_ATTR, "mdns.txt", "_ipp._tcp.local ty=HP LaserJet Pro M404");
        HAS(&s, PRINTER, OBS_ATTR, "mdns.txt", "_ipp._tcp.local product=(HP LaserJet Pro M404)");
        HAS(&s, PRINTER, OBS_ATTR, "mdns.txt", "_ipp._tcp.local pdl=application/pdf,image/urf");
        HAS(&s, PRINTER, OBS_ATTR, "mdns.txt",
            "_ipp._tcp.local UUID=6b4e0c1c-1e0b-4c39-9d50-4e494c414231");
        HAS(&s, PRINTER, OBS_ATTR, "mdns.txt", "_http._tcp.local path=/");
        HAS(&s, PRINTER, OBS_HOSTNAME, NULL, "lab-printer.local");
        HAS(&s, PRINTER, OBS_IPV4, NULL, "198.18.1.5");
        CHECK_INT(count(&s, OBS_ATTR, "mdns.txt"), 10);
        CHECK_INT(count(&s, OBS_ATTR, "mdns.question"), 0);     /* a response */

        /* 39: nmap's query from an ephemeral port: what the scanner wants. */
        CHECK_INT(frame(&fr, 39, &s), DISSECT_OK);
        HAS(&s, SCANNER, OBS_ATTR, "mdns.question", "_services._dns-sd._udp.local PTR");
        CHECK_INT(s.n, 1);

        /* 42: legacy unicast answer (5353 -> ephemeral): the service list. */
        CHECK_INT(frame(&fr, 42, &s), DISSECT_OK);
        HAS(&s, PRINTER, OBS_ATTR, "mdns.service", "_workstation._tcp.local");
        HAS(&s, PRINTER, OBS_ATTR, "mdns.service", "_http._tcp.local");
        HAS(&s, PRINTER, OBS_ATTR, "mdns.service", "_ipp._tcp.local");
        HAS(&s, PRINTER, OBS_ATTR, "mdns.service", "_device-info._tcp.local");
        CHECK_INT(s.n, 4);      /* the echoed question is not the sender's */

        /* 49: legacy unicast _ipp answer with TXT, SRV and A. */
        CHECK_INT(frame(&fr, 49, &s), DISSECT_OK);
        HAS(&s, PRINTER, OBS_ATTR, "mdns.txt", "_ipp._tcp.local rp=ipp/print");
        HAS(&s, PRINTER, OBS_ATTR, "mdns.srv",
            "HP LaserJet Pro M404 [Lab]._ipp._tcp.local 631 lab-printer.local");
        HAS(&s, PRINTER, OBS_IPV4, NULL, "198.18.1.5");

        /* Nothing from mDNS lands on any other station. */
        for (size_t i = 1; i <= fr.n; i++) {
                frame(&fr, i, &s);
                for (size_t k = 0; k < s.n; k++) {
                        if (s.obs[k].source != PROTO_MDNS)
                                continue;
                        char mac[18];
                        fmt_mac(mac, sizeof(mac), s.obs[k].mac);
                        CHECK(!strcmp(mac, PRINTER) || !strcmp(mac, SCANNER));
                }
        }
        sweep_all(&fr);
        t_frames_free(&fr);
}

#define LABMAC "00:11:32:00:07:0a"      /* avahi "lab-mac" */
#define QUERIER "02:4e:4c:ff:07:01"

static void test_mdns_avahi(void)
{
        static struct obs_sink s;
        struct t_frames fr;
        if (t_load_pcap(t_capture("mdns-avahi.pcap"), &fr) < 0)
                return;

        /* 2: IPv4 probe proposing A, AAAA, HINFO and two reverse PTRs. */
        CHECK_INT(frame(&fr, 2, &s), DISSECT_OK);
        HAS(&s, LABMAC, OBS_ATTR, "mdns.question", "lab-mac.local ANY");
        HAS(&s, LABMAC, OBS_IPV4, NULL, "198.18.7.10");
        HAS(&s, LABMAC, OBS_IPV6, NULL, "fe80::211:32ff:fe00:70a");

        /* 8: the host announced over IPv6 (ff02::fb). */
        CHECK_INT(frame(&fr, 8, &s), DISSECT_OK);
        HAS(&s, LABMAC, OBS_HOSTNAME, NULL, "lab-mac.local");
        HAS(&s, LABMAC, OBS_IPV6, NULL, "fe80::211:32ff:fe00:70a");
        HAS(&s, LABMAC, OBS_ATTR, "mdns.hinfo", "X86_64 LINUX");

        /* 17: reverse PTRs (in-addr.arpa and ip6.arpa) and HINFO only. */
        CHECK_INT(frame(&fr, 17, &s), DISSECT_OK);
        HAS(&s, LABMAC, OBS_HOSTNAME, NULL, "lab-mac.local");
        CHECK_INT(count(&s, OBS_HOSTNAME, NULL), 1);
        CHECK_INT(count(&s, OBS_IPV4, NULL) + count(&s, OBS_IPV6, NULL), 0);

        /* 15: services. The instance label "Lab Mac v1.2" holds a dot. */
        CHECK_INT(frame(&fr, 15, &s), DISSECT_OK);
        HAS(&s, LABMAC, OBS_ATTR, "mdns.txt", "_device-info._tcp.local model=MacBookPro15,2");
        HAS(&s, LABMAC, OBS_ATTR, "mdns.txt", "_device-info._tcp.local osxvers=21");
        HAS(&s, LABMAC, OBS_ATTR, "mdns.txt", "_http._tcp.local path=/admin");
        HAS(&s, LABMAC, OBS_ATTR, "mdns.srv", "Lab Mac v1\\.2._smb._tcp.local 445 lab-mac.local");
        HAS(&s, LABMAC, OBS_ATTR, "mdns.srv", "Lab Mac v1\\.2._http._tcp.local 8080 lab-mac.local");
        HAS(&s, LABMAC, OBS_ATTR, "mdns.srv", "lab-mac._ssh._tcp.local 22 lab-mac.local");
        HAS(&s, LABMAC, OBS_ATTR, "mdns.instance", "Lab Mac v1\\.2._smb._tcp.local");
        HAS(&s, LABMAC, OBS_ATTR, "mdns.service", "_smb._tcp.local");
        HAS(&s, LABMAC, OBS_ATTR, "mdns.service", "_ssh._tcp.local");
        HAS_NOT(&s, LABMAC, OBS_ATTR, "mdns.service", "2._smb._tcp.local");
        HAS(&s, LABMAC, OBS_IPV4, NULL, "198.18.7.10");

        /* 23/24: service enumeration asked from port 5353, answered by
         * multicast. */
        CHECK_INT(frame(&fr, 23, &s), DISSECT_OK);
        HAS(&s, QUERIER, OBS_ATTR, "mdns.question", "_services._dns-sd._udp.local PTR");
        CHECK_INT(frame(&fr, 24, &s), DISSECT_OK);
        CHECK_INT(count(&s, OBS_ATTR, "mdns.service"), 4);
        HAS(&s, LABMAC, OBS_ATTR, "mdns.service", "_smb._tcp.local");

        /* 34: the answer to a subtype query: owner
         * _printer._sub._http._tcp.local, the service is _http._tcp.local. */
        CHECK_INT(frame(&fr, 34, &s), DISSECT_OK);
        HAS(&s, LABMAC, OBS_ATTR, "mdns.service", "_http._tcp.local");
        HAS_NOT(&s, LABMAC, OBS_ATTR, "mdns.service", "_printer._sub._http._tcp.local");
        HAS(&s, LABMAC, OBS_ATTR, "mdns.instance", "Lab Mac v1\\.2._http._tcp.local");

        /* 35: a question with the unicast-response bit: the class top bit
         * does not disturb the question. */
        CHECK_INT(frame(&fr, 35, &s), DISSECT_OK);
        HAS(&s, QUERIER, OBS_ATTR, "mdns.question", "Lab Mac v1\\.2._smb._tcp.local SRV");

        /* 37/38: query and answer over IPv6. */
        CHECK_INT(frame(&fr, 37, &s), DISSECT_OK);
        HAS(&s, QUERIER, OBS_ATTR, "mdns.question", "lab-mac.local ANY");
        CHECK_INT(frame(&fr, 38, &s), DISSECT_OK);
        HAS(&s, LABMAC, OBS_IPV6, NULL, "fe80::211:32ff:fe00:70a");
        HAS(&s, LABMAC, OBS_ATTR, "mdns.hinfo", "X86_64 LINUX");

        /* 40: goodbye (TTL 0) still names what the station had. */
        CHECK_INT(frame(&fr, 40, &s), DISSECT_OK);
        HAS(&s, LABMAC, OBS_ATTR, "mdns.srv", "lab-mac._ssh._tcp.local 22 lab-mac.local");

        sweep_all(&fr);
        t_frames_free(&fr);
}

#define WINBOX "00:15:5d:00:07:14"      /* llmnrd -H winbox */

static void test_llmnr(void)
{
        static struct obs_sink s;
        struct t_frames fr;
        if (t_load_pcap(t_capture("llmnr-llmnrd.pcap"), &fr) < 0)
                return;
        CHECK_INT(fr.n, 7);

        CHECK_INT(frame(&fr, 1, &s), DISSECT_OK);
        HAS(&s, QUERIER, OBS_ATTR, "llmnr.question", "winbox A");
        CHECK_INT(s.n, 1);
        CHECK_INT(s.obs[0].source, PROTO_LLMNR);

        CHECK_INT(frame(&fr, 2, &s), DISSECT_OK);      /* unicast reply from 5355 */
        HAS(&s, WINBOX, OBS_HOSTNAME, NULL, "winbox");
        HAS(&s, WINBOX, OBS_IPV4, NULL, "198.18.7.20");
        CHECK_INT(count(&s, OBS_ATTR, "llmnr.question"), 0);

        CHECK_INT(frame(&fr, 3, &s), DISSECT_OK);
        HAS(&s, QUERIER, OBS_ATTR, "llmnr.question", "winbox AAAA");
        CHECK_INT(frame(&fr, 4, &s), DISSECT_OK);      /* over IPv6 */
        HAS(&s, WINBOX, OBS_IPV6, NULL, "fe80::215:5dff:fe00:714");

        CHECK_INT(frame(&fr, 6, &s), DISSECT_OK);      /* ANY: both addresses */
        HAS(&s, WINBOX, OBS_IPV4, NULL, "198.18.7.20");
        HAS(&s, WINBOX, OBS_IPV6, NULL, "fe80::215:5dff:fe00:714");
        CHECK_INT(count(&s, OBS_HOSTNAME, NULL), 1);

        CHECK_INT(frame(&fr, 7, &s), DISSECT_OK);      /* unanswered */
        HAS(&s, QUERIER, OBS_ATTR, "llmnr.question", "nosuchhost A");

        sweep_all(&fr);
        t_frames_free(&fr);
}

/* ---- hand-built names ------------------------------------------------- */

static int name_at(const uint8_t *msg, size_t len, size_t off, char *buf, size_t bufsz,
                   size_t *ret_len, size_t *ret_next)
{
        /* An exact-size copy, so that ASan sees a read past the end. */
        uint8_t *copy = malloc(len ? len : 1);
        if (!copy)
                abort();
        memcpy(copy, msg, len);
        struct cursor c;
        cur_init(&c, copy, len);
        cur_skip(&c, off);
        int r = dns_name_read(&c, buf, bufsz, ret_len);
        if (ret_next)
                *ret_next = cur_pos(&c);
        if (r == 0 || r == -ENOBUFS)
                CHECK(cur_ok(&c));
        else
                CHECK(c.err == (r == -ENODATA ? CUR_TRUNC : CUR_BAD));
        free(copy);
        return r;
}

static void test_names(void)
{
        char buf[DNS_NAME_BUFSZ];
        size_t len, next;

        static const uint8_t simple[] = "\x03" "lab" "\x05" "local" "\x00";
        CHECK_INT(name_at(simple, sizeof(simple) - 1, 0, buf, sizeof(buf), &len, &next), 0);
        CHECK_STR(buf, "lab.local");
        CHECK_INT(len, 9);
        CHECK_INT(next, 11);

        static const uint8_t root[] = { 0 };
        CHECK_INT(name_at(root, 1, 0, buf, sizeof(buf), &len, &next), 0);
        CHECK_STR(buf, ".");
        CHECK(dns_name_is_root(buf, len));

        /* "lab.local" at 0, then "www" + pointer to 0 at 11: the cursor
         * stops after the pointer, not after the name it points to. */
        static const uint8_t ptr[] = "\x03" "lab" "\x05" "local" "\x00" "\x03" "www" "\xc0\x00" "\xff";
        CHECK_INT(name_at(ptr, sizeof(ptr) - 1, 11, buf, sizeof(buf), &len, &next), 0);
        CHECK_STR(buf, "www.lab.local");
        CHECK_INT(next, 17);
        /* a name that is only a pointer */
        CHECK_INT(name_at(ptr, sizeof(ptr) - 1, 15, buf, sizeof(buf), &len, &next), 0);
        CHECK_STR(buf, "lab.local");
        CHECK_INT(next, 17);

        /* A dot and a backslash inside labels are escaped; other bytes stay. */
        static const uint8_t dots[] = "\x0c" "Lab Mac v1.2" "\x04" "a\\\x01z" "\x00";
        CHECK_INT(name_at(dots, sizeof(dots) - 1, 0, buf, sizeof(buf), &len, NULL), 0);
        CHECK_STR(buf, "Lab Mac v1\\.2.a\\\\\x01z");
        CHECK_INT(dns_name_label_len(buf, len), 13);

        /* NULL buffer: validate and step over. */
        CHECK_INT(name_at(ptr, sizeof(ptr) - 1, 11, NULL, 0, &len, &next), 0);
        CHECK_INT(next, 17);
        CHECK_INT(len, 0);
        /* A buffer too small for the text. */
        CHECK_INT(name_at(simple, sizeof(simple) - 1, 0, buf, 5, &len, &next), -ENOBUFS);
        CHECK_INT(name_at(simple, sizeof(simple) - 1, 0, buf, 10, &len, &next), 0);

        /* Loops: a pointer to itself, forward, two pointing at each other,
         * a pointer into the same name. */
        static const uint8_t self[] = "\x00\x00" "\xc0\x02";
        CHECK_INT(name_at(self, 4, 2, buf, sizeof(buf), &len, NULL), -EBADMSG);
        static const uint8_t fwd[] = "\xc0\x02" "\x00";
        CHECK_INT(name_at(fwd, 3, 0, buf, sizeof(buf), &len, NULL), -EBADMSG);
        static const uint8_t pair[] = "\xc0\x02" "\xc0\x00";
        CHECK_INT(name_at(pair, 4, 2, buf, sizeof(buf), &len, NULL), -EBADMSG);
        CHECK_INT(name_at(pair, 4, 0, buf, sizeof(buf), &len, NULL), -EBADMSG);
        static const uint8_t into[] = "\x01" "a" "\xc0\x00";
        CHECK_INT(name_at(into, 4, 0, buf, sizeof(buf), &len, NULL), -EBADMSG);
        /* A pointer chain that goes back each time is fine up to the hop
         * cap: root at 0, pointer k at 2k-1 -> previous one. */
        uint8_t chain[1 + 2 * (DNS_PTR_HOPS_MAX + 1)];
        chain[0] = 0;
        for (size_t k = 1; k <= DNS_PTR_HOPS_MAX + 1; k++) {
                size_t prev = k == 1 ? 0 : 2 * (k - 1) - 1;
                chain[2 * k - 1] = (uint8_t)(0xc0 | (prev >> 8));
                chain[2 * k] = (uint8_t)prev;
        }
        CHECK_INT(name_at(chain, sizeof(chain), 2 * DNS_PTR_HOPS_MAX - 1, buf, sizeof(buf), &len,
                          NULL), 0);
        CHECK_STR(buf, ".");
        CHECK_INT(name_at(chain, sizeof(chain), 2 * (DNS_PTR_HOPS_MAX + 1) - 1, buf, sizeof(buf),
                          &len, NULL), -EBADMSG);

        /* Label types 01 (0x40: also "a label of 64") and 10 (0x80). */
        uint8_t l64[66] = { 0x40 };
        CHECK_INT(name_at(l64, sizeof(l64), 0, buf, sizeof(buf), &len, NULL), -EBADMSG);
        static const uint8_t l80[] = "\x80\x01" "a\x00";
        CHECK_INT(name_at(l80, 4, 0, buf, sizeof(buf), &len, NULL), -EBADMSG);
        /* A label of 63 is the longest. */
        uint8_t l63[65] = { 63 };
        memset(l63 + 1, 'x', 63);
        l63[64] = 0;
        CHECK_INT(name_at(l63, sizeof(l63), 0, buf, sizeof(buf), &len, NULL), 0);
        CHECK_INT(len, 63);

        /* 255 wire bytes: 4 labels of 63 (256 bytes) minus 2 = 253 + root. */
        uint8_t big[300];
        size_t n = 0;
        for (int i = 0; i < 4; i++) {
                uint8_t l = i == 3 ? 61 : 63;
                big[n++] = l;
                memset(big + n, '.', l);        /* every byte needs an escape */
                n += l;
        }
        big[n++] = 0;
        CHECK_INT(n, 255);
        CHECK_INT(name_at(big, n, 0, buf, sizeof(buf), &len, NULL), 0);
        CHECK_INT(len, 2 * 250 + 3);
        CHECK(len < DNS_NAME_BUFSZ);
        /* one byte more is too long, even when cut right after */
        big[3 * 64] = 62;
        memset(big + 3 * 64 + 1, 'y', 62);
        big[3 * 64 + 63] = 0;
        CHECK_INT(name_at(big, 256, 0, buf, sizeof(buf), &len, NULL), -EBADMSG);
        CHECK_INT(name_at(big, 3 * 64 + 5, 0, buf, sizeof(buf), &len, NULL), -EBADMSG);
        /* the limit counts bytes reached through pointers too */
        uint8_t big2[300];
        memcpy(big2, big, 3 * 64);
        big2[192] = 0;                          /* 193-byte name at 0 */
        memcpy(big2 + 193, "\x3e", 1);
        memset(big2 + 194, 'z', 62);
        big2[256] = 0xc0;
        big2[257] = 0;                          /* 63 + 192 + 1 = 256 */
        CHECK_INT(name_at(big2, 258, 193, buf, sizeof(buf), &len, NULL), -EBADMSG);

        /* Truncated: inside a label, at a length byte, inside a pointer. */
        CHECK_INT(name_at(simple, 6, 0, buf, sizeof(buf), &len, NULL), -ENODATA);
        CHECK_INT(name_at(simple, 10, 0, buf, sizeof(buf), &len, NULL), -ENODATA);
        CHECK_INT(name_at(ptr, 16, 11, buf, sizeof(buf), &len, NULL), -ENODATA);
        CHECK_INT(name_at(simple, 0, 0, buf, sizeof(buf), &len, NULL), -ENODATA);

        /* Text helpers. */
        CHECK(dns_name_has_suffix("5.1.18.198.IN-ADDR.arpa", 23, "in-addr.arpa"));
        CHECK(dns_name_has_suffix("in-addr.arpa", 12, "in-addr.arpa"));
        CHECK(!dns_name_has_suffix("xin-addr.arpa", 13, "in-addr.arpa"));
        CHECK(!dns_name_has_suffix("a\\.in-addr.arpa", 15, "in-addr.arpa"));
        CHECK(dns_name_has_suffix("a\\\\.in-addr.arpa", 16, "in-addr.arpa"));
        CHECK(!dns_name_has_suffix("arpa", 4, "in-addr.arpa"));
        CHECK_INT(dns_name_label_len("abc", 3), 3);
        CHECK_INT(dns_name_label_len("a\\.b.c", 6), 4);
}

/* ---- hand-built messages ---------------------------------------------- */

struct msg {
        uint8_t b[2048];
        size_t n;
};

static void put8(struct msg *m, uint8_t v) { m->b[m->n++] = v; }
static void put16(struct msg *m, uint16_t v) { put8(m, (uint8_t)(v >> 8)); put8(m, (uint8_t)v); }
static void putraw(struct msg *m, const void *p, size_t n) { memcpy(m->b + m->n, p, n); m->n += n; }

/* "a.b.c" as labels (no escapes); "" is the root. */
static void putname(struct msg *m, const char *dotted)
{
        while (*dotted) {
                const char *dot = strchr(dotted, '.');
                size_t l = dot ? (size_t)(dot - dotted) : strlen(dotted);
                put8(m, (uint8_t)l);
                putraw(m, dotted, l);
                dotted += l + (dot ? 1 : 0);
        }
        put8(m, 0);
}

static void hdr(struct msg *m, uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns, uint16_t ar)
{
        const uint16_t h[6] = { 0, flags, qd, an, ns, ar };
        m->n = 0;
        for (int i = 0; i < 6; i++)
                put16(m, h[i]);
}

static void question(struct msg *m, const char *name, uint16_t type)
{
        putname(m, name);
        put16(m, type);
        put16(m, 1);
}

/* A record header; rdlength is filled in by rr_end() unless forced. */
static size_t rr(struct msg *m, const char *owner, uint16_t type, uint16_t cls)
{
        putname(m, owner);
        put16(m, type);
        put16(m, cls);
        putraw(m, "\0\0\0\x78" "\0\0", 6);     /* TTL 120, rdlength 0 */
        return m->n;
}

static void rr_end(struct msg *m, size_t start)
{
        size_t l = m->n - start;
        m->b[start - 2] = (uint8_t)(l >> 8);
        m->b[start - 1] = (uint8_t)l;
}

#define R_MDNS  0x8400                          /* QR, AA */
#define T_A     1
#define T_PTR   12
#define T_HINFO 13
#define T_TXT   16
#define T_SRV   33
#define IN_FLUSH 0x8001

static enum dissect_res run(const struct msg *m, uint16_t sport, uint16_t dport, const char *mac,
                            struct obs_sink *s)
{
        struct frame_ctx ctx;
        memset(&ctx, 0, sizeof(ctx));
        if (!parse_mac(mac, ctx.src_mac))
                abort();
        ctx.ip_version = 4;
        ctx.sport = sport;
        ctx.dport = dport;
        uint8_t *copy = malloc(m->n ? m->n : 1);
        if (!copy)
                abort();
        memcpy(copy, m->b, m->n);
        struct cursor c;
        cur_init(&c, copy, m->n);
        obs_sink_reset(s);
        s->dropped = 0;
        enum dissect_res r = dissect_dns(&c, &ctx, s);
        free(copy);
        return r;
}

#define H "02:00:00:00:00:01"

static void test_messages(void)
{
        static struct obs_sink s;
        struct msg m;
        size_t at;

        /* A good response: A, TXT (cache-flush) with empty strings. */
        hdr(&m, R_MDNS, 0, 3, 0, 0);
        at = rr(&m, "h.local", T_A, 1);
        putraw(&m, "\xc6\x12\x01\x09", 4);
        rr_end(&m, at);
        at = rr(&m, "i._x._tcp.local", T_TXT, IN_FLUSH);
        putraw(&m, "\x00" "\x03" "a=b" "\x00", 6);
        rr_end(&m, at);
        at = rr(&m, "j._x._tcp.local", T_TXT, IN_FLUSH);      /* the single empty string */
        put8(&m, 0);
        rr_end(&m, at);
        CHECK_INT(run(&m, 5353, 5353, H, &s), DISSECT_OK);
        HAS(&s, H, OBS_HOSTNAME, NULL, "h.local");
        HAS(&s, H, OBS_IPV4, NULL, "198.18.1.9");
        HAS(&s, H, OBS_ATTR, "mdns.txt", "_x._tcp.local a=b");
        CHECK_INT(count(&s, OBS_ATTR, "mdns.txt"), 1);

        /* The same from another source port is not an mDNS response. */
        CHECK_INT(run(&m, 40000, 5353, H, &s), DISSECT_OK);
        CHECK_INT(s.n, 0);
        /* ... nor from a multicast source MAC. */
        CHECK_INT(run(&m, 5353, 5353, "01:00:5e:00:00:fb", &s), DISSECT_OK);
        CHECK_INT(s.n, 0);
        /* Plain DNS on 53 answers about other hosts: only the role. */
        CHECK_INT(run(&m, 53, 40000, H, &s), DISSECT_OK);
        HAS(&s, H, OBS_ATTR, "dns.role", "server");
        CHECK_INT(s.n, 1);
        CHECK_INT(s.obs[0].source, PROTO_DNS);
        /* LLMNR response: name and address. */
        CHECK_INT(run(&m, 5355, 40000, H, &s), DISSECT_OK);
        HAS(&s, H, OBS_HOSTNAME, NULL, "h.local");
        HAS(&s, H, OBS_IPV4, NULL, "198.18.1.9");
        CHECK_INT(count(&s, OBS_ATTR, "mdns.txt"), 0);
        CHECK_INT(s.obs[0].source, PROTO_LLMNR);
        /* Another opcode (here 5, UPDATE) is ignored. */
        m.b[2] = 0x80 | (5 << 3);
        CHECK_INT(run(&m, 5353, 5353, H, &s), DISSECT_IGNORED);
        CHECK_INT(s.n, 0);

        /* Every prefix of it: OK or TRUNCATED, never MALFORMED. */
        struct msg cut = m;
        cut.b[2] = 0x84;
        for (size_t n = 0; n < m.n; n++) {
                cut.n = n;
                CHECK_INT(run(&cut, 5353, 5353, H, &s), DISSECT_TRUNCATED);
        }

        /* A query: question kept, known answers are not the sender's. */
        hdr(&m, 0, 1, 1, 0, 0);
        question(&m, "printer.local", T_A);
        at = rr(&m, "printer.local", T_A, 1);
        putraw(&m, "\xc6\x12\x01\x07", 4);
        rr_end(&m, at);
        CHECK_INT(run(&m, 5353, 5353, H, &s), DISSECT_OK);
        HAS(&s, H, OBS_ATTR, "mdns.question", "printer.local A");
        CHECK_INT(s.n, 1);
        /* A type without a mnemonic (RFC 3597 form). */
        hdr(&m, 0, 1, 0, 0, 0);
        question(&m, "x.local", 99);
        CHECK_INT(run(&m, 5353, 5353, H, &s), DISSECT_OK);
        HAS(&s, H, OBS_ATTR, "mdns.question", "x.local TYPE99");
        /* A query to port 53: nothing at all. */
        CHECK_INT(run(&m, 40000, 53, H, &s), DISSECT_OK);
        CHECK_INT(s.n, 0);

        /* Reverse PTR: the target is the sender's name, the owner is not. */
        hdr(&m, R_MDNS, 0, 1, 0, 0);
        at = rr(&m, "9.1.18.198.in-addr.arpa", T_PTR, IN_FLUSH);
        putname(&m, "h.local");
        rr_end(&m, at);
        CHECK_INT(run(&m, 5353, 5353, H, &s), DISSECT_OK);
        HAS(&s, H, OBS_HOSTNAME, NULL, "h.local");
        CHECK_INT(s.n, 1);

        /* Compression loop in an owner name: MALFORMED, nothing kept from it,
         * what came before is kept. */
        hdr(&m, R_MDNS, 0, 2, 0, 0);
        at = rr(&m, "h.local", T_A, 1);
        putraw(&m, "\xc6\x12\x01\x09", 4);
        rr_end(&m, at);
        put16(&m, (uint16_t)(0xc000 | m.n));            /* points at itself */
        putraw(&m, "\0\x01" "\0\x01" "\0\0\0\0" "\0\x04" "\xc6\x12\x01\x0a", 14);
        CHECK_INT(run(&m, 5353, 5353, H, &s), DISSECT_MALFORMED);
        HAS(&s, H, OBS_IPV4, NULL, "198.18.1.9");
        HAS_NOT(&s, H, OBS_IPV4, NULL, "198.18.1.10");

        /* Label 64, label type 0x80 and a name over 255 in a question. */
        static const uint8_t bad_first[] = { 0x40, 0x80 };
        for (size_t k = 0; k < 2; k++) {
                hdr(&m, 0, 1, 0, 0, 0);
                put8(&m, bad_first[k]);
                memset(m.b + m.n, 'a', 70);
                m.n += 70;
                put8(&m, 0);
                put16(&m, T_A);
                put16(&m, 1);
                CHECK_INT(run(&m, 5353, 5353, H, &s), DISSECT_MALFORMED);
                CHECK_INT(s.n, 0);
        }
        hdr(&m, 0, 1, 0, 0, 0);
        for (int i = 0; i < 5; i++) {
                put8(&m, 60);
                memset(m.b + m.n, 'b', 60);
                m.n += 60;
        }
        put8(&m, 0);
        put16(&m, T_A);
        put16(&m, 1);
        CHECK_INT(run(&m, 5353, 5353, H, &s), DISSECT_MALFORMED);

        /* rdlength past the end of the message: TRUNCATED, the A before it
         * kept. */
        hdr(&m, R_MDNS, 0, 2, 0, 0);
        at = rr(&m, "h.local", T_A, 1);
        putraw(&m, "\xc6\x12\x01\x09", 4);
        rr_end(&m, at);
        at = rr(&m, "i._x._tcp.local", T_TXT, 1);
        putraw(&m, "\x03" "a=b", 4);
        m.b[at - 2] = 0x01;                             /* rdlength 256 */
        CHECK_INT(run(&m, 5353, 5353, H, &s), DISSECT_TRUNCATED);
        HAS(&s, H, OBS_IPV4, NULL, "198.18.1.9");
        CHECK_INT(count(&s, OBS_ATTR, "mdns.txt"), 0);

        /* A TXT string running past its rdlength: MALFORMED, none of the
         * record's strings kept. */
        hdr(&m, R_MDNS, 0, 1, 0, 0);
        at = rr(&m, "i._x._tcp.local", T_TXT, 1);
        putraw(&m, "\x03" "a=b" "\x09" "c=d", 8);
        rr_end(&m, at);
        put16(&m, 0x1234);                              /* bytes after the record */
        putraw(&m, "xxxxxx", 6);
        CHECK_INT(run(&m, 5353, 5353, H, &s), DISSECT_MALFORMED);
        CHECK_INT(s.n, 0);

        /* qdcount 65535 in a tiny message: stops at the end, TRUNCATED. */
        hdr(&m, 0, 65535, 65535, 65535, 65535);
        question(&m, "a.local", T_A);
        CHECK_INT(run(&m, 5353, 5353, H, &s), DISSECT_TRUNCATED);
        CHECK_INT(count(&s, OBS_ATTR, "mdns.question"), 1);
        /* ... and a header cut short. */
        m.n = 11;
        CHECK_INT(run(&m, 5353, 5353, H, &s), DISSECT_TRUNCATED);

        /* SRV with short rdata (4 bytes: no port, no target). */
        hdr(&m, R_MDNS, 0, 1, 0, 0);
        at = rr(&m, "i._x._tcp.local", T_SRV, 1);
        putraw(&m, "\x00\x00\x00\x00", 4);
        rr_end(&m, at);
        CHECK_INT(run(&m, 5353, 5353, H, &s), DISSECT_MALFORMED);
        CHECK_INT(s.n, 0);
        /* SRV whose target runs past its rdlength. */
        hdr(&m, R_MDNS, 0, 1, 0, 0);
        at = rr(&m, "i._x._tcp.local", T_SRV, 1);
        putraw(&m, "\x00\x00\x00\x00\x02\x77", 6);
        putname(&m, "h.local");
        rr_end(&m, at);
        m.b[at - 1] -= 3;
        CHECK_INT(run(&m, 5353, 5353, H, &s), DISSECT_MALFORMED);
        CHECK_INT(count(&s, OBS_ATTR, "mdns.srv"), 0);
        /* A good SRV with a compressed target and a root target. */
        hdr(&m, R_MDNS, 0, 2, 0, 0);
        size_t owner = m.n;
        at = rr(&m, "i._x._tcp.local", T_SRV, 1);
        putraw(&m, "\x00\x00\x00\x00\x02\x77", 6);
        put8(&m, 1);
        put8(&m, 'h');
        put16(&m, (uint16_t)(0xc000 | (owner + 10)));   /* -> "local" */
        rr_end(&m, at);
        at = rr(&m, "j._x._tcp.local", T_SRV, 1);
        putraw(&m, "\x00\x00\x00\x00\x00\x00", 6);
        put8(&m, 0);
        rr_end(&m, at);
        CHECK_INT(run(&m, 5353, 5353, H, &s), DISSECT_OK);
        HAS(&s, H, OBS_ATTR, "mdns.srv", "i._x._tcp.local 631 h.local");
        HAS(&s, H, OBS_ATTR, "mdns.srv", "j._x._tcp.local 0 .");
        HAS(&s, H, OBS_HOSTNAME, NULL, "h.local");
        CHECK_INT(count(&s, OBS_HOSTNAME, NULL), 1);     /* not the root */

        /* A with the wrong rdlength; HINFO whose OS string is cut. */
        hdr(&m, R_MDNS, 0, 1, 0, 0);
        at = rr(&m, "h.local", T_A, 1);
        putraw(&m, "\xc6\x12\x01\x09\x00", 5);
        rr_end(&m, at);
        CHECK_INT(run(&m, 5353, 5353, H, &s), DISSECT_MALFORMED);
        CHECK_INT(s.n, 0);
        hdr(&m, R_MDNS, 0, 1, 0, 0);
        at = rr(&m, "h.local", T_HINFO, 1);
        putraw(&m, "\x03" "ARM" "\x05" "LIN", 8);
        rr_end(&m, at);
        CHECK_INT(run(&m, 5353, 5353, H, &s), DISSECT_MALFORMED);
        CHECK_INT(count(&s, OBS_ATTR, "mdns.hinfo"), 0);
        /* rdata cut by the end of the message (not by rdlength): TRUNCATED */
        m.n -= 2;
        CHECK_INT(run(&m, 5353, 5353, H, &s), DISSECT_TRUNCATED);

        /* A name pointing outside the message, past its own start. */
        hdr(&m, R_MDNS, 0, 1, 0, 0);
        put16(&m, 0xc0ff);
        put16(&m, T_A);
        CHECK_INT(run(&m, 5353, 5353, H, &s), DISSECT_MALFORMED);

        /* A class other than IN is skipped by length, not decoded. */
        hdr(&m, R_MDNS, 0, 1, 0, 0);
        at = rr(&m, "h.local", T_A, 3);                 /* CHAOS */
        putraw(&m, "\xc6\x12", 2);
        rr_end(&m, at);
        CHECK_INT(run(&m, 5353, 5353, H, &s), DISSECT_OK);
        CHECK_INT(s.n, 0);
}

int main(void)
{
        test_names();
        test_messages();
        test_lab_30s();
        test_mdns_avahi();
        test_llmnr();
        return t_done();
}
