/* test-oui.c - MAC prefix → organisation (inventory/oui.c).
 *
 * Fixtures in tests/data (a few made-up lines in each format): the IEEE CSV
 * of ieee-data with its mam.csv/oui36.csv siblings (quoted commas, doubled
 * quotes, CRLF, a quoted address spanning two lines), arp-scan's
 * ieee-oui.txt, and Wireshark's manuf with /28 and /36 entries. Then the
 * registry the system ships, when it is installed: well-known assignments,
 * and the longest prefix (MA-S 36 bits, MA-M 28) winning over the 24-bit
 * block the IEEE registered for itself.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "netinv/oui.h"
#include "netinv/util.h"
#include "testlib.h"

static const char *lookup(const struct oui_db *db, const char *mac)
{
        uint8_t m[6];
        if (!parse_mac(mac, m)) {
                CHECK(!"test MAC parses");
                return NULL;
        }
        return oui_lookup(db, m);
}

#define CHECK_VENDOR(db, mac, want) CHECK_STR(lookup((db), (mac)), (want))
#define CHECK_NO_VENDOR(db, mac) CHECK(lookup((db), (mac)) == NULL)

static void test_ieee_fixture(void)
{
        struct oui_db *db = NULL;
        char path[4096];
        snprintf(path, sizeof(path), "%s", t_data("ieee/oui.csv"));
        int r = oui_load(path, &db);
        CHECK_INT(r, 0);
        if (r < 0)
                return;
        CHECK_STR(oui_source(db), path);
        /* 8 MA-L (one with 20 bits skipped, the address continuation line
         * adds nothing) + 2 MA-M + 1 MA-S. */
        CHECK_INT(oui_count(db), 11);
        CHECK_VENDOR(db, "3c:d9:2b:00:00:05", "Fixture Printers, Inc.");
        CHECK_VENDOR(db, "3C-D9-2B-FF-FF-FF", "Fixture Printers, Inc.");
        CHECK_VENDOR(db, "f8:bc:12:00:00:02", "Fixture Workstations");
        CHECK_VENDOR(db, "00:11:32:00:00:06", "Fixture \"Quoted\" Storage, Ltd");
        CHECK_VENDOR(db, "b8:27:eb:00:00:04", "Fixture Boards Ltd");
        CHECK_VENDOR(db, "50:c7:bf:00:00:01", "Fixture Padded");
        /* MA-M (28 bits) over the IEEE's own 24-bit block, on both edges. */
        CHECK_VENDOR(db, "74:1a:e0:40:00:00", "Fixture Cameras, MA-M");
        CHECK_VENDOR(db, "74:1a:e0:4f:ff:ff", "Fixture Cameras, MA-M");
        CHECK_VENDOR(db, "74:1a:e0:c1:23:45", "Fixture Other MA-M");
        CHECK_VENDOR(db, "74:1a:e0:3f:ff:ff", "IEEE Registration Authority");
        CHECK_VENDOR(db, "74:1a:e0:50:00:00", "IEEE Registration Authority");
        /* MA-S (36 bits). */
        CHECK_VENDOR(db, "70:b3:d5:f2:f0:00", "Fixture Sensors MA-S");
        CHECK_VENDOR(db, "70:b3:d5:f2:ff:ff", "Fixture Sensors MA-S");
        CHECK_VENDOR(db, "70:b3:d5:f3:00:00", "IEEE Registration Authority");
        CHECK_VENDOR(db, "70:b3:d5:f2:e0:00", "IEEE Registration Authority");
        /* Not registered, and locally administered even when "registered". */
        CHECK_NO_VENDOR(db, "00:15:5d:00:00:07");
        CHECK_NO_VENDOR(db, "0a:b0:c0:00:00:01");
        CHECK_NO_VENDOR(db, "02:4e:4c:ff:00:01");
        CHECK_NO_VENDOR(db, "3e:d9:2b:00:00:05");     /* 3c with the U/L bit */
        CHECK_NO_VENDOR(db, "12:34:50:00:00:00");
        oui_free(db);
}

static void test_arpscan_fixture(void)
{
        struct oui_db *db = NULL;
        int r = oui_load(t_data("oui-arpscan.txt"), &db);
        CHECK_INT(r, 0);
        if (r < 0)
                return;
        CHECK_INT(oui_count(db), 6);
        CHECK_VENDOR(db, "00:00:00:00:00:01", "Fixture Zero Corp");
        CHECK_VENDOR(db, "3c:d9:2b:00:00:05", "Fixture Printers, Inc.");
        CHECK_VENDOR(db, "74:1a:e0:4a:bc:de", "Fixture Cameras MA-M");
        CHECK_VENDOR(db, "74:1a:e0:5a:bc:de", "IEEE Registration Authority");
        CHECK_VENDOR(db, "70:b3:d5:f2:f1:23", "Fixture Sensors MA-S");
        CHECK_VENDOR(db, "70:b3:d5:f2:01:23", "IEEE Registration Authority");
        CHECK_NO_VENDOR(db, "f8:bc:12:00:00:02");
        oui_free(db);
}

static void test_manuf_fixture(void)
{
        struct oui_db *db = NULL;
        int r = oui_load(t_data("manuf"), &db);
        CHECK_INT(r, 0);
        if (r < 0)
                return;
        CHECK_INT(oui_count(db), 6);                    /* the /30 line is skipped */
        CHECK_VENDOR(db, "00:00:0c:12:34:56", "Fixture Switches, Inc");       /* long name */
        CHECK_VENDOR(db, "3c:d9:2b:00:00:05", "FixPrint");    /* only a short name */
        CHECK_VENDOR(db, "74:1a:e0:40:00:01", "Fixture Cameras MA-M");
        CHECK_VENDOR(db, "74:1a:e0:30:00:01", "IEEE Registration Authority");
        CHECK_VENDOR(db, "70:b3:d5:f2:fa:bc", "Fixture Sensors MA-S");
        CHECK_VENDOR(db, "70:b3:d5:f2:0a:bc", "IEEE Registration Authority");
        CHECK_NO_VENDOR(db, "00:50:c2:00:00:01");
        oui_free(db);
}

static void test_errors(void)
{
        struct oui_db *db = (struct oui_db *)0x1;
        CHECK_INT(oui_load("/nonexistent/netinv-test/oui.csv", &db), -ENOENT);
        CHECK(db == (struct oui_db *)0x1);      /* ret_ written only on success */
        /* A file with no entries at all is as good as none. */
        CHECK_INT(oui_load(t_data("oui-empty.txt"), &db), -ENOENT);
        CHECK(oui_lookup(NULL, (const uint8_t[6]){ 0x3c, 0xd9, 0x2b, 0, 0, 5 }) == NULL);
        CHECK_INT(oui_count(NULL), 0);
        CHECK(oui_source(NULL) == NULL);
        oui_free(NULL);
}

/* The text `line` appears in the file (to know a registry entry exists in
 * the installed version before expecting it). */
static bool file_has(const char *path, const char *line)
{
        FILE *f = fopen(path, "re");
        char *buf = NULL;
        size_t cap = 0;
        bool found = false;
        if (!f)
                return false;
        while (!found && getline(&buf, &cap, f) > 0)
                found = strncmp(buf, line, strlen(line)) == 0;
        free(buf);
        fclose(f);
        return found;
}

static void test_system_ieee(void)
{
        static const char dir[] = "/usr/share/ieee-data/";
        static const char path[] = "/usr/share/ieee-data/oui.csv";
        struct oui_db *db = NULL;

        if (access(path, R_OK) != 0) {
                printf("skip: %s not installed (ieee-data)\n", path);
                return;
        }
        CHECK_INT(oui_load(path, &db), 0);
        if (!db)
                return;
        CHECK(oui_count(db) > 30000);
        CHECK_VENDOR(db, "00:00:0c:07:ac:01", "Cisco Systems, Inc");
        CHECK_VENDOR(db, "f8:bc:12:00:00:02", "Dell Inc.");
        CHECK_VENDOR(db, "b8:27:eb:00:00:04", "Raspberry Pi Foundation");
        CHECK_VENDOR(db, "3c:d9:2b:00:00:05", "Hewlett Packard");
        CHECK_NO_VENDOR(db, "02:4e:4c:ff:00:01");       /* locally administered */
        CHECK_NO_VENDOR(db, "fe:ff:ff:ff:ff:ff");

        char p[256];
        snprintf(p, sizeof(p), "%smam.csv", dir);
        if (file_has(path, "MA-L,741AE0,IEEE Registration Authority") &&
            file_has(p, "MA-M,741AE04,Revl Inc.,"))
                CHECK_VENDOR(db, "74:1a:e0:4a:bc:de", "Revl Inc.");
        else
                printf("skip: MA-M 741AE04 not in this ieee-data\n");
        snprintf(p, sizeof(p), "%soui36.csv", dir);
        if (file_has(path, "MA-L,70B3D5,IEEE Registration Authority") &&
            file_has(p, "MA-S,70B3D5F2F,TELEPLATFORMS,"))
                CHECK_VENDOR(db, "70:b3:d5:f2:f1:23", "TELEPLATFORMS");
        else
                printf("skip: MA-S 70B3D5F2F not in this ieee-data\n");
        oui_free(db);

        /* With no path, the first well-known place is ieee-data's. */
        CHECK_INT(oui_load(NULL, &db), 0);
        if (db) {
                CHECK_STR(oui_source(db), path);
                CHECK_VENDOR(db, "f8:bc:12:00:00:02", "Dell Inc.");
                oui_free(db);
        }
}

static void test_system_others(void)
{
        struct oui_db *db = NULL;
        static const char arpscan[] = "/usr/share/arp-scan/ieee-oui.txt";
        static const char manuf[] = "/usr/share/wireshark/manuf";

        if (access(arpscan, R_OK) == 0 && oui_load(arpscan, &db) == 0) {
                CHECK(oui_count(db) > 30000);
                CHECK_VENDOR(db, "00:00:0c:07:ac:01", "Cisco Systems, Inc");
                CHECK_VENDOR(db, "b8:27:eb:00:00:04", "Raspberry Pi Foundation");
                if (file_has(arpscan, "741AE04\tRevl Inc."))
                        CHECK_VENDOR(db, "74:1a:e0:4a:bc:de", "Revl Inc.");
                oui_free(db);
        } else {
                printf("skip: %s not installed (arp-scan)\n", arpscan);
        }
        if (access(manuf, R_OK) == 0 && oui_load(manuf, &db) == 0) {
                CHECK(oui_count(db) > 30000);
                CHECK_VENDOR(db, "f8:bc:12:00:00:02", "Dell Inc.");
                CHECK_VENDOR(db, "3c:d9:2b:00:00:05", "Hewlett Packard");
                if (file_has(manuf, "70:B3:D5:F2:F0:00/36\tTeleplat\tTeleplatforms"))
                        CHECK_VENDOR(db, "70:b3:d5:f2:f1:23", "Teleplatforms");
                oui_free(db);
        } else {
                printf("skip: %s not installed (wireshark)\n", manuf);
        }
}

int main(void)
{
        test_ieee_fixture();
        test_arpscan_fixture();
        test_manuf_fixture();
        test_errors();
        test_system_ieee();
        test_system_others();
        return t_done();
}
