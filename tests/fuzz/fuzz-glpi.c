/* fuzz-glpi.c - the push adapters over arbitrary bytes: glpi_document()
 * (a netinv document, as read back from the spool, into GLPI messages) and
 * push_json_document() (agent id, site and drop counter added), and
 * oauth_parse_token() (an OAuth token response from the network).
 *
 * A spool directory is on disk and can be edited, so what is read back is
 * not trusted. Checked: every message produced is JSON again, with the
 * fixed keys GLPI needs and never itemtype Computer or Phone; the JSON
 * form parses whenever the input did; a token has no character that could
 * end a header line. Seeds (corpus/glpi): the mapping fixture, documents
 * netinv wrote for the test captures, token responses.
 */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netinv/push.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const struct glpi_ctx c = { .agent_id = "a-1", .site = "s", .version = "0" };
        const char *doc = (const char *)data;
        struct glpi_msgs m;
        if (glpi_document(doc, size, &c, &m) == 0) {
                for (size_t i = 0; i < m.n; i++) {
                        cJSON *j = cJSON_Parse(m.msg[i]);
                        const char *it = cJSON_GetStringValue(cJSON_GetObjectItem(j, "itemtype"));
                        const cJSON *nd = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "content"), "network_device");
                        const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(nd, "name"));
                        if (!j || !it || !name || !name[0] || strlen(name) > 250 ||
                            strcmp(it, "Computer") == 0 || strcmp(it, "Phone") == 0)
                                abort();
                        cJSON_Delete(j);
                }
                glpi_msgs_free(&m);
        }
        /* The OAuth token response parser (push/oauth.c): a token that comes
         * out must be fit for a header line. */
        char *tok = NULL;
        if (oauth_parse_token(doc, size, &tok) == 0) {
                if (!tok[0] || strpbrk(tok, " \t\r\n:\"") || strlen(tok) > 4096)
                        abort();
                free(tok);
        }
        char *out = NULL;
        size_t len = 0;
        if (push_json_document(doc, size, "a-1", "s", 2, &out, &len) == 0) {
                cJSON *in = cJSON_ParseWithLength(doc, size);
                if (cJSON_IsObject(in)) {
                        cJSON *j = cJSON_Parse(out);
                        if (!j)
                                abort();
                        cJSON_Delete(j);
                }
                cJSON_Delete(in);
                free(out);
        }
        return 0;
}
