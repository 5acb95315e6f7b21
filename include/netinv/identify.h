/* identify.h - from a device's observations to {type, os}.
 *
 * Knowledge lives in rule files (data/identify/NAME.rules, grammar in
 * netinv-rules(5)), not in code: each rule matches one observation key
 * (plus optional conditions) and proposes facts (family, name, version,
 * build, type) with a confidence. The engine combines the proposals of one
 * device: agreeing weak signals raise the family's confidence, a specific
 * proposal (a build number, a package revision) beats a vague one (a TTL),
 * a conflict lowers the confidence, and a version that two rules dispute is
 * left out ("unknown" is an honest answer; a wrong version is not).
 *
 * Ownership: identify_load returns rules the caller frees with
 * identify_free. identify_device writes into a caller-owned struct identity;
 * identify_inventory gives each device a malloc'd identity (device->ident,
 * owned by the device, freed by the inventory). Evidence refers to the
 * device's observations by index and to the rule's name inside the rules
 * (as device->vendor points into the OUI table): keep the rules loaded
 * while identities are printed.
 */
#ifndef NETINV_IDENTIFY_H
#define NETINV_IDENTIFY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct device;
struct inventory;

/* Device types; the JSON spelling is identify_type_name(). */
enum dev_type {
        DEV_TYPE_UNKNOWN,
        DEV_TYPE_WORKSTATION,
        DEV_TYPE_PHONE,
        DEV_TYPE_TABLET,
        DEV_TYPE_PRINTER,
        DEV_TYPE_NAS,
        DEV_TYPE_SWITCH,
        DEV_TYPE_ROUTER,
        DEV_TYPE_FIREWALL,
        DEV_TYPE_ACCESS_POINT,
        DEV_TYPE_CAMERA,
        DEV_TYPE_IOT,
        DEV_TYPE_SERVER,
        DEV_TYPE_MEDIA,         /* TV, streaming stick, speaker */
        DEV_TYPE_VOIP,          /* desk phone */
        DEV_TYPE_HYPERVISOR,
        DEV_TYPE_MAX
};

const char *identify_type_name(enum dev_type t);
/* DEV_TYPE_MAX when unknown. */
enum dev_type identify_type_from_name(const char *s);

/* Text sizes, NUL included: 65,536 identities must stay small (the issue's
 * budget is 32 MiB with the end-of-life verdicts). Longer text is cut. */
#define IDENT_FAMILY_MAX        24      /* "Windows", "Linux", "macOS", "Cisco IOS XE" */
#define IDENT_NAME_MAX          48      /* "Windows 10 1809 or Windows Server 2019" */
#define IDENT_VERSION_MAX       24      /* "10.0.19045", "15.0(2)SE11", "20.4R3-S7.2" */
#define IDENT_BUILD_MAX         16
#define IDENT_RULE_NAME_MAX     32      /* rule names this long or longer are a parse error */
#define IDENT_EVIDENCE_MAX      12      /* evidence kept per device */

/* Where a piece of evidence came from, besides an observation. */
#define IDENT_EV_VENDOR         0xffff  /* the OUI vendor */
#define IDENT_EV_HOSTNAME_BASE  0xff00  /* + index into device->hostnames */

struct ident_evidence {
        const char *rule;               /* the rule's name, inside the rules */
        uint16_t obs;                   /* index into device->obs, or IDENT_EV_* */
        uint8_t confidence;             /* what the rule proposed */
        uint8_t used;                   /* 1: it backs a fact in the result */
};

struct identity {
        uint8_t type;                   /* enum dev_type */
        uint8_t type_confidence;        /* 0-100 */
        uint8_t confidence;             /* of the os facts, 0-100; 0 = nothing known */
        uint8_t n_evidence;
        char family[IDENT_FAMILY_MAX];  /* "" = unknown */
        char name[IDENT_NAME_MAX];
        char version[IDENT_VERSION_MAX];
        char build[IDENT_BUILD_MAX];
        /* what to hand eol_judge() (eol.h), "" when no verdict is possible */
        char eol_product[IDENT_FAMILY_MAX];
        char eol_version[IDENT_VERSION_MAX];
        /* n_evidence entries. From identify_inventory: in the same
         * allocation, right after the struct; from identify_device: the
         * caller's array of IDENT_EVIDENCE_MAX (struct identity_buf). */
        struct ident_evidence *evidence;
};

/* An identity with room for the most evidence, for identify_device. */
struct identity_buf {
        struct identity id;
        struct ident_evidence ev[IDENT_EVIDENCE_MAX];
};

struct identify_rules;

/* Load every *.rules and *.table file of the first directory in dirs[]
 * that exists (an admin's directory replaces the shipped one; a file named
 * in a later directory is not mixed in). 0; -ENOENT when none exists;
 * -EINVAL on a parse error, with "file:line: what" in err; -errno. */
int identify_load(const char *const dirs[], size_t n, struct identify_rules **ret,
                  char *err, size_t errlen);
/* Parse one rule text (what a file holds) into rules; `name` is used in
 * messages. Same returns as identify_load. For tests and the fuzzer. */
int identify_parse(const char *name, const char *text, size_t len,
                   struct identify_rules **ret, char *err, size_t errlen);
void identify_free(struct identify_rules *r);
size_t identify_rule_count(const struct identify_rules *r);

/* The default search order: dir (--rules-dir, may be NULL),
 * $NETINV_DATA_DIR/identify, DATADIR/netinv/identify, /etc/netinv/identify.
 * Fills dirs[] (up to 4, pointing into buf) and returns the count. */
size_t identify_default_dirs(const char *dir, const char *dirs[4], char *buf, size_t buflen);

/* Identify one device into buf->id (always written; confidence 0 and type
 * unknown when nothing matched); buf->id.evidence points to buf->ev.
 * 0, or -EINVAL. No allocation. */
int identify_device(const struct identify_rules *r, const struct device *d,
                    struct identity_buf *buf);
/* Identify every device, storing a malloc'd identity on each (replacing an
 * older one). 0, or -ENOMEM (devices done so far keep theirs). */
int identify_inventory(const struct identify_rules *r, struct inventory *inv);

/* Where evidence e of device d came from: the source ("dhcp", "ssh", or
 * "oui" / "host" for the vendor and host names), key and value. */
int identify_evidence(const struct device *d, const struct ident_evidence *e, const char **src,
                      const char **key, const char **val, size_t *len);

/* The evidence chain for people: every observation that a rule matched,
 * the rule, what it proposed, and the result. 0 or -EIO. */
int identify_explain(FILE *f, const struct device *d, const struct identity *id);

#endif
