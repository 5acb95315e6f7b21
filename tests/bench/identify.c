/* identify.c - the identification benchmark: 65,536 devices with 20
 * observations each, every one a real identity string that rules look at
 * (tests/data/identify-cases.tsv, drawn at random with a fixed seed), then
 * identify_inventory() over all of them. Prints the time and the heap the
 * results take; the requirement (issue 5) is at most 1 s and 32 MiB added
 * to a scan for identification and verdicts together.
 *
 * By default 6 of a device's 20 observations are identity strings and the
 * other 14 what every device also has (addresses, mDNS questions, DHCP
 * message types: keys no rule looks at, values unique per device); with
 * IDENTITY_OBS = OBS every observation is an identity string (worst case).
 * CPU time is printed besides wall time: on a shared machine it is the
 * figure that means something.
 *
 * usage: bench-identify CASES.TSV RULES_DIR [DEVICES [OBS [IDENTITY_OBS]]]
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "netinv/identify.h"
#include "netinv/inventory.h"

#define POOL_MAX 1024

static double now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
        static char *keys[POOL_MAX], *vals[POOL_MAX];
        size_t pool = 0, ndev = 65536, nobs = 20, nid = 6;
        char line[2048], err[512];

        if (argc < 3) {
                fprintf(stderr, "usage: %s CASES.TSV RULES_DIR [DEVICES [OBS]]\n", argv[0]);
                return 2;
        }
        if (argc > 3)
                ndev = strtoul(argv[3], NULL, 10);
        if (argc > 4)
                nobs = strtoul(argv[4], NULL, 10);
        if (argc > 5)
                nid = strtoul(argv[5], NULL, 10);
        if (nid > nobs)
                nid = nobs;
        FILE *f = fopen(argv[1], "r");
        if (!f) {
                perror(argv[1]);
                return 1;
        }
        while (pool < POOL_MAX && fgets(line, sizeof(line), f)) {
                line[strcspn(line, "\r\n")] = '\0';
                char *tab = strchr(line, '\t');
                if (line[0] == '#' || !tab || strcmp(line, "hostname") == 0 ||
                    strncmp(line, "vendor\t", 7) == 0)
                        continue;
                *tab = '\0';
                char *end = strchr(tab + 1, '\t');
                if (end)
                        *end = '\0';
                keys[pool] = strdup(line);
                vals[pool] = strdup(tab + 1);
                pool++;
        }
        fclose(f);

        struct identify_rules *r;
        const char *dirs[1] = { argv[2] };
        double t0 = now();
        if (identify_load(dirs, 1, &r, err, sizeof(err)) < 0) {
                fprintf(stderr, "rules: %s\n", err);
                return 1;
        }
        double t_load = now() - t0;

        struct inventory *inv = inventory_new(ndev);
        static struct obs_sink s;
        unsigned seed = 12345;
        for (size_t d = 0; d < ndev; d++) {
                uint8_t mac[6] = { 0x00, 0x1a, 0xa1, (uint8_t)(d >> 16), (uint8_t)(d >> 8), (uint8_t)d };
                obs_sink_reset(&s);
                static const char *const other[] = {
                        "mdns.question", "arp.announce", "dhcp.message_type", "mdns.srv",
                        "dhcp.client_id", "ndp.dad", "dhcp.requested_ip",
                };
                char v[64];
                for (size_t k = 0; k < nobs; k++) {
                        if (k < nid) {
                                size_t i = (size_t)rand_r(&seed) % pool;
                                obs_attr_str(&s, mac, PROTO_DHCP, keys[i], vals[i]);
                                continue;
                        }
                        snprintf(v, sizeof(v), "host-%zu-%zu.local", d, k);
                        obs_attr_str(&s, mac, PROTO_MDNS, other[k % 7], v);
                }
                inventory_add_sink(inv, &s, 1);
        }

        struct mallinfo2 m0 = mallinfo2();
        t0 = now();
        double c0 = cpu();
        if (identify_inventory(r, inv) < 0) {
                fprintf(stderr, "out of memory\n");
                return 1;
        }
        double t = now() - t0, c = cpu() - c0;
        struct mallinfo2 m1 = mallinfo2();
        size_t known = 0;
        for (size_t d = 0; d < inventory_count(inv); d++)
                known += inventory_get(inv, d)->ident->family[0] != '\0';

        printf("rules: %zu loaded in %.3f s\n", identify_rule_count(r), t_load);
        printf("identify: %zu devices x %zu observations (%zu of them identity strings, from %zu "
               "distinct): %.3f s CPU (%.3f s wall), %.1f MiB of results, %zu with a family\n",
               inventory_count(inv), nobs, nid, pool, c, t,
               (double)(m1.uordblks - m0.uordblks) / (1024.0 * 1024.0), known);
        printf("requirement: <= 1 s and <= 32 MiB (with the end-of-life verdicts): %s\n",
               c <= 1.0 && m1.uordblks - m0.uordblks <= 32u << 20 ? "met" : "NOT MET");
        inventory_free(inv);
        identify_free(r);
        for (size_t i = 0; i < pool; i++) {
                free(keys[i]);
                free(vals[i]);
        }
        return 0;
}
