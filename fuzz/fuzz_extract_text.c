/* libFuzzer target for the plain text and Markdown extractor and the charset layer under
 * it. The first byte picks a declared encoding (or none, for detection) and the file name
 * (.txt or .md); the rest is the file. The sink reads every byte it is given. */
#include <stdint.h>
#include <string.h>
#include "docs/extract.h"

static volatile unsigned sink_sum;

static int f_meta(void *ctx, const char *key, const char *value)
{
    unsigned s = 0;
    (void)ctx;
    for (const char *p = key; *p; p++)
        s += (unsigned char)*p;
    for (const char *p = value; *p; p++)
        s += (unsigned char)*p;
    sink_sum += s;
    return 0;
}

static int f_text(void *ctx, int page, enum pb_block_kind kind, const char *utf8, size_t len)
{
    unsigned s = (unsigned)page + (unsigned)kind;
    (void)ctx;
    for (size_t i = 0; i < len; i++)
        s += (unsigned char)utf8[i];
    sink_sum += s;
    return 0;
}

static int f_child(void *ctx, const char *name, const char *mime, const void *data, size_t size)
{
    const unsigned char *d = data;
    unsigned s = (unsigned)strlen(name) + (unsigned)strlen(mime);
    (void)ctx;
    for (size_t i = 0; i < size; i++)
        s += d[i];
    sink_sum += s;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const encodings[] = {NULL,        NULL,     "gb18030",   "big5",
                                            "utf-16le",  "utf-16", "shift_jis", "windows-1251"};
    struct pb_doc_sink sink = {f_meta, f_text, f_child, NULL};
    struct pb_extract_limits lim = PB_EXTRACT_LIMITS_DEFAULT;
    struct probity_error err;
    unsigned sel;
    if (size == 0)
        return 0;
    sel = data[0];
    lim.max_seconds = 10;
    memset(&err, 0, sizeof(err));
    pb_extract_buffer(sel & 8 ? "fuzz.md" : "fuzz.txt", data + 1, size - 1, encodings[sel & 7], &lim, &sink, &err);
    return 0;
}
