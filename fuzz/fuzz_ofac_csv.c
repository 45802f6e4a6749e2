/* libFuzzer target for the OFAC legacy CSV loader and its remarks parser. The input is
 * split into an sdn.csv and an alt.csv (at the first 0xFF byte, if any), written to a
 * temporary folder under the names the loader recognises, and loaded with a sink that
 * touches every value it is given. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/core.h"
#include "lists/loader.h"

static int touch_emit(struct pb_sink *s, const struct probity_entity *e, struct probity_error *err)
{
    size_t *n = s->ctx;
    (void)err;
    *n += strlen(e->id) + strlen(e->schema);
    for (size_t i = 0; i < e->nprops; i++)
        *n += strlen(e->props[i].prop) + strlen(e->props[i].value);
    return 0;
}

static void ignore_published(struct pb_sink *s, const char *date)
{
    (void)s, (void)date;
}

static void ignore_warn(struct pb_sink *s, const char *file, long line, const char *fmt, ...)
{
    (void)s, (void)file, (void)line, (void)fmt;
}

static void write_file(const char *path, const uint8_t *data, size_t n)
{
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return;
    fwrite(data, 1, n, fp);
    fclose(fp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char dir[64], sdn[96], alt[96];
    size_t n = 0, cut = size;
    struct pb_sink sink = {touch_emit, ignore_published, ignore_warn, &n};
    struct probity_load_opts opts;
    struct probity_error err;
    const char *paths[2];
    size_t np = 1;
    if (!dir[0]) {
        snprintf(dir, sizeof(dir), "/tmp/pb-fuzz-ofac-%d", (int)getpid());
        mkdir(dir, 0700);
        snprintf(sdn, sizeof(sdn), "%s/sdn.csv", dir);
        snprintf(alt, sizeof(alt), "%s/alt.csv", dir);
    }
    for (size_t i = 0; i < size; i++)
        if (data[i] == 0xFF) {
            cut = i;
            break;
        }
    write_file(sdn, data, cut);
    paths[0] = sdn;
    if (cut < size) {
        write_file(alt, data + cut + 1, size - cut - 1);
        paths[np++] = alt;
    }
    memset(&opts, 0, sizeof(opts));
    probity_error_clear(&err);
    struct pb_load_args a = {paths, np, &opts, &sink, &err};
    pb__load_ofac_csv(&a);
    unlink(sdn);
    unlink(alt);
    return 0;
}
