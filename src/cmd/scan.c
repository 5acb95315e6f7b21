/* scan.c - `netinv scan`: capture → dissect → inventory → output.
 *
 * With an interface, listens and probes: the ARP sweep of the interface's
 * subnets (or --range) runs from the same event loop that reads the capture,
 * and the scan ends when the sweep's last wait is over (or after --duration
 * seconds, or at SIGINT/SIGTERM). With --passive, or every probe turned off,
 * it only listens, for --duration seconds. With --read, the same pipeline
 * runs over a capture file. Privileges are dropped as soon as the capture,
 * the probes' sockets and the output are open. The scan plan (what may be
 * probed) is built in scan_plan.c.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "netinv/capture.h"
#include "netinv/config.h"
#include "netinv/eol.h"
#include "netinv/identify.h"
#include "netinv/dissect.h"
#include "netinv/inventory.h"
#include "netinv/oui.h"
#include "netinv/output.h"
#include "netinv/priv.h"
#include "netinv/probe.h"
#include "netinv/push.h"
#include "netinv/state.h"
#include "netinv/util.h"
#include "scan.h"

#include <cjson/cJSON.h>
#include <sys/stat.h>

#define SCAN_PROGRESS_US 100000u        /* progress line refresh on a terminal */
#define LIBNET_WHY_MAX 256              /* libnet's error text (LIBNET_ERRBUF_SIZE) */

struct pipeline {
        struct inventory *inv;
        struct obs_sink *sink;
        struct dissect_stats st;
        struct arp_sweep *sweep;        /* told about every ARP binding, or NULL */
        struct prober *prober;          /* told about every observation, or NULL */
        uint8_t own_mac[6];             /* the sweep's sender address */
        int oom;
};

static volatile sig_atomic_t stop_requested;

/* The pacer's clock: monotonic, µs. */
static uint64_t mono_usec(void)
{
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

static void on_signal(int sig)
{
        (void)sig;
        stop_requested = 1;
}

/* The sweep's own requests come back through the capture too. In the RFC
 * 5227 probe form (sender 0.0.0.0) each would add an arp.probe observation
 * to the scanning host; they say nothing about it, so they are dropped. */
static void drop_own_probes(struct pipeline *pl)
{
        size_t w = 0;
        for (size_t i = 0; i < pl->sink->n; i++) {
                const struct obs *ob = &pl->sink->obs[i];
                if (ob->source == PROTO_ARP && ob->kind == OBS_ATTR &&
                    strcmp(ob->key, "arp.probe") == 0 && memcmp(ob->mac, pl->own_mac, 6) == 0)
                        continue;
                pl->sink->obs[w++] = *ob;
        }
        pl->sink->n = w;
}

static void on_frame(void *user, enum linktype lt, const uint8_t *data, uint32_t caplen,
                     uint64_t ts)
{
        struct pipeline *pl = user;
        obs_sink_reset(pl->sink);
        pl->sink->dropped = 0;
        enum dissect_res r = dissect_frame(lt, data, caplen, ts, pl->sink);
        pl->st.frames++;
        pl->st.by_res[r]++;
        if (pl->sweep)
                drop_own_probes(pl);
        if ((pl->sink->n || pl->sink->dropped) &&
            inventory_add_sink(pl->inv, pl->sink, ts) == -ENOMEM)
                pl->oom = 1;
        /* Answers to the sweep come back like any other frame: every IPv4
         * binding the ARP dissector made (replies, requests, announcements)
         * tells the sweep that this address answered. */
        if (pl->sweep)
                for (size_t i = 0; i < pl->sink->n; i++) {
                        const struct obs *ob = &pl->sink->obs[i];
                        if (ob->source == PROTO_ARP && ob->kind == OBS_IPV4)
                                arp_sweep_seen(pl->sweep, ob->mac, ob->addr, ts);
                }
        /* The probes after the sweep hear every answer, and every address
         * of the plan that showed itself (ARP, DHCP, ...) is a host to ask. */
        if (pl->prober && pl->sink->n) {
                uint64_t now = mono_usec();
                for (size_t i = 0; i < pl->sink->n; i++) {
                        const struct obs *ob = &pl->sink->obs[i];
                        if (ob->kind == OBS_IPV4 && memcmp(ob->mac, pl->own_mac, 6) != 0)
                                prober_host(pl->prober, (uint32_t)ob->addr[0] << 24 |
                                            (uint32_t)ob->addr[1] << 16 | (uint32_t)ob->addr[2] << 8 |
                                            ob->addr[3], ob->mac, now);
                }
                prober_seen(pl->prober, pl->sink, now);
        }
}

/* Observations a probe made from its own sockets (banners, descriptions). */
static void on_emit(void *user, const struct obs_sink *s, uint64_t ts)
{
        struct pipeline *pl = user;
        if ((s->n || s->dropped) && inventory_add_sink(pl->inv, s, ts) == -ENOMEM)
                pl->oom = 1;
}

static int open_capture(const struct scan_opts *o, struct capture **cap)
{
        struct capture_open_err e = { 0 };
        const char *what = o->iface ? o->iface : o->read;
        int r = o->iface ? capture_open_live(o->iface, true, o->promisc, cap, &e)
                         : capture_open_file(o->read, cap, &e);
        if (r == 0)
                return 0;
        return scan_capture_error("scan", what, &e);
}

static void progress(const struct arp_sweep *sw, bool sweeping, bool done)
{
        struct arp_sweep_stats st = { 0 };
        if (done) {
                fputs("\r\033[K", stderr);
                return;
        }
        if (sw)
                arp_sweep_stats(sw, &st);
        if (sweeping)
                fprintf(stderr, "\rnetinv: ARP sweep: %llu of %llu addresses answered, %llu requests sent\033[K",
                        (unsigned long long)st.answered, (unsigned long long)st.targets,
                        (unsigned long long)st.sent);
        else
                fprintf(stderr, "\rnetinv: %llu addresses answered; asking them who they are\033[K",
                        (unsigned long long)st.answered);
}

#define SCAN_POLL_MAX 256       /* the capture and the probes' sockets */

/* Read (and probe) until the end: the probes' end, the deadline, a signal,
 * or the end of the file. 0, or an exit code. */
static int run_capture(const struct scan_opts *o, struct capture *cap, struct pipeline *pl,
                       uint64_t *dropped)
{
        int fd = capture_fd(cap);
        uint64_t start = mono_usec(), last_progress = 0;
        bool sweeping = pl->sweep != NULL, probing = pl->prober != NULL;
        bool show = (sweeping || probing) && !o->quiet && isatty(STDERR_FILENO);
        bool active = sweeping || probing;
        /* Listening alone has --duration (30 s by default); a probing scan
         * ends with its probes unless --duration was given. */
        uint64_t deadline = (!active || o->duration_set) ? start + (uint64_t)(o->duration * 1e6)
                                                         : UINT64_MAX;
        struct pollfd pfd[SCAN_POLL_MAX];
        int ret = 0;

        if (probing && !sweeping)
                prober_hosts_done(pl->prober, start);
        for (;;) {
                uint64_t now = fd >= 0 ? mono_usec() : 0, wake = deadline;
                if (sweeping) {
                        uint64_t w = UINT64_MAX;
                        int r = arp_sweep_run(pl->sweep, now, &w);
                        if (r < 0) {
                                cmd_error("'%s': ARP sweep stopped: %s", o->iface, strerror(-r));
                                ret = NETINV_EXIT_FAILURE;
                        }
                        if (r != 0) {
                                sweeping = false;
                                if (probing)
                                        prober_hosts_done(pl->prober, now);
                        } else if (w < wake) {
                                wake = w;
                        }
                }
                if (probing) {
                        uint64_t w = UINT64_MAX;
                        if (prober_run(pl->prober, now, &w))
                                probing = false;
                        else if (w < wake)
                                wake = w;
                }
                if (active && !sweeping && !probing) {
                        active = false;
                        if (!o->duration_set)
                                deadline = now;     /* read what is queued, then stop */
                        wake = deadline;
                }
                if (show && (now - last_progress >= SCAN_PROGRESS_US || !active)) {
                        progress(pl->sweep, sweeping, !active);
                        last_progress = now;
                        if (!active)
                                show = false;
                }
                if (stop_requested)
                        break;
                size_t nfd = 0, nprobe = 0;
                if (fd >= 0) {
                        if (now > deadline)
                                break;
                        pfd[nfd++] = (struct pollfd){ .fd = fd, .events = POLLIN };
                        if (probing)
                                nprobe = prober_pollfds(pl->prober, pfd + 1, SCAN_POLL_MAX - 1);
                        nfd += nprobe;
                        uint64_t left = wake > now ? wake - now : 0;
                        if (left > CAPTURE_POLL_MS * 1000ull)
                                left = CAPTURE_POLL_MS * 1000ull;
                        struct timespec ts = { (time_t)(left / 1000000u), (long)(left % 1000000u) * 1000 };
                        int pr = ppoll(pfd, nfd, &ts, NULL);
                        if (pr < 0 && errno != EINTR) {
                                cmd_error("'%s': poll: %s", o->iface, strerror(errno));
                                ret = NETINV_EXIT_FAILURE;
                                break;
                        }
                        if (pr > 0 && nprobe)
                                prober_ready(pl->prober, pfd + 1, nprobe, mono_usec());
                        if (pl->oom) {
                                cmd_error("out of memory while building the inventory");
                                ret = NETINV_EXIT_FAILURE;
                                break;
                        }
                        if (pr <= 0 || !(pfd[0].revents & (POLLIN | POLLERR | POLLHUP))) {
                                if (now == deadline)
                                        break;
                                continue;
                        }
                }
                long n = capture_dispatch(cap, on_frame, pl);
                if (pl->oom) {
                        cmd_error("out of memory while building the inventory");
                        ret = NETINV_EXIT_FAILURE;
                        break;
                }
                if (n == -1)
                        break;
                if (n == -2) {
                        /* What was read so far is still written out. */
                        cmd_error("'%s': %s (results cover the %llu packets before it)",
                                  o->iface ? o->iface : o->read, capture_error(cap),
                                  (unsigned long long)pl->st.frames);
                        ret = NETINV_EXIT_FAILURE;
                        break;
                }
        }
        if (show)
                progress(pl->sweep, sweeping, true);
        *dropped = capture_dropped(cap);
        return ret;
}

/* What the state adds to the document and the table. */
struct state_out {
        const struct scan_opts *o;
        struct state_run *run;
        struct change_list *changes;
        uint64_t now;
};

static int annotate_json(struct cJSON *doc, void *user)
{
        struct state_out *so = user;
        return state_annotate_json(doc, so->changes, so->run->st, so->now, so->o->stale_days,
                                   so->run->agent_id, so->o->site);
}

static void annotate_table(FILE *f, void *user)
{
        struct state_out *so = user;
        if (so->changes->n)
                changes_table(f, so->changes);
}

/* Before the privilege drop: lock and load the state, and hand its
 * directory to the user the scan will run as (it saves there after the
 * drop). 0 or an exit code. */
static int state_begin(const struct scan_opts *o, struct state_run *run)
{
        char err[512];
        int r = state_run_begin(o->state_dir, o->max_devices, now_usec(), run, err, sizeof(err));
        if (r == -EWOULDBLOCK) {
                cmd_error("%s", err);
                return NETINV_EXIT_TEMPFAIL;
        }
        if (r < 0) {
                cmd_error("%s", err);
                return NETINV_EXIT_FAILURE;
        }
        if (run->set_aside)
                cmd_warn("%s; kept as '%s', starting a new inventory", err, run->aside);
        uid_t uid;
        gid_t gid;
        if (geteuid() == 0 && priv_lookup(o->user, &uid, &gid) == 0 &&
            chown(o->state_dir, uid, gid) < 0) {
                cmd_error("'%s': cannot hand the state directory to uid %u: %s", o->state_dir,
                          (unsigned)uid, strerror(errno));
                return NETINV_EXIT_FAILURE;
        }
        return 0;
}

int cmd_scan(int argc, char **argv)
{
        struct scan_opts o = { 0 };
        struct capture *cap = NULL;
        struct oui_db *oui = NULL;
        struct pipeline pl = { 0 };
        struct scan_info si = { 0 };
        struct probe_iface ifc;
        struct probe_plan plan = { 0 };
        struct arp_sweep *sweep = NULL;
        struct prober *prober = NULL;
        struct prober_env penv = { 0 };
        FILE *out = stdout;
        char host[256] = "";
        struct state_run run = { .lock_fd = -1 };
        struct change_list changes = { 0 };
        bool have_state = false;
        struct identify_rules *rules = NULL;
        struct eol_db *eoldb = NULL;
        struct eol_verdict *verdicts = NULL;
        size_t past_eol = 0;
        struct ident_texts texts = { 0 };
        char spool[1100] = "";
        char *secret = NULL;
        struct config *cfg = malloc(sizeof(*cfg));
        int ret;

        if (!cfg) {
                cmd_error("out of memory");
                return NETINV_EXIT_FAILURE;
        }
        scan_defaults(&o);
        ret = scan_config(argc, argv, cfg, &o);
        if (ret) {
                free(cfg);
                return ret;
        }
        ret = scan_parse_args(argc, argv, &o);
        if (ret) {
                free(cfg);
                return ret > 0 ? NETINV_EXIT_OK : NETINV_EXIT_USAGE;
        }
        cmd_quiet = o.quiet;
        if (!o.format_set)
                o.format = (!o.output && isatty(STDOUT_FILENO)) ? OUT_TABLE : OUT_JSON;
        if (scan_active(&o)) {
                ret = scan_plan(&o, &ifc, &plan);
                if (ret)
                        goto out;
                if (o.dry_run) {
                        scan_plan_print(stdout, &o, &ifc, &plan);
                        ret = fflush(stdout) == 0 ? NETINV_EXIT_OK : NETINV_EXIT_FAILURE;
                        goto out;
                }
        } else if (o.dry_run) {
                printf("interface  %s\nprobes     none (--passive): nothing is sent\n", o.iface);
                goto out;
        }

        pl.sink = malloc(sizeof(*pl.sink));
        pl.inv = inventory_new(o.max_devices);
        if (!pl.sink || !pl.inv) {
                cmd_error("out of memory");
                ret = NETINV_EXIT_FAILURE;
                goto out;
        }
        memset(pl.sink, 0, sizeof(*pl.sink));

        /* Everything that needs privileges or the file system first. */
        if (!o.oui || strcmp(o.oui, "none") != 0) {
                int r = oui_load(o.oui, &oui);
                if (r < 0 && o.oui) {
                        cmd_error("'%s': cannot read OUI file: %s", o.oui, strerror(-r));
                        ret = NETINV_EXIT_USAGE;
                        goto out;
                }
                if (r < 0)
                        cmd_warn("no IEEE OUI file found; vendors stay empty (install ieee-data, or --oui FILE)");
                else if (o.verbose)
                        cmd_info("OUI: %zu prefixes from %s", oui_count(oui), oui_source(oui));
        }
        ret = open_capture(&o, &cap);
        if (ret)
                goto out;
        if (scan_active(&o) && !o.no_arp && plan.n_targets) {
                char why[LIBNET_WHY_MAX];
                int r = arp_sweep_open(o.iface, &sweep, why, sizeof(why));
                if (r < 0) {
                        cmd_error("'%s': cannot open the ARP sender: %s", o.iface, why);
                        ret = NETINV_EXIT_FAILURE;
                        goto out;
                }
        }
        if (scan_active(&o) && scan_probers(&o)) {
                char why[LIBNET_WHY_MAX + 32];
                bool on[PROBER_N];
                for (int i = 0; i < PROBER_N; i++)
                        on[i] = !o.no_probe[i];
                o.probes.rate_pps = o.pacer.rate_pps;
                o.probes.retries = o.pacer.retries;
                o.probes.timeout_ms = (uint32_t)(o.pacer.timeout_us / 1000);
                penv = (struct prober_env){ .ifc = &ifc, .ifindex = (int)if_nametoindex(o.iface),
                                            .plan = &plan, .opts = &o.probes,
                                            .emit = on_emit, .emit_user = &pl };
                penv.has_ip6_ll = prober_ip6_linklocal(o.iface, penv.ip6_ll) == 0;
                int r = prober_open(&penv, on, &prober, why, sizeof(why));
                if (r < 0) {
                        cmd_error("'%s': cannot open the probes: %s", o.iface, why);
                        ret = NETINV_EXIT_FAILURE;
                        goto out;
                }
        }
        if (o.output) {
                out = fopen(o.output, "we");
                if (!out) {
                        cmd_error("'%s': cannot write: %s", o.output, strerror(errno));
                        out = stdout;
                        ret = NETINV_EXIT_FAILURE;
                        goto out;
                }
        }
        gethostname(host, sizeof(host) - 1);
        if (!o.no_identify) {
                ret = load_knowledge(&o, &rules, &eoldb);
                if (ret)
                        goto out;
        }
        if (o.state_dir) {
                ret = state_begin(&o, &run);
                if (ret)
                        goto out;
                have_state = true;
        }
        if (o.push_url) {
                ret = push_begin(&o, spool, sizeof(spool), &secret);
                if (ret)
                        goto out;
        }

        /* Only now parse hostile bytes, and never as root. */
        if (o.iface || geteuid() == 0) {
                struct priv_result pr;
                char why[256];
                if (priv_drop(o.user, &pr, why, sizeof(why)) < 0) {
                        cmd_error("cannot drop privileges: %s", why);
                        ret = NETINV_EXIT_FAILURE;
                        goto out;
                }
                if (o.verbose)
                        cmd_info("privileges dropped: uid %u gid %u%s%s, no capabilities, no_new_privs",
                                 (unsigned)pr.uid, (unsigned)pr.gid, pr.changed_ids ? " user " : "",
                                 pr.changed_ids ? pr.user : "");
        }

        struct sigaction sa = { .sa_handler = on_signal };
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);

        uuid_v4(si.id, sizeof(si.id));
        si.started_usec = now_usec();
        if (sweep || prober)
                memcpy(pl.own_mac, ifc.mac, 6);
        if (prober) {
                pl.prober = prober;
                prober_start(prober, mono_usec());
        }
        if (sweep) {
                if (arp_sweep_start(sweep, ifc.mac, &plan, &o.pacer, mono_usec()) < 0) {
                        cmd_error("out of memory");
                        ret = NETINV_EXIT_FAILURE;
                        goto out;
                }
                pl.sweep = sweep;
                if (o.verbose)
                        cmd_info("ARP sweep of %zu addresses at %u packets/s", plan.n_targets,
                                 (unsigned)o.pacer.rate_pps);
        }
        if (o.verbose)
                cmd_info("%s '%s' (%s)%s", o.iface ? "listening on" : "reading",
                         o.iface ? o.iface : o.read, capture_linktype_name(cap),
                         o.iface ? "" : "");
        uint64_t t0 = mono_usec();
        ret = run_capture(&o, cap, &pl, &si.packets_dropped);
        si.finished_usec = now_usec();
        if (sweep) {
                struct arp_sweep_stats st;
                if (arp_sweep_results(sweep, pl.inv, &st) < 0) {
                        cmd_error("out of memory while building the inventory");
                        ret = NETINV_EXIT_FAILURE;
                }
                if (st.unsent && !stop_requested)
                        cmd_warn("ARP sweep: %llu addresses were never asked (deadline)",
                                 (unsigned long long)st.unsent);
                if (o.verbose)
                        cmd_info("ARP sweep: %llu addresses, %llu requests sent, %llu answered, "
                                 "%llu alive, %llu proxies, %llu ENOBUFS back-offs; the scan took %.3f s",
                                 (unsigned long long)st.targets, (unsigned long long)st.sent,
                                 (unsigned long long)st.answered, (unsigned long long)st.alive,
                                 (unsigned long long)st.proxies, (unsigned long long)st.enobufs,
                                 (double)(mono_usec() - t0) / 1e6);
        }

        pl.sweep = NULL;
        pl.prober = NULL;
        inventory_set_vendors(pl.inv, oui);
        inventory_sort(pl.inv);
        if (rules && identify_and_judge(&o, rules, eoldb, pl.inv, &verdicts, &past_eol) < 0) {
                cmd_error("out of memory while identifying devices");
                ret = NETINV_EXIT_FAILURE;
                goto out;
        }
        si.interface = o.iface;
        si.file = o.read;
        si.hostname = host;
        si.version = NETINV_VERSION;
        si.oui_source = oui_source(oui);
        si.packets_seen = pl.st.frames;
        si.packets_truncated = pl.st.by_res[DISSECT_TRUNCATED];
        si.packets_malformed = pl.st.by_res[DISSECT_MALFORMED] + si.packets_truncated;
        si.inv = inventory_stats(pl.inv);
        struct state_out so = { .o = &o, .run = &run, .changes = &changes, .now = now_usec() };
        if (have_state) {
                texts.inv = pl.inv;
                texts.os_text = calloc(inventory_count(pl.inv) + 1, sizeof(*texts.os_text));
                if (!texts.os_text) {
                        cmd_error("out of memory while merging the state");
                        ret = NETINV_EXIT_FAILURE;
                        goto out;
                }
                state_set_ident(run.st, state_ident, &texts);
                if (state_merge(run.st, pl.inv, so.now, &changes) < 0) {
                        cmd_error("out of memory while merging the state");
                        ret = NETINV_EXIT_FAILURE;
                        goto out;
                }
                if (o.forget_after)
                        state_forget(run.st, so.now, o.forget_after);
                si.annotate_json = annotate_json;
                si.annotate_table = annotate_table;
                si.annotate_user = &so;
        }
        int color = o.color >= 0 ? o.color : (out == stdout && isatty(STDOUT_FILENO) && !getenv("NO_COLOR"));
        int w = output_write(out, o.format, &si, pl.inv, color);
        if (w < 0) {
                cmd_error("'%s': cannot write the result: %s", o.output ? o.output : "stdout",
                          strerror(-w));
                ret = NETINV_EXIT_FAILURE;
        }
        if (out != stdout && fclose(out) != 0 && !ret) {
                cmd_error("'%s': cannot write the result: %s", o.output, strerror(errno));
                ret = NETINV_EXIT_FAILURE;
        }
        out = stdout;
        bool scan_done = ret == 0;      /* the state is saved even if the push waits */
        if (o.push_url && ret == 0) {
                /* Without a state directory the agent's id lives beside the
                 * spool, so that the register still tells agents apart. */
                if (!run.agent_id[0] && state_agent_id(spool, run.agent_id, sizeof(run.agent_id)) < 0)
                        run.agent_id[0] = '\0';
                ret = push_after(&o, &si, pl.inv, spool, secret,
                                 run.agent_id[0] ? run.agent_id : NULL);
        }
        if (o.fail_on_eol && past_eol && ret == 0)
                ret = NETINV_EXIT_EOL;
        if (o.verbose)
                cmd_info("%llu packets, %llu malformed, %zu devices",
                         (unsigned long long)si.packets_seen,
                         (unsigned long long)si.packets_malformed, inventory_count(pl.inv));
        if (have_state) {
                char err[512];
                have_state = false;
                if (state_run_end(&run, scan_done, now_usec(), err, sizeof(err)) < 0) {
                        cmd_error("%s", err);
                        ret = NETINV_EXIT_FAILURE;
                }
        }
out:
        if (have_state) {
                char err[512];
                state_run_end(&run, false, now_usec(), err, sizeof(err));
        }
        change_list_done(&changes);
        if (out != stdout)
                fclose(out);
        prober_free(prober);
        arp_sweep_free(sweep);
        probe_plan_done(&plan);
        capture_close(cap);
        oui_free(oui);
        inventory_free(pl.inv);
        free(verdicts);
        free(texts.os_text);
        if (secret) {
                explicit_bzero(secret, strlen(secret));
                free(secret);
        }
        identify_free(rules);
        eol_db_free(eoldb);
        free(pl.sink);
        free(cfg);
        return ret;
}
