/* sanitize.c - wire text made safe for JSON and terminals. See util.h.
 *
 * The only place where bytes from the network become output text. Nothing
 * is dropped silently: what cannot be shown as it is becomes a visible
 * escape, so the original bytes can still be read off the output.
 */
#include "netinv/util.h"

#include <stdio.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (RFC 3629), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t len, unsigned *ret_cp)
{
        unsigned c = s[0], cp;
        size_t n;
        if (c < 0x80) {
                *ret_cp = c;
                return 1;
        } else if (c >= 0xc2 && c <= 0xdf) {
                n = 2;
                cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
                n = 3;
                cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
                n = 4;
                cp = c & 0x07;
        } else {
                return 0;
        }
        if (n > len)
                return 0;
        for (size_t i = 1; i < n; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                cp = (cp << 6) | (s[i] & 0x3f);
        }
        /* Overlong forms, surrogates and beyond U+10FFFF are invalid. */
        if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
                return 0;
        *ret_cp = cp;
        return n;
}

static bool term_unsafe(unsigned cp)
{
        /* C0, DEL, C1; and the invisible direction marks and overrides
         * (LRM, RLM, ALM, LRE..RLO, LRI..PDI) and line/paragraph separators,
         * which can make a value read as something it is not. */
        return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c ||
               cp == 0x200e || cp == 0x200f || cp == 0x2028 || cp == 0x2029 ||
               (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

static size_t run(char *dst, size_t cap, const char *src, size_t len, bool term)
{
        const unsigned char *s = (const unsigned char *)src;
        size_t o = 0, i = 0;
        if (!cap)
                return 0;
        while (i < len) {
                unsigned cp = 0;
                size_t n = utf8_seq(s + i, len - i, &cp);
                char esc[16];
                const char *out;
                size_t olen;
                if (n == 0) {
                        snprintf(esc, sizeof(esc), "\\x%02x", s[i]);
                        out = esc;
                        olen = 4;
                        n = 1;
                } else if (term && term_unsafe(cp)) {
                        olen = (size_t)(cp < 0x100 ? snprintf(esc, sizeof(esc), "\\x%02x", cp)
                                                   : snprintf(esc, sizeof(esc), "\\u{%04x}", cp));
                        out = esc;
                } else if (cp == 0) {
                        /* NUL would end the C string: escape it even for JSON. */
                        out = "\\x00";
                        olen = 4;
                } else {
                        out = (const char *)s + i;
                        olen = n;
                }
                if (o + olen + 1 > cap)
                        break;
                memcpy(dst + o, out, olen);
                o += olen;
                i += n;
        }
        dst[o] = '\0';
        return o;
}

size_t sanitize_utf8(char *dst, size_t cap, const char *src, size_t len)
{
        return run(dst, cap, src, len, false);
}

size_t sanitize_term(char *dst, size_t cap, const char *src, size_t len)
{
        return run(dst, cap, src, len, true);
}
