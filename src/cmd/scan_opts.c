/* scan_opts.c - the options of `netinv scan`: its defaults, the
 * configuration file (netinv.conf(5)) and the command line over it, and the
 * parts that `netinv listen` shares (scan_opts_from_config,
 * scan_common_option, SCAN_COMMON_OPTIONS in scan.h).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "netinv/config.h"
#include "netinv/eol.h"
#include "netinv/inventory.h"
#include "netinv/util.h"
#include "scan.h"

#define SCAN_DURATION_DEFAULT 30        /* seconds of listening without --duration */
/* The guides ask for a review at least every six months (man netinv(8)). */
#define SCAN_STALE_DAYS_DEFAULT 180

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

void scan_defaults(struct scan_opts *o)
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
int scan_config(int argc, char **argv, struct config *cfg, struct scan_opts *o)
{
        const char *path = scan_config_path(argc, argv);
        char err[512];

        if (config_load(path, cfg, err, sizeof(err)) < 0) {
                cmd_error("%s", err);
                return NETINV_EXIT_USAGE;
        }
        scan_opts_from_config(cfg, o);
#define SET(k) config_is_set(cfg, (k))
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
        if (SET(CK_FORMAT) && cfg->format != CFMT_MAX) {
                o->format = (enum out_format)cfg->format;
                o->format_set = true;
        }
        if (SET(CK_OUTPUT) && cfg->output[0])
                o->output = cfg->output;
        if (SET(CK_COLOR))
                o->color = cfg->color == COLOR_ALWAYS ? 1 : cfg->color == COLOR_NEVER ? 0 : -1;
        if (SET(CK_FAIL_ON_EOL))
                o->fail_on_eol = cfg->fail_on_eol;
        /* syslog = yes: messages go to syslog too (a scan from cron or a
         * timer has no one reading its stderr). */
        if (SET(CK_SYSLOG))
                cmd_syslog(cfg->syslog);
#undef SET
        return 0;
}

int scan_parse_args(int argc, char **argv, struct scan_opts *o)
{
        enum { OPT_PASSIVE = 256, OPT_COLOR, OPT_NOARP, OPT_RANGE, OPT_EXCLUDE, OPT_FORCE,
               OPT_RATE, OPT_RETRIES, OPT_TIMEOUT, OPT_DRYRUN, OPT_FAILEOL,
               OPT_PORTS, OPT_PAYLOAD, OPT_COMMUNITY, OPT_PROBES,
               OPT_NO_PROBE /* + enum probe_id: keep last */ };
        static const struct option lo[] = {
                { "interface", required_argument, NULL, 'i' },
                { "read", required_argument, NULL, 'r' },
                { "passive", no_argument, NULL, OPT_PASSIVE },
                { "duration", required_argument, NULL, 'd' },
                { "format", required_argument, NULL, 'f' },
                { "output", required_argument, NULL, 'o' },
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
                { "config", required_argument, NULL, 'c' },
                SCAN_COMMON_OPTIONS,
                { "fail-on-eol", no_argument, NULL, OPT_FAILEOL },
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
                case OPT_FAILEOL:
                        o->fail_on_eol = true;
                        break;
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
                default: {
                        int r = scan_common_option(c, optarg, o);
                        if (r < 0)
                                return -1;
                        if (r == 0)
                                return cmd_option_error(c, "scan", argv);
                }
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


/* ---- shared with netinv listen ---- */

/* The keys scan and listen share (netinv.conf(5)); each command reads its
 * own keys after these. */
void scan_opts_from_config(const struct config *cfg, struct scan_opts *o)
{
#define SET(k) config_is_set(cfg, (k))
        if (SET(CK_INTERFACE) && cfg->interface[0])
                o->iface = cfg->interface;
        if (SET(CK_PROMISC))
                o->promisc = cfg->promisc;
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
        if (SET(CK_AS_OF) && cfg->as_of >= 0) {
                o->as_of = cfg->as_of;
                o->as_of_set = true;
        }
#undef SET
}

/* --config FILE or -c FILE (NULL: the default file), found before the
 * other options are parsed. */
const char *scan_config_path(int argc, char **argv)
{
        const char *path = NULL;
        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--") == 0)
                        break;
                if ((strcmp(argv[i], "--config") == 0 || strcmp(argv[i], "-c") == 0) && i + 1 < argc)
                        path = argv[++i];
                else if (strncmp(argv[i], "--config=", 9) == 0)
                        path = argv[i] + 9;
        }
        return path;
}

int scan_common_option(int c, const char *arg, struct scan_opts *o)
{
        char *end;
        switch (c) {
        case SOPT_STATEDIR:
                o->state_dir = arg;
                return 1;
        case SOPT_SITE:
                o->site = arg;
                return 1;
        case SOPT_ASOF:
                o->as_of = eol_parse_date(arg);
                if (o->as_of < 0)
                        return cmd_usage_error("--as-of '%s': want a date, YYYY-MM-DD", arg);
                o->as_of_set = true;
                return 1;
        case SOPT_NOIDENT:
                o->no_identify = true;
                return 1;
        case SOPT_PUSH:
                o->push_url = arg;
                return 1;
        case SOPT_PUSHFMT:
                if (strcmp(arg, "json") != 0 && strcmp(arg, "glpi") != 0)
                        return cmd_usage_error("--push-format '%s': want json or glpi", arg);
                o->push_format = arg;
                return 1;
        case SOPT_TOKEN:
                o->token_file = arg;
                return 1;
        case SOPT_CA:
                o->ca_file = arg;
                return 1;
        case SOPT_SPOOL:
                o->spool_dir = arg;
                return 1;
        case SOPT_FORGET:
        case SOPT_STALE: {
                errno = 0;
                unsigned long v = strtoul(arg, &end, 10);
                if (errno || *end || arg[0] < '0' || arg[0] > '9' || v < 1 || v > 36500)
                        return cmd_usage_error("%s '%s': want days, from 1 to 36500",
                                               c == SOPT_FORGET ? "--forget-after" : "--stale", arg);
                if (c == SOPT_FORGET)
                        o->forget_after = (uint32_t)v;
                else
                        o->stale_days = (uint32_t)v;
                return 1;
        }
        case SOPT_MAXDEV: {
                errno = 0;
                unsigned long long v = strtoull(arg, &end, 10);
                if (errno || *end || v == 0 || v > UINT32_MAX - 1 || arg[0] == '-')
                        return cmd_usage_error("--max-devices '%s': want a number from 1", arg);
                o->max_devices = (size_t)v;
                return 1;
        }
        case SOPT_OUI:
                o->oui = arg;
                return 1;
        case SOPT_USER:
                o->user = arg;
                return 1;
        case SOPT_NOPROMISC:
                o->promisc = false;
                return 1;
        default:
                return 0;
        }
}
