/* test-inventory.c - the device table (inventory/device.c).
 *
 * Merging: addresses and hostnames deduplicated per device (names without
 * regard to case or a trailing root dot), attributes by (source, key, value)
 * with a count and first/last sight. Bounds: DEV_MAX_IPV4/IPV6/HOSTNAMES/OBS
 * per device and max_devices overall, every refusal counted in the stats.
 * Non-unicast MACs are never devices. Sorting orders by MAC and keeps
 * inventory_find working.
 */
#include <errno.h>
#include <stdlib.h>

#include "netinv/inventory.h"
#include "testlib.h"

static const uint8_t macA[6] = { 0x3c, 0xd9, 0x2b, 0x00, 0x00, 0x05 };
static const uint8_t macB[6] = { 0x00, 0x11, 0x32, 0x00, 0x00, 0x06 };

static struct obs mk_ipv4(const uint8_t mac[6], enum proto src, const char *ip)
{
        struct obs o = { .source = (uint8_t)src, .kind = OBS_IPV4 };
        memcpy(o.mac, mac, 6);
        t_ip4(ip, o.addr);
        return o;
}

static struct obs mk_ipv6(const uint8_t mac[6], enum proto src, const char *ip)
{
        struct obs o = { .source = (uint8_t)src, .kind = OBS_IPV6 };
        memcpy(o.mac, mac, 6);
        t_ip6(ip, o.addr);
        return o;
}

static struct obs mk_str(const uint8_t mac[6], enum proto src, enum obs_kind kind,
                         const char *key, const char *val, size_t len)
{
        struct obs o = { .source = (uint8_t)src, .kind = (uint8_t)kind, .key = key, .val = val,
                         .val_len = (uint16_t)len };
        memcpy(o.mac, mac, 6);
        return o;
}

static struct obs mk_host(const uint8_t mac[6], enum proto src, const char *name)
{
        return mk_str(mac, src, OBS_HOSTNAME, NULL, name, strlen(name));
}

static struct obs mk_attr(const uint8_t mac[6], enum proto src, const char *key, const char *v)
{
        return mk_str(mac, src, OBS_ATTR, key, v, strlen(v));
}

static void test_merge(void)
{
        struct inventory *inv = inventory_new(0);
        CHECK(inv != NULL);
        if (!inv)
                return;
        CHECK_INT(inventory_count(inv), 0);
        CHECK(inventory_find(inv, macA) == NULL);
        CHECK(inventory_get(inv, 0) == NULL);

        struct obs o = mk_ipv4(macA, PROTO_ARP, "198.18.1.5");
        CHECK_INT(inventory_add(inv, &o, 2000), 0);
        CHECK_INT(inventory_add(inv, &o, 3000), 0);     /* same address again */
        o = mk_ipv4(macA, PROTO_MDNS, "198.18.1.5");    /* same, other source */
        CHECK_INT(inventory_add(inv, &o, 1000), 0);     /* earlier frame, out of order */
        o = mk_ipv6(macA, PROTO_NDP, "fe80::3ed9:2bff:fe00:5");
        CHECK_INT(inventory_add(inv, &o, 2500), 0);
        inventory_add(inv, &o, 2600);

        CHECK_INT(inventory_count(inv), 1);
        struct device *d = inventory_find(inv, macA);
        CHECK(d != NULL);
        if (!d)
                goto out;
        CHECK(d == inventory_get(inv, 0));
        CHECK(memcmp(d->mac, macA, 6) == 0);
        CHECK_INT(d->n_ipv4, 1);
        CHECK_INT(d->n_ipv6, 1);
        CHECK_INT(d->first_seen, 1000);
        CHECK_INT(d->last_seen, 3000);
        CHECK_INT(d->sources, (1u << PROTO_ARP) | (1u << PROTO_MDNS) | (1u << PROTO_NDP));
        CHECK(d->vendor == NULL);
        CHECK_INT(d->n_obs, 0);                 /* addresses are not observations */

        /* Attributes: identical ones are counted, not stored twice. */
        o = mk_attr(macA, PROTO_MDNS, "mdns.txt", "ty=HP LaserJet Pro M404");
        CHECK_INT(inventory_add(inv, &o, 5000), 0);
        CHECK_INT(inventory_add(inv, &o, 7000), 0);
        CHECK_INT(inventory_add(inv, &o, 4000), 0);     /* an earlier frame seen late */
        CHECK_INT(inventory_add(inv, &o, 6000), 0);
        CHECK_INT(d->n_obs, 1);
        const struct dev_obs *e = &d->obs[0];
        CHECK_INT(e->count, 4);
        CHECK_INT(e->first_seen, 4000);
        CHECK_INT(e->last_seen, 7000);
        CHECK_STR(e->key, "mdns.txt");
        CHECK_STR(e->value, "ty=HP LaserJet Pro M404");
        CHECK_INT(e->source, PROTO_MDNS);
        /* Differs in source, key, value, length: each a new observation. */
        o = mk_attr(macA, PROTO_SSDP, "mdns.txt", "ty=HP LaserJet Pro M404");
        inventory_add(inv, &o, 8000);
        o = mk_attr(macA, PROTO_MDNS, "mdns.srv", "ty=HP LaserJet Pro M404");
        inventory_add(inv, &o, 8000);
        o = mk_attr(macA, PROTO_MDNS, "mdns.txt", "ty=HP LaserJet Pro M405");
        inventory_add(inv, &o, 8000);
        o = mk_attr(macA, PROTO_MDNS, "mdns.txt", "ty=HP LaserJet Pro M40");
        inventory_add(inv, &o, 8000);
        CHECK_INT(d->n_obs, 5);
        CHECK_INT(d->obs[0].count, 4);
        CHECK_INT(d->obs[4].count, 1);
        CHECK_STR(d->obs[4].value, "ty=HP LaserJet Pro M40");
        CHECK_INT(d->obs[4].first_seen, 8000);
        CHECK_INT(d->last_seen, 8000);
        /* The same key compared by content, not by pointer. */
        char key[] = "mdns.txt";
        o = mk_attr(macA, PROTO_MDNS, key, "ty=HP LaserJet Pro M404");
        inventory_add(inv, &o, 8000);
        CHECK_INT(d->n_obs, 5);
        CHECK_INT(d->obs[0].count, 5);
        /* Values with NUL bytes are kept whole and compared whole. */
        o = mk_str(macA, PROTO_LLDP, OBS_ATTR, "lldp.x", "a\0b", 3);
        inventory_add(inv, &o, 9000);
        o = mk_str(macA, PROTO_LLDP, OBS_ATTR, "lldp.x", "a\0c", 3);
        inventory_add(inv, &o, 9000);
        CHECK_INT(d->n_obs, 7);
        CHECK_INT(d->obs[5].len, 3);
        CHECK(memcmp(d->obs[5].value, "a\0b", 4) == 0);
        /* An attribute without a key is not stored. */
        o = mk_str(macA, PROTO_LLDP, OBS_ATTR, NULL, "v", 1);
        CHECK_INT(inventory_add(inv, &o, 9000), 0);
        CHECK_INT(d->n_obs, 7);
out:
        inventory_free(inv);
}

/* A capture timestamp of 0 (1970) is a time like any other. */
static void test_time_zero(void)
{
        struct inventory *inv = inventory_new(4);
        struct obs o = mk_ipv4(macB, PROTO_ARP, "198.18.1.6");
        inventory_add(inv, &o, 0);
        inventory_add(inv, &o, 5);
        struct device *d = inventory_find(inv, macB);
        CHECK(d && d->first_seen == 0 && d->last_seen == 5);
        inventory_free(inv);
}

static void test_hostnames(void)
{
        struct inventory *inv = inventory_new(16);
        struct obs o = mk_host(macA, PROTO_MDNS, "lab-printer.local.");
        inventory_add(inv, &o, 1);
        o = mk_host(macA, PROTO_DHCP, "LAB-Printer.Local");
        inventory_add(inv, &o, 2);
        o = mk_host(macA, PROTO_DNS, "lab-printer.local..");
        inventory_add(inv, &o, 3);
        o = mk_host(macA, PROTO_DHCP, "lab-printer");
        inventory_add(inv, &o, 4);
        o = mk_host(macA, PROTO_DHCP, ".");             /* the root: no name */
        inventory_add(inv, &o, 5);
        o = mk_str(macA, PROTO_DHCP, OBS_HOSTNAME, NULL, "evil\0name", 9);
        inventory_add(inv, &o, 6);                      /* NUL inside: not a name */
        struct device *d = inventory_find(inv, macA);
        CHECK(d != NULL);
        if (d) {
                CHECK_INT(d->n_hostnames, 2);
                CHECK_STR(d->hostnames[0], "lab-printer.local");   /* dot stripped, first case kept */
                CHECK_STR(d->hostnames[1], "lab-printer");
                CHECK_INT(d->sources, (1u << PROTO_MDNS) | (1u << PROTO_DHCP) | (1u << PROTO_DNS));
        }
        CHECK_INT(inventory_stats(inv)->hostnames_dropped, 0);
        inventory_free(inv);
}

static void test_device_caps(void)
{
        struct inventory *inv = inventory_new(16);
        char buf[64];
        struct obs o;
        int enospc = 0;

        for (unsigned i = 0; i < DEV_MAX_IPV4 + 3; i++) {
                snprintf(buf, sizeof(buf), "198.18.2.%u", i);
                o = mk_ipv4(macB, PROTO_ARP, buf);
                enospc += inventory_add(inv, &o, 1) == -ENOSPC;
        }
        o = mk_ipv4(macB, PROTO_ARP, "198.18.2.0");     /* known one: no refusal */
        CHECK_INT(inventory_add(inv, &o, 1), 0);
        for (unsigned i = 0; i < DEV_MAX_IPV6 + 2; i++) {
                snprintf(buf, sizeof(buf), "2001:db8::%x", i + 1);
                o = mk_ipv6(macB, PROTO_NDP, buf);
                enospc += inventory_add(inv, &o, 1) == -ENOSPC;
        }
        for (unsigned i = 0; i < DEV_MAX_HOSTNAMES + 4; i++) {
                snprintf(buf, sizeof(buf), "host-%u", i);
                o = mk_host(macB, PROTO_DHCP, buf);
                enospc += inventory_add(inv, &o, 1) == -ENOSPC;
        }
        o = mk_host(macB, PROTO_DHCP, "HOST-0.");       /* a known one */
        CHECK_INT(inventory_add(inv, &o, 1), 0);
        static char vals[DEV_MAX_OBS + 5][16];
        for (unsigned i = 0; i < DEV_MAX_OBS + 5; i++) {
                snprintf(vals[i], sizeof(vals[i]), "v%u", i);
                o = mk_attr(macB, PROTO_SSDP, "ssdp.server", vals[i]);
                enospc += inventory_add(inv, &o, 1) == -ENOSPC;
        }
        /* A repeat of a stored observation is still counted at the cap. */
        o = mk_attr(macB, PROTO_SSDP, "ssdp.server", "v0");
        CHECK_INT(inventory_add(inv, &o, 2), 0);

        struct device *d = inventory_find(inv, macB);
        CHECK(d != NULL);
        if (d) {
                CHECK_INT(d->n_ipv4, DEV_MAX_IPV4);
                CHECK_INT(d->n_ipv6, DEV_MAX_IPV6);
                CHECK_INT(d->n_hostnames, DEV_MAX_HOSTNAMES);
                CHECK_INT(d->n_obs, DEV_MAX_OBS);
                CHECK_STR(d->hostnames[DEV_MAX_HOSTNAMES - 1], "host-7");
                CHECK_STR(d->obs[DEV_MAX_OBS - 1].value, "v255");
                CHECK_INT(d->obs[0].count, 2);
                CHECK_INT(d->obs[0].last_seen, 2);
        }
        const struct inventory_stats *st = inventory_stats(inv);
        CHECK_INT(st->addresses_dropped, 3 + 2);
        CHECK_INT(st->hostnames_dropped, 4);
        CHECK_INT(st->observations_dropped, 5);
        CHECK_INT(st->devices_dropped, 0);
        CHECK_INT(enospc, 3 + 2 + 4 + 5);
        inventory_free(inv);
}

static void test_not_devices(void)
{
        struct inventory *inv = inventory_new(16);
        static const uint8_t zero[6], bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
                             mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb },
                             v6mc[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
        struct obs o = mk_ipv4(zero, PROTO_ARP, "198.18.0.9");
        CHECK_INT(inventory_add(inv, &o, 1), 0);
        o = mk_ipv4(bcast, PROTO_ARP, "198.18.0.9");
        inventory_add(inv, &o, 1);
        o = mk_host(mcast, PROTO_MDNS, "x.local");
        inventory_add(inv, &o, 1);
        o = mk_attr(v6mc, PROTO_NDP, "ndp.x", "y");
        inventory_add(inv, &o, 1);
        o = mk_ipv4(macA, PROTO_MAX, "198.18.0.9");     /* no such source */
        inventory_add(inv, &o, 1);
        CHECK_INT(inventory_count(inv), 0);
        const struct inventory_stats *st = inventory_stats(inv);
        CHECK_INT(st->devices_dropped + st->addresses_dropped + st->observations_dropped, 0);
        inventory_free(inv);
}

static void forged_mac(uint32_t i, uint8_t mac[6])
{
        /* Spread over the whole space, unicast, globally administered. */
        uint32_t h = i * 2654435761u;
        mac[0] = (uint8_t)((h >> 24) & 0xfc);
        mac[1] = (uint8_t)(h >> 16);
        mac[2] = (uint8_t)(h >> 8);
        mac[3] = (uint8_t)(i >> 16);
        mac[4] = (uint8_t)(i >> 8);
        mac[5] = (uint8_t)i;
        if (!mac[0] && !mac[1] && !mac[2] && !mac[3] && !mac[4] && !mac[5])
                mac[5] = 1;
}

/* A flood of forged source MACs: the table stops at max_devices, counts the
 * rest, and every kept device can still be found. */
static void test_max_devices(void)
{
        const uint32_t flood = 70000;
        struct inventory *inv = inventory_new(0);       /* default cap */
        uint8_t mac[6];
        int refused = 0;

        for (uint32_t i = 0; i < flood; i++) {
                forged_mac(i, mac);
                struct obs o = mk_ipv4(mac, PROTO_ARP, "198.18.0.1");
                int r = inventory_add(inv, &o, 1000 + i);
                if (r == -ENOSPC)
                        refused++;
                else if (r < 0)
                        break;
        }
        CHECK_INT(inventory_count(inv), INV_MAX_DEVICES_DEFAULT);
        CHECK_INT(refused, flood - INV_MAX_DEVICES_DEFAULT);
        CHECK_INT(inventory_stats(inv)->devices_dropped, flood - INV_MAX_DEVICES_DEFAULT);
        /* Observations about devices already known still merge. */
        forged_mac(5, mac);
        struct obs o = mk_host(mac, PROTO_DHCP, "still-here");
        CHECK_INT(inventory_add(inv, &o, 99999999), 0);
        CHECK_INT(inventory_stats(inv)->devices_dropped, flood - INV_MAX_DEVICES_DEFAULT);
        struct device *d = inventory_find(inv, mac);
        CHECK(d && d->n_hostnames == 1);
        forged_mac(flood - 1, mac);                     /* refused one */
        CHECK(inventory_find(inv, mac) == NULL);

        inventory_sort(inv);
        bool sorted = true, found = true;
        for (size_t i = 1; i < inventory_count(inv); i++)
                sorted = sorted && memcmp(inventory_get(inv, i - 1)->mac,
                                          inventory_get(inv, i)->mac, 6) < 0;
        CHECK(sorted);
        for (uint32_t i = 0; i < INV_MAX_DEVICES_DEFAULT; i += 97) {
                forged_mac(i, mac);
                d = inventory_find(inv, mac);
                found = found && d && memcmp(d->mac, mac, 6) == 0 && d->first_seen == 1000 + i;
        }
        CHECK(found);
        inventory_free(inv);

        /* A small explicit cap, through whole sinks. */
        inv = inventory_new(3);
        struct obs_sink *s = calloc(1, sizeof(*s));
        for (uint32_t i = 0; i < 5; i++) {
                forged_mac(i, mac);
                obs_ipv4(s, mac, PROTO_ARP, (const uint8_t[4]){ 198, 18, 0, (uint8_t)i });
                obs_hostname(s, mac, PROTO_DHCP, "h", 1);
        }
        CHECK_INT(inventory_add_sink(inv, s, 1), -ENOSPC);
        CHECK_INT(inventory_count(inv), 3);
        CHECK_INT(inventory_stats(inv)->devices_dropped, 4);    /* 2 devices x 2 obs */
        free(s);
        inventory_free(inv);
}

static void test_sink_drops(void)
{
        struct inventory *inv = inventory_new(16);
        struct obs_sink *s = calloc(1, sizeof(*s));
        uint8_t ip[4] = { 198, 18, 3, 0 };
        for (unsigned i = 0; i < OBS_PER_FRAME_MAX + 7; i++) {
                ip[3] = (uint8_t)i;
                obs_ipv4(s, macA, PROTO_ARP, ip);
        }
        CHECK_INT(inventory_add_sink(inv, s, 1), -ENOSPC);      /* DEV_MAX_IPV4 too */
        const struct inventory_stats *st = inventory_stats(inv);
        CHECK_INT(st->observations_dropped, 7);
        CHECK_INT(st->addresses_dropped, OBS_PER_FRAME_MAX - DEV_MAX_IPV4);
        free(s);
        inventory_free(inv);
}

static void test_sort_find(void)
{
        static const uint8_t macs[][6] = {
                { 0xb8, 0x27, 0xeb, 0x00, 0x00, 0x04 }, { 0x02, 0x4e, 0x4c, 0xff, 0x00, 0x01 },
                { 0x50, 0xc7, 0xbf, 0x00, 0x00, 0x01 }, { 0x00, 0x15, 0x5d, 0x00, 0x00, 0x07 },
                { 0xf8, 0xbc, 0x12, 0x00, 0x00, 0x02 }, { 0x00, 0x11, 0x32, 0x00, 0x00, 0x06 },
        };
        static const int order[] = { 5, 3, 1, 2, 0, 4 };
        const size_t n = sizeof(macs) / sizeof(macs[0]);
        struct inventory *inv = inventory_new(16);
        for (size_t i = 0; i < n; i++) {
                struct obs o = mk_ipv4(macs[i], PROTO_ARP, "198.18.0.50");
                inventory_add(inv, &o, 10 + i);
        }
        /* Before sorting: order of first sight. */
        for (size_t i = 0; i < n; i++)
                CHECK(memcmp(inventory_get(inv, i)->mac, macs[i], 6) == 0);
        inventory_sort(inv);
        CHECK_INT(inventory_count(inv), n);
        for (size_t i = 0; i < n; i++) {
                const struct device *d = inventory_get(inv, i);
                CHECK(memcmp(d->mac, macs[order[i]], 6) == 0);
                CHECK_INT(d->first_seen, 10 + order[i]);
        }
        for (size_t i = 0; i < n; i++) {
                const struct device *d = inventory_find(inv, macs[i]);
                CHECK(d && memcmp(d->mac, macs[i], 6) == 0);
        }
        /* Adding after a sort still finds the old devices and adds new ones. */
        struct obs o = mk_ipv4(macs[0], PROTO_ARP, "198.18.0.51");
        inventory_add(inv, &o, 100);
        CHECK_INT(inventory_count(inv), n);
        CHECK_INT(inventory_find(inv, macs[0])->n_ipv4, 2);
        o = mk_ipv4(macA, PROTO_ARP, "198.18.0.52");
        inventory_add(inv, &o, 100);
        CHECK_INT(inventory_count(inv), n + 1);
        CHECK(inventory_find(inv, macA) == inventory_get(inv, n));
        static const uint8_t absent[6] = { 0x00, 0x11, 0x32, 0x00, 0x00, 0x07 };
        CHECK(inventory_find(inv, absent) == NULL);
        inventory_set_vendors(inv, NULL);
        CHECK(inventory_get(inv, 0)->vendor == NULL);
        inventory_free(inv);
        inventory_free(NULL);
}

int main(void)
{
        test_merge();
        test_time_zero();
        test_hostnames();
        test_device_caps();
        test_not_devices();
        test_max_devices();
        test_sink_drops();
        test_sort_find();
        return t_done();
}
