/* Benchmark of screening on the bundled lists with real queries: the index build, single
 * names per second on one core with latency percentiles, the same queries on several
 * threads, and a baseline measured in the same run: a brute-force scan that scores every
 * name of the index (no candidate generation) for a sample of the queries, whose hits must
 * also be the index's hits. Queries are the names of the labelled files in
 * ../shared/data/matching/ (UN positives, synthetic negatives, benchmark pairs, OFAC
 * search fixtures). Figures are medians of the runs.
 *
 * usage: bench_screen [--db PATH] [--runs N] [--brute N] [--threads N]
 *   without --db the bundled lists (data/lists of the source tree) are loaded into a
 *   temporary store first. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "core/core.h"
#include "core/csv.h"
#include "match/match_int.h"
#include "probity/lists.h"
#include "probity/match.h"
#include "probity/store.h"
#include "bench_bundled.h"
#include "bench_queries.h"
#include "bench_util.h"

#define TARGET_QPS 20000.0
#define TARGET_P99_MS 1.0

struct thr {
    const struct probity_index *ix;
    const struct bench_queries *q;
    long hits, errors;
};

static void *run_all(void *arg)
{
    struct thr *t = arg;
    for (size_t i = 0; i < t->q->n; i++) {
        struct probity_query pq;
        struct probity_result r;
        struct probity_error err;
        memset(&pq, 0, sizeof(pq));
        pq.name = t->q->v[i];
        if (probity_screen(t->ix, &pq, &r, &err)) {
            t->errors++;
            continue;
        }
        t->hits += (long)r.n;
        probity_result_release(&r);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    const char *db = NULL, *shared = getenv("PROBITY_SHARED"), *src = getenv("PROBITY_SOURCE");
    char tmpdb[256] = "";
    int runs = 5, nbrute = 200, nthreads = (int)sysconf(_SC_NPROCESSORS_ONLN);
    struct probity_store *st = NULL;
    struct probity_index *ix = NULL;
    struct probity_error err;
    struct bench_queries q = {NULL, 0, 0};
    double build[3], rss0, rss1, *lat, *qps;
    size_t nlat = 0;
    if (!shared)
        shared = "../shared";
    if (!src)
        src = ".";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            db = argv[++i];
        else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]) > 0 ? atoi(argv[i]) : 5;
        else if (strcmp(argv[i], "--brute") == 0 && i + 1 < argc)
            nbrute = atoi(argv[++i]);
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            nthreads = atoi(argv[++i]) > 0 ? atoi(argv[i]) : 1;
        else {
            fprintf(stderr, "usage: bench_screen [--db PATH] [--runs N] [--brute N] [--threads N]\n");
            return 2;
        }
    }
    if (!db) {
        snprintf(tmpdb, sizeof(tmpdb), "/tmp/probity-bench-screen-%ld.db", (long)getpid());
        db = tmpdb;
        if (probity_store_open(&st, db, &err) || bench_load_bundled(st, src, "bench_screen")) {
            fprintf(stderr, "bench_screen: cannot prepare %s (run from the source tree or set PROBITY_SOURCE)\n", db);
            return 1;
        }
    } else if (probity_store_open_readonly(&st, db, &err)) {
        fprintf(stderr, "bench_screen: %s: %s\n", db, err.msg);
        return 1;
    }
    /* queries */
    printf("queries from %s/data/matching:\n", shared);
    printf("  %5zu UN persons (yente positives)\n", bench_read_column(&q, shared, "yente_positives_un_untreated.csv", "full_name"));
    printf("  %5zu synthetic negatives (global)\n", bench_read_column(&q, shared, "yente_negatives_global_1k.csv", "full_name"));
    printf("  %5zu synthetic negatives (US)\n", bench_read_column(&q, shared, "yente_negatives_us_1k.csv", "full_name"));
    printf("  %5zu name-benchmark queries\n", bench_read_column(&q, shared, "nomenklatura_name_bench_cases.csv", "name1"));
    printf("  %5zu OFAC search fixtures\n", bench_read_column(&q, shared, "nomenklatura_ofac_search_scores.csv", "query_name"));
    printf("  %5zu in all\n\n", q.n);
    /* index build */
    rss0 = bench_rss_mb();
    for (int b = 0; b < 3; b++) {
        double t0 = bench_wall();
        /* wall clock: the build uses several threads */
        probity_index_free(ix);
        ix = NULL;
        if (probity_index_build(st, NULL, 0, &ix, &err)) {
            fprintf(stderr, "bench_screen: index: %s\n", err.msg);
            return 1;
        }
        build[b] = bench_wall() - t0;
    }
    rss1 = bench_rss_mb();
    qsort(build, 3, sizeof(double), bench_dbl_cmp);
    printf("index: %zu entities, %zu names, %zu forms, %zu tokens; build %.0f ms (median of 3); "
           "resident +%.0f MB\n\n",
           probity_index_entities(ix), probity_index_names(ix), ix->nform, ix->ntok, build[1] * 1e3, rss1 - rss0);
    /* one core: latency in thread CPU time (and the wall-clock rate beside it) */
    lat = malloc(q.n * (size_t)runs * sizeof(double));
    qps = malloc((size_t)runs * sizeof(double));
    {
        long hits = 0, errors = 0;
        double *wall = malloc((size_t)runs * sizeof(double));
        for (int r = 0; r < runs; r++) {
            double t0, c0;
            /* the rate: every run starts with empty per-thread caches, and the clock is read
             * around the run only (reading the thread's CPU clock is a system call, a few
             * per cent of a query) */
            pb__scratch_free_all(ix);
            t0 = bench_wall();
            c0 = bench_thread_cpu();
            hits = errors = 0;
            for (size_t i = 0; i < q.n; i++) {
                struct probity_query pq;
                struct probity_result res;
                memset(&pq, 0, sizeof(pq));
                pq.name = q.v[i];
                if (probity_screen(ix, &pq, &res, &err))
                    errors++;
                else {
                    hits += (long)res.n;
                    probity_result_release(&res);
                }
            }
            qps[r] = (double)q.n / (bench_thread_cpu() - c0);
            wall[r] = (double)q.n / (bench_wall() - t0);
            /* the latencies: the same queries again from empty caches, each timed */
            pb__scratch_free_all(ix);
            for (size_t i = 0; i < q.n; i++) {
                struct probity_query pq;
                struct probity_result res;
                double a = bench_thread_cpu();
                memset(&pq, 0, sizeof(pq));
                pq.name = q.v[i];
                if (!probity_screen(ix, &pq, &res, &err))
                    probity_result_release(&res);
                lat[nlat++] = bench_thread_cpu() - a;
            }
        }
        qsort(qps, (size_t)runs, sizeof(double), bench_dbl_cmp);
        qsort(wall, (size_t)runs, sizeof(double), bench_dbl_cmp);
        qsort(lat, nlat, sizeof(double), bench_dbl_cmp);
        printf("one core: %.0f queries/s of CPU time (median of %d runs; wall clock %.0f/s; %ld hits, "
               "%ld refused queries per run)\n",
               qps[runs / 2], runs, wall[runs / 2], hits, errors);
        printf("latency (CPU time): p50 %.1f us, p90 %.1f us, p99 %.1f us, max %.1f us\n", lat[nlat / 2] * 1e6,
               lat[nlat * 9 / 10] * 1e6, lat[nlat * 99 / 100] * 1e6, lat[nlat - 1] * 1e6);
        printf("target: >= %.0f queries/s per core, p99 < %.1f ms: %s\n\n", TARGET_QPS, TARGET_P99_MS,
               qps[runs / 2] >= TARGET_QPS && lat[nlat * 99 / 100] * 1e3 < TARGET_P99_MS ? "met" : "NOT met");
        free(wall);
    }
    /* threads */
    if (nthreads > 1) {
        struct thr *t = calloc((size_t)nthreads, sizeof(*t));
        pthread_t *th = calloc((size_t)nthreads, sizeof(*th));
        double t0 = bench_wall(), el;
        for (int k = 0; k < nthreads; k++) {
            t[k].ix = ix;
            t[k].q = &q;
            pthread_create(&th[k], NULL, run_all, &t[k]);
        }
        for (int k = 0; k < nthreads; k++)
            pthread_join(th[k], NULL);
        el = bench_wall() - t0;
        printf("%d threads: %.0f queries/s in all (%.2fx one core)\n\n", nthreads,
               (double)q.n * nthreads / el, (double)q.n * nthreads / el / qps[runs / 2]);
        free(t);
        free(th);
    }
    /* baseline: brute force on a sample, and agreement */
    if (nbrute > 0) {
        size_t step = q.n / (size_t)nbrute ? q.n / (size_t)nbrute : 1, n = 0, agree = 0, withhits = 0;
        double tb = 0, ti = 0;
        for (size_t i = 0; i < q.n && n < (size_t)nbrute; i += step, n++) {
            struct probity_query pq;
            struct probity_result a, b;
            int ra, rb;
            double t0;
            memset(&pq, 0, sizeof(pq));
            pq.name = q.v[i];
            t0 = bench_thread_cpu();
            ra = probity_screen(ix, &pq, &a, &err);
            ti += bench_thread_cpu() - t0;
            t0 = bench_thread_cpu();
            rb = pb__screen_brute(ix, &pq, &b, &err);
            tb += bench_thread_cpu() - t0;
            if (ra != rb || (!ra && !bench_same_hits(&a, &b))) {
                printf("  differs: \"%s\" (index %zu hits, brute force %zu)\n", q.v[i], ra ? 0 : a.n, rb ? 0 : b.n);
            } else {
                agree++;
            }
            withhits += !ra && a.n > 0;
            if (!ra)
                probity_result_release(&a);
            if (!rb)
                probity_result_release(&b);
        }
        printf("baseline (brute force, every name scored), %zu queries: %.0f queries/s of CPU time; index %.0f "
               "queries/s on the same: %.0fx faster\n",
               n, (double)n / tb, (double)n / ti, tb / ti);
        printf("agreement: %zu of %zu queries have the same hits and scores (%zu with hits)\n", agree, n, withhits);
    }
    bench_queries_free(&q);
    free(lat);
    free(qps);
    probity_index_free(ix);
    probity_store_close(st);
    if (tmpdb[0]) {
        char p[300];
        unlink(tmpdb);
        snprintf(p, sizeof(p), "%s-wal", tmpdb);
        unlink(p);
        snprintf(p, sizeof(p), "%s-shm", tmpdb);
        unlink(p);
    }
    return 0;
}
