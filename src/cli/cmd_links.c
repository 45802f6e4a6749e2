/* probity links: the extracted links, as a table, JSON lines or CSV; and probity
 * eval-links, their quality against a gold file. */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "probity/evidence.h"

enum { OUT_TEXT, OUT_JSON, OUT_CSV };

struct links_ui {
    int fmt;
    long n;
};

static void csv_field(const char *s)
{
    putchar('"');
    for (; s && *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

static int print_link(void *ctx, const struct probity_link *l)
{
    struct links_ui *ui = ctx;
    ui->n++;
    if (ui->fmt == OUT_JSON) {
        printf("{\"id\":");
        cli_json_str(stdout, l->id);
        printf(",\"type\":");
        cli_json_str(stdout, l->type);
        printf(",\"schema\":");
        cli_json_str(stdout, l->schema);
        printf(",\"subject\":{\"id\":");
        cli_json_str(stdout, l->subject);
        printf(",\"caption\":");
        cli_json_str(stdout, l->subject_caption);
        printf("},\"object\":{\"id\":");
        cli_json_str(stdout, l->object);
        printf(",\"caption\":");
        cli_json_str(stdout, l->object_caption);
        printf("},\"quote\":");
        cli_json_str(stdout, l->quote);
        printf(",\"prefix\":");
        cli_json_str(stdout, l->prefix);
        printf(",\"suffix\":");
        cli_json_str(stdout, l->suffix);
        printf(",\"document\":{\"id\":");
        cli_json_str(stdout, l->doc);
        printf(",\"path\":");
        cli_json_str(stdout, l->doc_path);
        printf(",\"title\":");
        cli_json_str(stdout, l->doc_title);
        printf("},\"page\":%d,\"start\":%lld,\"end\":%lld,\"cue\":", l->page, (long long)l->start,
               (long long)l->end);
        cli_json_str(stdout, l->cue);
        printf(",\"confidence\":%.2f,\"status\":", l->confidence);
        cli_json_str(stdout, l->status);
        printf(",\"note\":");
        cli_json_str(stdout, l->note);
        printf("}\n");
    } else if (ui->fmt == OUT_CSV) {
        const char *v[8] = {l->id, l->type, l->subject, l->subject_caption, l->object, l->object_caption,
                            l->doc, l->doc_path};
        for (int i = 0; i < 8; i++) {
            if (i)
                putchar(',');
            csv_field(v[i]);
        }
        printf(",%d,%lld,%lld,%.2f,", l->page, (long long)l->start, (long long)l->end, l->confidence);
        csv_field(l->status);
        putchar(',');
        csv_field(l->cue);
        putchar(',');
        csv_field(l->quote);
        putchar('\n');
    } else {
        printf("%s  %-8s %.2f  %s --%s--> %s\n", l->id, l->status, l->confidence, l->subject_caption, l->type,
               l->object_caption);
        printf("    \"%s\"\n    %s p.%d [%lld,%lld)\n", l->quote, l->doc_path ? l->doc_path : l->doc, l->page,
               (long long)l->start, (long long)l->end);
    }
    return 0;
}

int cmd_links(struct cli *g, int argc, char **argv)
{
    struct probity_error err;
    struct probity_store *st = NULL;
    struct probity_link_filter f;
    struct links_ui ui;
    char id[256];
    int rc = 2;
    memset(&f, 0, sizeof(f));
    memset(&ui, 0, sizeof(ui));
    probity_error_clear(&err);
    ui.fmt = g->json ? OUT_JSON : OUT_TEXT;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--type") == 0 && i + 1 < argc)
            f.type = argv[++i];
        else if (strcmp(argv[i], "--status") == 0 && i + 1 < argc)
            f.status = argv[++i];
        else if (strcmp(argv[i], "--csv") == 0)
            ui.fmt = OUT_CSV;
        else if (strcmp(argv[i], "--json") == 0)
            ui.fmt = OUT_JSON;
        else if (argv[i][0] == '-') {
            fprintf(stderr, "probity links: unknown option '%s'\n", argv[i]);
            goto out;
        } else if (!f.entity)
            f.entity = argv[i];
        else {
            fprintf(stderr, "probity links: one entity at a time\n");
            goto out;
        }
    }
    if (!(st = cli_open(g, 0))) {
        rc = 1;
        goto out;
    }
    if (f.entity) {
        if (probity_evidence_resolve(st, f.entity, id, sizeof(id), &err)) {
            rc = cli_fail(&err);
            goto out;
        }
        f.entity = id;
    }
    if (ui.fmt == OUT_CSV)
        printf("id,type,subject,subject_caption,object,object_caption,document,path,page,start,end,confidence,"
               "status,cue,quote\n");
    if (probity_links(st, &f, print_link, &ui, &err)) {
        rc = cli_fail(&err);
        goto out;
    }
    if (ui.fmt == OUT_TEXT && !g->quiet)
        printf("%ld link%s\n", ui.n, ui.n == 1 ? "" : "s");
    rc = 0;
out:
    probity_store_close(st);
    return rc;
}

int cmd_eval_links(struct cli *g, int argc, char **argv)
{
    struct probity_error err;
    struct probity_store *st = NULL;
    const char *gold = NULL;
    double r = 0, p = 0;
    int rc = 2;
    probity_error_clear(&err);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--gold") == 0 && i + 1 < argc)
            gold = argv[++i];
        else {
            fprintf(stderr, "probity eval-links: unknown argument '%s'\n", argv[i]);
            goto out;
        }
    }
    if (!gold) {
        fprintf(stderr, "usage: probity eval-links --gold FILE\n");
        goto out;
    }
    if (!(st = cli_open(g, 0))) {
        rc = 1;
        goto out;
    }
    if (probity_links_eval(st, gold, stdout, &r, &p, &err)) {
        rc = cli_fail(&err);
        goto out;
    }
    if (g->json)
        printf("{\"recall\":%.3f,\"precision\":%.3f}\n", r, p);
    rc = 0;
out:
    probity_store_close(st);
    return rc;
}
