/* dns_name.c - the one place DNS names are decoded (STYLE.md rule 5).
 *
 * A name is a sequence of labels, each a length byte and that many bytes,
 * ending with the zero-length root label or a compression pointer (two
 * bytes, top bits 11, a 14-bit offset from the start of the message) that
 * continues it elsewhere (RFC 1035 §3.1, §4.1.4). Length bytes with top bits
 * 01 or 10 were extended label types (RFC 6891 §5 retired them) and are
 * malformed here. Loops are impossible: each pointer must go strictly before
 * the previous jump target (the first one before the name's own start), so
 * the targets fall; DNS_PTR_HOPS_MAX is a second guard. The wire name
 * (length bytes, label bytes, the root) is at most DNS_NAME_MAX bytes.
 *
 * Text form and escaping: see dns_name.h.
 */
#include "netinv/dns_name.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#define DNS_LABEL_TYPE_MASK     0xc0    /* RFC 1035 §4.1.4 */
#define DNS_LABEL_NORMAL        0x00
#define DNS_LABEL_POINTER       0xc0
#define DNS_POINTER_HI_MASK     0x3f    /* high 6 bits of the 14-bit offset */

/* Mark c with the error a failed read of the name deserves. */
static int fail(struct cursor *c, int res)
{
        if (c->err == CUR_OK)
                c->err = res == -ENODATA ? CUR_TRUNC : CUR_BAD;
        return res;
}

/* Append one label's bytes to the text, escaping '.' and '\'. Returns the
 * new length, or SIZE_MAX when it would not fit (with room for the NUL). */
static size_t put_label(char *buf, size_t bufsz, size_t out, const uint8_t *lab, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                bool esc = lab[i] == '.' || lab[i] == '\\';
                if (out + (esc ? 2 : 1) >= bufsz)
                        return SIZE_MAX;
                if (esc)
                        buf[out++] = '\\';
                buf[out++] = (char)lab[i];
        }
        return out;
}

int dns_name_read(struct cursor *c, char *buf, size_t bufsz, size_t *ret_len)
{
        struct cursor jump;             /* where we read after a pointer */
        struct cursor *rd = c;          /* c until the first pointer, then jump */
        size_t limit = cur_pos(c);      /* a pointer must target strictly before this */
        size_t wire = 0;                /* wire bytes of the name so far */
        size_t out = 0;                 /* text bytes written */
        unsigned hops = 0;
        bool skip = buf == NULL;        /* validate and step over only */
        bool nospace = !skip && bufsz == 0;
        uint8_t lab[DNS_LABEL_MAX];

        if (!cur_ok(c))
                return c->err == CUR_TRUNC ? -ENODATA : -EBADMSG;
        /* Each pass reads at least one byte of a label (so at most
         * DNS_NAME_MAX passes) or follows a pointer (at most
         * DNS_PTR_HOPS_MAX): the constant bound is belt and braces. */
        for (unsigned pass = 0; pass <= DNS_NAME_MAX + DNS_PTR_HOPS_MAX && cur_ok(rd); pass++) {
                uint8_t len = cur_u8(rd);
                if (!cur_ok(rd))
                        break;
                switch (len & DNS_LABEL_TYPE_MASK) {
                case DNS_LABEL_NORMAL:
                        break;
                case DNS_LABEL_POINTER: {
                        uint8_t lo = cur_u8(rd);
                        if (!cur_ok(rd))
                                goto trunc;
                        size_t target = ((size_t)(len & DNS_POINTER_HI_MASK) << 8) | lo;
                        if (target >= limit || ++hops > DNS_PTR_HOPS_MAX)
                                return fail(c, -EBADMSG);
                        limit = target;
                        /* c stays just past the first pointer. */
                        jump = cur_at(c, target);
                        rd = &jump;
                        continue;
                }
                default:        /* 0x40 extended label, 0x80 reserved */
                        return fail(c, -EBADMSG);
                }

                if (len == 0) {         /* the root label ends the name */
                        if (skip) {
                                if (ret_len)
                                        *ret_len = 0;
                                return 0;
                        }
                        if (nospace)
                                goto nobufs;
                        if (out == 0) {
                                if (bufsz < 2)
                                        goto nobufs;
                                buf[out++] = '.';
                        }
                        buf[out] = '\0';
                        if (ret_len)
                                *ret_len = out;
                        return 0;
                }
                /* This label plus at least the root must fit in 255. */
                wire += 1u + len;
                if (wire + 1 > DNS_NAME_MAX)
                        return fail(c, -EBADMSG);
                if (!cur_copy(rd, lab, len))
                        break;
                if (skip || nospace)
                        continue;
                if (out > 0) {
                        if (out + 1 >= bufsz) {
                                nospace = true;
                                continue;
                        }
                        buf[out++] = '.';
                }
                size_t n = put_label(buf, bufsz, out, lab, len);
                if (n == SIZE_MAX)
                        nospace = true;
                else
                        out = n;
        }
        if (rd->err == CUR_OK)          /* the pass bound, which cannot happen */
                return fail(c, -EBADMSG);
trunc:
        return fail(c, -ENODATA);
nobufs:
        return -ENOBUFS;
}

/* Is name[i] (a '.') escaped, that is preceded by an odd run of '\'? */
static bool escaped(const char *name, size_t i)
{
        size_t k = 0;
        while (k < i && name[i - 1 - k] == '\\')
                k++;
        return (k & 1) != 0;
}

size_t dns_name_label_len(const char *name, size_t len)
{
        for (size_t i = 0; i < len; i++) {
                if (name[i] == '\\') {
                        i++;            /* skip the escaped byte */
                        continue;
                }
                if (name[i] == '.')
                        return i;
        }
        return len;
}

static char lower(char ch)
{
        return (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
}

bool dns_name_has_suffix(const char *name, size_t len, const char *suffix)
{
        size_t sl = strlen(suffix);
        if (sl > len)
                return false;
        size_t at = len - sl;
        for (size_t i = 0; i < sl; i++)
                if (lower(name[at + i]) != lower(suffix[i]))
                        return false;
        if (at == 0)
                return true;
        /* The byte before must be a label separator, not an escaped dot, and
         * the suffix's own first dot must not be escaped either (the suffix
         * has no '\', so only name[at - 1] can start an escape). */
        return name[at - 1] == '.' && !escaped(name, at - 1);
}
