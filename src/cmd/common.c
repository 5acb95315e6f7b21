/* common.c - messages on stderr (and syslog when asked). */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "cmd.h"
#include "netinv/util.h"

bool cmd_quiet;
static bool use_syslog;

void cmd_syslog(bool on)
{
        if (on && !use_syslog)
                openlog("netinv", LOG_PID, LOG_DAEMON);
        else if (!on && use_syslog)
                closelog();
        use_syslog = on;
}

__attribute__((format(printf, 3, 0)))
static void say(int prio, const char *prefix, const char *fmt, va_list ap)
{
        char raw[1024], safe[4096];
        vsnprintf(raw, sizeof(raw), fmt, ap);
        sanitize_term(safe, sizeof(safe), raw, strlen(raw));
        fprintf(stderr, "netinv: %s%s\n", prefix, safe);
        if (use_syslog)
                syslog(prio, "%s%s", prefix, safe);
}

void cmd_error(const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        say(LOG_ERR, "", fmt, ap);
        va_end(ap);
}

void cmd_warn(const char *fmt, ...)
{
        va_list ap;
        if (cmd_quiet)
                return;
        va_start(ap, fmt);
        say(LOG_WARNING, "warning: ", fmt, ap);
        va_end(ap);
}

void cmd_info(const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        say(LOG_INFO, "", fmt, ap);
        va_end(ap);
}

int cmd_usage_error(const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        say(LOG_ERR, "", fmt, ap);
        va_end(ap);
        return -1;
}

int cmd_parse_color(const char *arg, int *ret)
{
        if (strcmp(arg, "auto") == 0)
                *ret = -1;
        else if (strcmp(arg, "always") == 0)
                *ret = 1;
        else if (strcmp(arg, "never") == 0)
                *ret = 0;
        else
                return cmd_usage_error("--color '%s': want auto, always or never", arg);
        return 0;
}

int cmd_option_error(int c, const char *cmd, char **argv)
{
        if (c == ':')
                return cmd_usage_error("option '%s' needs a value (try: netinv %s --help)",
                                       argv[optind - 1], cmd);
        if (optopt)
                return cmd_usage_error("unknown option '-%c' (try: netinv %s --help)", optopt, cmd);
        return cmd_usage_error("unknown option '%s' (try: netinv %s --help)", argv[optind - 1], cmd);
}
