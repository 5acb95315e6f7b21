/* test-lldp.c - not written yet: reported as skipped, never as passed. */
#include "testlib.h"

int main(void)
{
        fprintf(stderr, "test-lldp: no tests yet\n");
        return T_SKIP;
}
