/* oauth.c - OAuth 2 client credentials (RFC 6749 §4.4) as GLPI 11 uses
 * them for its inventory endpoint: the request body we send and the token
 * response we parse. The fetch itself is in http.c.
 *
 * The response comes from the network: it is read capped (http.c keeps at
 * most PUSH_RESPONSE_MAX bytes), parsed with a length, and the token is
 * checked character by character before it may go into a header line.
 * Secrets in intermediate buffers are wiped before they are freed.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "netinv/push.h"

#define OAUTH_TOKEN_MAX 4096u

/* RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" /
 * "+" / "/" ) *"=" */
static bool b64token(const char *s)
{
        size_t i = 0, n = strlen(s);
        if (n == 0 || n > OAUTH_TOKEN_MAX)
                return false;
        for (; i < n && s[i] != '='; i++) {
                char c = s[i];
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      strchr("-._~+/", c)))
                        return false;
        }
        if (i == 0)
                return false;
        for (; i < n; i++)
                if (s[i] != '=')
                        return false;
        return true;
}

static void wipe_strings(cJSON *j)
{
        for (cJSON *c = j; c; c = c->next) {
                if (cJSON_IsString(c) && c->valuestring)
                        explicit_bzero(c->valuestring, strlen(c->valuestring));
                if (c->child)
                        wipe_strings(c->child);
        }
}

int oauth_parse_token(const char *body, size_t len, char **ret_token)
{
        int r = -EBADMSG;
        cJSON *j = cJSON_ParseWithLength(body, len);
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(j, "token_type");
        const cJSON *tok = cJSON_GetObjectItemCaseSensitive(j, "access_token");
        if (!cJSON_IsObject(j) || !cJSON_IsString(type) || strcasecmp(type->valuestring, "Bearer") != 0 ||
            !cJSON_IsString(tok) || !b64token(tok->valuestring))
                goto out;
        char *s = strdup(tok->valuestring);
        if (!s) {
                r = -ENOMEM;
                goto out;
        }
        *ret_token = s;
        r = 0;
out:
        wipe_strings(j);
        cJSON_Delete(j);
        return r;
}

int oauth_request_body(const char *id_secret, char **ret)
{
        const char *colon = strchr(id_secret, ':');
        if (!colon || colon == id_secret || !colon[1])
                return -EINVAL;
        char *id = strndup(id_secret, (size_t)(colon - id_secret));
        cJSON *j = cJSON_CreateObject();
        int r = -ENOMEM;
        if (!id || !j)
                goto out;
        if (!cJSON_AddStringToObject(j, "grant_type", "client_credentials") ||
            !cJSON_AddStringToObject(j, "client_id", id) ||
            !cJSON_AddStringToObject(j, "client_secret", colon + 1) ||
            !cJSON_AddStringToObject(j, "scope", "inventory"))
                goto out;
        char *s = cJSON_PrintUnformatted(j);
        if (!s)
                goto out;
        *ret = s;
        r = 0;
out:
        if (id) {
                explicit_bzero(id, strlen(id));
                free(id);
        }
        wipe_strings(j);
        cJSON_Delete(j);
        return r;
}
