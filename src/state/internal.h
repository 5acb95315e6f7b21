/* internal.h - what store.c and changes.c share: a sorted index from a
 * 64-bit key (a MAC, a hash of an evidence string) to device positions. */
#ifndef NETINV_STATE_INTERNAL_H
#define NETINV_STATE_INTERNAL_H

#include "netinv/state.h"

struct idx_entry {
        uint64_t key;
        uint32_t dev;           /* position in state.dev */
};

struct idx {
        size_t n, cap;
        struct idx_entry *e;
};

uint64_t mac_key(const uint8_t mac[6]);
/* Append; sort once with idx_sort before looking up. 0 or -ENOMEM. */
int idx_add(struct idx *x, uint64_t key, uint32_t dev);
void idx_sort(struct idx *x);
/* The first entry with this key (and how many share it); NULL when none. */
const struct idx_entry *idx_find(const struct idx *x, uint64_t key, size_t *ret_count);
void idx_done(struct idx *x);
/* The largest state file read or written: STATE_FILE_MAX (a variable so
 * that the unit test can make it small). */
extern size_t state_file_limit;

/* Every MAC of every device. 0 or -ENOMEM. */
int idx_macs(const struct state *st, struct idx *ret);

#endif
