/* arp.c - the ARP sweep (probe.h): RFC 826 requests for every planned
 * address, paced by the pacer, built by libnet.
 *
 * The libnet handle (an AF_PACKET socket) is opened before the privilege
 * drop and stays usable after it. libnet builds each frame (the ARP block is
 * updated in place for each target) and hands the bytes back; we send them
 * with sendto() ourselves so that ENOBUFS (the interface queue is full) is
 * seen for what it is: the pacer backs off and the same target goes out
 * later. arp-scan aborts there; a sweep must not.
 *
 * Answers are not read here: they come through the capture and the ARP
 * dissector, and the scan loop passes every (MAC, IPv4) binding an ARP frame
 * made to arp_sweep_seen(). Up to two MACs are kept per swept address. At
 * the end a MAC that answered for more than PROBE_PROXY_MIN_ADDRS swept
 * addresses is a proxy (a router with proxy ARP, or one host holding many
 * addresses): it stays one device, is flagged arp.proxy=<count>, and none
 * of those addresses counts as alive on its word. Every other answer makes
 * its address alive (arp.alive=<address> on the answering device).
 */
#include "netinv/probe.h"

#include <errno.h>
#include <linux/if_ether.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netinv/inventory.h"
#include "netinv/obs.h"
#include "rawlink.h"

#define ARP_HRD_ETHER   1       /* RFC 826; IANA ARP hardware type 1 */
#define ARP_OP_REQUEST  1       /* RFC 826 ar$op */
#define ARP_FRAME_MAX   64

struct arp_answer {
        uint8_t mac[2][6];
        uint8_t n;
        uint64_t ts;            /* first answer */
};

struct arp_sweep {
        struct rawlink link;
        libnet_ptag_t arp_tag, eth_tag;
        uint8_t sha[6];
        const struct probe_plan *plan;
        struct pacer pacer;
        bool started, finished;
        struct arp_answer *ans;         /* per target */
        uint64_t enobufs;
};

int arp_sweep_open(const char *ifname, struct arp_sweep **ret, char *why, size_t whylen)
{
        struct arp_sweep *s = calloc(1, sizeof(*s));
        if (!s) {
                snprintf(why, whylen, "out of memory");
                return -ENOMEM;
        }
        int r = rawlink_open(&s->link, ifname, why, whylen);
        if (r < 0) {
                free(s);
                return r;
        }
        *ret = s;
        return 0;
}

void arp_sweep_free(struct arp_sweep *s)
{
        if (!s)
                return;
        pacer_done(&s->pacer);
        free(s->ans);
        rawlink_close(&s->link);
        free(s);
}

int arp_sweep_frame(struct arp_sweep *s, const uint8_t sha[6], uint32_t spa, uint32_t tpa,
                    uint8_t *buf, size_t cap)
{
        static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
        static const uint8_t zero[6];
        uint8_t sp[4] = { spa >> 24, spa >> 16, spa >> 8, spa };
        uint8_t tp[4] = { tpa >> 24, tpa >> 16, tpa >> 8, tpa };

        /* RFC 826 request: target hardware address unknown (zero), sent to
         * the broadcast address. With spa 0 it is an RFC 5227 §2.1.1 probe. */
        s->arp_tag = libnet_build_arp(ARP_HRD_ETHER, ETHERTYPE_IP, 6, 4, ARP_OP_REQUEST, sha, sp,
                                      zero, tp, NULL, 0, s->link.l, s->arp_tag);
        if (s->arp_tag < 0)
                return -EINVAL;
        if (!s->eth_tag) {
                s->eth_tag = libnet_build_ethernet(bcast, sha, ETHERTYPE_ARP, NULL, 0, s->link.l, 0);
                if (s->eth_tag < 0) {
                        s->eth_tag = 0;
                        return -EINVAL;
                }
        }
        return rawlink_cull(&s->link, buf, cap);
}

int arp_sweep_start(struct arp_sweep *s, const uint8_t sha[6], const struct probe_plan *plan,
                    const struct pacer_cfg *cfg, uint64_t now)
{
        memcpy(s->sha, sha, 6);
        s->plan = plan;
        if (plan->n_targets) {
                s->ans = calloc(plan->n_targets, sizeof(*s->ans));
                if (!s->ans)
                        return -ENOMEM;
        }
        int r = pacer_init(&s->pacer, (uint32_t)plan->n_targets, cfg, now);
        if (r < 0)
                return r;
        s->started = true;
        return 0;
}

static int send_one(struct arp_sweep *s, const struct probe_target *t)
{
        uint8_t frame[ARP_FRAME_MAX];
        int len = arp_sweep_frame(s, s->sha, t->spa, t->ip, frame, sizeof(frame));
        if (len < 0)
                return len;
        static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
        return rawlink_send(&s->link, frame, (size_t)len, ETH_P_ARP, bcast);
}

int arp_sweep_run(struct arp_sweep *s, uint64_t now, uint64_t *ret_wake)
{
        uint32_t t;
        uint64_t until = now;

        if (!s->started || s->finished)
                return 1;
        for (;;) {
                switch (pacer_next(&s->pacer, now, &t, &until)) {
                case PACER_FINISHED:
                        s->finished = true;
                        return 1;
                case PACER_WAIT:
                        *ret_wake = until;
                        return 0;
                case PACER_SEND:
                        break;
                }
                int r = send_one(s, &s->plan->targets[t]);
                if (r == -ENOBUFS || r == -EAGAIN) {
                        s->enobufs++;
                        pacer_blocked(&s->pacer, now);
                        continue;
                }
                if (r < 0) {
                        s->finished = true;
                        return r;
                }
                pacer_sent(&s->pacer, t, now);
        }
}

void arp_sweep_seen(struct arp_sweep *s, const uint8_t mac[6], const uint8_t ip[4], uint64_t ts)
{
        if (!s || !s->started)
                return;
        uint32_t a = (uint32_t)ip[0] << 24 | (uint32_t)ip[1] << 16 | (uint32_t)ip[2] << 8 | ip[3];
        long i = probe_plan_find(s->plan, a);
        if (i < 0)
                return;         /* not ours to ask: welcome, but changes nothing here */
        struct arp_answer *an = &s->ans[i];
        for (uint8_t k = 0; k < an->n; k++)
                if (memcmp(an->mac[k], mac, 6) == 0)
                        goto answered;
        if (an->n < 2) {
                memcpy(an->mac[an->n], mac, 6);
                if (!an->n)
                        an->ts = ts;
                an->n++;
        }
answered:
        /* Answered (by itself or by a proxy: asking again would only bring
         * the same answer). */
        pacer_answered(&s->pacer, (uint32_t)i);
}

struct mac_ref {
        uint8_t mac[6];
        uint32_t count;
        uint64_t ts;            /* its first answer */
};

static int cmp_mac(const void *a, const void *b)
{
        return memcmp(a, b, 6);
}

/* Swept addresses each MAC answered for: a sorted array, one per MAC. */
static struct mac_ref *count_macs(const struct arp_sweep *s, size_t *ret_n)
{
        size_t n = 0, w = 0;
        for (size_t i = 0; i < s->plan->n_targets; i++)
                n += s->ans[i].n;
        struct mac_ref *m = calloc(n ? n : 1, sizeof(*m));
        if (!m)
                return NULL;
        n = 0;
        for (size_t i = 0; i < s->plan->n_targets; i++)
                for (uint8_t k = 0; k < s->ans[i].n; k++) {
                        memcpy(m[n].mac, s->ans[i].mac[k], 6);
                        m[n++].ts = s->ans[i].ts;
                }
        qsort(m, n, sizeof(*m), cmp_mac);
        for (size_t i = 0; i < n; i++) {
                if (w && memcmp(m[w - 1].mac, m[i].mac, 6) == 0) {
                        m[w - 1].count++;
                        if (m[i].ts < m[w - 1].ts)
                                m[w - 1].ts = m[i].ts;
                        continue;
                }
                m[w] = m[i];
                m[w++].count = 1;
        }
        *ret_n = w;
        return m;
}

static const struct mac_ref *find_mac(const struct mac_ref *m, size_t n, const uint8_t mac[6])
{
        return bsearch(mac, m, n, sizeof(*m), cmp_mac);
}

static int add_attr(struct inventory *inv, const uint8_t mac[6], const char *key, const char *val,
                    uint64_t ts)
{
        struct obs o = { .source = PROTO_ARP, .kind = OBS_ATTR, .key = key, .val = val,
                         .val_len = (uint16_t)strlen(val) };
        memcpy(o.mac, mac, 6);
        int r = inventory_add(inv, &o, ts);
        return r == -ENOMEM ? r : 0;
}

void arp_sweep_stats(const struct arp_sweep *s, struct arp_sweep_stats *ret)
{
        memset(ret, 0, sizeof(*ret));
        if (!s || !s->started)
                return;
        ret->targets = s->plan->n_targets;
        ret->sent = s->pacer.sent;
        ret->answered = s->pacer.n_answered;
        ret->enobufs = s->enobufs;
        for (size_t i = 0; i < s->plan->n_targets; i++)
                if (!s->pacer.answered[i] && !s->pacer.tries[i])
                        ret->unsent++;
}

int arp_sweep_results(struct arp_sweep *s, struct inventory *inv, struct arp_sweep_stats *ret)
{
        size_t n_macs = 0;
        char buf[24];
        int r = 0;

        arp_sweep_stats(s, ret);
        if (!s || !s->started)
                return 0;
        struct mac_ref *macs = count_macs(s, &n_macs);
        if (!macs)
                return -ENOMEM;
        for (size_t i = 0; i < n_macs && r == 0; i++) {
                if (macs[i].count <= PROBE_PROXY_MIN_ADDRS)
                        continue;
                ret->proxies++;
                snprintf(buf, sizeof(buf), "%u", macs[i].count);
                r = add_attr(inv, macs[i].mac, "arp.proxy", buf, macs[i].ts);
        }
        for (size_t i = 0; i < s->plan->n_targets && r == 0; i++) {
                const struct arp_answer *an = &s->ans[i];
                bool alive = false;
                uint32_t a = s->plan->targets[i].ip;
                snprintf(buf, sizeof(buf), "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255,
                         a & 255);
                for (uint8_t k = 0; k < an->n && r == 0; k++) {
                        const struct mac_ref *m = find_mac(macs, n_macs, an->mac[k]);
                        if (m && m->count > PROBE_PROXY_MIN_ADDRS)
                                continue;
                        alive = true;
                        r = add_attr(inv, an->mac[k], "arp.alive", buf, an->ts);
                }
                ret->alive += alive;
        }
        free(macs);
        return r;
}
