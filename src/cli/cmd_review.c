/* probity review: record a person's judgement on an extracted link. The judgement is kept
 * apart from the link, by the link's id, so extracting again does not lose it. */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "probity/evidence.h"

int cmd_review(struct cli *g, int argc, char **argv)
{
    struct probity_error err;
    struct probity_store *st = NULL;
    const char *link = NULL, *verdict = NULL, *note = NULL, *status;
    int rc = 2;
    probity_error_clear(&err);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--note") == 0 && i + 1 < argc)
            note = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "probity review: unknown option '%s'\n", argv[i]);
            goto out;
        } else if (!link)
            link = argv[i];
        else if (!verdict)
            verdict = argv[i];
        else {
            fprintf(stderr, "probity review: one link at a time\n");
            goto out;
        }
    }
    if (!link || !verdict) {
        fprintf(stderr, "usage: probity review LINK accept|reject|pending [--note TEXT]\n");
        goto out;
    }
    if (strcmp(verdict, "accept") == 0 || strcmp(verdict, "accepted") == 0)
        status = "accepted";
    else if (strcmp(verdict, "reject") == 0 || strcmp(verdict, "rejected") == 0)
        status = "rejected";
    else if (strcmp(verdict, "pending") == 0 || strcmp(verdict, "reset") == 0)
        status = "pending";
    else {
        fprintf(stderr, "probity review: say accept, reject or pending, not '%s'\n", verdict);
        goto out;
    }
    if (!(st = cli_open(g, 1))) {
        rc = 1;
        goto out;
    }
    if (probity_link_review(st, link, status, note, &err)) {
        rc = cli_fail(&err);
        goto out;
    }
    if (!g->quiet)
        printf("%s %s\n", link, status);
    rc = 0;
out:
    probity_store_close(st);
    return rc;
}
