/* libFuzzer target for the OFAC sdnList XML loader: the input is written to a temporary
 * file (the loader reads paths) and loaded into a sink that only counts entities, so any
 * crash, leak or undefined behaviour in the XML handling shows without a store. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "lists/loader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count_emit(struct pb_sink *s, const struct probity_entity *e, struct probity_error *err)
{
    (void)e;
    (void)err;
    ++*(long *)s->ctx;
    return 0;
}

static void no_published(struct pb_sink *s, const char *date)
{
    (void)s;
    (void)date;
}

/* Warnings are formatted, not shown, so that their arguments are checked too. */
static void no_warn(struct pb_sink *s, const char *file, long line, const char *fmt, ...)
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/probity-fuzz-ofac-XXXXXX";
    long count = 0;
    struct pb_sink sink = {count_emit, no_published, no_warn, &count};
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
    pb__load_ofac_xml(&a);
    unlink(path);
    return 0;
}
