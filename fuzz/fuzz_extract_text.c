/* libFuzzer target for the plain text and Markdown extractor and the charset layer under
 * it. The first byte picks a declared encoding (or none, for detection) and the file name
 * (.txt or .md); the rest is the file. The sink reads every byte it is given. */
#include "fuzz_doc_sink.h"

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
