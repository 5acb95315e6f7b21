/* fuzz-rules.c - the rule-file parser (identify_parse) over arbitrary bytes,
 * and the engine over whatever parsed.
 *
 * Rule files are edited by admins, not sent by the network, but a typo must
 * give a file:line message and never a crash, a leak, a hang or a huge
 * allocation; and rules that load must be safe to run. The input is one
 * rule file; when it parses, it identifies a fixed device whose observations
 * reach regexes, captures, lookups and conditions. Seeds (corpus/rules): the
 * shipped data/identify files and small grammar examples.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netinv/identify.h"
#include "netinv/inventory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_RULES_MAX (64u * 1024u)    /* bigger inputs only repeat what smaller ones reach */

static struct inventory *device_once(void)
{
        static struct inventory *inv;
        static struct obs_sink s;
        static const uint8_t mac[6] = { 0x00, 0x1a, 0xa1, 0x00, 0x00, 0x01 };
        static const char *const kv[][2] = {
                { "ssh.banner", "SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.5" },
                { "dhcp.vendor_class", "dhcpcd-9.4.1:Linux-6.1.21-v8+:aarch64:BCM2835" },
                { "dhcp.prl", "1,3,6,15,31,33,43,44,46,47,119,121,249,252" },
                { "ntlm.os_version", "10.0.19045" },
                { "mdns.txt", "_device-info._tcp.local osxvers=21" },
                { "x.a", "v7" },
                { "x.b", "a$1b\\" },
                { "x.c", "v7" },
                { "tcp.open", "9100" },
        };
        if (inv)
                return inv;
        inv = inventory_new(4);
        if (!inv)
                abort();
        obs_sink_reset(&s);
        for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++)
                obs_attr_str(&s, mac, PROTO_DHCP, kv[i][0], kv[i][1]);
        obs_hostname(&s, mac, PROTO_DHCP, "raspberrypi", 11);
        inventory_add_sink(inv, &s, 1);
        inventory_get(inv, 0)->vendor = "Raspberry Pi Trading Ltd";
        return inv;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct identity_buf b;
        struct identify_rules *r = NULL;
        char err[256];

        if (size > FUZZ_RULES_MAX)
                return 0;
        err[0] = '\0';
        int e = identify_parse("fuzz.rules", (const char *)data, size, &r, err, sizeof(err));
        if (e == 0) {
                if (!r)
                        abort();
                struct device *d = inventory_get(device_once(), 0);
                if (identify_device(r, d, &b) != 0)
                        abort();
                const struct identity *id = &b.id;
                if (id->n_evidence > IDENT_EVIDENCE_MAX || id->confidence > 100 ||
                    id->type >= DEV_TYPE_MAX || memchr(id->name, '\0', sizeof(id->name)) == NULL ||
                    memchr(id->version, '\0', sizeof(id->version)) == NULL)
                        abort();
                /* the remembering path must agree with the plain one */
                if (identify_inventory(r, device_once()) != 0 ||
                    strcmp(d->ident->name, id->name) != 0 ||
                    strcmp(d->ident->version, id->version) != 0 ||
                    d->ident->confidence != id->confidence || d->ident->type != id->type)
                        abort();
                identify_free(r);
        } else {
                /* every refusal says where, in one line */
                if (r || (e == -EINVAL && (strncmp(err, "fuzz.rules:", 11) != 0 || strchr(err, '\n'))))
                        abort();
        }
        return 0;
}
