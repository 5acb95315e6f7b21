/* test-sanitize.c - wire text made safe for JSON and terminals
 * (output/sanitize.c).
 *
 * sanitize_utf8 keeps valid UTF-8 (controls included: JSON escapes those)
 * and shows every invalid byte as "\xNN": overlong forms, surrogates, code
 * points beyond U+10FFFF, stray continuation bytes, cut sequences. NUL is
 * always escaped. sanitize_term additionally escapes C0/C1 controls, DEL and
 * the bidirectional overrides/isolates. Output that does not fit is cut at a
 * character (or escape) boundary and always NUL-terminated. A property test
 * over random bytes checks that the output is valid UTF-8 and, for the
 * terminal, free of anything a terminal interprets.
 */
#include <stdlib.h>

#include "netinv/util.h"
#include "testlib.h"

static char out[4096];

static const char *u8(const char *s, size_t len)
{
        size_t n = sanitize_utf8(out, sizeof(out), s, len);
        CHECK_INT(n, strlen(out));
        return out;
}

static const char *term(const char *s, size_t len)
{
        size_t n = sanitize_term(out, sizeof(out), s, len);
        CHECK_INT(n, strlen(out));
        return out;
}

#define U8(lit) u8((lit), sizeof(lit) - 1)
#define TERM(lit) term((lit), sizeof(lit) - 1)

static void test_valid(void)
{
        CHECK_STR(U8("lab-printer.local"), "lab-printer.local");
        CHECK_STR(U8(""), "");
        CHECK_STR(U8("caf\xc3\xa9"), "caf\xc3\xa9");                    /* é, 2 bytes */
        CHECK_STR(U8("\xe2\x82\xac 5"), "\xe2\x82\xac 5");              /* €, 3 bytes */
        CHECK_STR(U8("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");          /* U+1F600, 4 */
        CHECK_STR(U8("\xf4\x8f\xbf\xbf"), "\xf4\x8f\xbf\xbf");          /* U+10FFFF */
        CHECK_STR(U8("\xed\x9f\xbf"), "\xed\x9f\xbf");                  /* U+D7FF */
        CHECK_STR(U8("\xee\x80\x80"), "\xee\x80\x80");                  /* U+E000 */
        CHECK_STR(U8("\xc2\x80"), "\xc2\x80");                          /* U+0080 */
        CHECK_STR(U8("\xe0\xa0\x80"), "\xe0\xa0\x80");                  /* U+0800 */
        CHECK_STR(U8("\xf0\x90\x80\x80"), "\xf0\x90\x80\x80");          /* U+10000 */
        /* The same in terminal mode: printable text passes untouched. */
        CHECK_STR(TERM("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 ~"),
                  "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 ~");
        CHECK_STR(TERM("\xc2\xa0\xc2\xbf"), "\xc2\xa0\xc2\xbf");        /* first after C1 */
        /* JSON keeps controls (cJSON escapes them); only NUL is escaped. */
        CHECK_STR(U8("a\tb\nc\x1b[31m\x7f"), "a\tb\nc\x1b[31m\x7f");
        CHECK_STR(U8("\xc2\x9b"), "\xc2\x9b");
}

static void test_invalid(void)
{
        CHECK_STR(U8("\x80"), "\\x80");                         /* stray continuation */
        CHECK_STR(U8("a\xbf" "b"), "a\\xbfb");
        CHECK_STR(U8("\xc0\x80"), "\\xc0\\x80");                /* overlong NUL */
        CHECK_STR(U8("\xc1\xbf"), "\\xc1\\xbf");                /* overlong U+007F */
        CHECK_STR(U8("\xe0\x80\xaf"), "\\xe0\\x80\\xaf");       /* overlong '/' */
        CHECK_STR(U8("\xe0\x9f\xbf"), "\\xe0\\x9f\\xbf");       /* overlong U+07FF */
        CHECK_STR(U8("\xf0\x80\x80\xaf"), "\\xf0\\x80\\x80\\xaf");
        CHECK_STR(U8("\xf0\x8f\xbf\xbf"), "\\xf0\\x8f\\xbf\\xbf");      /* overlong U+FFFF */
        CHECK_STR(U8("\xed\xa0\x80"), "\\xed\\xa0\\x80");       /* U+D800 surrogate */
        CHECK_STR(U8("\xed\xbf\xbf"), "\\xed\\xbf\\xbf");       /* U+DFFF */
        CHECK_STR(U8("\xed\xa0\xbd\xed\xb8\x80"),                 /* CESU-8 pair */
                  "\\xed\\xa0\\xbd\\xed\\xb8\\x80");
        CHECK_STR(U8("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");      /* U+110000 */
        CHECK_STR(U8("\xf5\x80\x80\x80"), "\\xf5\\x80\\x80\\x80");
        CHECK_STR(U8("\xf8\x88\x80\x80\x80"), "\\xf8\\x88\\x80\\x80\\x80");     /* 5-byte form */
        CHECK_STR(U8("\xfe\xff"), "\\xfe\\xff");
        /* A cut sequence: the lead bytes are escaped, what follows is kept. */
        CHECK_STR(U8("\xe2\x82"), "\\xe2\\x82");
        CHECK_STR(U8("\xe2\x82" "A"), "\\xe2\\x82A");
        CHECK_STR(U8("\xf0\x9f\x98"), "\\xf0\\x9f\\x98");
        CHECK_STR(U8("\xc3" "\xc3\xa9"), "\\xc3\xc3\xa9");      /* resynchronises */
        /* NUL inside: escaped in both modes, never ends the string early. */
        CHECK_STR(U8("a\0b"), "a\\x00b");
        CHECK_STR(TERM("a\0b"), "a\\x00b");
        /* The same rules in terminal mode. */
        CHECK_STR(TERM("\xc0\xaf\xed\xa0\x80"), "\\xc0\\xaf\\xed\\xa0\\x80");
}

static void test_term_controls(void)
{
        CHECK_STR(TERM("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
        CHECK_STR(TERM("a\tb\r\nc"), "a\\x09b\\x0d\\x0ac");
        CHECK_STR(TERM("\x01\x07\x08\x1f"), "\\x01\\x07\\x08\\x1f");
        CHECK_STR(TERM("del\x7f"), "del\\x7f");
        CHECK_STR(TERM(" !~"), " !~");                          /* 0x20 and 0x7e are fine */
        /* C1 controls as UTF-8 (U+0080..U+009F): CSI, NEL, OSC ... */
        CHECK_STR(TERM("\xc2\x9b" "2J"), "\\x9b2J");
        CHECK_STR(TERM("\xc2\x80\xc2\x85\xc2\x9d\xc2\x9f"), "\\x80\\x85\\x9d\\x9f");
        /* A raw C1 byte is not UTF-8 at all: escaped as an invalid byte. */
        CHECK_STR(TERM("\x9b"), "\\x9b");
        /* Bidirectional overrides and isolates (Trojan Source). */
        CHECK_STR(TERM("\xe2\x80\xaa"), "\\u{202a}");
        CHECK_STR(TERM("abc\xe2\x80\xae" "fdp.exe"), "abc\\u{202e}fdp.exe");
        CHECK_STR(TERM("\xe2\x81\xa6x\xe2\x81\xa9"), "\\u{2066}x\\u{2069}");
        CHECK_STR(TERM("\xe2\x81\xa7\xe2\x81\xa8"), "\\u{2067}\\u{2068}");
        /* Direction marks (LRM, RLM, ALM) and the line and paragraph
         * separators are escaped too. */
        CHECK_STR(TERM("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c"), "\\u{200e}\\u{200f}\\u{061c}");
        CHECK_STR(TERM("a\xe2\x80\xa8" "b\xe2\x80\xa9"), "a\\u{2028}b\\u{2029}");
        /* Neighbours of those ranges are ordinary text. */
        CHECK_STR(TERM("\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa\xe2\x80\x8d"),
                  "\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa\xe2\x80\x8d");
        /* JSON mode leaves bidi characters (they are valid text there). */
        CHECK_STR(U8("\xe2\x80\xae"), "\xe2\x80\xae");
}

static void test_cut(void)
{
        char small[16];
        size_t n;

        memset(small, 'Z', sizeof(small));
        n = sanitize_utf8(small, 6, "abc\xe2\x82\xac", 6);      /* € does not fit */
        CHECK_INT(n, 3);
        CHECK_STR(small, "abc");
        CHECK_INT(small[4], 'Z');               /* nothing written past the NUL */
        n = sanitize_utf8(small, 7, "abc\xe2\x82\xac", 6);      /* exactly fits */
        CHECK_INT(n, 6);
        CHECK_STR(small, "abc\xe2\x82\xac");
        n = sanitize_utf8(small, 4, "abcdef", 6);
        CHECK_INT(n, 3);
        CHECK_STR(small, "abc");
        /* An escape is never cut in half. */
        n = sanitize_term(small, 5, "a\x1b", 2);
        CHECK_INT(n, 1);
        CHECK_STR(small, "a");
        n = sanitize_term(small, 6, "a\x1b", 2);
        CHECK_INT(n, 5);
        CHECK_STR(small, "a\\x1b");
        n = sanitize_term(small, 8, "\xe2\x80\xae", 3);         /* \u{202e}: 8 + NUL */
        CHECK_INT(n, 0);
        CHECK_STR(small, "");
        n = sanitize_term(small, 9, "\xe2\x80\xae", 3);
        CHECK_INT(n, 8);
        CHECK_STR(small, "\\u{202e}");
        n = sanitize_utf8(small, 5, "\xff\xff", 2);
        CHECK_INT(n, 4);
        CHECK_STR(small, "\\xff");
        /* Room for the terminator only, and none at all. */
        small[0] = 'Z';
        n = sanitize_utf8(small, 1, "abc", 3);
        CHECK_INT(n, 0);
        CHECK_INT(small[0], '\0');
        small[0] = 'Z';
        n = sanitize_utf8(small, 0, "abc", 3);
        CHECK_INT(n, 0);
        CHECK_INT(small[0], 'Z');
        /* Empty input with a NULL pointer is fine. */
        n = sanitize_term(small, sizeof(small), NULL, 0);
        CHECK_INT(n, 0);
        CHECK_STR(small, "");
}

/* Strict UTF-8 check of the output (RFC 3629), independent of the code
 * under test. */
static bool valid_utf8(const unsigned char *s, size_t len, bool term_safe)
{
        size_t i = 0;
        while (i < len) {
                unsigned c = s[i], cp, n;
                if (c == 0)
                        return false;
                if (c < 0x80) {
                        if (term_safe && (c < 0x20 || c == 0x7f))
                                return false;
                        i++;
                        continue;
                }
                if ((c & 0xe0) == 0xc0)
                        n = 2, cp = c & 0x1f;
                else if ((c & 0xf0) == 0xe0)
                        n = 3, cp = c & 0x0f;
                else if ((c & 0xf8) == 0xf0)
                        n = 4, cp = c & 0x07;
                else
                        return false;
                if (i + n > len)
                        return false;
                for (unsigned k = 1; k < n; k++) {
                        if ((s[i + k] & 0xc0) != 0x80)
                                return false;
                        cp = (cp << 6) | (s[i + k] & 0x3f);
                }
                static const unsigned min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
                if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                        return false;
                if (term_safe && ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
                                  (cp >= 0x2066 && cp <= 0x2069)))
                        return false;
                i += n;
        }
        return true;
}

static void test_random(void)
{
        static const unsigned char pool[] = {
                0x00, 0x09, 0x0a, 0x1b, 0x20, 0x41, 0x5c, 0x7f, 0x80, 0x85, 0x9b, 0xa0, 0xae,
                0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xdf, 0xe0, 0xe2, 0x80, 0x81, 0xa9, 0xed, 0xef,
                0xf0, 0xf4, 0xf5, 0xff, 0x90, 0x9f,
        };
        uint32_t seed = 0x6e657469;
        unsigned char in[64];
        char dst[64 * 8 + 1];
        int bad_u8 = 0, bad_term = 0, bad_len = 0;

        for (int iter = 0; iter < 20000; iter++) {
                size_t len = 0, want = (seed >> 8) % sizeof(in);
                for (; len < want; len++) {
                        seed = seed * 1103515245u + 12345u;
                        in[len] = (seed >> 16) & 1 ? pool[(seed >> 17) % sizeof(pool)]
                                                   : (unsigned char)(seed >> 20);
                }
                seed = seed * 1103515245u + 12345u;
                size_t cap = 1 + (seed >> 16) % sizeof(dst);
                size_t n = sanitize_utf8(dst, cap, (const char *)in, len);
                bad_len += n >= cap || strlen(dst) != n;
                bad_u8 += !valid_utf8((const unsigned char *)dst, n, false);
                n = sanitize_term(dst, cap, (const char *)in, len);
                bad_len += n >= cap || strlen(dst) != n;
                bad_term += !valid_utf8((const unsigned char *)dst, n, true);
        }
        CHECK_INT(bad_len, 0);
        CHECK_INT(bad_u8, 0);
        CHECK_INT(bad_term, 0);
}

int main(void)
{
        test_valid();
        test_invalid();
        test_term_controls();
        test_cut();
        test_random();
        return t_done();
}
