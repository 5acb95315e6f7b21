/* test-obs.c - not written yet: reported as skipped, never as passed. */
#include "testlib.h"

int main(void)
{
        fprintf(stderr, "test-obs: no tests yet\n");
        return T_SKIP;
}
