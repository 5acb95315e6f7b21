/* test-probe-ssdp.c - the ssdp probe's pure parts and its description fetch.
 *
 *  - ssdp_msearch_request byte for byte against the M-SEARCH python3 sent
 *    in tests/captures/ssdp-msearch.pcap (the third frame: the control
 *    point of tests/captures/make/ssdp.sh, written from UDA 2.0 §1.3.2);
 *  - ssdp_location_url on good and hostile LOCATIONs;
 *  - the probe in the engine, fetching from HTTP servers this test runs on
 *    loopback (a forked child; nothing leaves the host): a description is
 *    fetched and emitted with its service line; a LOCATION naming another
 *    address than the sender's is not fetched, not even when the sender
 *    claimed that address in an mDNS record (that server sees no
 *    connection); a body over 64 KiB is cut and what came is parsed; an
 *    error status is not parsed; each LOCATION is fetched once.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include "banner-util.h"
#include "netinv/prober.h"

static void msearch(void)
{
        struct t_frames fr;
        uint8_t buf[512];
        const char *ua = "Linux/6.1 UPnP/2.0 nhss-probe/1.0";
        ssize_t n = ssdp_msearch_request(buf, sizeof(buf), 1, "ssdp:all", ua);

        CHECK(n > 0);
        if (t_load_pcap(t_capture("ssdp-msearch.pcap"), &fr) != 0)
                return;
        CHECK_INT(fr.n, 3);
        struct l4 l;
        if (fr.n == 3 && t_l4(fr.f[2].data, fr.f[2].len, &l)) {
                size_t k = cur_left(&l.payload);
                const uint8_t *p = cur_view(&l.payload, k);
                CHECK_INT(l.dport, 1900);
                CHECK_INT((long)k, n);
                CHECK(p && n > 0 && (size_t)n == k && memcmp(p, buf, k) == 0);
        } else {
                CHECK(!"third frame is UDP");
        }
        t_frames_free(&fr);
        /* refused: MX out of 1..5, a CR or LF in a field, no room */
        CHECK_INT(ssdp_msearch_request(buf, sizeof(buf), 0, "ssdp:all", ua), -EINVAL);
        CHECK_INT(ssdp_msearch_request(buf, sizeof(buf), 6, "ssdp:all", ua), -EINVAL);
        CHECK_INT(ssdp_msearch_request(buf, sizeof(buf), 1, "ssdp:all\r\nX: y", ua), -EINVAL);
        CHECK_INT(ssdp_msearch_request(buf, sizeof(buf), 1, "ssdp:all", "a\nb"), -EINVAL);
        CHECK_INT(ssdp_msearch_request(buf, 40, 1, "ssdp:all", ua), -ENOSPC);
}

#define LOC(s, ip, port, url) do {                                                      \
                uint32_t ip_;                                                           \
                uint16_t port_;                                                         \
                char u_[128];                                                           \
                CHECK_INT(ssdp_location_url(s, strlen(s), &ip_, &port_, u_, sizeof(u_)), 0); \
                CHECK_INT(ip_, ip);                                                     \
                CHECK_INT(port_, port);                                                 \
                CHECK_STR(u_, url);                                                     \
        } while (0)
#define NOLOC(s) do {                                                                   \
                uint32_t ip_;                                                           \
                uint16_t port_;                                                         \
                char u_[128];                                                           \
                CHECK(ssdp_location_url(s, strlen(s), &ip_, &port_, u_, sizeof(u_)) < 0); \
        } while (0)

static void location(void)
{
        LOC("http://198.18.43.10:8200/rootDesc.xml", 0xc6122b0au, 8200,
            "http://198.18.43.10:8200/rootDesc.xml");
        LOC("HTTP://198.18.43.1/", 0xc6122b01u, 80, "http://198.18.43.1:80/");
        LOC("http://198.18.43.1", 0xc6122b01u, 80, "http://198.18.43.1:80/");
        LOC("http://198.18.43.1:49152/description.xml?x=1&y=%20",
            0xc6122b01u, 49152, "http://198.18.43.1:49152/description.xml?x=1&y=%20");
        NOLOC("https://198.18.43.1/d.xml");
        NOLOC("file:///etc/passwd");
        NOLOC("http://nas.local:5000/d.xml");
        NOLOC("http://user@198.18.43.1/d.xml");
        NOLOC("http://198.18.43.1@10.0.0.1/d.xml");
        NOLOC("http://[fe80::1]:80/d.xml");
        NOLOC("http://0x7f.1/");
        NOLOC("http://198.18.43/");
        NOLOC("http://198.18.43.256/");
        NOLOC("http://198.18.43.1:0/");
        NOLOC("http://198.18.43.1:65536/");
        NOLOC("http://198.18.43.1:/");
        NOLOC("http://198.18.43.1:80x/");
        NOLOC("http://198.18.43.1/a b");
        NOLOC("http://198.18.43.1/a\r\nHost: x");
        NOLOC("http://198.18.43.1?x");
        NOLOC("http://");
        NOLOC("");
        /* a path too long for the buffer */
        char big[300], u[64];
        uint32_t ip;
        uint16_t port;
        snprintf(big, sizeof(big), "http://198.18.43.1/%0250d", 0);
        CHECK_INT(ssdp_location_url(big, strlen(big), &ip, &port, u, sizeof(u)), -ENOSPC);
}

/* ---- the probe against loopback servers ---- */

static struct obs_sink got;     /* everything the probe emitted */

static void on_emit(void *user, const struct obs_sink *s, uint64_t ts)
{
        (void)user, (void)ts;
        for (size_t i = 0; i < s->n && got.n < OBS_PER_FRAME_MAX; i++) {
                const struct obs *o = &s->obs[i];
                if (o->kind == OBS_ATTR)
                        obs_attr(&got, o->mac, (enum proto)o->source, o->key, o->val, o->val_len);
        }
}

static uint64_t mono(void)
{
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

static int listener(const char *ip, uint16_t *ret_port)
{
        struct sockaddr_in a = { .sin_family = AF_INET };
        socklen_t al = sizeof(a);
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        inet_pton(AF_INET, ip, &a.sin_addr);
        if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 16) < 0 ||
            getsockname(fd, (struct sockaddr *)&a, &al) < 0)
                return -1;
        *ret_port = ntohs(a.sin_port);
        return fd;
}

/* The child: answer each request on fd by its path; count connections on
 * other (which must stay 0) in the exit status. */
static void serve(int fd, int other, const uint8_t *desc, size_t desc_len)
{
        static char req[4096], big[100000];
        memset(big, ' ', sizeof(big));
        for (;;) {
                struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = other, .events = POLLIN } };
                if (poll(p, 2, 10000) <= 0)
                        _exit(0);
                if (p[1].revents)
                        _exit(3);       /* somebody connected to the other address */
                int c = accept(fd, NULL, NULL);
                if (c < 0)
                        continue;
                ssize_t n = recv(c, req, sizeof(req) - 1, 0);
                req[n > 0 ? n : 0] = 0;
                char head[256];
                if (strncmp(req, "GET /desc.xml ", 14) == 0 || strncmp(req, "GET /big.xml ", 13) == 0) {
                        bool b = req[5] == 'b';
                        size_t blen = b ? sizeof(big) + desc_len : desc_len;
                        int h = snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Type: "
                                         "text/xml\r\nConnection: close\r\n\r\n");
                        (void)blen;
                        send(c, head, (size_t)h, MSG_NOSIGNAL);
                        if (b) {        /* the description after 100 KB of blanks: cut */
                                send(c, desc, 150, MSG_NOSIGNAL);
                                send(c, big, sizeof(big), MSG_NOSIGNAL);
                        }
                        send(c, desc, desc_len, MSG_NOSIGNAL);
                } else {
                        int h = snprintf(head, sizeof(head), "HTTP/1.1 404 Not Found\r\n"
                                         "Connection: close\r\n\r\n");
                        send(c, head, (size_t)h, MSG_NOSIGNAL);
                        send(c, desc, desc_len, MSG_NOSIGNAL);
                }
                close(c);
        }
}

static void add_loc(struct obs_sink *s, const uint8_t mac[6], const char *ip, uint16_t port,
                    const char *path)
{
        char loc[128];
        int n = snprintf(loc, sizeof(loc), "http://%s:%u%s", ip, port, path);
        obs_attr(s, mac, PROTO_SSDP, "ssdp.location", loc, (size_t)n);
}

static void fetch(void)
{
        static const uint8_t dev[6] = { 0x00, 0x11, 0x32, 0x00, 0x43, 0x0a };
        static const uint8_t liar[6] = { 0x02, 0x00, 0x00, 0x00, 0x43, 0x66 };
        static uint8_t desc[65536];
        static struct obs_sink in;
        FILE *f = fopen(t_data("upnp/minidlna-rootDesc.xml"), "rb");
        size_t desc_len = f ? fread(desc, 1, sizeof(desc), f) : 0;
        uint16_t port, port2;
        if (f)
                fclose(f);
        CHECK(desc_len > 1000);
        int fd = listener("127.0.0.1", &port), other = listener("127.0.0.2", &port2);
        if (fd < 0 || other < 0) {
                CHECK(!"loopback listeners");
                return;
        }
        pid_t child = fork();
        if (child == 0)
                serve(fd, other, desc, desc_len);
        close(fd);
        close(other);

        struct probe_target targets[2] = { { .ip = 0x7f000001u }, { .ip = 0x7f000002u } };
        struct probe_plan plan = { .n_targets = 2, .targets = targets };
        struct probe_iface ifc = { .name = "lo" };     /* no IPv4 net: no M-SEARCH */
        struct prober_opts opts = { .rate_pps = 1000, .retries = 1, .timeout_ms = 200 };
        struct prober_env env = { .ifc = &ifc, .plan = &plan, .opts = &opts, .emit = on_emit };
        bool enabled[PROBER_N] = { [PROBER_SSDP] = true };
        struct prober *pr;
        char why[256];
        CHECK_INT(prober_open(&env, enabled, &pr, why, sizeof(why)), 0);
        uint64_t now = mono(), wake;
        uint8_t lo1[4] = { 127, 0, 0, 1 };
        obs_sink_reset(&got);
        obs_sink_reset(&in);
        prober_start(pr, now);
        /* the device: its address, then its LOCATIONs (one twice) */
        obs_ipv4(&in, dev, PROTO_SSDP, lo1);
        add_loc(&in, dev, "127.0.0.1", port, "/desc.xml");
        add_loc(&in, dev, "127.0.0.1", port, "/desc.xml");
        add_loc(&in, dev, "127.0.0.1", port, "/big.xml");
        add_loc(&in, dev, "127.0.0.1", port, "/missing.xml");
        /* another device naming the first one's address, and its own
         * LOCATION pointing at a third address (127.0.0.2, in the plan) */
        obs_ipv4(&in, liar, PROTO_SSDP, (uint8_t[4]){ 127, 0, 0, 3 });
        add_loc(&in, liar, "127.0.0.1", port, "/desc.xml");
        add_loc(&in, liar, "127.0.0.2", port2, "/desc.xml");
        /* ... nor when it claims that address through another protocol
         * (an mDNS A record names any address its sender likes) */
        obs_ipv4(&in, liar, PROTO_MDNS, (uint8_t[4]){ 127, 0, 0, 2 });
        add_loc(&in, liar, "127.0.0.2", port2, "/other.xml");
        /* (the scan announces such an address to the probes as a host) */
        prober_host(pr, 0x7f000002u, liar, now);
        add_loc(&in, liar, "127.0.0.2", port2, "/host.xml");
        prober_seen(pr, &in, now);
        prober_hosts_done(pr, now);
        uint64_t end = now + 10000000u;
        int done = 0;
        while (!(done = prober_run(pr, now = mono(), &wake)) && now < end) {
                struct pollfd fds[64];
                size_t n = prober_pollfds(pr, fds, 64);
                int ms = wake == UINT64_MAX ? 100 : wake > now ? (int)((wake - now) / 1000) + 1 : 0;
                if (ms > 100)
                        ms = 100;
                if (poll(fds, n, ms) > 0)
                        prober_ready(pr, fds, n, mono());
        }
        CHECK(done == 1);
        prober_free(pr);
        kill(child, SIGTERM);
        int status = 0;
        waitpid(child, &status, 0);
        CHECK(!(WIFEXITED(status) && WEXITSTATUS(status) == 3));        /* 127.0.0.2 untouched */

        /* /desc.xml once, /big.xml cut at 64 KiB: the 150 bytes before
         * the blanks hold nothing whole, so it adds nothing; the 404 body
         * is not parsed: one description's worth */
        CHECK_INT(t_count(&got, "upnp.model_name"), 1);
        CHECK_INT(t_count(&got, "upnp.udn"), 1);
        CHECK_STR(t_val(&got, "upnp.manufacturer"), "Justin Maggard");
        char svc[128];
        snprintf(svc, sizeof(svc), "tcp/%u upnp Justin Maggard Windows Media Connect "
                 "compatible (MiniDLNA)", port);
        CHECK_STR(t_val(&got, "service"), svc);
        CHECK_INT(t_count(&got, "service"), 1);
        for (size_t i = 0; i < got.n; i++) {
                CHECK(memcmp(got.obs[i].mac, dev, 6) == 0);
                CHECK(got.obs[i].source == PROTO_UPNP);
        }
        t_dump(&got, stderr);
}

int main(void)
{
        msearch();
        location();
        fetch();
        return t_done();
}
