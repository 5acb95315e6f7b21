/* gen-mixed.h - what gen-mixed.c (population, pcap file, main) and
 * gen-frames.c (the frames of each protocol) share: the simulated hosts and
 * connections, and the generator state. Test tool only; not part of netinv.
 */
#ifndef GEN_MIXED_H
#define GEN_MIXED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define N_HOSTS                 300     /* stations on 198.18.0.0/16, router first */
#define N_SERVERS_LOCAL         6       /* hosts 1..6 are servers (NAS, printer ...) */
#define N_REMOTE                48      /* servers on 198.19.0.0/16 behind the router */
#define N_FLOWS                 256     /* TCP connections open at once, at most */
#define NOISE_LEN               (64 * 1024) /* random bytes that payloads are cut from */
#define FRAME_MAX               1600

enum os { OS_LINUX, OS_WINDOWS, OS_MACOS, OS_ANDROID, OS_EMBEDDED, OS_MAX };

/* How one operating system's stack looks on the wire. The SYN option layout
 * is a string: M mss, S sack-permitted, T timestamps, N nop, W window scale,
 * E eol; it is padded with EOL to a multiple of four. */
struct persona {
        uint8_t ttl;
        uint16_t syn_win;
        uint8_t wscale;
        uint16_t mss;
        const char *syn_opts;
        const uint8_t *prl;
        size_t prl_len;
        const char *vendor_class;       /* DHCP option 60, NULL: not sent */
        uint16_t max_msg;               /* DHCP option 57, 0: not sent */
        bool duid;                      /* option 61 as RFC 4361 IAID+DUID */
};

extern const struct persona personas[OS_MAX];

/* DNS-SD service a host announces over mDNS (gen-frames.c has the table). */
enum { SVC_NONE, SVC_WORKSTATION, SVC_AIRPLAY, SVC_IPP, SVC_SMB, SVC_CAST, SVC_HAP, SVC_MAX };

/* A station as seen on this segment: remote servers carry the router's MAC
 * and a TTL already lowered by the hops. */
struct endpoint {
        uint8_t mac[6], ip[4];
        uint8_t os, ttl;
        uint16_t ip_id;
        uint32_t ts_boot_ms;            /* TCP timestamp clock offset */
};

struct host {
        struct endpoint ep;
        char name[48];                  /* DHCP hostname / mDNS host label */
        char inst[64];                  /* mDNS service instance name */
        uint8_t svc;
        bool sent_discover;
        uint32_t xid;
};

enum flow_state { F_FREE, F_SYN_SENT, F_EST, F_FIN1 };

struct flow {
        uint8_t state;
        bool ts;                        /* timestamps negotiated */
        bool client_closes;
        struct endpoint *c, *s;
        uint16_t cport, sport;
        uint32_t cseq, sseq, c_tsval, s_tsval;
        uint16_t cwin, swin;
        uint16_t mss;
        uint32_t budget;                /* data segments left */
};

/* What a frame is, for the summary offline.sh checks the tools against. */
enum kind { K_ARP, K_DHCP, K_MDNS, K_SYN, K_SYNACK, K_RST, K_FIN, K_DATA, K_MAX };

struct gen {
        uint64_t rng;
        FILE *out;
        uint64_t usec;                  /* capture clock */
        uint64_t bytes;
        uint64_t count[K_MAX];
        struct host hosts[N_HOSTS];
        struct endpoint remote[N_REMOTE];
        struct flow flows[N_FLOWS];
        uint16_t next_port;
        uint8_t frame[FRAME_MAX];
        uint8_t noise[NOISE_LEN];
};

/* gen-mixed.c */
uint64_t rnd64(struct gen *g);
uint32_t rnd(struct gen *g, uint32_t n);
void emit(struct gen *g, size_t len, enum kind k);
struct host *random_client(struct gen *g);

/* gen-frames.c: one frame each, appended with emit(). The TCP ones return
 * false, writing nothing, when there is no connection in the state they
 * need. */
void gen_arp(struct gen *g);
void gen_dhcp(struct gen *g);
void gen_mdns(struct gen *g);
bool gen_syn(struct gen *g);
bool gen_synack(struct gen *g);
bool gen_data(struct gen *g);

#endif
