/* lock.c - one run at a time: flock on <state_dir>/lock, and the begin
 * and end of a run that writes the state.
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

int state_run_begin(const char *dir, size_t max_devices, uint64_t now, struct state_run *ret,
                    char *err, size_t errlen)
{
        struct state_run r = { .dir = dir, .lock_fd = -1 };
        long pid = 0;
        int e = state_dir_create(dir);
        if (e < 0) {
                snprintf(err, errlen, "'%s': cannot create the state directory: %s", dir,
                         strerror(-e));
                return e;
        }
        e = state_lock(dir, &r.lock_fd, &pid);
        if (e == -EWOULDBLOCK) {
                if (pid)
                        snprintf(err, errlen, "another netinv run (pid %ld) is using '%s'; "
                                 "try again later", pid, dir);
                else
                        snprintf(err, errlen, "another netinv run is using '%s'; try again later",
                                 dir);
                return e;
        }
        if (e < 0) {
                snprintf(err, errlen, "'%s/%s': cannot lock: %s", dir, STATE_LOCK_FILE,
                         strerror(-e));
                return e;
        }
        e = state_agent_id(dir, r.agent_id, sizeof(r.agent_id));
        if (e < 0) {
                snprintf(err, errlen, "'%s/%s': %s", dir, STATE_AGENT_ID_FILE,
                         e == -EBADMSG ? "not a UUID (remove it to make a new id)" : strerror(-e));
                goto fail;
        }
        e = state_load(dir, max_devices, &r.st, err, errlen);
        if (e == -EBADMSG) {
                /* Kept for a person to look at; never overwritten. */
                int a = state_set_aside(dir, now, r.aside, sizeof(r.aside));
                if (a < 0) {
                        snprintf(err + strlen(err), errlen - strlen(err),
                                 " (and it cannot be moved aside: %s)", strerror(-a));
                        goto fail;
                }
                r.set_aside = true;
                r.st = state_new(max_devices);
                e = r.st ? 0 : -ENOMEM;
        }
        if (e < 0)
                goto fail;
        *ret = r;
        return 0;
fail:
        state_unlock(r.lock_fd);
        return e;
}

int state_run_end(struct state_run *r, bool save, uint64_t now, char *err, size_t errlen)
{
        int e = 0;
        if (save && r->st) {
                e = state_save(r->st, r->dir, now);
                if (e < 0)
                        snprintf(err, errlen, "'%s/%s': cannot write: %s", r->dir, STATE_FILE,
                                 strerror(-e));
        }
        state_free(r->st);
        state_unlock(r->lock_fd);
        memset(r, 0, sizeof(*r));
        r->lock_fd = -1;
        return e;
}
