/* fuzz-state.c - the state-file loader over arbitrary bytes.
 *
 * The input is a state.json (corpus/state: files written by state_save in
 * the unit test's scenarios, and damaged copies). Checked: success or
 * -EBADMSG only; an error is one line; a loaded state keeps every cap
 * (histories, MACs, value lengths), its document loads again to the same
 * document, and a merge into it works (an empty inventory: the gone
 * changes).
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netinv/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_DEVICES 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct state *st = NULL, *back = NULL;
        char err[512];

        err[0] = '\0';
        int r = state_parse((const char *)data, size, FUZZ_MAX_DEVICES, &st, err, sizeof(err));
        if (r == -EBADMSG) {
                if (st || !err[0] || strchr(err, '\n'))
                        abort();
                return 0;
        }
        if (r != 0 || !st)
                abort();
        if (st->n > FUZZ_MAX_DEVICES)
                abort();
        for (size_t i = 0; i < st->n; i++) {
                const struct state_device *d = st->dev[i];
                if (d->n_macs < 1 || d->n_macs > STATE_MACS_MAX || d->first_seen > d->last_seen)
                        abort();
                for (unsigned k = 0; k < SH_MAX; k++) {
                        if (d->h[k].n > STATE_HIST_MAX)
                                abort();
                        for (unsigned j = 0; j < d->h[k].n; j++)
                                if (!d->h[k].e[j].v || strlen(d->h[k].e[j].v) > STATE_VALUE_MAX)
                                        abort();
                }
        }
        cJSON *j = state_to_json(st);
        char *s = j ? cJSON_PrintUnformatted(j) : NULL;
        cJSON_Delete(j);
        if (s) {
                if (state_parse(s, strlen(s), FUZZ_MAX_DEVICES, &back, err, sizeof(err)) != 0)
                        abort();
                cJSON *j2 = state_to_json(back);
                char *s2 = j2 ? cJSON_PrintUnformatted(j2) : NULL;
                cJSON_Delete(j2);
                if (s2 && strcmp(s, s2) != 0)
                        abort();
                cJSON_free(s2);
                cJSON_free(s);
                state_free(back);
        }
        /* Merge an empty scan (the gone changes), then one with a known
         * global MAC and a random MAC carrying every kind of link evidence
         * the seeds hold, so the linking runs against damaged histories. */
        struct inventory *inv = inventory_new(0);
        struct change_list ch = { 0 };
        if (inv && state_merge(st, inv, 1900000000000000ull, &ch) != 0)
                abort();
        change_list_done(&ch);
        inventory_free(inv);
        inv = inventory_new(0);
        if (inv) {
                static const uint8_t glob[6] = { 0x00, 0x18, 0x00, 0x0b, 0xb0, 0x01 };
                static const uint8_t rnd[6] = { 0x02, 0x18, 0x77, 0x0b, 0x86, 0x9c };
                static const char *const kv[][2] = {
                        { "dhcp.client_id", "ff00000b86" }, { "dhcpv6.duid", "000300010218" },
                        { "dhcp.prl", "1,3,6,15" }, { "dhcp.vendor_class", "dhcpcd-9.4.1" },
                };
                struct obs o = { .source = PROTO_ARP, .kind = OBS_IPV4, .addr = { 198, 18, 0, 9 } };
                memcpy(o.mac, glob, 6);
                inventory_add(inv, &o, 1900000000000000ull);
                memcpy(o.mac, rnd, 6);
                inventory_add(inv, &o, 1900000000000000ull);
                o = (struct obs){ .source = PROTO_DHCP, .kind = OBS_HOSTNAME, .val = "host-2950",
                                  .val_len = 9 };
                memcpy(o.mac, rnd, 6);
                inventory_add(inv, &o, 1900000000000000ull);
                for (size_t i = 0; i < 4; i++) {
                        o = (struct obs){ .source = PROTO_DHCP, .kind = OBS_ATTR, .key = kv[i][0],
                                          .val = kv[i][1], .val_len = (uint16_t)strlen(kv[i][1]) };
                        memcpy(o.mac, rnd, 6);
                        inventory_add(inv, &o, 1900000000000000ull);
                }
                if (state_merge(st, inv, 1900000100000000ull, &ch) != 0 || st->n > FUZZ_MAX_DEVICES)
                        abort();
                change_list_done(&ch);
                inventory_free(inv);
        }
        state_free(st);
        return 0;
}
