/* What every benchmark needs to measure: clocks in seconds, resident memory, a comparison
 * for sorting timings into medians, and the check that two screening results agree. Header-only: each benchmark is its own
 * program. */
#ifndef PB_BENCH_UTIL_H
#define PB_BENCH_UTIL_H
#include <stdio.h>
#include <time.h>
#include <string.h>
#include <unistd.h>
#include "probity/match.h"

static inline double bench_clock(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Wall time. */
static inline double bench_wall(void) { return bench_clock(CLOCK_MONOTONIC); }
/* CPU time of the whole process (all threads): per-core figures that other load on the
 * machine hardly skews. */
static inline double bench_cpu(void) { return bench_clock(CLOCK_PROCESS_CPUTIME_ID); }
/* CPU time of the calling thread only. */
static inline double bench_thread_cpu(void) { return bench_clock(CLOCK_THREAD_CPUTIME_ID); }

/* Resident memory of this process now, in MB. */
static inline double bench_rss_mb(void)
{
    FILE *fp = fopen("/proc/self/statm", "r");
    long pages = 0, res = 0;
    if (!fp)
        return 0;
    if (fscanf(fp, "%ld %ld", &pages, &res) != 2)
        res = 0;
    fclose(fp);
    return (double)res * (double)sysconf(_SC_PAGESIZE) / 1e6;
}

/* qsort comparison of doubles, ascending. */
static inline int bench_dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Same hits (ids, and scores to 1e-9) in two screening results: the index against the
 * brute-force scan. */
static inline int bench_same_hits(const struct probity_result *a, const struct probity_result *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->hits[i].id, b->hits[i].id) != 0 || a->hits[i].score - b->hits[i].score > 1e-9 ||
            b->hits[i].score - a->hits[i].score > 1e-9)
            return 0;
    return 1;
}

#endif
