/* main.c - argv → command. With cmd/, the only code that exits. */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"

static void usage(FILE *f)
{
        fputs("usage: netinv COMMAND [options]\n"
              "\n"
              "commands:\n"
              "  scan IFACE          listen on IFACE and print every device seen\n"
              "  scan --read FILE    the same over a pcap/pcapng capture file\n"
              "  listen IFACE        watch IFACE without end: keep the state, push changes\n"
              "  eol list|check|update   end-of-life tables (netinv eol --help)\n"
              "  inventory           print the inventory merged from earlier scans\n"
              "  push --spool DIR --url URL   send the spooled documents to the register now\n"
              "  identify --read FILE [--explain MAC]\n"
              "                      identify the devices of a capture (type, OS, evidence)\n"
              "\n"
              "  netinv --version    print the version\n"
              "  netinv COMMAND --help, man netinv(8)\n",
              f);
}

int main(int argc, char **argv)
{
        if (argc < 2) {
                usage(stderr);
                return NETINV_EXIT_USAGE;
        }
        const char *c = argv[1];
        if (strcmp(c, "scan") == 0)
                return cmd_scan(argc - 1, argv + 1);
        if (strcmp(c, "listen") == 0)
                return cmd_listen(argc - 1, argv + 1);
        if (strcmp(c, "eol") == 0)
                return cmd_eol(argc - 1, argv + 1);
        if (strcmp(c, "inventory") == 0)
                return cmd_inventory(argc - 1, argv + 1);
        if (strcmp(c, "push") == 0)
                return cmd_push(argc - 1, argv + 1);
        if (strcmp(c, "identify") == 0)
                return cmd_identify(argc - 1, argv + 1);
        if (strcmp(c, "--version") == 0 || strcmp(c, "-V") == 0) {
                printf("netinv %s\n", NETINV_VERSION);
                return NETINV_EXIT_OK;
        }
        if (strcmp(c, "--help") == 0 || strcmp(c, "-h") == 0 || strcmp(c, "help") == 0) {
                usage(stdout);
                return NETINV_EXIT_OK;
        }
        cmd_error("unknown command '%s' (try: netinv --help)", c);
        return NETINV_EXIT_USAGE;
}
