/* test-output.c - the writers (output/json.c, table.c, csv.c, output.c).
 *
 * A small inventory is built by hand (vendor from the OUI fixture, caps hit
 * on purpose so the dropped counters are not zero, hostile strings in
 * hostnames and values) and written in every format. JSON and NDJSON are
 * parsed back with cJSON and checked field by field against the netinv/1
 * schema; the raw text must be valid UTF-8 without raw control bytes. CSV
 * is parsed back (RFC 4180) and checked for the formula-injection guard and
 * quoting. The table must not carry an escape byte from the wire.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>

#include "netinv/inventory.h"
#include "netinv/oui.h"
#include "netinv/output.h"
#include "netinv/util.h"
#include "testlib.h"

/* 2023-11-14T22:13:20Z, plus some microseconds that must not show. */
#define T0 (1700000000ull * 1000000u + 123456u)
#define T0_TEXT "2023-11-14T22:13:20Z"
#define T1 (T0 + 61u * 1000000u)
#define T1_TEXT "2023-11-14T22:14:21Z"

static const uint8_t printer[6] = { 0x3c, 0xd9, 0x2b, 0x00, 0x00, 0x05 };
static const uint8_t scanner[6] = { 0x02, 0x4e, 0x4c, 0xff, 0x00, 0x01 };
static const uint8_t hostile[6] = { 0x00, 0x11, 0x32, 0x00, 0x00, 0x06 };

/* An mDNS TXT value with a NUL, an invalid byte, an escape sequence and a
 * C1 control (U+009B, CSI). */
static const char bad_value[] = "ty=HP\0\xff\x1b[31m\xc2\x9bX";
#define BAD_VALUE_LEN (sizeof(bad_value) - 1)

static struct inventory *build(struct oui_db *db)
{
        struct inventory *inv = inventory_new(16);
        struct obs_sink *s = calloc(1, sizeof(*s));
        uint8_t ip[16];

        t_ip4("198.18.1.5", ip);
        obs_ipv4(s, printer, PROTO_ARP, ip);
        t_ip6("fe80::3ed9:2bff:fe00:5", ip);
        obs_ipv6(s, printer, PROTO_NDP, ip);
        obs_hostname(s, printer, PROTO_MDNS, "lab-printer.local.", 18);
        obs_attr(s, printer, PROTO_MDNS, "mdns.txt", bad_value, BAD_VALUE_LEN);
        obs_attr_str(s, printer, PROTO_MDNS, "mdns.model", "LaserJet \"Pro\"");
        inventory_add_sink(inv, s, T0);
        inventory_add_sink(inv, s, T1);         /* the same again a minute later */

        obs_sink_reset(s);
        t_ip4("198.18.0.1", ip);
        obs_ipv4(s, scanner, PROTO_ARP, ip);
        inventory_add_sink(inv, s, T0);

        /* A device with hostile names, and more addresses than it may keep. */
        obs_sink_reset(s);
        obs_hostname(s, hostile, PROTO_DHCP, "\x1b[31mevil", 9);
        obs_hostname(s, hostile, PROTO_DHCP, "=cmd|' /C calc'!A0", 18);
        obs_hostname(s, hostile, PROTO_DHCP, "abc\xe2\x80\xae" "fdp.exe", 13);
        obs_attr_str(s, hostile, PROTO_DHCP, "dhcp.vendor_class", "@SUM(1+1)");
        for (unsigned i = 0; i < DEV_MAX_IPV4 + 2; i++) {
                uint8_t a[4] = { 198, 18, 2, (uint8_t)(i + 1) };
                obs_ipv4(s, hostile, PROTO_ARP, a);
        }
        inventory_add_sink(inv, s, T1);
        free(s);

        inventory_set_vendors(inv, db);
        inventory_sort(inv);
        return inv;
}

static void fill_info(struct scan_info *si, const struct inventory *inv)
{
        memset(si, 0, sizeof(*si));
        snprintf(si->id, sizeof(si->id), "0b7e3c2a-1f7d-4a3e-9c1b-5d2e8f6a7b90");
        si->file = "/srv/captures/lab-30s.pcap";
        si->hostname = "agent-host";
        si->version = "0.1.0";
        si->oui_source = "tests/data/ieee/oui.csv";
        si->started_usec = T0;
        si->finished_usec = T1;
        si->packets_seen = 89;
        si->packets_malformed = 3;
        si->packets_truncated = 1;
        si->packets_dropped = 0;
        si->inv = inventory_stats(inv);
}

/* Write in fmt to memory; the caller frees. */
static char *render(enum out_format fmt, const struct scan_info *si,
                    const struct inventory *inv, bool color, size_t *ret_len)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f)
                abort();
        CHECK_INT(output_write(f, fmt, si, inv, color), 0);
        fclose(f);
        *ret_len = len;
        return buf;
}

/* Valid UTF-8 with no control bytes but newline, CR and tab. */
static bool clean_text(const char *s, size_t len, bool allow_esc)
{
        char tmp[16384];
        if (len >= sizeof(tmp) || memchr(s, '\0', len))
                return false;
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)s[i];
                if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t' && !(allow_esc && c == 0x1b)) ||
                    c == 0x7f)
                        return false;
        }
        /* sanitize_utf8 leaves valid UTF-8 as it is: same length means valid. */
        return sanitize_utf8(tmp, sizeof(tmp), s, len) == len && memcmp(tmp, s, len) == 0;
}

static bool is_rfc3339z(const cJSON *j)
{
        if (!cJSON_IsString(j))
                return false;
        const char *s = j->valuestring;
        static const char pat[] = "dddd-dd-ddTdd:dd:ddZ";
        if (strlen(s) != sizeof(pat) - 1)
                return false;
        for (size_t i = 0; pat[i]; i++)
                if (pat[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != pat[i])
                        return false;
        return true;
}

static const cJSON *get(const cJSON *o, const char *k)
{
        return cJSON_GetObjectItemCaseSensitive(o, k);
}

static const char *str(const cJSON *o, const char *k)
{
        const cJSON *j = get(o, k);
        return cJSON_IsString(j) ? j->valuestring : NULL;
}

static double num(const cJSON *o, const char *k)
{
        const cJSON *j = get(o, k);
        return cJSON_IsNumber(j) ? j->valuedouble : -1;
}

static bool str_array_is(const cJSON *a, const char *const *want, int n)
{
        if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != n)
                return false;
        for (int i = 0; i < n; i++) {
                const cJSON *e = cJSON_GetArrayItem(a, i);
                if (!cJSON_IsString(e) || strcmp(e->valuestring, want[i]) != 0)
                        return false;
        }
        return true;
}

static bool mac_form(const char *s)
{
        if (!s || strlen(s) != 17)
                return false;
        for (int i = 0; i < 17; i++) {
                char c = s[i];
                if (i % 3 == 2 ? c != ':' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
                        return false;
        }
        return true;
}

static void check_device_common(const cJSON *d)
{
        CHECK(mac_form(str(d, "mac")));
        CHECK(cJSON_IsString(get(d, "vendor")) || cJSON_IsNull(get(d, "vendor")));
        CHECK(cJSON_IsBool(get(d, "mac_local")));
        CHECK(cJSON_IsArray(get(d, "ipv4")));
        CHECK(cJSON_IsArray(get(d, "ipv6")));
        CHECK(cJSON_IsArray(get(d, "hostnames")));
        CHECK(cJSON_IsArray(get(d, "sources")));
        CHECK(cJSON_IsArray(get(d, "observations")));
        CHECK(is_rfc3339z(get(d, "first_seen")));
        CHECK(is_rfc3339z(get(d, "last_seen")));
        const cJSON *o;
        cJSON_ArrayForEach(o, get(d, "observations")) {
                CHECK(cJSON_IsString(get(o, "source")));
                CHECK(cJSON_IsString(get(o, "key")));
                CHECK(cJSON_IsString(get(o, "value")));
                CHECK(is_rfc3339z(get(o, "first_seen")));
                CHECK(is_rfc3339z(get(o, "last_seen")));
                CHECK(num(o, "count") >= 1);
        }
}

static void test_json(const struct scan_info *si, const struct inventory *inv)
{
        size_t len;
        char *text = render(OUT_JSON, si, inv, false, &len);
        CHECK(len > 0 && text[len - 1] == '\n');
        CHECK(clean_text(text, len, false));
        cJSON *doc = cJSON_ParseWithLength(text, len);
        if (!CHECK(doc != NULL)) {
                free(text);
                return;
        }
        CHECK_STR(str(doc, "schema"), "netinv/1");
        const cJSON *agent = get(doc, "agent");
        CHECK_STR(str(agent, "hostname"), "agent-host");
        CHECK_STR(str(agent, "version"), "0.1.0");
        const cJSON *scan = get(doc, "scan");
        CHECK_STR(str(scan, "id"), si->id);
        CHECK_STR(str(scan, "file"), "/srv/captures/lab-30s.pcap");
        CHECK(get(scan, "interface") == NULL);
        CHECK_STR(str(scan, "started"), T0_TEXT);
        CHECK_STR(str(scan, "finished"), T1_TEXT);
        CHECK(num(scan, "packets_seen") == 89);
        CHECK(num(scan, "packets_malformed") == 3);
        CHECK(num(scan, "packets_truncated") == 1);
        CHECK(num(scan, "packets_dropped") == 0);
        CHECK_STR(str(scan, "oui_source"), "tests/data/ieee/oui.csv");
        CHECK(num(scan, "devices") == 3);
        const cJSON *dr = get(scan, "dropped");
        CHECK(num(dr, "devices") == 0);
        CHECK(num(dr, "addresses") == 2);
        CHECK(num(dr, "hostnames") == 0);
        CHECK(num(dr, "observations") == 0);

        const cJSON *devs = get(doc, "devices");
        CHECK_INT(cJSON_GetArraySize(devs), 3);
        const cJSON *d;
        cJSON_ArrayForEach(d, devs)
                check_device_common(d);

        /* Sorted by MAC: hostile (00:11:32), scanner (02:4e), printer (3c:d9). */
        d = cJSON_GetArrayItem(devs, 0);
        CHECK_STR(str(d, "mac"), "00:11:32:00:00:06");
        CHECK_STR(str(d, "vendor"), "Fixture \"Quoted\" Storage, Ltd");
        CHECK_INT(cJSON_GetArraySize(get(d, "ipv4")), DEV_MAX_IPV4);
        static const char *const hostile_names[] = {
                "\x1b[31mevil", "=cmd|' /C calc'!A0", ("abc\xe2\x80\xae" "fdp.exe") };
        CHECK(str_array_is(get(d, "hostnames"), hostile_names, 3));
        static const char *const arp_dhcp[] = { "arp", "dhcp" };
        CHECK(str_array_is(get(d, "sources"), arp_dhcp, 2));

        d = cJSON_GetArrayItem(devs, 1);
        CHECK_STR(str(d, "mac"), "02:4e:4c:ff:00:01");
        CHECK(cJSON_IsNull(get(d, "vendor")));          /* locally administered */
        CHECK(cJSON_IsTrue(get(d, "mac_local")));
        static const char *const scanner_ip[] = { "198.18.0.1" };
        CHECK(str_array_is(get(d, "ipv4"), scanner_ip, 1));
        CHECK_INT(cJSON_GetArraySize(get(d, "observations")), 0);
        CHECK_STR(str(d, "first_seen"), T0_TEXT);
        CHECK_STR(str(d, "last_seen"), T0_TEXT);

        d = cJSON_GetArrayItem(devs, 2);
        CHECK_STR(str(d, "mac"), "3c:d9:2b:00:00:05");
        CHECK_STR(str(d, "vendor"), "Fixture Printers, Inc.");
        CHECK(cJSON_IsFalse(get(d, "mac_local")));
        static const char *const v4[] = { "198.18.1.5" }, *const v6[] = { "fe80::3ed9:2bff:fe00:5" },
                                 *const names[] = { "lab-printer.local" },
                                 *const srcs[] = { "arp", "mdns", "ndp" };
        CHECK(str_array_is(get(d, "ipv4"), v4, 1));
        CHECK(str_array_is(get(d, "ipv6"), v6, 1));
        CHECK(str_array_is(get(d, "hostnames"), names, 1));
        CHECK(str_array_is(get(d, "sources"), srcs, 3));
        CHECK_STR(str(d, "first_seen"), T0_TEXT);
        CHECK_STR(str(d, "last_seen"), T1_TEXT);
        const cJSON *obs = get(d, "observations");
        CHECK_INT(cJSON_GetArraySize(obs), 2);
        const cJSON *o = cJSON_GetArrayItem(obs, 0);
        CHECK_STR(str(o, "source"), "mdns");
        CHECK_STR(str(o, "key"), "mdns.txt");
        /* Invalid bytes and NUL visible as \xNN; valid controls survive as
         * JSON escapes and come back as themselves. */
        CHECK_STR(str(o, "value"), "ty=HP\\x00\\xff\x1b[31m\xc2\x9bX");
        CHECK_STR(str(o, "first_seen"), T0_TEXT);
        CHECK_STR(str(o, "last_seen"), T1_TEXT);
        CHECK(num(o, "count") == 2);
        o = cJSON_GetArrayItem(obs, 1);
        CHECK_STR(str(o, "key"), "mdns.model");
        CHECK_STR(str(o, "value"), "LaserJet \"Pro\"");
        cJSON_Delete(doc);
        free(text);
}

static void test_ndjson(const struct scan_info *si, const struct inventory *inv)
{
        size_t len;
        char *text = render(OUT_NDJSON, si, inv, false, &len);
        CHECK(clean_text(text, len, false));
        int lines = 0;
        char *save = NULL;
        static const char *const macs[] = { "00:11:32:00:00:06", "02:4e:4c:ff:00:01",
                                            "3c:d9:2b:00:00:05" };
        CHECK(len > 0 && text[len - 1] == '\n');
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                cJSON *d = cJSON_Parse(line);
                if (!CHECK(d != NULL))
                        continue;
                CHECK(cJSON_IsObject(d));
                if (lines < 3)
                        CHECK_STR(str(d, "mac"), macs[lines]);
                CHECK_STR(str(d, "scan_id"), si->id);
                check_device_common(d);
                cJSON_Delete(d);
                lines++;
        }
        CHECK_INT(lines, 3);
        free(text);
}

/* RFC 4180 records; returns the number of fields of the next record, or -1
 * at the end. Fields are NUL-terminated in place. */
static int csv_record(char **p, char *fields[], int max)
{
        char *s = *p, *w;
        int n = 0;
        if (!*s)
                return -1;
        for (;;) {
                w = s;
                if (n < max)
                        fields[n] = w;
                n++;
                if (*s == '"') {
                        s++;
                        for (;;) {
                                if (!*s)
                                        return -1;
                                if (*s == '"' && s[1] == '"') {
                                        *w++ = '"';
                                        s += 2;
                                } else if (*s == '"') {
                                        s++;
                                        break;
                                } else {
                                        *w++ = *s++;
                                }
                        }
                } else {
                        while (*s && *s != ',' && *s != '\r' && *s != '\n')
                                *w++ = *s++;
                }
                char sep = *s;
                *w = '\0';
                if (sep == ',') {
                        s++;
                        continue;
                }
                if (sep == '\r' && s[1] == '\n')
                        s += 2;
                else if (sep)
                        return -1;      /* bare LF or junk after a quote */
                *p = s;
                return n;
        }
}

static void test_csv(const struct scan_info *si, const struct inventory *inv)
{
        size_t len;
        char *text = render(OUT_CSV, si, inv, false, &len);
        char *fields[16], *p = text;
        CHECK(clean_text(text, len, false));
        CHECK(memchr(text, 0x1b, len) == NULL);
        int n = csv_record(&p, fields, 16);
        CHECK_INT(n, 11);
        if (n == 11) {
                CHECK_STR(fields[0], "mac");
                CHECK_STR(fields[4], "hostnames");
                CHECK_STR(fields[8], "identity");
                CHECK_STR(fields[9], "type");
                CHECK_STR(fields[10], "os");
        }
        /* 00:11:32:00:00:06: hostile names. */
        n = csv_record(&p, fields, 16);
        if (CHECK_INT(n, 11)) {
                CHECK_STR(fields[0], "00:11:32:00:00:06");
                CHECK_STR(fields[1], "Fixture \"Quoted\" Storage, Ltd");
                CHECK(strncmp(fields[2], "198.18.2.1 198.18.2.2 ", 22) == 0);
                /* The cell starts with the escaped ESC, then the others. */
                CHECK_STR(fields[4], "\\x1b[31mevil =cmd|' /C calc'!A0 abc\\u{202e}fdp.exe");
                CHECK_STR(fields[5], "arp dhcp");
                CHECK_STR(fields[6], T1_TEXT);
                CHECK_STR(fields[8], "dhcp.vendor_class=@SUM(1+1)");
        }
        n = csv_record(&p, fields, 16);
        if (CHECK_INT(n, 11)) {
                CHECK_STR(fields[0], "02:4e:4c:ff:00:01");
                CHECK_STR(fields[1], "");
                CHECK_STR(fields[2], "198.18.0.1");
                CHECK_STR(fields[4], "");
        }
        n = csv_record(&p, fields, 16);
        if (CHECK_INT(n, 11)) {
                CHECK_STR(fields[0], "3c:d9:2b:00:00:05");
                CHECK_STR(fields[1], "Fixture Printers, Inc.");
                CHECK_STR(fields[3], "fe80::3ed9:2bff:fe00:5");
                CHECK_STR(fields[4], "lab-printer.local");
                CHECK_STR(fields[5], "arp mdns ndp");
                CHECK_STR(fields[6], T0_TEXT);
                CHECK_STR(fields[7], T1_TEXT);
                /* The whole value, NUL and all, escaped as in the table. */
                CHECK_STR(fields[8], "mdns.txt=ty=HP\\x00\\xff\\x1b[31m\\x9bX | "
                                     "mdns.model=LaserJet \"Pro\"");
        }
        CHECK_INT(csv_record(&p, fields, 16), -1);
        free(text);

        /* Formula injection: a cell whose text starts with = + - @ gets a
         * leading quote so a spreadsheet shows it as text. */
        static const char *const starts[] = { "=1+1", "+1+1", "-1+1", "@SUM(A1)" };
        for (size_t i = 0; i < 4; i++) {
                struct inventory *one = inventory_new(4);
                struct obs_sink *s = calloc(1, sizeof(*s));
                obs_hostname(s, printer, PROTO_DHCP, starts[i], strlen(starts[i]));
                obs_attr_str(s, printer, PROTO_DHCP, "dhcp.x", "y");
                inventory_add_sink(one, s, T0);
                free(s);
                struct scan_info si1;
                fill_info(&si1, one);
                text = render(OUT_CSV, &si1, one, false, &len);
                p = text;
                csv_record(&p, fields, 16);
                n = csv_record(&p, fields, 16);
                if (CHECK_INT(n, 11)) {
                        char want[64];
                        snprintf(want, sizeof(want), "'%s", starts[i]);
                        CHECK_STR(fields[4], want);
                        CHECK_STR(fields[8], "dhcp.x=y");
                }
                free(text);
                inventory_free(one);
        }
}

static void test_table(const struct scan_info *si, const struct inventory *inv)
{
        size_t len;
        char *text = render(OUT_TABLE, si, inv, false, &len);
        CHECK(memchr(text, 0x1b, len) == NULL);         /* no raw ESC at all */
        CHECK(clean_text(text, len, false));
        CHECK(strstr(text, "\\x1b[31mevil") != NULL);  /* shown, not obeyed */
        CHECK(strstr(text, "abc\\u{202e}fdp.exe") != NULL);
        CHECK(strstr(text, "\xe2\x80\xae") == NULL);
        CHECK(strstr(text, "\\x00\\xff\\x1b[31m\\x9bX") != NULL);
        CHECK(strstr(text, "3c:d9:2b:00:00:05  Fixture Printers, Inc.") != NULL);
        CHECK(strstr(text, "lab-printer.local") != NULL);
        CHECK(strstr(text, "(local)") != NULL);
        CHECK(strstr(text, "3 devices; 89 packets (3 malformed)") != NULL);
        CHECK(strstr(text, "dropped by caps: 0 device observations, 2 addresses") != NULL);
        free(text);

        /* With colour, the only escapes are the table's own SGR codes. */
        text = render(OUT_TABLE, si, inv, true, &len);
        CHECK(clean_text(text, len, true));
        bool only_sgr = true;
        for (const char *e = memchr(text, 0x1b, len); e; e = memchr(e + 1, 0x1b, len - (size_t)(e + 1 - text)))
                only_sgr = only_sgr && (strncmp(e, "\x1b[0m", 4) == 0 || strncmp(e, "\x1b[1m", 4) == 0 ||
                                        strncmp(e, "\x1b[2m", 4) == 0);
        CHECK(only_sgr);
        CHECK(strstr(text, "\x1b[31m") == NULL);
        free(text);
}

static void test_misc(const struct scan_info *si, const struct inventory *inv)
{
        CHECK_INT(out_format_parse("table"), OUT_TABLE);
        CHECK_INT(out_format_parse("json"), OUT_JSON);
        CHECK_INT(out_format_parse("ndjson"), OUT_NDJSON);
        CHECK_INT(out_format_parse("csv"), OUT_CSV);
        CHECK_INT(out_format_parse("xml"), OUT_FORMAT_MAX);
        CHECK_INT(out_format_parse("JSON"), OUT_FORMAT_MAX);
        CHECK_INT(out_format_parse(""), OUT_FORMAT_MAX);

        FILE *f = fopen("/dev/null", "we");
        if (f) {
                CHECK_INT(output_write(f, OUT_FORMAT_MAX, si, inv, false), -EINVAL);
                fclose(f);
        }
        /* A full disk is an error, not a silently short document. */
        f = fopen("/dev/full", "we");
        if (f) {
                for (int fmt = 0; fmt < OUT_FORMAT_MAX; fmt++)
                        CHECK_INT(output_write(f, (enum out_format)fmt, si, inv, false), -EIO);
                fclose(f);
        } else {
                printf("skip: no /dev/full\n");
        }

        /* An empty inventory is still a whole document. */
        struct inventory *empty = inventory_new(1);
        struct scan_info se;
        fill_info(&se, empty);
        se.file = NULL;
        se.interface = "eth0";
        se.oui_source = NULL;
        size_t len;
        char *text = render(OUT_JSON, &se, empty, false, &len);
        cJSON *doc = cJSON_Parse(text);
        if (CHECK(doc != NULL)) {
                CHECK_INT(cJSON_GetArraySize(get(doc, "devices")), 0);
                CHECK(cJSON_IsArray(get(doc, "devices")));
                CHECK_STR(str(get(doc, "scan"), "interface"), "eth0");
                CHECK(get(get(doc, "scan"), "file") == NULL);
                CHECK(cJSON_IsNull(get(get(doc, "scan"), "oui_source")));
                cJSON_Delete(doc);
        }
        free(text);
        text = render(OUT_NDJSON, &se, empty, false, &len);
        CHECK_INT(len, 0);
        free(text);
        text = render(OUT_CSV, &se, empty, false, &len);
        CHECK_STR(text, "mac,vendor,ipv4,ipv6,hostnames,sources,first_seen,last_seen,identity,type,os\r\n");
        free(text);
        inventory_free(empty);
}

/* services[] and ttl: from service and tcp.open observations, one entry
 * per port, the latest banner winning, sorted; the TTL class from the
 * highest TTL seen; hostile bytes escaped. */
static void test_services(void)
{
        static const uint8_t m[6] = { 0x00, 0x11, 0x32, 0x00, 0x00, 0x07 };
        struct inventory *inv = inventory_new(4);
        struct obs_sink *s = calloc(1, sizeof(*s));
        if (!CHECK(inv && s))
                return;
        obs_attr_str(s, m, PROTO_TCP, "tcp.open", "445");
        obs_attr_str(s, m, PROTO_TCP, "tcp.open", "22");
        obs_attr_str(s, m, PROTO_TCP, "tcp.open", "9100");
        obs_attr_str(s, m, PROTO_TCP, "tcp.open", "99999");     /* not a port: ignored */
        obs_attr_str(s, m, PROTO_SSH, "service", "tcp/22 ssh SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u7");
        obs_attr_str(s, m, PROTO_SNMP, "service", "udp/161 snmp Linux nas 4.4.302+");
        obs_attr_str(s, m, PROTO_HTTP, "service", "tcp/8080");          /* no name: the port's */
        obs_attr_str(s, m, PROTO_HTTP, "service", "tcp/x http nginx");  /* malformed: ignored */
        obs_attr(s, m, PROTO_HTTP, "service", "tcp/80 http ev\x1b[1mil\n\"", 22);
        obs_attr_str(s, m, PROTO_MDNS, "mdns.srv", "HP LaserJet Pro M404 [Lab]._ipp._tcp.local 631 lab.local");
        obs_attr_str(s, m, PROTO_MDNS, "mdns.srv", "lab._ssh._tcp.local 22 lab.local");       /* the banner wins */
        obs_attr_str(s, m, PROTO_MDNS, "mdns.srv", "lab._device-info._tcp.local 0 lab.local"); /* no port */
        obs_attr_str(s, m, PROTO_MDNS, "mdns.srv", "lab._x._sctp.local 9 lab.local");        /* not tcp/udp */
        obs_attr_str(s, m, PROTO_MDNS, "mdns.srv", "._tcp.local 9 lab.local");
        obs_attr_str(s, m, PROTO_MDNS, "mdns.srv", "12 lab.local");
        obs_attr_str(s, m, PROTO_MDNS, "mdns.srv", "lab [02:00:00:00:00:07]._workstation._tcp.local 9 lab.local");
        obs_attr_str(s, m, PROTO_MDNS, "mdns.srv", "lab._sleep-proxy._udp.local 54321 lab.local");
        obs_attr_str(s, m, PROTO_TCP, "ip.ttl", "57");
        obs_attr_str(s, m, PROTO_TCP, "ip.ttl", "61");
        inventory_add_sink(inv, s, T0);
        obs_sink_reset(s);
        obs_attr_str(s, m, PROTO_SSH, "service", "tcp/22 ssh SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3");
        inventory_add_sink(inv, s, T1);
        struct scan_info si;
        fill_info(&si, inv);
        size_t len;
        char *text = render(OUT_JSON, &si, inv, false, &len);
        cJSON *doc = cJSON_Parse(text);
        const cJSON *d = doc ? cJSON_GetArrayItem(get(doc, "devices"), 0) : NULL;
        if (CHECK(d != NULL)) {
                const cJSON *sv = get(d, "services");
                static const char *const want[][4] = {
                        { "tcp", "22", "ssh", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3" },
                        { "tcp", "80", "http", "ev\x1b[1mil\n\"" },
                        { "tcp", "445", "smb", NULL },
                        { "tcp", "631", "ipp", NULL },
                        { "tcp", "8080", "http-alt", NULL },
                        { "tcp", "9100", "jetdirect", NULL },
                        { "udp", "161", "snmp", "Linux nas 4.4.302+" },
                        { "udp", "54321", "sleep-proxy", NULL },
                };
                if (CHECK_INT(cJSON_GetArraySize(sv), 8))
                        for (int i = 0; i < 8; i++) {
                                const cJSON *e = cJSON_GetArrayItem(sv, i);
                                CHECK_STR(str(e, "proto"), want[i][0]);
                                CHECK_INT((int)num(e, "port"), atoi(want[i][1]));
                                CHECK_STR(str(e, "name"), want[i][2]);
                                if (want[i][3])
                                        CHECK_STR(str(e, "banner"), want[i][3]);
                                else
                                        CHECK(cJSON_IsNull(get(e, "banner")));
                        }
                CHECK_INT((int)num(d, "ttl"), 64);
        }
        /* The raw escape byte never reaches the text: cJSON writes \u001b. */
        CHECK(text && !memchr(text, 0x1b, len));
        cJSON_Delete(doc);
        free(text);
        free(s);
        inventory_free(inv);
}

int main(void)
{
        struct oui_db *db = NULL;
        if (oui_load(t_data("ieee/oui.csv"), &db) < 0)
                CHECK(!"OUI fixture loads");
        struct inventory *inv = build(db);
        struct scan_info si;
        fill_info(&si, inv);
        test_json(&si, inv);
        test_ndjson(&si, inv);
        test_csv(&si, inv);
        test_table(&si, inv);
        test_misc(&si, inv);
        test_services();
        inventory_free(inv);
        oui_free(db);
        return t_done();
}
