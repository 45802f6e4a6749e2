/* probity compare: the score of two names and its explanation, or of every pair of a
 * file (CSV with two name columns, or JSON lines of two FtM entities, whose birth dates,
 * countries and identifiers are judged too). Every word weighs by its kind alone, as in
 * probity eval; with --lists, by its rarity in the loaded lists, as in probity screen. */
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "core/core.h"
#include "match/bulk.h"

static void print_json(const char *a, const char *b, const char *schema, double score, double thr,
                       const struct probity_hit *h)
{
    char expl[2048];
    probity_hit_explain(h, expl, sizeof(expl));
    printf("{\"left\":");
    cli_json_str(stdout, a);
    printf(",\"right\":");
    cli_json_str(stdout, b);
    printf(",\"schema\":");
    cli_json_str(stdout, schema ? schema : "any");
    printf(",\"score\":%.4f,\"match\":%s,\"explanation\":", score, score >= thr - 1e-9 ? "true" : "false");
    cli_json_str(stdout, expl);
    cli_json_explanation(stdout, h, "left", "right");
    printf("}\n");
}

static void print_text(const char *a, const char *b, double score, double thr, const struct probity_hit *h)
{
    printf("%.2f  %s  \"%s\" ~ \"%s\"\n", score, score >= thr - 1e-9 ? "match   " : "no match", a, b);
    for (size_t k = 0; k < h->nalign; k++) {
        const struct probity_align *x = &h->align[k];
        if (x->query[0] && x->name[0] && x->similarity > 0)
            printf("      %-24s ~ %-24s similarity %.2f  weight %.2f\n", x->query, x->name, x->similarity, x->weight);
        else if (x->query[0] && x->name[0])
            printf("      %-24s ≠ %-24s conflicting       weight %.2f\n", x->query, x->name, x->weight);
        else if (x->query[0])
            printf("      %-24s   %-24s left only         weight %.2f\n", x->query, "", x->weight);
        else
            printf("      %-24s   %-24s right only        weight %.2f\n", "", x->name, x->weight);
    }
    for (size_t k = 0; k < h->nfeatures; k++)
        printf("      %-12s %+.3f  %s\n", h->features[k].name, h->features[k].contribution, h->features[k].detail);
}

int cmd_compare(struct cli *g, int argc, char **argv)
{
    const char *names[2], *output = NULL;
    size_t nnames = 0;
    struct pb_pairs_opts po;
    struct probity_store *st = NULL;
    struct probity_index *ix = NULL;
    struct probity_error err;
    FILE *out = NULL;
    int rc = 0, use_lists = 0;
    memset(&po, 0, sizeof(po));
    probity_error_clear(&err);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        const char **dst = NULL;
        if (strcmp(a, "--schema") == 0)
            dst = &po.schema;
        else if (strcmp(a, "--input") == 0)
            dst = &po.input;
        else if (strcmp(a, "--left") == 0)
            dst = &po.left;
        else if (strcmp(a, "--right") == 0)
            dst = &po.right;
        else if (strcmp(a, "--schema-column") == 0)
            dst = &po.schema_column;
        else if (strcmp(a, "--format") == 0)
            dst = &po.format;
        else if (strcmp(a, "--output") == 0)
            dst = &output;
        else if (strcmp(a, "--encoding") == 0)
            dst = &po.encoding;
        else if (strcmp(a, "--lists") == 0) {
            use_lists = 1;
            continue;
        } else if (strcmp(a, "--threshold") == 0) {
            char *end;
            if (!v || (po.threshold = strtod(v, &end), *end) || po.threshold <= 0 || po.threshold > 1) {
                fprintf(stderr, "probity compare: --threshold takes a number in (0, 1]\n");
                return 2;
            }
            i++;
            continue;
        } else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, "probity compare: unknown option '%s'; see 'probity compare --help'\n", a);
            return 2;
        } else if (nnames < 2) {
            names[nnames++] = a;
            continue;
        } else {
            fprintf(stderr, "probity compare: give two names (or --input FILE)\n");
            return 2;
        }
        if (!v) {
            fprintf(stderr, "probity compare: %s needs a value\n", a);
            return 2;
        }
        *dst = v;
        i++;
    }
    if (po.format && strcmp(po.format, "csv") && strcmp(po.format, "jsonl")) {
        fprintf(stderr, "probity compare: --format is csv or jsonl\n");
        return 2;
    }
    if (po.input ? nnames != 0 : nnames != 2) {
        fprintf(stderr, "usage: probity compare NAME1 NAME2 [--schema S] | probity compare --input FILE\n");
        return 2;
    }
    /* rarity weights from the loaded lists on request; comparing needs no store */
    if (use_lists) {
        if (!(st = cli_open(g, 0)))
            return 1;
        if (probity_index_build(st, NULL, 0, &ix, &err)) {
            rc = cli_fail(&err);
            goto out;
        }
    }
    probity_error_clear(&err);
    if (po.input) {
        struct pb_bulk_stats stats;
        if (output && !(out = fopen(output, "w"))) {
            fprintf(stderr, "probity compare: cannot write %s\n", output);
            rc = 1;
            goto out;
        }
        if (!po.format)
            po.format = g->json ? "jsonl" : "csv";
        if (pb_compare_pairs(ix, &po, out ? out : stdout, stderr, &stats, &err)) {
            rc = cli_fail(&err);
            goto out;
        }
        if (!g->quiet)
            fprintf(stderr, "%ld pairs, %ld matches, %ld skipped (%.2f s)\n", stats.rows, stats.hits, stats.skipped,
                    stats.seconds);
    } else {
        struct probity_hit h;
        double score, thr = po.threshold > 0 ? po.threshold : PROBITY_DEFAULT_THRESHOLD;
        if (probity_compare_names(ix, names[0], names[1], po.schema, &score, &h, &err)) {
            fprintf(stderr, "probity compare: %s\n", err.msg);
            rc = 1;
            goto out;
        }
        if (g->json)
            print_json(names[0], names[1], po.schema, score, thr, &h);
        else
            print_text(names[0], names[1], score, thr, &h);
    }
out:
    if (out && fclose(out) && !rc) {
        fprintf(stderr, "probity compare: cannot write %s\n", output);
        rc = 1;
    }
    probity_index_free(ix);
    probity_store_close(st);
    return rc;
}
