/* dns_name.h - decoding DNS names (RFC 1035 §3.1, §4.1.4) to dotted text.
 *
 * dns_name.c is the only place a DNS name is read from the wire
 * (STYLE.md, rule 5). The cursor's `msg` must be the DNS message itself,
 * because compression pointers are offsets from its first byte.
 *
 * Text form: labels joined by '.', the root name alone is ".". A '.' or a
 * '\' inside a label is written "\." / "\\" so that label boundaries stay
 * unambiguous (DNS-SD instance names such as "Printer v1.2" carry dots);
 * every other byte, printable or not, is kept raw. Making text safe for a
 * terminal or JSON is output/sanitize.c's job. The text may contain NUL
 * bytes: always use the returned length.
 *
 * The dns_name_* helpers below read that text form (never the wire).
 */
#ifndef NETINV_DNS_NAME_H
#define NETINV_DNS_NAME_H

#include <stdbool.h>
#include <stddef.h>

#include "netinv/cursor.h"
#include "netinv/limits.h"

/* Text buffer that holds any name: a 255-byte wire name has at most 250
 * label bytes in 4 labels; each may need an escape (x2), plus 3 dots and the
 * NUL: 504. */
#define DNS_NAME_BUFSZ          512u

/* Decode the name at c's position into buf (NUL-terminated; its length,
 * without the NUL, in *ret_len). c advances past the name as it lies in the
 * message: past the terminating zero label, or past the first compression
 * pointer. With buf NULL the name is only validated and stepped over
 * (*ret_len, when ret_len is not NULL, is then 0).
 *
 * Returns 0, or
 *   -ENODATA   the bytes ran out (a cut message, or a name running past the
 *              end of c's window); c carries CUR_TRUNC
 *   -EBADMSG   malformed: a label type 0x40/0x80, a wire name over 255
 *              bytes, a pointer not strictly before the previous jump
 *              target (or the name's own start), more than
 *              DNS_PTR_HOPS_MAX pointers; c carries CUR_BAD
 *   -ENOBUFS   the text does not fit in bufsz (never with DNS_NAME_BUFSZ);
 *              c has advanced past the name
 * buf and *ret_len are written only on success. */
int dns_name_read(struct cursor *c, char *buf, size_t bufsz, size_t *ret_len);

/* Length of the first label of a text name, up to (not including) its
 * first unescaped '.'; len when there is none. */
size_t dns_name_label_len(const char *name, size_t len);

/* Does the text name end with the labels of `suffix` (a plain ASCII name
 * without escapes, "in-addr.arpa")? Compared ASCII case-insensitively
 * (RFC 4343), at a label boundary; a name equal to suffix counts. */
bool dns_name_has_suffix(const char *name, size_t len, const char *suffix);

/* The root name, as dns_name_read writes it? */
static inline bool dns_name_is_root(const char *name, size_t len)
{
        return len == 1 && name[0] == '.';
}

#endif
