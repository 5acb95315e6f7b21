/* scan_plan.c - the active part of `netinv scan` before anything is sent:
 * the interface's addresses, the sweep plan with its safety checks
 * (probe_plan_build), the excluded stations, and --dry-run's report.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "netinv/util.h"
#include "scan.h"

bool scan_probers(const struct scan_opts *o)
{
        for (int i = 0; i < PROBER_N; i++)
                if (!o->no_probe[i])
                        return true;
        return false;
}

bool scan_active(const struct scan_opts *o)
{
        return o->iface && !o->passive && (!o->no_arp || scan_probers(o));
}

static void fmt_net(char *buf, size_t n, const struct ip4_net *net, bool host)
{
        uint32_t a = host ? net->addr : net->addr & ip4_mask(net->prefix);
        snprintf(buf, n, "%u.%u.%u.%u/%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255,
                 net->prefix);
}

/* Addresses the kernel's ARP table (/proc/net/arp) holds for an excluded
 * MAC on this interface become /32 exclusions, so such a station is not
 * asked even once when the host already knows it. Lines:
 * "IP address  HW type  Flags  HW address  Mask  Device". */
static size_t excluded_from_neigh(const struct scan_opts *o, struct ip4_net *out, size_t cap)
{
        char line[256], ip[64], hw[64], dev[64];
        unsigned htype, flags;
        size_t n = 0;
        FILE *f = fopen("/proc/net/arp", "re");
        if (!f)
                return 0;
        while (n < cap && fgets(line, sizeof(line), f)) {
                uint8_t mac[6];
                struct ip4_net net;
                if (sscanf(line, "%63s 0x%x 0x%x %63s %*s %63s", ip, &htype, &flags, hw, dev) != 5)
                        continue;
                if (strcmp(dev, o->iface) != 0 || !parse_mac(hw, mac) || ip4_net_parse(ip, &net) < 0)
                        continue;
                for (size_t i = 0; i < o->n_excl_macs; i++)
                        if (memcmp(o->excl_macs[i], mac, 6) == 0) {
                                out[n++] = net;
                                break;
                        }
        }
        fclose(f);
        return n;
}

int scan_plan(const struct scan_opts *o, struct probe_iface *ifc, struct probe_plan *plan)
{
        struct ip4_net excl[2 * SCAN_MAX_EXCLUDES];
        char why[256];
        size_t n_excl = o->n_excl_nets;

        int r = probe_iface_get(o->iface, ifc);
        if (r == -ENODEV) {
                cmd_error("'%s': no such interface (try: ip -br link)", o->iface);
                return NETINV_EXIT_USAGE;
        }
        if (r < 0) {
                cmd_error("'%s': cannot read its addresses: %s", o->iface, strerror(-r));
                return NETINV_EXIT_FAILURE;
        }
        if (!ifc->has_mac) {
                cmd_error("'%s': not an Ethernet interface (no MAC address): probing needs one; "
                          "try --passive", o->iface);
                return NETINV_EXIT_USAGE;
        }
        memcpy(excl, o->excl_nets, n_excl * sizeof(excl[0]));
        n_excl += excluded_from_neigh(o, excl + n_excl, SCAN_MAX_EXCLUDES);
        r = probe_plan_build(ifc, o->n_ranges ? o->ranges : NULL, o->n_ranges, excl, n_excl,
                             o->force, plan, why, sizeof(why));
        if (r == -ENOMEM) {
                cmd_error("out of memory");
                return NETINV_EXIT_FAILURE;
        }
        if (r < 0) {
                cmd_error("%s", why);
                return NETINV_EXIT_USAGE;
        }
        if (why[0])
                cmd_warn("%s", why);
        if (!ifc->n_nets && !o->n_ranges)
                cmd_warn("'%s' has no IPv4 address: no ARP sweep (name one with --range)", o->iface);
        return 0;
}

void scan_plan_print(FILE *f, const struct scan_opts *o, const struct probe_iface *ifc,
                     const struct probe_plan *plan)
{
        char b[64];
        uint32_t n = (uint32_t)plan->n_targets;

        fmt_mac(b, sizeof(b), ifc->mac);
        fprintf(f, "interface  %s %s", ifc->name, b);
        for (size_t i = 0; i < ifc->n_nets; i++) {
                fmt_net(b, sizeof(b), &ifc->nets[i], true);
                fprintf(f, " %s", b);
        }
        fprintf(f, "\nranges     ");
        for (size_t i = 0; i < plan->n_ranges; i++) {
                fmt_net(b, sizeof(b), &plan->ranges[i], false);
                fprintf(f, "%s%s", i ? ", " : "", b);
        }
        fprintf(f, "%s%s\n", plan->n_ranges ? "" : "none",
                plan->from_iface ? " (the interface's subnets)" : " (--range)");
        fprintf(f, "excluded   ");
        for (size_t i = 0; i < o->n_excl_nets; i++) {
                fmt_net(b, sizeof(b), &o->excl_nets[i], false);
                fprintf(f, "%s, ", b);
        }
        for (size_t i = 0; i < o->n_excl_macs; i++) {
                fmt_mac(b, sizeof(b), o->excl_macs[i]);
                fprintf(f, "%s, ", b);
        }
        fprintf(f, "%llu addresses left out (with the interface's own)\n",
                (unsigned long long)plan->excluded);
        uint64_t packets = (!o->no_arp && n) ? pacer_max_packets(n, &o->pacer) : 0;
        uint64_t usec = (!o->no_arp && n) ? pacer_max_time_us(n, &o->pacer) : 0;
        fprintf(f, "probes     ");
        const char *sep = "";
        if (!o->no_arp) {
                fprintf(f, "arp%s", n ? "" : " (nothing to sweep)");
                sep = ", ";
        }
        for (int i = 0; i < PROBER_N; i++) {
                const struct probe_ops *ops = prober_ops((enum probe_id)i);
                if (o->no_probe[i])
                        continue;
                fprintf(f, "%s%s", sep, ops->name);
                sep = ", ";
                if (ops->max_packets) {
                        struct prober_opts po = o->probes;
                        po.rate_pps = o->pacer.rate_pps;
                        po.retries = o->pacer.retries;
                        po.timeout_ms = (uint32_t)(o->pacer.timeout_us / 1000);
                        packets += ops->max_packets(&po, n);
                }
        }
        fprintf(f, "%s\n", sep[0] ? "" : "none");
        fprintf(f, "ports      ");
        if (o->no_probe[PROBER_TCP]) {
                fprintf(f, "none (--no-tcp)");
        } else {
                for (size_t i = 0; i < o->probes.n_ports; i++)
                        fprintf(f, "%s%u", i ? "," : "", (unsigned)o->probes.ports[i]);
                if (!o->probes.n_ports)
                        fprintf(f, "none");
        }
        fprintf(f, "\npayload    never to 515, 9100-9107, 102, 502, 2404, 20000, 44818, 47808");
        for (size_t i = 0; i < o->probes.n_payload_ports; i++)
                fprintf(f, "%s%u", i ? "," : " except --payload-ports ", (unsigned)o->probes.payload_ports[i]);
        fprintf(f, "\nsnmp       %s\n", o->probes.n_communities ? "v2c GET of sysDescr, sysObjectID, sysName"
                                                                 : "off (no --snmp-community)");
        fprintf(f, "rate       %u packets/s, %u %s, timeout %llu ms\n", (unsigned)o->pacer.rate_pps,
                (unsigned)o->pacer.retries, o->pacer.retries == 1 ? "retry" : "retries",
                (unsigned long long)(o->pacer.timeout_us / 1000));
        fprintf(f, "targets    %u addresses\n", n);
        /* The probes after the sweep share the same rate, after it, and
         * wait one timeout per retry round at the end. */
        uint64_t arp_packets = (!o->no_arp && n) ? pacer_max_packets(n, &o->pacer) : 0;
        if (scan_probers(o))
                usec += (packets - arp_packets) * 1000000ull / o->pacer.rate_pps +
                        (o->pacer.retries + 1ull) * o->pacer.timeout_us;
        fprintf(f, "packets    at most %llu\n", (unsigned long long)packets);
        fprintf(f, "time       at most %.1f s (without the banner conversations' own timeouts)\n",
                (double)usec / 1e6);
}
