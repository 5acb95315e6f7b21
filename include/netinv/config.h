/* config.h - the configuration file (/etc/netinv/netinv.conf, man netinv.conf(5)).
 *
 * Syntax: INI-like lines "key = value"; "#" or ";" start a comment line; a
 * "[push]" or "[listen]" section header makes the following keys
 * "push.<key>" or "listen.<key>" (a dotted
 * key works anywhere too). Every key is typed and range-checked; the first
 * problem is one line "FILE:LINE: KEY: what is wrong". A struct config holds
 * plain values (fixed-size strings, no heap), so it can be copied and freed
 * by going out of scope. The command line overrides it: config_is_set()
 * says which keys the file set.
 */
#ifndef NETINV_CONFIG_H
#define NETINV_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CONFIG_DEFAULT_PATH     "/etc/netinv/netinv.conf"
#define CONFIG_STATE_DIR        "/var/lib/netinv"

/* A file is a handful of lines: anything bigger is not a config file. */
#define CONFIG_FILE_MAX         (1024u * 1024u)
#define CONFIG_LINE_MAX         4096u
#define CONFIG_PATH_MAX         1024u
#define CONFIG_STR_MAX          256u
#define CONFIG_LIST_MAX         64u     /* ranges, exclude, ports */

/* Every key, in the order of the man page. */
enum config_key {
        CK_INTERFACE, CK_RANGES, CK_EXCLUDE, CK_PASSIVE, CK_PROBES, CK_RATE, CK_RETRIES,
        CK_TIMEOUT, CK_PORTS, CK_DURATION, CK_PROMISC, CK_FORMAT, CK_OUTPUT, CK_COLOR,
        CK_QUIET, CK_VERBOSE, CK_MAX_DEVICES, CK_OUI, CK_USER, CK_STATE_DIR, CK_SPOOL_DIR,
        CK_SITE, CK_AS_OF, CK_FAIL_ON_EOL, CK_FORGET_AFTER, CK_STALE, CK_SYSLOG,
        CK_PUSH_URL, CK_PUSH_TOKEN_FILE, CK_PUSH_CA_FILE, CK_PUSH_CLIENT_CERT,
        CK_PUSH_CLIENT_KEY, CK_PUSH_FORMAT, CK_PUSH_INTERVAL, CK_PUSH_ON_NEW,
        CK_PUSH_SPOOL_MAX_MB, CK_PUSH_CONNECT_TIMEOUT, CK_PUSH_TIMEOUT,
        CK_LISTEN_SAVE_INTERVAL,
        CK_MAX
};

/* Active probe methods (the "probes" key); bit (1 << enum config_probe). */
enum config_probe {
        PROBE_ARP, PROBE_NDP, PROBE_MDNS, PROBE_SSDP, PROBE_NBNS, PROBE_TCP, PROBE_SSH,
        PROBE_HTTP, PROBE_SMB, PROBE_RDP, PROBE_SNMP, PROBE_UPNP,
        PROBE_MAX
};
#define CONFIG_PROBES_ALL ((1u << PROBE_MAX) - 1)

enum config_color { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER, COLOR_MAX };
/* The values of "format" are those of out_format_parse() (output.h): the
 * same order, so (enum out_format)cfg.format works. */
enum config_format { CFMT_TABLE, CFMT_JSON, CFMT_NDJSON, CFMT_CSV, CFMT_MAX };
enum config_push_format { PUSH_FMT_NETINV, PUSH_FMT_GLPI, PUSH_FMT_MAX };

struct config_net {             /* an address with a prefix length */
        uint8_t family;         /* 4 or 6 */
        uint8_t prefix;         /* 0..32 / 0..128 */
        uint8_t addr[16];       /* host bits cleared */
};

struct config_ports {           /* an inclusive range; a single port has lo == hi */
        uint16_t lo, hi;
};

struct config {
        char interface[16];                     /* IF_NAMESIZE */
        size_t n_ranges, n_exclude, n_ports;
        struct config_net ranges[CONFIG_LIST_MAX];
        struct config_net exclude[CONFIG_LIST_MAX];
        struct config_ports ports[CONFIG_LIST_MAX];
        bool passive;
        uint32_t probes;                        /* bits of enum config_probe */
        uint32_t rate;                          /* packets per second */
        uint32_t retries;
        double timeout;                         /* seconds, per probe */
        double duration;                        /* seconds of listening */
        bool promisc;
        int format;                             /* enum config_format; CFMT_MAX: auto */
        char output[CONFIG_PATH_MAX];           /* "" = standard output */
        int color;                              /* enum config_color */
        bool quiet, verbose;
        uint32_t max_devices;
        char oui[CONFIG_PATH_MAX];              /* "" = search; "none" = off */
        char user[64];                          /* "" = netinv, else nobody */
        char state_dir[CONFIG_PATH_MAX];
        char spool_dir[CONFIG_PATH_MAX];        /* "" = <state_dir>/spool */
        char site[CONFIG_STR_MAX];
        int32_t as_of;                          /* days since the epoch; -1 = today */
        bool fail_on_eol;
        uint32_t forget_after;                  /* days; 0 = keep for ever */
        uint32_t stale;                         /* days */
        bool syslog;
        struct {
                char url[CONFIG_PATH_MAX];      /* "" = no push */
                char token_file[CONFIG_PATH_MAX];
                char ca_file[CONFIG_PATH_MAX];
                char client_cert[CONFIG_PATH_MAX];
                char client_key[CONFIG_PATH_MAX];
                int format;                     /* enum config_push_format */
                double interval;                /* seconds between pushes (listen) */
                bool on_new;                    /* listen: push soon after a new device */
                uint32_t spool_max_mb;
                double connect_timeout, timeout;        /* seconds */
        } push;
        struct {
                double save_interval;           /* seconds between state saves */
        } listen;
        bool set[CK_MAX];                       /* which keys the file gave */
};

/* Fill *ret with the defaults (the man page's). */
void config_defaults(struct config *ret);

/* Read a config file over the defaults. path NULL means
 * CONFIG_DEFAULT_PATH, which may be missing (then *ret holds the defaults);
 * a named file must exist. 0; or -errno with a one-line message in err
 * ("FILE: cannot read: ..." or "FILE:LINE: KEY: ..."). *ret is written only
 * on success. */
int config_load(const char *path, struct config *ret, char *err, size_t errlen);
/* The same over a buffer; `name` is used in messages. */
int config_parse(const char *name, const char *buf, size_t len, struct config *ret, char *err,
                 size_t errlen);

/* Write every key of c in the syntax config_parse reads (a round trip
 * gives the same struct). 0 or -EIO. */
int config_write(FILE *f, const struct config *c);

/* Key names ("push.url"); CK_MAX when unknown. */
const char *config_key_name(enum config_key k);
enum config_key config_key_from_name(const char *name);
bool config_is_set(const struct config *c, enum config_key k);

/* Parse one value of key k into c, as the file would (for command-line
 * options that share the file's syntax: --ranges, --probes, --ports).
 * 0, or -EINVAL with the reason (no file/line) in err. */
int config_set(struct config *c, enum config_key k, const char *value, char *err,
               size_t errlen);

const char *config_probe_name(enum config_probe p);

#endif
