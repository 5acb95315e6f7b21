/* scan.c - `netinv scan`: capture → dissect → inventory → output.
 *
 * With an interface, listens and probes: the ARP sweep of the interface's
 * subnets (or --range) runs from the same event loop that reads the capture,
 * and the scan ends when the sweep's last wait is over (or after --duration
 * seconds, or at SIGINT/SIGTERM). With --passive, or every probe turned off,
 * it only listens, for --duration seconds. With --read, the same pipeline
 * runs over a capture file. Privileges are dropped as soon as the capture,
 * the probes' sockets and the output are open. The scan plan (what may be
 * probed) is built in scan_plan.c.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "netinv/capture.h"
#include "netinv/config.h"
#include "netinv/eol.h"
#include "netinv/identify.h"
#include "netinv/dissect.h"
#include "netinv/inventory.h"
#include "netinv/oui.h"
#include "netinv/output.h"
#include "netinv/priv.h"
#include "netinv/probe.h"
#include "netinv/push.h"
#include "netinv/state.h"
#include "netinv/util.h"
#include "scan.h"

#include <cjson/cJSON.h>
#include <sys/stat.h>

#define SCAN_DURATION_DEFAULT 30        /* seconds of listening without --duration */
/* The guides ask for a review at least every six months (man netinv(8)). */
#define SCAN_STALE_DAYS_DEFAULT 180
#define SCAN_PROGRESS_US 100000u        /* progress line refresh on a terminal */
#define LIBNET_WHY_MAX 256              /* libnet's error text (LIBNET_ERRBUF_SIZE) */

struct pipeline {
        struct inventory *inv;
        struct obs_sink *sink;
        struct dissect_stats st;
        struct arp_sweep *sweep;        /* told about every ARP binding, or NULL */
        struct prober *prober;          /* told about every observation, or NULL */
        uint8_t own_mac[6];             /* the sweep's sender address */
        int oom;
};

static volatile sig_atomic_t stop_requested;

/* The pacer's clock: monotonic, µs. */
static uint64_t mono_usec(void)
{
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

static void on_signal(int sig)
{
        (void)sig;
        stop_requested = 1;
}

/* The sweep's own requests come back through the capture too. In the RFC
 * 5227 probe form (sender 0.0.0.0) each would add an arp.probe observation
 * to the scanning host; they say nothing about it, so they are dropped. */
static void drop_own_probes(struct pipeline *pl)
{
        size_t w = 0;
        for (size_t i = 0; i < pl->sink->n; i++) {
                const struct obs *ob = &pl->sink->obs[i];
                if (ob->source == PROTO_ARP && ob->kind == OBS_ATTR &&
                    strcmp(ob->key, "arp.probe") == 0 && memcmp(ob->mac, pl->own_mac, 6) == 0)
                        continue;
                pl->sink->obs[w++] = *ob;
        }
        pl->sink->n = w;
}

static void on_frame(void *user, enum linktype lt, const uint8_t *data, uint32_t caplen,
                     uint64_t ts)
{
        struct pipeline *pl = user;
        obs_sink_reset(pl->sink);
        pl->sink->dropped = 0;
        enum dissect_res r = dissect_frame(lt, data, caplen, ts, pl->sink);
        pl->st.frames++;
        pl->st.by_res[r]++;
        if (pl->sweep)
                drop_own_probes(pl);
        if ((pl->sink->n || pl->sink->dropped) &&
            inventory_add_sink(pl->inv, pl->sink, ts) == -ENOMEM)
                pl->oom = 1;
        /* Answers to the sweep come back like any other frame: every IPv4
         * binding the ARP dissector made (replies, requests, announcements)
         * tells the sweep that this address answered. */
        if (pl->sweep)
                for (size_t i = 0; i < pl->sink->n; i++) {
                        const struct obs *ob = &pl->sink->obs[i];
                        if (ob->source == PROTO_ARP && ob->kind == OBS_IPV4)
                                arp_sweep_seen(pl->sweep, ob->mac, ob->addr, ts);
                }
        /* The probes after the sweep hear every answer, and every address
         * of the plan that showed itself (ARP, DHCP, ...) is a host to ask. */
        if (pl->prober && pl->sink->n) {
                uint64_t now = mono_usec();
                for (size_t i = 0; i < pl->sink->n; i++) {
                        const struct obs *ob = &pl->sink->obs[i];
                        if (ob->kind == OBS_IPV4 && memcmp(ob->mac, pl->own_mac, 6) != 0)
                                prober_host(pl->prober, (uint32_t)ob->addr[0] << 24 |
                                            (uint32_t)ob->addr[1] << 16 | (uint32_t)ob->addr[2] << 8 |
                                            ob->addr[3], ob->mac, now);
                }
                prober_seen(pl->prober, pl->sink, now);
        }
}

/* Observations a probe made from its own sockets (banners, descriptions). */
static void on_emit(void *user, const struct obs_sink *s, uint64_t ts)
{
        struct pipeline *pl = user;
        if ((s->n || s->dropped) && inventory_add_sink(pl->inv, s, ts) == -ENOMEM)
                pl->oom = 1;
}

static void usage(FILE *f)
{
        fputs("usage: netinv scan [IFACE] [options]\n"
              "       netinv scan --read FILE [options]\n"
              "\n"
              "  -i, --interface IFACE  listen on IFACE (also the first argument)\n"
              "  -r, --read FILE        read a pcap/pcapng capture (\"-\": standard input)\n"
              "      --passive          only listen: send nothing\n"
              "      --no-arp           no ARP sweep (the other probes ask the hosts found\n"
              "                         passively)\n"
              "      --probes LIST      only these: arp, ndp (IPv6), mdns, ssdp, nbns, tcp, and\n"
              "                         ssh, http, smb, rdp, snmp (banners); all; none\n"
              "      --no-ipv6          no ICMPv6 echo to all nodes (ff02::1)\n"
              "      --no-mdns          no DNS-SD browse over mDNS\n"
              "      --no-ssdp          no SSDP M-SEARCH, no UPnP descriptions\n"
              "      --no-nbns          no NetBIOS node status requests\n"
              "      --no-tcp           no TCP SYN probe (and so no banners)\n"
              "      --no-banner        no SSH/HTTP/SMB/RDP/SNMP conversations on open ports\n"
              "      --ports LIST       TCP ports to try (default " PROBER_PORTS_DEFAULT ")\n"
              "      --payload-ports LIST  fragile ports (printing, industrial) that may get\n"
              "                         more than a SYN\n"
              "      --snmp-community C ask SNMP v2c with community C (repeatable; default: no SNMP)\n"
              "      --range CIDR       sweep CIDR instead of the interface's subnets (repeatable)\n"
              "      --exclude CIDR|MAC never probe these addresses or this station (repeatable)\n"
              "      --force            allow ranges larger than a /16 or outside the subnets\n"
              "      --rate PPS         packets per second, all probes together (default 4000)\n"
              "      --retries N        extra requests to an address that did not answer (default 1)\n"
              "      --timeout MS       wait for an answer, after each request (default 200)\n"
              "      --dry-run          print the scan plan and send nothing\n"
              "      --state-dir DIR    merge into the inventory kept in DIR, report changes\n"
              "      --forget-after DAYS  drop devices of the state not seen for DAYS\n"
              "      --stale DAYS       count devices not seen or re-identified for DAYS (180)\n"
              "      --site NAME        the site name put in the document\n"
              "  -c, --config FILE      configuration file (default /etc/netinv/netinv.conf)\n"
              "      --as-of DATE       judge end of life as on DATE (YYYY-MM-DD; default today)\n"
              "      --fail-on-eol      exit 3 when a device is past its end of life\n"
              "      --no-identify      no OS identification, no end-of-life verdicts\n"
              "      --push URL         spool the document, then POST it to the register\n"
              "      --push-format FMT  json (default) or glpi\n"
              "      --token-file FILE  bearer token for the push (or NETINV_TOKEN)\n"
              "      --ca-file FILE     private CA for the register's certificate\n"
              "      --spool-dir DIR    where documents wait (default: STATE_DIR/spool)\n"
              "  -d, --duration SEC     listen this long (default: until the probes are done;\n"
              "                         30 with --passive)\n"
              "  -f, --format FMT       table, json, ndjson or csv (default: table on a\n"
              "                         terminal, json otherwise)\n"
              "  -o, --output FILE      write the result to FILE instead of stdout\n"
              "      --max-devices N    keep at most N devices (default 65536)\n"
              "      --oui FILE         IEEE OUI file (default: found in /usr/share); \"none\"\n"
              "      --user USER        drop privileges to USER (default: netinv, else nobody)\n"
              "      --no-promisc       do not put the interface in promiscuous mode\n"
              "      --color WHEN       auto, always or never\n"
              "  -q, --quiet            no warnings on stderr\n"
              "  -v, --verbose          say what is being done on stderr\n"
              "  -h, --help             this text\n",
              f);
}

static void scan_defaults(struct scan_opts *o)
{
        o->format = OUT_TABLE;
        o->promisc = true;
        o->color = -1;
        o->duration = SCAN_DURATION_DEFAULT;
        o->max_devices = INV_MAX_DEVICES_DEFAULT;
        o->pacer.rate_pps = PROBE_RATE_DEFAULT;
        o->pacer.retries = PROBE_RETRIES_DEFAULT;
        o->pacer.timeout_us = PROBE_TIMEOUT_MS_DEFAULT * 1000ull;
        o->stale_days = SCAN_STALE_DAYS_DEFAULT;
        o->as_of = eol_today();
        prober_parse_ports(PROBER_PORTS_DEFAULT, o->probes.ports, PROBER_PORTS_MAX, &o->probes.n_ports);
}

/* The probes named by the "probes" key or --probes (netinv.conf(5)):
 * ndp is the IPv6 probe, upnp goes with ssdp, and the banner probe runs when
 * any of ssh, http, smb, rdp or snmp is named. */
static void set_probes(struct scan_opts *o, uint32_t bits)
{
#define ON(p) (bits & (1u << (p)))
        o->no_arp = !ON(PROBE_ARP);
        o->no_probe[PROBER_IPV6] = !ON(PROBE_NDP);
        o->no_probe[PROBER_MDNS] = !ON(PROBE_MDNS);
        o->no_probe[PROBER_SSDP] = !ON(PROBE_SSDP) && !ON(PROBE_UPNP);
        o->no_probe[PROBER_NBNS] = !ON(PROBE_NBNS);
        o->no_probe[PROBER_TCP] = !ON(PROBE_TCP);
        o->no_probe[PROBER_BANNER] = !ON(PROBE_SSH) && !ON(PROBE_HTTP) && !ON(PROBE_SMB) &&
                                     !ON(PROBE_RDP) && !ON(PROBE_SNMP);
#undef ON
}

/* The configuration file (netinv.conf(5)): /etc/netinv/netinv.conf when it
 * exists, or --config FILE. What it sets becomes the scan's defaults; the
 * command line, parsed after it, overrides. 0 or an exit code. */
static int scan_config(int argc, char **argv, struct config *cfg, struct scan_opts *o)
{
        const char *path = NULL;
        char err[512];

        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--") == 0)
                        break;
                if ((strcmp(argv[i], "--config") == 0 || strcmp(argv[i], "-c") == 0) && i + 1 < argc)
                        path = argv[++i];
                else if (strncmp(argv[i], "--config=", 9) == 0)
                        path = argv[i] + 9;
        }
        if (config_load(path, cfg, err, sizeof(err)) < 0) {
                cmd_error("%s", err);
                return NETINV_EXIT_USAGE;
        }
#define SET(k) config_is_set(cfg, (k))
        if (SET(CK_INTERFACE) && cfg->interface[0])
                o->iface = cfg->interface;
        for (size_t i = 0; i < cfg->n_ranges && o->n_ranges < SCAN_MAX_RANGES; i++)
                if (cfg->ranges[i].family == 4)
                        o->ranges[o->n_ranges++] = (struct ip4_net){
                                .addr = (uint32_t)cfg->ranges[i].addr[0] << 24 |
                                        (uint32_t)cfg->ranges[i].addr[1] << 16 |
                                        (uint32_t)cfg->ranges[i].addr[2] << 8 | cfg->ranges[i].addr[3],
                                .prefix = cfg->ranges[i].prefix };
        for (size_t i = 0; i < cfg->n_exclude && o->n_excl_nets < SCAN_MAX_EXCLUDES - 1; i++)
                if (cfg->exclude[i].family == 4)
                        o->excl_nets[o->n_excl_nets++] = (struct ip4_net){
                                .addr = (uint32_t)cfg->exclude[i].addr[0] << 24 |
                                        (uint32_t)cfg->exclude[i].addr[1] << 16 |
                                        (uint32_t)cfg->exclude[i].addr[2] << 8 | cfg->exclude[i].addr[3],
                                .prefix = cfg->exclude[i].prefix };
        if (SET(CK_PASSIVE))
                o->passive = cfg->passive;
        if (SET(CK_PROBES))
                set_probes(o, cfg->probes);
        if (SET(CK_PORTS) && cfg->n_ports) {
                size_t n = 0;
                for (size_t i = 0; i < cfg->n_ports; i++)
                        for (uint32_t v = cfg->ports[i].lo; v <= cfg->ports[i].hi && n < PROBER_PORTS_MAX; v++)
                                o->probes.ports[n++] = (uint16_t)v;
                o->probes.n_ports = n;
        }
        if (SET(CK_RATE))
                o->pacer.rate_pps = cfg->rate;
        if (SET(CK_RETRIES))
                o->pacer.retries = cfg->retries;
        if (SET(CK_TIMEOUT))
                o->pacer.timeout_us = (uint64_t)(cfg->timeout * 1e6);
        if (SET(CK_DURATION)) {
                o->duration = cfg->duration;
                o->duration_set = true;
        }
        if (SET(CK_PROMISC))
                o->promisc = cfg->promisc;
        if (SET(CK_FORMAT) && cfg->format != CFMT_MAX) {
                o->format = (enum out_format)cfg->format;
                o->format_set = true;
        }
        if (SET(CK_OUTPUT) && cfg->output[0])
                o->output = cfg->output;
        if (SET(CK_COLOR))
                o->color = cfg->color == COLOR_ALWAYS ? 1 : cfg->color == COLOR_NEVER ? 0 : -1;
        if (SET(CK_QUIET))
                o->quiet = cfg->quiet;
        if (SET(CK_VERBOSE))
                o->verbose = cfg->verbose;
        if (SET(CK_MAX_DEVICES))
                o->max_devices = cfg->max_devices;
        if (SET(CK_OUI) && cfg->oui[0])
                o->oui = cfg->oui;
        if (SET(CK_USER) && cfg->user[0])
                o->user = cfg->user;
        if (SET(CK_STATE_DIR) && cfg->state_dir[0])
                o->state_dir = cfg->state_dir;
        if (SET(CK_SITE) && cfg->site[0])
                o->site = cfg->site;
        if (SET(CK_FORGET_AFTER))
                o->forget_after = cfg->forget_after;
        if (SET(CK_STALE))
                o->stale_days = cfg->stale;
        if (SET(CK_PUSH_URL) && cfg->push.url[0])
                o->push_url = cfg->push.url;
        if (SET(CK_PUSH_FORMAT))
                o->push_format = cfg->push.format == PUSH_FMT_GLPI ? "glpi" : "json";
        if (SET(CK_PUSH_TOKEN_FILE) && cfg->push.token_file[0])
                o->token_file = cfg->push.token_file;
        if (SET(CK_PUSH_CA_FILE) && cfg->push.ca_file[0])
                o->ca_file = cfg->push.ca_file;
        if (SET(CK_PUSH_CLIENT_CERT) && cfg->push.client_cert[0])
                o->client_cert = cfg->push.client_cert;
        if (SET(CK_PUSH_CLIENT_KEY) && cfg->push.client_key[0])
                o->client_key = cfg->push.client_key;
        if (SET(CK_SPOOL_DIR) && cfg->spool_dir[0])
                o->spool_dir = cfg->spool_dir;
        if (SET(CK_PUSH_SPOOL_MAX_MB))
                o->spool_max_bytes = (uint64_t)cfg->push.spool_max_mb << 20;
        if (SET(CK_PUSH_CONNECT_TIMEOUT))
                o->connect_timeout_ms = (unsigned)(cfg->push.connect_timeout * 1000);
        if (SET(CK_PUSH_TIMEOUT))
                o->timeout_ms = (unsigned)(cfg->push.timeout * 1000);
        if (SET(CK_AS_OF) && cfg->as_of >= 0)
                o->as_of = cfg->as_of;
        if (SET(CK_FAIL_ON_EOL))
                o->fail_on_eol = cfg->fail_on_eol;
        /* syslog = yes: messages go to syslog too (a scan from cron or a
         * timer has no one reading its stderr). */
        if (SET(CK_SYSLOG))
                cmd_syslog(cfg->syslog);
#undef SET
        return 0;
}

static int parse_args(int argc, char **argv, struct scan_opts *o)
{
        enum { OPT_PASSIVE = 256, OPT_MAXDEV, OPT_OUI, OPT_USER, OPT_NOPROMISC, OPT_COLOR,
               OPT_NOARP, OPT_RANGE, OPT_EXCLUDE, OPT_FORCE, OPT_RATE, OPT_RETRIES, OPT_TIMEOUT,
               OPT_DRYRUN, OPT_STATEDIR, OPT_FORGET, OPT_STALE, OPT_SITE, OPT_ASOF,
               OPT_FAILEOL, OPT_NOIDENT, OPT_PUSH, OPT_PUSHFMT, OPT_TOKEN, OPT_CA, OPT_SPOOL,
               OPT_PORTS, OPT_PAYLOAD, OPT_COMMUNITY, OPT_PROBES,
               OPT_NO_PROBE /* + enum probe_id: keep last */ };
        static const struct option lo[] = {
                { "interface", required_argument, NULL, 'i' },
                { "read", required_argument, NULL, 'r' },
                { "passive", no_argument, NULL, OPT_PASSIVE },
                { "duration", required_argument, NULL, 'd' },
                { "format", required_argument, NULL, 'f' },
                { "output", required_argument, NULL, 'o' },
                { "max-devices", required_argument, NULL, OPT_MAXDEV },
                { "oui", required_argument, NULL, OPT_OUI },
                { "user", required_argument, NULL, OPT_USER },
                { "no-promisc", no_argument, NULL, OPT_NOPROMISC },
                { "color", required_argument, NULL, OPT_COLOR },
                { "no-arp", no_argument, NULL, OPT_NOARP },
                { "no-ipv6", no_argument, NULL, OPT_NO_PROBE + PROBER_IPV6 },
                { "no-mdns", no_argument, NULL, OPT_NO_PROBE + PROBER_MDNS },
                { "no-ssdp", no_argument, NULL, OPT_NO_PROBE + PROBER_SSDP },
                { "no-nbns", no_argument, NULL, OPT_NO_PROBE + PROBER_NBNS },
                { "no-tcp", no_argument, NULL, OPT_NO_PROBE + PROBER_TCP },
                { "no-banner", no_argument, NULL, OPT_NO_PROBE + PROBER_BANNER },
                { "ports", required_argument, NULL, OPT_PORTS },
                { "probes", required_argument, NULL, OPT_PROBES },
                { "payload-ports", required_argument, NULL, OPT_PAYLOAD },
                { "snmp-community", required_argument, NULL, OPT_COMMUNITY },
                { "range", required_argument, NULL, OPT_RANGE },
                { "exclude", required_argument, NULL, OPT_EXCLUDE },
                { "force", no_argument, NULL, OPT_FORCE },
                { "rate", required_argument, NULL, OPT_RATE },
                { "retries", required_argument, NULL, OPT_RETRIES },
                { "timeout", required_argument, NULL, OPT_TIMEOUT },
                { "dry-run", no_argument, NULL, OPT_DRYRUN },
                { "state-dir", required_argument, NULL, OPT_STATEDIR },
                { "forget-after", required_argument, NULL, OPT_FORGET },
                { "stale", required_argument, NULL, OPT_STALE },
                { "site", required_argument, NULL, OPT_SITE },
                { "config", required_argument, NULL, 'c' },
                { "as-of", required_argument, NULL, OPT_ASOF },
                { "fail-on-eol", no_argument, NULL, OPT_FAILEOL },
                { "no-identify", no_argument, NULL, OPT_NOIDENT },
                { "push", required_argument, NULL, OPT_PUSH },
                { "push-format", required_argument, NULL, OPT_PUSHFMT },
                { "token-file", required_argument, NULL, OPT_TOKEN },
                { "ca-file", required_argument, NULL, OPT_CA },
                { "spool-dir", required_argument, NULL, OPT_SPOOL },
                { "quiet", no_argument, NULL, 'q' },
                { "verbose", no_argument, NULL, 'v' },
                { "help", no_argument, NULL, 'h' },
                { 0 },
        };
        int c;
        char *end;
        bool iface_cli = false;

        opterr = 0;
        optind = 1;
        while ((c = getopt_long(argc, argv, ":c:i:r:d:f:o:qvh", lo, NULL)) != -1) {
                switch (c) {
                case 'c':
                        break;          /* read before the other options (scan_config) */
                case 'i':
                        o->iface = optarg;
                        iface_cli = true;
                        break;
                case 'r':
                        o->read = optarg;
                        break;
                case OPT_PASSIVE:
                        o->passive = true;
                        break;
                case 'd':
                        errno = 0;
                        o->duration = strtod(optarg, &end);
                        if (errno || *end || !(o->duration > 0) || o->duration > 31536000.0)
                                return cmd_usage_error("--duration '%s': want seconds, more than 0",
                                                       optarg);
                        o->duration_set = true;
                        break;
                case OPT_NOARP:
                        o->no_arp = true;
                        break;
                case OPT_NO_PROBE + PROBER_IPV6:
                case OPT_NO_PROBE + PROBER_MDNS:
                case OPT_NO_PROBE + PROBER_SSDP:
                case OPT_NO_PROBE + PROBER_NBNS:
                case OPT_NO_PROBE + PROBER_TCP:
                case OPT_NO_PROBE + PROBER_BANNER:
                        o->no_probe[c - OPT_NO_PROBE] = true;
                        break;
                case OPT_PORTS:
                case OPT_PAYLOAD: {
                        uint16_t *ports = c == OPT_PORTS ? o->probes.ports : o->probes.payload_ports;
                        size_t *n = c == OPT_PORTS ? &o->probes.n_ports : &o->probes.n_payload_ports;
                        if (prober_parse_ports(optarg, ports, PROBER_PORTS_MAX, n) < 0)
                                return cmd_usage_error("%s '%s': want ports 1-65535 such as 22,80,8000-8010 "
                                                       "(at most %u)", c == OPT_PORTS ? "--ports" :
                                                       "--payload-ports", optarg, PROBER_PORTS_MAX);
                        break;
                }
                case OPT_PROBES: {
                        char err[256];
                        struct config *cf = calloc(1, sizeof(*cf));
                        if (!cf)
                                return cmd_usage_error("out of memory");
                        int r = config_set(cf, CK_PROBES, optarg, err, sizeof(err));
                        uint32_t bits = cf->probes;
                        free(cf);
                        if (r < 0)
                                return cmd_usage_error("--probes '%s': %s", optarg, err);
                        set_probes(o, bits);
                        break;
                }
                case OPT_COMMUNITY:
                        if (o->probes.n_communities == PROBER_COMMUNITIES_MAX)
                                return cmd_usage_error("at most %u --snmp-community options",
                                                       PROBER_COMMUNITIES_MAX);
                        if (!optarg[0] || strlen(optarg) > 255)
                                return cmd_usage_error("--snmp-community: want 1 to 255 characters");
                        o->probes.communities[o->probes.n_communities++] = optarg;
                        break;
                case OPT_RANGE:
                        if (o->n_ranges == SCAN_MAX_RANGES)
                                return cmd_usage_error("at most %d --range options", SCAN_MAX_RANGES);
                        if (ip4_net_parse(optarg, &o->ranges[o->n_ranges]) < 0)
                                return cmd_usage_error("--range '%s': want an IPv4 CIDR such as "
                                                       "192.0.2.0/24", optarg);
                        o->n_ranges++;
                        break;
                case OPT_EXCLUDE:
                        if (parse_mac(optarg, o->excl_macs[o->n_excl_macs])) {
                                if (++o->n_excl_macs == SCAN_MAX_EXCLUDES)
                                        return cmd_usage_error("at most %d excluded MACs",
                                                               SCAN_MAX_EXCLUDES - 1);
                        } else if (ip4_net_parse(optarg, &o->excl_nets[o->n_excl_nets]) == 0) {
                                if (++o->n_excl_nets == SCAN_MAX_EXCLUDES)
                                        return cmd_usage_error("at most %d excluded ranges",
                                                               SCAN_MAX_EXCLUDES - 1);
                        } else {
                                return cmd_usage_error("--exclude '%s': want an IPv4 CIDR or a MAC "
                                                       "address", optarg);
                        }
                        break;
                case OPT_FORCE:
                        o->force = true;
                        break;
                case OPT_RATE:
                case OPT_RETRIES:
                case OPT_TIMEOUT: {
                        static const struct { const char *name; unsigned long lo, hi; } lim[] = {
                                { "--rate", 1, PROBE_RATE_MAX },
                                { "--retries", 0, PROBE_RETRIES_MAX },
                                { "--timeout", 1, PROBE_TIMEOUT_MS_MAX },
                        };
                        int k = c - OPT_RATE;
                        errno = 0;
                        unsigned long v = strtoul(optarg, &end, 10);
                        if (errno || *end || optarg[0] < '0' || optarg[0] > '9' || v < lim[k].lo ||
                            v > lim[k].hi)
                                return cmd_usage_error("%s '%s': want a number from %lu to %lu",
                                                       lim[k].name, optarg, lim[k].lo, lim[k].hi);
                        if (c == OPT_RATE)
                                o->pacer.rate_pps = (uint32_t)v;
                        else if (c == OPT_RETRIES)
                                o->pacer.retries = (uint32_t)v;
                        else
                                o->pacer.timeout_us = v * 1000ull;
                        break;
                }
                case OPT_DRYRUN:
                        o->dry_run = true;
                        break;
                case OPT_STATEDIR:
                        o->state_dir = optarg;
                        break;
                case OPT_SITE:
                        o->site = optarg;
                        break;
                case OPT_ASOF:
                        o->as_of = eol_parse_date(optarg);
                        if (o->as_of < 0)
                                return cmd_usage_error("--as-of '%s': want a date, YYYY-MM-DD", optarg);
                        break;
                case OPT_FAILEOL:
                        o->fail_on_eol = true;
                        break;
                case OPT_NOIDENT:
                        o->no_identify = true;
                        break;
                case OPT_PUSH:
                        o->push_url = optarg;
                        break;
                case OPT_PUSHFMT:
                        if (strcmp(optarg, "json") != 0 && strcmp(optarg, "glpi") != 0)
                                return cmd_usage_error("--push-format '%s': want json or glpi", optarg);
                        o->push_format = optarg;
                        break;
                case OPT_TOKEN:
                        o->token_file = optarg;
                        break;
                case OPT_CA:
                        o->ca_file = optarg;
                        break;
                case OPT_SPOOL:
                        o->spool_dir = optarg;
                        break;
                case OPT_FORGET:
                case OPT_STALE: {
                        errno = 0;
                        unsigned long v = strtoul(optarg, &end, 10);
                        if (errno || *end || optarg[0] < '0' || optarg[0] > '9' || v < 1 || v > 36500)
                                return cmd_usage_error("%s '%s': want days, from 1 to 36500",
                                                       c == OPT_FORGET ? "--forget-after" : "--stale",
                                                       optarg);
                        if (c == OPT_FORGET)
                                o->forget_after = (uint32_t)v;
                        else
                                o->stale_days = (uint32_t)v;
                        break;
                }
                case 'f':
                        o->format = out_format_parse(optarg);
                        if (o->format == OUT_FORMAT_MAX)
                                return cmd_usage_error("--format '%s': want table, json, ndjson or csv",
                                                       optarg);
                        o->format_set = true;
                        break;
                case 'o':
                        o->output = optarg;
                        break;
                case OPT_MAXDEV: {
                        errno = 0;
                        unsigned long long v = strtoull(optarg, &end, 10);
                        if (errno || *end || v == 0 || v > UINT32_MAX - 1 || optarg[0] == '-')
                                return cmd_usage_error("--max-devices '%s': want a number from 1",
                                                       optarg);
                        o->max_devices = (size_t)v;
                        break;
                }
                case OPT_OUI:
                        o->oui = optarg;
                        break;
                case OPT_USER:
                        o->user = optarg;
                        break;
                case OPT_NOPROMISC:
                        o->promisc = false;
                        break;
                case OPT_COLOR:
                        if (cmd_parse_color(optarg, &o->color) < 0)
                                return -1;
                        break;
                case 'q':
                        o->quiet = true;
                        break;
                case 'v':
                        o->verbose = true;
                        break;
                case 'h':
                        usage(stdout);
                        return 1;
                default:
                        return cmd_option_error(c, "scan", argv);
                }
        }
        if (optind < argc && !iface_cli) {
                o->iface = argv[optind++];
                iface_cli = true;
        }
        if (o->read && !iface_cli)
                o->iface = NULL;        /* --read wins over the configured interface */
        if (optind < argc)
                return cmd_usage_error("unexpected argument '%s' (try: netinv scan --help)",
                                       argv[optind]);
        if (o->iface && o->read)
                return cmd_usage_error("give an interface or --read FILE, not both");
        if (!o->iface && !o->read)
                return cmd_usage_error("no interface given (try: netinv scan eth0, or --read FILE)");
        if (o->iface && strlen(o->iface) >= IF_NAMESIZE)
                return cmd_usage_error("'%s': interface names are shorter than %d characters",
                                       o->iface, IF_NAMESIZE);
        if (o->read && (o->n_ranges || o->dry_run))
                return cmd_usage_error("--range and --dry-run need an interface, not --read");
        if (o->passive && o->n_ranges)
                return cmd_usage_error("--range sweeps, --passive sends nothing: not both");
        if (o->n_ranges && !scan_active(o))
                return cmd_usage_error("--range names what the probes ask: not with every probe off");
        return 0;
}

static int open_capture(const struct scan_opts *o, struct capture **cap)
{
        struct capture_open_err e = { 0 };
        const char *what = o->iface ? o->iface : o->read;
        int r = o->iface ? capture_open_live(o->iface, true, o->promisc, cap, &e)
                         : capture_open_file(o->read, cap, &e);
        if (r == 0)
                return 0;
        switch (e.why) {
        case CAPTURE_FAIL_NO_DEVICE:
                cmd_error("'%s': no such interface (try: ip -br link)", what);
                return NETINV_EXIT_USAGE;
        case CAPTURE_FAIL_PERM:
                cmd_error("capturing on '%s' needs root or CAP_NET_RAW (try: sudo netinv scan %s, "
                          "or setcap cap_net_raw,cap_net_admin+ep on the binary)", what, what);
                return NETINV_EXIT_FAILURE;
        case CAPTURE_FAIL_NOT_FOUND:
                cmd_error("'%s': no such file", what);
                return NETINV_EXIT_USAGE;
        case CAPTURE_FAIL_FORMAT:
                cmd_error("'%s': not a readable pcap or pcapng file (%s)", what, e.msg);
                return NETINV_EXIT_FAILURE;
        case CAPTURE_FAIL_LINKTYPE:
                cmd_error("'%s': %s", what, e.msg);
                return NETINV_EXIT_FAILURE;
        default:
                cmd_error("'%s': cannot open capture: %s", what, e.msg);
                return NETINV_EXIT_FAILURE;
        }
}

static void progress(const struct arp_sweep *sw, bool sweeping, bool done)
{
        struct arp_sweep_stats st = { 0 };
        if (done) {
                fputs("\r\033[K", stderr);
                return;
        }
        if (sw)
                arp_sweep_stats(sw, &st);
        if (sweeping)
                fprintf(stderr, "\rnetinv: ARP sweep: %llu of %llu addresses answered, %llu requests sent\033[K",
                        (unsigned long long)st.answered, (unsigned long long)st.targets,
                        (unsigned long long)st.sent);
        else
                fprintf(stderr, "\rnetinv: %llu addresses answered; asking them who they are\033[K",
                        (unsigned long long)st.answered);
}

#define SCAN_POLL_MAX 256       /* the capture and the probes' sockets */

/* Read (and probe) until the end: the probes' end, the deadline, a signal,
 * or the end of the file. 0, or an exit code. */
static int run_capture(const struct scan_opts *o, struct capture *cap, struct pipeline *pl,
                       uint64_t *dropped)
{
        int fd = capture_fd(cap);
        uint64_t start = mono_usec(), last_progress = 0;
        bool sweeping = pl->sweep != NULL, probing = pl->prober != NULL;
        bool show = (sweeping || probing) && !o->quiet && isatty(STDERR_FILENO);
        bool active = sweeping || probing;
        /* Listening alone has --duration (30 s by default); a probing scan
         * ends with its probes unless --duration was given. */
        uint64_t deadline = (!active || o->duration_set) ? start + (uint64_t)(o->duration * 1e6)
                                                         : UINT64_MAX;
        struct pollfd pfd[SCAN_POLL_MAX];
        int ret = 0;

        if (probing && !sweeping)
                prober_hosts_done(pl->prober, start);
        for (;;) {
                uint64_t now = fd >= 0 ? mono_usec() : 0, wake = deadline;
                if (sweeping) {
                        uint64_t w = UINT64_MAX;
                        int r = arp_sweep_run(pl->sweep, now, &w);
                        if (r < 0) {
                                cmd_error("'%s': ARP sweep stopped: %s", o->iface, strerror(-r));
                                ret = NETINV_EXIT_FAILURE;
                        }
                        if (r != 0) {
                                sweeping = false;
                                if (probing)
                                        prober_hosts_done(pl->prober, now);
                        } else if (w < wake) {
                                wake = w;
                        }
                }
                if (probing) {
                        uint64_t w = UINT64_MAX;
                        if (prober_run(pl->prober, now, &w))
                                probing = false;
                        else if (w < wake)
                                wake = w;
                }
                if (active && !sweeping && !probing) {
                        active = false;
                        if (!o->duration_set)
                                deadline = now;     /* read what is queued, then stop */
                        wake = deadline;
                }
                if (show && (now - last_progress >= SCAN_PROGRESS_US || !active)) {
                        progress(pl->sweep, sweeping, !active);
                        last_progress = now;
                        if (!active)
                                show = false;
                }
                if (stop_requested)
                        break;
                size_t nfd = 0, nprobe = 0;
                if (fd >= 0) {
                        if (now > deadline)
                                break;
                        pfd[nfd++] = (struct pollfd){ .fd = fd, .events = POLLIN };
                        if (probing)
                                nprobe = prober_pollfds(pl->prober, pfd + 1, SCAN_POLL_MAX - 1);
                        nfd += nprobe;
                        uint64_t left = wake > now ? wake - now : 0;
                        if (left > CAPTURE_POLL_MS * 1000ull)
                                left = CAPTURE_POLL_MS * 1000ull;
                        struct timespec ts = { (time_t)(left / 1000000u), (long)(left % 1000000u) * 1000 };
                        int pr = ppoll(pfd, nfd, &ts, NULL);
                        if (pr < 0 && errno != EINTR) {
                                cmd_error("'%s': poll: %s", o->iface, strerror(errno));
                                ret = NETINV_EXIT_FAILURE;
                                break;
                        }
                        if (pr > 0 && nprobe)
                                prober_ready(pl->prober, pfd + 1, nprobe, mono_usec());
                        if (pl->oom) {
                                cmd_error("out of memory while building the inventory");
                                ret = NETINV_EXIT_FAILURE;
                                break;
                        }
                        if (pr <= 0 || !(pfd[0].revents & (POLLIN | POLLERR | POLLHUP))) {
                                if (now == deadline)
                                        break;
                                continue;
                        }
                }
                long n = capture_dispatch(cap, on_frame, pl);
                if (pl->oom) {
                        cmd_error("out of memory while building the inventory");
                        ret = NETINV_EXIT_FAILURE;
                        break;
                }
                if (n == -1)
                        break;
                if (n == -2) {
                        /* What was read so far is still written out. */
                        cmd_error("'%s': %s (results cover the %llu packets before it)",
                                  o->iface ? o->iface : o->read, capture_error(cap),
                                  (unsigned long long)pl->st.frames);
                        ret = NETINV_EXIT_FAILURE;
                        break;
                }
        }
        if (show)
                progress(pl->sweep, sweeping, true);
        *dropped = capture_dropped(cap);
        return ret;
}

/* What the state adds to the document and the table. */
struct state_out {
        const struct scan_opts *o;
        struct state_run *run;
        struct change_list *changes;
        uint64_t now;
};

static int annotate_json(struct cJSON *doc, void *user)
{
        struct state_out *so = user;
        return state_annotate_json(doc, so->changes, so->run->st, so->now, so->o->stale_days,
                                   so->run->agent_id, so->o->site);
}

static void annotate_table(FILE *f, void *user)
{
        struct state_out *so = user;
        if (so->changes->n)
                changes_table(f, so->changes);
}

/* Before the privilege drop: lock and load the state, and hand its
 * directory to the user the scan will run as (it saves there after the
 * drop). 0 or an exit code. */
static int state_begin(const struct scan_opts *o, struct state_run *run)
{
        char err[512];
        int r = state_run_begin(o->state_dir, o->max_devices, now_usec(), run, err, sizeof(err));
        if (r == -EWOULDBLOCK) {
                cmd_error("%s", err);
                return NETINV_EXIT_TEMPFAIL;
        }
        if (r < 0) {
                cmd_error("%s", err);
                return NETINV_EXIT_FAILURE;
        }
        if (run->set_aside)
                cmd_warn("%s; kept as '%s', starting a new inventory", err, run->aside);
        uid_t uid;
        gid_t gid;
        if (geteuid() == 0 && priv_lookup(o->user, &uid, &gid) == 0 &&
            chown(o->state_dir, uid, gid) < 0) {
                cmd_error("'%s': cannot hand the state directory to uid %u: %s", o->state_dir,
                          (unsigned)uid, strerror(errno));
                return NETINV_EXIT_FAILURE;
        }
        return 0;
}

int cmd_scan(int argc, char **argv)
{
        struct scan_opts o = { 0 };
        struct capture *cap = NULL;
        struct oui_db *oui = NULL;
        struct pipeline pl = { 0 };
        struct scan_info si = { 0 };
        struct probe_iface ifc;
        struct probe_plan plan = { 0 };
        struct arp_sweep *sweep = NULL;
        struct prober *prober = NULL;
        struct prober_env penv = { 0 };
        FILE *out = stdout;
        char host[256] = "";
        struct state_run run = { .lock_fd = -1 };
        struct change_list changes = { 0 };
        bool have_state = false;
        struct identify_rules *rules = NULL;
        struct eol_db *eoldb = NULL;
        struct eol_verdict *verdicts = NULL;
        size_t past_eol = 0;
        struct ident_texts texts = { 0 };
        char spool[1100] = "";
        char *secret = NULL;
        struct config *cfg = malloc(sizeof(*cfg));
        int ret;

        if (!cfg) {
                cmd_error("out of memory");
                return NETINV_EXIT_FAILURE;
        }
        scan_defaults(&o);
        ret = scan_config(argc, argv, cfg, &o);
        if (ret) {
                free(cfg);
                return ret;
        }
        ret = parse_args(argc, argv, &o);
        if (ret) {
                free(cfg);
                return ret > 0 ? NETINV_EXIT_OK : NETINV_EXIT_USAGE;
        }
        cmd_quiet = o.quiet;
        if (!o.format_set)
                o.format = (!o.output && isatty(STDOUT_FILENO)) ? OUT_TABLE : OUT_JSON;
        if (scan_active(&o)) {
                ret = scan_plan(&o, &ifc, &plan);
                if (ret)
                        goto out;
                if (o.dry_run) {
                        scan_plan_print(stdout, &o, &ifc, &plan);
                        ret = fflush(stdout) == 0 ? NETINV_EXIT_OK : NETINV_EXIT_FAILURE;
                        goto out;
                }
        } else if (o.dry_run) {
                printf("interface  %s\nprobes     none (--passive): nothing is sent\n", o.iface);
                goto out;
        }

        pl.sink = malloc(sizeof(*pl.sink));
        pl.inv = inventory_new(o.max_devices);
        if (!pl.sink || !pl.inv) {
                cmd_error("out of memory");
                ret = NETINV_EXIT_FAILURE;
                goto out;
        }
        memset(pl.sink, 0, sizeof(*pl.sink));

        /* Everything that needs privileges or the file system first. */
        if (!o.oui || strcmp(o.oui, "none") != 0) {
                int r = oui_load(o.oui, &oui);
                if (r < 0 && o.oui) {
                        cmd_error("'%s': cannot read OUI file: %s", o.oui, strerror(-r));
                        ret = NETINV_EXIT_USAGE;
                        goto out;
                }
                if (r < 0)
                        cmd_warn("no IEEE OUI file found; vendors stay empty (install ieee-data, or --oui FILE)");
                else if (o.verbose)
                        cmd_info("OUI: %zu prefixes from %s", oui_count(oui), oui_source(oui));
        }
        ret = open_capture(&o, &cap);
        if (ret)
                goto out;
        if (scan_active(&o) && !o.no_arp && plan.n_targets) {
                char why[LIBNET_WHY_MAX];
                int r = arp_sweep_open(o.iface, &sweep, why, sizeof(why));
                if (r < 0) {
                        cmd_error("'%s': cannot open the ARP sender: %s", o.iface, why);
                        ret = NETINV_EXIT_FAILURE;
                        goto out;
                }
        }
        if (scan_active(&o) && scan_probers(&o)) {
                char why[LIBNET_WHY_MAX + 32];
                bool on[PROBER_N];
                for (int i = 0; i < PROBER_N; i++)
                        on[i] = !o.no_probe[i];
                o.probes.rate_pps = o.pacer.rate_pps;
                o.probes.retries = o.pacer.retries;
                o.probes.timeout_ms = (uint32_t)(o.pacer.timeout_us / 1000);
                penv = (struct prober_env){ .ifc = &ifc, .ifindex = (int)if_nametoindex(o.iface),
                                            .plan = &plan, .opts = &o.probes,
                                            .emit = on_emit, .emit_user = &pl };
                penv.has_ip6_ll = prober_ip6_linklocal(o.iface, penv.ip6_ll) == 0;
                int r = prober_open(&penv, on, &prober, why, sizeof(why));
                if (r < 0) {
                        cmd_error("'%s': cannot open the probes: %s", o.iface, why);
                        ret = NETINV_EXIT_FAILURE;
                        goto out;
                }
        }
        if (o.output) {
                out = fopen(o.output, "we");
                if (!out) {
                        cmd_error("'%s': cannot write: %s", o.output, strerror(errno));
                        out = stdout;
                        ret = NETINV_EXIT_FAILURE;
                        goto out;
                }
        }
        gethostname(host, sizeof(host) - 1);
        if (!o.no_identify) {
                ret = load_knowledge(&o, &rules, &eoldb);
                if (ret)
                        goto out;
        }
        if (o.state_dir) {
                ret = state_begin(&o, &run);
                if (ret)
                        goto out;
                have_state = true;
        }
        if (o.push_url) {
                ret = push_begin(&o, spool, sizeof(spool), &secret);
                if (ret)
                        goto out;
        }

        /* Only now parse hostile bytes, and never as root. */
        if (o.iface || geteuid() == 0) {
                struct priv_result pr;
                char why[256];
                if (priv_drop(o.user, &pr, why, sizeof(why)) < 0) {
                        cmd_error("cannot drop privileges: %s", why);
                        ret = NETINV_EXIT_FAILURE;
                        goto out;
                }
                if (o.verbose)
                        cmd_info("privileges dropped: uid %u gid %u%s%s, no capabilities, no_new_privs",
                                 (unsigned)pr.uid, (unsigned)pr.gid, pr.changed_ids ? " user " : "",
                                 pr.changed_ids ? pr.user : "");
        }

        struct sigaction sa = { .sa_handler = on_signal };
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);

        uuid_v4(si.id, sizeof(si.id));
        si.started_usec = now_usec();
        if (sweep || prober)
                memcpy(pl.own_mac, ifc.mac, 6);
        if (prober) {
                pl.prober = prober;
                prober_start(prober, mono_usec());
        }
        if (sweep) {
                if (arp_sweep_start(sweep, ifc.mac, &plan, &o.pacer, mono_usec()) < 0) {
                        cmd_error("out of memory");
                        ret = NETINV_EXIT_FAILURE;
                        goto out;
                }
                pl.sweep = sweep;
                if (o.verbose)
                        cmd_info("ARP sweep of %zu addresses at %u packets/s", plan.n_targets,
                                 (unsigned)o.pacer.rate_pps);
        }
        if (o.verbose)
                cmd_info("%s '%s' (%s)%s", o.iface ? "listening on" : "reading",
                         o.iface ? o.iface : o.read, capture_linktype_name(cap),
                         o.iface ? "" : "");
        uint64_t t0 = mono_usec();
        ret = run_capture(&o, cap, &pl, &si.packets_dropped);
        si.finished_usec = now_usec();
        if (sweep) {
                struct arp_sweep_stats st;
                if (arp_sweep_results(sweep, pl.inv, &st) < 0) {
                        cmd_error("out of memory while building the inventory");
                        ret = NETINV_EXIT_FAILURE;
                }
                if (st.unsent && !stop_requested)
                        cmd_warn("ARP sweep: %llu addresses were never asked (deadline)",
                                 (unsigned long long)st.unsent);
                if (o.verbose)
                        cmd_info("ARP sweep: %llu addresses, %llu requests sent, %llu answered, "
                                 "%llu alive, %llu proxies, %llu ENOBUFS back-offs; the scan took %.3f s",
                                 (unsigned long long)st.targets, (unsigned long long)st.sent,
                                 (unsigned long long)st.answered, (unsigned long long)st.alive,
                                 (unsigned long long)st.proxies, (unsigned long long)st.enobufs,
                                 (double)(mono_usec() - t0) / 1e6);
        }

        pl.sweep = NULL;
        pl.prober = NULL;
        inventory_set_vendors(pl.inv, oui);
        inventory_sort(pl.inv);
        if (rules && identify_and_judge(&o, rules, eoldb, pl.inv, &verdicts, &past_eol) < 0) {
                cmd_error("out of memory while identifying devices");
                ret = NETINV_EXIT_FAILURE;
                goto out;
        }
        si.interface = o.iface;
        si.file = o.read;
        si.hostname = host;
        si.version = NETINV_VERSION;
        si.oui_source = oui_source(oui);
        si.packets_seen = pl.st.frames;
        si.packets_truncated = pl.st.by_res[DISSECT_TRUNCATED];
        si.packets_malformed = pl.st.by_res[DISSECT_MALFORMED] + si.packets_truncated;
        si.inv = inventory_stats(pl.inv);
        struct state_out so = { .o = &o, .run = &run, .changes = &changes, .now = now_usec() };
        if (have_state) {
                texts.inv = pl.inv;
                texts.os_text = calloc(inventory_count(pl.inv) + 1, sizeof(*texts.os_text));
                if (!texts.os_text) {
                        cmd_error("out of memory while merging the state");
                        ret = NETINV_EXIT_FAILURE;
                        goto out;
                }
                state_set_ident(run.st, state_ident, &texts);
                if (state_merge(run.st, pl.inv, so.now, &changes) < 0) {
                        cmd_error("out of memory while merging the state");
                        ret = NETINV_EXIT_FAILURE;
                        goto out;
                }
                if (o.forget_after)
                        state_forget(run.st, so.now, o.forget_after);
                si.annotate_json = annotate_json;
                si.annotate_table = annotate_table;
                si.annotate_user = &so;
        }
        int color = o.color >= 0 ? o.color : (out == stdout && isatty(STDOUT_FILENO) && !getenv("NO_COLOR"));
        int w = output_write(out, o.format, &si, pl.inv, color);
        if (w < 0) {
                cmd_error("'%s': cannot write the result: %s", o.output ? o.output : "stdout",
                          strerror(-w));
                ret = NETINV_EXIT_FAILURE;
        }
        if (out != stdout && fclose(out) != 0 && !ret) {
                cmd_error("'%s': cannot write the result: %s", o.output, strerror(errno));
                ret = NETINV_EXIT_FAILURE;
        }
        out = stdout;
        bool scan_done = ret == 0;      /* the state is saved even if the push waits */
        if (o.push_url && ret == 0) {
                /* Without a state directory the agent's id lives beside the
                 * spool, so that the register still tells agents apart. */
                if (!run.agent_id[0] && state_agent_id(spool, run.agent_id, sizeof(run.agent_id)) < 0)
                        run.agent_id[0] = '\0';
                ret = push_after(&o, &si, pl.inv, spool, secret,
                                 run.agent_id[0] ? run.agent_id : NULL);
        }
        if (o.fail_on_eol && past_eol && ret == 0)
                ret = NETINV_EXIT_EOL;
        if (o.verbose)
                cmd_info("%llu packets, %llu malformed, %zu devices",
                         (unsigned long long)si.packets_seen,
                         (unsigned long long)si.packets_malformed, inventory_count(pl.inv));
        if (have_state) {
                char err[512];
                have_state = false;
                if (state_run_end(&run, scan_done, now_usec(), err, sizeof(err)) < 0) {
                        cmd_error("%s", err);
                        ret = NETINV_EXIT_FAILURE;
                }
        }
out:
        if (have_state) {
                char err[512];
                state_run_end(&run, false, now_usec(), err, sizeof(err));
        }
        change_list_done(&changes);
        if (out != stdout)
                fclose(out);
        prober_free(prober);
        arp_sweep_free(sweep);
        probe_plan_done(&plan);
        capture_close(cap);
        oui_free(oui);
        inventory_free(pl.inv);
        free(verdicts);
        free(texts.os_text);
        if (secret) {
                explicit_bzero(secret, strlen(secret));
                free(secret);
        }
        identify_free(rules);
        eol_db_free(eoldb);
        free(pl.sink);
        free(cfg);
        return ret;
}
