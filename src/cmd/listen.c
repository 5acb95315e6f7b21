/* listen.c - `netinv listen`: the daemon. Watches one interface passively,
 * without end (or reads a capture file or pipe to its end), through the
 * same pipeline as scan (capture → dissect_frame → inventory), and keeps
 * the state directory current: every listen.save_interval it identifies
 * and judges the devices, merges them into the state and saves it; every
 * push.interval (and, with push.on_new, soon after a device the state did
 * not know) it spools and pushes the scan-format document with the changes
 * since the last push. SIGHUP reloads the configuration (what a running
 * daemon can take: push, intervals, site, staleness); SIGTERM and SIGINT
 * save the state, spool and push a last document and exit 0.
 *
 * Memory is bounded: one inventory for the daemon's life (--max-devices,
 * the per-device caps of limits.h, observations deduplicated by hash), the
 * state's bounded histories, and at most LISTEN_CHANGES_MAX changes kept
 * between two pushes. When the inventory is full it is started afresh
 * after a merge, so new devices are not refused for ever.
 *
 * The options and SIGHUP's reload are in listen_conf.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cmd.h"
#include "netinv/capture.h"
#include "netinv/config.h"
#include "netinv/dissect.h"
#include "netinv/eol.h"
#include "netinv/identify.h"
#include "netinv/inventory.h"
#include "netinv/oui.h"
#include "netinv/output.h"
#include "netinv/priv.h"
#include "netinv/state.h"
#include "netinv/util.h"
#include "listen.h"
#include "scan.h"

static volatile sig_atomic_t got_term, got_hup;

static void on_signal(int sig)
{
        if (sig == SIGHUP)
                got_hup = 1;
        else
                got_term = 1;
}

uint64_t listen_mono_usec(void)
{
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

/* Open the capture. A pipe (a FIFO by name, or a standard input that is
 * not a regular file) is read through unbuffered stdio, record by record
 * as it arrives, so that poll() on it says whether a frame waits and the
 * timers run while the writer is quiet. 0 or an exit code. */
static int open_capture(struct listener *L)
{
        struct capture_open_err e = { 0 };
        const char *what = L->o.iface ? L->o.iface : L->o.read;
        int r;

        if (L->o.iface) {
                r = capture_open_live(L->o.iface, true, L->o.promisc, &L->cap, &e);
        } else {
                struct stat sb;
                const char *path = L->o.read;
                if (strcmp(path, "-") != 0 && stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
                        int fd = open(path, O_RDONLY | O_CLOEXEC);
                        if (fd < 0 || dup2(fd, STDIN_FILENO) < 0) {
                                cmd_error("'%s': cannot read: %s", path, strerror(errno));
                                if (fd >= 0)
                                        close(fd);
                                return NETINV_EXIT_FAILURE;
                        }
                        close(fd);
                        path = "-";
                }
                if (strcmp(path, "-") == 0) {
                        if (fstat(STDIN_FILENO, &sb) == 0 && S_ISREG(sb.st_mode)) {
                                path = "/dev/stdin";    /* a file: the fast reader */
                        } else {
                                setvbuf(stdin, NULL, _IONBF, 0);
                                L->can_break = true;
                        }
                }
                r = capture_open_file(path, &L->cap, &e);
        }
        if (r == 0)
                return 0;
        return scan_capture_error("listen", what, &e);
}

/* Lock and load the state, and hand its directory to the user the daemon
 * runs as. 0 or an exit code. */
static int open_state(struct listener *L)
{
        char err[512];
        int r = state_run_begin(L->o.state_dir, L->o.max_devices, now_usec(), &L->run, err,
                                sizeof(err));
        if (r < 0) {
                cmd_error("%s", err);
                return r == -EWOULDBLOCK ? NETINV_EXIT_TEMPFAIL : NETINV_EXIT_FAILURE;
        }
        L->have_state = true;
        if (L->run.set_aside)
                cmd_warn("%s; kept as '%s', starting a new inventory", err, L->run.aside);
        uid_t uid;
        gid_t gid;
        if (geteuid() == 0 && priv_lookup(L->o.user, &uid, &gid) == 0 &&
            chown(L->o.state_dir, uid, gid) < 0) {
                cmd_error("'%s': cannot hand the state directory to uid %u: %s", L->o.state_dir,
                          (unsigned)uid, strerror(errno));
                return NETINV_EXIT_FAILURE;
        }
        return 0;
}

/* A device the inventory got in this frame (index >= before) that the
 * state does not know. */
static bool new_to_state(const struct listener *L, size_t before)
{
        for (size_t i = before; i < inventory_count(L->inv); i++)
                if (!state_find(L->run.st, inventory_get(L->inv, i)->mac))
                        return true;
        return false;
}

static uint64_t next_deadline(const struct listener *L)
{
        uint64_t t = L->next_save < L->next_push ? L->next_save : L->next_push;
        if (L->new_due && L->new_due < t)
                t = L->new_due;
        return t;
}

static void on_frame(void *user, enum linktype lt, const uint8_t *data, uint32_t caplen,
                     uint64_t ts)
{
        struct listener *L = user;
        size_t before = inventory_count(L->inv);

        obs_sink_reset(L->sink);
        L->sink->dropped = 0;
        enum dissect_res r = dissect_frame(lt, data, caplen, ts, L->sink);
        L->st.frames++;
        L->st.by_res[r]++;
        if ((L->sink->n || L->sink->dropped) &&
            inventory_add_sink(L->inv, L->sink, ts) == -ENOMEM)
                L->oom = 1;
        if (L->on_new && L->o.push_url && !L->new_due && inventory_count(L->inv) > before &&
            new_to_state(L, before))
                L->new_due = listen_mono_usec() + LISTEN_NEW_DEBOUNCE_US;
        /* Reading a pipe, libpcap would not return before its end: back to
         * the loop when the pipe is empty (it waits there with the timers),
         * a signal came or a timer is due. */
        if (L->can_break) {
                struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
                if (got_term || got_hup || L->oom || poll(&p, 1, 0) == 0 ||
                    (++L->since_check % LISTEN_CHECK_FRAMES == 0 && listen_mono_usec() >= next_deadline(L)))
                        capture_break(L->cap);
        }
}

/* The changes a merge appended from index `from`, without "gone", and at
 * most LISTEN_CHANGES_MAX between two pushes. The merge calls gone what was
 * in the previous merge and not in this one: right between two scans,
 * noise for a daemon (after a restart, everything that has not talked in
 * its first minute). A device that left shows as stale instead. */
static void keep_changes(struct listener *L, size_t from)
{
        struct change_list *l = &L->pending;
        size_t w = from;
        for (size_t i = from; i < l->n; i++) {
                if (l->c[i].kind == CH_GONE) {
                        free(l->c[i].before);
                        free(l->c[i].after);
                        continue;
                }
                l->c[w++] = l->c[i];
        }
        l->n = w;
        while (l->n > LISTEN_CHANGES_MAX) {
                struct change *c = &l->c[--l->n];
                free(c->before);
                free(c->after);
                L->changes_dropped++;
        }
}

/* What the state adds to the pushed document, and the changes dropped. */
static int annotate_json(struct cJSON *doc, void *user)
{
        struct listener *L = user;
        int r = state_annotate_json(doc, &L->pending, L->run.st, now_usec(), L->o.stale_days,
                                    L->run.agent_id[0] ? L->run.agent_id : NULL, L->o.site);
        cJSON *scan = cJSON_GetObjectItemCaseSensitive(doc, "scan");
        if (r == 0 && L->changes_dropped && cJSON_IsObject(scan) &&
            !cJSON_AddNumberToObject(scan, "changes_dropped", (double)L->changes_dropped))
                r = -ENOMEM;
        return r;
}

/* Identify and judge, merge into the state and save it; with push, spool
 * and push the document too. 0, or -1 after an error was printed (the
 * daemon goes on; the caller decides at exit). */
static int cycle(struct listener *L, bool push)
{
        uint64_t now = now_usec();
        int ret = 0;

        inventory_set_vendors(L->inv, L->oui);
        inventory_sort(L->inv);        /* state_ident looks devices up by MAC */
        size_t n = inventory_count(L->inv);
        if (L->rules) {
                struct eol_verdict *v = NULL;
                size_t past = 0;
                for (size_t i = 0; i < n; i++)
                        inventory_get(L->inv, i)->eol = NULL;   /* into the old verdicts */
                /* A daemon runs for days: judged as on the day of each
                 * cycle unless a date was given. */
                if (!L->o.as_of_set)
                        L->o.as_of = eol_today();
                if (identify_and_judge(&L->o, L->rules, L->eoldb, L->inv, &v, &past) < 0) {
                        cmd_error("out of memory while identifying devices");
                        return -1;
                }
                free(L->verdicts);
                L->verdicts = v;
        }
        void *t = realloc(L->texts.os_text, (n + 1) * sizeof(*L->texts.os_text));
        if (!t) {
                cmd_error("out of memory while merging the state");
                return -1;
        }
        L->texts.os_text = t;
        memset(L->texts.os_text, 0, (n + 1) * sizeof(*L->texts.os_text));
        L->texts.inv = L->inv;
        state_set_ident(L->run.st, state_ident, &L->texts);
        size_t from = L->pending.n;
        if (state_merge(L->run.st, L->inv, now, &L->pending) < 0) {
                cmd_error("out of memory while merging the state");
                return -1;
        }
        keep_changes(L, from);
        if (L->o.forget_after)
                state_forget(L->run.st, now, L->o.forget_after);
        int r = state_save(L->run.st, L->o.state_dir, now);
        if (r < 0) {
                cmd_error("'%s': cannot save the state: %s", L->o.state_dir, strerror(-r));
                ret = -1;
        }
        if (push && L->o.push_url) {
                struct scan_info si = { 0 };
                uuid_v4(si.id, sizeof(si.id));
                si.interface = L->o.iface;
                si.file = L->o.read;
                si.hostname = L->host;
                si.version = NETINV_VERSION;
                si.oui_source = oui_source(L->oui);
                si.started_usec = L->started;
                si.finished_usec = now;
                si.packets_seen = L->st.frames;
                si.packets_truncated = L->st.by_res[DISSECT_TRUNCATED];
                si.packets_malformed = L->st.by_res[DISSECT_MALFORMED] + si.packets_truncated;
                si.packets_dropped = L->o.iface ? capture_dropped(L->cap) : 0;
                si.inv = inventory_stats(L->inv);
                si.annotate_json = annotate_json;
                si.annotate_user = L;
                r = push_after(&L->o, &si, L->inv, L->spool, L->secret,
                               L->run.agent_id[0] ? L->run.agent_id : NULL);
                /* Spooled is done: what did not go waits for the next push. */
                if (r == NETINV_EXIT_FAILURE)
                        ret = -1;
                if (L->o.verbose && r == 0)
                        cmd_info("pushed document %s: %zu devices, %zu changes", si.id, n,
                                 L->pending.n);
                if (r == 0 || r == NETINV_EXIT_PENDING) {
                        change_list_done(&L->pending);
                        memset(&L->pending, 0, sizeof(L->pending));
                        L->changes_dropped = 0;
                        L->frames_at_push = L->st.frames;
                }
        }
        /* Full: begin afresh, so that the devices of tomorrow are not
         * refused because of those of last week. */
        if (n >= L->o.max_devices) {
                struct inventory *fresh = inventory_new(L->o.max_devices);
                if (fresh) {
                        cmd_warn("the inventory reached %zu devices (--max-devices): starting a new one",
                                 n);
                        inventory_free(L->inv);
                        L->inv = fresh;
                        L->texts.inv = fresh;
                }
        }
        return ret;
}

/* Read until the end of the file or a signal, saving and pushing on time.
 * 0 or an exit code. */
static int run(struct listener *L)
{
        int fd = L->can_break ? STDIN_FILENO : capture_fd(L->cap), ret = 0;

        for (;;) {
                if (got_term)
                        break;
                if (got_hup) {
                        got_hup = 0;
                        listen_reload(L);
                }
                uint64_t now = listen_mono_usec();
                bool push = now >= L->next_push || (L->new_due && now >= L->new_due);
                if (push || now >= L->next_save) {
                        cycle(L, push);
                        now = listen_mono_usec();
                        L->next_save = now + (uint64_t)(L->save_s * 1e6);
                        if (push) {
                                L->next_push = now + (uint64_t)(L->push_s * 1e6);
                                L->new_due = 0;
                        }
                }
                if (fd >= 0) {
                        uint64_t d = next_deadline(L), left = d > now ? d - now : 0;
                        if (left > CAPTURE_POLL_MS * 1000ull)
                                left = CAPTURE_POLL_MS * 1000ull;
                        struct timespec ts = { (time_t)(left / 1000000u), (long)(left % 1000000u) * 1000 };
                        struct pollfd p = { .fd = fd, .events = POLLIN };
                        int pr = ppoll(&p, 1, &ts, NULL);
                        if (pr < 0 && errno != EINTR) {
                                cmd_error("'%s': poll: %s", L->o.iface ? L->o.iface : L->o.read,
                                          strerror(errno));
                                ret = NETINV_EXIT_FAILURE;
                                break;
                        }
                        if (pr <= 0)
                                continue;
                }
                long k = capture_dispatch(L->cap, on_frame, L);
                if (L->oom) {
                        cmd_error("out of memory while building the inventory");
                        ret = NETINV_EXIT_FAILURE;
                        break;
                }
                if (k == -1)
                        break;          /* the end of the file */
                if (k == -2) {
                        if (got_term)   /* the signal interrupted the read */
                                break;
                        cmd_error("'%s': %s (stopping after %llu packets)",
                                  L->o.iface ? L->o.iface : L->o.read, capture_error(L->cap),
                                  (unsigned long long)L->st.frames);
                        ret = NETINV_EXIT_FAILURE;
                        break;
                }
        }
        return ret;
}

int cmd_listen(int argc, char **argv)
{
        struct listener *L = calloc(1, sizeof(*L));
        int ret;

        if (!L || !(L->cfg = malloc(sizeof(*L->cfg)))) {
                free(L);
                cmd_error("out of memory");
                return NETINV_EXIT_FAILURE;
        }
        L->argc = argc;
        L->argv = argv;
        L->run.lock_fd = -1;
        ret = listen_config(L, L->cfg);
        if (ret)
                goto out;
        ret = listen_parse_args(L);
        if (ret) {
                ret = ret > 0 ? NETINV_EXIT_OK : NETINV_EXIT_USAGE;
                goto out;
        }
        if (listen_fix_strings(L) < 0) {
                cmd_error("out of memory");
                ret = NETINV_EXIT_FAILURE;
                goto out;
        }
        cmd_quiet = L->o.quiet;
        cmd_syslog(L->use_syslog);
        L->sink = calloc(1, sizeof(*L->sink));
        L->inv = inventory_new(L->o.max_devices);
        if (!L->sink || !L->inv) {
                cmd_error("out of memory");
                ret = NETINV_EXIT_FAILURE;
                goto out;
        }

        /* Everything that needs privileges or the file system first. */
        if (!L->o.oui || strcmp(L->o.oui, "none") != 0) {
                int r = oui_load(L->o.oui, &L->oui);
                if (r < 0 && L->o.oui) {
                        cmd_error("'%s': cannot read OUI file: %s", L->o.oui, strerror(-r));
                        ret = NETINV_EXIT_USAGE;
                        goto out;
                }
                if (r < 0)
                        cmd_warn("no IEEE OUI file found; vendors stay empty (install ieee-data, or --oui FILE)");
        }
        ret = open_capture(L);
        if (ret)
                goto out;
        gethostname(L->host, sizeof(L->host) - 1);
        if (!L->o.no_identify) {
                ret = load_knowledge(&L->o, &L->rules, &L->eoldb);
                if (ret)
                        goto out;
        }
        ret = open_state(L);
        if (ret)
                goto out;
        if (L->o.push_url) {
                ret = push_begin(&L->o, L->spool, sizeof(L->spool), &L->secret);
                if (ret)
                        goto out;
        } else {
                /* A reload may turn the push on: it spools here. */
                if (L->o.spool_dir)
                        snprintf(L->spool, sizeof(L->spool), "%s", L->o.spool_dir);
                else
                        snprintf(L->spool, sizeof(L->spool), "%s/spool", L->o.state_dir);
        }

        /* Only now parse hostile bytes, and never as root. */
        if (L->o.iface || geteuid() == 0) {
                struct priv_result pr;
                char why[256];
                if (priv_drop(L->o.user, &pr, why, sizeof(why)) < 0) {
                        cmd_error("cannot drop privileges: %s", why);
                        ret = NETINV_EXIT_FAILURE;
                        goto out;
                }
        }

        /* The loop waits in poll(), which any signal interrupts. Inside a
         * read (the rest of a record from a pipe) SIGHUP lets the read go
         * on; SIGTERM and SIGINT end it. */
        struct sigaction sa = { .sa_handler = on_signal };
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        sa.sa_flags = SA_RESTART;
        sigaction(SIGHUP, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);

        L->started = now_usec();
        uint64_t t0 = listen_mono_usec();
        L->next_save = t0 + (uint64_t)(L->save_s * 1e6);
        L->next_push = t0 + (uint64_t)(L->push_s * 1e6);
        if (L->o.verbose)
                cmd_info("%s '%s' (%s): state in '%s', saved every %g s%s%s%s", L->o.iface ?
                         "listening on" : "reading", L->o.iface ? L->o.iface : L->o.read,
                         capture_linktype_name(L->cap), L->o.state_dir, L->save_s,
                         L->o.push_url ? ", pushed to '" : "", L->o.push_url ? L->o.push_url : "",
                         L->o.push_url ? "'" : "");
        ret = run(L);

        /* The last save and push, on a signal and at the end of the file. */
        bool push = L->o.push_url && (L->st.frames > L->frames_at_push || L->pending.n);
        if (cycle(L, push) < 0 && !ret)
                ret = NETINV_EXIT_FAILURE;
        if (L->o.verbose)
                cmd_info("%llu packets, %llu malformed, %zu devices",
                         (unsigned long long)L->st.frames,
                         (unsigned long long)L->st.by_res[DISSECT_MALFORMED],
                         inventory_count(L->inv));
out:
        if (L->have_state) {
                char err[512];
                if (state_run_end(&L->run, false, now_usec(), err, sizeof(err)) < 0 && !ret) {
                        cmd_error("%s", err);
                        ret = NETINV_EXIT_FAILURE;
                }
        }
        change_list_done(&L->pending);
        capture_close(L->cap);
        oui_free(L->oui);
        inventory_free(L->inv);
        free(L->verdicts);
        free(L->texts.os_text);
        if (L->secret) {
                explicit_bzero(L->secret, strlen(L->secret));
                free(L->secret);
        }
        identify_free(L->rules);
        eol_db_free(L->eoldb);
        free(L->sink);
        for (size_t i = 0; i < sizeof(L->fixed) / sizeof(L->fixed[0]); i++)
                free(L->fixed[i]);
        free(L->cfg);
        free(L);
        cmd_syslog(false);
        return ret;
}
