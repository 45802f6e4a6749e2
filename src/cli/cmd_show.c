/* probity show: one entity as FtM JSON, followed by the entities that refer to it
 * (sanctions, addresses, links), so that a reader sees the record and its context. */
#include <string.h>
#include "cli/cli.h"
#include "probity/model.h"

static void print_entity(const struct probity_entity *e, const char *dataset)
{
    printf("{\"id\":");
    cli_json_str(stdout, e->id);
    printf(",\"schema\":");
    cli_json_str(stdout, e->schema);
    printf(",\"properties\":{");
    /* statements come ordered by property, so equal props are adjacent */
    for (size_t i = 0; i < e->nprops; i++) {
        int startp = i == 0 || strcmp(e->props[i - 1].prop, e->props[i].prop) != 0;
        int endp = i + 1 == e->nprops || strcmp(e->props[i + 1].prop, e->props[i].prop) != 0;
        if (startp) {
            if (i)
                printf(",");
            cli_json_str(stdout, e->props[i].prop);
            printf(":[");
        } else {
            printf(",");
        }
        cli_json_str(stdout, e->props[i].value);
        if (endp)
            printf("]");
    }
    printf("},\"datasets\":[");
    cli_json_str(stdout, dataset);
    printf("]}\n");
}

struct show_ctx {
    struct cli *g;
    struct probity_store *st;
    const char *id;
};

static void print_text(const struct probity_entity *e, const char *indent)
{
    for (size_t i = 0; i < e->nprops; i++)
        printf("%s%-18s %s\n", indent, e->props[i].prop, e->props[i].value);
}

static int print_ref(void *ctx, const struct probity_entity *e, const char *dataset)
{
    struct show_ctx *c = ctx;
    if (c->g->json) {
        print_entity(e, dataset);
        return 0;
    }
    printf("\n  %s %s (%s)\n", e->schema, e->id, dataset);
    /* for a link, the other end's caption goes beside its id, so the reader need not look it up */
    const char *src = NULL, *tgt = NULL, *end_prop = NULL, *end_id = NULL;
    char end_caption[600] = "";
    if (probity_schema_is_edge(e->schema, &src, &tgt)) {
        const char *ends[2] = {src, tgt};
        for (int k = 0; k < 2 && !end_prop; k++) {
            const char *other = ends[k] ? probity_entity_first(e, ends[k]) : NULL;
            if (other && strcmp(other, c->id) != 0) {
                struct probity_entity o;
                struct probity_error err;
                probity_entity_init(&o);
                if (probity_store_get(c->st, other, &o, NULL, 0, &err) == 0) {
                    const char *cap = probity_schema_caption_prop(o.schema);
                    const char *name = cap ? probity_entity_first(&o, cap) : NULL;
                    snprintf(end_caption, sizeof(end_caption), "%s (%s)", name ? name : "", o.schema);
                    end_prop = ends[k];
                    end_id = other;
                }
                probity_entity_release(&o);
            }
        }
    }
    for (size_t i = 0; i < e->nprops; i++) {
        const struct probity_prop *p = &e->props[i];
        if (end_prop && strcmp(p->prop, end_prop) == 0 && strcmp(p->value, end_id) == 0)
            printf("    %-18s %s: %s\n", p->prop, p->value, end_caption);
        else
            printf("    %-18s %s\n", p->prop, p->value);
    }
    return 0;
}

int cmd_show(struct cli *g, int argc, char **argv)
{
    struct probity_entity e;
    struct probity_error err;
    struct probity_store *st;
    char dataset[128];
    int rc = 0;
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: probity show ID [--json]\n");
        return 2;
    }
    probity_error_clear(&err);
    if (!(st = cli_open(g, 0)))
        return 1;
    probity_entity_init(&e);
    if (probity_store_get(st, argv[1], &e, dataset, sizeof(dataset), &err)) {
        rc = cli_fail(&err);
        goto out;
    }
    if (g->json) {
        print_entity(&e, dataset);
    } else {
        printf("%s %s (%s)\n", e.schema, e.id, dataset);
        print_text(&e, "  ");
    }
    struct show_ctx c = {g, st, argv[1]};
    if (probity_store_referrers(st, argv[1], print_ref, &c, &err))
        rc = cli_fail(&err);
out:
    probity_entity_release(&e);
    probity_store_close(st);
    return rc;
}
