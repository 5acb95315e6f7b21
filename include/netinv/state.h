/* state.h - the persistent inventory in the state directory.
 *
 * <state_dir>/state.json holds every device seen by earlier scans: first and
 * last sight, the MACs it used, and bounded histories of its addresses, host
 * names, OS and end-of-life verdict (opaque strings supplied by the
 * identification through a hook). Each scan merges its inventory into it and
 * gets the list of changes. The file is JSON (schema "netinv-state/1"),
 * written atomically (temporary file, fsync, rename, fsync of the
 * directory) and fully validated when loaded.
 *
 * Also here: the run lock (<state_dir>/lock, flock) and the agent id
 * (<state_dir>/agent-id, a UUID created once).
 *
 * The state owns its devices and all their strings. Functions return 0 or a
 * count, negative errno on failure; messages go to err buffers, never to
 * stderr.
 */
#ifndef NETINV_STATE_H
#define NETINV_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "netinv/inventory.h"

#define STATE_SCHEMA            "netinv-state/1"
#define STATE_VERSION           1
#define STATE_FILE              "state.json"
#define STATE_LOCK_FILE         "lock"
#define STATE_AGENT_ID_FILE     "agent-id"

/* Histories keep the 16 most recently seen values of each kind: enough for
 * a laptop's networks, bounded for a device that announces a new name every
 * minute. */
#define STATE_HIST_MAX          16u
#define STATE_MACS_MAX          16u
#define STATE_VALUE_MAX         256u    /* bytes of one stored value */
/* The state file is read whole: 65536 devices with full histories stay
 * under this. */
#define STATE_FILE_MAX          (512u * 1024u * 1024u)

enum state_hist_kind {
        SH_IPV4, SH_IPV6, SH_HOSTNAME, SH_OS, SH_EOL,
        SH_CLIENT_ID,           /* dhcp.client_id */
        SH_DUID,                /* dhcpv6.duid */
        SH_FINGERPRINT,         /* dhcp.prl "|" dhcp.vendor_class */
        SH_MAX
};

struct state_value {
        char *v;                        /* owned, NUL-terminated, <= STATE_VALUE_MAX */
        uint64_t first_seen, last_seen; /* µs since the epoch */
        uint64_t last_scan;             /* the merge that last saw it */
};

struct state_hist {
        uint8_t n;
        struct state_value e[STATE_HIST_MAX];   /* unordered */
};

struct state_mac {
        uint8_t mac[6];
        uint64_t first_seen, last_seen;
};

struct state_device {
        uint8_t mac[6];                 /* the MAC it used last */
        bool mac_random;                /* locally administered unicast */
        uint8_t n_macs;
        struct state_mac macs[STATE_MACS_MAX];  /* every MAC it used, mac included */
        uint64_t first_seen, last_seen; /* µs */
        uint64_t identified;            /* OS last confirmed; 0 never */
        uint64_t last_scan;             /* the merge ("now") that last saw it */
        char *vendor;                   /* owned; NULL unknown */
        struct state_hist h[SH_MAX];
};

struct state_stats {
        uint64_t devices_evicted;       /* max_devices reached: least recently seen dropped */
        uint64_t values_evicted;        /* histories full: oldest value dropped */
};

struct state {
        size_t max_devices;
        size_t n, cap;
        struct state_device **dev;      /* owned, in order of first sight */
        uint64_t created, updated;      /* µs */
        uint64_t last_merge;            /* "now" of the latest merge; 0 never */
        struct state_stats stats;
        /* What the identification concluded about a device, for the os and
         * eol histories; NULL: nothing known. Set with state_set_ident. */
        void (*ident)(const struct device *d, void *user, const char **ret_os,
                      const char **ret_eol);
        void *ident_user;
};

enum change_kind { CH_NEW, CH_GONE, CH_IP, CH_HOSTNAME, CH_OS, CH_EOL, CH_MAC, CH_KIND_MAX };

struct change {
        enum change_kind kind;
        uint8_t mac[6];
        char *before, *after;           /* owned; NULL: none */
};

struct change_list {
        size_t n, cap;
        struct change *c;
};

const char *change_kind_name(enum change_kind k);
void change_list_done(struct change_list *l);

struct state *state_new(size_t max_devices);
void state_free(struct state *st);
void state_set_ident(struct state *st,
                     void (*fn)(const struct device *, void *, const char **, const char **),
                     void *user);

/* Read <dir>/state.json. A missing file gives an empty state. 0; -EBADMSG
 * for a file that is not a valid state (why in err, "FILE: ..."), or
 * -errno. max_devices: 0 means the default; a file with more devices keeps
 * the most recently seen. */
int state_load(const char *dir, size_t max_devices, struct state **ret, char *err,
               size_t errlen);
/* The same over a buffer (the fuzz target). */
int state_parse(const char *buf, size_t len, size_t max_devices, struct state **ret,
                char *err, size_t errlen);
/* Rename a broken state.json to state.json.broken-<UTC time>; the new
 * name in ret_name. 0 or -errno. */
int state_set_aside(const char *dir, uint64_t now, char *ret_name, size_t n);
/* Write <dir>/state.json atomically and durably. 0 or -errno. */
int state_save(const struct state *st, const char *dir, uint64_t now);
/* The document state_save writes; the caller cJSON_Delete()s it. */
struct cJSON *state_to_json(const struct state *st);

/* One device as the state file holds it (also `netinv inventory`'s JSON). */
struct cJSON *state_device_json(const struct state_device *d);

/* Print the inventory (`netinv inventory`) as a table, a JSON document,
 * NDJSON or CSV (enum out_format). */
struct state_print {
        uint64_t now;                   /* µs */
        uint32_t stale_days;            /* what counts as stale */
        bool only_stale;                /* --stale: list only those */
        bool color;
        const char *agent_id, *site, *hostname, *version;
};
int state_print(FILE *f, int format, const struct state *st, const struct state_print *o);

/* Add to a scan's JSON document what the state knows: "changes" (top
 * level, changes_json), "scan.stale" {days, devices} (the count of stale
 * devices), and "agent.id" / "agent.site" when given. Objects that are
 * missing are created. 0 or -ENOMEM. */
int state_annotate_json(struct cJSON *doc, const struct change_list *l, const struct state *st,
                        uint64_t now, uint32_t stale_days, const char *agent_id,
                        const char *site);

/* Merge one scan's inventory seen at `now` (µs). Appends to *ret what
 * changed relative to the previous state (the caller initialises it to
 * zero and frees it with change_list_done). Random MACs are linked to
 * the device they belong to when strong evidence says so (man netinv(8),
 * STATE). 0 or -ENOMEM. */
int state_merge(struct state *st, const struct inventory *inv, uint64_t now,
                struct change_list *ret);
/* Drop the devices not seen for `days` days before now. The count dropped. */
size_t state_forget(struct state *st, uint64_t now, uint32_t days);
/* Not seen, or not re-identified, for `days` days before now. */
bool state_device_stale(const struct state_device *d, uint64_t now, uint32_t days);
size_t state_count_stale(const struct state *st, uint64_t now, uint32_t days);
/* The most recently seen value of a history; NULL when empty. */
const struct state_value *state_latest(const struct state_hist *h);
struct state_device *state_find(const struct state *st, const uint8_t mac[6]);

/* Locally administered unicast: a randomised ("private") MAC. */
bool mac_is_random(const uint8_t mac[6]);

/* The changes as the scan document's "changes" array, and as table lines
 * ("  new    aa:bb:..  -> 198.18.0.5"). */
struct cJSON *changes_json(const struct change_list *l);
void changes_table(FILE *f, const struct change_list *l);

/* Take <dir>/lock (created 0644) with flock, without waiting. 0 and the fd
 * (keep it open for the whole run); -EWOULDBLOCK when another run holds it
 * (its pid in *ret_pid when known, else 0); other -errno. */
int state_lock(const char *dir, int *ret_fd, long *ret_pid);
void state_unlock(int fd);

/* A run that writes the state, in two calls (what scan and listen do):
 * state_run_begin creates the directory (0750), takes the lock, reads or
 * creates the agent id and loads the state; a state.json that does not
 * load is moved aside (set_aside true, its new name in aside, the reason
 * in err) and a new, empty inventory begins. 0; -EWOULDBLOCK when another
 * run holds the lock (err: "another netinv run (pid N) is using 'DIR'; try
 * again later"); or -errno, with a one-line message in err. */
struct state_run {
        const char *dir;                /* the caller's */
        int lock_fd;
        struct state *st;
        char agent_id[40];
        bool set_aside;
        char aside[4160];
};
int state_run_begin(const char *dir, size_t max_devices, uint64_t now, struct state_run *ret,
                    char *err, size_t errlen);
/* Save the state (when save) and release everything; r is cleared. 0, or
 * the save's -errno with a message in err (the lock is released anyway). */
int state_run_end(struct state_run *r, bool save, uint64_t now, char *err, size_t errlen);

/* The agent's id: <dir>/agent-id, created once (a random UUID, written
 * atomically; two first runs at once agree on one). buf >= 37.
 * 0, -EBADMSG when the file holds no UUID, or -errno. */
int state_agent_id(const char *dir, char *buf, size_t n);

/* Create dir (mode 0750) if missing. 0 or -errno. */
int state_dir_create(const char *dir);

#endif
