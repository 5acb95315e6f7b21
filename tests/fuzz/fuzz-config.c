/* fuzz-config.c - the configuration parser over arbitrary bytes.
 *
 * The input is a whole file (corpus/config: the example file, the unit
 * test's every-key file, and malformations). Checked: success or -EINVAL
 * only; an error is one line that starts with the file name; on success,
 * every value is in its documented range, and writing the config and
 * reading it back gives the same values (the round trip).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netinv/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_ranges(const struct config *c)
{
        if (c->n_ranges > CONFIG_LIST_MAX || c->n_exclude > CONFIG_LIST_MAX ||
            c->n_ports > CONFIG_LIST_MAX)
                abort();
        for (size_t i = 0; i < c->n_ranges; i++)
                if ((c->ranges[i].family != 4 && c->ranges[i].family != 6) ||
                    c->ranges[i].prefix > (c->ranges[i].family == 4 ? 32 : 128))
                        abort();
        for (size_t i = 0; i < c->n_ports; i++)
                if (!c->ports[i].lo || c->ports[i].hi < c->ports[i].lo)
                        abort();
        if (c->rate < 1 || c->rate > 100000 || c->retries > 10 || !(c->timeout > 0) ||
            !(c->duration > 0) || !isfinite(c->duration) || c->max_devices < 1 || c->stale < 1 ||
            c->probes >> PROBE_MAX || c->format < 0 || c->format > CFMT_MAX ||
            c->color < 0 || c->color >= COLOR_MAX || c->push.format < 0 ||
            c->push.format >= PUSH_FMT_MAX)
                abort();
        if (memchr(c->site, '\0', sizeof(c->site)) == NULL ||
            memchr(c->push.url, '\0', sizeof(c->push.url)) == NULL ||
            memchr(c->interface, '\0', sizeof(c->interface)) == NULL)
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct config c, back;
        char err[512];

        err[0] = '\0';
        int r = config_parse("fuzz.conf", (const char *)data, size, &c, err, sizeof(err));
        if (r == -EINVAL) {
                if (strncmp(err, "fuzz.conf", 9) != 0 || strchr(err, '\n'))
                        abort();
                return 0;
        }
        if (r != 0)
                abort();
        check_ranges(&c);
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f)
                return 0;
        if (config_write(f, &c) != 0)
                abort();
        fclose(f);
        if (config_parse("written", buf, len, &back, err, sizeof(err)) != 0)
                abort();
        memset(back.set, 0, sizeof(back.set));
        memset(c.set, 0, sizeof(c.set));
        if (memcmp(&back, &c, sizeof(c)) != 0)
                abort();
        free(buf);
        return 0;
}
