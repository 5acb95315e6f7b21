/* test-demux.c - not written yet: reported as skipped, never as passed. */
#include "testlib.h"

int main(void)
{
        fprintf(stderr, "test-demux: no tests yet\n");
        return T_SKIP;
}
