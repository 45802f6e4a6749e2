/* libFuzzer target for the search query language and the search tokenizer. The input is
 * split at its first NUL byte (or its middle): the first part is parsed as a query; when it
 * parses, the FTS5 expression and filters are read, and the second part is checked as a
 * passage against it (exact phrases, exclusions, marks). The passage is also tokenised
 * directly, encoded and replayed, and its separators folded, so that every byte of every
 * token reaches the sanitizers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/core.h"
#include "docs/query.h"
#include "text/segment.h"

struct sum {
    size_t n, bytes;
};

static int count(void *ctx, const struct pb_token *t)
{
    struct sum *s = ctx;
    s->n++;
    for (size_t i = 0; i < t->len; i++)
        s->bytes += (unsigned char)t->norm[i];
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct pb_segmenter *sg;
    const uint8_t *nul = memchr(data, 0, size);
    size_t qn = nul ? (size_t)(nul - data) : size / 2, pn;
    char *q = malloc(qn + 1);
    const char *passage;
    struct pb_query *pq = NULL;
    struct probity_error err;
    struct pb_qmark *m = NULL;
    size_t nm = 0, cap = 0;
    struct pb_buf enc = PB_BUF_INIT, fold = PB_BUF_INIT;
    struct sum a = {0, 0}, b = {0, 0};
    if (!q)
        return 0;
    if (!sg && pb_segmenter_new(&sg))
        abort();
    memcpy(q, data, qn);
    q[qn] = 0;
    passage = (const char *)data + qn + (nul ? 1 : 0);
    pn = size - qn - (nul ? 1 : 0);
    probity_error_clear(&err);
    if (pb_query_parse(q, &pq, &err) == 0) {
        size_t n;
        const char *fts = pb_query_fts(pq);
        if (!fts[0])
            abort();   /* a parsed query always has an expression */
        for (int k = 0; k < 3; k++) {
            const char *const *v = pb_query_filter(pq, k, &n);
            for (size_t i = 0; i < n; i++)
                a.bytes += strlen(v[i]);
        }
        /* passages must be valid UTF-8, as stored text is */
        if (pb_utf8_valid(passage, pn, NULL)) {
            int r = pb_query_match(pq, sg, passage, pn, &m, &nm, &cap);
            for (size_t i = 0; r == 1 && i < nm; i++)
                if (m[i].start > m[i].end || m[i].end > pn)
                    abort();
            for (size_t i = 0; i < pb_query_nexclude(pq); i++)
                pb_query_exclude_match(pq, i, sg, passage, pn);
        }
        pb_query_free(pq);
    } else if (err.code == PROBITY_EPARSE && err.column < 1) {
        abort();   /* every parse error names a column */
    }
    /* the tokenizer on its own, and the encoded stream replayed gives the same tokens */
    if (pb_segment(sg, passage, pn, PB_SEG_WORDS, count, &a) == 0 &&
        pb_segment_encode(sg, passage, pn, PB_SEG_WORDS, &enc) == 0) {
        if (pb_segment_replay(enc.s, enc.len, count, &b) != 0 || a.n != b.n)
            abort();
    }
    pb_fold_separator(passage, pn < 64 ? pn : 64, (int)(size & 1), &fold);
    pb_buf_release(&enc);
    pb_buf_release(&fold);
    free(m);
    free(q);
    return 0;
}
