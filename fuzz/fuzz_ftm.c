/* libFuzzer target for the FtM JSON lines loader: the input is written to a temporary
 * file (the loader reads files, as in real use) and loaded into a sink that only counts,
 * so that crashes, leaks and undefined behaviour in the parser show up without a store.
 * Errors are expected and fine; each must come with a filled error record. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/core.h"
#include "lists/loader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct counts {
    long entities, values, warnings;
};

static int count_emit(struct pb_sink *s, const struct probity_entity *e, struct probity_error *err)
{
    struct counts *c = s->ctx;
    (void)err;
    if (!e->id || !*e->id || !e->schema)
        abort(); /* the loader must never emit an entity without an id */
    c->entities++;
    c->values += (long)e->nprops;
    return 0;
}

static void count_published(struct pb_sink *s, const char *date)
{
    (void)s, (void)date;
}

static void count_warn(struct pb_sink *s, const char *file, long line, const char *fmt, ...)
{
    struct counts *c = s->ctx;
    (void)file, (void)line, (void)fmt;
    c->warnings++;
}

static char path[64];

static void remove_temp(void)
{
    remove(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct counts c = {0, 0, 0};
    struct pb_sink sink = {count_emit, count_published, count_warn, &c};
    struct probity_load_opts opts;
    struct probity_error err;
    const char *paths[1] = {path};
    struct pb_load_args a = {paths, 1, &opts, &sink, &err};
    FILE *fp;
    int rc;
    if (!path[0]) {
        int fd;
        snprintf(path, sizeof(path), "/tmp/fuzz-ftm-XXXXXX");
        if ((fd = mkstemp(path)) < 0)
            abort();
        close(fd);
        atexit(remove_temp);
    }
    if (!(fp = fopen(path, "wb")))
        abort();
    if (size && fwrite(data, 1, size, fp) != size)
        abort();
    fclose(fp);
    memset(&opts, 0, sizeof(opts));
    probity_error_clear(&err);
    rc = pb__load_ftm(&a);
    if (rc > 0 || (rc < 0 && !err.msg[0]))
        abort(); /* an error must say what went wrong */
    return 0;
}
