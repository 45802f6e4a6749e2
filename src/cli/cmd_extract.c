/* probity extract: find organisations and the links between them in the ingested
 * documents, with the quote that states each link. */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "probity/evidence.h"

int cmd_extract(struct cli *g, int argc, char **argv)
{
    struct probity_error err;
    struct probity_store *st = NULL;
    struct probity_extract_opts o;
    struct probity_extract_summary sum;
    int rc = 2;
    memset(&o, 0, sizeof(o));
    probity_error_clear(&err);
    for (int i = 1; i < argc; i++) {
        if ((strcmp(argv[i], "--collection") == 0 || strcmp(argv[i], "-c") == 0) && i + 1 < argc) {
            o.collection = argv[++i];
        } else if (strcmp(argv[i], "--doc") == 0 && i + 1 < argc) {
            o.document = argv[++i];
        } else {
            fprintf(stderr, "probity extract: unknown argument '%s'\n", argv[i]);
            goto out;
        }
    }
    if (!(st = cli_open(g, 1))) {
        rc = 1;
        goto out;
    }
    if (probity_extract(st, &o, &sum, &err)) {
        rc = cli_fail(&err);
        goto out;
    }
    if (g->json)
        printf("{\"documents\":%ld,\"mentions\":%ld,\"entities\":%ld,\"links\":%ld,\"names\":%zu,"
               "\"bytes\":%lld,\"seconds\":%.3f}\n",
               sum.documents, sum.mentions, sum.entities, sum.links, sum.names, (long long)sum.bytes, sum.seconds);
    else if (!g->quiet)
        printf("%ld documents, %ld mentions, %ld new entities, %ld links (%zu list names; %.1f MB in %.2f s)\n",
               sum.documents, sum.mentions, sum.entities, sum.links, sum.names, (double)sum.bytes / 1e6,
               sum.seconds);
    rc = 0;
out:
    probity_store_close(st);
    return rc;
}
