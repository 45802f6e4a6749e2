/* A minimal test harness: CHECK records a failure with its line and goes on; each test
 * program ends with `return check_done();`, which prints "N passed, N failed". */
#ifndef PB_CHECK_H
#define PB_CHECK_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_pass, check_fail;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond)                                                                                  \
            check_pass++;                                                                          \
        else {                                                                                     \
            check_fail++;                                                                          \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);              \
        }                                                                                          \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        if (a_ && b_ && strcmp(a_, b_) == 0)                                                       \
            check_pass++;                                                                          \
        else {                                                                                     \
            check_fail++;                                                                          \
            fprintf(stderr, "%s:%d: expected \"%s\", got \"%s\"\n", __FILE__, __LINE__,           \
                    b_ ? b_ : "(null)", a_ ? a_ : "(null)");                                       \
        }                                                                                          \
    } while (0)

#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        if (a_ == b_)                                                                              \
            check_pass++;                                                                          \
        else {                                                                                     \
            check_fail++;                                                                          \
            fprintf(stderr, "%s:%d: %s: expected %lld, got %lld\n", __FILE__, __LINE__, #a, b_, a_); \
        }                                                                                          \
    } while (0)

/* The shared data folder (../shared beside the repository); exits with a clear message
 * when it is missing, so a test never passes by skipping its data. */
static inline const char *check_shared(void)
{
    const char *s = getenv("PROBITY_SHARED");
    FILE *fp;
    char probe[1024];
    if (!s)
        s = "../shared";
    snprintf(probe, sizeof(probe), "%s/data/lists/SOURCES.md", s);
    if (!(fp = fopen(probe, "r"))) {
        fprintf(stderr, "shared data not found at %s (set PROBITY_SHARED or put shared/ beside the repository)\n", s);
        exit(1);
    }
    fclose(fp);
    return s;
}

static inline int check_done(void)
{
    printf("%d passed, %d failed\n", check_pass, check_fail);
    return check_fail ? 1 : 0;
}
#endif
