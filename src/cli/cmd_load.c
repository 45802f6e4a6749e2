/* probity load: parse options, hand the files to probity_load, report per dataset. */
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "probity/lists.h"

int cmd_load(struct cli *g, int argc, char **argv)
{
    struct probity_load_opts o;
    struct probity_load_report rep;
    struct probity_error err;
    struct probity_store *st = NULL;
    const char **paths = calloc((size_t)argc, sizeof(char *));
    const char **maps = calloc((size_t)argc, sizeof(char *));
    const char **splits = calloc((size_t)argc, sizeof(char *));
    size_t np = 0;
    int rc = 2;
    memset(&o, 0, sizeof(o));
    probity_error_clear(&err);
    if (!paths || !maps || !splits)
        goto out;
    o.maps = maps;
    o.splits = splits;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **val = NULL;
        if (strcmp(a, "--dataset") == 0)
            val = &o.dataset;
        else if (strcmp(a, "--format") == 0)
            val = &o.format;
        else if (strcmp(a, "--encoding") == 0)
            val = &o.encoding;
        else if (strcmp(a, "--schema") == 0)
            val = &o.schema;
        else if (strcmp(a, "--map") == 0)
            val = &maps[o.nmaps++];
        else if (strcmp(a, "--split") == 0)
            val = &splits[o.nsplits++];
        else if (strcmp(a, "--force") == 0) {
            o.force = 1;
            continue;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "probity load: unknown option '%s'\n", a);
            goto out;
        } else {
            paths[np++] = a;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "probity load: %s needs a value\n", a);
            goto out;
        }
        *val = argv[++i];
    }
    if (!np) {
        fprintf(stderr, "usage: probity load [options] PATH...\n");
        goto out;
    }
    if (!(st = cli_open(g, 1))) {
        rc = 1;
        goto out;
    }
    if (probity_load(st, paths, np, &o, g->quiet ? NULL : stderr, &rep, &err)) {
        rc = cli_fail(&err);
        fprintf(stderr, "probity: nothing was loaded; the store is unchanged\n");
        goto out;
    }
    for (size_t i = 0; i < rep.n; i++) {
        const struct probity_load_result *r = &rep.results[i];
        const struct probity_version *v = &r->version;
        if (g->json) {
            printf("{\"dataset\":");
            cli_json_str(stdout, v->dataset);
            printf(",\"version\":%d,\"unchanged\":%s,\"format\":", v->seq, r->unchanged ? "true" : "false");
            cli_json_str(stdout, v->format);
            printf(",\"published\":");
            cli_json_str(stdout, v->published);
            printf(",\"entities\":%ld,\"statements\":%ld,\"added\":%ld,\"removed\":%ld,\"changed\":%ld,"
                   "\"warnings\":%ld}\n",
                   v->entities, v->statements, r->added, r->removed, r->changed, r->warnings);
        } else if (!g->quiet) {
            if (r->unchanged)
                printf("%s: unchanged (version %d, same source files; --force to reload)\n", v->dataset, v->seq);
            else
                printf("%s: version %d, %ld entities, %ld statements%s%s%s; %ld added, %ld removed, "
                       "%ld changed\n",
                       v->dataset, v->seq, v->entities, v->statements, v->published[0] ? ", published " : "",
                       v->published, "", r->added, r->removed, r->changed);
        }
    }
    probity_load_report_release(&rep);
    rc = 0;
out:
    probity_store_close(st);
    free(paths);
    free(maps);
    free(splits);
    return rc;
}
