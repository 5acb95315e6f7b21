/* lock.c - one run at a time: flock on <state_dir>/lock.
 *
 * The lock is held for the whole run through an open descriptor, so it is
 * released by the kernel however the process ends (kill -9 included): no
 * stale lock to clean up. The holder writes its pid into the file, only
 * for the message the second run prints.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "netinv/state.h"

static long read_pid(int fd)
{
        char buf[32];
        ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
        if (n <= 0)
                return 0;
        buf[n] = '\0';
        char *end;
        long pid = strtol(buf, &end, 10);
        return pid > 0 && (*end == '\n' || !*end) ? pid : 0;
}

int state_lock(const char *dir, int *ret_fd, long *ret_pid)
{
        char path[4096], buf[32];
        snprintf(path, sizeof(path), "%s/%s", dir, STATE_LOCK_FILE);
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0644);
        if (fd < 0)
                return -errno;
        if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
                int e = errno;
                if (ret_pid)
                        *ret_pid = e == EWOULDBLOCK ? read_pid(fd) : 0;
                close(fd);
                return e == EWOULDBLOCK ? -EWOULDBLOCK : -e;
        }
        int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
        if (ftruncate(fd, 0) == 0 && pwrite(fd, buf, (size_t)n, 0) < 0) {
                /* the pid is only for messages */
        }
        *ret_fd = fd;
        return 0;
}

void state_unlock(int fd)
{
        if (fd >= 0)
                close(fd);
}
