/* test-probe-banner.c - the banner probe without the network: what it asks
 * which port (and what it never touches), its timers, the `service` value
 * and its cleaning, the caps (64 at once, 2 per host, one token per
 * connection), the end rule, and whole conversations over socketpair()s
 * whose other end plays back the real servers' answers from the captures
 * (OpenSSH, lighttpd, Samba) and checks the requests the probe wrote.
 * Real sockets against real servers: tests/lan/banner.sh. */
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../src/probe/banner_int.h"
#include "banner-util.h"

/* ------------------------------------------------------------ harness */

#define N_HOSTS 100u
#define SEC 1000000ull

static struct probe_target targets[N_HOSTS];
static struct probe_plan plan;
static struct prober_opts opts;
static struct prober_env env;

/* Everything emitted, kept as "key=value" lines of one growing text. */
static char emitted[1 << 16];
static size_t n_emits;

static void t_emit(void *user, const struct obs_sink *s, uint64_t ts)
{
        (void)user;
        CHECK(ts > 1500000000ull * SEC);        /* wall clock, µs */
        n_emits++;
        for (size_t i = 0; i < s->n; i++) {
                const struct obs *o = &s->obs[i];
                size_t k = strlen(emitted);
                if (o->kind != OBS_ATTR || k + 600 > sizeof(emitted))
                        continue;
                CHECK(memcmp(o->mac, "\x02\x4e\x42\x00\x00", 5) == 0);
                snprintf(emitted + k, sizeof(emitted) - k, "%s=%s\n", o->key, o->val);
        }
}

static bool has(const char *line)
{
        char want[700];
        snprintf(want, sizeof(want), "\n%s\n", line);
        if (strstr(emitted, want))
                return true;
        fprintf(stderr, "not emitted: %s\n--- emitted:\n%s---\n", line, emitted);
        return false;
}

static uint32_t ip_of(unsigned k)
{
        return 0xc6122900u | k;         /* 198.18.41.k */
}

static void mac_of(unsigned k, uint8_t mac[6])
{
        static const uint8_t base[6] = { 0x02, 0x4e, 0x42, 0x00, 0x00, 0x00 };
        memcpy(mac, base, 6);
        mac[5] = (uint8_t)k;
}

static void setup(void)
{
        for (unsigned i = 0; i < N_HOSTS; i++)
                targets[i].ip = ip_of(i + 1);
        plan = (struct probe_plan){ .n_targets = N_HOSTS, .targets = targets };
        opts = (struct prober_opts){ .rate_pps = 4000, .retries = 1, .timeout_ms = 200 };
        env = (struct prober_env){ .plan = &plan, .opts = &opts, .emit = t_emit };
        strcpy(emitted, "\n");            /* every line between two LFs */
        n_emits = 0;
}

static long tokens;             /* < 0: unlimited */
static uint64_t n_taken;

static int fake_take(struct prober_budget *bud, bool host_probe, uint64_t now, uint64_t *ret_when)
{
        (void)bud;
        CHECK(host_probe);
        if (tokens == 0) {
                *ret_when = now + 1000;
                return 0;
        }
        if (tokens > 0)
                tokens--;
        n_taken++;
        return 1;
}

/* No socket: the conversation just hangs there until its deadline. */
static int fake_dial(struct banner *b, struct banner_conv *cv, uint64_t now)
{
        cv->deadline = now + b->conv_us;
        cv->timer = now + b->connect_us;
        cv->want = POLLOUT;
        return 0;
}

/* A socketpair: peers[slot] is the server's end. */
static int peers[BANNER_CONNS_MAX];

static void peers_reset(void)
{
        for (size_t i = 0; i < BANNER_CONNS_MAX; i++)
                peers[i] = -1;
}

/* Close the server's end of cv's socketpair. */
static void hang_up(const struct banner *b, const struct banner_conv *cv)
{
        size_t i = (size_t)(cv - b->conv);
        if (peers[i] >= 0)
                close(peers[i]);
        peers[i] = -1;
}

static int pair_dial(struct banner *b, struct banner_conv *cv, uint64_t now)
{
        if (peers[cv - b->conv] >= 0)
                close(peers[cv - b->conv]);     /* the slot's last peer */
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
                return -errno;
        cv->fd = sv[0];
        peers[cv - b->conv] = sv[1];
        return fake_dial(b, cv, now);
}

static void tcp_open(struct banner *b, unsigned k, uint16_t port, uint64_t now)
{
        char v[8];
        struct obs ob = { .kind = OBS_ATTR, .source = PROTO_TCP, .key = "tcp.open", .val = v };
        mac_of(k, ob.mac);
        ob.val_len = (uint16_t)snprintf(v, sizeof(v), "%u", (unsigned)port);
        probe_banner_ops.seen(b, &ob, now);
}

static void add_host(struct banner *b, unsigned k, uint64_t now)
{
        uint8_t mac[6];
        mac_of(k, mac);
        probe_banner_ops.host(b, ip_of(k), mac, now);
}

static struct banner *new_probe(int (*dial)(struct banner *, struct banner_conv *, uint64_t))
{
        char why[128] = "";
        void *p = NULL;
        CHECK_INT(probe_banner_ops.open(&env, &p, why, sizeof(why)), 0);
        struct banner *b = p;
        if (b) {
                b->take = fake_take;
                b->dial = dial;
        }
        tokens = -1;
        n_taken = 0;
        return b;
}

static size_t per_host_max(const struct banner *b)
{
        size_t cnt[N_HOSTS + 1] = { 0 }, max = 0;
        for (size_t i = 0; i < BANNER_CONNS_MAX; i++)
                if (b->conv[i].step != STEP_FREE) {
                        size_t k = b->conv[i].ip & 0xff;
                        if (++cnt[k] > max)
                                max = cnt[k];
                }
        return max;
}

/* ------------------------------------------------------------ deciding */

static void choose(void)
{
        const char *name;
        setup();
        CHECK_INT(banner_choose(&opts, 22, &name), APP_SSH);
        CHECK_STR(name, "ssh");
        CHECK_INT(banner_choose(&opts, 80, &name), APP_HTTP);
        CHECK_STR(name, "http");
        CHECK_INT(banner_choose(&opts, 8080, &name), APP_HTTP);
        CHECK_INT(banner_choose(&opts, 631, &name), APP_HTTP);
        CHECK_STR(name, "ipp");
        CHECK_INT(banner_choose(&opts, 443, &name), APP_HTTPS);
        CHECK_INT(banner_choose(&opts, 445, &name), APP_SMB);
        CHECK_STR(name, "smb");
        CHECK_INT(banner_choose(&opts, 3389, &name), APP_RDP);
        CHECK_INT(banner_choose(&opts, 21, &name), APP_GREET);
        CHECK_INT(banner_choose(&opts, 12345, &name), APP_PROBE);
        CHECK_STR(name, "unknown");
        /* ports that wait for a protocol the probe does not speak */
        CHECK_INT(banner_choose(&opts, 135, &name), APP_NONE);
        CHECK_INT(banner_choose(&opts, 139, &name), APP_NONE);
        /* never any byte, never even a connection: printing and ICS */
        static const uint16_t fragile[] = { 9100, 9101, 9107, 515, 502, 102, 2404, 20000,
                                            44818, 47808 };
        for (size_t i = 0; i < sizeof(fragile) / sizeof(fragile[0]); i++)
                if (banner_choose(&opts, fragile[i], &name) != APP_NONE)
                        CHECK(!"payload to a fragile port");
        CHECK_INT(banner_choose(&opts, 9103, &name), APP_NONE);
        CHECK_STR(name, "jetdirect");
        CHECK_INT(banner_choose(&opts, 9108, &name), APP_PROBE);
        CHECK_INT(banner_choose(&opts, 0, &name), APP_NONE);
        /* --payload-ports does not make the probe send HTTP to a printer or
         * a controller: it has nothing to say to them */
        for (size_t i = 0; i < sizeof(fragile) / sizeof(fragile[0]); i++)
                opts.payload_ports[opts.n_payload_ports++] = fragile[i];
        for (size_t i = 0; i < sizeof(fragile) / sizeof(fragile[0]); i++)
                if (banner_choose(&opts, fragile[i], &name) != APP_NONE)
                        CHECK(!"payload to a fragile port named by --payload-ports");
        CHECK_INT(banner_choose(&opts, 9105, &name), APP_NONE);
        CHECK_INT(banner_choose(&opts, 22, &name), APP_SSH);
}

static void timers(void)
{
        setup();
        CHECK_INT(banner_connect_us(&opts), 1 * SEC);
        CHECK_INT(banner_conv_us(&opts), 3 * SEC);
        opts.timeout_ms = 10;
        CHECK_INT(banner_connect_us(&opts), 500000);
        CHECK_INT(banner_conv_us(&opts), 1500000);
        opts.timeout_ms = 60000;
        CHECK_INT(banner_connect_us(&opts), 5 * SEC);
        CHECK_INT(banner_conv_us(&opts), 15 * SEC);
        /* 254 hosts x 13 ports x 2 sends at 4000/s, twice, + 2 x 200 ms */
        opts.timeout_ms = 200;
        opts.n_ports = 13;
        CHECK_INT(banner_tcp_wait_us(&opts, 254), 254 * 13 * 2 * 250 * 2 + 400000);
        CHECK_INT(banner_tcp_wait_us(&opts, 0), 400000);
}

static size_t clean(const char *in, size_t len, bool line, char *out, size_t cap)
{
        struct cursor c;
        cur_init(&c, in, len);
        return banner_clean(&c, line, out, cap);
}

#define CLEAN(lit, line, out) clean(lit, sizeof(lit) - 1, line, out, sizeof(out))

static void cleaning(void)
{
        char out[BANNER_TEXT_MAX + 1], small[8];

        CHECK_INT(CLEAN("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n", true, out), 38);
        CHECK_STR(out, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3");
        CLEAN("  220\t(vsFTPd 3.0.3)\r\nsecond line", true, out);
        CHECK_STR(out, "220 (vsFTPd 3.0.3)");
        CLEAN("a\r\nb", false, out);
        CHECK_STR(out, "a b");
        CLEAN("\x1b[31mred\x1b[0m\x07\x7f", false, out);
        CHECK_STR(out, "[31mred [0m");
        CLEAN("\0\0\0", false, out);
        CHECK_STR(out, "");
        /* telnet negotiation and invalid UTF-8 are gaps, valid UTF-8 stays */
        CLEAN("\xff\xfd\x18\xff\xfd\x20login:", false, out);
        CHECK_STR(out, "login:");
        CLEAN("caf\xc3\xa9 \xc0\x80 \xed\xa0\x80 \xf4\x90\x80\x80 \xe2\x82", false, out);
        CHECK_STR(out, "caf\xc3\xa9");
        /* the cap: never a cut character, always NUL-terminated */
        CHECK_INT(CLEAN("abcdef\xc3\xa9xyz", false, small), 6);
        CHECK_STR(small, "abcdef");
        CHECK_INT(CLEAN("abcde\xc3\xa9xyz", false, small), 7);
        CHECK_STR(small, "abcde\xc3\xa9");
        CHECK_INT(CLEAN("abc    defghi", false, small), 7);
        CHECK_STR(small, "abc def");
        CHECK_INT(clean("abc", 3, false, small, 1), 0);
        CHECK_INT(clean("abc", 3, false, small, 0), 0);
        char big[4096];
        memset(big, 'x', sizeof(big));
        CHECK_INT(clean(big, sizeof(big), false, out, sizeof(out)), BANNER_TEXT_MAX);

        char svc[64];
        CHECK_INT(banner_service_fmt(svc, sizeof(svc), false, 22, "ssh", "SSH-2.0-x"), 20);
        CHECK_STR(svc, "tcp/22 ssh SSH-2.0-x");
        banner_service_fmt(svc, sizeof(svc), false, 80, "http", "");
        CHECK_STR(svc, "tcp/80 http");
        banner_service_fmt(svc, sizeof(svc), false, 80, "http", NULL);
        CHECK_STR(svc, "tcp/80 http");
        banner_service_fmt(svc, sizeof(svc), true, 161, "snmp", "Linux");
        CHECK_STR(svc, "udp/161 snmp Linux");
        CHECK_INT(banner_service_fmt(svc, 8, false, 445, "smb", "SMB 3.1.1"), 7);
        CHECK_STR(svc, "tcp/445");
        /* a format directive from the wire is text */
        banner_service_fmt(svc, sizeof(svc), false, 21, "ftp", "%s%n%x");
        CHECK_STR(svc, "tcp/21 ftp %s%n%x");
}

/* ------------------------------------------------------------ schedule */

static void schedule(void)
{
        setup();
        opts.n_ports = 64;
        struct banner *b = new_probe(fake_dial);
        uint64_t now = 10 * SEC, wake;
        if (!b)
                return;

        for (unsigned k = 1; k <= N_HOSTS; k++)
                add_host(b, k, now);
        CHECK_INT(b->n_hosts, N_HOSTS);
        /* outside the plan, again, or from a group MAC: not a host */
        uint8_t mac[6] = { 0x02, 0x4e, 0x42, 0, 0, 1 }, group[6] = { 0x01, 0, 0x5e, 0, 0, 1 };
        probe_banner_ops.host(b, ip_of(200), mac, now);
        probe_banner_ops.host(b, 0x0a000001u, mac, now);
        add_host(b, 1, now);
        probe_banner_ops.host(b, ip_of(2), group, now);
        CHECK_INT(b->n_hosts, N_HOSTS);

        static const uint16_t ports[] = { 22, 80, 445, 9100, 515, 502, 135 };
        for (unsigned k = 1; k <= N_HOSTS; k++)
                for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
                        tcp_open(b, k, ports[i], now);
        tcp_open(b, 5, 22, now);                /* twice: asked once */
        CHECK_INT(b->n_refused_items, N_HOSTS * 4);
        /* a tcp.open about a MAC no host has, or no port: nothing */
        tcp_open(b, 250, 22, now);
        struct obs bad = { .kind = OBS_ATTR, .key = "tcp.open", .val = "22x", .val_len = 3 };
        mac_of(3, bad.mac);
        probe_banner_ops.seen(b, &bad, now);
        bad.val = "65536";
        bad.val_len = 5;
        probe_banner_ops.seen(b, &bad, now);

        /* before the sweep is over the budget gives nothing */
        tokens = 0;
        CHECK_INT(probe_banner_ops.run(b, now, &wake), 0);
        CHECK_INT(b->inflight, 0);
        CHECK_INT(wake, now + 1000);
        /* one token, one connection */
        tokens = 5;
        CHECK_INT(probe_banner_ops.run(b, now, &wake), 0);
        CHECK_INT(b->inflight, 5);
        CHECK_INT(n_taken, 5);
        CHECK_INT(per_host_max(b), 1);          /* hosts in turn: 1..5 once each */
        tokens = -1;
        probe_banner_ops.hosts_done(b, now);
        CHECK_INT(probe_banner_ops.run(b, now, &wake), 0);
        CHECK_INT(b->inflight, BANNER_CONNS_MAX);
        CHECK_INT(n_taken, BANNER_CONNS_MAX);
        CHECK(per_host_max(b) <= BANNER_PER_HOST_MAX);
        CHECK_INT(wake, now + b->connect_us);
        for (size_t i = 0; i < BANNER_CONNS_MAX; i++) {
                uint16_t p = b->conv[i].port;
                CHECK(p == 22 || p == 80 || p == 445);
        }
        /* nobody accepts: each round ends at the connect timer, no emits */
        uint64_t rounds = 0;
        while (b->inflight && rounds < 100) {
                now += b->connect_us;
                probe_banner_ops.run(b, now, &wake);
                CHECK(b->inflight <= BANNER_CONNS_MAX);
                CHECK(per_host_max(b) <= BANNER_PER_HOST_MAX);
                rounds++;
        }
        CHECK_INT(b->n_dialled, N_HOSTS * 3);
        CHECK_INT(n_taken, N_HOSTS * 3);
        CHECK_INT(rounds, (N_HOSTS * 3 + BANNER_CONNS_MAX - 1) / BANNER_CONNS_MAX);
        CHECK_INT(n_emits, 0);
        /* the end rule: the TCP probe's time after the sweep, and a quiet
         * time after the last tcp.open */
        uint64_t end = 10 * SEC + banner_tcp_wait_us(&opts, N_HOSTS);
        CHECK(now < end);
        CHECK_INT(probe_banner_ops.run(b, now, &wake), 0);
        CHECK_INT(wake, end);
        CHECK_INT(probe_banner_ops.run(b, end, &wake), 1);
        tcp_open(b, 7, 8080, end);              /* late: starts again */
        CHECK_INT(probe_banner_ops.run(b, end, &wake), 0);
        CHECK_INT(b->inflight, 1);
        CHECK_INT(probe_banner_ops.run(b, end + b->connect_us - 1, &wake), 0);
        CHECK_INT(wake, end + b->connect_us);
        /* its connect timer and the quiet time (5 x 200 ms) both end at 1 s */
        CHECK_INT(probe_banner_ops.run(b, end + BANNER_QUIET_X * 200000ull, &wake), 1);
        CHECK_INT(b->inflight, 0);
        probe_banner_ops.free(b);

        /* the TCP probe says it is finished: no need to wait for its time */
        setup();
        opts.ports[0] = 22;
        opts.n_ports = 1;
        b = new_probe(fake_dial);
        if (!b)
                return;
        add_host(b, 1, now);
        probe_banner_ops.hosts_done(b, now);
        CHECK_INT(probe_banner_ops.run(b, now, &wake), 0);
        probe_banner_ops.peer_done(b, PROBER_MDNS, now);        /* another one: no change */
        CHECK_INT(probe_banner_ops.run(b, now, &wake), 0);
        probe_banner_ops.peer_done(b, PROBER_TCP, now);
        CHECK_INT(probe_banner_ops.run(b, now, &wake), 1);
        probe_banner_ops.free(b);

        /* a host found after the sweep (passively): its SYNs are still to come */
        setup();
        opts.n_ports = 64;
        b = new_probe(fake_dial);
        if (!b)
                return;
        probe_banner_ops.hosts_done(b, now);
        CHECK_INT(probe_banner_ops.run(b, now + 400000, &wake), 1);
        add_host(b, 9, now + 10 * SEC);
        CHECK_INT(probe_banner_ops.run(b, now + 10 * SEC, &wake), 0);
        CHECK_INT(wake, now + 10 * SEC + 64 * 2 * 250 * 2 + 400000);
        CHECK_INT(probe_banner_ops.run(b, wake, &wake), 1);
        probe_banner_ops.free(b);

        /* every (host, port) pair of the TCP probe answered: no tcp.open
         * can come any more, the probe ends without waiting */
        setup();
        now = 200 * SEC;
        opts.ports[0] = 22;
        opts.ports[1] = 8080;
        opts.n_ports = 2;
        opts.rate_pps = 1;      /* the fallback: 3 x 2 x 2 s x 2 + 0.4 s */
        b = new_probe(fake_dial);
        if (!b)
                return;
        add_host(b, 1, now);
        uint8_t shared[6];
        mac_of(2, shared);                      /* one MAC, two addresses */
        probe_banner_ops.host(b, ip_of(2), shared, now);
        probe_banner_ops.host(b, ip_of(3), shared, now);
        probe_banner_ops.hosts_done(b, now);
        struct obs closed = { .kind = OBS_ATTR, .key = "tcp.closed", .val = "22", .val_len = 2 };
        for (unsigned k = 1; k <= 2; k++) {
                mac_of(k, closed.mac);
                probe_banner_ops.seen(b, &closed, now);
                probe_banner_ops.seen(b, &closed, now);  /* the second: ip_of(3)'s */
        }
        CHECK_INT(b->tcp_pairs_answered, 3);
        tcp_open(b, 1, 8080, now);
        tcp_open(b, 2, 8080, now);
        tcp_open(b, 2, 1234, now);              /* not asked by the TCP probe */
        CHECK_INT(b->tcp_pairs_answered, 5);
        CHECK_INT(b->inflight, 0);
        probe_banner_ops.run(b, now, &wake);    /* the two 8080 conversations */
        now += b->conv_us;
        CHECK_INT(probe_banner_ops.run(b, now, &wake), 0);
        CHECK_INT(probe_banner_ops.run(b, now, &wake), 0);   /* 1234 now */
        now += b->conv_us;
        CHECK_INT(probe_banner_ops.run(b, now, &wake), 0);
        CHECK_INT(b->inflight, 0);
        CHECK(wake > now);                      /* ip_of(3):8080 still to come */
        tcp_open(b, 2, 8080, now);
        CHECK_INT(b->tcp_pairs_answered, 6);
        CHECK_INT(probe_banner_ops.run(b, now, &wake), 1);   /* asked already; all answered */
        CHECK_INT(b->inflight, 0);
        CHECK(now < 200 * SEC + banner_tcp_wait_us(&opts, 3));
        CHECK_INT(b->n_dialled, 5);
        probe_banner_ops.free(b);

        /* SNMP: one conversation per community per host, only with one */
        setup();
        b = new_probe(fake_dial);
        if (!b)
                return;
        add_host(b, 1, now);
        probe_banner_ops.hosts_done(b, now);
        probe_banner_ops.run(b, now, &wake);
        CHECK_INT(b->inflight, 0);              /* no community, no SNMP */
        probe_banner_ops.free(b);
        opts.communities[0] = "public";
        opts.communities[1] = "private";
        opts.n_communities = 2;
        b = new_probe(fake_dial);
        if (!b)
                return;
        add_host(b, 1, now);
        probe_banner_ops.hosts_done(b, now);
        probe_banner_ops.run(b, now, &wake);
        CHECK_INT(b->inflight, 2);
        CHECK(b->conv[0].app == APP_SNMP && b->conv[0].port == 161);
        CHECK_INT(b->conv[1].community, 1);
        probe_banner_ops.free(b);               /* with conversations open */
}

/* ------------------------------------------------------------ conversations */

static void drain(int fd, uint8_t *buf, size_t cap, size_t *ret_len)
{
        ssize_t r;
        *ret_len = 0;
        while ((r = read(fd, buf + *ret_len, cap - *ret_len)) > 0)
                *ret_len += (size_t)r;
}

static void put(int fd, const void *data, size_t len)
{
        CHECK_INT(write(fd, data, len), (long long)len);
}

/* Poll the probe's sockets once (they are socketpairs) and hand it what
 * is ready. */
static void pump(struct banner *b, uint64_t now)
{
        struct pollfd fds[BANNER_CONNS_MAX];
        size_t n = probe_banner_ops.pollfds(b, fds, BANNER_CONNS_MAX);
        if (n && poll(fds, n, 0) > 0)
                probe_banner_ops.ready(b, fds, n, now);
}

/* The conversation with `port` to host 1. */
static struct banner_conv *conv_on(struct banner *b, uint16_t port)
{
        for (size_t i = 0; i < BANNER_CONNS_MAX; i++)
                if (b->conv[i].step != STEP_FREE && b->conv[i].port == port)
                        return &b->conv[i];
        return NULL;
}

static size_t slurp(const char *path, uint8_t *buf, size_t cap)
{
        FILE *f = fopen(path, "rb");
        size_t n = f ? fread(buf, 1, cap, f) : 0;
        if (f)
                fclose(f);
        return n;
}

/* RDP: the X.224 request, FreeRDP's confirm (HYBRID), then a TLS
 * ClientHello, which nobody answers: the confirm is reported. HTTPS: a
 * ClientHello without the address in it (no SNI), then EOF: a bare
 * service. */
static void tls(struct banner *b, uint64_t now)
{
        uint8_t got[4096], want[64], cc[64];
        size_t n, ccn = slurp(t_data("responses/rdp-x224-confirm-freerdp.bin"), cc, sizeof(cc));
        uint64_t wake;

        tcp_open(b, 1, 3389, now);
        tcp_open(b, 1, 443, now);
        probe_banner_ops.run(b, now, &wake);
        struct banner_conv *cr = conv_on(b, 3389), *ct = conv_on(b, 443);
        CHECK(cr && ct && ccn == 19);
        if (!cr || !ct || ccn != 19)
                return;
        int pr = peers[cr - b->conv], pt = peers[ct - b->conv];
        pump(b, now);
        drain(pr, got, sizeof(got), &n);
        ssize_t wl = rdp_x224_request(want, sizeof(want), 3);
        CHECK(n == (size_t)wl && memcmp(got, want, n) == 0);
        put(pr, cc, ccn);
        pump(b, now);
        CHECK_INT(cr->step, STEP_TLS);
        drain(pr, got, sizeof(got), &n);
        CHECK(n > 5 && got[0] == 0x16 && got[1] == 3);          /* a TLS handshake record */
        hang_up(b, cr);
        pump(b, now);
        CHECK_INT(cr->step, STEP_FREE);
        CHECK(has("rdp.protocol=hybrid"));
        CHECK(has("service=tcp/3389 rdp RDP hybrid"));

        drain(pt, got, sizeof(got), &n);
        CHECK(n > 5 && got[0] == 0x16 && got[1] == 3);
        CHECK(memmem(got, n, "198.18.41.1", 11) == NULL);
        hang_up(b, ct);
        pump(b, now);
        CHECK_INT(ct->step, STEP_FREE);
        CHECK(has("service=tcp/443 https"));
        CHECK_INT(b->inflight, 0);
}

static void conversations(void)
{
        struct t_frames ssh, http, smb;
        uint8_t got[4096];
        size_t n, len;
        uint64_t now = 100 * SEC, wake;
        uint16_t cl[4];

        setup();
        peers_reset();
        if (t_load_pcap(t_capture("banner-ssh-openssh.pcap"), &ssh) != 0)
                return;
        if (t_load_pcap(t_capture("banner-http-lighttpd.pcap"), &http) != 0)
                return;
        if (t_load_pcap(t_capture("banner-smb2-samba.pcap"), &smb) != 0)
                return;
        struct banner *b = new_probe(pair_dial);
        if (!b)
                goto out;
        add_host(b, 1, now);
        probe_banner_ops.hosts_done(b, now);
        tcp_open(b, 1, 22, now);
        tcp_open(b, 1, 80, now);
        probe_banner_ops.run(b, now, &wake);
        CHECK_INT(b->inflight, 2);              /* the per-host cap */
        struct banner_conv *cs = conv_on(b, 22), *ch = conv_on(b, 80);
        CHECK(cs && ch);
        if (!cs || !ch)
                goto out;
        int ps = peers[cs - b->conv], ph = peers[ch - b->conv];

        /* SSH: connected, the probe says nothing and waits; the server's
         * line comes in two pieces (TRUNCATED, then OK) */
        pump(b, now);
        CHECK_INT(cs->step, STEP_READ);
        uint8_t *st = t_stream(&ssh, 22, 0, &len);
        CHECK(st && len > 41);
        if (!st)
                goto out;
        drain(ps, got, sizeof(got), &n);
        CHECK_INT(n, 0);
        put(ps, st, 10);
        pump(b, now);
        CHECK_INT(cs->step, STEP_READ);
        put(ps, st + 10, len - 10);
        pump(b, now + 1000);
        CHECK_INT(cs->step, STEP_FREE);
        free(st);
        CHECK(has("ssh.software=OpenSSH_9.2p1"));
        CHECK(has("service=tcp/22 ssh SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10"));
        hang_up(b, cs);

        /* HTTP: the probe's GET, lighttpd's answer to curl's GET, EOF */
        CHECK_INT(ch->step, STEP_READ);
        drain(ph, got, sizeof(got) - 1, &n);
        got[n] = 0;
        CHECK(strncmp((char *)got, "GET / HTTP/1.1\r\nHost: 198.18.41.1\r\n", 35) == 0);
        CHECK(strstr((char *)got, "\r\nConnection: close\r\n\r\n") != NULL);
        CHECK_INT(t_clients(&http, 80, cl, 4), 4);
        st = t_stream(&http, 80, cl[1], &len);
        CHECK(st != NULL);
        if (!st)
                goto out;
        put(ph, st, len);
        free(st);
        pump(b, now);
        CHECK_INT(ch->step, STEP_FREE);         /* the title came: done */
        CHECK(has("http.server=lighttpd/1.4.69"));
        CHECK(has("http.title=NHBN Lab Printer Status"));
        CHECK(has("service=tcp/80 http lighttpd/1.4.69"));
        hang_up(b, ch);

        /* SMB: NEGOTIATE; Samba's answer; SESSION_SETUP; its CHALLENGE */
        tcp_open(b, 1, 445, now);
        probe_banner_ops.run(b, now, &wake);
        struct banner_conv *cm = conv_on(b, 445);
        CHECK(cm != NULL);
        if (!cm)
                goto out;
        int pm = peers[cm - b->conv];
        pump(b, now);
        drain(pm, got, sizeof(got), &n);
        CHECK(n > 68 && got[0] == 0 && memcmp(got + 4, "\xfeSMB", 4) == 0);
        CHECK_INT(n, ((size_t)got[1] << 16 | (size_t)got[2] << 8 | got[3]) + 4);
        struct l4 l;
        CHECK(t_l4(smb.f[1].data, smb.f[1].len, &l));
        size_t nl = cur_left(&l.payload);
        const uint8_t *neg = cur_view(&l.payload, nl);
        put(pm, neg, 30);                       /* cut: no SESSION_SETUP yet */
        pump(b, now);
        drain(pm, got, sizeof(got), &n);
        CHECK_INT(n, 0);
        put(pm, neg + 30, nl - 30);
        pump(b, now);
        drain(pm, got, sizeof(got), &n);
        uint8_t want[512];
        ssize_t wl = smb2_session_setup_ntlm_negotiate(want, sizeof(want), 1);
        CHECK_INT(n, wl);
        CHECK(n == (size_t)wl && memcmp(got, want, n) == 0);
        CHECK(t_l4(smb.f[3].data, smb.f[3].len, &l));
        nl = cur_left(&l.payload);
        put(pm, cur_view(&l.payload, nl), nl);
        pump(b, now);
        CHECK_INT(cm->step, STEP_FREE);
        CHECK(has("smb.dialect=3.1.1"));
        CHECK(has("ntlm.netbios_computer=NHBN-SRV"));
        CHECK(has("service=tcp/445 smb SMB 3.1.1 NT 6.1.0"));
        hang_up(b, cm);

        /* A listener that accepts and never answers costs one deadline:
         * unknown port, the greeting does not come, GET / goes, nothing. */
        tcp_open(b, 1, 4444, now);
        tcp_open(b, 1, 21, now);
        probe_banner_ops.run(b, now, &wake);
        struct banner_conv *cu = conv_on(b, 4444), *cf = conv_on(b, 21);
        CHECK(cu && cf);
        if (!cu || !cf)
                goto out;
        int pu = peers[cu - b->conv], pf = peers[cf - b->conv];
        pump(b, now);
        CHECK_INT(probe_banner_ops.run(b, now, &wake), 0);
        CHECK_INT(wake, now + b->conv_us / BANNER_GREET_DIV);
        probe_banner_ops.run(b, wake, &wake);
        drain(pu, got, sizeof(got) - 1, &n);
        got[n] = 0;
        CHECK(strncmp((char *)got, "GET / HTTP/1.1\r\nHost: 198.18.41.1:4444\r\n", 40) == 0);
        CHECK_INT(wake, now + b->conv_us);
        /* the FTP server says its line, the other end closes: EOF */
        put(pf, "220 (vsFTPd 3.0.3)\r\n", 20);
        pump(b, now);
        CHECK_INT(cf->step, STEP_FREE);
        CHECK(has("service=tcp/21 ftp 220 (vsFTPd 3.0.3)"));
        CHECK_INT(probe_banner_ops.run(b, now + b->conv_us - 1, &wake), 0);
        CHECK_INT(cu->step, STEP_READ);
        probe_banner_ops.run(b, now + b->conv_us, &wake);
        CHECK_INT(cu->step, STEP_FREE);
        CHECK(has("service=tcp/4444 unknown"));
        hang_up(b, cu);
        hang_up(b, cf);

        /* EOF at once (a reset or a closed listener) and a peer that says
         * half a line and stops: both end, neither hangs */
        tcp_open(b, 1, 2222, now);
        tcp_open(b, 1, 23, now);
        probe_banner_ops.run(b, now, &wake);
        struct banner_conv *ce = conv_on(b, 2222), *ct = conv_on(b, 23);
        CHECK(ce && ct);
        if (!ce || !ct)
                goto out;
        hang_up(b, ce);
        int pt = peers[ct - b->conv];
        pump(b, now);
        pump(b, now);
        CHECK_INT(ce->step, STEP_FREE);
        CHECK(has("service=tcp/2222 ssh"));
        put(pt, "\xff\xfb\x01User Acc", 11);
        pump(b, now);
        CHECK_INT(ct->step, STEP_READ);
        probe_banner_ops.run(b, now + b->idle_us, &wake);
        CHECK_INT(ct->step, STEP_FREE);
        CHECK(has("service=tcp/23 telnet User Acc"));
        hang_up(b, ct);
        CHECK_INT(b->inflight, 0);
        CHECK_INT(b->n_answered, 5);
        CHECK_INT(b->n_silent, 2);
        tls(b, now);
out:
        if (b)
                probe_banner_ops.free(b);
        t_frames_free(&ssh);
        t_frames_free(&http);
        t_frames_free(&smb);
}

/* Random answers (some starting like the real thing) on every kind of
 * port, then EOF: each conversation ends, nothing is read out of bounds
 * (ASan in build-san), every slot comes back. */
static void noise(void)
{
        static const uint16_t ports[] = { 22, 80, 443, 445, 3389, 21, 4444 };
        static const char *const heads[] = { "", "SSH-2.0-", "HTTP/1.1 200 OK\r\n",
                                             "\0\0\0\x50\xfeSMB", "\x03\0\0\x13\x0e\xd0" };
        static const size_t head_len[] = { 0, 8, 17, 8, 6 };
        static uint8_t junk[20000];
        uint32_t x = 2463534242u;       /* xorshift32 */
        uint64_t now = 1000 * SEC, wake;

        setup();
        peers_reset();
        struct banner *b = new_probe(pair_dial);
        if (!b)
                return;
        probe_banner_ops.hosts_done(b, now);
        for (unsigned k = 1; k <= 40; k++) {
                add_host(b, k, now);
                for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
                        tcp_open(b, k, ports[i], now);
        }
        for (unsigned round = 0; round < 400 && (b->inflight || b->rq_head); round++) {
                probe_banner_ops.run(b, now, &wake);
                pump(b, now);                   /* connected, requests out */
                for (size_t i = 0; i < BANNER_CONNS_MAX; i++) {
                        struct banner_conv *cv = &b->conv[i];
                        uint8_t drop[4096];
                        size_t n;
                        if (cv->step == STEP_FREE || peers[i] < 0)
                                continue;
                        drain(peers[i], drop, sizeof(drop), &n);
                        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
                        size_t h = x % 5, len = x % sizeof(junk);
                        for (size_t j = 0; j < len; j++) {
                                x ^= x << 13, x ^= x >> 17, x ^= x << 5;
                                junk[j] = (uint8_t)x;
                        }
                        memcpy(junk, heads[h], head_len[h]);
                        if (write(peers[i], junk, len) < 0)
                                CHECK(errno == EAGAIN);
                        if (x & 1)
                                hang_up(b, cv);
                }
                pump(b, now);
                pump(b, now);
                now += b->idle_us;
                probe_banner_ops.run(b, now, &wake);
                for (size_t i = 0; i < BANNER_CONNS_MAX; i++)
                        if (b->conv[i].step == STEP_FREE)
                                hang_up(b, &b->conv[i]);
        }
        CHECK_INT(b->inflight, 0);
        CHECK_INT(b->n_dialled, 40 * 7);
        CHECK_INT(b->n_answered + b->n_silent, 40 * 7);
        for (size_t i = 0; i < BANNER_CONNS_MAX; i++)
                hang_up(b, &b->conv[i]);
        probe_banner_ops.free(b);
}

int main(void)
{
        choose();
        timers();
        cleaning();
        schedule();
        conversations();
        noise();
        return t_done();
}
