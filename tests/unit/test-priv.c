/* test-priv.c - the privilege drop (priv/drop.c). Needs root; skipped
 * (77) without it.
 *
 * Each case runs in a forked child, whose exit status is the result, so
 * the test process itself keeps its privileges. After priv_drop("nobody")
 * the child checks, from the kernel's own view (/proc/self/status) and from
 * the system calls: every uid and gid is nobody's, no supplementary groups,
 * all five capability sets empty, no_new_privs set, and neither setuid(0)
 * nor setresuid(0,0,0) nor setgid(0) works. Refusals: uid 0 as the target,
 * a user that does not exist.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netinv/priv.h"
#include "testlib.h"

/* The value after "Name:" in /proc/self/status, or "" . */
static const char *status_field(const char *name)
{
        static char val[256];
        char line[512];
        size_t nl = strlen(name);
        FILE *f = fopen("/proc/self/status", "re");
        val[0] = '\0';
        if (!f)
                return val;
        while (fgets(line, sizeof(line), f))
                if (strncmp(line, name, nl) == 0 && line[nl] == ':') {
                        const char *p = line + nl + 1;
                        while (*p == ' ' || *p == '\t')
                                p++;
                        snprintf(val, sizeof(val), "%s", p);
                        val[strcspn(val, "\n")] = '\0';
                        break;
                }
        fclose(f);
        return val;
}

static void check_ids_line(const char *name, unsigned id)
{
        char want[128];
        snprintf(want, sizeof(want), "%u\t%u\t%u\t%u", id, id, id, id);
        CHECK_STR(status_field(name), want);
}

static int child_drop_nobody(void)
{
        const struct passwd *pw = getpwnam("nobody");
        if (!pw) {
                fprintf(stderr, "no user nobody\n");
                return T_SKIP;
        }
        uid_t uid = pw->pw_uid;
        gid_t gid = pw->pw_gid;
        /* Start with a supplementary group, so dropping them is tested. */
        gid_t extra = 4242;
        CHECK_INT(setgroups(1, &extra), 0);
        CHECK(priv_can_capture());

        struct priv_result res;
        char why[256] = "";
        int r = priv_drop("nobody", &res, why, sizeof(why));
        if (!CHECK_INT(r, 0))
                fprintf(stderr, "priv_drop: %s\n", why);
        CHECK(res.changed_ids);
        CHECK_INT(res.uid, uid);
        CHECK_INT(res.gid, gid);
        CHECK_STR(res.user, "nobody");

        uid_t ru, eu, su;
        gid_t rg, eg, sg;
        CHECK_INT(getresuid(&ru, &eu, &su), 0);
        CHECK(ru == uid && eu == uid && su == uid);
        CHECK_INT(getresgid(&rg, &eg, &sg), 0);
        CHECK(rg == gid && eg == gid && sg == gid);
        CHECK_INT(getgroups(0, NULL), 0);
        check_ids_line("Uid", uid);
        check_ids_line("Gid", gid);
        CHECK_STR(status_field("Groups"), "");
        CHECK_STR(status_field("CapInh"), "0000000000000000");
        CHECK_STR(status_field("CapPrm"), "0000000000000000");
        CHECK_STR(status_field("CapEff"), "0000000000000000");
        CHECK_STR(status_field("CapBnd"), "0000000000000000");
        CHECK_STR(status_field("CapAmb"), "0000000000000000");
        CHECK_STR(status_field("NoNewPrivs"), "1");
        CHECK_INT(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 1);
        CHECK_INT(prctl(PR_CAPBSET_READ, 21 /* CAP_SYS_ADMIN */, 0, 0, 0), 0);

        /* No way back. */
        errno = 0;
        CHECK(setuid(0) < 0 && errno == EPERM);
        CHECK(setresuid(0, 0, 0) < 0);
        CHECK(seteuid(0) < 0);
        CHECK(setgid(0) < 0);
        CHECK(setgroups(1, &extra) < 0);
        CHECK(geteuid() == uid);
        CHECK(!priv_can_capture());

        /* Dropping again when already unprivileged is harmless. */
        r = priv_drop(NULL, &res, why, sizeof(why));
        if (!CHECK_INT(r, 0))
                fprintf(stderr, "second priv_drop: %s\n", why);
        CHECK(!res.changed_ids);
        CHECK_INT(res.uid, uid);
        return t_done();
}

static int child_refuse_root(void)
{
        struct priv_result res = { .uid = 12345 };
        char why[256] = "";
        CHECK_INT(priv_drop("root", &res, why, sizeof(why)), -EPERM);
        CHECK(strstr(why, "root") != NULL);
        CHECK_INT(res.uid, 12345);              /* not written on failure */
        CHECK(geteuid() == 0);                  /* nothing half-done */
        CHECK_STR(status_field("NoNewPrivs"), "0");
        return t_done();
}

static int child_no_user(void)
{
        struct priv_result res;
        char why[256] = "";
        CHECK_INT(priv_drop("netinv-test-no-such-user", &res, why, sizeof(why)), -ENOENT);
        CHECK(strstr(why, "netinv-test-no-such-user") != NULL);
        CHECK(strchr(why, '\n') == NULL);
        CHECK(geteuid() == 0);
        return t_done();
}

static int child_default_user(void)
{
        struct priv_result res;
        char why[256] = "";
        int r = priv_drop(NULL, &res, why, sizeof(why));
        if (!CHECK_INT(r, 0))
                fprintf(stderr, "priv_drop(NULL): %s\n", why);
        const char *want = getpwnam(PRIV_DEFAULT_USER) ? PRIV_DEFAULT_USER : PRIV_FALLBACK_USER;
        CHECK_STR(res.user, want);
        CHECK(geteuid() != 0);
        CHECK(setuid(0) < 0);
        return t_done();
}

/* Run fn in a child; its exit status is the result. */
static void in_child(const char *name, int (*fn)(void))
{
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0) {
                CHECK(!"fork");
                return;
        }
        if (pid == 0) {
                int rc = fn();
                fflush(NULL);
                _exit(rc);
        }
        int st;
        if (!CHECK(waitpid(pid, &st, 0) == pid))
                return;
        if (!CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0))
                fprintf(stderr, "%s: child %s %d\n", name, WIFEXITED(st) ? "exited" : "killed by",
                        WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
}

int main(void)
{
        if (geteuid() != 0) {
                fprintf(stderr, "test-priv: needs root to drop privileges; skipped\n");
                return T_SKIP;
        }
        in_child("drop to nobody", child_drop_nobody);
        in_child("refuse root", child_refuse_root);
        in_child("no such user", child_no_user);
        in_child("default user", child_default_user);
        /* The parent is untouched by its children. */
        CHECK(geteuid() == 0);
        CHECK(priv_can_capture());
        return t_done();
}
