/* probity doc: one document's metadata and its text, whole or one page. */
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "core/core.h"
#include "probity/docs.h"

struct doc_ui {
    int raw, page, json, first;
    int64_t chars;
};

static int print_text(void *ctx, int page, int64_t start, const char *text, size_t len)
{
    struct doc_ui *ui = ctx;
    (void)start;
    if (ui->json) {
        /* pieces of one JSON string, opened and closed by the caller */
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)text[i];
            switch (c) {
            case '"': fputs("\\\"", stdout); break;
            case '\\': fputs("\\\\", stdout); break;
            case '\n': fputs("\\n", stdout); break;
            case '\r': fputs("\\r", stdout); break;
            case '\t': fputs("\\t", stdout); break;
            default:
                if (c < 0x20)
                    printf("\\u%04x", c);
                else
                    putchar(c);
            }
        }
        return 0;
    }
    if (ui->raw) {
        fwrite(text, 1, len, stdout);
        return 0;
    }
    /* a page break becomes a visible line */
    if (ui->first && !ui->page)
        printf("-- page %d --\n", page);
    ui->first = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\f') {
            printf("\n-- page %d --\n", page + 1);
            continue;
        }
        putchar(text[i]);
    }
    return 0;
}

static void field(const char *name, const char *v)
{
    if (v && *v)
        printf("%-11s %s\n", name, v);
}

int cmd_doc(struct cli *g, int argc, char **argv)
{
    struct probity_error err;
    struct probity_store *st = NULL;
    struct probity_doc d;
    struct doc_ui ui;
    const char *id = NULL;
    int rc = 2, meta_only = 0, have = 0;
    memset(&ui, 0, sizeof(ui));
    memset(&d, 0, sizeof(d));
    probity_error_clear(&err);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--page") == 0 || strcmp(argv[i], "-p") == 0) {
            long p;
            if (i + 1 >= argc || pb_parse_long(argv[i + 1], &p) || p < 1 || p > 10000000) {
                fprintf(stderr, "probity doc: --page takes a page number (1, 2, ...)\n");
                goto out;
            }
            ui.page = (int)p;
            i++;
        } else if (strcmp(argv[i], "--raw") == 0) {
            ui.raw = 1;
        } else if (strcmp(argv[i], "--meta") == 0) {
            meta_only = 1;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "probity doc: unknown option '%s'\n", argv[i]);
            goto out;
        } else if (!id) {
            id = argv[i];
        } else {
            fprintf(stderr, "probity doc: one document at a time\n");
            goto out;
        }
    }
    if (!id) {
        fprintf(stderr, "usage: probity doc ID [--page N] [--raw] [--meta] [--json]\n");
        goto out;
    }
    ui.json = g->json;
    ui.first = 1;
    if (!(st = cli_open(g, 0))) {
        rc = 1;
        goto out;
    }
    if (probity_doc_get(st, id, &d, &err)) {
        rc = cli_fail(&err);
        goto out;
    }
    have = 1;
    if (ui.page > 0 && (d.pages ? ui.page > d.pages : ui.page > 1)) {
        fprintf(stderr, "probity: document %.12s has %d page%s\n", d.id, d.pages, d.pages == 1 ? "" : "s");
        rc = 1;
        goto out;
    }
    if (g->json) {
        printf("{\"id\":\"%s\",\"title\":", d.id);
        cli_json_str(stdout, d.title);
        printf(",\"path\":");
        cli_json_str(stdout, d.path);
        printf(",\"collection\":");
        cli_json_str(stdout, d.collection);
        printf(",\"url\":");
        cli_json_str(stdout, d.url);
        printf(",\"type\":");
        cli_json_str(stdout, d.type);
        printf(",\"langs\":");
        cli_json_str(stdout, d.langs);
        printf(",\"published\":");
        cli_json_str(stdout, d.published);
        printf(",\"author\":");
        cli_json_str(stdout, d.author);
        printf(",\"status\":");
        cli_json_str(stdout, d.status);
        printf(",\"reason\":");
        cli_json_str(stdout, d.reason);
        printf(",\"parent\":\"%s\",\"supersedes\":\"%s\",\"current\":%s,\"pages\":%d,\"bytes\":%lld,\"chars\":%lld",
               d.parent, d.supersedes, d.current ? "true" : "false", d.pages, (long long)d.bytes, (long long)d.chars);
        if (!meta_only) {
            printf(",\"page\":%d,\"text\":\"", ui.page);
            if (probity_doc_text(st, d.id, ui.page, print_text, &ui, &err)) {
                printf("\"}\n");
                rc = cli_fail(&err);
                goto out;
            }
            printf("\"");
        }
        printf("}\n");
        rc = 0;
        goto out;
    }
    if (!ui.raw) {
        field("id", d.id);
        field("title", d.title);
        field("path", d.path);
        field("collection", d.collection);
        field("url", d.url);
        field("type", d.type);
        field("languages", d.langs);
        field("published", d.published);
        field("author", d.author);
        printf("%-11s %s%s%s\n", "status", d.status, d.reason && *d.reason ? ": " : "", d.reason ? d.reason : "");
        printf("%-11s %d pages, %lld characters, %lld bytes%s\n", "size", d.pages, (long long)d.chars,
               (long long)d.bytes, d.current ? "" : " (an older version)");
        field("attached to", d.parent);
        field("supersedes", d.supersedes);
        if (ui.page)
            printf("-- page %d of %d --\n", ui.page, d.pages);
        else if (!meta_only)
            putchar('\n');
    }
    if (!meta_only && strcmp(d.status, "ok") == 0 && d.chars > 0) {
        if (probity_doc_text(st, d.id, ui.page, print_text, &ui, &err)) {
            rc = cli_fail(&err);
            goto out;
        }
        if (!ui.raw)
            putchar('\n');
    }
    rc = 0;
out:
    if (have)
        probity_doc_release(&d);
    probity_store_close(st);
    return rc;
}
