/* gen-mixed.c - deterministic generator of a mixed LAN capture for the
 * offline throughput benchmark (tests/bench/offline.sh).
 *
 * Writes a classic pcap file (LINKTYPE_ETHERNET, microsecond timestamps,
 * little-endian) with plain stdio, no libpcap: ARP, DHCP DISCOVER/REQUEST,
 * mDNS announcements, TCP handshakes and bulk TCP data between ~300 hosts on
 * 198.18.0.0/16 and servers on 198.19.0.0/16 behind the segment's router.
 * Every length field and checksum is right, so tcpdump and p0f see ordinary
 * traffic. The same seed and frame count give the same bytes on any machine.
 *
 *   gen-mixed [-n FRAMES] [-s SEED] [-o FILE]
 *   gen-mixed -V          print the format version (part of offline.sh's file name)
 *
 * The capture goes to FILE.tmp and is renamed to FILE once complete, so an
 * interrupted run never leaves a short file behind. What was written is
 * printed on stdout as key=value lines (offline.sh keeps them next to the
 * file). Nothing here is sent anywhere: it only writes a file.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gen-mixed.h"

#define GEN_FORMAT_VERSION      1       /* bump when the output bytes change */
#define DEFAULT_FRAMES          1000000u
#define DEFAULT_OUT             "tests/bench/out/mixed.pcap"

/* Classic pcap (tcpdump.org/manpages/pcap-savefile.5.html). */
#define PCAP_MAGIC_USEC         0xa1b2c3d4u
#define PCAP_VER_MAJOR          2
#define PCAP_VER_MINOR          4
#define PCAP_SNAPLEN            262144u
#define LINKTYPE_ETHERNET       1       /* tcpdump.org/linktypes.html */
#define ETH_MIN_FRAME           60      /* IEEE 802.3 §4.4.2 minFrameSize 64, less the FCS */
#define TS_START_SEC            1705309200u /* 2024-01-15 09:00:00 UTC */

static const char *const kind_names[K_MAX] = {
        "arp", "dhcp", "mdns", "tcp_syn", "tcp_synack", "tcp_rst", "tcp_fin", "tcp_data",
};

/* splitmix64: small, fast and the same everywhere. */
uint64_t rnd64(struct gen *g)
{
        uint64_t z = (g->rng += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
}

/* Uniform in [0, n). */
uint32_t rnd(struct gen *g, uint32_t n)
{
        return (uint32_t)(((rnd64(g) >> 32) * n) >> 32);
}

static void le32(uint8_t *p, uint32_t v)
{
        for (int i = 0; i < 4; i++)
                p[i] = (uint8_t)(v >> (8 * i));
}

/* Append the frame to the file with the next timestamp. */
void emit(struct gen *g, size_t len, enum kind k)
{
        uint8_t rec[16];

        if (len < ETH_MIN_FRAME) {
                memset(g->frame + len, 0, ETH_MIN_FRAME - len);
                len = ETH_MIN_FRAME;
        }
        g->usec += 1 + rnd(g, 199);
        le32(rec, (uint32_t)(g->usec / 1000000u));
        le32(rec + 4, (uint32_t)(g->usec % 1000000u));
        le32(rec + 8, (uint32_t)len);
        le32(rec + 12, (uint32_t)len);
        fwrite(rec, 1, sizeof(rec), g->out);
        fwrite(g->frame, 1, len, g->out);
        g->bytes += sizeof(rec) + len;
        g->count[k]++;
}

struct host *random_client(struct gen *g)
{
        return &g->hosts[1 + N_SERVERS_LOCAL + rnd(g, N_HOSTS - 1 - N_SERVERS_LOCAL)];
}
/* ---- the population ---- */

struct maker {
        uint8_t os;
        uint8_t oui[3];                 /* all zero: locally administered random MAC */
        unsigned weight;
};

static const struct maker makers[] = {
        { OS_WINDOWS, { 0xf8, 0xbc, 0x12 }, 14 },       /* Dell */
        { OS_WINDOWS, { 0x3c, 0x6a, 0xa7 }, 10 },       /* Intel */
        { OS_WINDOWS, { 0x8c, 0x16, 0x45 }, 8 },        /* LCFC (Lenovo) */
        { OS_WINDOWS, { 0x00, 0x15, 0x5d }, 3 },        /* Microsoft Hyper-V */
        { OS_MACOS, { 0xa4, 0x83, 0xe7 }, 6 },          /* Apple */
        { OS_MACOS, { 0xf0, 0x18, 0x98 }, 5 },
        { OS_MACOS, { 0x3c, 0x22, 0xfb }, 4 },
        { OS_ANDROID, { 0, 0, 0 }, 12 },                /* randomised phone MACs */
        { OS_MACOS, { 0, 0, 0 }, 8 },                   /* iPhones, also randomised */
        { OS_LINUX, { 0xb8, 0x27, 0xeb }, 5 },          /* Raspberry Pi */
        { OS_LINUX, { 0xdc, 0xa6, 0x32 }, 4 },
        { OS_LINUX, { 0xe4, 0x5f, 0x01 }, 3 },
        { OS_LINUX, { 0x54, 0x60, 0x09 }, 3 },          /* Google (Chromecast) */
        { OS_EMBEDDED, { 0x24, 0x0a, 0xc4 }, 6 },       /* Espressif */
        { OS_EMBEDDED, { 0x50, 0xc7, 0xbf }, 4 },       /* TP-Link */
        { OS_EMBEDDED, { 0x28, 0x6c, 0x07 }, 3 },       /* Xiaomi */
};

static const char *const first_names[] = {
        "Anna", "Ben", "Chloe", "David", "Emma", "Farid", "Grace", "Hugo", "Ines", "Jonas",
};

static void make_endpoint(struct gen *g, struct endpoint *e, uint8_t os, const uint8_t oui[3])
{
        for (int i = 0; i < 6; i++)
                e->mac[i] = (uint8_t)rnd(g, 256);
        if (oui[0] | oui[1] | oui[2])
                memcpy(e->mac, oui, 3);
        else
                e->mac[0] = (uint8_t)((e->mac[0] & 0xfc) | 0x02);  /* local, unicast */
        e->os = os;
        e->ttl = personas[os].ttl;
        e->ip_id = (uint16_t)rnd(g, 65536);
        e->ts_boot_ms = rnd(g, 1u << 30);
}

static void name_host(struct gen *g, struct host *h, unsigned i)
{
        const char *fn = first_names[rnd(g, sizeof(first_names) / sizeof(first_names[0]))];
        bool apple = h->ep.mac[0] == 0xa4 || h->ep.mac[0] == 0xf0 || h->ep.mac[0] == 0x3c;

        switch (h->ep.os) {
        case OS_WINDOWS:
                snprintf(h->name, sizeof(h->name), "DESKTOP-%07X", rnd(g, 0x10000000));
                break;
        case OS_MACOS:
                snprintf(h->name, sizeof(h->name), apple ? "%ss-MacBook-Pro" : "%ss-iPhone", fn);
                if (apple) {
                        h->svc = SVC_AIRPLAY;
                        /* U+2019 as macOS writes it. */
                        snprintf(h->inst, sizeof(h->inst), "%s\xe2\x80\x99s MacBook Pro", fn);
                }
                break;
        case OS_ANDROID:
                snprintf(h->name, sizeof(h->name), "Galaxy-S21-%02u", i % 100);
                break;
        case OS_LINUX:
                if (h->ep.mac[0] == 0x54) {
                        snprintf(h->name, sizeof(h->name), "Chromecast-%08x", (unsigned)rnd64(g));
                        snprintf(h->inst, sizeof(h->inst), "%s", h->name);
                        h->svc = SVC_CAST;
                } else {
                        snprintf(h->name, sizeof(h->name), "rpi-%03u", i);
                        snprintf(h->inst, sizeof(h->inst), "%s [%02x:%02x:%02x:%02x:%02x:%02x]",
                                 h->name, h->ep.mac[0], h->ep.mac[1], h->ep.mac[2],
                                 h->ep.mac[3], h->ep.mac[4], h->ep.mac[5]);
                        h->svc = SVC_WORKSTATION;
                }
                break;
        default:
                snprintf(h->name, sizeof(h->name), "esp-plug-%03u", i);
                snprintf(h->inst, sizeof(h->inst), "Smart Plug %03u", i);
                h->svc = h->ep.mac[0] == 0x24 ? SVC_HAP : SVC_NONE;
                break;
        }
}

static void populate(struct gen *g)
{
        static const uint8_t cisco[3] = { 0x00, 0x1a, 0xa1 }, synology[3] = { 0x00, 0x11, 0x32 },
                             hp[3] = { 0x3c, 0xd9, 0x2b };
        unsigned total = 0;

        for (size_t m = 0; m < sizeof(makers) / sizeof(makers[0]); m++)
                total += makers[m].weight;
        for (unsigned i = 0; i < N_HOSTS; i++) {
                struct host *h = &g->hosts[i];
                if (i == 0) {
                        make_endpoint(g, &h->ep, OS_LINUX, cisco);
                        snprintf(h->name, sizeof(h->name), "gw");
                } else if (i <= N_SERVERS_LOCAL) {
                        bool nas = i % 2;
                        make_endpoint(g, &h->ep, nas ? OS_LINUX : OS_EMBEDDED, nas ? synology : hp);
                        snprintf(h->name, sizeof(h->name), nas ? "nas-%u" : "printer-%u", i);
                        snprintf(h->inst, sizeof(h->inst), nas ? "nas-%u" : "HP LaserJet Pro M404dn [%u]", i);
                        h->svc = nas ? SVC_SMB : SVC_IPP;
                } else {
                        unsigned r = rnd(g, total), m = 0;
                        while (r >= makers[m].weight)
                                r -= makers[m++].weight;
                        make_endpoint(g, &h->ep, makers[m].os, makers[m].oui);
                        name_host(g, h, i);
                }
                h->ep.ip[0] = 198;
                h->ep.ip[1] = 18;
                h->ep.ip[2] = (uint8_t)(i / 250);
                h->ep.ip[3] = (uint8_t)(1 + i % 250);
        }
        for (unsigned i = 0; i < N_REMOTE; i++) {
                struct endpoint *e = &g->remote[i];
                make_endpoint(g, e, OS_LINUX, cisco);
                memcpy(e->mac, g->hosts[0].ep.mac, 6);      /* behind the router */
                e->ttl = (uint8_t)(64 - 4 - rnd(g, 16));
                e->ip[0] = 198;
                e->ip[1] = 19;
                e->ip[2] = (uint8_t)rnd(g, 256);
                e->ip[3] = (uint8_t)(1 + rnd(g, 254));
        }
        for (size_t i = 0; i < NOISE_LEN; i++)
                g->noise[i] = (uint8_t)rnd64(g);
        g->next_port = 32768;
        g->usec = (uint64_t)TS_START_SEC * 1000000u;
}

static int usage(int rc)
{
        fprintf(rc ? stderr : stdout,
                "usage: gen-mixed [-n FRAMES] [-s SEED] [-o FILE] | -V\n"
                "  -n FRAMES  frames to write (default %u)\n"
                "  -s SEED    random seed (default 1); same seed, same bytes\n"
                "  -o FILE    output pcap (default %s)\n"
                "  -V         print the output format version and exit\n",
                DEFAULT_FRAMES, DEFAULT_OUT);
        return rc;
}

static bool parse_u64(const char *s, uint64_t *ret)
{
        char *end;

        errno = 0;
        unsigned long long v = strtoull(s, &end, 0);
        if (errno || *end || !*s || s[0] == '-')
                return false;
        *ret = v;
        return true;
}

int main(int argc, char **argv)
{
        uint64_t frames = DEFAULT_FRAMES, seed = 1;
        const char *path = DEFAULT_OUT;
        char tmp[4096];
        int c;

        while ((c = getopt(argc, argv, "n:s:o:Vh")) != -1) {
                switch (c) {
                case 'n':
                        if (!parse_u64(optarg, &frames) || frames == 0 || frames > UINT32_MAX)
                                return usage(2);
                        break;
                case 's':
                        if (!parse_u64(optarg, &seed))
                                return usage(2);
                        break;
                case 'o':
                        path = optarg;
                        break;
                case 'V':
                        printf("%d\n", GEN_FORMAT_VERSION);
                        return 0;
                case 'h':
                        return usage(0);
                default:
                        return usage(2);
                }
        }
        if (optind != argc)
                return usage(2);

        struct gen *g = calloc(1, sizeof(*g));
        if (!g) {
                fprintf(stderr, "gen-mixed: out of memory\n");
                return 1;
        }
        g->rng = seed;
        populate(g);

        if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
                fprintf(stderr, "gen-mixed: path too long\n");
                return 1;
        }
        g->out = fopen(tmp, "wb");
        if (!g->out) {
                fprintf(stderr, "gen-mixed: %s: %s\n", tmp, strerror(errno));
                return 1;
        }
        setvbuf(g->out, NULL, _IOFBF, 1 << 20);

        uint8_t hdr[24];
        le32(hdr, PCAP_MAGIC_USEC);
        hdr[4] = PCAP_VER_MAJOR;
        hdr[5] = 0;
        hdr[6] = PCAP_VER_MINOR;
        hdr[7] = 0;
        le32(hdr + 8, 0);                       /* thiszone */
        le32(hdr + 12, 0);                      /* sigfigs */
        le32(hdr + 16, PCAP_SNAPLEN);
        le32(hdr + 20, LINKTYPE_ETHERNET);
        fwrite(hdr, 1, sizeof(hdr), g->out);
        g->bytes = sizeof(hdr);

        /* Per mille: ARP 100, DHCP 20, mDNS 30, SYN 50, SYN-ACK or refusal
         * 50, the rest data and closes. When a kind has nothing to act on
         * (no open connection yet), the next one down the chain is used. */
        for (uint64_t i = 0; i < frames; i++) {
                uint32_t r = rnd(g, 1000);
                if (r < 100)
                        gen_arp(g);
                else if (r < 120)
                        gen_dhcp(g);
                else if (r < 150)
                        gen_mdns(g);
                else if (r < 200) {
                        if (!gen_syn(g) && !gen_data(g))
                                gen_arp(g);
                } else if (r < 250) {
                        if (!gen_synack(g) && !gen_syn(g) && !gen_data(g))
                                gen_arp(g);
                } else if (!gen_data(g) && !gen_synack(g) && !gen_syn(g)) {
                        gen_arp(g);
                }
        }

        int err = ferror(g->out);
        if (fclose(g->out) != 0 || err) {
                fprintf(stderr, "gen-mixed: %s: write failed: %s\n", tmp, strerror(errno));
                unlink(tmp);
                return 1;
        }
        if (rename(tmp, path) != 0) {
                fprintf(stderr, "gen-mixed: %s: %s\n", path, strerror(errno));
                unlink(tmp);
                return 1;
        }
        uint64_t tcp = 0;
        printf("format=%d\nseed=%" PRIu64 "\nframes=%" PRIu64 "\nbytes=%" PRIu64 "\nhosts=%d\n",
               GEN_FORMAT_VERSION, seed, frames, g->bytes, N_HOSTS);
        for (int k = 0; k < K_MAX; k++) {
                printf("%s=%" PRIu64 "\n", kind_names[k], g->count[k]);
                if (k >= K_SYN)
                        tcp += g->count[k];
        }
        printf("tcp=%" PRIu64 "\n", tcp);
        free(g);
        return 0;
}
