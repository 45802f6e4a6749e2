/* probity eval: precision, recall and F1 of the matcher on labelled name pairs (by default
 * the nomenklatura name benchmark from the shared data), overall and by category, script,
 * quality and schema, beside the reference matcher's frozen scores on the same cases. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "core/core.h"
#include "match/bulk.h"

#define CASES_FILE "data/matching/nomenklatura_name_bench_cases.csv"
#define REFERENCE_FILE "data/matching/nomenklatura_logicv2_frozen_scores.csv"

/* The shared data folder: $PROBITY_SHARED, else ../shared beside the working directory or
 * beside the tree the binary was built in. */
static int find_shared(const char *rel, char *out, size_t size)
{
    const char *env = getenv("PROBITY_SHARED");
    char exe[1024];
    ssize_t n;
    if (env && *env) {
        snprintf(out, size, "%s/%s", env, rel);
        return access(out, R_OK) == 0;
    }
    static const char *const bases[] = {"../shared", "../../shared", "shared"};
    for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
        snprintf(out, size, "%s/%s", bases[i], rel);
        if (access(out, R_OK) == 0)
            return 1;
    }
    if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
        exe[n] = 0;
        for (int up = 0; up < 4; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash)
                break;
            *slash = 0;
            snprintf(out, size, "%s/../shared/%s", exe, rel);
            if (access(out, R_OK) == 0)
                return 1;
        }
    }
    return 0;
}

/* A rate, or "-" when it is undefined (no predicted or no true matches in the group). */
static void rate(double v, long den)
{
    if (den)
        printf("  %5.3f", v);
    else
        printf("  %5s", "-");
}

static void print_row(const struct pb_eval_count *c, int with_ref)
{
    long n = c->tp + c->fp + c->fn + c->tn;
    printf("  %-38s %5ld", c->name, n);
    rate(pb_eval_precision(c->tp, c->fp), c->tp + c->fp);
    rate(pb_eval_recall(c->tp, c->fn), c->tp + c->fn);
    rate(pb_eval_f1(c->tp, c->fp, c->fn), c->tp + c->fp + c->fn);
    if (!c->tp && !c->fp && !c->fn)
        printf("   (%ld true negatives)", c->tn);
    if (with_ref && (c->tp || c->fp || c->fn)) {
        long rn = c->rtp + c->rfp + c->rfn + c->rtn;
        if (rn) {
            printf("   %5ld", rn);
            rate(pb_eval_f1(c->ours_on_ref[0], c->ours_on_ref[1], c->ours_on_ref[2]),
                 c->ours_on_ref[0] + c->ours_on_ref[1] + c->ours_on_ref[2]);
            rate(pb_eval_f1(c->rtp, c->rfp, c->rfn), c->rtp + c->rfp + c->rfn);
        } else {
            printf("   %5s  %5s  %5s", "-", "-", "-");
        }
    }
    putchar('\n');
}

static void json_count(const struct pb_eval_count *c)
{
    printf("{\"name\":");
    cli_json_str(stdout, c->name);
    printf(",\"cases\":%ld,\"tp\":%ld,\"fp\":%ld,\"fn\":%ld,\"tn\":%ld,\"precision\":%.4f,\"recall\":%.4f,"
           "\"f1\":%.4f",
           c->tp + c->fp + c->fn + c->tn, c->tp, c->fp, c->fn, c->tn, pb_eval_precision(c->tp, c->fp),
           pb_eval_recall(c->tp, c->fn), pb_eval_f1(c->tp, c->fp, c->fn));
    if (c->rtp + c->rfp + c->rfn + c->rtn)
        printf(",\"reference\":{\"cases\":%ld,\"f1\":%.4f,\"precision\":%.4f,\"recall\":%.4f,\"ours_f1\":%.4f}",
               c->rtp + c->rfp + c->rfn + c->rtn, pb_eval_f1(c->rtp, c->rfp, c->rfn),
               pb_eval_precision(c->rtp, c->rfp), pb_eval_recall(c->rtp, c->rfn),
               pb_eval_f1(c->ours_on_ref[0], c->ours_on_ref[1], c->ours_on_ref[2]));
    printf("}");
}

static int group_cmp(const void *a, const void *b)
{
    return strcmp(((const struct pb_eval_count *)a)->name, ((const struct pb_eval_count *)b)->name);
}

int cmd_eval(struct cli *g, int argc, char **argv)
{
    const char *cases = NULL, *reference = NULL, *out_path = NULL;
    char cbuf[2048], rbuf[2048];
    double threshold = PROBITY_DEFAULT_THRESHOLD;
    int use_lists = 0, no_ref = 0, rc = 0;
    struct probity_store *st = NULL;
    struct probity_index *ix = NULL;
    struct probity_error err;
    struct pb_eval_report r;
    FILE *cases_out = NULL;
    probity_error_clear(&err);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--cases") == 0 && i + 1 < argc)
            cases = argv[++i];
        else if (strcmp(argv[i], "--reference") == 0 && i + 1 < argc)
            reference = argv[++i];
        else if (strcmp(argv[i], "--no-reference") == 0)
            no_ref = 1;
        else if (strcmp(argv[i], "--threshold") == 0 && i + 1 < argc) {
            char *end;
            threshold = strtod(argv[++i], &end);
            if (*end || threshold <= 0 || threshold > 1) {
                fprintf(stderr, "probity eval: --threshold takes a number in (0, 1]\n");
                return 2;
            }
        } else if (strcmp(argv[i], "--cases-out") == 0 && i + 1 < argc)
            out_path = argv[++i];
        else if (strcmp(argv[i], "--lists") == 0)
            use_lists = 1;
        else {
            fprintf(stderr, "probity eval: unknown argument '%s'; see 'probity eval --help'\n", argv[i]);
            return 2;
        }
    }
    if (!cases) {
        if (!find_shared(CASES_FILE, cbuf, sizeof(cbuf))) {
            fprintf(stderr, "probity eval: no --cases given and %s not found (set PROBITY_SHARED)\n", CASES_FILE);
            return 1;
        }
        cases = cbuf;
        if (!reference && !no_ref && find_shared(REFERENCE_FILE, rbuf, sizeof(rbuf)))
            reference = rbuf;
    }
    if (no_ref)
        reference = NULL;
    if (use_lists) {
        if (!(st = cli_open(g, 0)))
            return 1;
        if (probity_index_build(st, NULL, 0, &ix, &err)) {
            rc = cli_fail(&err);
            goto out;
        }
    }
    if (out_path && !(cases_out = fopen(out_path, "w"))) {
        fprintf(stderr, "probity eval: cannot write %s\n", out_path);
        rc = 1;
        goto out;
    }
    if (pb_eval_run(ix, cases, reference, threshold, cases_out, &r, &err)) {
        rc = cli_fail(&err);
        goto out;
    }
    qsort(r.groups, r.ngroups, sizeof(r.groups[0]), group_cmp);
    if (g->json) {
        printf("{\"cases\":");
        cli_json_str(stdout, cases);
        printf(",\"threshold\":%.2f,\"weights\":\"%s\",\"n\":%ld,\"strong_wrong\":%ld,\"seconds\":%.3f,\"overall\":",
               r.threshold, ix ? "lists" : "uniform", r.cases, r.strong_wrong, r.seconds);
        json_count(&r.overall);
        printf(",\"groups\":[");
        for (size_t i = 0; i < r.ngroups; i++) {
            if (i)
                putchar(',');
            json_count(&r.groups[i]);
        }
        printf("]}\n");
    } else {
        int with_ref = r.reference_cases > 0;
        printf("%ld cases from %s, threshold %.2f, rarity weights %s (%.1f ms)\n", r.cases, cases, r.threshold,
               ix ? "from the loaded lists" : "uniform", r.seconds * 1000);
        if (with_ref)
            printf("reference: %s (%ld of the cases)\n", reference, r.reference_cases);
        printf("\n  %-38s %5s  %5s  %5s  %5s", "", "cases", "prec", "recall", "F1");
        if (with_ref)
            printf("   %5s  %5s  %5s", "ref.n", "ours", "ref.F1");
        putchar('\n');
        print_row(&r.overall, with_ref);
        for (size_t i = 0; i < r.ngroups; i++)
            if (strncmp(r.groups[i].name, "category:", 9) != 0 ||
                r.groups[i].tp + r.groups[i].fp + r.groups[i].fn + r.groups[i].tn >= 5)
                print_row(&r.groups[i], with_ref);
        printf("\nF1 %.3f (precision %.3f, recall %.3f)", pb_eval_f1(r.overall.tp, r.overall.fp, r.overall.fn),
               pb_eval_precision(r.overall.tp, r.overall.fp), pb_eval_recall(r.overall.tp, r.overall.fn));
        if (with_ref)
            printf("; reference F1 %.3f on the %ld cases it scored (ours on those: %.3f)",
                   pb_eval_f1(r.overall.rtp, r.overall.rfp, r.overall.rfn), r.reference_cases,
                   pb_eval_f1(r.overall.ours_on_ref[0], r.overall.ours_on_ref[1], r.overall.ours_on_ref[2]));
        printf("\nSTRONG-quality cases wrong: %ld\n", r.strong_wrong);
    }
    pb_eval_report_release(&r);
out:
    if (cases_out)
        fclose(cases_out);
    probity_index_free(ix);
    probity_store_close(st);
    return rc;
}
