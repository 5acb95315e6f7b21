/* test-icmp6.c - not written yet: reported as skipped, never as passed. */
#include "testlib.h"

int main(void)
{
        fprintf(stderr, "test-icmp6: no tests yet\n");
        return T_SKIP;
}
