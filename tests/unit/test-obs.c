/* test-obs.c - the per-frame observation sink (inventory/obs.c).
 *
 * Caps: OBS_PER_FRAME_MAX observations, OBS_ARENA_SIZE bytes of strings,
 * OBS_VALUE_MAX per value, HOSTNAME_MAX per hostname; everything refused is
 * counted in `dropped`. Values are copied, NUL-terminated, and may hold any
 * byte.
 */
#include <errno.h>
#include <stdlib.h>

#include "testlib.h"

static const uint8_t mac1[6] = { 0x00, 0x11, 0x32, 0x00, 0x00, 0x06 };

static void test_names(void)
{
        CHECK_STR(proto_name(PROTO_ARP), "arp");
        CHECK_STR(proto_name(PROTO_DHCPV6), "dhcpv6");
        CHECK_STR(proto_name(PROTO_ICMP), "icmp");
        CHECK_STR(proto_name(PROTO_MAX), "unknown");
        CHECK_STR(proto_name((enum proto)200), "unknown");
        for (unsigned p = 0; p < PROTO_MAX; p++)
                CHECK_INT(proto_from_name(proto_name((enum proto)p)), p);
        CHECK_INT(proto_from_name("nosuch"), PROTO_MAX);
        CHECK_INT(proto_from_name(""), PROTO_MAX);
}

static void test_unicast(void)
{
        static const uint8_t zero[6], bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
                             mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb },
                             mcast6[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 },
                             local[6] = { 0x02, 0x4e, 0x4c, 0xff, 0x00, 0x01 },
                             low[6] = { 0, 0, 0, 0, 0, 1 };
        CHECK(!mac_is_unicast(zero));
        CHECK(!mac_is_unicast(bcast));
        CHECK(!mac_is_unicast(mcast));
        CHECK(!mac_is_unicast(mcast6));
        CHECK(mac_is_unicast(local));   /* locally administered is still a station */
        CHECK(mac_is_unicast(mac1));
        CHECK(mac_is_unicast(low));
}

static void test_kinds(struct obs_sink *s)
{
        uint8_t ip4[4], ip6[16];
        t_ip4("198.18.1.6", ip4);
        t_ip6("fe80::211:32ff:fe00:6", ip6);

        obs_sink_reset(s);
        s->dropped = 0;
        CHECK_INT(obs_ipv4(s, mac1, PROTO_ARP, ip4), 0);
        CHECK_INT(obs_ipv6(s, mac1, PROTO_NDP, ip6), 0);
        CHECK_INT(obs_hostname(s, mac1, PROTO_MDNS, "nas.local", 9), 0);
        CHECK_INT(obs_attr(s, mac1, PROTO_DHCP, "dhcp.vendor_class", "abc", 3), 0);
        CHECK_INT(obs_attr_str(s, mac1, PROTO_SSDP, "ssdp.server", "Linux UPnP/1.0"), 0);
        CHECK_INT(obs_attr_pair(s, mac1, PROTO_MDNS, "mdns.txt", "model", 5, '=', "DS920+", 6), 0);
        CHECK_INT(obs_hostname(s, mac1, PROTO_MDNS, "", 0), 0);   /* empty: nothing */
        CHECK_INT(s->n, 6);
        CHECK_INT(s->dropped, 0);

        const struct obs *o = &s->obs[0];
        CHECK_INT(o->kind, OBS_IPV4);
        CHECK_INT(o->source, PROTO_ARP);
        CHECK(memcmp(o->mac, mac1, 6) == 0);
        CHECK(memcmp(o->addr, ip4, 4) == 0);
        CHECK(o->key == NULL);
        o = &s->obs[1];
        CHECK_INT(o->kind, OBS_IPV6);
        CHECK(memcmp(o->addr, ip6, 16) == 0);
        o = &s->obs[2];
        CHECK_INT(o->kind, OBS_HOSTNAME);
        CHECK_STR(o->val, "nas.local");
        CHECK_INT(o->val_len, 9);
        o = &s->obs[3];
        CHECK_INT(o->kind, OBS_ATTR);
        CHECK_STR(o->key, "dhcp.vendor_class");
        CHECK_STR(o->val, "abc");
        CHECK_INT(o->val_len, 3);
        CHECK_STR(s->obs[4].val, "Linux UPnP/1.0");
        CHECK_STR(s->obs[5].val, "model=DS920+");
        CHECK_INT(s->obs[5].val_len, 12);

        /* Values may hold NUL and any other byte; they stay terminated. */
        obs_sink_reset(s);
        CHECK_INT(s->n, 0);
        CHECK_INT(s->arena_used, 0);
        static const char bin[4] = { 'a', '\0', '\xff', 'b' };
        CHECK_INT(obs_attr(s, mac1, PROTO_LLDP, "lldp.system_description", bin, 4), 0);
        CHECK_INT(s->obs[0].val_len, 4);
        CHECK(memcmp(s->obs[0].val, bin, 4) == 0);
        CHECK_INT(s->obs[0].val[4], '\0');
        /* The sink copies: changing the source afterwards changes nothing. */
        char src[8] = "router";
        obs_hostname(s, mac1, PROTO_DHCP, src, 6);
        src[0] = 'X';
        CHECK_STR(s->obs[1].val, "router");
        /* An empty attribute value is kept (the key alone says something). */
        CHECK_INT(obs_attr(s, mac1, PROTO_DHCP, "dhcp.vendor_class", NULL, 0), 0);
        CHECK_INT(s->obs[2].val_len, 0);
        CHECK_STR(s->obs[2].val, "");
}

static void test_value_cap(struct obs_sink *s)
{
        char big[OBS_VALUE_MAX * 2];
        for (size_t i = 0; i < sizeof(big); i++)
                big[i] = (char)('a' + i % 26);

        obs_sink_reset(s);
        s->dropped = 0;
        CHECK_INT(obs_attr(s, mac1, PROTO_SSDP, "ssdp.server", big, sizeof(big)), 0);
        CHECK_INT(s->obs[0].val_len, OBS_VALUE_MAX);    /* cut, not refused */
        CHECK(memcmp(s->obs[0].val, big, OBS_VALUE_MAX) == 0);
        CHECK_INT(s->obs[0].val[OBS_VALUE_MAX], '\0');
        CHECK_INT(s->arena_used, OBS_VALUE_MAX + 1);
        CHECK_INT(s->dropped, 0);

        CHECK_INT(obs_attr(s, mac1, PROTO_SSDP, "ssdp.server", big, OBS_VALUE_MAX), 0);
        CHECK_INT(s->obs[1].val_len, OBS_VALUE_MAX);    /* exactly the cap: whole */
        CHECK_INT(obs_attr(s, mac1, PROTO_SSDP, "ssdp.server", big, OBS_VALUE_MAX - 1), 0);
        CHECK_INT(s->obs[2].val_len, OBS_VALUE_MAX - 1);

        /* Hostnames are cut at HOSTNAME_MAX. */
        CHECK_INT(obs_hostname(s, mac1, PROTO_DNS, big, 1000), 0);
        CHECK_INT(s->obs[3].val_len, HOSTNAME_MAX);
        CHECK_INT(strlen(s->obs[3].val), HOSTNAME_MAX);

        /* A pair is cut as a whole: a + sep + b never exceeds the cap. */
        CHECK_INT(obs_attr_pair(s, mac1, PROTO_MDNS, "mdns.txt", big, 300, '=', big, 300), 0);
        const struct obs *o = &s->obs[4];
        CHECK_INT(o->val_len, OBS_VALUE_MAX);
        CHECK_INT(o->val[300], '=');
        CHECK(memcmp(o->val + 301, big, OBS_VALUE_MAX - 301) == 0);
        CHECK_INT(o->val[OBS_VALUE_MAX], '\0');
        /* The first part alone fills the cap: no separator sneaks in. */
        CHECK_INT(obs_attr_pair(s, mac1, PROTO_MDNS, "mdns.txt", big, 600, '=', "x", 1), 0);
        o = &s->obs[5];
        CHECK_INT(o->val_len, OBS_VALUE_MAX);
        CHECK(memchr(o->val, '=', o->val_len) == NULL);
        /* Cap minus one: room for the separator, none for b. */
        CHECK_INT(obs_attr_pair(s, mac1, PROTO_MDNS, "mdns.txt", big, OBS_VALUE_MAX - 1, '=',
                                "x", 1), 0);
        o = &s->obs[6];
        CHECK_INT(o->val_len, OBS_VALUE_MAX);
        CHECK_INT(o->val[OBS_VALUE_MAX - 1], '=');
        CHECK_INT(s->dropped, 0);
}

static void test_count_cap(struct obs_sink *s)
{
        uint8_t ip[4] = { 198, 18, 0, 0 };
        obs_sink_reset(s);
        s->dropped = 0;
        for (unsigned i = 0; i < OBS_PER_FRAME_MAX; i++) {
                ip[3] = (uint8_t)i;
                CHECK_INT(obs_ipv4(s, mac1, PROTO_ARP, ip), 0);
        }
        CHECK_INT(s->n, OBS_PER_FRAME_MAX);
        CHECK_INT(s->dropped, 0);
        CHECK_INT(obs_ipv4(s, mac1, PROTO_ARP, ip), -ENOSPC);
        CHECK_INT(obs_ipv6(s, mac1, PROTO_NDP, (const uint8_t[16]){ 0xfe, 0x80 }), -ENOSPC);
        CHECK_INT(obs_hostname(s, mac1, PROTO_DNS, "a", 1), -ENOSPC);
        CHECK_INT(obs_attr_str(s, mac1, PROTO_DNS, "dns.x", "v"), -ENOSPC);
        CHECK_INT(obs_attr_pair(s, mac1, PROTO_DNS, "dns.x", "a", 1, '=', "b", 1), -ENOSPC);
        CHECK_INT(s->n, OBS_PER_FRAME_MAX);
        CHECK_INT(s->dropped, 5);
        CHECK_INT(s->obs[OBS_PER_FRAME_MAX - 1].addr[3], OBS_PER_FRAME_MAX - 1);
}

static void test_arena_cap(struct obs_sink *s)
{
        /* 128 values of OBS_VALUE_MAX bytes (+ NUL) need more than the
         * 64 KiB arena: the last ones are refused and counted. */
        static char big[OBS_VALUE_MAX];
        memset(big, 'v', sizeof(big));
        const size_t fit = OBS_ARENA_SIZE / (OBS_VALUE_MAX + 1);
        obs_sink_reset(s);
        s->dropped = 0;
        size_t ok = 0, refused = 0;
        for (unsigned i = 0; i < OBS_PER_FRAME_MAX; i++) {
                int r = obs_attr(s, mac1, PROTO_SSDP, "ssdp.server", big, sizeof(big));
                if (r == 0)
                        ok++;
                else if (r == -ENOSPC)
                        refused++;
        }
        CHECK(fit < OBS_PER_FRAME_MAX);         /* the test means something */
        CHECK_INT(ok, fit);
        CHECK_INT(refused, OBS_PER_FRAME_MAX - fit);
        CHECK_INT(s->n, fit);
        CHECK_INT(s->dropped, OBS_PER_FRAME_MAX - fit);
        CHECK(s->arena_used <= OBS_ARENA_SIZE);
        /* A short value still fits in what is left of the arena. */
        CHECK_INT(obs_attr_str(s, mac1, PROTO_SSDP, "ssdp.server", "x"), 0);
        CHECK_INT(s->n, fit + 1);
        /* Every stored value is intact (no overlap in the arena). */
        bool intact = true;
        for (size_t i = 0; i < fit; i++)
                intact = intact && s->obs[i].val_len == OBS_VALUE_MAX &&
                         memcmp(s->obs[i].val, big, OBS_VALUE_MAX) == 0 &&
                         s->obs[i].val[OBS_VALUE_MAX] == '\0';
        CHECK(intact);

        /* Reset makes the whole arena available again, and starts the
         * frame's drop count afresh (the inventory adds it per frame). */
        obs_sink_reset(s);
        CHECK_INT(s->n, 0);
        CHECK_INT(s->dropped, 0);
        CHECK_INT(s->arena_used, 0);
        CHECK_INT(obs_attr(s, mac1, PROTO_SSDP, "ssdp.server", big, sizeof(big)), 0);
}

int main(void)
{
        struct obs_sink *s = calloc(1, sizeof(*s));
        if (!s)
                return 1;
        test_names();
        test_unicast();
        test_kinds(s);
        test_value_cap(s);
        test_count_cap(s);
        test_arena_cap(s);
        free(s);
        return t_done();
}
