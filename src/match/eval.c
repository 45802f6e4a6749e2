/* Quality on labelled name pairs: runs every case of a file like the nomenklatura name
 * benchmark through probity_compare_names and counts true and false positives and
 * negatives at a threshold, overall and by category, script, quality and schema. The
 * reference matcher's frozen scores, when given, are counted on the same cases, so the two
 * can be read side by side. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/core.h"
#include "core/csv.h"
#include "match/bulk.h"
#include "match/match_int.h"

double pb_eval_precision(long tp, long fp)
{
    return tp + fp ? (double)tp / (double)(tp + fp) : 0.0;
}

double pb_eval_recall(long tp, long fn)
{
    return tp + fn ? (double)tp / (double)(tp + fn) : 0.0;
}

double pb_eval_f1(long tp, long fp, long fn)
{
    double p = pb_eval_precision(tp, fp), r = pb_eval_recall(tp, fn);
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

static int col(char **h, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(h[i], name) == 0)
            return (int)i;
    return -1;
}

static struct pb_eval_count *group(struct pb_eval_report *r, const char *kind, const char *value)
{
    char name[64];
    snprintf(name, sizeof(name), "%s:%s", kind, value && *value ? value : "(none)");
    for (size_t i = 0; i < r->ngroups; i++)
        if (strcmp(r->groups[i].name, name) == 0)
            return &r->groups[i];
    if (r->ngroups % 32 == 0) {
        struct pb_eval_count *v = realloc(r->groups, (r->ngroups + 32) * sizeof(*v));
        if (!v)
            return NULL;
        r->groups = v;
    }
    memset(&r->groups[r->ngroups], 0, sizeof(r->groups[0]));
    pb__copy(r->groups[r->ngroups].name, sizeof(r->groups[0].name), name);
    return &r->groups[r->ngroups++];
}

static void count(struct pb_eval_count *c, int truth, int pred, double score)
{
    if (!c)
        return;
    if (truth && pred)
        c->tp++;
    else if (!truth && pred)
        c->fp++;
    else if (truth)
        c->fn++;
    else
        c->tn++;
    c->sum_score += score;
}

static void count_ref(struct pb_eval_count *c, int truth, int ours, int ref)
{
    if (!c)
        return;
    c->ours_on_ref[truth && ours ? 0 : !truth && ours ? 1 : truth ? 2 : 3]++;
    if (truth && ref)
        c->rtp++;
    else if (!truth && ref)
        c->rfp++;
    else if (truth)
        c->rfn++;
    else
        c->rtn++;
}

/* The reference file, keyed by "schema\tname1\tname2" -> predicted match (1/2 = no/yes).
 * Case groups are not part of the key: the two files name some groups differently. */
static int load_reference(const char *path, struct pb_map *m, struct probity_error *err)
{
    struct pb_csv *c;
    char **f;
    size_t n;
    int rc, cs, c1, c2, cp;
    if ((rc = pb_csv_open(&c, path, ',', NULL, err)))
        return rc;
    if ((rc = pb_csv_next(c, &f, &n, err)) <= 0) {
        pb_csv_close(c);
        return rc < 0 ? rc : pb__err(err, PROBITY_EEMPTY, path, 0, 0, "empty reference file");
    }
    cs = col(f, n, "schema");
    c1 = col(f, n, "name1");
    c2 = col(f, n, "name2");
    cp = col(f, n, "predicted_match");
    if (cs < 0 || c1 < 0 || c2 < 0 || cp < 0) {
        pb_csv_close(c);
        return pb__err(err, PROBITY_EFORMAT, path, 1, 0,
                       "the reference needs columns schema, name1, name2 and predicted_match");
    }
    while ((rc = pb_csv_next(c, &f, &n, err)) > 0) {
        char key[2048];
        if ((size_t)cs >= n || (size_t)c1 >= n || (size_t)c2 >= n || (size_t)cp >= n)
            continue;
        snprintf(key, sizeof(key), "%s\t%s\t%s", f[cs], f[c1], f[c2]);
        if ((rc = pb_map_put(m, key, (void *)(uintptr_t)(strcmp(f[cp], "true") == 0 ? 2 : 1))))
            break;
    }
    pb_csv_close(c);
    return rc < 0 ? rc : 0;
}

static void csv_field(FILE *fp, const char *s)
{
    if (strpbrk(s, ",\"\n\r")) {
        fputc('"', fp);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', fp);
            fputc(*s, fp);
        }
        fputc('"', fp);
    } else {
        fputs(s, fp);
    }
}

static const char *case_script(const char *a, const char *b, char *buf, size_t size)
{
    const char *x = pb_script_name(pb_name_script(a)), *y = pb_script_name(pb_name_script(b));
    if (strcmp(x, y) == 0)
        pb__copy(buf, size, x);
    else if (strcmp(x, y) < 0)
        snprintf(buf, size, "%s+%s", x, y);
    else
        snprintf(buf, size, "%s+%s", y, x);
    return buf;
}

int pb_eval_run(const struct probity_index *ix, const char *cases, const char *reference, double threshold,
                FILE *cases_out, struct pb_eval_report *r, struct probity_error *err)
{
    struct pb_csv *c = NULL;
    struct pb_map ref = PB_MAP_INIT;
    char **f;
    size_t n;
    int rc, cs, c1, c2, cm, cq, cc;
    struct timespec t0, t1;
    memset(r, 0, sizeof(*r));
    r->threshold = threshold > 0 ? threshold : PROBITY_DEFAULT_THRESHOLD;
    snprintf(r->overall.name, sizeof(r->overall.name), "overall");
    if (reference && (rc = load_reference(reference, &ref, err)))
        goto out;
    if ((rc = pb_csv_open(&c, cases, ',', NULL, err)))
        goto out;
    if ((rc = pb_csv_next(c, &f, &n, err)) <= 0) {
        rc = rc < 0 ? rc : pb__err(err, PROBITY_EEMPTY, cases, 0, 0, "empty cases file");
        goto out;
    }
    cs = col(f, n, "schema");
    c1 = col(f, n, "name1");
    c2 = col(f, n, "name2");
    cm = col(f, n, "is_match");
    cq = col(f, n, "quality");
    cc = col(f, n, "category");
    if (c1 < 0 || c2 < 0 || cm < 0) {
        rc = pb__err(err, PROBITY_EFORMAT, cases, 1, 0, "the cases need columns name1, name2 and is_match");
        goto out;
    }
    if (cases_out)
        fprintf(cases_out, "schema,name1,name2,is_match,quality,category,score,predicted,outcome,explanation\n");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while ((rc = pb_csv_next(c, &f, &n, err)) > 0) {
        const char *schema = cs >= 0 && (size_t)cs < n ? f[cs] : "", *quality, *category;
        struct probity_hit hit;
        struct probity_error e2;
        double score = 0;
        int truth, pred;
        char buf[64], expl[1024];
        if ((size_t)c1 >= n || (size_t)c2 >= n || (size_t)cm >= n)
            continue;
        truth = strcmp(f[cm], "true") == 0 || strcmp(f[cm], "1") == 0;
        quality = cq >= 0 && (size_t)cq < n && *f[cq] ? f[cq] : "MEDIUM";
        category = cc >= 0 && (size_t)cc < n ? f[cc] : "";
        probity_error_clear(&e2);
        memset(&hit, 0, sizeof(hit));
        if (probity_compare_names(ix, f[c1], f[c2], *schema ? schema : NULL, &score, &hit, &e2))
            score = 0; /* a name with nothing to compare scores 0 */
        pred = score >= r->threshold - 1e-9;
        r->cases++;
        count(&r->overall, truth, pred, score);
        count(group(r, "category", category), truth, pred, score);
        count(group(r, "script", case_script(f[c1], f[c2], buf, sizeof(buf))), truth, pred, score);
        count(group(r, "quality", quality), truth, pred, score);
        count(group(r, "schema", schema), truth, pred, score);
        if (strcmp(quality, "STRONG") == 0 && truth != pred)
            r->strong_wrong++;
        if (reference) {
            char key[2048];
            void *v;
            snprintf(key, sizeof(key), "%s\t%s\t%s", schema, f[c1], f[c2]);
            if ((v = pb_map_get(&ref, key))) {
                int rp = (uintptr_t)v == 2;
                r->reference_cases++;
                count_ref(&r->overall, truth, pred, rp);
                count_ref(group(r, "category", category), truth, pred, rp);
                count_ref(group(r, "script", case_script(f[c1], f[c2], buf, sizeof(buf))), truth, pred, rp);
                count_ref(group(r, "quality", quality), truth, pred, rp);
                count_ref(group(r, "schema", schema), truth, pred, rp);
            }
        }
        if (cases_out) {
            probity_hit_explain(&hit, expl, sizeof(expl));
            csv_field(cases_out, schema);
            fputc(',', cases_out);
            csv_field(cases_out, f[c1]);
            fputc(',', cases_out);
            csv_field(cases_out, f[c2]);
            fprintf(cases_out, ",%s,%s,", truth ? "true" : "false", quality);
            csv_field(cases_out, category);
            fprintf(cases_out, ",%.4f,%s,%s,", score, pred ? "true" : "false",
                    truth ? (pred ? "TP" : "FN") : (pred ? "FP" : "TN"));
            csv_field(cases_out, expl);
            fputc('\n', cases_out);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (rc < 0)
        goto out;
    rc = 0;
    if (!r->cases)
        rc = pb__err(err, PROBITY_EEMPTY, cases, 0, 0, "no cases");
out:
    pb_csv_close(c);
    pb_map_release(&ref, NULL);
    if (rc)
        pb_eval_report_release(r);
    return rc;
}

void pb_eval_report_release(struct pb_eval_report *r)
{
    free(r->groups);
    r->groups = NULL;
    r->ngroups = 0;
}
