/* The screening benchmarks' queries: every non-empty value of a column of the labelled CSV
 * files in ../shared/data/matching. Header-only: each benchmark is its own program. */
#ifndef PB_BENCH_QUERIES_H
#define PB_BENCH_QUERIES_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/core.h"
#include "core/csv.h"

struct bench_queries {
    char **v;
    size_t n, cap;
};

/* Append every non-empty value of `column` of SHARED/data/matching/FILE; returns how many.
 * A file that cannot be read ends the benchmark. */
static inline size_t bench_read_column(struct bench_queries *q, const char *shared, const char *file,
                                       const char *column)
{
    char path[1024];
    struct pb_csv *c;
    struct probity_error err;
    char **f;
    size_t n, before = q->n;
    int col = -1;
    snprintf(path, sizeof(path), "%s/data/matching/%s", shared, file);
    if (pb_csv_open(&c, path, ',', NULL, &err)) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(1);
    }
    if (pb_csv_next(c, &f, &n, &err) > 0)
        for (size_t i = 0; i < n; i++)
            if (strcmp(f[i], column) == 0)
                col = (int)i;
    while (col >= 0 && pb_csv_next(c, &f, &n, &err) > 0) {
        if ((size_t)col >= n || !*f[col])
            continue;
        if (q->n == q->cap) {
            q->cap = q->cap ? q->cap * 2 : 1024;
            if (!(q->v = realloc(q->v, q->cap * sizeof(*q->v))))
                exit(1);
        }
        if (!(q->v[q->n++] = pb_strdup(f[col])))
            exit(1);
    }
    pb_csv_close(c);
    return q->n - before;
}

static inline void bench_queries_free(struct bench_queries *q)
{
    for (size_t i = 0; i < q->n; i++)
        free(q->v[i]);
    free(q->v);
    memset(q, 0, sizeof(*q));
}

#endif
