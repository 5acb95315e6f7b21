/* util.h - small, boring helpers: time, ids, text made safe for output. */
#ifndef NETINV_UTIL_H
#define NETINV_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Microseconds since the epoch, from the real-time clock. */
uint64_t now_usec(void);
/* RFC 3339 UTC with second precision, "2026-11-23T14:02:58Z"; buf >= 21. */
void fmt_rfc3339(char *buf, size_t n, uint64_t usec);
/* A random (version 4) UUID in lower-case text; buf >= 37. 0 or -errno. */
int uuid_v4(char *buf, size_t n);
/* MAC as "aa:bb:cc:dd:ee:ff"; buf >= 18. */
void fmt_mac(char *buf, size_t n, const uint8_t mac[6]);
/* Parse "aa:bb:cc:dd:ee:ff" (also '-' separated). */
bool parse_mac(const char *s, uint8_t ret_mac[6]);
/* IPv4 dotted quad / IPv6 RFC 5952 text; buf >= 46. */
void fmt_ip(char *buf, size_t n, int family, const uint8_t *addr);

/* The names of the bits set in `bits` (bit i ↔ names[i]), joined by
 * commas, cut at a name to fit buf; NUL-terminated. The length written. */
size_t fmt_flags(char *buf, size_t cap, uint32_t bits, const char *const names[], size_t n);

/* Text from the wire made safe (output/sanitize.c). Both always
 * NUL-terminate and return the length written; output that does not fit
 * is cut at a character boundary.
 *   sanitize_utf8: invalid UTF-8 bytes become the four characters "\xNN";
 *                  everything valid is kept (JSON escapes control characters).
 *   sanitize_term: as above, and C0/C1 control characters, DEL and
 *                  bidirectional overrides become "\xNN" / "\u{NNNN}", so a
 *                  banner cannot move the cursor or recolour a terminal. */
size_t sanitize_utf8(char *dst, size_t cap, const char *src, size_t len);
size_t sanitize_term(char *dst, size_t cap, const char *src, size_t len);

/* The usual name of a TCP/UDP port ("ssh", "jetdirect"), "unknown" when
 * none (ports.c). */
const char *port_name(uint16_t port);
/* A port written in decimal ("80"; n bytes, no NUL needed): 1..65535, or
 * 0 when it is not one. */
uint16_t port_parse(const char *s, size_t n);

#endif
