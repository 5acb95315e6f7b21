/* oui.h - MAC prefix → organisation, from the IEEE registry as the system
 * ships it (Debian ieee-data: oui.csv, mam.csv, oui36.csv), or arp-scan's
 * ieee-oui.txt, or Wireshark's manuf. Nothing is written by hand.
 */
#ifndef NETINV_OUI_H
#define NETINV_OUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct oui_db;

/* Load from `path` (one file in any of the formats above; for an ieee-data
 * oui.csv its mam.csv and oui36.csv siblings are read too), or, with NULL,
 * from the first of the well-known places that exists. Returns 0 and the db,
 * -ENOENT when nothing was found, or another negative errno. */
int oui_load(const char *path, struct oui_db **ret_db);
void oui_free(struct oui_db *db);
/* The registered organisation for mac (longest prefix: 36, 28, 24 bits), or
 * NULL. Locally administered addresses have none. */
const char *oui_lookup(const struct oui_db *db, const uint8_t mac[6]);
size_t oui_count(const struct oui_db *db);
/* The file the entries came from (the first, when several). */
const char *oui_source(const struct oui_db *db);

/* Locally administered (U/L bit set): randomised or assigned by software. */
static inline bool mac_is_local(const uint8_t mac[6]) { return (mac[0] & 0x02) != 0; }

#endif
