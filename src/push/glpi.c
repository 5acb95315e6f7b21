/* glpi.c - the GLPI adapter: a netinv/1 document becomes one GLPI native
 * inventory "netdiscovery" message per device (GLPI 10 and 11 import these
 * without a plugin; shared research notes: register/glpi/NOTES.md).
 *
 * GLPI's rules shape the mapping:
 *  - only keys of the inventory schema, nothing else: the strict schema
 *    (older GLPI 10) answers 400 to an unknown key, GLPI 11 answers 500;
 *  - itemtype is Printer, NetworkEquipment or Unmanaged, never Computer or
 *    Phone: those would make GLPI link netinv as the item's agent and
 *    unlink the PC's real glpi-agent;
 *  - a device must have a name (the default import rule refuses nameless
 *    ones): LLDP/CDP system name, else a hostname, else the first address,
 *    else the MAC;
 *  - ips: valid IPv4/IPv6 only, no link-local (fe80::/10), no %zone;
 *  - os and services have no discovery field: one line in description.
 * The site name goes in "tag" (GLPI's entity rules match on it), the agent
 * id in deviceid and in the GLPI-Agent-ID header (http.c).
 *
 * The input is the spool's copy of our own document, but a spool directory
 * can be edited, so everything read is type-checked and capped.
 */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netinv/limits.h"
#include "netinv/push.h"
#include "netinv/util.h"

#define GLPI_MAX_IPS            (DEV_MAX_IPV4 + DEV_MAX_IPV6)
#define GLPI_MAX_SERVICES_TEXT  12u     /* services listed in description */

static const char *str_of(const cJSON *o, const char *key)
{
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
        return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

/* The first observation value for key, or NULL. */
static const char *obs_value(const cJSON *dev, const char *key)
{
        const cJSON *obs = cJSON_GetObjectItemCaseSensitive(dev, "observations");
        const cJSON *o;
        if (!cJSON_IsArray(obs))
                return NULL;
        cJSON_ArrayForEach(o, obs) {
                const char *k = str_of(o, "key");
                if (k && strcmp(k, key) == 0)
                        return str_of(o, "value");
        }
        return NULL;
}

/* Copy at most GLPI_STRING_MAX bytes, cut at a UTF-8 character boundary. */
static void cap_copy(char *dst, size_t cap, const char *src)
{
        size_t n = strlen(src), max = cap - 1 < GLPI_STRING_MAX ? cap - 1 : GLPI_STRING_MAX;
        if (n > max) {
                n = max;
                while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
                        n--;
        }
        memcpy(dst, src, n);
        dst[n] = '\0';
}

static bool add_str(cJSON *o, const char *key, const char *val)
{
        char buf[GLPI_STRING_MAX + 1];
        if (!val)
                return true;
        cap_copy(buf, sizeof(buf), val);
        return cJSON_AddStringToObject(o, key, buf) != NULL;
}

static bool word_in(const char *list, const char *word)
{
        size_t wl = strlen(word);
        for (const char *p = list; p && *p;) {
                size_t l = strcspn(p, ", ");
                if (l == wl && strncmp(p, word, wl) == 0)
                        return true;
                p += l;
                p += strspn(p, ", ");
        }
        return false;
}

/* GLPI network_device.type and itemtype. */
static void classify(const cJSON *dev, const char **ret_type, const char **ret_itemtype)
{
        const char *t = str_of(dev, "type");
        const char *type = "Unmanaged";
        if (t) {
                static const struct { const char *netinv, *glpi; } map[] = {
                        { "printer", "Printer" }, { "mfp", "Printer" },
                        { "switch", "Networking" }, { "router", "Networking" },
                        { "access-point", "Networking" }, { "ap", "Networking" },
                        { "firewall", "Networking" }, { "nas", "Storage" },
                        { "storage", "Storage" }, { "ups", "Power" }, { "pdu", "Power" },
                };
                for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
                        if (strcmp(t, map[i].netinv) == 0)
                                type = map[i].glpi;
        } else {
                /* Enabled LLDP/CDP capabilities: a forwarding box. A
                 * telephone stays Unmanaged (never Phone, see above). */
                const char *lc = obs_value(dev, "lldp.capabilities");
                const char *cc = obs_value(dev, "cdp.capabilities");
                if (word_in(lc, "router") || word_in(lc, "bridge") || word_in(lc, "wlan-ap") ||
                    word_in(cc, "router") || word_in(cc, "switch") || word_in(cc, "trans-bridge"))
                        type = "Networking";
        }
        *ret_type = type;
        *ret_itemtype = strcmp(type, "Printer") == 0 ? "Printer" :
                        strcmp(type, "Unmanaged") == 0 ? "Unmanaged" : "NetworkEquipment";
}

/* ips[]: valid, deduplicated, no link-local; the first kept IPv4 and IPv6
 * text returned for the name fallback. */
static bool add_ips(cJSON *nd, const cJSON *dev, char *first4, char *first6, size_t cap)
{
        cJSON *ips = cJSON_CreateArray();
        unsigned char seen[GLPI_MAX_IPS][16];
        size_t n_seen = 0;
        static const char *const fam_key[2] = { "ipv4", "ipv6" };
        if (!ips)
                return false;
        first4[0] = first6[0] = '\0';
        for (int f = 0; f < 2; f++) {
                const cJSON *arr = cJSON_GetObjectItemCaseSensitive(dev, fam_key[f]);
                const cJSON *a;
                if (!cJSON_IsArray(arr))
                        continue;
                cJSON_ArrayForEach(a, arr) {
                        unsigned char bin[16] = {0};
                        if (!cJSON_IsString(a) || n_seen >= GLPI_MAX_IPS ||
                            inet_pton(f ? AF_INET6 : AF_INET, a->valuestring, bin) != 1)
                                continue;
                        if (f && bin[0] == 0xfe && (bin[1] & 0xc0) == 0x80)
                                continue;       /* fe80::/10 means nothing off the link */
                        bool dup = false;
                        for (size_t i = 0; i < n_seen; i++)
                                dup |= memcmp(seen[i], bin, 16) == 0;
                        if (dup)
                                continue;
                        memcpy(seen[n_seen++], bin, 16);
                        char txt[INET6_ADDRSTRLEN];
                        inet_ntop(f ? AF_INET6 : AF_INET, bin, txt, sizeof(txt));
                        if (!f && !first4[0])
                                snprintf(first4, cap, "%s", txt);
                        if (f && !first6[0])
                                snprintf(first6, cap, "%s", txt);
                        cJSON *s = cJSON_CreateString(txt);
                        if (!s || !cJSON_AddItemToArray(ips, s)) {
                                cJSON_Delete(s);
                                cJSON_Delete(ips);
                                return false;
                        }
                }
        }
        if (cJSON_GetArraySize(ips) == 0) {
                cJSON_Delete(ips);
                return true;
        }
        return cJSON_AddItemToObject(nd, "ips", ips);
}

/* "<os name> <os version>; open: 22/ssh 80/http", for devices with no
 * LLDP/CDP description. */
static void describe(const cJSON *dev, char *buf, size_t cap)
{
        size_t n = 0;
        const cJSON *os = cJSON_GetObjectItemCaseSensitive(dev, "os");
        const cJSON *sv = cJSON_GetObjectItemCaseSensitive(dev, "services");
        buf[0] = '\0';
        if (cJSON_IsObject(os) && str_of(os, "name")) {
                const char *ver = str_of(os, "version");
                n += (size_t)snprintf(buf, cap, "%s%s%s", str_of(os, "name"), ver ? " " : "", ver ? ver : "");
        }
        if (cJSON_IsArray(sv) && cJSON_GetArraySize(sv) > 0 && n < cap) {
                const cJSON *s;
                unsigned k = 0;
                n += (size_t)snprintf(buf + n, cap - n, "%sopen:", n ? "; " : "");
                cJSON_ArrayForEach(s, sv) {
                        const cJSON *port = cJSON_GetObjectItemCaseSensitive(s, "port");
                        const char *name = str_of(s, "name");
                        if (!cJSON_IsNumber(port) || port->valuedouble < 0 || port->valuedouble > 65535)
                                continue;
                        if (n >= cap || k++ >= GLPI_MAX_SERVICES_TEXT)
                                break;
                        n += (size_t)snprintf(buf + n, cap - n, " %d%s%s", (int)port->valuedouble,
                                              name ? "/" : "", name ? name : "");
                }
        }
}

static char *device_message(const cJSON *dev, const struct glpi_ctx *c)
{
        char mac[18] = "", v4[INET6_ADDRSTRLEN], v6[INET6_ADDRSTRLEN], desc[512], ver[64], devid[128];
        const char *type, *itemtype;
        char *out = NULL;
        cJSON *m = cJSON_CreateObject(), *content = NULL, *nd = NULL;
        if (!m)
                return NULL;

        const char *mv = str_of(dev, "mac");
        uint8_t b[6];
        if (mv && parse_mac(mv, b))
                fmt_mac(mac, sizeof(mac), b);
        classify(dev, &type, &itemtype);
        snprintf(devid, sizeof(devid), "netinv-%s", c->agent_id ? c->agent_id : "unknown");
        snprintf(ver, sizeof(ver), "netinv_v%s", c->version ? c->version : "0");
        if (!cJSON_AddStringToObject(m, "action", "netdiscovery") ||
            !cJSON_AddStringToObject(m, "deviceid", devid) ||
            !cJSON_AddStringToObject(m, "itemtype", itemtype) ||
            (c->site && c->site[0] && !add_str(m, "tag", c->site)) ||
            !(content = cJSON_AddObjectToObject(m, "content")) ||
            !cJSON_AddStringToObject(content, "versionclient", ver) ||
            !(nd = cJSON_AddObjectToObject(content, "network_device")) ||
            !cJSON_AddStringToObject(nd, "type", type) ||
            !add_ips(nd, dev, v4, v6, sizeof(v4)))
                goto out;

        /* A name is mandatory; the first that exists. */
        const char *hn = NULL;
        const cJSON *hns = cJSON_GetObjectItemCaseSensitive(dev, "hostnames");
        if (cJSON_IsArray(hns) && cJSON_IsString(cJSON_GetArrayItem(hns, 0)) &&
            cJSON_GetArrayItem(hns, 0)->valuestring[0])
                hn = cJSON_GetArrayItem(hns, 0)->valuestring;
        const char *name = obs_value(dev, "lldp.system_name");
        if (!name)
                name = obs_value(dev, "cdp.device_id");
        if (!name)
                name = hn;
        if (!name && v4[0])
                name = v4;
        if (!name && v6[0])
                name = v6;
        if (!name && mac[0])
                name = mac;
        if (!name)
                goto out;       /* nothing to key it on: skipped */

        const char *manuf = obs_value(dev, "lldp.med.manufacturer");
        if (!manuf)
                manuf = str_of(dev, "vendor");
        const char *model = obs_value(dev, "lldp.med.model");
        if (!model)
                model = obs_value(dev, "cdp.platform");
        const char *fw = obs_value(dev, "lldp.med.firmware_revision");
        if (!fw)
                fw = obs_value(dev, "lldp.med.software_revision");
        const char *dsc = obs_value(dev, "lldp.system_description");
        if (!dsc)
                dsc = obs_value(dev, "cdp.software_version");
        if (!dsc) {
                describe(dev, desc, sizeof(desc));
                dsc = desc[0] ? desc : NULL;
        }
        if (!add_str(nd, "name", name) ||
            (mac[0] && !cJSON_AddStringToObject(nd, "mac", mac)) ||
            !add_str(nd, "manufacturer", manuf) ||
            !add_str(nd, "model", model) ||
            !add_str(nd, "serial", obs_value(dev, "lldp.med.serial")) ||
            !add_str(nd, "firmware", fw) ||
            !add_str(nd, "assettag", obs_value(dev, "lldp.med.asset_id")) ||
            !add_str(nd, "description", dsc))
                goto out;
        if (!mac[0] && !cJSON_GetObjectItemCaseSensitive(nd, "ips"))
                goto out;       /* neither MAC nor address: GLPI cannot match it */
        out = cJSON_PrintUnformatted(m);
out:
        cJSON_Delete(m);
        return out;
}

void glpi_msgs_free(struct glpi_msgs *m)
{
        if (!m)
                return;
        for (size_t i = 0; i < m->n; i++)
                free(m->msg[i]);
        free(m->msg);
        m->msg = NULL;
        m->n = 0;
}

int glpi_document(const char *doc, size_t len, const struct glpi_ctx *c, struct glpi_msgs *ret)
{
        struct glpi_msgs g = {0};
        int r = 0;
        cJSON *root = cJSON_ParseWithLength(doc, len);
        const cJSON *devs, *d;
        const char *schema = str_of(root, "schema");
        if (!cJSON_IsObject(root) || !schema || strcmp(schema, "netinv/1") != 0 ||
            !cJSON_IsArray(devs = cJSON_GetObjectItemCaseSensitive(root, "devices"))) {
                cJSON_Delete(root);
                return -EINVAL;
        }
        size_t n = (size_t)cJSON_GetArraySize(devs);
        if (n > INV_MAX_DEVICES_DEFAULT)
                n = INV_MAX_DEVICES_DEFAULT;
        g.msg = calloc(n ? n : 1, sizeof(*g.msg));
        if (!g.msg) {
                r = -ENOMEM;
                goto out;
        }
        size_t i = 0;
        cJSON_ArrayForEach(d, devs) {
                if (i++ >= n) {
                        g.skipped++;
                        continue;
                }
                char *msg = cJSON_IsObject(d) ? device_message(d, c) : NULL;
                if (msg)
                        g.msg[g.n++] = msg;
                else
                        g.skipped++;
        }
out:
        cJSON_Delete(root);
        if (r < 0) {
                glpi_msgs_free(&g);
                return r;
        }
        *ret = g;
        return 0;
}
