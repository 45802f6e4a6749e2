#include "cli/cli.h"

int cmd_show(struct cli *g, int argc, char **argv)
{
    (void)g, (void)argc, (void)argv;
    fprintf(stderr, "probity show: not yet\n");
    return 1;
}
