/* scan_common.c - the pieces `netinv scan` and `netinv listen` share:
 * identification and end-of-life knowledge, the state's identity texts, and
 * the push (spool first, then send). They log their own errors (cmd/). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cmd.h"
#include "netinv/capture.h"
#include "netinv/eol.h"
#include "netinv/identify.h"
#include "netinv/inventory.h"
#include "netinv/output.h"
#include "netinv/priv.h"
#include "netinv/push.h"
#include "netinv/state.h"
#include "netinv/util.h"
#include "scan.h"

/* Identification rules and end-of-life tables, read before the privilege
 * drop (they may be readable by root only). A rule file with an error is a
 * usage error: the admin edited it. Missing tables only make every verdict
 * unknown. 0 or an exit code. */
int load_knowledge(const struct scan_opts *o, struct identify_rules **rules,
                          struct eol_db **db)
{
        const char *dirs[4];
        char buf[1024], err[512], data[1024];
        size_t n = identify_default_dirs(NULL, dirs, buf, sizeof(buf));
        int r = identify_load(dirs, n, rules, err, sizeof(err));
        if (r == -ENOENT) {
                /* Not installed (a binary run from its build tree): the
                 * inventory still works, without OS or verdicts. */
                cmd_warn("%s: no identification, no end-of-life verdicts "
                         "(install netinv, or set NETINV_DATA_DIR to its data/ directory)", err);
                *rules = NULL;
                return 0;
        }
        if (r < 0) {
                cmd_error("%s", err);
                return NETINV_EXIT_USAGE;
        }
        const char *env = getenv("NETINV_DATA_DIR");
        snprintf(data, sizeof(data), "%s/eol", env && env[0] ? env : NETINV_DATADIR);
        char state_eol[1100];
        const char *edirs[3] = { data, "/etc/netinv/eol", NULL };
        size_t ne = 2;
        if (o->state_dir) {
                snprintf(state_eol, sizeof(state_eol), "%s/eol", o->state_dir);
                edirs[ne++] = state_eol;
        }
        if (eol_db_load(edirs, ne, NULL, db) < 0 || eol_db_count(*db) == 0)
                cmd_warn("no end-of-life tables in %s: every verdict is unknown "
                         "(try: netinv eol update)", data);
        else if (eol_db_errors(*db))
                cmd_warn("%zu end-of-life table file(s) could not be read and were skipped",
                         eol_db_errors(*db));
        return 0;
}

/* Identify every device and judge what was identified; the verdicts stay
 * in *ret (freed by the caller), the devices point at them. */
int identify_and_judge(const struct scan_opts *o, const struct identify_rules *rules,
                              const struct eol_db *db, struct inventory *inv,
                              struct eol_verdict **ret, size_t *ret_eol)
{
        size_t n = inventory_count(inv), past = 0, k = 0;
        if (identify_inventory(rules, inv) < 0)
                return -ENOMEM;
        /* A verdict only for what can be judged: most devices of a large
         * segment name no version, and 65,536 verdicts would be 16 MiB. */
        for (size_t i = 0; i < n; i++) {
                const struct device *d = inventory_get(inv, i);
                k += db && d->ident && d->ident->eol_product[0];
        }
        struct eol_verdict *v = calloc(k ? k : 1, sizeof(*v));
        if (!v)
                return -ENOMEM;
        for (size_t i = 0, j = 0; i < n && j < k; i++) {
                struct device *d = inventory_get(inv, i);
                if (!d->ident || !d->ident->eol_product[0])
                        continue;
                eol_judge(db, d->ident->eol_product, d->ident->eol_version, o->as_of, &v[j]);
                d->eol = &v[j];
                past += v[j].status == EOL_EOL;
                j++;
        }
        *ret = v;
        *ret_eol = past;
        return 0;
}

void state_ident(const struct device *d, void *user, const char **ret_os,
                        const char **ret_eol)
{
        struct ident_texts *t = user;
        size_t lo = 0, hi = inventory_count(t->inv);
        *ret_os = *ret_eol = NULL;
        while (lo < hi) {               /* the inventory is sorted by MAC */
                size_t mid = lo + (hi - lo) / 2;
                int c = memcmp(inventory_get(t->inv, mid)->mac, d->mac, 6);
                if (c == 0) {
                        lo = mid;
                        break;
                }
                if (c < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        if (!d->ident || lo >= inventory_count(t->inv) || inventory_get(t->inv, lo) != d)
                return;
        const struct identity *id = d->ident;
        if (id->name[0] || id->family[0]) {
                snprintf(t->os_text[lo], sizeof(t->os_text[lo]), "%s%s%s",
                         id->name[0] ? id->name : id->family, id->version[0] ? " " : "", id->version);
                *ret_os = t->os_text[lo];
        }
        if (d->eol && d->eol->status != EOL_UNKNOWN)
                *ret_eol = eol_status_name(d->eol->status);
}

/* Before the drop: the spool directory (handed to the user the scan runs
 * as) and the secret. 0 or an exit code. */
int push_begin(const struct scan_opts *o, char *spool, size_t n, char **secret)
{
        if (o->spool_dir)
                snprintf(spool, n, "%s", o->spool_dir);
        else if (o->state_dir)
                snprintf(spool, n, "%s/spool", o->state_dir);
        else {
                cmd_error("--push needs a place to spool the document first "
                          "(try: --state-dir DIR or --spool-dir DIR)");
                return NETINV_EXIT_USAGE;
        }
        if (mkdir(spool, 0700) < 0 && errno != EEXIST) {
                cmd_error("'%s': cannot create the spool: %s", spool, strerror(errno));
                return NETINV_EXIT_FAILURE;
        }
        uid_t uid;
        gid_t gid;
        if (geteuid() == 0 && priv_lookup(o->user, &uid, &gid) == 0 && chown(spool, uid, gid) < 0) {
                cmd_error("'%s': cannot hand the spool to uid %u: %s", spool, (unsigned)uid,
                          strerror(errno));
                return NETINV_EXIT_FAILURE;
        }
        if (cmd_push_secret(o->token_file, secret) < 0)
                return NETINV_EXIT_USAGE;
        bool plain = false;
        if (push_url_plain_remote(o->push_url, &plain) < 0) {
                cmd_error("--push '%s': want an http:// or https:// URL", o->push_url);
                return NETINV_EXIT_USAGE;
        }
        if (plain && *secret)
                cmd_warn("--push '%s': the token would cross the network unencrypted (use https://)",
                         o->push_url);
        return 0;
}

/* After the result is written: spool the JSON document (write, fsync,
 * rename), then send the spool, oldest first. 0, or the exit code: 1 when
 * the register refused a document (kept in failed/), 4 when documents are
 * still spooled. */
int push_after(const struct scan_opts *o, const struct scan_info *si,
                      const struct inventory *inv, const char *spool, const char *secret,
                      const char *agent_id)
{
        char *doc = NULL;
        size_t len = 0;
        FILE *ms = open_memstream(&doc, &len);
        if (!ms) {
                cmd_error("out of memory");
                return NETINV_EXIT_FAILURE;
        }
        int w = output_write(ms, OUT_JSON, si, inv, false);
        if (fclose(ms) != 0 || w < 0) {
                free(doc);
                cmd_error("out of memory");
                return NETINV_EXIT_FAILURE;
        }
        int r = spool_put(spool, si->id, doc, len,
                          o->spool_max_bytes ? o->spool_max_bytes : SPOOL_MAX_BYTES_DEFAULT, NULL);
        free(doc);
        if (r < 0) {
                cmd_error("'%s': cannot spool the document: %s", spool, strerror(-r));
                return NETINV_EXIT_FAILURE;
        }
        struct push_opts po;
        struct push_result res;
        push_opts_init(&po);
        po.spool_dir = spool;
        po.url = o->push_url;
        po.format = o->push_format && strcmp(o->push_format, "glpi") == 0 ? PUSH_FORMAT_GLPI
                                                                         : PUSH_FORMAT_JSON;
        po.auth = secret ? PUSH_AUTH_BEARER : PUSH_AUTH_NONE;
        po.secret = secret;
        po.ca_file = o->ca_file;
        po.client_cert = o->client_cert;
        po.client_key = o->client_key;
        po.agent_id = agent_id && agent_id[0] ? agent_id : NULL;
        po.site = o->site;
        if (o->connect_timeout_ms)
                po.connect_timeout_ms = o->connect_timeout_ms;
        if (o->timeout_ms)
                po.timeout_ms = o->timeout_ms;
        if (o->retry_total_ms)
                po.retry_total_ms = o->retry_total_ms;
        po.note = cmd_push_note;
        r = push_spool(&po, &res);
        if (r < 0 && r != -EWOULDBLOCK) {
                cmd_error("'%s': push: %s", spool, strerror(-r));
                return NETINV_EXIT_FAILURE;
        }
        if (res.failed)
                return NETINV_EXIT_FAILURE;
        if (r == -EWOULDBLOCK || res.pending) {
                cmd_warn("%u document(s) wait in '%s' for the register%s%s", res.pending, spool,
                         res.last_error[0] ? ": " : "", res.last_error);
                return NETINV_EXIT_PENDING;
        }
        return 0;
}

int scan_capture_error(const char *cmd, const char *what, const struct capture_open_err *e)
{
        switch (e->why) {
        case CAPTURE_FAIL_NO_DEVICE:
                cmd_error("'%s': no such interface (try: ip -br link)", what);
                return NETINV_EXIT_USAGE;
        case CAPTURE_FAIL_PERM:
                cmd_error("capturing on '%s' needs root or CAP_NET_RAW (try: sudo netinv %s %s, "
                          "or setcap cap_net_raw,cap_net_admin+ep on the binary)", what, cmd, what);
                return NETINV_EXIT_FAILURE;
        case CAPTURE_FAIL_NOT_FOUND:
                cmd_error("'%s': no such file", what);
                return NETINV_EXIT_USAGE;
        case CAPTURE_FAIL_FORMAT:
                cmd_error("'%s': not a readable pcap or pcapng file (%s)", what, e->msg);
                return NETINV_EXIT_FAILURE;
        case CAPTURE_FAIL_LINKTYPE:
                cmd_error("'%s': %s", what, e->msg);
                return NETINV_EXIT_FAILURE;
        default:
                cmd_error("'%s': cannot open capture: %s", what, e->msg);
                return NETINV_EXIT_FAILURE;
        }
}
