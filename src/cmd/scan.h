/* scan.h - what scan.c and scan_plan.c share: the options of `netinv scan`
 * and the active part of a scan (plan, dry run, probe sockets). */
#ifndef NETINV_CMD_SCAN_H
#define NETINV_CMD_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netinv/output.h"
#include "netinv/probe.h"
#include "netinv/prober.h"

#define SCAN_MAX_RANGES   64
#define SCAN_MAX_EXCLUDES 64

struct scan_opts {
        const char *iface, *read, *output, *oui, *user;
        enum out_format format;
        bool format_set, passive, promisc, quiet, verbose;
        int color;                      /* -1 auto, 0 never, 1 always */
        double duration;
        bool duration_set;
        size_t max_devices;
        /* Active probing. */
        bool no_arp, force, dry_run;
        struct pacer_cfg pacer;
        bool no_probe[PROBER_N];        /* --no-ipv6, --no-mdns, ... */
        struct prober_opts probes;      /* --ports, --payload-ports, --snmp-community */
        size_t n_ranges, n_excl_nets, n_excl_macs;
        struct ip4_net ranges[SCAN_MAX_RANGES];
        struct ip4_net excl_nets[SCAN_MAX_EXCLUDES];
        uint8_t excl_macs[SCAN_MAX_EXCLUDES][6];
        /* The persistent inventory (man netinv(8), STATE); NULL: none. */
        const char *state_dir, *site;
        uint32_t forget_after, stale_days;
        /* Identification and end of life (man netinv(8), IDENTIFICATION). */
        bool no_identify, fail_on_eol;
        int32_t as_of;                  /* days since the epoch */
        /* Push to the register (man netinv(8), PUSH); url NULL: none. */
        const char *push_url, *push_format, *token_file, *ca_file, *client_cert, *client_key;
        const char *spool_dir;
        uint64_t spool_max_bytes;
        unsigned connect_timeout_ms, timeout_ms;
};

/* Does this scan probe at all? (an interface, not --passive, a probe on) */
bool scan_active(const struct scan_opts *o);
/* Is any probe after the sweep on? */
bool scan_probers(const struct scan_opts *o);

/* Build the plan for o: the interface's addresses, --range, --exclude
 * (addresses, and the addresses the kernel's ARP table gives for excluded
 * MACs). Logs its own errors and warnings. 0, or an exit code. */
int scan_plan(const struct scan_opts *o, struct probe_iface *ifc, struct probe_plan *plan);
/* --dry-run: the plan on f. */
void scan_plan_print(FILE *f, const struct scan_opts *o, const struct probe_iface *ifc,
                     const struct probe_plan *plan);

#endif
