/* probity diff: what changed in a dataset between two versions. */
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "core/core.h"
#include "probity/model.h"

struct diff_ctx {
    struct cli *g;
    int all;
    long n[4];          /* by enum probity_change, targets only */
    long subs;          /* changes to sanctions, addresses, links ... */
};

static int print_change(void *ctx, const struct probity_diff_entry *d)
{
    static const char *const word[] = {"", "added", "removed", "changed"};
    static const char *const mark[] = {"", "+", "-", "~"};
    struct diff_ctx *c = ctx;
    int target = probity_schema_is_target(d->schema);
    if (target)
        c->n[d->change]++;
    else
        c->subs++;
    if (!target && !c->all)
        return 0;
    if (c->g->json) {
        printf("{\"change\":\"%s\",\"id\":", word[d->change]);
        cli_json_str(stdout, d->id);
        printf(",\"schema\":");
        cli_json_str(stdout, d->schema);
        printf(",\"caption\":");
        cli_json_str(stdout, d->caption);
        if (d->change == PROBITY_CHANGED) {
            printf(",\"properties\":[");
            for (size_t i = 0; i < d->nprops; i++) {
                printf("%s", i ? "," : "");
                cli_json_str(stdout, d->props[i]);
            }
            printf("]");
        }
        printf("}\n");
    } else if (!c->g->quiet) {
        printf("%s %-14s %-12s %s", mark[d->change], d->id, d->schema, d->caption);
        if (d->change == PROBITY_CHANGED) {
            printf("  [");
            for (size_t i = 0; i < d->nprops; i++)
                printf("%s%s", i ? ", " : "", d->props[i]);
            printf("]");
        }
        printf("\n");
    }
    return 0;
}

int cmd_diff(struct cli *g, int argc, char **argv)
{
    struct diff_ctx c;
    struct probity_error err;
    struct probity_store *st = NULL;
    struct probity_version from, to;
    const char *dataset = NULL;
    long vfrom = 0, vto = 0;
    int rc = 2;
    memset(&c, 0, sizeof(c));
    c.g = g;
    probity_error_clear(&err);
    for (int i = 1; i < argc; i++) {
        if ((strcmp(argv[i], "--from") == 0 || strcmp(argv[i], "--to") == 0) && i + 1 < argc) {
            long *v = argv[i][2] == 'f' ? &vfrom : &vto;
            if (pb_parse_long(argv[++i], v) || *v < 1) {
                fprintf(stderr, "probity diff: %s needs a version number (see probity lists --all)\n", argv[i - 1]);
                return 2;
            }
        } else if (strcmp(argv[i], "--all") == 0) {
            c.all = 1;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "probity diff: unknown option '%s'\n", argv[i]);
            return 2;
        } else if (!dataset) {
            dataset = argv[i];
        } else {
            fprintf(stderr, "probity diff: one dataset at a time\n");
            return 2;
        }
    }
    if (!dataset) {
        fprintf(stderr, "usage: probity diff DATASET [--from V] [--to V] [--all] [--json]\n");
        return 2;
    }
    if (!(st = cli_open(g, 0)))
        return 1;
    if (probity_store_version_get(st, dataset, (int)vto, &to, &err)) {
        rc = cli_fail(&err);
        goto out;
    }
    if (!vfrom)
        vfrom = to.seq - 1;
    if (vfrom < 1) {
        fprintf(stderr, "probity: %s has only one version before %d; nothing to compare\n", dataset, to.seq);
        rc = 1;
        goto out;
    }
    if (probity_store_version_get(st, dataset, (int)vfrom, &from, &err)) {
        rc = cli_fail(&err);
        goto out;
    }
    if (!g->json && !g->quiet)
        printf("%s: version %d (%s) -> version %d (%s)\n", dataset, from.seq,
               from.published[0] ? from.published : from.loaded_at, to.seq,
               to.published[0] ? to.published : to.loaded_at);
    if (probity_store_diff(st, from.id, to.id, print_change, &c, &err)) {
        rc = cli_fail(&err);
        goto out;
    }
    if (g->json)
        ;
    else
        printf("%ld added, %ld removed, %ld changed (persons, organisations, vessels, aircraft); "
               "%ld changes to sanctions, addresses, identifiers and links%s\n",
               c.n[PROBITY_ADDED], c.n[PROBITY_REMOVED], c.n[PROBITY_CHANGED], c.subs,
               c.all ? "" : " (--all lists them)");
    rc = 0;
out:
    probity_store_close(st);
    return rc;
}
