/* dns_name.c - placeholder: DNS name decoding lands with the DNS dissector. */
#include "netinv/dissect.h"

int dns_name_placeholder(void);
int dns_name_placeholder(void)
{
        return 0;
}
