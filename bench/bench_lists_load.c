/* Benchmark: loading the bundled lists (data/lists/: OFAC SDN + aliases + addresses, OFAC
 * non-SDN, UN SC, BIS DPL) into a fresh store, as `make demo` does. Prints the median wall
 * and CPU time of N runs, and beside it a baseline measured in the same run: the same
 * loaders reading the same files into a sink that discards what they emit (parsing only),
 * so the ratio shows what the store costs.
 * Usage: bench_lists_load REPO_ROOT [RUNS] */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "core/core.h"
#include "lists/loader.h"
#include "probity/lists.h"
#include "bench_bundled.h"
#include "bench_util.h"

static int discard(struct pb_sink *s, const struct probity_entity *e, struct probity_error *err)
{
    (void)err;
    (*(long *)s->ctx) += (long)e->nprops;
    return 0;
}
static void nopub(struct pb_sink *s, const char *d) { (void)s, (void)d; }
static void nowarn(struct pb_sink *s, const char *f, long l, const char *fmt, ...) { (void)s, (void)f, (void)l, (void)fmt; }

int main(int argc, char **argv)
{
    const char *root = argc > 1 ? argv[1] : ".";
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    enum { N = BENCH_BUNDLED_N };
    char paths[N][1024], db[128];
    const char *pp[N];
    double *wall = calloc((size_t)runs, sizeof(double)), *cp = calloc((size_t)runs, sizeof(double));
    double *bwall = calloc((size_t)runs, sizeof(double));
    long entities = 0, statements = 0;
    if (runs < 1 || !wall || !cp || !bwall)
        return 2;
    bench_bundled_paths(root, paths, pp);
    snprintf(db, sizeof(db), "/tmp/pb-bench-lists-%d.db", (int)getpid());
    for (int r = 0; r < runs; r++) {
        struct probity_store *st;
        struct probity_error err;
        struct probity_load_report rep;
        char side[160];
        unlink(db);
        snprintf(side, sizeof(side), "%s-wal", db);
        unlink(side);
        if (probity_store_open(&st, db, &err)) {
            probity_error_print(stderr, &err);
            return 1;
        }
        double t0 = bench_wall(), c0 = bench_cpu();
        if (probity_load(st, pp, N, NULL, NULL, &rep, &err)) {
            probity_error_print(stderr, &err);
            return 1;
        }
        wall[r] = bench_wall() - t0;
        cp[r] = bench_cpu() - c0;
        entities = statements = 0;
        for (size_t i = 0; i < rep.n; i++) {
            entities += rep.results[i].version.entities;
            statements += rep.results[i].version.statements;
        }
        probity_load_report_release(&rep);
        probity_store_close(st);

        /* baseline: the loaders alone */
        long props = 0;
        struct pb_sink sink = {discard, nopub, nowarn, &props};
        struct probity_load_opts o;
        memset(&o, 0, sizeof(o));
        t0 = bench_wall();
        struct pb_load_args a1 = {pp, 3, &o, &sink, &err}, a2 = {pp + 3, 4, &o, &sink, &err},
                            a3 = {pp + 7, 1, &o, &sink, &err}, a4 = {pp + 8, 1, &o, &sink, &err};
        if (pb__load_ofac_csv(&a1) || pb__load_ofac_csv(&a2) || pb__load_un_xml(&a3) || pb__load_dpl(&a4)) {
            probity_error_print(stderr, &err);
            return 1;
        }
        bwall[r] = bench_wall() - t0;
    }
    unlink(db);
    qsort(wall, (size_t)runs, sizeof(double), bench_dbl_cmp);
    qsort(cp, (size_t)runs, sizeof(double), bench_dbl_cmp);
    qsort(bwall, (size_t)runs, sizeof(double), bench_dbl_cmp);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("bundled lists: %ld entities, %ld statements, %d runs\n", entities, statements, runs);
    printf("  load into a fresh store: median %.3f s wall, %.3f s CPU\n", wall[runs / 2], cp[runs / 2]);
    printf("  baseline, parse only:    median %.3f s wall (store costs %.1fx the parsing)\n", bwall[runs / 2],
           wall[runs / 2] / bwall[runs / 2]);
    printf("  peak RSS %ld MB\n", ru.ru_maxrss / 1024);
    free(wall);
    free(cp);
    free(bwall);
    return 0;
}
