/* probity lists: what is loaded — datasets, versions, counts by schema, dates, sources. */
#include <string.h>
#include "cli/cli.h"

struct lists_ctx {
    struct cli *g;
    struct probity_store *st;
    int all;
    int shown;
    int first;
};

static int print_count(void *ctx, const char *key, long n)
{
    struct lists_ctx *c = ctx;
    if (c->g->json) {
        printf("%s", c->first ? "" : ",");
        cli_json_str(stdout, key);
        printf(":%ld", n);
    } else {
        printf("%s%s %ld", c->first ? "    by schema: " : ", ", key, n);
    }
    c->first = 0;
    return 0;
}

static int print_file(void *ctx, const char *path, const char *sha, int64_t size)
{
    struct lists_ctx *c = ctx;
    if (c->g->json) {
        printf("%s{\"path\":", c->first ? "" : ",");
        cli_json_str(stdout, path);
        printf(",\"sha256\":\"%s\",\"size\":%lld}", sha, (long long)size);
    } else {
        printf("    source: %s (sha256 %.16s…, %lld bytes)\n", path, sha, (long long)size);
    }
    c->first = 0;
    return 0;
}

static int print_version(void *ctx, const struct probity_version *v)
{
    struct lists_ctx *c = ctx;
    struct probity_error err;
    if (!c->all && !v->current)
        return 0;
    c->shown++;
    if (c->g->json) {
        printf("{\"dataset\":");
        cli_json_str(stdout, v->dataset);
        printf(",\"version\":%d,\"current\":%s,\"format\":", v->seq, v->current ? "true" : "false");
        cli_json_str(stdout, v->format);
        printf(",\"published\":");
        if (v->published[0])
            cli_json_str(stdout, v->published);
        else
            printf("null");
        printf(",\"loaded_at\":");
        cli_json_str(stdout, v->loaded_at);
        printf(",\"entities\":%ld,\"records\":%ld,\"statements\":%ld,\"schemata\":{", v->entities, v->records,
               v->statements);
        c->first = 1;
        probity_store_schema_counts(c->st, v->id, print_count, c, &err);
        printf("},\"files\":[");
        c->first = 1;
        probity_store_version_files(c->st, v->id, print_file, c, &err);
        printf("]}\n");
    } else {
        printf("%s  version %d%s  %ld entities (%ld records, %ld statements)\n", v->dataset, v->seq,
               v->current ? " (current)" : "", v->entities, v->records, v->statements);
        printf("    format: %s; published: %s; loaded: %s\n", v->format, v->published[0] ? v->published : "not stated",
               v->loaded_at);
        c->first = 1;
        probity_store_schema_counts(c->st, v->id, print_count, c, &err);
        printf("\n");
        c->first = 1;
        probity_store_version_files(c->st, v->id, print_file, c, &err);
    }
    return 0;
}

int cmd_lists(struct cli *g, int argc, char **argv)
{
    struct lists_ctx c = {g, NULL, 0, 0, 1};
    struct probity_error err;
    const char *dataset = NULL;
    int rc;
    probity_error_clear(&err);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--all") == 0)
            c.all = 1;
        else if (argv[i][0] == '-') {
            fprintf(stderr, "probity lists: unknown option '%s'\n", argv[i]);
            return 2;
        } else
            dataset = argv[i];
    }
    if (!(c.st = cli_open(g, 0)))
        return 1;
    rc = probity_store_versions(c.st, dataset, print_version, &c, &err);
    if (rc)
        rc = cli_fail(&err);
    else if (dataset && !c.shown) {
        fprintf(stderr, "probity: no dataset '%s'\n", dataset);
        rc = 1;
    } else if (!c.shown && !g->json && !g->quiet)
        printf("no lists loaded; see 'probity load --help'\n");
    probity_store_close(c.st);
    return rc;
}
