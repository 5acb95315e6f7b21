/* drop.c - privilege drop and its verification. See priv.h.
 *
 * The order matters: bounding and ambient sets need CAP_SETPCAP, so they go
 * while still root; groups before gid before uid, since after setresuid the
 * process may no longer change the others. The result is checked, not
 * assumed [p0f, OpenBSD].
 */
#include "netinv/priv.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int capget_raw(struct __user_cap_data_struct data[2])
{
        struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
        return (int)syscall(SYS_capget, &h, data);
}

static int capset_zero(void)
{
        struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
        struct __user_cap_data_struct d[2];
        memset(d, 0, sizeof(d));
        return (int)syscall(SYS_capset, &h, d);
}

static int last_cap(void)
{
        int v = CAP_LAST_CAP;
        FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
        if (f) {
                if (fscanf(f, "%d", &v) != 1)
                        v = CAP_LAST_CAP;
                fclose(f);
        }
        return v;
}

bool priv_can_capture(void)
{
        struct __user_cap_data_struct d[2];
        if (geteuid() == 0)
                return true;
        if (capget_raw(d) < 0)
                return false;
        return (d[CAP_TO_INDEX(CAP_NET_RAW)].effective & CAP_TO_MASK(CAP_NET_RAW)) != 0;
}

static int fail(char *why, size_t n, int err, const char *what)
{
        snprintf(why, n, "%s: %s", what, strerror(err));
        return -err;
}

static int verify(uid_t uid, gid_t gid, bool changed, char *why, size_t n)
{
        struct __user_cap_data_struct d[2];
        uid_t ru, eu, su;
        gid_t rg, eg, sg;

        if (changed) {
                if (getresuid(&ru, &eu, &su) < 0 || ru != uid || eu != uid || su != uid)
                        return fail(why, n, EPERM, "verify: user ids did not change");
                if (getresgid(&rg, &eg, &sg) < 0 || rg != gid || eg != gid || sg != gid)
                        return fail(why, n, EPERM, "verify: group ids did not change");
                if (getgroups(0, NULL) != 0)
                        return fail(why, n, EPERM, "verify: supplementary groups remain");
                if (setresuid(0, 0, 0) == 0)
                        return fail(why, n, EPERM, "verify: could become root again");
        }
        if (capget_raw(d) < 0)
                return fail(why, n, errno, "verify: capget");
        for (int i = 0; i < 2; i++)
                if (d[i].effective || d[i].permitted || d[i].inheritable)
                        return fail(why, n, EPERM, "verify: capabilities remain");
        if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
                return fail(why, n, EPERM, "verify: no_new_privs not set");
        return 0;
}

int priv_lookup(const char *user, uid_t *ret_uid, gid_t *ret_gid)
{
        const struct passwd *pw = getpwnam(user ? user : PRIV_DEFAULT_USER);
        if (!pw && !user)
                pw = getpwnam(PRIV_FALLBACK_USER);
        if (!pw)
                return -ENOENT;
        *ret_uid = pw->pw_uid;
        *ret_gid = pw->pw_gid;
        return 0;
}

int priv_drop(const char *user, struct priv_result *ret, char *why, size_t n)
{
        struct priv_result res = { 0 };

        /* Ambient capabilities would survive an execve; none are wanted. */
        prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);

        if (geteuid() == 0) {
                const struct passwd *pw = getpwnam(user ? user : PRIV_DEFAULT_USER);
                if (!pw && !user)
                        pw = getpwnam(PRIV_FALLBACK_USER);
                if (!pw) {
                        snprintf(why, n, "no such user '%s' to drop privileges to (try: --user nobody)",
                                 user ? user : PRIV_FALLBACK_USER);
                        return -ENOENT;
                }
                if (pw->pw_uid == 0 || pw->pw_gid == 0) {
                        snprintf(why, n, "refusing to run as '%s': uid or gid 0", pw->pw_name);
                        return -EPERM;
                }
                res.uid = pw->pw_uid;
                res.gid = pw->pw_gid;
                snprintf(res.user, sizeof(res.user), "%s", pw->pw_name);

                int lc = last_cap();
                for (int c = 0; c <= lc; c++)
                        if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
                                return fail(why, n, errno, "dropping the capability bounding set");
                if (setgroups(0, NULL) < 0)
                        return fail(why, n, errno, "setgroups");
                if (setresgid(res.gid, res.gid, res.gid) < 0)
                        return fail(why, n, errno, "setresgid");
                if (setresuid(res.uid, res.uid, res.uid) < 0)
                        return fail(why, n, errno, "setresuid");
                res.changed_ids = true;
        } else {
                res.uid = getuid();
                res.gid = getgid();
        }
        if (capset_zero() < 0)
                return fail(why, n, errno, "clearing capabilities");
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return fail(why, n, errno, "PR_SET_NO_NEW_PRIVS");
        int r = verify(res.uid, res.gid, res.changed_ids, why, n);
        if (r < 0)
                return r;
        if (ret)
                *ret = res;
        return 0;
}
