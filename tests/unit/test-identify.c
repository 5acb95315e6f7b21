/* test-identify.c - the identification engine and its rules.
 *
 * 1. The shipped rules (NETINV_DATA_DIR/identify) load.
 * 2. Table-driven: every row of tests/data/identify-cases.tsv (real-world
 *    strings) alone on a device gives the expected family, name, version,
 *    type and end-of-life lookup.
 * 3. Combination: weak signals agree and raise the confidence, a specific
 *    signal beats a vague one, conflicts lower it, a disputed version is
 *    dropped, evidence names the observations and rules.
 * 4. The parser: every error names file:line; caps and unsafe regexes are
 *    refused; good small rule texts do what the grammar says.
 * 5. identify_inventory on a real capture (mdns-avahi.pcap, dhcp-udhcpc.pcap).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netinv/capture.h"
#include "netinv/eol.h"
#include "netinv/identify.h"
#include "netinv/inventory.h"
#include "testlib.h"

static const uint8_t mac1[6] = { 0x00, 0x1a, 0xa1, 0x00, 0x00, 0x01 };

/* The key's source protocol, as the dissectors and probes emit it. */
static enum proto key_source(const char *key)
{
        static const struct { const char *prefix; enum proto p; } m[] = {
                { "dhcpv6.", PROTO_DHCPV6 }, { "dhcp.", PROTO_DHCP }, { "mdns.", PROTO_MDNS },
                { "lldp.", PROTO_LLDP }, { "cdp.", PROTO_CDP }, { "ssdp.", PROTO_SSDP },
                { "ssh.", PROTO_SSH }, { "http.", PROTO_HTTP }, { "ntlm.", PROTO_SMB },
                { "smb.", PROTO_SMB }, { "snmp.", PROTO_SNMP }, { "tcp.", PROTO_TCP },
                { "ip.", PROTO_TCP }, { "icmp6.", PROTO_ICMP },
        };
        for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
                if (strncmp(key, m[i].prefix, strlen(m[i].prefix)) == 0)
                        return m[i].p;
        return PROTO_ARP;
}

/* Add key=value (or a host name, or the vendor) to the device of mac. */
static void put(struct inventory *inv, const uint8_t mac[6], const char *key, const char *val)
{
        static struct obs_sink s;
        obs_sink_reset(&s);
        if (strcmp(key, "hostname") == 0) {
                obs_hostname(&s, mac, PROTO_DHCP, val, strlen(val));
        } else if (strcmp(key, "vendor") == 0) {
                obs_attr_str(&s, mac, PROTO_ARP, "arp.announce", "198.18.0.9");
        } else {
                obs_attr_str(&s, mac, key_source(key), key, val);
        }
        CHECK_INT(inventory_add_sink(inv, &s, 1700000000000000ull), 0);
        if (strcmp(key, "vendor") == 0)
                inventory_find(inv, mac)->vendor = val;
}

static const char *dash(const char *s)
{
        return s[0] ? s : "-";
}

static struct identify_rules *load_shipped(void)
{
        const char *dirs[4];
        char buf[4096], err[512] = "";
        struct identify_rules *r = NULL;
        size_t n = identify_default_dirs(NULL, dirs, buf, sizeof(buf));
        int e = identify_load(dirs, n, &r, err, sizeof(err));
        if (!CHECK_INT(e, 0))
                fprintf(stderr, "load: %s\n", err);
        return r;
}

/* Case file rows: key, value, family, name, version, type, eol product, eol version. */
/* The shipped end-of-life tables, to check that every product the rules
 * hand to eol_judge() has a table (a typo would silently judge "unknown"). */
static struct eol_db *eol_shipped(void)
{
        static char dir[4096];
        const char *env = getenv("NETINV_DATA_DIR");
        snprintf(dir, sizeof(dir), "%s/eol", env ? env : "data");
        const char *dirs[] = {dir};
        struct eol_db *db = NULL;
        CHECK_INT(eol_db_load(dirs, 1, "/nonexistent-distro-info", &db), 0);
        return db;
}

/* Products identification names that deliberately have no table
 * (data/eol/SOURCES.md, "Not shipped"): their verdict is unknown. */
static bool not_shipped(const char *product)
{
        return strcmp(product, "cisco-asa") == 0;
}

static void test_cases(const struct identify_rules *r)
{
        struct eol_db *edb = eol_shipped();
        FILE *f = fopen(t_data("identify-cases.tsv"), "r");
        char line[2048];
        unsigned rows = 0, lineno = 0;
        static struct identity_buf b;

        if (!CHECK(f != NULL))
                return;
        while (fgets(line, sizeof(line), f)) {
                char *col[8], *save = NULL, *p = line;
                int n = 0;
                lineno++;
                line[strcspn(line, "\r\n")] = '\0';
                if (!line[0] || line[0] == '#')
                        continue;
                for (char *t; n < 8 && (t = strtok_r(p, "\t", &save)); p = NULL)
                        col[n++] = t;
                if (!CHECK_INT(n, 8)) {
                        fprintf(stderr, "identify-cases.tsv:%u: %d columns\n", lineno, n);
                        continue;
                }
                struct inventory *inv = inventory_new(4);
                put(inv, mac1, col[0], col[1]);
                struct device *d = inventory_find(inv, mac1);
                CHECK_INT(identify_device(r, d, &b), 0);
                const struct identity *id = &b.id;
                bool ok = true;
                ok &= CHECK_STR(dash(id->family), col[2]);
                ok &= CHECK_STR(dash(id->name), col[3]);
                ok &= CHECK_STR(dash(id->version), col[4]);
                ok &= CHECK_STR(id->type ? identify_type_name((enum dev_type)id->type) : "-", col[5]);
                ok &= CHECK_STR(dash(id->eol_product), col[6]);
                ok &= CHECK_STR(dash(id->eol_version), col[7]);
                if (edb && id->eol_product[0] && !not_shipped(id->eol_product))
                        ok &= CHECK(eol_db_find(edb, id->eol_product) >= 0);
                /* something found: its evidence is the observation */
                if (id->family[0] || id->type)
                        ok &= CHECK(id->n_evidence >= 1);
                if (!id->family[0])
                        ok &= CHECK_INT(id->confidence, 0);
                if (!ok) {
                        fprintf(stderr, "identify-cases.tsv:%u: %s \"%s\"\n", lineno, col[0], col[1]);
                        identify_explain(stderr, d, id);
                }
                inventory_free(inv);
                rows++;
        }
        fclose(f);
        eol_db_free(edb);
        /* the issue asks for at least 150 real strings */
        CHECK(rows >= 150);
        printf("%u identity strings checked\n", rows);
}

static const struct identity *ident_of(const struct identify_rules *r, struct inventory *inv,
                                       struct identity_buf *b)
{
        CHECK_INT(identify_device(r, inventory_find(inv, mac1), b), 0);
        return &b->id;
}

static void test_combine(const struct identify_rules *r)
{
        static struct identity_buf b;
        const struct identity *id;
        unsigned alone;

        /* weak signals agree: TTL 128 + PRL + MSFT 5.0 → more than the best alone */
        struct inventory *inv = inventory_new(4);
        put(inv, mac1, "dhcp.vendor_class", "MSFT 5.0");
        alone = ident_of(r, inv, &b)->confidence;
        put(inv, mac1, "dhcp.prl", "1,3,6,15,31,33,43,44,46,47,119,121,249,252");
        put(inv, mac1, "ip.ttl", "128");
        id = ident_of(r, inv, &b);
        CHECK_STR(id->family, "Windows");
        CHECK(id->confidence > alone);
        CHECK_STR(id->name, "");
        /* then a build number names the release */
        put(inv, mac1, "ntlm.os_version", "10.0.19045");
        id = ident_of(r, inv, &b);
        CHECK_STR(id->name, "Windows 10 22H2");
        CHECK_STR(id->version, "10.0.19045");
        CHECK_STR(id->build, "19045");
        CHECK_STR(id->eol_product, "windows");
        CHECK(id->confidence >= 95);
        CHECK_STR(identify_type_name((enum dev_type)id->type), "workstation");
        /* every signal is evidence, and backs the result */
        CHECK_INT(id->n_evidence, 4);
        for (size_t i = 0; i < id->n_evidence; i++)
                CHECK(id->evidence[i].used);
        CHECK_STR(id->evidence[0].rule, "ntlm-windows-10");
        inventory_free(inv);

        /* a specific signal beats a vague one: Ubuntu's package revision over
         * the dhcpcd kernel version; TTL 64 agrees (Linux is among its
         * alternatives) */
        inv = inventory_new(4);
        put(inv, mac1, "ip.ttl", "64");
        id = ident_of(r, inv, &b);
        CHECK_STR(id->family, "");      /* alternatives alone name nothing */
        put(inv, mac1, "dhcp.vendor_class", "dhcpcd-9.4.1:Linux-6.1.21-v8+:aarch64:BCM2835");
        put(inv, mac1, "ssh.banner", "SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.5");
        id = ident_of(r, inv, &b);
        CHECK_STR(id->family, "Linux");
        CHECK_STR(id->name, "Ubuntu");
        CHECK_STR(id->version, "20.04");
        CHECK_STR(id->eol_product, "ubuntu");
        CHECK_STR(id->eol_version, "20.04");
        inventory_free(inv);

        /* a conflict lowers the confidence: a Linux SSH banner on a device
         * whose DHCP says Windows */
        inv = inventory_new(4);
        put(inv, mac1, "ssh.banner", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10");
        alone = ident_of(r, inv, &b)->confidence;
        put(inv, mac1, "ip.ttl", "128");
        id = ident_of(r, inv, &b);
        CHECK_STR(id->name, "Debian");
        CHECK(id->confidence < alone);
        bool outvoted = false;
        for (size_t i = 0; i < id->n_evidence; i++)
                if (strcmp(id->evidence[i].rule, "ttl-128") == 0)
                        outvoted = !id->evidence[i].used;
        CHECK(outvoted);
        inventory_free(inv);

        /* two equally good rules disagree on the version: no version (a
         * wrong "supported" is worse than "unknown") */
        inv = inventory_new(4);
        put(inv, mac1, "ssh.banner", "SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.5");
        put(inv, mac1, "http.server", "Apache/2.4.52 (Ubuntu)");
        id = ident_of(r, inv, &b);
        CHECK_STR(id->name, "Ubuntu");
        CHECK_STR(id->version, "20.04");        /* 90 beats 65 by more than the margin */
        inventory_free(inv);
        inv = inventory_new(4);
        put(inv, mac1, "ntlm.os_version", "10.0.19045");
        put(inv, mac1, "snmp.sys_descr", "Hardware: Intel64 Family 6 Model 63 Stepping 2 AT/AT "
            "COMPATIBLE - Software: Windows Version 6.3 (Build 17763 Multiprocessor Free)");
        id = ident_of(r, inv, &b);
        CHECK_STR(id->family, "Windows");
        CHECK_STR(id->name, "");                /* 90 and 85 disagree: neither */
        CHECK_STR(id->version, "");
        CHECK_STR(id->eol_product, "");
        inventory_free(inv);

        /* other evidence picks one of a shared build's releases: IIS 8.5
         * runs on Windows Server 2012 R2 */
        inv = inventory_new(4);
        put(inv, mac1, "ntlm.os_version", "6.3.9600");
        id = ident_of(r, inv, &b);
        CHECK_STR(id->name, "Windows 8.1 or Windows Server 2012 R2");
        CHECK_STR(id->eol_product, "");
        put(inv, mac1, "http.server", "Microsoft-IIS/8.5");
        id = ident_of(r, inv, &b);
        CHECK_STR(id->name, "Windows Server 2012 R2");
        CHECK_STR(id->version, "6.3.9600");
        CHECK_STR(id->build, "9600");
        CHECK_STR(id->eol_product, "windows-server");
        CHECK_STR(id->eol_version, "6.3.9600");
        CHECK(id->confidence >= 90);
        inventory_free(inv);

        /* a shared build resolved by the SNMP service's sysObjectID (real
         * pairs from public snmpwalk outputs: 17763 with .3.1.3 on a domain
         * controller, 15063 with .3.1.1 on a workstation) */
        inv = inventory_new(4);
        put(inv, mac1, "ntlm.os_version", "10.0.17763");
        put(inv, mac1, "snmp.sys_object_id", "1.3.6.1.4.1.311.1.1.3.1.3");
        id = ident_of(r, inv, &b);
        CHECK_STR(id->name, "Windows Server 2019");
        CHECK_STR(id->version, "10.0.17763");
        CHECK_STR(id->eol_product, "windows-server");
        CHECK_STR(identify_type_name((enum dev_type)id->type), "server");
        inventory_free(inv);
        inv = inventory_new(4);
        put(inv, mac1, "ntlm.os_version", "10.0.17763");
        put(inv, mac1, "snmp.sys_object_id", ".1.3.6.1.4.1.311.1.1.3.1.1");
        id = ident_of(r, inv, &b);
        CHECK_STR(id->name, "Windows 10 1809");
        CHECK_STR(id->eol_product, "windows");
        CHECK_STR(id->eol_version, "10.0.17763");
        inventory_free(inv);
        /* ... or by a domain controller's Kerberos and LDAP ports, but not
         * by IIS alone (it runs on Windows 10 too) */
        inv = inventory_new(4);
        put(inv, mac1, "ntlm.os_version", "10.0.17763");
        put(inv, mac1, "http.server", "Microsoft-IIS/10.0");
        id = ident_of(r, inv, &b);
        CHECK_STR(id->name, "Windows 10 1809 or Windows Server 2019");
        CHECK_STR(id->eol_product, "");
        put(inv, mac1, "tcp.open", "88");
        put(inv, mac1, "tcp.open", "389");
        id = ident_of(r, inv, &b);
        CHECK_STR(id->name, "Windows Server 2019");
        CHECK_STR(id->eol_product, "windows-server");
        inventory_free(inv);

        /* a kernel version does not compete with a distribution */
        inv = inventory_new(4);
        put(inv, mac1, "snmp.sys_descr", "Linux nas 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC "
            "Debian 6.1.76-1 (2024-02-01) x86_64");
        id = ident_of(r, inv, &b);
        CHECK_STR(id->name, "Linux kernel");
        CHECK_STR(id->version, "6.1.0");
        put(inv, mac1, "http.server", "Apache/2.4.52 (Ubuntu)");
        id = ident_of(r, inv, &b);
        CHECK_STR(id->name, "Ubuntu");
        CHECK_STR(id->version, "22.04");
        CHECK_STR(id->eol_product, "ubuntu");
        inventory_free(inv);

        /* type from vendor + port: a printer vendor with 9100 is a printer */
        inv = inventory_new(4);
        put(inv, mac1, "tcp.open", "9100");
        put(inv, mac1, "vendor", "Brother Industries, LTD.");
        id = ident_of(r, inv, &b);
        CHECK_STR(identify_type_name((enum dev_type)id->type), "printer");
        CHECK(id->type_confidence >= 80);
        inventory_free(inv);

        /* the lab's avahi printer announcement */
        inv = inventory_new(4);
        put(inv, mac1, "mdns.service", "_ipp._tcp.local");
        put(inv, mac1, "mdns.txt", "_ipp._tcp.local ty=HP LaserJet Pro M404");
        put(inv, mac1, "mdns.txt", "_ipp._tcp.local product=(HP LaserJet Pro M404)");
        id = ident_of(r, inv, &b);
        CHECK_STR(identify_type_name((enum dev_type)id->type), "printer");
        inventory_free(inv);

        /* nothing known: honest unknown */
        inv = inventory_new(4);
        put(inv, mac1, "arp.probe", "198.18.0.5");
        id = ident_of(r, inv, &b);
        CHECK_INT(id->type, DEV_TYPE_UNKNOWN);
        CHECK_INT(id->confidence, 0);
        CHECK_INT(id->n_evidence, 0);
        char out[4096];
        FILE *mf = fmemopen(out, sizeof(out), "w");
        CHECK_INT(identify_explain(mf, inventory_find(inv, mac1), id), 0);
        fclose(mf);
        CHECK(strstr(out, "none: no rule matched") != NULL);
        inventory_free(inv);
}

/* Parse text; expect an error containing want (or success when NULL). */
static void parse_expect(const char *text, const char *want)
{
        struct identify_rules *r = NULL;
        char err[256] = "";
        int e = identify_parse("t.rules", text, strlen(text), &r, err, sizeof(err));
        if (!want) {
                if (!CHECK_INT(e, 0))
                        fprintf(stderr, "unexpected: %s\n", err);
        } else {
                CHECK_INT(e, -EINVAL);
                if (!CHECK(strstr(err, want) != NULL))
                        fprintf(stderr, "got '%s', want '%s'\n", err, want);
        }
        identify_free(r);
}

#define R_HEAD "rule a\n    match ssh.banner ~ \"^SSH-2\\.0-X_([0-9]+)\"\n"

static void test_parser(void)
{
        parse_expect(R_HEAD "    family X\n    confidence 50\nend\n", NULL);
        parse_expect("# only a comment\n\n", NULL);
        parse_expect("rule a\n", "t.rules:1: 'end' missing");
        parse_expect("bogus\n", "t.rules:1: expected 'rule NAME' or 'table NAME'");
        parse_expect(R_HEAD "    family X\nend\n", "t.rules:4: rule 'a' has no confidence");
        parse_expect("rule a\n    family X\n    confidence 5\nend\n", "t.rules:4: rule 'a' has no match");
        parse_expect(R_HEAD "    confidence 5\nend\n", "neither a family nor a type");
        parse_expect(R_HEAD "    family X\n    version 1\n    confidence 5\nend\n", "needs a name");
        parse_expect(R_HEAD "    family X\n    confidence 101\nend\n", "t.rules:4: confidence: want");
        parse_expect(R_HEAD "    family X\n    confidence 5x\nend\n", "confidence: want");
        parse_expect(R_HEAD "    family $2\n    confidence 5\nend\n", "$2: the first match has only 1 groups");
        parse_expect(R_HEAD "    family $x\n    confidence 5\nend\n", "'$' must be followed");
        parse_expect(R_HEAD "    type toaster\n    confidence 5\nend\n", "t.rules:3: type: unknown");
        parse_expect(R_HEAD "    family X\n    name @nosuch:$1\n    confidence 5\nend\n",
                     "rule 'a': no table 'nosuch'");
        parse_expect(R_HEAD "    frobnicate\nend\n", "t.rules:3: unknown statement");
        parse_expect("rule a\n    match ssh.banner ~ \"(\"\n", "t.rules:2: bad regular expression");
        parse_expect("rule a\n    match ssh.banner ~ \"(a)\\1\"\n", "back-references");
        parse_expect("rule a\n    match ssh.banner ~ \"(a{1,200})\"\n", "repeat count over");
        parse_expect("rule a\n    match ssh.banner ~ \"a{1}b{1}c{1}d{1}e{1}\"\n", "more than 4");
        parse_expect("rule a\n    match ssh.banner ~ \"Oki +++++Data\"\n", "a repeat right after a repeat");
        parse_expect("rule a\n    match ssh.banner ~ \"((((a+)+)+)+)\"\n", "nested more than 3");
        parse_expect("rule a\n    match ssh.banner ~ \"[(((((]+\"\n    family X\n    confidence 1\nend\n", NULL);
        /* an empty regex matches everything (fuzz-rules found a read past it) */
        parse_expect("rule a\n    match ssh.banner ~ \"\"\n    family X\n    confidence 1\nend\n", NULL);
        parse_expect("rule a\n    match ssh.banner ?? \"x\"\n", "unknown operator");
        parse_expect("rule a\n    match ssh.banner = x\n", "expected a quoted");
        parse_expect("rule a\n    match ssh.banner = \"x\n", "unterminated");
        parse_expect("rule a\n    match ssh.banner = \"\"\n", "empty pattern");
        parse_expect("rule a\n    match bad!key = \"x\"\n", "expected an observation key");
        parse_expect("rule a b\n", "unexpected text after the name");
        parse_expect("rule this-name-is-far-too-long-for-a-rule\n", "rule: want a name");
        parse_expect(R_HEAD "    family X\n    confidence 5\nend\n" R_HEAD, "rule 'a' already defined at t.rules:1");
        parse_expect("table t\nk\nend\n", "t.rules:2: table row 'k' has no value");
        parse_expect("table t\nk v\nj x\nk w\nend\n", "t.rules:4: key 'k' appears twice in table 't' (also line 2)");
        parse_expect("table t\nend\ntable t\nend\n", "table 't' already defined");
        parse_expect(R_HEAD "rule b\n", "t.rules:3: 'end' missing for the rule opened at line 1");
        char nul[] = "rule a\n    match ssh.banner = \"a\0b\"\nend\n";
        struct identify_rules *r = NULL;
        char err[256] = "";
        CHECK_INT(identify_parse("t.rules", nul, sizeof(nul) - 1, &r, err, sizeof(err)), -EINVAL);
        CHECK(strstr(err, "t.rules:2: NUL byte") != NULL);
        /* a line over the cap */
        char *longl = malloc(3000);
        memset(longl, 'x', 2999);
        longl[2999] = '\0';
        CHECK_INT(identify_parse("t.rules", longl, 2999, &r, err, sizeof(err)), -EINVAL);
        CHECK(strstr(err, "t.rules:1: line longer than") != NULL);
        free(longl);

        /* what the grammar promises: $N, lookups with defaults, CRLF,
         * several keys, conditions */
        static const char good[] =
                "# comment\r\n"
                "table rel\r\n"
                "   7   seven\r\n"
                "end\r\n"
                "rule look\r\n"
                "    match x.a|x.b ~ \"^v([0-9]+)$\"\r\n"
                "    family F\r\n"
                "    name @rel:$1|other $1\r\n"
                "    version $1.0\r\n"
                "    eol f\r\n"
                "    confidence 70\r\n"
                "end\r\n"
                "rule cond\r\n"
                "    match x.c = \"yes\"\r\n"
                "    match x.a ^= \"v\"\r\n"
                "    type router\r\n"
                "    confidence 40\r\n"
                "end\r\n";
        CHECK_INT(identify_parse("g.rules", good, sizeof(good) - 1, &r, err, sizeof(err)), 0);
        CHECK_INT(identify_rule_count(r), 2);
        static struct identity_buf b;
        struct inventory *inv = inventory_new(4);
        put(inv, mac1, "x.b", "v7");
        CHECK_INT(identify_device(r, inventory_find(inv, mac1), &b), 0);
        CHECK_STR(b.id.name, "seven");
        CHECK_STR(b.id.version, "7.0");
        CHECK_STR(b.id.eol_product, "f");
        CHECK_STR(b.id.eol_version, "7.0");
        CHECK_INT(b.id.type, DEV_TYPE_UNKNOWN);     /* x.c not seen: the condition fails */
        inventory_free(inv);
        inv = inventory_new(4);
        put(inv, mac1, "x.a", "v8");
        put(inv, mac1, "x.c", "yes");
        CHECK_INT(identify_device(r, inventory_find(inv, mac1), &b), 0);
        CHECK_STR(b.id.name, "other 8");
        CHECK_INT(b.id.type, DEV_TYPE_ROUTER);
        inventory_free(inv);
        identify_free(r);
        identify_free(NULL);
}

static void test_load_dirs(void)
{
        struct identify_rules *r = NULL;
        char err[256] = "";
        const char *none[] = { "/nonexistent/netinv-identify" };
        CHECK_INT(identify_load(none, 1, &r, err, sizeof(err)), -ENOENT);
        CHECK(strstr(err, "no rules directory") != NULL);
        const char *dirs[4];
        char buf[256];
        CHECK_INT(identify_default_dirs("/x", dirs, buf, sizeof(buf)), 1);
        CHECK_STR(dirs[0], "/x");
}

/* A device known only by its OUI: the maker's name is evidence of the
 * type and, weakly, of the family, never of a product or a version, so
 * no end-of-life verdict can follow from it. The system's own words
 * (Synology's mDNS TXT) then name DSM and its version. */
static void test_vendor_only(const struct identify_rules *r)
{
        static struct identity_buf b;
        const struct identity *id;
        static const char *const vendors[] = {"Synology Incorporated", "QNAP Systems, Inc."};

        for (size_t k = 0; k < 2; k++) {
                struct inventory *inv = inventory_new(4);
                put(inv, mac1, "vendor", vendors[k]);
                id = ident_of(r, inv, &b);
                CHECK_STR(identify_type_name((enum dev_type)id->type), "nas");
                CHECK_STR(id->family, "Linux");
                CHECK(id->confidence <= 30);
                CHECK_STR(id->name, "");
                CHECK_STR(id->version, "");
                CHECK_STR(id->eol_product, "");
                CHECK_STR(id->eol_version, "");
                inventory_free(inv);
        }

        struct inventory *inv = inventory_new(4);
        put(inv, mac1, "vendor", "Synology Incorporated");
        put(inv, mac1, "mdns.txt", "_http._tcp.local vendor=Synology");
        id = ident_of(r, inv, &b);
        CHECK_STR(id->name, "Synology DSM");
        CHECK_STR(id->version, "");
        CHECK_STR(id->eol_product, "");         /* a name without a version: still no verdict */
        put(inv, mac1, "mdns.txt", "_http._tcp.local version_major=6");
        id = ident_of(r, inv, &b);
        CHECK_STR(id->name, "Synology DSM");
        CHECK_STR(id->eol_product, "synology-dsm");
        CHECK_STR(id->eol_version, "6");
        inventory_free(inv);
}

/* The banner peers of tests/lan/identify.sh as the active scan sees them:
 * the TCP probe's SYN-ACK and TTL, the OUI, then the banner. The banner
 * names the release; the weak signals agree with it (iis answers with TTL
 * 128, as Windows does) and do not take its version away. */
static void test_banner_peers(const struct identify_rules *r)
{
        static struct identity_buf b;
        static const struct {
                const char *vendor, *ttl, *syn_ack, *port, *key, *banner;
                const char *family, *name, *version, *eol, *eol_version;
        } p[] = {
                {"VMware, Inc.", "64", "ttl=64,win=65160,mss=1460,opts=mss,sok,ts,nop,ws", "22",
                 "ssh.banner", "SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u7",
                 "Linux", "Debian", "9", "debian", "9"},
                {"VMware, Inc.", "64", "ttl=64,win=65160,mss=1460,opts=mss,sok,ts,nop,ws", "22",
                 "ssh.banner", "SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.5",
                 "Linux", "Ubuntu", "20.04", "ubuntu", "20.04"},
                {"Microsoft Corporation", "128", "ttl=128,win=65160,mss=1460,opts=mss,sok,ts,nop,ws",
                 "80", "http.server", "Microsoft-IIS/7.5",
                 "Windows", "Windows Server 2008 R2", "6.1.7601", "windows-server", NULL},
        };
        for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
                struct inventory *inv = inventory_new(4);
                put(inv, mac1, "vendor", p[i].vendor);
                put(inv, mac1, "ip.ttl", p[i].ttl);
                put(inv, mac1, "tcp.syn_ack", p[i].syn_ack);
                put(inv, mac1, "tcp.open", p[i].port);
                put(inv, mac1, p[i].key, p[i].banner);
                const struct identity *id = ident_of(r, inv, &b);
                bool ok = CHECK_STR(id->family, p[i].family);
                ok &= CHECK_STR(id->name, p[i].name);
                ok &= CHECK_STR(id->version, p[i].version);
                ok &= CHECK_STR(id->eol_product, p[i].eol);
                if (p[i].eol_version)
                        ok &= CHECK_STR(id->eol_version, p[i].eol_version);
                if (!ok)
                        identify_explain(stderr, inventory_find(inv, mac1), id);
                inventory_free(inv);
        }
}

/* Real captures through the whole path: lab-30s.pcap has the lab printer
 * (avahi announcing _ipp._tcp with ty=) and a BusyBox plug (udhcpc);
 * mdns-avahi.pcap a host announcing _device-info osxvers=21. */
static void test_capture(const struct identify_rules *r)
{
        struct t_frames fr;
        static struct obs_sink s;
        const char *files[] = { "lab-30s.pcap", "mdns-avahi.pcap" };
        struct inventory *inv = inventory_new(0);
        for (size_t k = 0; k < 2; k++) {
                if (t_load_pcap(t_capture(files[k]), &fr) < 0)
                        continue;
                for (size_t i = 0; i < fr.n; i++) {
                        obs_sink_reset(&s);
                        dissect_frame(fr.f[i].lt, fr.f[i].data, fr.f[i].len, fr.f[i].ts, &s);
                        inventory_add_sink(inv, &s, fr.f[i].ts);
                }
                t_frames_free(&fr);
        }
        CHECK_INT(identify_inventory(r, inv), 0);
        unsigned printers = 0, macs = 0, busybox = 0;
        for (size_t i = 0; i < inventory_count(inv); i++) {
                const struct device *d = inventory_get(inv, i);
                if (!CHECK(d->ident != NULL))
                        continue;
                if (d->ident->type == DEV_TYPE_PRINTER)
                        printers++;
                if (strcmp(d->ident->name, "macOS 12 Monterey") == 0 &&
                    strcmp(d->ident->version, "12") == 0)
                        macs++;
                if (strcmp(d->ident->name, "BusyBox") == 0)
                        busybox++;
        }
        CHECK(printers >= 1);
        CHECK(macs >= 1);
        CHECK(busybox >= 1);
        /* identifying twice replaces, does not leak (ASan) */
        CHECK_INT(identify_inventory(r, inv), 0);
        inventory_free(inv);
}

int main(void)
{
        struct identify_rules *r = load_shipped();
        if (!r)
                return t_done();
        CHECK(identify_rule_count(r) >= 100);
        test_cases(r);
        test_combine(r);
        test_vendor_only(r);
        test_banner_peers(r);
        test_parser();
        test_load_dirs();
        test_capture(r);
        identify_free(r);
        return t_done();
}
