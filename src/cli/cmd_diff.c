#include "cli/cli.h"

int cmd_diff(struct cli *g, int argc, char **argv)
{
    (void)g, (void)argc, (void)argv;
    fprintf(stderr, "probity diff: not yet\n");
    return 1;
}
