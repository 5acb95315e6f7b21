/* fuzz-main.c - replay a fuzz target over files and directories without
 * libFuzzer, so any compiler can run every corpus as a regression test
 * [systemd fuzz-main.c]. Exit 0 when every input ran; a crash is a failure.
 * A missing corpus directory is an error, an empty one is a skip. */
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
        FILE *f = fopen(path, "rb");
        if (!f) {
                fprintf(stderr, "%s: %s\n", path, strerror(errno));
                return -1;
        }
        uint8_t *buf = NULL;
        size_t len = 0, cap = 0;
        for (;;) {
                if (len == cap) {
                        cap = cap ? cap * 2 : 4096;
                        uint8_t *nb = realloc(buf, cap);
                        if (!nb)
                                abort();
                        buf = nb;
                }
                size_t n = fread(buf + len, 1, cap - len, f);
                if (!n)
                        break;
                len += n;
        }
        fclose(f);
        /* An exact-size copy, so ASan sees a read one past the end. */
        uint8_t *exact = malloc(len ? len : 1);
        if (!exact)
                abort();
        memcpy(exact, buf, len);
        free(buf);
        LLVMFuzzerTestOneInput(exact, len);
        free(exact);
        return 0;
}

int main(int argc, char **argv)
{
        unsigned ran = 0;
        for (int i = 1; i < argc; i++) {
                struct stat st;
                if (stat(argv[i], &st) < 0) {
                        fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
                        return 1;
                }
                if (!S_ISDIR(st.st_mode)) {
                        if (run_file(argv[i]) < 0)
                                return 1;
                        ran++;
                        continue;
                }
                DIR *d = opendir(argv[i]);
                if (!d)
                        return 1;
                struct dirent *e;
                while ((e = readdir(d))) {
                        if (e->d_name[0] == '.')
                                continue;
                        char p[4096];
                        snprintf(p, sizeof(p), "%s/%s", argv[i], e->d_name);
                        if (run_file(p) < 0) {
                                closedir(d);
                                return 1;
                        }
                        ran++;
                }
                closedir(d);
        }
        printf("replayed %u inputs\n", ran);
        return ran ? 0 : 77;
}
