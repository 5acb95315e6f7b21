/* json.c - the netinv document as it is pushed in JSON format: the spooled
 * document with agent.id and agent.site added (so the register can tell
 * agents and segments apart) and scan.spool_dropped (documents the full
 * spool dropped since the last delivery) when non-zero.
 *
 * A spooled file that is not a JSON object is sent as it is: the register
 * refuses it and it lands in failed/ where a person can look at it.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netinv/push.h"

static int copy_verbatim(const char *doc, size_t len, char **ret, size_t *ret_len)
{
        char *s = malloc(len + 1);
        if (!s)
                return -ENOMEM;
        memcpy(s, doc, len);
        s[len] = '\0';
        *ret = s;
        *ret_len = len;
        return 0;
}

/* Set key to a string unless it is already there. */
static bool ensure_str(cJSON *o, const char *key, const char *val)
{
        if (!val || !val[0] || cJSON_GetObjectItemCaseSensitive(o, key))
                return true;
        return cJSON_AddStringToObject(o, key, val) != NULL;
}

int push_json_document(const char *doc, size_t len, const char *agent_id, const char *site,
                       uint64_t spool_dropped, char **ret, size_t *ret_len)
{
        cJSON *root = cJSON_ParseWithLength(doc, len);
        if (!cJSON_IsObject(root)) {
                cJSON_Delete(root);
                return copy_verbatim(doc, len, ret, ret_len);
        }
        int r = -ENOMEM;
        cJSON *agent = cJSON_GetObjectItemCaseSensitive(root, "agent");
        cJSON *scan = cJSON_GetObjectItemCaseSensitive(root, "scan");
        if (!cJSON_IsObject(agent)) {
                cJSON_DeleteItemFromObjectCaseSensitive(root, "agent");
                agent = cJSON_AddObjectToObject(root, "agent");
        }
        if (!agent || !ensure_str(agent, "id", agent_id) || !ensure_str(agent, "site", site))
                goto out;
        if (spool_dropped && cJSON_IsObject(scan)) {
                cJSON_DeleteItemFromObjectCaseSensitive(scan, "spool_dropped");
                if (!cJSON_AddNumberToObject(scan, "spool_dropped", (double)spool_dropped))
                        goto out;
        }
        char *s = cJSON_PrintUnformatted(root);
        if (!s)
                goto out;
        *ret = s;
        *ret_len = strlen(s);
        r = 0;
out:
        cJSON_Delete(root);
        return r;
}
