/* test-glpi.c - the GLPI adapter (push/glpi.c) and the JSON push form
 * (push/json.c).
 *
 * The fixture tests/push/fixture/netinv.json (a switch seen by LLDP, a
 * printer with OS and services, a PC with a link-local address, a device
 * known only by a link-local address, one with nothing valid, a Cisco
 * phone) must give exactly tests/push/fixture/glpi.ndjson, one message per
 * line; the same file is validated against GLPI's schema by
 * tests/push/glpi.py. NETINV_FIXTURE_WRITE=1 prints the messages instead
 * (for updating the fixture after a reviewed mapping change).
 * Then hand-made edge cases: not a netinv document, wrong types, long
 * strings cut at a character boundary, no site; OAuth token responses
 * (push/oauth.c) that must not reach a header line.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>

#include "netinv/limits.h"
#include "netinv/push.h"
#include "testlib.h"

static char *slurp(const char *path, size_t *ret_len)
{
        FILE *f = fopen(path, "rb");
        if (!f)
                return NULL;
        char *buf = malloc(1 << 20);
        size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
        fclose(f);
        if (!buf)
                return NULL;
        buf[n] = '\0';
        *ret_len = n;
        return buf;
}

static const struct glpi_ctx ctx = {
        .agent_id = "0b0e7c52-8d6e-4d1c-9a8e-3f1f2a6b9c01", .site = "office-1", .version = "0.1.0",
};

static void test_fixture(void)
{
        char in_path[4096], want_path[4096];
        snprintf(in_path, sizeof(in_path), "%s", t_capture("../push/fixture/netinv.json"));
        snprintf(want_path, sizeof(want_path), "%s", t_capture("../push/fixture/glpi.ndjson"));
        size_t len = 0, wlen = 0;
        char *in = slurp(in_path, &len);
        CHECK(in != NULL);
        if (!in)
                return;
        struct glpi_msgs m;
        CHECK_INT(glpi_document(in, len, &ctx, &m), 0);
        free(in);
        if (getenv("NETINV_FIXTURE_WRITE")) {
                for (size_t i = 0; i < m.n; i++)
                        printf("%s\n", m.msg[i]);
                glpi_msgs_free(&m);
                return;
        }
        CHECK_INT(m.n, 5);
        CHECK_INT(m.skipped, 1);
        char *want = slurp(want_path, &wlen);
        CHECK(want != NULL);
        char *save = NULL, *line = want ? strtok_r(want, "\n", &save) : NULL;
        for (size_t i = 0; i < m.n; i++) {
                CHECK_STR(m.msg[i], line ? line : "(missing line)");
                line = line ? strtok_r(NULL, "\n", &save) : NULL;
        }
        CHECK(line == NULL);
        free(want);
        glpi_msgs_free(&m);
}

static struct glpi_msgs one(const char *doc, int want_r)
{
        struct glpi_msgs m = {0};
        CHECK_INT(glpi_document(doc, strlen(doc), &ctx, &m), want_r);
        return m;
}

static void test_not_netinv(void)
{
        struct glpi_msgs m;
        m = one("", -EINVAL);
        m = one("[]", -EINVAL);
        m = one("{\"schema\":\"netinv/2\",\"devices\":[]}", -EINVAL);
        m = one("{\"schema\":\"netinv/1\",\"devices\":{}}", -EINVAL);
        m = one("{\"schema\":\"netinv/1\",\"devices\":[", -EINVAL);
        m = one("{\"schema\":\"netinv/1\",\"devices\":[]}", 0);
        CHECK_INT(m.n, 0);
        glpi_msgs_free(&m);
        /* Wrong types everywhere: skipped, not a crash. */
        m = one("{\"schema\":\"netinv/1\",\"devices\":[1,\"x\",null,{\"mac\":7,\"ipv4\":\"1.2.3.4\","
                "\"hostnames\":[5],\"observations\":{\"key\":1}},{\"observations\":[1,{\"key\":2}]}]}", 0);
        CHECK_INT(m.n, 0);
        CHECK_INT(m.skipped, 5);
        glpi_msgs_free(&m);
        glpi_msgs_free(NULL);
}

static void test_long_strings(void)
{
        /* A 600-byte name of 3-byte characters: cut at <= GLPI_STRING_MAX
         * bytes, on a character boundary. */
        char doc[4096], name[700];
        size_t n = 0;
        while (n + 3 < 600) {
                memcpy(name + n, "\xe2\x82\xac", 3);    /* U+20AC */
                n += 3;
        }
        name[n] = '\0';
        snprintf(doc, sizeof(doc), "{\"schema\":\"netinv/1\",\"devices\":[{\"mac\":\"02:00:00:00:00:01\","
                 "\"hostnames\":[\"%s\"],\"ipv4\":[\"198.18.0.7\",\"198.18.0.7\"]}]}", name);
        struct glpi_msgs m = one(doc, 0);
        CHECK_INT(m.n, 1);
        if (m.n == 1) {
                cJSON *j = cJSON_Parse(m.msg[0]);
                const cJSON *nd = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "content"), "network_device");
                const char *got = cJSON_GetStringValue(cJSON_GetObjectItem(nd, "name"));
                CHECK(got && strlen(got) <= GLPI_STRING_MAX && strlen(got) % 3 == 0);
                CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(nd, "ips")), 1);
                CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(j, "itemtype")), "Unmanaged");
                CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(j, "tag")), "office-1");
                cJSON_Delete(j);
        }
        glpi_msgs_free(&m);

        /* No site: no tag. */
        struct glpi_ctx c2 = ctx;
        c2.site = NULL;
        const char *d2 = "{\"schema\":\"netinv/1\",\"devices\":[{\"mac\":\"02:00:00:00:00:02\"}]}";
        CHECK_INT(glpi_document(d2, strlen(d2), &c2, &m), 0);
        CHECK_INT(m.n, 1);
        CHECK(m.n == 1 && strstr(m.msg[0], "\"tag\"") == NULL);
        CHECK(m.n == 1 && strstr(m.msg[0], "\"name\":\"02:00:00:00:00:02\"") != NULL);
        glpi_msgs_free(&m);
}

static void test_json_document(void)
{
        const char *doc = "{\"schema\":\"netinv/1\",\"agent\":{\"hostname\":\"h\",\"version\":\"0.1.0\"},"
                          "\"scan\":{\"id\":\"x\"},\"devices\":[]}";
        char *out = NULL;
        size_t len = 0;
        CHECK_INT(push_json_document(doc, strlen(doc), "A1", "s1", 3, &out, &len), 0);
        cJSON *j = cJSON_Parse(out);
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "agent"), "id")), "A1");
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "agent"), "site")), "s1");
        CHECK_INT(cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "scan"), "spool_dropped")), 3);
        cJSON_Delete(j);
        free(out);
        /* No counter when nothing was dropped; an id already there is kept. */
        const char *doc2 = "{\"agent\":{\"id\":\"mine\"},\"scan\":{}}";
        CHECK_INT(push_json_document(doc2, strlen(doc2), "A1", NULL, 0, &out, &len), 0);
        CHECK_STR(out, "{\"agent\":{\"id\":\"mine\"},\"scan\":{}}");
        free(out);
        /* Not JSON: sent as it is (the register refuses it into failed/). */
        CHECK_INT(push_json_document("garbage", 7, "A1", "s", 1, &out, &len), 0);
        CHECK_STR(out, "garbage");
        CHECK_INT(len, 7);
        free(out);
}

static void test_oauth(void)
{
        char *t = NULL;
        const char *ok = "{\"token_type\":\"Bearer\",\"access_token\":\"eyJ0e.x-y_z~+/==\",\"expires_in\":3600}";
        CHECK_INT(oauth_parse_token(ok, strlen(ok), &t), 0);
        CHECK_STR(t, "eyJ0e.x-y_z~+/==");
        free(t);
        const char *lower = "{\"token_type\":\"bearer\",\"access_token\":\"abc\"}";
        CHECK_INT(oauth_parse_token(lower, strlen(lower), &t), 0);
        free(t);
        /* Anything that could not be a header value, or is not a token. */
        static const char *const bad[] = {
                "{\"token_type\":\"Bearer\",\"access_token\":\"a\\r\\nX-Evil: 1\"}",
                "{\"token_type\":\"Bearer\",\"access_token\":\"a b\"}",
                "{\"token_type\":\"Bearer\",\"access_token\":\"\"}",
                "{\"token_type\":\"Bearer\",\"access_token\":\"==\"}",
                "{\"token_type\":\"Bearer\",\"access_token\":\"a=b\"}",
                "{\"token_type\":\"MAC\",\"access_token\":\"abc\"}",
                "{\"token_type\":\"Bearer\",\"access_token\":7}",
                "{\"access_token\":\"abc\"}",
                "[\"Bearer\"]", "", "{",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                CHECK_INT(oauth_parse_token(bad[i], strlen(bad[i]), &t), -EBADMSG);
        /* Not NUL-terminated: the length is the bound. */
        CHECK_INT(oauth_parse_token(ok, 20, &t), -EBADMSG);

        char *body = NULL;
        CHECK_INT(oauth_request_body("agent:se\"cret", &body), 0);
        CHECK_STR(body, "{\"grant_type\":\"client_credentials\",\"client_id\":\"agent\","
                        "\"client_secret\":\"se\\\"cret\",\"scope\":\"inventory\"}");
        free(body);
        CHECK_INT(oauth_request_body("nocolon", &body), -EINVAL);
        CHECK_INT(oauth_request_body(":x", &body), -EINVAL);
        CHECK_INT(oauth_request_body("x:", &body), -EINVAL);
}

int main(void)
{
        test_oauth();
        test_fixture();
        test_not_netinv();
        test_long_strings();
        test_json_document();
        return t_done();
}
