/* test-state.c - the persistent inventory (state/store.c, changes.c,
 * lock.c, print.c) on hand-built inventories.
 *
 * Merging and the changes it reports (new, gone, ip, hostname, os, eol,
 * mac); random-MAC linking by client id, DUID and name + fingerprint, and
 * the cases that must not link; forget and stale; the caps (devices,
 * histories); save → load giving the same state; every kind of broken file
 * refused with a one-line reason; the lock between two open descriptions;
 * the agent id; and a real capture (dhcpcd) replayed from a random MAC.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/state/internal.h"     /* state_file_limit */
#include "netinv/state.h"
#include "netinv/util.h"
#include "testlib.h"

#define S 1000000ull                    /* µs per second */
#define DAY (86400ull * S)
#define T0 (1763900000ull * S)          /* 2025-11-23 */

static const uint8_t macA[6] = { 0x3c, 0xd9, 0x2b, 0x00, 0x00, 0x05 };
static const uint8_t macB[6] = { 0x00, 0x11, 0x32, 0x00, 0x00, 0x06 };
static const uint8_t rnd1[6] = { 0x02, 0x5e, 0x10, 0x00, 0x00, 0x01 };
static const uint8_t rnd2[6] = { 0x6a, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t rnd3[6] = { 0xf6, 0x01, 0x02, 0x03, 0x04, 0x05 };
static const uint8_t rnd4[6] = { 0xae, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e };

static char tmpdir[] = "/tmp/netinv-test-state.XXXXXX";

static void add_ip(struct inventory *inv, const uint8_t mac[6], const char *ip, uint64_t ts)
{
        struct obs o = { .source = PROTO_ARP, .kind = OBS_IPV4 };
        memcpy(o.mac, mac, 6);
        t_ip4(ip, o.addr);
        CHECK_INT(inventory_add(inv, &o, ts), 0);
}

static void add_str(struct inventory *inv, const uint8_t mac[6], enum obs_kind kind,
                    const char *key, const char *val, uint64_t ts)
{
        struct obs o = { .source = PROTO_DHCP, .kind = (uint8_t)kind, .key = key, .val = val,
                         .val_len = (uint16_t)strlen(val) };
        memcpy(o.mac, mac, 6);
        CHECK_INT(inventory_add(inv, &o, ts), 0);
}

static const struct change *find_change(const struct change_list *l, enum change_kind k,
                                        const uint8_t mac[6])
{
        for (size_t i = 0; i < l->n; i++)
                if (l->c[i].kind == k && memcmp(l->c[i].mac, mac, 6) == 0)
                        return &l->c[i];
        return NULL;
}

static size_t count_kind(const struct change_list *l, enum change_kind k)
{
        size_t n = 0;
        for (size_t i = 0; i < l->n; i++)
                n += l->c[i].kind == k;
        return n;
}

/* Merge inv at now; the changes in *ch (freed first). */
static void merge(struct state *st, struct inventory *inv, uint64_t now, struct change_list *ch)
{
        change_list_done(ch);
        CHECK_INT(state_merge(st, inv, now, ch), 0);
        inventory_free(inv);
}

static char *doc_text(const struct state *st)
{
        cJSON *j = state_to_json(st);
        char *s = j ? cJSON_PrintUnformatted(j) : NULL;
        cJSON_Delete(j);
        return s;
}

static void test_merge_changes(void)
{
        struct state *st = state_new(0);
        struct change_list ch = { 0 };
        struct inventory *inv = inventory_new(0);

        add_ip(inv, macA, "198.18.0.5", T0 + 1 * S);
        add_str(inv, macA, OBS_HOSTNAME, NULL, "printer", T0 + 2 * S);
        add_ip(inv, macB, "198.18.0.6", T0 + 3 * S + 999);
        merge(st, inv, T0 + 10 * S + 123, &ch);
        CHECK_INT(st->n, 2);
        CHECK_INT(ch.n, 2);
        const struct change *c = find_change(&ch, CH_NEW, macA);
        CHECK(c && !c->before && c->after && strcmp(c->after, "198.18.0.5") == 0);
        CHECK(find_change(&ch, CH_NEW, macB) != NULL);
        struct state_device *a = state_find(st, macA);
        CHECK(a != NULL);
        if (!a)
                goto out;
        CHECK_INT(a->first_seen, T0 + 1 * S);
        CHECK_INT(a->last_seen, T0 + 2 * S);
        CHECK_INT(a->last_scan, T0 + 10 * S);           /* whole seconds */
        CHECK_INT(st->last_merge, T0 + 10 * S);
        CHECK_INT(state_find(st, macB)->last_seen, T0 + 3 * S);
        CHECK(!a->mac_random);
        CHECK_INT(a->n_macs, 1);

        /* Same again: nothing changed. */
        inv = inventory_new(0);
        add_ip(inv, macA, "198.18.0.5", T0 + 100 * S);
        add_str(inv, macA, OBS_HOSTNAME, NULL, "PRINTER", T0 + 100 * S);      /* case only */
        add_ip(inv, macB, "198.18.0.6", T0 + 100 * S);
        merge(st, inv, T0 + 110 * S, &ch);
        CHECK_INT(ch.n, 0);
        CHECK_INT(a->h[SH_HOSTNAME].n, 1);

        /* A new address and name for A; B silent: gone, once. */
        inv = inventory_new(0);
        add_ip(inv, macA, "198.18.0.7", T0 + 200 * S);
        add_str(inv, macA, OBS_HOSTNAME, NULL, "printer-2", T0 + 200 * S);
        merge(st, inv, T0 + 210 * S, &ch);
        CHECK_INT(ch.n, 3);
        c = find_change(&ch, CH_IP, macA);
        CHECK(c && c->before && c->after);
        if (c && c->before && c->after) {
                CHECK_STR(c->before, "198.18.0.5");
                CHECK_STR(c->after, "198.18.0.7");
        }
        c = find_change(&ch, CH_HOSTNAME, macA);
        CHECK(c && c->before && strcmp(c->before, "printer") == 0 && strcmp(c->after, "printer-2") == 0);
        c = find_change(&ch, CH_GONE, macB);
        CHECK(c && c->before && strcmp(c->before, "198.18.0.6") == 0 && !c->after);
        CHECK_STR(state_latest(&a->h[SH_IPV4])->v, "198.18.0.7");
        CHECK_INT(a->h[SH_IPV4].n, 2);

        /* Only part of the previous addresses seen: no ip change (a passive
         * scan need not hear every address); B still away: no second gone. */
        inv = inventory_new(0);
        add_ip(inv, macA, "198.18.0.7", T0 + 300 * S);
        merge(st, inv, T0 + 310 * S, &ch);
        CHECK_INT(ch.n, 0);

        /* B is back: its address is the same, so only... nothing but the
         * presence; it is not "new". */
        inv = inventory_new(0);
        add_ip(inv, macB, "198.18.0.6", T0 + 400 * S);
        merge(st, inv, T0 + 410 * S, &ch);
        CHECK(find_change(&ch, CH_NEW, macB) == NULL);
        CHECK(find_change(&ch, CH_GONE, macA) != NULL);

        /* The JSON of the changes. */
        cJSON *j = changes_json(&ch);
        CHECK(cJSON_IsArray(j) && cJSON_GetArraySize(j) == (int)ch.n);
        cJSON *g = cJSON_GetArrayItem(j, 0);
        CHECK(cJSON_IsString(cJSON_GetObjectItem(g, "kind")));
        CHECK(cJSON_IsString(cJSON_GetObjectItem(g, "mac")));
        CHECK(cJSON_GetObjectItem(g, "before") && cJSON_GetObjectItem(g, "after"));
        cJSON_Delete(j);
out:
        change_list_done(&ch);
        state_free(st);
}

/* The identification hook: os and eol from a table by MAC. */
struct ident_tab {
        const char *os, *eol;
};

static void ident_fn(const struct device *d, void *user, const char **os, const char **eol)
{
        const struct ident_tab *t = user;
        if (memcmp(d->mac, macA, 6) == 0) {
                *os = t->os;
                *eol = t->eol;
        }
}

static void test_os_eol(void)
{
        struct state *st = state_new(0);
        struct change_list ch = { 0 };
        struct ident_tab tab = { NULL, NULL };
        state_set_ident(st, ident_fn, &tab);

        struct inventory *inv = inventory_new(0);
        add_ip(inv, macA, "198.18.0.5", T0);
        merge(st, inv, T0, &ch);
        struct state_device *a = state_find(st, macA);
        CHECK_INT(a->identified, 0);

        tab = (struct ident_tab){ "Debian 12", "supported" };
        inv = inventory_new(0);
        add_ip(inv, macA, "198.18.0.5", T0 + DAY);
        merge(st, inv, T0 + DAY, &ch);
        CHECK_INT(ch.n, 2);
        const struct change *c = find_change(&ch, CH_OS, macA);
        CHECK(c && !c->before && c->after && strcmp(c->after, "Debian 12") == 0);
        c = find_change(&ch, CH_EOL, macA);
        CHECK(c && !c->before && c->after && strcmp(c->after, "supported") == 0);
        CHECK_INT(a->identified, T0 + DAY);

        /* Unidentified this time: no change, identity not confirmed. */
        tab = (struct ident_tab){ NULL, "" };
        inv = inventory_new(0);
        add_ip(inv, macA, "198.18.0.5", T0 + 2 * DAY);
        merge(st, inv, T0 + 2 * DAY, &ch);
        CHECK_INT(ch.n, 0);
        CHECK_INT(a->identified, T0 + DAY);

        tab = (struct ident_tab){ "Debian 12", "eol" };
        inv = inventory_new(0);
        add_ip(inv, macA, "198.18.0.5", T0 + 3 * DAY);
        merge(st, inv, T0 + 3 * DAY, &ch);
        CHECK_INT(ch.n, 1);
        c = find_change(&ch, CH_EOL, macA);
        CHECK(c && c->before && strcmp(c->before, "supported") == 0 && strcmp(c->after, "eol") == 0);

        tab = (struct ident_tab){ "Debian 13", "supported" };
        inv = inventory_new(0);
        add_ip(inv, macA, "198.18.0.5", T0 + 4 * DAY);
        merge(st, inv, T0 + 4 * DAY, &ch);
        c = find_change(&ch, CH_OS, macA);
        CHECK(c && c->before && strcmp(c->before, "Debian 12") == 0 &&
              strcmp(c->after, "Debian 13") == 0);
        CHECK_STR(state_latest(&a->h[SH_OS])->v, "Debian 13");
        CHECK_INT(a->h[SH_OS].n, 2);
        CHECK_INT(a->identified, T0 + 4 * DAY);
        change_list_done(&ch);
        state_free(st);
}

static void phone(struct inventory *inv, const uint8_t mac[6], const char *cid, const char *duid,
                  const char *name, const char *prl, uint64_t ts)
{
        add_ip(inv, mac, "198.18.0.50", ts);
        if (cid)
                add_str(inv, mac, OBS_ATTR, "dhcp.client_id", cid, ts);
        if (duid)
                add_str(inv, mac, OBS_ATTR, "dhcpv6.duid", duid, ts);
        if (name)
                add_str(inv, mac, OBS_HOSTNAME, NULL, name, ts);
        if (prl) {
                add_str(inv, mac, OBS_ATTR, "dhcp.prl", prl, ts);
                add_str(inv, mac, OBS_ATTR, "dhcp.vendor_class", "android-dhcp-14", ts);
        }
}

static void test_random_linking(void)
{
        struct state *st = state_new(0);
        struct change_list ch = { 0 };
        struct inventory *inv = inventory_new(0);

        CHECK(mac_is_random(rnd1) && mac_is_random(rnd2) && mac_is_random(rnd3));
        CHECK(!mac_is_random(macA));
        phone(inv, rnd1, "ff0011223344", NULL, NULL, NULL, T0);
        merge(st, inv, T0, &ch);
        CHECK_INT(st->n, 1);
        CHECK(st->dev[0]->mac_random);

        /* The same client id from another random MAC: the same device. */
        inv = inventory_new(0);
        phone(inv, rnd2, "ff0011223344", NULL, NULL, NULL, T0 + DAY);
        merge(st, inv, T0 + DAY, &ch);
        CHECK_INT(st->n, 1);
        CHECK_INT(ch.n, 1);
        const struct change *c = find_change(&ch, CH_MAC, rnd2);
        CHECK(c && c->before && strcmp(c->before, "02:5e:10:00:00:01") == 0 &&
              strcmp(c->after, "6a:11:22:33:44:55") == 0);
        struct state_device *d = state_find(st, rnd1);
        CHECK(d && d == state_find(st, rnd2));
        CHECK(d && d->n_macs == 2 && memcmp(d->mac, rnd2, 6) == 0);

        /* The old MAC again: found by its history, no link, no change. */
        inv = inventory_new(0);
        phone(inv, rnd1, "ff0011223344", NULL, NULL, NULL, T0 + 2 * DAY);
        merge(st, inv, T0 + 2 * DAY, &ch);
        CHECK_INT(st->n, 1);
        CHECK_INT(ch.n, 0);

        /* A DUID links too; a hostname + fingerprint links. */
        inv = inventory_new(0);
        phone(inv, rnd3, NULL, "000100012a2b3c4d0011", "alices-pixel", "1,3,6,15,26,28,51,58,59,43",
              T0 + 3 * DAY);
        merge(st, inv, T0 + 3 * DAY, &ch);
        CHECK_INT(st->n, 2);                            /* new: no evidence yet */
        inv = inventory_new(0);
        phone(inv, rnd4, NULL, "000100012a2b3c4d0011", NULL, NULL, T0 + 4 * DAY);
        merge(st, inv, T0 + 4 * DAY, &ch);
        CHECK_INT(st->n, 2);
        CHECK(find_change(&ch, CH_MAC, rnd4) != NULL);
        CHECK(state_find(st, rnd4) == state_find(st, rnd3));

        static const uint8_t rnd5[6] = { 0x12, 0, 0, 0, 0, 5 };
        inv = inventory_new(0);
        phone(inv, rnd5, NULL, NULL, "Alices-Pixel.local", "1,3,6,15,26,28,51,58,59,43",
              T0 + 5 * DAY);
        merge(st, inv, T0 + 5 * DAY, &ch);
        /* "Alices-Pixel.local" is not "alices-pixel": names are compared as
         * stored, without regard to case only. */
        CHECK_INT(st->n, 3);
        static const uint8_t rnd6[6] = { 0x12, 0, 0, 0, 0, 6 };
        inv = inventory_new(0);
        phone(inv, rnd6, NULL, NULL, "ALICES-PIXEL", "1,3,6,15,26,28,51,58,59,43", T0 + 6 * DAY);
        merge(st, inv, T0 + 6 * DAY, &ch);
        CHECK_INT(st->n, 3);
        CHECK(state_find(st, rnd6) == state_find(st, rnd3));

        /* Not linked: the name without the fingerprint; another fingerprint;
         * a generic name; a global MAC; two candidates. */
        static const uint8_t r7[6] = { 0x12, 0, 0, 0, 0, 7 }, r8[6] = { 0x12, 0, 0, 0, 0, 8 },
                             g1[6] = { 0x00, 0x1b, 0, 0, 0, 1 };
        inv = inventory_new(0);
        phone(inv, r7, NULL, NULL, "alices-pixel", NULL, T0 + 7 * DAY);
        phone(inv, r8, NULL, NULL, "alices-pixel", "1,3,6", T0 + 7 * DAY);
        phone(inv, g1, "ff0011223344", NULL, NULL, NULL, T0 + 7 * DAY);
        merge(st, inv, T0 + 7 * DAY, &ch);
        CHECK_INT(st->n, 6);
        CHECK_INT(count_kind(&ch, CH_NEW), 3);
        CHECK_INT(count_kind(&ch, CH_MAC), 0);

        static const uint8_t i1[6] = { 0x22, 0, 0, 0, 0, 1 }, i2[6] = { 0x22, 0, 0, 0, 0, 2 },
                             i3[6] = { 0x22, 0, 0, 0, 0, 3 };
        inv = inventory_new(0);
        phone(inv, i1, NULL, NULL, "iPhone", "1,121,3,6,15,108,114,119,252", T0 + 8 * DAY);
        merge(st, inv, T0 + 8 * DAY, &ch);
        inv = inventory_new(0);
        phone(inv, i2, NULL, NULL, "iPhone", "1,121,3,6,15,108,114,119,252", T0 + 9 * DAY);
        merge(st, inv, T0 + 9 * DAY, &ch);
        CHECK(state_find(st, i1) != state_find(st, i2));
        CHECK_INT(count_kind(&ch, CH_NEW), 1);
        /* r8's name and fingerprint now point at r8 only; r7 has no print.
         * Two devices with one client id (g1 and the phone): ambiguous. */
        inv = inventory_new(0);
        phone(inv, i3, "ff0011223344", NULL, NULL, NULL, T0 + 10 * DAY);
        merge(st, inv, T0 + 10 * DAY, &ch);
        CHECK_INT(count_kind(&ch, CH_NEW), 1);
        CHECK_INT(count_kind(&ch, CH_MAC), 0);

        /* A device already seen in this scan is not taken by another MAC. */
        static const uint8_t k1[6] = { 0x32, 0, 0, 0, 0, 1 }, k2[6] = { 0x32, 0, 0, 0, 0, 2 };
        inv = inventory_new(0);
        phone(inv, k1, "77aa", NULL, NULL, NULL, T0 + 11 * DAY);
        merge(st, inv, T0 + 11 * DAY, &ch);
        inv = inventory_new(0);
        phone(inv, k1, "77aa", NULL, NULL, NULL, T0 + 12 * DAY);
        phone(inv, k2, "77aa", NULL, NULL, NULL, T0 + 12 * DAY);
        merge(st, inv, T0 + 12 * DAY, &ch);
        CHECK(state_find(st, k1) != state_find(st, k2));
        CHECK(find_change(&ch, CH_NEW, k2) != NULL);
        change_list_done(&ch);
        state_free(st);
}

static void test_forget_stale_caps(void)
{
        struct state *st = state_new(3);
        struct change_list ch = { 0 };
        struct inventory *inv = inventory_new(0);
        static const uint8_t m[5][6] = { { 0, 1, 0, 0, 0, 1 }, { 0, 1, 0, 0, 0, 2 },
                                         { 0, 1, 0, 0, 0, 3 }, { 0, 1, 0, 0, 0, 4 },
                                         { 0, 1, 0, 0, 0, 5 } };
        add_ip(inv, m[0], "198.18.1.1", T0);
        add_ip(inv, m[1], "198.18.1.2", T0 + 40 * DAY);
        add_ip(inv, m[2], "198.18.1.3", T0 + 50 * DAY);
        merge(st, inv, T0 + 50 * DAY, &ch);
        CHECK_INT(st->n, 3);
        /* Full: a fourth device evicts the least recently seen (m0). */
        inv = inventory_new(0);
        add_ip(inv, m[3], "198.18.1.4", T0 + 60 * DAY);
        merge(st, inv, T0 + 60 * DAY, &ch);
        CHECK_INT(st->n, 3);
        CHECK(state_find(st, m[0]) == NULL);
        CHECK(state_find(st, m[3]) != NULL);
        CHECK_INT(st->stats.devices_evicted, 1);
        /* A scan with more than the cap keeps its own first devices. */
        inv = inventory_new(0);
        for (int i = 0; i < 5; i++)
                add_ip(inv, m[i], "198.18.1.9", T0 + 70 * DAY);
        merge(st, inv, T0 + 70 * DAY, &ch);
        CHECK_INT(st->n, 3);

        /* Stale: not seen for 30 days, or never identified since 30 days. */
        uint64_t now = T0 + 100 * DAY;
        struct state_device x = { .first_seen = now - 10 * DAY, .last_seen = now - DAY };
        CHECK(!state_device_stale(&x, now, 30));
        x.first_seen = now - 40 * DAY;
        CHECK(state_device_stale(&x, now, 30));         /* never identified */
        x.identified = now - 20 * DAY;
        CHECK(!state_device_stale(&x, now, 30));
        x.last_seen = now - 31 * DAY;
        CHECK(state_device_stale(&x, now, 30));
        CHECK(!state_device_stale(&x, now, 0));         /* 0: off */
        CHECK_INT(state_count_stale(st, T0 + 70 * DAY + 29 * DAY, 30), 0);
        CHECK_INT(state_count_stale(st, T0 + 70 * DAY + 31 * DAY, 30), 3);

        /* Forget: only what was not seen for that long. */
        CHECK_INT(state_forget(st, T0 + 70 * DAY, 0), 0);
        CHECK_INT(state_forget(st, T0 + 70 * DAY + 10 * DAY, 10), 0);
        CHECK_INT(state_forget(st, T0 + 70 * DAY + 10 * DAY + S, 10), 3);
        CHECK_INT(st->n, 0);

        /* Histories keep the 16 most recently seen values. */
        for (int i = 0; i < 20; i++) {
                char ip[32];
                snprintf(ip, sizeof(ip), "198.18.2.%d", i + 1);
                inv = inventory_new(0);
                add_ip(inv, m[0], ip, T0 + (uint64_t)(200 + i) * DAY);
                merge(st, inv, T0 + (uint64_t)(200 + i) * DAY, &ch);
        }
        struct state_device *d = state_find(st, m[0]);
        CHECK(d && d->h[SH_IPV4].n == STATE_HIST_MAX);
        CHECK_INT(st->stats.values_evicted, 4);
        CHECK_STR(state_latest(&d->h[SH_IPV4])->v, "198.18.2.20");
        for (unsigned i = 0; d && i < d->h[SH_IPV4].n; i++)
                CHECK(strcmp(d->h[SH_IPV4].e[i].v, "198.18.2.4") != 0);
        change_list_done(&ch);
        state_free(st);
}

static void test_save_load(void)
{
        struct state *st = state_new(0), *back = NULL;
        struct change_list ch = { 0 };
        struct ident_tab tab = { "Windows 10 22H2", "eol" };
        char err[512] = "", *a = NULL, *b = NULL;

        state_set_ident(st, ident_fn, &tab);
        /* Empty directory: an empty state. */
        CHECK_INT(state_load(tmpdir, 0, &back, err, sizeof(err)), 0);
        CHECK(back && back->n == 0);
        state_free(back);
        back = NULL;

        struct inventory *inv = inventory_new(0);
        add_ip(inv, macA, "198.18.0.5", T0 + 123456);
        add_str(inv, macA, OBS_HOSTNAME, NULL, "bad\xff\x01name", T0);     /* wire bytes */
        add_str(inv, macA, OBS_ATTR, "dhcp.client_id", "01aabbcc", T0);
        add_ip(inv, rnd1, "198.18.0.9", T0);
        merge(st, inv, T0 + 5 * S, &ch);
        inv = inventory_new(0);
        add_ip(inv, rnd1, "198.18.0.10", T0 + DAY);
        merge(st, inv, T0 + DAY, &ch);
        CHECK_INT(state_save(st, tmpdir, T0 + DAY), 0);
        CHECK_INT(state_load(tmpdir, 0, &back, err, sizeof(err)), 0);
        if (!back)
                goto out;
        back->created = st->created = 0;        /* save stamps these */
        back->updated = st->updated = 0;
        a = doc_text(st);
        b = doc_text(back);
        CHECK(a && b && strcmp(a, b) == 0);
        CHECK(strstr(b, "bad\\\\xff") != NULL);          /* made valid UTF-8 */

        /* Merging into the loaded state gives what merging into the
         * original does. */
        state_set_ident(back, ident_fn, &tab);
        struct change_list ch2 = { 0 };
        inv = inventory_new(0);
        add_ip(inv, macA, "198.18.0.77", T0 + 2 * DAY);
        CHECK_INT(state_merge(back, inv, T0 + 2 * DAY, &ch2), 0);
        merge(st, inv, T0 + 2 * DAY, &ch);
        CHECK_INT(ch.n, ch2.n);
        CHECK(find_change(&ch2, CH_IP, macA) && find_change(&ch2, CH_GONE, rnd1));
        change_list_done(&ch2);

        /* A save leaves no temporary file and replaces stale ones. */
        char p[512];
        snprintf(p, sizeof(p), "%s/state.json.tmp-dead", tmpdir);
        int fd = open(p, O_CREAT | O_WRONLY, 0600);
        CHECK(fd >= 0);
        if (fd >= 0)
                close(fd);
        CHECK_INT(state_save(st, tmpdir, T0 + 3 * DAY), 0);
        CHECK(access(p, F_OK) != 0);

        /* A state too big for the file limit keeps the most recently seen
         * devices that fit, and loads. */
        struct state *big = state_new(0);
        for (int i = 0; i < 200; i++) {
                uint8_t m[6] = { 0x00, 0x22, 0x00, 0x00, (uint8_t)(i >> 8), (uint8_t)i };
                char ip[32];
                snprintf(ip, sizeof(ip), "198.18.3.%d", i % 250);
                inv = inventory_new(0);
                add_ip(inv, m, ip, T0 + (uint64_t)i * S);
                merge(big, inv, T0 + (uint64_t)i * S, &ch);
        }
        state_file_limit = 20000;
        CHECK_INT(state_save(big, tmpdir, T0 + DAY), 0);
        CHECK_INT(big->n, 200);                         /* the caller's state is untouched */
        struct state *small = NULL;
        CHECK_INT(state_load(tmpdir, 0, &small, err, sizeof(err)), 0);
        CHECK(small && small->n > 10 && small->n < 200);
        static const uint8_t newest[6] = { 0x00, 0x22, 0x00, 0x00, 0x00, 199 };
        static const uint8_t oldest[6] = { 0x00, 0x22, 0x00, 0x00, 0x00, 0 };
        CHECK(small && state_find(small, newest) && !state_find(small, oldest));
        state_file_limit = STATE_FILE_MAX;
        state_free(small);
        state_free(big);
        CHECK_INT(state_save(st, tmpdir, T0 + 3 * DAY), 0);

        /* The printer's formats run and say what they should. */
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        struct state_print po = { .now = T0 + 3 * DAY, .stale_days = 183, .agent_id = "x" };
        for (int fmt = 0; fmt < 4; fmt++)
                CHECK_INT(state_print(f, fmt, st, &po), 0);
        fclose(f);
        CHECK(buf && strstr(buf, "3c:d9:2b:00:00:05") && strstr(buf, "Windows 10 22H2") &&
              strstr(buf, "\"schema\":\t\"netinv-inventory/1\"") && strstr(buf, "identified"));
        CHECK(buf && !strchr(buf, '\x01'));             /* escaped for the terminal */
        free(buf);
out:
        free(a);
        free(b);
        change_list_done(&ch);
        state_free(st);
        state_free(back);
}

static void test_broken_files(void)
{
        static const struct {
                const char *doc, *why;
        } cases[] = {
                { "", "not JSON" },
                { "{\"schema\":\"netinv-state/1\"", "not JSON" },
                { "[]", "not a netinv state file" },
                { "{\"schema\":\"netinv/1\",\"version\":1}", "not a netinv state file" },
                { "{\"schema\":\"netinv-state/1\",\"version\":2}", "version is not 1" },
                { "{\"schema\":\"netinv-state/1\",\"version\":1,\"created\":\"2026-11-23T14:02:58Z\"}",
                  "created/updated" },
                { "{\"schema\":\"netinv-state/1\",\"version\":1,\"created\":\"2026-11-23T14:02:58Z\","
                  "\"updated\":\"2026-11-23T14:02:58Z\",\"devices\":{}}", "devices: not a list" },
                { "{\"schema\":\"netinv-state/1\",\"version\":1,\"created\":\"2026-11-23T14:02:58Z\","
                  "\"updated\":\"2026-02-30T14:02:58Z\",\"devices\":[]}", "created/updated" },
                { "{\"schema\":\"netinv-state/1\",\"version\":1,\"created\":\"2026-11-23T14:02:58Z\","
                  "\"updated\":\"2026-11-23T14:02:58Z\",\"devices\":[{\"mac\":\"ff:ff:ff:ff:ff:ff\"}]}",
                  "device 0: mac" },
                { "{\"schema\":\"netinv-state/1\",\"version\":1,\"created\":\"2026-11-23T14:02:58Z\","
                  "\"updated\":\"2026-11-23T14:02:58Z\",\"devices\":[{\"mac\":\"00:11:22:33:44:55\","
                  "\"first_seen\":\"2026-11-23T14:02:59Z\",\"last_seen\":\"2026-11-23T14:02:58Z\"}]}",
                  "device 0: bad or missing" },
                { "{\"schema\":\"netinv-state/1\",\"version\":1,\"created\":\"2026-11-23T14:02:58Z\","
                  "\"updated\":\"2026-11-23T14:02:58Z\",\"devices\":[{\"mac\":\"00:11:22:33:44:55\","
                  "\"first_seen\":\"2026-11-23T14:02:58Z\",\"last_seen\":\"2026-11-23T14:02:58Z\","
                  "\"ipv4\":[{\"value\":\"1\"}]}]}", "device 0: ipv4: bad or missing time" },
                { "{\"schema\":\"netinv-state/1\",\"version\":1,\"created\":\"2026-11-23T14:02:58Z\","
                  "\"updated\":\"2026-11-23T14:02:58Z\",\"devices\":[{\"mac\":\"00:11:22:33:44:55\","
                  "\"first_seen\":\"2026-11-23T14:02:58Z\",\"last_seen\":\"2026-11-23T14:02:58Z\"},"
                  "{\"mac\":\"00:11:22:33:44:55\",\"first_seen\":\"2026-11-23T14:02:58Z\","
                  "\"last_seen\":\"2026-11-23T14:02:58Z\"}]}", "a MAC that device 0 has too" },
        };
        char err[512];
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct state *st = NULL;
                err[0] = '\0';
                int r = state_parse(cases[i].doc, strlen(cases[i].doc), 0, &st, err, sizeof(err));
                CHECK_INT(r, -EBADMSG);
                CHECK(st == NULL);
                if (!strstr(err, cases[i].why))
                        fprintf(stderr, "case %zu: '%s' lacks '%s'\n", i, err, cases[i].why);
                CHECK(strstr(err, cases[i].why) != NULL);
                CHECK(!strchr(err, '\n'));
        }
        /* A file with 17 history entries is over the cap. */
        char big[8192];
        size_t o = (size_t)snprintf(big, sizeof(big),
                "{\"schema\":\"netinv-state/1\",\"version\":1,\"created\":\"2026-11-23T14:02:58Z\","
                "\"updated\":\"2026-11-23T14:02:58Z\",\"devices\":[{\"mac\":\"00:11:22:33:44:55\","
                "\"first_seen\":\"2026-11-23T14:02:58Z\",\"last_seen\":\"2026-11-23T14:02:58Z\","
                "\"hostnames\":[");
        for (int i = 0; i < 17; i++)
                o += (size_t)snprintf(big + o, sizeof(big) - o,
                                      "%s{\"value\":\"h%d\",\"first_seen\":\"2026-11-23T14:02:58Z\","
                                      "\"last_seen\":\"2026-11-23T14:02:58Z\"}", i ? "," : "", i);
        snprintf(big + o, sizeof(big) - o, "]}]}");
        struct state *st = NULL;
        CHECK_INT(state_parse(big, strlen(big), 0, &st, err, sizeof(err)), -EBADMSG);
        CHECK(strstr(err, "more than 16") != NULL);

        /* On disk: the error names the file; set aside keeps the bytes. */
        char p[512], aside[512];
        snprintf(p, sizeof(p), "%s/state.json", tmpdir);
        FILE *f = fopen(p, "w");
        fputs("{garbage", f);
        fclose(f);
        CHECK_INT(state_load(tmpdir, 0, &st, err, sizeof(err)), -EBADMSG);
        CHECK(strstr(err, p) == err && strstr(err, "not JSON"));
        CHECK_INT(state_set_aside(tmpdir, T0, aside, sizeof(aside)), 0);
        CHECK(strstr(aside, "state.json.broken-20251123T") != NULL);
        CHECK(access(p, F_OK) != 0 && access(aside, R_OK) == 0);
        f = fopen(p, "w");
        fputs("{garbage", f);
        fclose(f);
        CHECK_INT(state_set_aside(tmpdir, T0, aside, sizeof(aside)), -EEXIST);  /* never replaced */
        unlink(p);
        CHECK_INT(state_load(tmpdir, 0, &st, err, sizeof(err)), 0);
        state_free(st);
}

static void test_lock_and_id(void)
{
        int fd1 = -1, fd2 = -1;
        long pid = -1;
        CHECK_INT(state_lock(tmpdir, &fd1, NULL), 0);
        CHECK_INT(state_lock(tmpdir, &fd2, &pid), -EWOULDBLOCK);
        CHECK_INT(pid, getpid());
        CHECK_INT(fd2, -1);
        state_unlock(fd1);
        CHECK_INT(state_lock(tmpdir, &fd2, &pid), 0);
        state_unlock(fd2);
        CHECK_INT(state_lock("/nonexistent/dir", &fd1, &pid), -ENOENT);

        char id1[40], id2[40], p[512];
        CHECK_INT(state_agent_id(tmpdir, id1, sizeof(id1)), 0);
        CHECK_INT(strlen(id1), 36);
        CHECK_INT(state_agent_id(tmpdir, id2, sizeof(id2)), 0);
        CHECK_STR(id2, id1);
        snprintf(p, sizeof(p), "%s/agent-id", tmpdir);
        FILE *f = fopen(p, "w");
        fputs("not-a-uuid\n", f);
        fclose(f);
        CHECK_INT(state_agent_id(tmpdir, id2, sizeof(id2)), -EBADMSG);
        unlink(p);
        CHECK_INT(state_agent_id(tmpdir, id2, sizeof(id2)), 0);
        CHECK(strcmp(id2, id1) != 0);
}

/* The frames of a real capture into an inventory, with every copy of the
 * 6-byte MAC `from` (Ethernet source, chaddr, inside a DUID) replaced by
 * `to`, and `name` replaced by `newname` (same length) when given. */
static struct inventory *capture_inventory(const struct t_frames *fr, const uint8_t from[6],
                                           const uint8_t to[6], const char *name,
                                           const char *newname)
{
        static struct obs_sink sink;
        struct inventory *inv = inventory_new(0);
        for (size_t i = 0; inv && i < fr->n; i++) {
                uint8_t *b = malloc(fr->f[i].len);
                if (!b)
                        break;
                memcpy(b, fr->f[i].data, fr->f[i].len);
                for (size_t k = 0; k + 6 <= fr->f[i].len; k++)
                        if (memcmp(b + k, from, 6) == 0)
                                memcpy(b + k, to, 6);
                size_t nl = name ? strlen(name) : 0;
                for (size_t k = 0; name && k + nl <= fr->f[i].len; k++)
                        if (memcmp(b + k, name, nl) == 0)
                                memcpy(b + k, newname, nl);
                t_dissect(b, fr->f[i].len, &sink);
                CHECK(inventory_add_sink(inv, &sink, fr->f[i].ts) >= 0);
                free(b);
        }
        return inv;
}

/* dhcpcd's DISCOVERs (dhcp-dhcpcd.pcap: host name rpi-sensor, a
 * DUID-LLT client id that holds the MAC): the same frames from a random
 * MAC link by name + fingerprint (the client id changed with the MAC);
 * with another name they do not. */
static void test_real_capture(void)
{
        static const uint8_t pi[6] = { 0xb8, 0x27, 0xeb, 0x00, 0x00, 0x04 };
        static const uint8_t r1[6] = { 0x02, 0x00, 0x5e, 0xaa, 0xbb, 0xcc };
        static const uint8_t r2[6] = { 0x0a, 0x00, 0x5e, 0xaa, 0xbb, 0xdd };
        struct t_frames fr = { 0 };
        struct change_list ch = { 0 };
        if (t_load_pcap(t_capture("dhcp-dhcpcd.pcap"), &fr) < 0)
                return;
        struct state *st = state_new(0);
        merge(st, capture_inventory(&fr, pi, pi, NULL, NULL), T0, &ch);
        CHECK_INT(st->n, 1);
        CHECK(find_change(&ch, CH_NEW, pi) != NULL);
        struct state_device *d = state_find(st, pi);
        CHECK(d != NULL);
        if (!d)
                goto out;
        CHECK_STR(state_latest(&d->h[SH_HOSTNAME])->v, "rpi-sensor");
        CHECK_INT(d->h[SH_CLIENT_ID].n, 1);
        CHECK_INT(d->h[SH_FINGERPRINT].n, 1);
        CHECK(strstr(state_latest(&d->h[SH_FINGERPRINT])->v, "|dhcpcd") != NULL);
        char cid[STATE_VALUE_MAX + 1];
        snprintf(cid, sizeof(cid), "%s", state_latest(&d->h[SH_CLIENT_ID])->v);

        merge(st, capture_inventory(&fr, pi, r1, NULL, NULL), T0 + DAY, &ch);
        CHECK_INT(st->n, 1);
        CHECK_INT(ch.n, 1);
        const struct change *c = find_change(&ch, CH_MAC, r1);
        CHECK(c && strcmp(c->before, "b8:27:eb:00:00:04") == 0);
        CHECK(state_find(st, r1) == d && d->n_macs == 2 && d->mac_random);
        CHECK_INT(d->h[SH_CLIENT_ID].n, 2);                     /* the DUID held the MAC */
        CHECK(strcmp(state_latest(&d->h[SH_CLIENT_ID])->v, cid) != 0);

        merge(st, capture_inventory(&fr, pi, r2, "rpi-sensor", "rpi-camera"), T0 + 2 * DAY, &ch);
        CHECK_INT(st->n, 2);
        CHECK(find_change(&ch, CH_NEW, r2) != NULL);
        CHECK(find_change(&ch, CH_GONE, r1) != NULL);
out:
        change_list_done(&ch);
        state_free(st);
        t_frames_free(&fr);
}

/* The begin/end of a writing run: directory made, lock held, agent id,
 * a broken state moved aside with the reason, a second run refused. */
static void test_run(void)
{
        char dir[600], err[1024] = "", p[700];
        struct state_run r, r2;
        snprintf(dir, sizeof(dir), "%s/run", tmpdir);
        CHECK_INT(state_run_begin(dir, 0, T0, &r, err, sizeof(err)), 0);
        CHECK(r.st && r.st->n == 0 && strlen(r.agent_id) == 36 && !r.set_aside);
        CHECK_INT(state_run_begin(dir, 0, T0, &r2, err, sizeof(err)), -EWOULDBLOCK);
        char want[800];
        snprintf(want, sizeof(want), "another netinv run (pid %ld) is using '%s'; try again later",
                 (long)getpid(), dir);
        CHECK_STR(err, want);
        struct inventory *inv = inventory_new(0);
        add_ip(inv, macA, "198.18.0.5", T0);
        struct change_list ch = { 0 };
        merge(r.st, inv, T0, &ch);
        change_list_done(&ch);
        CHECK_INT(state_run_end(&r, true, T0, err, sizeof(err)), 0);
        CHECK_INT(r.lock_fd, -1);

        /* What a scan document gains. */
        struct state *s1 = state_new(0);
        inv = inventory_new(0);
        add_ip(inv, macA, "198.18.0.5", T0);
        merge(s1, inv, T0, &ch);
        cJSON *doc = cJSON_Parse("{\"schema\":\"netinv/1\",\"agent\":{\"hostname\":\"h\"}}");
        CHECK_INT(state_annotate_json(doc, &ch, s1, T0 + 200 * DAY, 183, "id-1", "HQ"), 0);
        char *txt = cJSON_PrintUnformatted(doc);
        CHECK_STR(txt, "{\"schema\":\"netinv/1\",\"agent\":{\"hostname\":\"h\",\"id\":\"id-1\","
                       "\"site\":\"HQ\"},\"scan\":{\"stale\":{\"days\":183,\"devices\":1}},"
                       "\"changes\":[{\"kind\":\"new\",\"mac\":\"3c:d9:2b:00:00:05\","
                       "\"before\":null,\"after\":\"198.18.0.5\"}]}");
        free(txt);
        cJSON_Delete(doc);
        change_list_done(&ch);
        state_free(s1);

        CHECK_INT(state_run_begin(dir, 0, T0, &r, err, sizeof(err)), 0);
        CHECK(r.st && r.st->n == 1);
        char id[40];
        snprintf(id, sizeof(id), "%s", r.agent_id);
        CHECK_INT(state_run_end(&r, false, T0, err, sizeof(err)), 0);

        snprintf(p, sizeof(p), "%s/state.json", dir);
        FILE *f = fopen(p, "w");
        fputs("{\"schema\":\"netinv-state/1\",\"version\":7}", f);
        fclose(f);
        err[0] = '\0';
        CHECK_INT(state_run_begin(dir, 0, T0, &r, err, sizeof(err)), 0);
        CHECK(r.set_aside && r.st && r.st->n == 0);
        snprintf(want, sizeof(want), "%s: version is not 1", p);
        CHECK_STR(err, want);
        CHECK(strstr(r.aside, "/run/state.json.broken-") != NULL && access(r.aside, R_OK) == 0);
        CHECK_STR(r.agent_id, id);
        CHECK_INT(state_run_end(&r, true, T0, err, sizeof(err)), 0);
        struct state *st = NULL;
        CHECK_INT(state_load(dir, 0, &st, err, sizeof(err)), 0);
        state_free(st);
}

int main(void)
{
        if (!mkdtemp(tmpdir)) {
                perror("mkdtemp");
                return 1;
        }
        test_merge_changes();
        test_os_eol();
        test_random_linking();
        test_forget_stale_caps();
        test_save_load();
        test_broken_files();
        test_lock_and_id();
        test_real_capture();
        test_run();
        char cmd[600];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
                fprintf(stderr, "could not remove %s\n", tmpdir);
        return t_done();
}
