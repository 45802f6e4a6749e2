/* probity screen: screen one or more names, or every row of a CSV or JSON lines file,
 * against the loaded lists; each hit with its score, the alias that matched and, on
 * request, the token alignment and evidence behind the score. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli/cli.h"
#include "core/core.h"
#include "match/bulk.h"

#define MAX_MULTI 32

static void print_json_hit(const char *query, const struct probity_hit *h)
{
    char expl[2048];
    probity_hit_explain(h, expl, sizeof(expl));
    printf("{\"query\":");
    cli_json_str(stdout, query);
    printf(",\"id\":");
    cli_json_str(stdout, h->id);
    printf(",\"caption\":");
    cli_json_str(stdout, h->caption);
    printf(",\"schema\":");
    cli_json_str(stdout, h->schema);
    printf(",\"datasets\":[");
    {
        char ds[sizeof(h->datasets)];
        char *p = ds, *c;
        int first = 1;
        snprintf(ds, sizeof(ds), "%s", h->datasets);
        while (p && *p) {
            if ((c = strchr(p, ',')))
                *c = 0;
            if (!first)
                putchar(',');
            cli_json_str(stdout, p);
            first = 0;
            p = c ? c + 1 : NULL;
        }
    }
    printf("],\"name\":");
    cli_json_str(stdout, h->matched);
    printf(",\"score\":%.4f,\"explanation\":", h->score);
    cli_json_str(stdout, expl);
    cli_json_explanation(stdout, h, "query", "name");
    printf("}\n");
}

static void print_text_hit(const struct probity_hit *h, int explain)
{
    printf("  %.2f  %-16s %-12s %s", h->score, h->id, h->schema, h->caption);
    if (strcmp(h->matched, h->caption) != 0)
        printf("  (as \"%s\")", h->matched);
    printf("  [%s]\n", h->datasets);
    if (!explain)
        return;
    for (size_t k = 0; k < h->nalign; k++) {
        const struct probity_align *a = &h->align[k];
        if (a->query[0] && a->name[0] && a->similarity > 0)
            printf("        %-24s ~ %-24s similarity %.2f  weight %.2f\n", a->query, a->name, a->similarity, a->weight);
        else if (a->query[0] && a->name[0])
            printf("        %-24s ≠ %-24s conflicting       weight %.2f\n", a->query, a->name, a->weight);
        else if (a->query[0])
            printf("        %-24s   %-24s query only        weight %.2f\n", a->query, "", a->weight);
        else
            printf("        %-24s   %-24s listed only       weight %.2f\n", "", a->name, a->weight);
    }
    for (size_t k = 0; k < h->nfeatures; k++)
        printf("        %-12s %+.3f  %s\n", h->features[k].name, h->features[k].contribution, h->features[k].detail);
}

static int parse_double(const char *opt, const char *s, double *out)
{
    char *end;
    *out = strtod(s, &end);
    if (*end || end == s || *out < 0 || *out > 1) {
        fprintf(stderr, "probity screen: %s takes a number between 0 and 1\n", opt);
        return -1;
    }
    return 0;
}

int cmd_screen(struct cli *g, int argc, char **argv)
{
    const char *names[MAX_MULTI], *countries[16], *ids[16], *datasets[16];
    size_t nnames = 0, ncountries = 0, nids = 0, ndatasets = 0;
    struct probity_query q;
    struct pb_bulk_opts bo;
    const char *output = NULL;
    int explain = 0, rc = 0, threads = 0;
    struct probity_store *st = NULL;
    struct probity_index *ix = NULL;
    struct probity_error err;
    struct timespec t0, t1;
    FILE *out = NULL;
    memset(&q, 0, sizeof(q));
    memset(&bo, 0, sizeof(bo));
    probity_error_clear(&err);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
#define TAKE(dst)                                                                                  \
    do {                                                                                           \
        if (!v) {                                                                                  \
            fprintf(stderr, "probity screen: %s needs a value\n", a);                             \
            return 2;                                                                              \
        }                                                                                          \
        dst = v;                                                                                   \
        i++;                                                                                       \
    } while (0)
#define TAKE_LIST(arr, n)                                                                          \
    do {                                                                                           \
        if (!v || n >= sizeof(arr) / sizeof(arr[0])) {                                             \
            fprintf(stderr, "probity screen: %s needs a value (at most %zu)\n", a,               \
                    sizeof(arr) / sizeof(arr[0]));                                                 \
            return 2;                                                                              \
        }                                                                                          \
        arr[n++] = v;                                                                              \
        i++;                                                                                       \
    } while (0)
        if (strcmp(a, "--schema") == 0)
            TAKE(q.schema);
        else if (strcmp(a, "--country") == 0)
            TAKE_LIST(countries, ncountries);
        else if (strcmp(a, "--birth-date") == 0)
            TAKE(q.birth_date);
        else if (strcmp(a, "--id") == 0)
            TAKE_LIST(ids, nids);
        else if (strcmp(a, "--dataset") == 0)
            TAKE_LIST(datasets, ndatasets);
        else if (strcmp(a, "--threshold") == 0) {
            if (!v || parse_double(a, v, &q.threshold))
                return 2;
            i++;
        } else if (strcmp(a, "--limit") == 0) {
            long n;
            if (!v || pb_parse_long(v, &n) || n < 1 || n > 10000) {
                fprintf(stderr, "probity screen: --limit takes a number from 1 to 10000\n");
                return 2;
            }
            q.limit = (int)n;
            i++;
        } else if (strcmp(a, "--threads") == 0) {
            long n;
            if (!v || pb_parse_long(v, &n) || n < 1 || n > 256) {
                fprintf(stderr, "probity screen: --threads takes a number from 1 to 256\n");
                return 2;
            }
            threads = (int)n;
            i++;
        } else if (strcmp(a, "--explain") == 0)
            explain = 1;
        else if (strcmp(a, "--input") == 0)
            TAKE(bo.input);
        else if (strcmp(a, "--name-column") == 0)
            TAKE(bo.name_column);
        else if (strcmp(a, "--key-column") == 0)
            TAKE(bo.key_column);
        else if (strcmp(a, "--output") == 0)
            TAKE(output);
        else if (strcmp(a, "--format") == 0) {
            TAKE(bo.format);
            if (strcmp(bo.format, "csv") && strcmp(bo.format, "jsonl")) {
                fprintf(stderr, "probity screen: --format is csv or jsonl\n");
                return 2;
            }
        } else if (strcmp(a, "--encoding") == 0)
            TAKE(bo.encoding);
        else if (strcmp(a, "--all-rows") == 0)
            bo.all_rows = 1;
        else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, "probity screen: unknown option '%s'; see 'probity screen --help'\n", a);
            return 2;
        } else if (nnames < MAX_MULTI)
            names[nnames++] = a;
        else {
            fprintf(stderr, "probity screen: at most %d names at once; use --input for more\n", MAX_MULTI);
            return 2;
        }
#undef TAKE
#undef TAKE_LIST
    }
    if (!nnames && !bo.input) {
        fprintf(stderr, "usage: probity screen NAME [options] | probity screen --input FILE [options]\n");
        return 2;
    }
    if (nnames && bo.input) {
        fprintf(stderr, "probity screen: give names or --input, not both\n");
        return 2;
    }
    q.countries = countries;
    q.ncountries = ncountries;
    q.ids = ids;
    q.nids = nids;
    q.datasets = datasets;
    q.ndatasets = ndatasets;
    {
        /* refuse what is wrong before the index is built: the options (checked with a
         * stand-in name in bulk mode), and each name given */
        struct probity_query c = q;
        size_t ok = 0;
        if (!nnames) {
            c.name = "x";
            if (pb__query_check(&c, &err)) {
                fprintf(stderr, "probity screen: %s\n", err.msg);
                return 1;
            }
        }
        for (size_t k = 0; k < nnames; k++) {
            c.name = names[k];
            if (pb__query_check(&c, &err)) {
                fprintf(stderr, "probity screen: \"%s\": %s\n", names[k], err.msg);
                names[k] = NULL;
                rc = 1;
            } else {
                ok++;
            }
        }
        if (nnames && !ok)
            return rc;
    }
    if (!(st = cli_open(g, 0)))
        return 1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (probity_index_build(st, NULL, 0, &ix, &err)) {
        rc = cli_fail(&err);
        goto out;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!g->quiet && (bo.input || !g->json))
        fprintf(stderr, "index: %zu entities, %zu names (%.0f ms)\n", probity_index_entities(ix),
                probity_index_names(ix),
                (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
    if (!probity_index_entities(ix)) {
        fprintf(stderr, "probity screen: no lists are loaded; see 'probity load'\n");
        rc = 1;
        goto out;
    }
    if (bo.input) {
        struct pb_bulk_stats stats;
        if (output && !(out = fopen(output, "w"))) {
            fprintf(stderr, "probity screen: cannot write %s\n", output);
            rc = 1;
            goto out;
        }
        bo.base = q;
        bo.threads = threads;
        bo.explain = explain;
        if (!bo.format)
            bo.format = g->json ? "jsonl" : "csv";
        bo.progress = !g->quiet && isatty(2);
        if (pb_bulk_screen(ix, &bo, out ? out : stdout, stderr, &stats, &err)) {
            rc = cli_fail(&err);
            goto out;
        }
        if (!g->quiet)
            fprintf(stderr, "%ld rows, %ld with hits, %ld hits, %ld skipped, %.2f s (%.0f rows/s)\n", stats.rows,
                    stats.rows_with_hits, stats.hits, stats.skipped, stats.seconds,
                    stats.seconds > 0 ? (double)stats.rows / stats.seconds : 0.0);
        goto out;
    }
    for (size_t k = 0; k < nnames; k++) {
        struct probity_result r;
        if (!names[k])
            continue;
        q.name = names[k];
        if (probity_screen(ix, &q, &r, &err)) {
            fprintf(stderr, "probity screen: \"%s\": %s\n", names[k], err.msg);
            rc = 1;
            continue;
        }
        if (g->json) {
            for (size_t h = 0; h < r.n; h++)
                print_json_hit(names[k], &r.hits[h]);
        } else {
            printf("%s\n", names[k]);
            if (!r.n)
                printf("  no hits at %.2f\n", q.threshold > 0 ? q.threshold : PROBITY_DEFAULT_THRESHOLD);
            for (size_t h = 0; h < r.n; h++)
                print_text_hit(&r.hits[h], explain);
        }
        probity_result_release(&r);
    }
out:
    if (out && fclose(out) && !rc) {
        fprintf(stderr, "probity screen: cannot write %s\n", output);
        rc = 1;
    }
    probity_index_free(ix);
    probity_store_close(st);
    return rc;
}
