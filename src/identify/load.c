/* load.c - finding and reading the rule files: the directories in search
 * order, one file name hiding another, each file handed to the parser
 * (rules.c). See identify.h for the order and netinv-rules(5). */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef NETINV_DATADIR
#define NETINV_DATADIR "/usr/local/share/netinv"
#endif

static int read_file(const char *path, char **ret, size_t *ret_len)
{
        FILE *f = fopen(path, "re");
        if (!f)
                return -errno;
        char *buf = malloc(RULES_FILE_MAX + 1);
        if (!buf) {
                fclose(f);
                return -ENOMEM;
        }
        size_t n = fread(buf, 1, RULES_FILE_MAX + 1, f);
        int e = ferror(f) ? -EIO : 0;
        fclose(f);
        if (e) {
                free(buf);
                return e;
        }
        *ret = buf;
        *ret_len = n;
        return 0;
}

static bool wanted_file(const char *name)
{
        size_t n = strlen(name);
        return name[0] != '.' &&
               ((n > 6 && strcmp(name + n - 6, ".rules") == 0) ||
                (n > 6 && strcmp(name + n - 6, ".table") == 0));
}

/* The union of the directories' files by name; an earlier directory's file
 * hides a later one's of the same name. Loaded in name order. */
int identify_load(const char *const dirs[], size_t n, struct identify_rules **ret,
                  char *err, size_t errlen)
{
        char *names[256], *paths[256];
        size_t nf = 0;
        bool any_dir = false;
        int e = 0;

        for (size_t d = 0; d < n; d++) {
                DIR *dir = dirs[d] ? opendir(dirs[d]) : NULL;
                if (!dir)
                        continue;
                any_dir = true;
                struct dirent *de;
                while ((de = readdir(dir))) {
                        if (!wanted_file(de->d_name))
                                continue;
                        if (nf == 256) {
                                if (err && errlen)
                                        snprintf(err, errlen, "%s: more than 256 rule files", dirs[d]);
                                e = -EINVAL;
                                break;
                        }
                        bool hidden = false;
                        for (size_t i = 0; i < nf; i++)
                                if (strcmp(names[i], de->d_name) == 0)
                                        hidden = true;
                        if (hidden)
                                continue;
                        names[nf] = strdup(de->d_name);
                        if (!names[nf] ||
                            asprintf(&paths[nf], "%s/%s", dirs[d], de->d_name) < 0) {
                                free(names[nf]);
                                e = -ENOMEM;
                                break;
                        }
                        nf++;
                }
                closedir(dir);
                if (e)
                        break;
        }
        if (!e && !any_dir) {
                if (err && errlen)
                        snprintf(err, errlen, "no rules directory found (%s%s)",
                                 n && dirs[0] ? "first tried: " : "", n && dirs[0] ? dirs[0] : "");
                e = -ENOENT;
        }
        /* sort paths in the order of their names */
        for (size_t i = 0; i < nf; i++)
                for (size_t j = i + 1; j < nf; j++)
                        if (strcmp(names[j], names[i]) < 0) {
                                char *t = names[i]; names[i] = names[j]; names[j] = t;
                                t = paths[i]; paths[i] = paths[j]; paths[j] = t;
                        }
        struct identify_rules *r = e ? NULL : calloc(1, sizeof(*r));
        if (!e && !r)
                e = -ENOMEM;
        for (size_t i = 0; !e && i < nf; i++) {
                char *text = NULL;
                size_t len = 0;
                e = read_file(paths[i], &text, &len);
                if (e) {
                        if (err && errlen)
                                snprintf(err, errlen, "%s: %s", paths[i], strerror(-e));
                        break;
                }
                e = rules_parse_text(r, paths[i], text, len, err, errlen);
                free(text);
        }
        if (!e && r)
                e = rules_link(r, err, errlen);
        for (size_t i = 0; i < nf; i++) {
                free(names[i]);
                free(paths[i]);
        }
        if (e) {
                identify_free(r);
                return e;
        }
        *ret = r;
        return 0;
}

size_t identify_default_dirs(const char *dir, const char *dirs[4], char *buf, size_t buflen)
{
        size_t n = 0;
        if (dir) {
                dirs[n++] = dir;
                return n;
        }
        const char *env = getenv("NETINV_DATA_DIR");
        if (env && *env) {
                int w = snprintf(buf, buflen, "%s/identify", env);
                if (w > 0 && (size_t)w < buflen) {
                        dirs[n++] = buf;
                        return n;
                }
        }
        dirs[n++] = "/etc/netinv/identify";
        dirs[n++] = NETINV_DATADIR "/identify";
        return n;
}
