/* testlib.h - a small test harness for the unit tests.
 *
 * CHECK* record a failure with file and line and go on; t_done() prints the
 * totals and gives main()'s return value. A test that has nothing to check
 * here (a missing system file) returns T_SKIP (77, meson's "skipped").
 */
#ifndef NETINV_TESTLIB_H
#define NETINV_TESTLIB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "netinv/dissect.h"
#include "netinv/obs.h"

#define T_SKIP 77

extern int t_checks, t_failures;

#define CHECK(cond) t_check((cond), __FILE__, __LINE__, #cond)
#define CHECK_INT(a, b) t_check_int((long long)(a), (long long)(b), __FILE__, __LINE__, #a)
#define CHECK_STR(a, b) t_check_str((a), (b), __FILE__, __LINE__, #a)

bool t_check(bool ok, const char *file, int line, const char *what);
bool t_check_int(long long got, long long want, const char *file, int line, const char *what);
bool t_check_str(const char *got, const char *want, const char *file, int line, const char *what);
/* Print the totals; 0 when every check passed (and at least one ran). */
int t_done(void);

/* A path under the test captures (NETINV_TEST_CAPTURES) or data
 * (NETINV_TEST_DATA) directory; static buffer. */
const char *t_capture(const char *name);
const char *t_data(const char *name);

struct t_frame {
        uint8_t *data;
        uint32_t len;
        enum linktype lt;
        uint64_t ts;
};
struct t_frames {
        size_t n;
        struct t_frame *f;
};
/* Read every frame of a pcap/pcapng file (through the capture module).
 * 0, or -errno; a missing file is a failed check. */
int t_load_pcap(const char *path, struct t_frames *ret);
void t_frames_free(struct t_frames *fr);

/* dissect_frame() on a whole Ethernet frame into a reset sink. */
enum dissect_res t_dissect(const uint8_t *frame, size_t len, struct obs_sink *s);
/* Decode every prefix of the frame (0 .. len-1 bytes) in a buffer of exactly
 * that size, so ASan sees any read past the end. Every verdict must be OK,
 * IGNORED or TRUNCATED: never MALFORMED for a cut good frame, never a crash.
 * Returns the number of prefixes that failed that rule (also checked). */
int t_sweep(enum linktype lt, const uint8_t *frame, size_t len);

/* The first observation in s of this kind (and key, and value when not
 * NULL); NULL when there is none. */
const struct obs *t_find(const struct obs_sink *s, enum obs_kind kind, const char *key,
                         const char *value);
/* Print a sink's observations (for writing tests and reading failures). */
void t_dump(const struct obs_sink *s, FILE *f);

/* "198.18.0.1" / "fe80::1" to bytes. */
void t_ip4(const char *s, uint8_t out[4]);
void t_ip6(const char *s, uint8_t out[16]);

#endif
