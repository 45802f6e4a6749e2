/* Shared by the list-loader fuzz targets: a sink that formats and counts what a loader
 * gives it, and a runner that writes the input to a temporary file (loaders read paths) and
 * runs one loader on it. Header-only: each target is its own program. */
#ifndef PB_FUZZ_LIST_SINK_H
#define PB_FUZZ_LIST_SINK_H
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "lists/loader.h"

static int fuzz_count_emit(struct pb_sink *s, const struct probity_entity *e, struct probity_error *err)
{
    (void)e;
    (void)err;
    ++*(long *)s->ctx;
    return 0;
}

static void fuzz_no_published(struct pb_sink *s, const char *date)
{
    (void)s;
    (void)date;
}

/* Warnings are formatted, not shown, so that their arguments are checked too. */
static void fuzz_no_warn(struct pb_sink *s, const char *file, long line, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    (void)s;
    (void)file;
    (void)line;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
}

/* Write data to a temporary file and run `loader` on it with the counting sink. */
static int fuzz_run_loader(const uint8_t *data, size_t size, int (*loader)(const struct pb_load_args *))
{
    char path[] = "/tmp/probity-fuzz-list-XXXXXX";
    long count = 0;
    struct pb_sink sink = {fuzz_count_emit, fuzz_no_published, fuzz_no_warn, &count};
    struct probity_error err;
    const char *paths[1] = {path};
    struct pb_load_args a = {paths, 1, NULL, &sink, &err};
    int fd = mkstemp(path);
    FILE *fp;
    if (fd < 0)
        return 0;
    if (!(fp = fdopen(fd, "wb"))) {
        close(fd);
        unlink(path);
        return 0;
    }
    if (size)
        fwrite(data, 1, size, fp);
    fclose(fp);
    loader(&a);
    unlink(path);
    return 0;
}
#endif
