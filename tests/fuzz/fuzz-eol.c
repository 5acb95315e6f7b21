/* fuzz-eol.c - the end-of-life table parser over arbitrary bytes: an API
 * v1 document as `eol update` would download it, and the same bytes as a
 * distro-info CSV; then a few verdicts over whatever was accepted. */
#include <stddef.h>
#include <stdint.h>

#include "netinv/eol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const char *const versions[] = {"1", "10.0.19045", "11 23h2 enterprise",
                                               "6.1.55", "20.04", "bookworm", "", "2019 ltsc",
                                               "18.4R3-S4.2", "4.3.6.1965", "15.1X53-D59"};
        struct eol_db *db;
        char name[EOL_NAME_MAX];
        if (size > EOL_DOC_MAX)
                return 0;
        (void)eol_doc_check((const char *)data, size, name);
        if (eol_db_new(&db) < 0)
                return 0;
        (void)eol_db_add_json(db, (const char *)data, size, "fuzz");
        (void)eol_db_add_distro_info(db, "debian", (const char *)data, size, "fuzz.csv");
        eol_db_finish(db);
        for (size_t i = 0; i < eol_db_count(db); i++) {
                struct eol_product_info pi;
                if (eol_db_info(db, i, &pi) < 0)
                        continue;
                for (size_t k = 0; k < sizeof(versions) / sizeof(versions[0]); k++) {
                        struct eol_verdict v;
                        eol_judge(db, pi.name, versions[k], 20780, &v);
                }
                for (size_t c = 0; c < pi.ncycles; c++) {
                        struct eol_verdict v;
                        eol_judge_cycle(db, i, c, 20780, &v);
                }
        }
        eol_db_free(db);
        return 0;
}
