/* probity docs: collections, their documents and what happened to each file; --check
 * verifies that the document tables and the full-text index agree. */
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "probity/docs.h"

struct docs_ui {
    struct cli *g;
    int all;
    long shown, old;
};

static int print_collection(void *ctx, const struct probity_collection *c)
{
    struct docs_ui *ui = ctx;
    if (ui->g->json) {
        printf("{\"collection\":");
        cli_json_str(stdout, c->name);
        printf(",\"created_at\":");
        cli_json_str(stdout, c->created_at);
        printf(",\"documents\":%ld,\"current\":%ld,\"ok\":%ld,\"failed\":%ld,\"skipped\":%ld,\"unreadable\":%ld,"
               "\"bytes\":%lld,\"chars\":%lld}\n",
               c->documents, c->current, c->ok, c->failed, c->skipped, c->unreadable, (long long)c->bytes,
               (long long)c->chars);
    } else {
        printf("collection %s: %ld paths (%ld ok, %ld failed, %ld skipped, %ld unreadable), %ld documents "
               "counting old versions, %lld characters\n",
               c->name, c->current, c->ok, c->failed, c->skipped, c->unreadable, c->documents, (long long)c->chars);
    }
    return 0;
}

static int print_doc(void *ctx, const struct probity_doc *d)
{
    struct docs_ui *ui = ctx;
    if (!d->current && !ui->all) {
        ui->old++;
        return 0;
    }
    ui->shown++;
    if (ui->g->json) {
        printf("{\"id\":\"%s\",\"collection\":", d->id);
        cli_json_str(stdout, d->collection);
        printf(",\"path\":");
        cli_json_str(stdout, d->path);
        printf(",\"title\":");
        cli_json_str(stdout, d->title);
        printf(",\"type\":");
        cli_json_str(stdout, d->type);
        printf(",\"langs\":");
        cli_json_str(stdout, d->langs);
        printf(",\"status\":");
        cli_json_str(stdout, d->status);
        printf(",\"reason\":");
        cli_json_str(stdout, d->reason);
        printf(",\"pages\":%d,\"bytes\":%lld,\"chars\":%lld,\"current\":%s,\"parent\":\"%s\",\"supersedes\":\"%s\"}\n",
               d->pages, (long long)d->bytes, (long long)d->chars, d->current ? "true" : "false", d->parent,
               d->supersedes);
        return 0;
    }
    printf("%-7s %.12s %-8s %5d p %9lld ch  %s%s%s%s\n", d->status, d->id, d->type && *d->type ? d->type : "-",
           d->pages, (long long)d->chars, d->path, d->current ? "" : "  (old version)",
           d->reason && *d->reason ? "  -- " : "", d->reason ? d->reason : "");
    return 0;
}

static int print_issue(void *ctx, const char *collection, const char *path, const char *reason, const char *at)
{
    struct docs_ui *ui = ctx;
    (void)at;
    if (ui->g->json) {
        printf("{\"unreadable\":true,\"collection\":");
        cli_json_str(stdout, collection);
        printf(",\"path\":");
        cli_json_str(stdout, path);
        printf(",\"reason\":");
        cli_json_str(stdout, reason);
        printf("}\n");
    } else {
        printf("%-7s %-12s %-8s %5s   %9s     %s  -- %s\n", "unread", "-", "-", "", "", path, reason);
    }
    return 0;
}

static int print_problem(void *ctx, const char *msg)
{
    (void)ctx;
    printf("problem: %s\n", msg);
    return 0;
}

int cmd_docs(struct cli *g, int argc, char **argv)
{
    struct probity_error err;
    struct probity_store *st = NULL;
    struct docs_ui ui = {g, 0, 0, 0};
    const char *collection = NULL;
    int rc = 2, check = 0;
    probity_error_clear(&err);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--collection") == 0 && i + 1 < argc)
            collection = argv[++i];
        else if (strcmp(argv[i], "--all") == 0)
            ui.all = 1;
        else if (strcmp(argv[i], "--check") == 0)
            check = 1;
        else {
            fprintf(stderr, "probity docs: unknown argument '%s'\n", argv[i]);
            goto out;
        }
    }
    /* FTS5's integrity check is an INSERT: it needs the store open for writing */
    if (!(st = cli_open(g, check))) {
        rc = 1;
        goto out;
    }
    if (check) {
        long problems = 0;
        if (probity_docs_check(st, print_problem, NULL, &problems, &err)) {
            rc = cli_fail(&err);
            goto out;
        }
        if (!g->quiet)
            printf("%s: %ld problem%s\n", problems ? "inconsistent" : "consistent", problems, problems == 1 ? "" : "s");
        rc = problems ? 1 : 0;
        goto out;
    }
    if (probity_collections(st, print_collection, &ui, &err) ||
        probity_docs_list(st, collection, print_doc, &ui, &err) ||
        probity_ingest_issues(st, collection, print_issue, &ui, &err)) {
        rc = cli_fail(&err);
        goto out;
    }
    if (!g->json && !g->quiet && ui.old)
        printf("(%ld older versions not shown; --all shows them)\n", ui.old);
    rc = 0;
out:
    probity_store_close(st);
    return rc;
}
