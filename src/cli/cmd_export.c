#include "cli/cli.h"

int cmd_export(struct cli *g, int argc, char **argv)
{
    (void)g, (void)argc, (void)argv;
    fprintf(stderr, "probity export: not yet\n");
    return 1;
}
