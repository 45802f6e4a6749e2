/* probity dossier: everything known about one entity, with a citation for every claim. */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "probity/evidence.h"

int cmd_dossier(struct cli *g, int argc, char **argv)
{
    struct probity_error err;
    struct probity_store *st = NULL;
    const char *entity = NULL, *out = NULL;
    enum probity_dossier_format f = PROBITY_DOSSIER_HTML;
    FILE *fp = stdout;
    int rc = 2;
    probity_error_clear(&err);
    if (g->json)
        f = PROBITY_DOSSIER_JSON;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            const char *v = argv[++i];
            if (strcmp(v, "html") == 0)
                f = PROBITY_DOSSIER_HTML;
            else if (strcmp(v, "md") == 0 || strcmp(v, "markdown") == 0)
                f = PROBITY_DOSSIER_MD;
            else if (strcmp(v, "json") == 0)
                f = PROBITY_DOSSIER_JSON;
            else {
                fprintf(stderr, "probity dossier: --format is html, md or json, not '%s'\n", v);
                goto out;
            }
        } else if ((strcmp(argv[i], "--out") == 0 || strcmp(argv[i], "-o") == 0) && i + 1 < argc) {
            out = argv[++i];
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "probity dossier: unknown option '%s'\n", argv[i]);
            goto out;
        } else if (!entity) {
            entity = argv[i];
        } else {
            fprintf(stderr, "probity dossier: one entity at a time\n");
            goto out;
        }
    }
    if (!entity) {
        fprintf(stderr, "usage: probity dossier ENTITY [--format html|md|json] [--out FILE]\n");
        goto out;
    }
    if (!(st = cli_open(g, 0))) {
        rc = 1;
        goto out;
    }
    if (out && !(fp = fopen(out, "w"))) {
        perror(out);
        rc = 1;
        goto out;
    }
    if (probity_dossier(st, entity, f, fp, &err)) {
        rc = cli_fail(&err);
        goto out;
    }
    rc = 0;
out:
    if (fp && fp != stdout && fclose(fp) && rc == 0) {
        perror(out);
        rc = 1;
    }
    probity_store_close(st);
    return rc;
}
