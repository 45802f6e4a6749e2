/* probity lookup: exact look-up of names by their normalised key (case, accents and
 * punctuation ignored). The fuzzy, multilingual engine is `probity screen`; this is the
 * simple, always-exact check. */
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "probity/model.h"
#include "text/text.h"

struct lookup_ctx {
    struct cli *g;
    const char *query;
    int hits;
};

static int print_hit(void *ctx, const struct probity_entity *e, const char *dataset)
{
    struct lookup_ctx *c = ctx;
    const char *cap = probity_schema_caption_prop(e->schema);
    const char *name = cap ? probity_entity_first(e, cap) : NULL;
    const char *program = probity_entity_first(e, "program");
    c->hits++;
    if (c->g->json) {
        printf("{\"query\":");
        cli_json_str(stdout, c->query);
        printf(",\"id\":");
        cli_json_str(stdout, e->id);
        printf(",\"schema\":");
        cli_json_str(stdout, e->schema);
        printf(",\"caption\":");
        cli_json_str(stdout, name ? name : "");
        printf(",\"dataset\":");
        cli_json_str(stdout, dataset);
        printf(",\"match\":\"exact-normalised\"}\n");
    } else {
        printf("  HIT  %-14s %-12s %s  [%s%s%s]\n", e->id, e->schema, name ? name : "", dataset,
               program ? "; " : "", program ? program : "");
    }
    return 0;
}

int cmd_lookup(struct cli *g, int argc, char **argv)
{
    struct probity_error err;
    struct probity_store *st;
    int rc = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: probity lookup NAME... [--json]\n");
        return 2;
    }
    probity_error_clear(&err);
    if (!(st = cli_open(g, 0)))
        return 1;
    for (int i = 1; i < argc; i++) {
        struct lookup_ctx c = {g, argv[i], 0};
        char *key = pb_name_key(argv[i]);
        if (!key) {
            fprintf(stderr, "probity: cannot normalise '%s'\n", argv[i]);
            rc = 1;
            continue;
        }
        if (!g->json)
            printf("%s\n", argv[i]);
        if (probity_store_lookup_name(st, key, print_hit, &c, &err))
            rc = cli_fail(&err);
        else if (!c.hits && !g->json)
            printf("  no exact match\n");
        free(key);
    }
    probity_store_close(st);
    return rc;
}
