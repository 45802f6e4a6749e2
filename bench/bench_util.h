/* What every benchmark needs to measure: clocks in seconds, resident memory, and a
 * comparison for sorting timings into medians. Header-only: each benchmark is its own
 * program. */
#ifndef PB_BENCH_UTIL_H
#define PB_BENCH_UTIL_H
#include <stdio.h>
#include <time.h>
#include <unistd.h>

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

#endif
