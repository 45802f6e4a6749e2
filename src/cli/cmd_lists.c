#include "cli/cli.h"

int cmd_lists(struct cli *g, int argc, char **argv)
{
    (void)g, (void)argc, (void)argv;
    fprintf(stderr, "probity lists: not yet\n");
    return 1;
}
