/* probity export: the current entities as FollowTheMoney JSON lines. */
#include <string.h>
#include "cli/cli.h"
#include "evidence/evidence_int.h"
#include "probity/evidence.h"
#include "probity/lists.h"

int cmd_export(struct cli *g, int argc, char **argv)
{
    struct probity_error err;
    struct probity_store *st;
    const char *dataset = NULL, *output = NULL, *format = "ftm";
    FILE *out = stdout;
    int rc = 0;
    probity_error_clear(&err);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dataset") == 0 && i + 1 < argc)
            dataset = argv[++i];
        else if ((strcmp(argv[i], "--output") == 0 || strcmp(argv[i], "-o") == 0) && i + 1 < argc)
            output = argv[++i];
        else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
            format = argv[++i];
        else {
            fprintf(stderr, "usage: probity export [--format ftm|graphml] [--dataset D|evidence] [--output FILE]\n");
            return 2;
        }
    }
    if (strcmp(format, "ftm") != 0 && strcmp(format, "graphml") != 0) {
        fprintf(stderr, "probity export: unknown format '%s' (ftm, graphml)\n", format);
        return 2;
    }
    if (!(st = cli_open(g, 0)))
        return 1;
    if (output && !(out = fopen(output, "w"))) {
        perror(output);
        probity_store_close(st);
        return 1;
    }
    if (strcmp(format, "graphml") == 0) {
        /* the graph of the links extracted from documents, for Gephi and the like */
        if (probity_export_graphml(st, out, &err))
            rc = cli_fail(&err);
    } else if (dataset && strcmp(dataset, "evidence") == 0) {
        /* the evidence is no list dataset: only the documents, mentions and links */
        if (pb__ev_export_ftm(st, out, &err))
            rc = cli_fail(&err);
    } else if (probity_export_ftm(st, dataset, out, &err)) {
        rc = cli_fail(&err);
    } else if ((!dataset || strcmp(dataset, "evidence") == 0) && pb__ev_export_ftm(st, out, &err)) {
        /* the documents, mentions and links with their proof follow the list entities */
        rc = cli_fail(&err);
    }
    if (output && fclose(out) != 0) {
        perror(output);
        rc = 1;
    }
    probity_store_close(st);
    return rc;
}
