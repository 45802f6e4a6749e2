#include "cli/cli.h"

int cmd_lookup(struct cli *g, int argc, char **argv)
{
    (void)g, (void)argc, (void)argv;
    fprintf(stderr, "probity lookup: not yet\n");
    return 1;
}
