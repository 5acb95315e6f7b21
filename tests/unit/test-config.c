/* test-config.c - the configuration file (config/config.c).
 *
 * Every key: set to a value other than its default, written back with
 * config_write and read again, giving the same struct (the round trip);
 * named in man/netinv.conf.5 and in contrib/netinv.conf.example, which
 * parses. Syntax: sections, dotted keys, comments, quoting, CRLF. Values:
 * lists normalised, ranges enforced. Every malformation gives the
 * documented one-line error "FILE:LINE: KEY: ...". Files: a missing default
 * is the defaults, a missing named file, a directory or an unreadable file
 * is an error naming the file.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netinv/config.h"
#include "testlib.h"

/* Every key set away from its default. */
static const char every_key[] =
        "# every key\n"
        "interface = eth1\n"
        "ranges = 198.18.0.7/24, 2001:db8::1/64 198.19.0.1\n"
        "exclude = 198.18.0.1\n"
        "passive = yes\n"
        "probes = arp ndp,mdns\n"
        "rate = 50\n"
        "retries = 0\n"
        "timeout = 1.5\n"
        "ports = 22, 80, 8000-8080\n"
        "duration = 2m\n"
        "promisc = no\n"
        "format = ndjson\n"
        "output = /var/tmp/out.json\n"
        "color = never\n"
        "quiet = true\n"
        "verbose = on\n"
        "max_devices = 1000\n"
        "oui = none\n"
        "user = netinv\n"
        "state_dir = /srv/netinv\n"
        "spool_dir = /srv/spool\n"
        "site = \"Head office, 2nd floor \\\"east\\\"\"\n"
        "as_of = 2026-01-31\n"
        "fail_on_eol = 1\n"
        "forget_after = 400\n"
        "stale = 90\n"
        "syslog = yes\n"
        "[push]\n"
        "url = https://register.example/api/inventory\n"
        "token_file = /etc/netinv/token\n"
        "ca_file = /etc/netinv/ca.pem\n"
        "client_cert = /etc/netinv/agent.pem\n"
        "client_key = /etc/netinv/agent.key\n"
        "format = glpi\n"
        "interval = 1h\n"
        "spool_max_mb = 10\n"
        "connect_timeout = 5\n"
        "timeout = 30s\n"
        "on_new = yes\n"
        "[listen]\n"
        "save_interval = 5m\n";

static bool same(const struct config *a, const struct config *b)
{
        struct config x = *a, y = *b;
        memset(x.set, 0, sizeof(x.set));
        memset(y.set, 0, sizeof(y.set));
        return memcmp(&x, &y, sizeof(x)) == 0;
}

static void roundtrip(const struct config *c)
{
        char *buf = NULL, err[512] = "";
        size_t len = 0;
        struct config back;
        FILE *f = open_memstream(&buf, &len);
        CHECK_INT(config_write(f, c), 0);
        fclose(f);
        int r = config_parse("written", buf, len, &back, err, sizeof(err));
        CHECK_INT(r, 0);
        if (r)
                fprintf(stderr, "%s\n%s", err, buf);
        CHECK(r == 0 && same(c, &back));
        free(buf);
}

static void test_every_key(void)
{
        struct config c, d;
        char err[512] = "";
        config_defaults(&d);
        CHECK_INT(config_parse("t.conf", every_key, strlen(every_key), &c, err, sizeof(err)), 0);
        CHECK_STR(err, "");
        for (unsigned k = 0; k < CK_MAX; k++) {
                CHECK(c.set[k]);
                CHECK(!d.set[k]);
                CHECK_INT(config_key_from_name(config_key_name((enum config_key)k)), k);
        }
        CHECK_STR(c.interface, "eth1");
        CHECK_INT(c.n_ranges, 3);
        CHECK_INT(c.ranges[0].family, 4);
        CHECK_INT(c.ranges[0].prefix, 24);
        CHECK_INT(c.ranges[0].addr[3], 0);              /* host bits cleared */
        CHECK_INT(c.ranges[1].family, 6);
        CHECK_INT(c.ranges[1].addr[15], 0);
        CHECK_INT(c.ranges[2].prefix, 32);
        CHECK_INT(c.n_exclude, 1);
        CHECK(c.passive && !c.promisc && c.quiet && c.verbose && c.fail_on_eol && c.syslog);
        CHECK_INT(c.probes, (1u << PROBE_ARP) | (1u << PROBE_NDP) | (1u << PROBE_MDNS));
        CHECK_INT(c.rate, 50);
        CHECK_INT(c.retries, 0);
        CHECK(c.timeout == 1.5);
        CHECK_INT(c.n_ports, 3);
        CHECK(c.ports[2].lo == 8000 && c.ports[2].hi == 8080 && c.ports[0].hi == 22);
        CHECK(c.duration == 120.0);
        CHECK_INT(c.format, CFMT_NDJSON);
        CHECK_INT(c.color, COLOR_NEVER);
        CHECK_INT(c.max_devices, 1000);
        CHECK_STR(c.oui, "none");
        CHECK_STR(c.site, "Head office, 2nd floor \"east\"");
        CHECK_INT(c.as_of, 20484);                      /* 2026-01-31 */
        CHECK_INT(c.forget_after, 400);
        CHECK_INT(c.stale, 90);
        CHECK_STR(c.push.url, "https://register.example/api/inventory");
        CHECK_STR(c.push.client_key, "/etc/netinv/agent.key");
        CHECK_INT(c.push.format, PUSH_FMT_GLPI);
        CHECK(c.push.interval == 3600.0 && c.push.timeout == 30.0 && c.push.connect_timeout == 5.0);
        CHECK_INT(c.push.spool_max_mb, 10);
        CHECK(c.push.on_new && !d.push.on_new);
        CHECK(c.listen.save_interval == 300.0 && d.listen.save_interval == 60.0);
        /* Every value differs from its default (so the round trip can fail). */
        CHECK(c.rate != d.rate && c.retries != d.retries && c.timeout != d.timeout &&
              c.duration != d.duration && c.format != d.format && c.color != d.color &&
              c.max_devices != d.max_devices && strcmp(c.state_dir, d.state_dir) &&
              c.as_of != d.as_of && c.forget_after != d.forget_after && c.stale != d.stale &&
              c.push.format != d.push.format && c.push.interval != d.push.interval &&
              c.push.spool_max_mb != d.push.spool_max_mb && c.probes != d.probes);
        roundtrip(&c);
        roundtrip(&d);
        c.probes = 0;
        roundtrip(&c);

        /* Defaults (the man page's). */
        CHECK_STR(d.state_dir, "/var/lib/netinv");
        CHECK_STR(d.spool_dir, "");
        CHECK_INT(d.max_devices, 65536);
        CHECK_INT(d.stale, 183);
        CHECK_INT(d.forget_after, 0);
        CHECK_INT(d.as_of, -1);
        CHECK_INT(d.format, CFMT_MAX);
        CHECK_INT(d.probes, CONFIG_PROBES_ALL);
        CHECK(d.promisc && !d.passive);
}

static void test_syntax(void)
{
        struct config c;
        char err[512];
        static const char s1[] =
                "  ; a comment\r\n"
                "\t# another\r\n"
                "\r\n"
                "site = a#b   # comment, and a#b keeps its hash\r\n"
                "push.url = http://x/ ; comment\r\n"
                "[push]\n"
                "timeout = \"12\"  # quoted numbers are numbers\n"
                "[netinv]\n"
                "user=\"\\\\nobody\"\n"
                "probes = none\n"
                "ranges =\n"
                "rate = 10\n"
                "rate = 20\n";
        CHECK_INT(config_parse("s1", s1, strlen(s1), &c, err, sizeof(err)), 0);
        CHECK_STR(c.site, "a#b");
        CHECK_STR(c.push.url, "http://x/");
        CHECK(c.push.timeout == 12.0);
        CHECK_STR(c.user, "\\nobody");
        CHECK_INT(c.probes, 0);
        CHECK_INT(c.n_ranges, 0);
        CHECK_INT(c.rate, 20);                          /* the last one wins */
        CHECK(config_is_set(&c, CK_RATE) && !config_is_set(&c, CK_RETRIES));
        /* No newline at the end; an empty file. */
        CHECK_INT(config_parse("s2", "rate = 7", 8, &c, err, sizeof(err)), 0);
        CHECK_INT(c.rate, 7);
        CHECK_INT(config_parse("s3", "", 0, &c, err, sizeof(err)), 0);
        CHECK_INT(c.rate, 200);

        /* config_set: the same values from a command line. */
        CHECK_INT(config_set(&c, CK_PORTS, "443", err, sizeof(err)), 0);
        CHECK(c.n_ports == 1 && c.ports[0].lo == 443);
        CHECK_INT(config_set(&c, CK_PORTS, "0", err, sizeof(err)), -EINVAL);
        CHECK_STR(err, "'0' is not a port or range (1-65535)");
}

static void test_errors(void)
{
        static const struct {
                const char *text, *err;
        } cases[] = {
                { "bogus = 1\n", "f.conf:1: bogus: unknown key" },
                { "\n\nrate = 0\n", "f.conf:3: rate: '0' is not a number from 1 to 100000" },
                { "rate = 100001\n", "f.conf:1: rate: '100001' is not a number from 1 to 100000" },
                { "rate = -1\n", "f.conf:1: rate: '-1' is not a number from 1 to 100000" },
                { "rate = 1e3\n", "f.conf:1: rate: '1e3' is not a number from 1 to 100000" },
                { "rate =\n", "f.conf:1: rate: '' is not a number from 1 to 100000" },
                { "retries = 11\n", "f.conf:1: retries: '11' is not a number from 0 to 10" },
                { "max_devices = 4294967295\n",
                  "f.conf:1: max_devices: '4294967295' is not a number from 1 to 4294967294" },
                { "passive = maybe\n", "f.conf:1: passive: 'maybe' is not yes or no" },
                { "duration = 0\n", "f.conf:1: duration: '0' is not a time from 0.001 to 3.1536e+07 "
                  "seconds (a number, optionally with s, m, h or d)" },
                { "timeout = 5x\n", "f.conf:1: timeout: '5x' is not a time from 0.001 to 3600 "
                  "seconds (a number, optionally with s, m, h or d)" },
                { "timeout = nan\n", "f.conf:1: timeout: 'nan' is not a time from 0.001 to 3600 "
                  "seconds (a number, optionally with s, m, h or d)" },
                { "format = xml\n", "f.conf:1: format: 'xml' is not one of the allowed values" },
                { "color = yes\n", "f.conf:1: color: 'yes' is not one of the allowed values" },
                { "ranges = 198.18.0.0/33\n", "f.conf:1: ranges: '198.18.0.0/33' is not an "
                  "address or prefix (198.18.0.0/24, 2001:db8::/64)" },
                { "exclude = host.example\n", "f.conf:1: exclude: 'host.example' is not an "
                  "address or prefix (198.18.0.0/24, 2001:db8::/64)" },
                { "ports = 80-22\n", "f.conf:1: ports: '80-22': the range runs backwards" },
                { "ports = 65536\n", "f.conf:1: ports: '65536' is not a port or range (1-65535)" },
                { "probes = arp, nmap\n", "f.conf:1: probes: 'nmap' is not a probe (see netinv.conf(5))" },
                { "probes =\n", "f.conf:1: probes: empty list (say none)" },
                { "as_of = 2026-02-30\n", "f.conf:1: as_of: '2026-02-30' is not a date YYYY-MM-DD or today" },
                { "stale = 0\n", "f.conf:1: stale: '0' is not a number from 1 to 36500" },
                { "state_dir =\n", "f.conf:1: state_dir: empty value" },
                { "interface = eth0/1\n", "f.conf:1: interface: 'eth0/1' is not an interface name" },
                { "interface = averyveryverylongname\n", "f.conf:1: interface: longer than 15 characters" },
                { "push.url = ftp://x\n", "f.conf:1: push.url: 'ftp://x' is not an http:// or https:// URL" },
                { "[push]\nurl = https://a b\n", "f.conf:2: push.url: a URL has no spaces" },
                { "site = \"open\n", "f.conf:1: site: no closing quote" },
                { "site = \"a\" b\n", "f.conf:1: site: text after the closing quote" },
                { "site = a\"b\n", "f.conf:1: site: a quote inside a bare value (quote the whole value)" },
                { "site = \"a\\tb\"\n", "f.conf:1: site: only \\\" and \\\\ are escapes" },
                { "site = a\x01z\n", "f.conf:1: site: control characters are not allowed" },
                { "[scan]\n", "f.conf:1: [scan]: unknown section (there are [netinv], [push] and [listen])" },
                { "[push\n", "f.conf:1: a section header is [name]" },
                { "[push] x\n", "f.conf:1: a section header is [name]" },
                { "rate 5\n", "f.conf:1: want key = value" },
                { "[push]\nrate = 5\n", "f.conf:2: push.rate: unknown key" },
                { "push.bogus = 5\n", "f.conf:1: push.bogus: unknown key" },
        };
        char err[512];
        struct config c;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                err[0] = '\0';
                CHECK_INT(config_parse("f.conf", cases[i].text, strlen(cases[i].text), &c, err,
                                       sizeof(err)), -EINVAL);
                if (strcmp(err, cases[i].err))
                        fprintf(stderr, "case %zu\n", i);
                CHECK_STR(err, cases[i].err);
        }
        /* A NUL, a long line, a huge file. */
        CHECK_INT(config_parse("f.conf", "rate = 5\0\n", 10, &c, err, sizeof(err)), -EINVAL);
        CHECK_STR(err, "f.conf: a NUL byte: not a text file");
        char *big = malloc(CONFIG_FILE_MAX + 2);
        memset(big, ' ', CONFIG_FILE_MAX + 1);
        big[CONFIG_LINE_MAX + 1] = '\n';
        CHECK_INT(config_parse("f.conf", big, CONFIG_LINE_MAX + 2, &c, err, sizeof(err)), -EINVAL);
        CHECK_STR(err, "f.conf:1: line longer than 4096 bytes");
        CHECK_INT(config_parse("f.conf", big, CONFIG_FILE_MAX + 1, &c, err, sizeof(err)), -EINVAL);
        CHECK_STR(err, "f.conf: bigger than 1048576 bytes");
        free(big);
        /* The output is untouched by a failure. */
        struct config before;
        config_defaults(&c);
        c.rate = 9;
        before = c;
        config_parse("f.conf", "rate = 5\nbogus = 1\n", 20, &c, err, sizeof(err));
        CHECK(memcmp(&before, &c, sizeof(c)) == 0);
}

static void test_files(void)
{
        char dir[] = "/tmp/netinv-test-config.XXXXXX", p[512], err[512];
        struct config c;
        CHECK(mkdtemp(dir) != NULL);
        snprintf(p, sizeof(p), "%s/missing.conf", dir);
        CHECK_INT(config_load(p, &c, err, sizeof(err)), -ENOENT);
        char want[600];
        snprintf(want, sizeof(want), "%s: cannot read: No such file or directory", p);
        CHECK_STR(err, want);
        CHECK_INT(config_load(dir, &c, err, sizeof(err)), -EINVAL);
        snprintf(want, sizeof(want), "%s: cannot read: not a regular file", dir);
        CHECK_STR(err, want);
        snprintf(p, sizeof(p), "%s/netinv.conf", dir);
        FILE *f = fopen(p, "w");
        fputs("rate = 33\n[push]\nurl = https://r.example/\nformat = nope\n", f);
        fclose(f);
        CHECK_INT(config_load(p, &c, err, sizeof(err)), -EINVAL);
        snprintf(want, sizeof(want), "%s:4: push.format: 'nope' is not one of the allowed values", p);
        CHECK_STR(err, want);
        f = fopen(p, "w");
        fputs("rate = 33\n", f);
        fclose(f);
        CHECK_INT(config_load(p, &c, err, sizeof(err)), 0);
        CHECK_INT(c.rate, 33);
        if (geteuid() != 0) {           /* root reads anything */
                chmod(p, 0);
                CHECK_INT(config_load(p, &c, err, sizeof(err)), -EACCES);
                snprintf(want, sizeof(want), "%s: cannot read: Permission denied", p);
                CHECK_STR(err, want);
        }
        unlink(p);
        rmdir(dir);
}

/* The man page documents every key, and the example file parses. */
static void test_docs(void)
{
        char path[1024], err[512];
        struct config c;
        snprintf(path, sizeof(path), "%s", t_data("../../man/netinv.conf.5"));
        FILE *f = fopen(path, "r");
        CHECK(f != NULL);
        if (!f)
                return;
        static char man[256 * 1024];
        size_t n = fread(man, 1, sizeof(man) - 1, f);
        man[n] = '\0';
        fclose(f);
        for (unsigned k = 0; k < CK_MAX; k++) {
                const char *name = config_key_name((enum config_key)k);
                const char *dot = strchr(name, '.');    /* documented in its section */
                const char *bare = dot ? dot + 1 : name;
                char want[128];
                /* ".B key" (groff wants "\_" for nothing; underscores are literal) */
                snprintf(want, sizeof(want), "\n.B %s\n", bare);
                if (!strstr(man, want))
                        fprintf(stderr, "netinv.conf.5 lacks key %s\n", name);
                CHECK(strstr(man, want) != NULL);
        }
        snprintf(path, sizeof(path), "%s", t_data("../../contrib/netinv.conf.example"));
        int r = config_load(path, &c, err, sizeof(err));
        if (r)
                fprintf(stderr, "%s\n", err);
        CHECK_INT(r, 0);
}

int main(void)
{
        test_every_key();
        test_syntax();
        test_errors();
        test_files();
        test_docs();
        return t_done();
}
