/* probity search: full-text search of the ingested documents, ranked, one hit per document
 * with a snippet; JSON lines for scripts. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "core/core.h"
#include "probity/docs.h"

struct search_ui {
    struct cli *g;
    long hits;
};

static int print_hit(void *ctx, const struct probity_search_hit *h)
{
    struct search_ui *ui = ctx;
    ui->hits++;
    if (ui->g->json) {
        printf("{\"rank\":%d,\"id\":\"%s\",\"title\":", h->rank, h->id);
        cli_json_str(stdout, h->title);
        printf(",\"path\":");
        cli_json_str(stdout, h->path);
        printf(",\"page\":%d,\"start\":%lld,\"end\":%lld,\"type\":", h->page, (long long)h->start, (long long)h->end);
        cli_json_str(stdout, h->type);
        printf(",\"langs\":");
        cli_json_str(stdout, h->langs);
        printf(",\"score\":%.4f,\"snippet\":", h->score);
        cli_json_str(stdout, h->snippet);
        printf("}\n");
        return 0;
    }
    printf("%d. %s\n   %s  page %d  id %.12s  score %.2f\n   %s\n\n", h->rank,
           h->title && *h->title ? h->title : "(untitled)", h->path, h->page, h->id, h->score, h->snippet);
    return 0;
}

/* The query again with a caret under the column of the mistake. */
static void show_column(const char *q, long col)
{
    long c = 1;
    fprintf(stderr, "  %s\n  ", q);
    for (const unsigned char *p = (const unsigned char *)q; *p && c < col; p++) {
        if ((*p & 0xC0) == 0x80)
            continue;
        /* wide characters take two columns on a terminal */
        fputs(*p >= 0xE3 && *p <= 0xED ? "  " : " ", stderr);
        c++;
    }
    fputs("^\n", stderr);
}

int cmd_search(struct cli *g, int argc, char **argv)
{
    struct probity_search_opts o;
    struct probity_error err;
    struct probity_store *st = NULL;
    struct search_ui ui = {g, 0};
    struct pb_buf q = PB_BUF_INIT;
    int rc = 2, tty = isatty(1);
    memset(&o, 0, sizeof(o));
    probity_error_clear(&err);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **val = NULL;
        if (strcmp(a, "--collection") == 0)
            val = &o.collection;
        else if (strcmp(a, "--lang") == 0)
            val = &o.lang;
        else if (strcmp(a, "--type") == 0)
            val = &o.type;
        else if (strcmp(a, "--limit") == 0 || strcmp(a, "-n") == 0) {
            long n;
            if (i + 1 >= argc || pb_parse_long(argv[i + 1], &n) || n < 1 || n > 100000) {
                fprintf(stderr, "probity search: --limit takes a number from 1 to 100000\n");
                goto out;
            }
            o.limit = (int)n;
            i++;
            continue;
        } else if (a[0] == '-' && a[1] == '-' && a[2]) {
            fprintf(stderr, "probity search: unknown option '%s'\n", a);
            goto out;
        } else {
            /* the words of the query, possibly over several arguments */
            if ((q.len && pb_buf_addc(&q, ' ')) || pb_buf_adds(&q, a))
                goto out;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "probity search: %s needs a value\n", a);
            goto out;
        }
        *val = argv[++i];
    }
    if (!q.len) {
        fprintf(stderr, "usage: probity search QUERY [--collection C] [--lang L] [--type T] [--limit N] [--json]\n");
        goto out;
    }
    /* hits: [like this] on a terminal, «like this» in files and JSON */
    o.mark_open = tty && !g->json ? "[" : "\xc2\xab";
    o.mark_close = tty && !g->json ? "]" : "\xc2\xbb";
    if (!(st = cli_open(g, 0))) {
        rc = 1;
        goto out;
    }
    if (probity_search(st, q.s, &o, print_hit, &ui, &err)) {
        rc = cli_fail(&err);
        if (err.code == PROBITY_EPARSE && err.column > 0)
            show_column(q.s, err.column);
        goto out;
    }
    if (!ui.hits && !g->quiet && !g->json)
        fprintf(stderr, "no document matches\n");
    rc = 0;
out:
    probity_store_close(st);
    pb_buf_release(&q);
    return rc;
}
