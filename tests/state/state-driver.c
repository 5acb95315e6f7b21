/* state-driver.c - drives the state library from scripts (crash.sh,
 * lock.sh): repeated merge-and-save, load check, holding the lock.
 *
 *   state-driver merge DIR COUNT SEED   merge COUNT scans (0: for ever) of a
 *                                       random LAN, saving after each; prints
 *                                       "saved <last_merge seconds>" per save
 *   state-driver check DIR              load; "ok <devices> <last_merge>" or
 *                                       the error; exit 0 / 1
 *   state-driver hold DIR SECONDS       take the lock, print "locked", sleep
 *   state-driver agent-id DIR           print the agent id
 * Exit 75 when the lock is taken by another process.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netinv/state.h"

#define POOL 3000               /* stations on the imaginary LAN */
#define PER_SCAN 800            /* seen per scan: saves take a while */

static uint64_t rng;

static uint32_t rnd(void)
{
        rng = rng * 6364136223846793005ull + 1442695040888963407ull;
        return (uint32_t)(rng >> 33);
}

static void add(struct inventory *inv, const struct obs *o, uint64_t ts)
{
        if (inventory_add(inv, o, ts) == -ENOMEM) {
                fputs("out of memory\n", stderr);
                exit(1);
        }
}

static struct inventory *scan(uint64_t ts)
{
        struct inventory *inv = inventory_new(0);
        char name[32], cid[32];
        if (!inv)
                exit(1);
        for (int i = 0; i < PER_SCAN; i++) {
                uint32_t st = rnd() % POOL;
                struct obs o = { .source = PROTO_DHCP, .kind = OBS_IPV4 };
                /* a tenth of the stations are phones with a fresh random MAC */
                bool phone = st % 10 == 0;
                o.mac[0] = phone ? 0x02 : 0x00;
                o.mac[1] = 0x18;
                o.mac[2] = (uint8_t)(phone ? rnd() : 0);
                o.mac[3] = (uint8_t)(st >> 8);
                o.mac[4] = (uint8_t)st;
                o.mac[5] = (uint8_t)(phone ? rnd() : 1);
                o.addr[0] = 198;
                o.addr[1] = 18;
                o.addr[2] = (uint8_t)(rnd() % 4);
                o.addr[3] = (uint8_t)(st % 250 + 1);
                add(inv, &o, ts);
                uint8_t mac[6];
                memcpy(mac, o.mac, 6);
                snprintf(name, sizeof(name), "host-%u", st);
                o = (struct obs){ .source = PROTO_DHCP, .kind = OBS_HOSTNAME, .val = name,
                                  .val_len = (uint16_t)strlen(name) };
                memcpy(o.mac, mac, 6);
                add(inv, &o, ts);
                if (phone) {
                        snprintf(cid, sizeof(cid), "ff%08x", st);
                        struct obs a = { .source = PROTO_DHCP, .kind = OBS_ATTR,
                                         .key = "dhcp.client_id", .val = cid,
                                         .val_len = (uint16_t)strlen(cid) };
                        memcpy(a.mac, o.mac, 6);
                        add(inv, &a, ts);
                }
        }
        return inv;
}

static int do_merge(const char *dir, long count, unsigned long seed)
{
        char err[1024];
        int fd;
        long pid = 0;
        int r = state_lock(dir, &fd, &pid);
        if (r == -EWOULDBLOCK) {
                fprintf(stderr, "locked by pid %ld\n", pid);
                return 75;
        }
        if (r < 0)
                return 1;
        rng = seed;
        setvbuf(stdout, NULL, _IOLBF, 0);
        for (long i = 0; count == 0 || i < count; i++) {
                struct state *st = NULL;
                if (state_load(dir, 0, &st, err, sizeof(err)) < 0) {
                        fprintf(stderr, "%s\n", err);
                        return 1;
                }
                uint64_t now = st->last_merge + 60 * 1000000ull;
                if (now < 1700000000ull * 1000000ull)
                        now = 1700000000ull * 1000000ull;
                struct inventory *inv = scan(now - 1000000);
                struct change_list ch = { 0 };
                if (state_merge(st, inv, now, &ch) < 0 || state_save(st, dir, now) < 0) {
                        fputs("merge or save failed\n", stderr);
                        return 1;
                }
                printf("saved %llu\n", (unsigned long long)(now / 1000000));
                change_list_done(&ch);
                inventory_free(inv);
                state_free(st);
        }
        state_unlock(fd);
        return 0;
}

int main(int argc, char **argv)
{
        char err[1024], id[40];
        if (argc >= 5 && strcmp(argv[1], "merge") == 0)
                return do_merge(argv[2], atol(argv[3]), strtoul(argv[4], NULL, 10));
        if (argc >= 3 && strcmp(argv[1], "check") == 0) {
                struct state *st = NULL;
                if (state_load(argv[2], 0, &st, err, sizeof(err)) < 0) {
                        printf("%s\n", err);
                        return 1;
                }
                printf("ok %zu %llu\n", st->n, (unsigned long long)(st->last_merge / 1000000));
                state_free(st);
                return 0;
        }
        if (argc >= 4 && strcmp(argv[1], "hold") == 0) {
                int fd;
                long pid = 0;
                int r = state_lock(argv[2], &fd, &pid);
                if (r == -EWOULDBLOCK)
                        return 75;
                if (r < 0)
                        return 1;
                printf("locked\n");
                fflush(stdout);
                sleep((unsigned)atoi(argv[3]));
                state_unlock(fd);
                return 0;
        }
        if (argc >= 3 && strcmp(argv[1], "agent-id") == 0) {
                if (state_agent_id(argv[2], id, sizeof(id)) < 0)
                        return 1;
                printf("%s\n", id);
                return 0;
        }
        fputs("usage: state-driver merge|check|hold|agent-id DIR ...\n", stderr);
        return 2;
}
