/* priv.h - give up privileges once the capture is open.
 *
 * As root: clear the ambient and bounding capability sets, drop supplementary
 * groups, change gid then uid to the target user (never 0), clear every
 * capability, set no_new_privs, then verify all of it (setresuid(0,0,0) must
 * fail). Not root (file capabilities): clear the capabilities and set
 * no_new_privs. Returns 0 or -errno with a one-line reason in `why`.
 */
#ifndef NETINV_PRIV_H
#define NETINV_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PRIV_DEFAULT_USER  "netinv"
#define PRIV_FALLBACK_USER "nobody"

struct priv_result {
        bool changed_ids;       /* uid/gid were changed */
        uid_t uid;
        gid_t gid;
        char user[64];
};

/* user: NULL for the default ("netinv" if it exists, else "nobody"). */
int priv_drop(const char *user, struct priv_result *ret, char *why, size_t whylen);
/* The ids priv_drop(user) would change to (the same default rules); 0 or
 * -ENOENT. For handing a directory to that user before the drop. */
int priv_lookup(const char *user, uid_t *ret_uid, gid_t *ret_gid);
/* True when this process can open a live capture (root, or CAP_NET_RAW in
 * its effective set). */
bool priv_can_capture(void);

#endif
