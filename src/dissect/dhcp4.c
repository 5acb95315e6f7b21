/* dhcp4.c - placeholder: returns IGNORED until its dissector lands. */
#include "netinv/dissect.h"

enum dissect_res dissect_dhcp4(struct cursor *c, const struct frame_ctx *ctx, struct obs_sink *s)
{
        (void)c;
        (void)ctx;
        (void)s;
        return DISSECT_IGNORED;
}
