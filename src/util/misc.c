/* misc.c - time, ids and address formatting. */
#include "netinv/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

uint64_t now_usec(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void fmt_rfc3339(char *buf, size_t n, uint64_t usec)
{
        time_t t = (time_t)(usec / 1000000u);
        struct tm tm;
        if (!gmtime_r(&t, &tm) || !strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
                snprintf(buf, n, "1970-01-01T00:00:00Z");
}

int uuid_v4(char *buf, size_t n)
{
        uint8_t b[16];
        size_t got = 0;
        while (got < sizeof(b)) {
                ssize_t r = getrandom(b + got, sizeof(b) - got, 0);
                if (r < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                got += (size_t)r;
        }
        b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);   /* RFC 9562 §5.4: version 4 */
        b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);   /* variant 10 */
        snprintf(buf, n,
                 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
                 b[12], b[13], b[14], b[15]);
        return 0;
}

void fmt_mac(char *buf, size_t n, const uint8_t m[6])
{
        snprintf(buf, n, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

bool parse_mac(const char *s, uint8_t ret_mac[6])
{
        unsigned v[6];
        char sep[5], end;
        if (sscanf(s, "%2x%c%2x%c%2x%c%2x%c%2x%c%2x%c", &v[0], &sep[0], &v[1], &sep[1], &v[2],
                   &sep[2], &v[3], &sep[3], &v[4], &sep[4], &v[5], &end) != 11)
                return false;
        for (int i = 0; i < 5; i++)
                if (sep[i] != ':' && sep[i] != '-')
                        return false;
        for (int i = 0; i < 6; i++)
                ret_mac[i] = (uint8_t)v[i];
        return true;
}

void fmt_ip(char *buf, size_t n, int family, const uint8_t *addr)
{
        if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, buf, (socklen_t)n) && n)
                buf[0] = '\0';
}

size_t fmt_flags(char *buf, size_t cap, uint32_t bits, const char *const names[], size_t n)
{
        size_t o = 0;
        if (!cap)
                return 0;
        for (size_t i = 0; i < n && i < 32; i++) {
                if (!(bits & (1u << i)))
                        continue;
                size_t l = strlen(names[i]);
                if (o + l + 2 > cap)
                        break;
                if (o)
                        buf[o++] = ',';
                memcpy(buf + o, names[i], l);
                o += l;
        }
        buf[o] = '\0';
        return o;
}
