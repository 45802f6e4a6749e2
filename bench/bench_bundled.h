/* The bundled lists (data/lists/) as the benchmarks load them: the same nine files that
 * `make demo` loads, in that order (the OFAC sets first, so their files stay together).
 * Header-only: each benchmark is its own program. */
#ifndef PB_BENCH_BUNDLED_H
#define PB_BENCH_BUNDLED_H
#include <stdio.h>
#include <string.h>
#include "probity/lists.h"

#define BENCH_BUNDLED_N 9
static const char *const bench_bundled_files[BENCH_BUNDLED_N] = {
    "us_ofac_sdn/sdn.csv",        "us_ofac_sdn/alt.csv",         "us_ofac_sdn/add.csv",
    "us_ofac_cons/cons_prim.csv", "us_ofac_cons/cons_alt.csv",   "us_ofac_cons/cons_add.csv",
    "us_ofac_cons/cons_comments.csv", "un_sc/consolidated.xml", "us_bis_dpl/dpl.txt"};

/* Fill paths[i] with ROOT/data/lists/FILE and p[i] with a pointer to it. */
static inline void bench_bundled_paths(const char *root, char paths[][1024], const char **p)
{
    for (size_t i = 0; i < BENCH_BUNDLED_N; i++) {
        snprintf(paths[i], 1024, "%s/data/lists/%s", root, bench_bundled_files[i]);
        p[i] = paths[i];
    }
}

/* Load the bundled lists of the repository at `root` into st; warnings are discarded. */
static inline int bench_load_bundled(struct probity_store *st, const char *root, const char *who)
{
    char paths[BENCH_BUNDLED_N][1024];
    const char *p[BENCH_BUNDLED_N];
    struct probity_load_opts o;
    struct probity_load_report rep;
    struct probity_error err;
    FILE *devnull = fopen("/dev/null", "w");
    int rc;
    memset(&o, 0, sizeof(o));
    memset(&rep, 0, sizeof(rep));
    bench_bundled_paths(root, paths, p);
    rc = probity_load(st, p, BENCH_BUNDLED_N, &o, devnull, &rep, &err);
    if (rc)
        fprintf(stderr, "%s: loading the bundled lists: %s\n", who, err.msg);
    probity_load_report_release(&rep);
    if (devnull)
        fclose(devnull);
    return rc;
}
#endif
