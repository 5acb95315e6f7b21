/* regex.c - what the loader works out about a rule's regular expression
 * before trusting it: whether regcomp could blow it up (rules_regex_safe),
 * and the literal text that lets the engine skip regexec for most values
 * (rules_regex_prefix, rules_regex_need). See rules.c. */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((format(printf, 3, 4)))
static int why_err(char *why, size_t whylen, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, whylen, fmt, ap);
        va_end(ap);
        return -EINVAL;
}

/* Regexes are data from a file an admin edits, and glibc's matcher can be
 * made exponential (back-references) or huge: regcomp copies the subtree
 * of every "+" and "{n,m}", so nested or stacked repeats multiply
 * ("a+++++", "((a{9}){9}){9}"). Refuse those instead of trusting them:
 * no back-references, no quantifier right after another, groups nested
 * at most RULES_GROUP_DEPTH deep, few and small counted repeats. */
int rules_regex_safe(const char *pat, char *why, size_t whylen)
{
        unsigned braces = 0, depth = 0;
        bool after_quant = false;
        for (const char *s = pat; *s; s++) {
                bool quant = false;
                if (*s == '\\') {
                        if (isdigit((unsigned char)s[1]))
                                return why_err(why, whylen, "back-references (\\%c) are not allowed", s[1]);
                        if (s[1])
                                s++;
                } else if (*s == '[') {
                        /* a bracket expression: ']' first is a member */
                        s++;
                        if (*s == '^')
                                s++;
                        if (*s == ']')
                                s++;
                        while (*s && *s != ']') {
                                if (*s == '[' && (s[1] == ':' || s[1] == '.' || s[1] == '=')) {
                                        const char *end = strchr(s + 2, ']');
                                        if (!end)
                                                break;
                                        s = end;
                                }
                                s++;
                        }
                        if (!*s)
                                break;          /* regcomp reports it */
                } else if (*s == '(') {
                        if (++depth > RULES_GROUP_DEPTH)
                                return why_err(why, whylen, "groups nested more than %u deep", RULES_GROUP_DEPTH);
                } else if (*s == ')') {
                        if (depth)
                                depth--;
                } else if (*s == '*' || *s == '+' || *s == '?') {
                        quant = true;
                } else if (*s == '{') {
                        quant = true;
                        if (++braces > RULES_BRACES_MAX)
                                return why_err(why, whylen, "more than %u {n,m} repeats in one pattern",
                                            RULES_BRACES_MAX);
                        for (s++; *s && *s != '}'; s++) {
                                if (!isdigit((unsigned char)*s))
                                        continue;
                                unsigned long v = strtoul(s, NULL, 10);
                                if (v > RULES_REPEAT_MAX)
                                        return why_err(why, whylen, "repeat count over %u", RULES_REPEAT_MAX);
                                while (isdigit((unsigned char)s[1]))
                                        s++;
                        }
                        if (!*s)
                                break;
                }
                if (quant && after_quant)
                        return why_err(why, whylen, "a repeat right after a repeat (like a++ or a*{2})");
                after_quant = quant;
        }
        return 0;
}

/* The literal text every match of an anchored regex starts with, so the
 * engine can reject most values with one memcmp before regexec. */
int rules_regex_prefix(struct rule_match *m)
{
        const char *s = m->pattern;
        char buf[RULES_PATTERN_MAX + 1];
        size_t n = 0;

        if (*s != '^' || strchr(s, '|'))
                return 0;
        s++;
        while (*s) {
                char c;
                if (*s == '\\' && s[1] && !isalnum((unsigned char)s[1])) {
                        c = s[1];
                        s += 2;
                } else if (strchr(".[]()*+?{}|^$\\", *s)) {
                        break;
                } else {
                        c = *s++;
                }
                /* a quantifier makes the character before it optional */
                if (*s == '*' || *s == '?' || *s == '{')
                        break;
                buf[n++] = c;
        }
        if (!n)
                return 0;
        m->prefix = malloc(n + 1);
        if (!m->prefix)
                return -ENOMEM;
        memcpy(m->prefix, buf, n);
        m->prefix[n] = '\0';
        m->prefix_len = n;
        return 0;
}

/* The longest run of literal text outside groups and brackets that every
 * match of the regex contains: the engine looks for it with memmem before
 * running the regex, which rejects most values for the price of a search.
 * None when the pattern has a top-level alternative. */
int rules_regex_need(struct rule_match *m)
{
        char run[RULES_PATTERN_MAX + 1], best[RULES_PATTERN_MAX + 1];
        size_t n = 0, bn = 0;
        unsigned depth = 0;

        for (const char *s = m->pattern; *s; s++)
                if (*s == '\\' && s[1])
                        s++;
                else if (*s == '|' && !depth)
                        return 0;
                else if (*s == '(')
                        depth++;
                else if (*s == ')' && depth)
                        depth--;
        depth = 0;
        for (const char *s = m->pattern; *s; s++) {
                char c = 0;
                bool lit = false;
                if (*s == '\\' && s[1] && !isalnum((unsigned char)s[1])) {
                        c = *++s;
                        lit = !depth;
                } else if (!strchr(".[]()*+?{}|^$\\", *s)) {
                        c = *s;
                        lit = !depth;
                } else if (*s == '(') {
                        depth++;
                } else if (*s == ')' && depth) {
                        depth--;
                } else if (*s == '[') {
                        /* skip the bracket expression: ']' first is a member */
                        s++;
                        if (*s == '^')
                                s++;
                        if (*s == ']')
                                s++;
                        while (*s && *s != ']')
                                s++;
                        if (!*s)
                                break;  /* unterminated: regcomp refused it already */
                }
                /* a character made optional by the quantifier after it is no
                 * part of the run; "+" keeps it but ends the run */
                bool opt = s[1] == '*' || s[1] == '?' || s[1] == '{';
                if (lit && !opt)
                        run[n++] = c;
                if (!lit || opt || s[1] == '+') {
                        if (n > bn) {
                                memcpy(best, run, n);
                                bn = n;
                        }
                        n = 0;
                }
        }
        if (n > bn) {
                memcpy(best, run, n);
                bn = n;
        }
        if (bn < 3)
                return 0;
        m->need = malloc(bn + 1);
        if (!m->need)
                return -ENOMEM;
        memcpy(m->need, best, bn);
        m->need[bn] = '\0';
        return 0;
}
